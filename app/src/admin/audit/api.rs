//! Server functions of the audit log.

use super::*;

use leptos::prelude::*;
use platform::error::AppError;

#[server(prefix = "/api", endpoint = "admin/audit")]
pub async fn load_audit(
    actor: String,
    kind: String,
    from: String,
    to: String,
    page: String,
) -> Result<AuditPage, AppError> {
    use crate::accounts::Role;
    use crate::accounts::session::require_role;
    use platform::{ctx, respond};
    respond(async move {
        require_role(Role::Organiser).await?;
        let filter = AuditFilter {
            actor,
            kind,
            from,
            to,
        };
        let page = page.parse::<i64>().unwrap_or(1);
        let window = filter.window()?;
        let page = page.clamp(1, 10_000);
        let pool = ctx()?.db.pool().clone();
        let entries = list(&pool, &filter, window, PER_PAGE, (page - 1) * PER_PAGE).await?;
        let total = count(&pool, &filter, window).await?;
        Ok(AuditPage {
            entries,
            total,
            page,
        })
    })
    .await
}

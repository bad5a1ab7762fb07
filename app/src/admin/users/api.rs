//! Server functions of the account console.

use super::*;

use leptos::prelude::*;
use platform::error::AppError;

#[server(prefix = "/api", endpoint = "admin/accounts")]
pub async fn list_accounts(q: String, page: i64) -> Result<AccountPage, AppError> {
    use crate::accounts::{queries, session::require_role};
    platform::respond(async move {
        require_role(Role::Organiser).await?;
        let ctx = platform::ctx()?;
        let q: String = q.trim().chars().take(50).collect();
        let page = page.clamp(1, 100_000);
        let accounts = queries::list(ctx.db.pool(), &q, PER_PAGE, (page - 1) * PER_PAGE).await?;
        let total = queries::count_matching(ctx.db.pool(), &q).await?;
        Ok(AccountPage {
            accounts,
            total,
            page,
        })
    })
    .await
}

/// Sets an account's role. Organisers only; never leaves the platform
/// without an organiser; recorded in the audit log with before and after.
#[server(prefix = "/api", endpoint = "admin/change-role")]
pub async fn change_role(account_id: i64, role: String) -> Result<String, AppError> {
    use crate::accounts::queries::{self, RoleChange};
    use crate::accounts::session::require_role;
    use platform::audit;
    platform::respond(async move {
        let actor = require_role(Role::Organiser).await?;
        let role = Role::parse(&role).ok_or_else(|| AppError::message("请选择有效的角色"))?;
        let ctx = platform::ctx()?;
        let mut tx = ctx.db.pool().begin().await?;
        let outcome = queries::change_role(&mut tx, ctx.db.backend(), account_id, role).await?;
        let message = match outcome {
            RoleChange::NoSuchAccount => return Err(AppError::NotFound),
            RoleChange::LastOrganiser => {
                return Err(AppError::message("不能取消最后一位管理员的管理员身份"));
            }
            RoleChange::Unchanged => format!("角色未变：仍为{}", role.label()),
            RoleChange::Changed { before } => {
                audit::record(
                    &mut *tx,
                    audit::Entry {
                        actor_id: actor.id,
                        action: platform::audit::AuditAction::AccountRole,
                        target: &format!("account:{account_id}"),
                        before: Some(before.as_str()),
                        after: Some(role.as_str()),
                        at: platform::now(),
                    },
                )
                .await?;
                format!("已将角色从{}改为{}", before.label(), role.label())
            }
        };
        tx.commit().await?;
        tracing::info!(
            actor = actor.id,
            account_id,
            role = role.as_str(),
            "role changed"
        );
        platform::redirect_back();
        Ok(message)
    })
    .await
}

//! Server functions of notifications.

use super::*;

use leptos::prelude::*;
use platform::error::AppError;

/// A page of the signed-in person's notifications; opening the list marks
/// everything read (each item still says whether it was new).
#[server(prefix = "/api", endpoint = "notifications")]
pub async fn my_notifications(page: i64) -> Result<NotificationPage, AppError> {
    use platform::{ctx, now, respond};
    respond(async move {
        let user = crate::accounts::session::require_user().await?;
        let db = ctx()?.db;
        let total = queries::count(db.pool(), user.id).await?;
        let pages = ((total + PER_PAGE - 1) / PER_PAGE).max(1);
        let page = page.clamp(1, pages);
        let items = queries::list(db.pool(), user.id, PER_PAGE, (page - 1) * PER_PAGE).await?;
        queries::mark_all_read(db.pool(), user.id, now()).await?;
        Ok(NotificationPage { items, page, pages })
    })
    .await
}

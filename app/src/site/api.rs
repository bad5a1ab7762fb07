//! Server functions of the site shell.

use super::*;

use leptos::prelude::*;
use platform::error::AppError;

#[server(prefix = "/api", endpoint = "shell")]
pub async fn load_shell() -> Result<ShellInfo, AppError> {
    platform::respond(async move {
        let ctx = platform::ctx()?;
        let site = cache::site_info(&ctx).await?;
        let user = crate::accounts::session::current_user().await?;
        let unread_notifications = match &user {
            Some(u) => crate::notifications::unread_for(&ctx.db, u.id).await?,
            None => 0,
        };
        Ok(ShellInfo {
            site,
            user,
            unread_notifications,
        })
    })
    .await
}

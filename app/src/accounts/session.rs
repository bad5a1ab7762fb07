//! Who is signed in: the account id kept in the server-side session.

use tower_sessions::Session;

use super::{Role, SessionUser, queries};
use crate::error::AppError;
use crate::server::{ctx, session};

const USER_ID: &str = "account_id";

/// Signs an account in. The session gets a new id first, so an id planted
/// before sign-in (session fixation) is worthless afterwards.
pub async fn sign_in(session: &Session, account_id: i64) -> Result<(), AppError> {
    session.cycle_id().await.map_err(AppError::internal)?;
    session
        .insert(USER_ID, account_id)
        .await
        .map_err(AppError::internal)
}

/// Destroys the session, in the store and in the browser.
pub async fn sign_out(session: &Session) -> Result<(), AppError> {
    session.flush().await.map_err(AppError::internal)
}

/// The signed-in account, if any (and not disabled since).
pub async fn current_user() -> Result<Option<SessionUser>, AppError> {
    user_of(&session().await?, &ctx()?.db).await
}

/// The account a session belongs to; for handlers outside Leptos too.
pub async fn user_of(
    session: &Session,
    db: &crate::server::Db,
) -> Result<Option<SessionUser>, AppError> {
    let id: Option<i64> = session.get(USER_ID).await.map_err(AppError::internal)?;
    let Some(id) = id else { return Ok(None) };
    let user = queries::session_user(db.pool(), id).await?;
    if user.is_none() {
        // The account is gone or disabled: end the session too.
        sign_out(session).await?;
    }
    Ok(user)
}

/// The signed-in account, or "please sign in".
pub async fn require_user() -> Result<SessionUser, AppError> {
    current_user().await?.ok_or(AppError::Unauthenticated)
}

/// The signed-in account if it has `role`; otherwise "not allowed".
pub async fn require_role(role: Role) -> Result<SessionUser, AppError> {
    let user = require_user().await?;
    if user.role == role {
        Ok(user)
    } else {
        Err(AppError::Forbidden)
    }
}

//! Who is signed in: the account id kept in the server-side session.
//!
//! A session also remembers the account's session epoch at sign-in and the
//! moment it must end. It ends when the epoch has moved on (the password
//! was changed or reset: every older session is refused for good, even one
//! that a request in flight writes back into the store) and at that moment,
//! the absolute lifetime (`Settings::session_max_age_secs` after sign-in),
//! however active it has been.

use std::sync::{Arc, Mutex, PoisonError};

use leptos::prelude::use_context;
use tokio::sync::OnceCell;
use tower_sessions::Session;

use super::{SessionUser, queries};
use platform::error::AppError;
use platform::{ctx, now, session};

const USER_ID: &str = "account_id";
const EPOCH: &str = "epoch";
const ENDS_AT: &str = "ends_at";
/// The lifetime given to sessions signed in before sessions had one.
const LEGACY_LIFETIME_SECS: i64 = 30 * 24 * 3600;

/// Signs an account in. The session gets a new id first, so an id planted
/// before sign-in (session fixation) is worthless afterwards.
pub async fn sign_in(session: &Session, account_id: i64) -> Result<(), AppError> {
    let ctx = ctx()?;
    let epoch = queries::session_epoch(ctx.db.pool(), account_id).await?;
    let ends_at = now().saturating_add(ctx.settings.session_max_age_secs);
    session.cycle_id().await.map_err(AppError::internal)?;
    UserMemo::forget();
    let put = async {
        session.insert(USER_ID, account_id).await?;
        session.insert(EPOCH, epoch).await?;
        session.insert(ENDS_AT, ends_at).await
    };
    put.await.map_err(AppError::internal)
}

/// Destroys the session, in the store and in the browser.
pub async fn sign_out(session: &Session) -> Result<(), AppError> {
    UserMemo::forget();
    session.flush().await.map_err(AppError::internal)
}

/// Who the current request is from, once looked up: a page asks in
/// several places (the header, the page's data, its permissions), often at
/// the same moment, and each would read the session and the account
/// again. Callers that ask while the lookup runs wait for its answer.
/// Provided afresh for every request; signing in or out forgets it.
#[derive(Debug, Clone, Default)]
pub struct UserMemo(Arc<Mutex<Arc<OnceCell<Option<SessionUser>>>>>);

impl UserMemo {
    fn cell(&self) -> Arc<OnceCell<Option<SessionUser>>> {
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    fn forget() {
        if let Some(memo) = use_context::<UserMemo>() {
            *memo.0.lock().unwrap_or_else(PoisonError::into_inner) = Arc::default();
        }
    }
}

/// The signed-in account, if any (and not disabled since).
pub async fn current_user() -> Result<Option<SessionUser>, AppError> {
    let look_up = || async { user_of(&session().await?, &ctx()?.db).await };
    match use_context::<UserMemo>() {
        Some(memo) => memo.cell().get_or_try_init(look_up).await.cloned(),
        None => look_up().await,
    }
}

/// The account a session belongs to; for handlers outside Leptos too.
pub async fn user_of(
    session: &Session,
    db: &platform::Db,
) -> Result<Option<SessionUser>, AppError> {
    let get = async {
        let id: Option<i64> = session.get(USER_ID).await?;
        let epoch: Option<i64> = session.get(EPOCH).await?;
        let ends_at: Option<i64> = session.get(ENDS_AT).await?;
        Ok::<_, tower_sessions::session::Error>((id, epoch, ends_at))
    };
    let (id, epoch, ends_at) = get.await.map_err(AppError::internal)?;
    let Some(id) = id else { return Ok(None) };
    let account = queries::session_account(db.pool(), id).await?;
    let now = now();
    let valid = match (&account, ends_at) {
        // Gone, disabled, or the password changed since this session began.
        (None, _) => false,
        (Some((_, current)), _) if epoch.unwrap_or(0) != *current => false,
        (Some(_), Some(end)) => now < end,
        // Signed in before sessions had a lifetime: it starts now.
        (Some(_), None) => {
            session
                .insert(ENDS_AT, now + LEGACY_LIFETIME_SECS)
                .await
                .map_err(AppError::internal)?;
            true
        }
    };
    if !valid {
        sign_out(session).await?;
        return Ok(None);
    }
    Ok(account.map(|(user, _)| user))
}

/// The signed-in account, or "please sign in".
pub async fn require_user() -> Result<SessionUser, AppError> {
    current_user().await?.ok_or(AppError::Unauthenticated)
}

/// The signed-in account if it has `role`; otherwise "not allowed".
pub async fn require_role(role: super::Role) -> Result<SessionUser, AppError> {
    let user = require_user().await?;
    if user.role == role {
        Ok(user)
    } else {
        Err(AppError::Forbidden)
    }
}

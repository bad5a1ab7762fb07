//! Who is asking, for plain axum handlers (uploads, downloads, permalinks):
//! extractors over the session, so that no handler checks roles by hand.
//!
//! * [`MaybeUser`]: the signed-in account, or `None` for a visitor.
//! * [`SignedIn`]: a visitor is sent to the sign-in page, which returns to
//!   the page they came from (or this address).
//! * [`Organiser`]: the same for visitors; other members get 403.

use axum::extract::FromRequestParts;
use axum::response::{IntoResponse, Redirect, Response};
use http::request::Parts;
use tower_sessions::Session;

use super::SessionUser;
use super::session::user_of;
use platform::AppContext;
use platform::error::AppError;

/// The signed-in account, if any.
pub struct MaybeUser(pub Option<SessionUser>);

/// A signed-in account; visitors are sent to sign in.
pub struct SignedIn(pub SessionUser);

/// An organiser's account; visitors are sent to sign in, others refused.
pub struct Organiser(pub SessionUser);

impl FromRequestParts<AppContext> for MaybeUser {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, ctx: &AppContext) -> Result<Self, AppError> {
        let session = Session::from_request_parts(parts, ctx)
            .await
            .map_err(|(_, why)| AppError::internal(why))?;
        Ok(MaybeUser(user_of(&session, &ctx.db).await?))
    }
}

impl FromRequestParts<AppContext> for SignedIn {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, ctx: &AppContext) -> Result<Self, Response> {
        match MaybeUser::from_request_parts(parts, ctx).await {
            Ok(MaybeUser(Some(user))) => Ok(SignedIn(user)),
            Ok(MaybeUser(None)) => Err(sign_in(parts)),
            Err(e) => Err(e.into_response()),
        }
    }
}

impl FromRequestParts<AppContext> for Organiser {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, ctx: &AppContext) -> Result<Self, Response> {
        let SignedIn(user) = SignedIn::from_request_parts(parts, ctx).await?;
        if user.is_organiser() {
            Ok(Organiser(user))
        } else {
            Err(AppError::Forbidden.into_response())
        }
    }
}

/// The sign-in page, returning afterwards to the page of this site the
/// request came from, or else to the address asked for (when it is a page).
fn sign_in(parts: &Parts) -> Response {
    let host = parts
        .headers
        .get(http::header::HOST)
        .and_then(|h| h.to_str().ok());
    let back = parts
        .headers
        .get(http::header::REFERER)
        .and_then(|r| r.to_str().ok())
        .and_then(|r| platform::same_site_path(r, host))
        .unwrap_or_else(|| match parts.method {
            // A form's address is no page to return to.
            http::Method::GET => parts
                .uri
                .path_and_query()
                .map_or("/", |p| p.as_str())
                .to_owned(),
            _ => "/".to_owned(),
        });
    Redirect::to(&format!("/login?next={}", crate::ui::pager::encode(&back))).into_response()
}

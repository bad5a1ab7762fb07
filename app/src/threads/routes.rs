//! The permalink of a post, `/posts/{id}`: answers with a redirect to the
//! page of its thread that holds it, scrolled to it. `?n={id}` marks the
//! notification that led here read.

use axum::Router;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use serde::Deserialize;

use super::{page_of, queries};
use crate::accounts::SessionUser;
use crate::accounts::extract::MaybeUser;
use platform::error::AppError;
use platform::{AppContext, now};

pub fn router(ctx: AppContext) -> Router {
    Router::new()
        .route("/posts/{id}", get(permalink))
        .with_state(ctx)
}

#[derive(Deserialize)]
struct FromNotification {
    n: Option<i64>,
}

async fn permalink(
    State(ctx): State<AppContext>,
    MaybeUser(user): MaybeUser,
    Path(id): Path<String>,
    Query(q): Query<FromNotification>,
) -> Result<Response, AppError> {
    let path = target(&ctx, user.as_ref(), &id, q.n)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(Redirect::to(&path).into_response())
}

/// Where the post is, if it exists and the visitor may read it.
async fn target(
    ctx: &AppContext,
    user: Option<&SessionUser>,
    id: &str,
    notification: Option<i64>,
) -> Result<Option<String>, AppError> {
    let Ok(id) = id.parse::<i64>() else {
        return Ok(None);
    };
    let db = ctx.db.pool();
    let Some(post) = queries::post(db, id).await? else {
        return Ok(None);
    };
    let viewer = platform::Viewer::of(user.map(|u| u.id));
    if !queries::may_read(db, post.group_id, viewer).await? {
        return Ok(None);
    }
    if let (Some(u), Some(n)) = (user, notification) {
        crate::notifications::queries::mark_read(db, u.id, n, now()).await?;
    }
    Ok(Some(format!(
        "/groups/{}/threads/{}?page={}#p{}",
        post.group_slug,
        post.thread_id,
        page_of(post.seq),
        post.seq
    )))
}

//! The permalink of a post, `/posts/{id}`: answers with a redirect to the
//! page of its thread that holds it, scrolled to it. `?n={id}` marks the
//! notification that led here read.

use axum::Router;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use http::StatusCode;
use serde::Deserialize;
use tower_sessions::Session;

use super::{page_of, queries};
use crate::accounts::session::user_of;
use crate::server::{AppContext, now};

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
    session: Session,
    Path(id): Path<String>,
    Query(q): Query<FromNotification>,
) -> Response {
    match target(&ctx, &session, &id, q.n).await {
        Ok(Some(path)) => Redirect::to(&path).into_response(),
        Ok(None) => (StatusCode::NOT_FOUND, "未找到该帖子").into_response(),
        Err(e) => {
            tracing::error!(error = %e, "post permalink failed");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}

/// Where the post is, if it exists and the visitor may read it.
async fn target(
    ctx: &AppContext,
    session: &Session,
    id: &str,
    notification: Option<i64>,
) -> Result<Option<String>, String> {
    let Ok(id) = id.parse::<i64>() else {
        return Ok(None);
    };
    let db = ctx.db.pool();
    let user = user_of(session, &ctx.db).await.map_err(|e| e.to_string())?;
    let Some(post) = queries::post(db, id).await.map_err(|e| e.to_string())? else {
        return Ok(None);
    };
    // A visitor is account 0, which is nobody's member.
    let readable = queries::may_read(db, post.group_id, user.as_ref().map_or(0, |u| u.id))
        .await
        .map_err(|e| e.to_string())?;
    if !readable {
        return Ok(None);
    }
    if let (Some(u), Some(n)) = (&user, notification) {
        crate::notifications::queries::mark_read(db, u.id, n, now())
            .await
            .map_err(|e| e.to_string())?;
    }
    Ok(Some(format!(
        "/groups/{}/threads/{}?page={}#p{}",
        post.group_slug,
        post.thread_id,
        page_of(post.seq),
        post.seq
    )))
}

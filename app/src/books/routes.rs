//! HTTP endpoints of books that are not pages: cover images (served and
//! uploaded) and the catalogue export.

use axum::Router;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Multipart, Path, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use tower_sessions::Session;

use super::{cover, queries};
use crate::accounts::session::user_of;
use crate::server::{AppContext, now};
use crate::ui::pager::encode;

/// Cover reads (cacheable for good: an image id never changes content).
pub fn router(ctx: AppContext) -> Router {
    Router::new()
        .route("/covers/{id}", get(serve_full))
        .route("/covers/{id}/thumb", get(serve_thumb))
        .route("/books/export.csv", get(export_catalogue))
        .with_state(ctx)
}

/// Cover uploads, with a body limit above the one for ordinary forms.
pub fn upload_router(ctx: AppContext) -> Router {
    Router::new()
        .route("/books/{id}/cover", post(upload_cover))
        .layer(DefaultBodyLimit::max(cover::MAX_UPLOAD_BYTES + 64 * 1024))
        .with_state(ctx)
}

async fn serve_full(state: State<AppContext>, id: Path<String>) -> Response {
    serve_cover(state, id, false).await
}

async fn serve_thumb(state: State<AppContext>, id: Path<String>) -> Response {
    serve_cover(state, id, true).await
}

async fn serve_cover(
    State(ctx): State<AppContext>,
    Path(id): Path<String>,
    thumb: bool,
) -> Response {
    let Ok(id) = id.parse::<i64>() else {
        return StatusCode::NOT_FOUND.into_response();
    };
    match queries::image(ctx.db.pool(), id, thumb).await {
        Ok(Some(img)) => (
            [
                (
                    header::CONTENT_TYPE,
                    HeaderValue::from_str(&img.content_type)
                        .unwrap_or(HeaderValue::from_static("image/jpeg")),
                ),
                (
                    header::CACHE_CONTROL,
                    HeaderValue::from_static("public, max-age=31536000, immutable"),
                ),
            ],
            Bytes::from(img.bytes),
        )
            .into_response(),
        Ok(None) => StatusCode::NOT_FOUND.into_response(),
        Err(e) => {
            tracing::error!(error = %e, "reading a cover failed");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}

/// A plain form post: answers with a redirect back to the edit page,
/// carrying `?cover=ok` or the Chinese reason it failed.
async fn upload_cover(
    State(ctx): State<AppContext>,
    session: Session,
    Path(book_id): Path<i64>,
    multipart: Multipart,
) -> Response {
    let back = |msg: &str| {
        Redirect::to(&format!("/books/{book_id}/edit?cover={}", encode(msg))).into_response()
    };
    match user_of(&session, &ctx.db).await {
        Ok(Some(u)) if u.is_organiser() => {}
        Ok(Some(_)) => return (StatusCode::FORBIDDEN, "没有权限执行此操作").into_response(),
        Ok(None) => {
            return Redirect::to(&format!("/login?next=/books/{book_id}/edit")).into_response();
        }
        Err(_) => return StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
    match store_cover(&ctx, book_id, multipart).await {
        Ok(()) => back("ok"),
        Err(Failure::User(msg)) => back(&msg),
        Err(Failure::NoBook) => StatusCode::NOT_FOUND.into_response(),
        Err(Failure::Internal(e)) => {
            tracing::error!(error = %e, "storing a cover failed");
            back("服务器出错了，请稍后再试")
        }
    }
}

pub(crate) enum Failure {
    User(String),
    NoBook,
    Internal(String),
}

/// Reads the `cover` field of an upload form and checks, re-encodes and
/// thumbnails it (off the async threads).
pub(crate) async fn processed_cover(
    mut multipart: Multipart,
) -> Result<cover::ProcessedCover, Failure> {
    let mut upload = None;
    while let Some(field) = multipart
        .next_field()
        .await
        .map_err(|_| Failure::User("上传失败：文件过大或传输中断".to_owned()))?
    {
        if field.name() == Some("cover") {
            let bytes = field
                .bytes()
                .await
                .map_err(|_| Failure::User("上传失败：文件过大或传输中断".to_owned()))?;
            upload = Some(bytes);
        }
    }
    let upload = upload.ok_or_else(|| Failure::User("请选择封面图片".to_owned()))?;
    tokio::task::spawn_blocking(move || cover::process(&upload))
        .await
        .map_err(|e| Failure::Internal(e.to_string()))?
        .map_err(Failure::User)
}

/// Stores a processed cover as a new image; returns its id.
pub(crate) async fn save_cover(
    conn: &mut sqlx::AnyConnection,
    processed: &cover::ProcessedCover,
) -> Result<i64, sqlx::Error> {
    let img = queries::NewImage {
        content_type: processed.cover.content_type,
        width: i64::from(processed.cover.width),
        height: i64::from(processed.cover.height),
        data: &processed.cover.bytes,
        thumb_content_type: processed.thumb.content_type,
        thumb_width: i64::from(processed.thumb.width),
        thumb_height: i64::from(processed.thumb.height),
        thumb: &processed.thumb.bytes,
    };
    queries::insert_image(&mut *conn, &img, now()).await
}

async fn store_cover(ctx: &AppContext, book_id: i64, multipart: Multipart) -> Result<(), Failure> {
    let internal = |e: sqlx::Error| Failure::Internal(e.to_string());
    if queries::cover_of(ctx.db.pool(), book_id)
        .await
        .map_err(internal)?
        .is_none()
    {
        return Err(Failure::NoBook);
    }
    let processed = processed_cover(multipart).await?;
    let mut tx = ctx.db.pool().begin().await.map_err(internal)?;
    let old = queries::cover_of(&mut *tx, book_id)
        .await
        .map_err(internal)?
        .flatten();
    let image_id = save_cover(&mut tx, &processed).await.map_err(internal)?;
    queries::set_cover(&mut *tx, book_id, image_id)
        .await
        .map_err(internal)?;
    if let Some(old) = old {
        queries::delete_image(&mut *tx, old)
            .await
            .map_err(internal)?;
    }
    tx.commit().await.map_err(internal)?;
    Ok(())
}

/// The whole catalogue as CSV (organisers).
async fn export_catalogue(State(ctx): State<AppContext>, session: Session) -> Response {
    match user_of(&session, &ctx.db).await {
        Ok(Some(u)) if u.is_organiser() => {}
        Ok(Some(_)) => return (StatusCode::FORBIDDEN, "没有权限执行此操作").into_response(),
        Ok(None) => return Redirect::to("/login?next=/books").into_response(),
        Err(_) => return StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
    match queries::all(ctx.db.pool()).await {
        Ok(books) => {
            let fields: Vec<_> = books.into_iter().map(|b| b.fields).collect();
            csv_download(super::catalogue_csv::write(&fields), "shuxiang-books.csv")
        }
        Err(e) => {
            tracing::error!(error = %e, "catalogue export failed");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}

/// A CSV attachment (UTF-8, opened correctly by Excel thanks to the BOM the writer adds).
pub fn csv_download(body: String, filename: &str) -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{filename}\""),
            ),
            (header::CACHE_CONTROL, "no-store".to_owned()),
        ],
        body,
    )
        .into_response()
}

//! HTTP endpoints of books that are not pages: cover images (served and
//! uploaded) and the catalogue export.

use axum::Router;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Multipart, Path, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};

use super::{cover, queries};
use crate::accounts::extract::Organiser;
use crate::ui::pager::encode;
use platform::error::AppError;
use platform::{AppContext, now};

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

async fn serve_full(state: State<AppContext>, id: Path<String>) -> Result<Response, AppError> {
    serve_cover(state, id, false).await
}

async fn serve_thumb(state: State<AppContext>, id: Path<String>) -> Result<Response, AppError> {
    serve_cover(state, id, true).await
}

async fn serve_cover(
    State(ctx): State<AppContext>,
    Path(id): Path<String>,
    thumb: bool,
) -> Result<Response, AppError> {
    let id: i64 = id.parse().map_err(|_| AppError::NotFound)?;
    let img = queries::image(ctx.db.pool(), id, thumb)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok((
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
        .into_response())
}

/// A plain form post: answers with a redirect back to the edit page,
/// carrying `?cover=ok` or the Chinese reason it failed.
async fn upload_cover(
    State(ctx): State<AppContext>,
    Organiser(_): Organiser,
    Path(book_id): Path<i64>,
    multipart: Multipart,
) -> Result<Response, AppError> {
    let outcome = match store_cover(&ctx, book_id, multipart).await {
        Ok(()) => "ok".to_owned(),
        Err(AppError::NotFound) => return Err(AppError::NotFound),
        Err(e) => e.to_string(),
    };
    Ok(Redirect::to(&format!("/books/{book_id}/edit?cover={}", encode(&outcome))).into_response())
}

/// Reads the `cover` field of an upload form and checks, re-encodes and
/// thumbnails it (off the async threads). What the uploader can fix is an
/// `AppError::Invalid` with the Chinese reason.
pub(crate) async fn processed_cover(
    mut multipart: Multipart,
) -> Result<cover::ProcessedCover, AppError> {
    let broken = |_| AppError::message("上传失败：文件过大或传输中断");
    let mut upload = None;
    while let Some(field) = multipart.next_field().await.map_err(broken)? {
        if field.name() == Some("cover") {
            upload = Some(field.bytes().await.map_err(broken)?);
        }
    }
    let upload = upload.ok_or_else(|| AppError::message("请选择封面图片"))?;
    tokio::task::spawn_blocking(move || cover::process(&upload))
        .await
        .map_err(AppError::internal)?
        .map_err(AppError::message)
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

async fn store_cover(ctx: &AppContext, book_id: i64, multipart: Multipart) -> Result<(), AppError> {
    if queries::cover_of(ctx.db.pool(), book_id).await?.is_none() {
        return Err(AppError::NotFound);
    }
    let processed = processed_cover(multipart).await?;
    let mut tx = ctx.db.pool().begin().await?;
    let old = queries::cover_of(&mut *tx, book_id).await?.flatten();
    let image_id = save_cover(&mut tx, &processed).await?;
    queries::set_cover(&mut *tx, book_id, image_id).await?;
    if let Some(old) = old {
        queries::delete_image(&mut *tx, old).await?;
    }
    tx.commit().await?;
    Ok(())
}

/// The whole catalogue as CSV (organisers).
async fn export_catalogue(
    State(ctx): State<AppContext>,
    Organiser(_): Organiser,
) -> Result<Response, AppError> {
    let books = queries::all(ctx.db.pool()).await?;
    let fields: Vec<_> = books.into_iter().map(|b| b.fields).collect();
    Ok(csv_download(
        super::catalogue_csv::write(&fields),
        "shuxiang-books.csv",
    ))
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

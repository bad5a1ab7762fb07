//! HTTP endpoints of books that are not pages: cover images (served and
//! uploaded) and the catalogue export.

use axum::Router;
use axum::extract::{DefaultBodyLimit, Multipart, Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};

use super::queries;
use crate::accounts::extract::Organiser;
use crate::ui::pager::encode;
use platform::error::AppError;
use platform::{AppContext, media};

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
        .layer(DefaultBodyLimit::max(media::MAX_UPLOAD_BYTES + 64 * 1024))
        .with_state(ctx)
}

async fn serve_full(
    State(ctx): State<AppContext>,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    media::serve(ctx.db.pool(), &id, false).await
}

async fn serve_thumb(
    State(ctx): State<AppContext>,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    media::serve(ctx.db.pool(), &id, true).await
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

async fn store_cover(ctx: &AppContext, book_id: i64, multipart: Multipart) -> Result<(), AppError> {
    if queries::cover_of(ctx.db.pool(), book_id).await?.is_none() {
        return Err(AppError::NotFound);
    }
    let processed = media::upload(multipart).await?;
    let mut tx = ctx.db.pool().begin().await?;
    let old = queries::cover_of(&mut *tx, book_id).await?.flatten();
    let image_id = media::save(&mut tx, &processed).await?;
    queries::set_cover(&mut *tx, book_id, image_id).await?;
    if let Some(old) = old {
        media::delete(&mut *tx, old).await?;
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

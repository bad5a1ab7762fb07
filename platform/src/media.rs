//! Uploaded images (server only): the covers of books and lectures, checked
//! and re-encoded ([`cover`]), stored in the `image` table and served from
//! it. A feature that takes a picture reads the upload with [`upload`],
//! stores it with [`save`] inside its own transaction (which also points its
//! row at the new id and [`delete`]s the old one) and serves it with
//! [`serve`].

pub mod cover;

use axum::body::Bytes;
use axum::extract::Multipart;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};

pub use cover::{MAX_UPLOAD_BYTES, ProcessedCover};

use crate::error::AppError;
use crate::{Exec, now};

/// A stored image (or its thumbnail), ready to send.
#[derive(sqlx::FromRow)]
pub struct StoredImage {
    pub content_type: String,
    pub bytes: Vec<u8>,
}

/// An image and its thumbnail, to be stored.
pub struct NewImage<'a> {
    pub content_type: &'a str,
    pub width: i64,
    pub height: i64,
    pub data: &'a [u8],
    pub thumb_content_type: &'a str,
    pub thumb_width: i64,
    pub thumb_height: i64,
    pub thumb: &'a [u8],
}

/// Stores an image; returns its id.
pub async fn insert(e: impl Exec<'_>, img: &NewImage<'_>, now: i64) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "INSERT INTO image (content_type, width, height, data, thumb_content_type, thumb_width, thumb_height, thumb, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
    )
    .bind(img.content_type)
    .bind(img.width)
    .bind(img.height)
    .bind(img.data)
    .bind(img.thumb_content_type)
    .bind(img.thumb_width)
    .bind(img.thumb_height)
    .bind(img.thumb)
    .bind(now)
    .fetch_one(e)
    .await
}

/// An image, or its thumbnail.
pub async fn read(
    e: impl Exec<'_>,
    id: i64,
    thumb: bool,
) -> Result<Option<StoredImage>, sqlx::Error> {
    let sql = if thumb {
        "SELECT thumb_content_type AS content_type, thumb AS bytes FROM image WHERE id = $1"
    } else {
        "SELECT content_type, data AS bytes FROM image WHERE id = $1"
    };
    sqlx::query_as(sql).bind(id).fetch_optional(e).await
}

pub async fn delete(e: impl Exec<'_>, id: i64) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM image WHERE id = $1")
        .bind(id)
        .execute(e)
        .await?;
    Ok(())
}

/// Reads the `cover` field of an upload form and checks, re-encodes and
/// thumbnails it (off the async threads). What the uploader can fix is an
/// `AppError::Invalid` with the Chinese reason.
pub async fn upload(mut multipart: Multipart) -> Result<ProcessedCover, AppError> {
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
pub async fn save(
    conn: &mut sqlx::AnyConnection,
    processed: &ProcessedCover,
) -> Result<i64, sqlx::Error> {
    let img = NewImage {
        content_type: processed.cover.content_type,
        width: i64::from(processed.cover.width),
        height: i64::from(processed.cover.height),
        data: &processed.cover.bytes,
        thumb_content_type: processed.thumb.content_type,
        thumb_width: i64::from(processed.thumb.width),
        thumb_height: i64::from(processed.thumb.height),
        thumb: &processed.thumb.bytes,
    };
    insert(&mut *conn, &img, now()).await
}

/// The answer to `GET` of image `id` (its thumbnail when `thumb`):
/// cacheable for good, as an image id never changes content.
pub async fn serve(e: impl Exec<'_>, id: &str, thumb: bool) -> Result<Response, AppError> {
    let id: i64 = id.parse().map_err(|_| AppError::NotFound)?;
    let img = read(e, id, thumb).await?.ok_or(AppError::NotFound)?;
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

//! SQL of notifications.

use super::{Notification, NotificationKind};
use platform::Exec;
use platform::db::IsSet;

/// A notification to store.
pub struct NewNotification<'a> {
    pub account_id: i64,
    pub kind: NotificationKind,
    pub actor_id: Option<i64>,
    pub post_id: Option<i64>,
    pub thread_id: Option<i64>,
    /// A short context line (the thread's title, a moderation reason).
    pub text: &'a str,
}

pub async fn insert(
    e: impl Exec<'_>,
    n: &NewNotification<'_>,
    now: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO notification (account_id, kind, actor_id, post_id, thread_id, text, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(n.account_id)
    .bind(n.kind.as_str())
    .bind(n.actor_id)
    .bind(n.post_id)
    .bind(n.thread_id)
    .bind(n.text)
    .bind(now)
    .execute(e)
    .await?;
    Ok(())
}

/// A notification about a session (no actor, no post).
pub async fn insert_lecture(
    e: impl Exec<'_>,
    account_id: i64,
    lecture_id: i64,
    text: &str,
    now: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO notification (account_id, kind, lecture_id, text, created_at) \
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(account_id)
    .bind(NotificationKind::Lecture.as_str())
    .bind(lecture_id)
    .bind(text)
    .bind(now)
    .execute(e)
    .await?;
    Ok(())
}

pub async fn unread_count(e: impl Exec<'_>, account_id: i64) -> Result<i64, sqlx::Error> {
    let sql = "SELECT COUNT(*) FROM notification WHERE account_id = $1 AND read_at IS NULL";
    platform::db::count_of(e, sql, account_id).await
}

/// A row of [`list`].
#[derive(sqlx::FromRow)]
struct NotificationRow {
    id: i64,
    kind: String,
    display_name: Option<String>,
    post_id: Option<i64>,
    thread_id: Option<i64>,
    lecture_slug: Option<String>,
    text: String,
    created_at: i64,
    #[sqlx(rename = "read_at", try_from = "IsSet")]
    read: bool,
}

/// Someone's notifications, newest first.
pub async fn list(
    e: impl Exec<'_>,
    account_id: i64,
    limit: i64,
    offset: i64,
) -> Result<Vec<Notification>, sqlx::Error> {
    let rows: Vec<NotificationRow> = sqlx::query_as(
        "SELECT n.id, n.kind, a.display_name, n.post_id, n.thread_id, l.slug AS lecture_slug, n.text, \
         n.created_at, n.read_at \
         FROM notification n LEFT JOIN account a ON a.id = n.actor_id \
         LEFT JOIN lecture l ON l.id = n.lecture_id \
         WHERE n.account_id = $1 ORDER BY n.id DESC LIMIT $2 OFFSET $3",
    )
    .bind(account_id)
    .bind(limit)
    .bind(offset)
    .fetch_all(e)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| Notification {
            id: r.id,
            kind: NotificationKind::parse(&r.kind).unwrap_or(NotificationKind::Reply),
            actor: r.display_name,
            post_id: r.post_id,
            thread_id: r.thread_id,
            lecture_slug: r.lecture_slug,
            text: r.text,
            created_at: r.created_at,
            read: r.read,
        })
        .collect())
}

pub async fn count(e: impl Exec<'_>, account_id: i64) -> Result<i64, sqlx::Error> {
    let sql = "SELECT COUNT(*) FROM notification WHERE account_id = $1";
    platform::db::count_of(e, sql, account_id).await
}

/// Marks all of someone's notifications read.
pub async fn mark_all_read(
    e: impl Exec<'_>,
    account_id: i64,
    now: i64,
) -> Result<u64, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE notification SET read_at = $2 WHERE account_id = $1 AND read_at IS NULL",
    )
    .bind(account_id)
    .bind(now)
    .execute(e)
    .await?;
    Ok(done.rows_affected())
}

/// Marks one of someone's notifications read (someone else's: nothing).
pub async fn mark_read(
    e: impl Exec<'_>,
    account_id: i64,
    id: i64,
    now: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE notification SET read_at = $3 WHERE id = $2 AND account_id = $1 AND read_at IS NULL",
    )
    .bind(account_id)
    .bind(id)
    .bind(now)
    .execute(e)
    .await?;
    Ok(())
}

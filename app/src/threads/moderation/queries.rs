use std::collections::BTreeMap;

use sqlx::AnyConnection;

use super::{LogEntry, QueuedPost, Report};
use crate::threads::queries::GONE_ACCOUNT;
use platform::Exec;
use platform::db::IsSet;

pub async fn log_action(
    conn: &mut AnyConnection,
    actor_id: i64,
    action: super::ModerationAction,
    thread_id: Option<i64>,
    post_id: Option<i64>,
    note: &str,
    now: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO moderation_log (actor_id, action, thread_id, post_id, note, at) \
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(actor_id)
    .bind(action.as_str())
    .bind(thread_id)
    .bind(post_id)
    .bind(note)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Tells the author of a post (if any) what a moderator did to it.
pub async fn notify_author(
    conn: &mut AnyConnection,
    post: &crate::threads::queries::PostRecord,
    actor_id: i64,
    text: &str,
    now: i64,
) -> Result<(), sqlx::Error> {
    use crate::notifications::NotificationKind;
    use crate::notifications::queries::{NewNotification, insert};
    let Some(author) = post.account_id else {
        return Ok(());
    };
    let n = NewNotification {
        account_id: author,
        kind: NotificationKind::Moderation,
        actor_id: Some(actor_id),
        post_id: Some(post.id),
        thread_id: Some(post.thread_id),
        text,
    };
    insert(&mut *conn, &n, now).await
}

/// Files a report; false when this person already has one open on it.
pub async fn report(
    e: impl Exec<'_>,
    post_id: i64,
    account_id: i64,
    reason: &str,
    now: i64,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "INSERT INTO post_report (post_id, account_id, reason, status, created_at) \
         VALUES ($1, $2, $3, 'open', $4) ON CONFLICT DO NOTHING",
    )
    .bind(post_id)
    .bind(account_id)
    .bind(reason)
    .bind(now)
    .execute(e)
    .await?;
    Ok(done.rows_affected() == 1)
}

// A deleted post's text does not leave the database, even for organisers.
const POST_COLUMNS: &str = "p.id, t.title, g.name AS group_name, a.display_name, \
     CASE WHEN p.deleted_at IS NULL THEN p.body_html ELSE '' END AS body_html, \
     p.hidden_at, p.deleted_at";
const POST_FROM: &str = "FROM post p JOIN thread t ON t.id = p.thread_id \
     JOIN reading_group g ON g.id = t.group_id LEFT JOIN account a ON a.id = p.account_id";

/// A row of [`POST_COLUMNS`].
#[derive(sqlx::FromRow)]
struct QueuedRow {
    id: i64,
    title: String,
    group_name: String,
    display_name: Option<String>,
    body_html: String,
    #[sqlx(rename = "hidden_at", try_from = "IsSet")]
    hidden: bool,
    #[sqlx(rename = "deleted_at", try_from = "IsSet")]
    deleted: bool,
}

impl QueuedRow {
    fn queued(self, reports: Vec<Report>) -> QueuedPost {
        QueuedPost {
            post_id: self.id,
            thread_title: self.title,
            group_name: self.group_name,
            author: self.display_name.unwrap_or_else(|| GONE_ACCOUNT.to_owned()),
            body_html: platform::SafeHtml::from_stored(self.body_html),
            hidden: self.hidden,
            deleted: self.deleted,
            reports,
        }
    }
}

/// A row of the open reports in [`reported`].
#[derive(sqlx::FromRow)]
struct ReportRow {
    post_id: i64,
    reason: String,
    created_at: i64,
    display_name: Option<String>,
}

/// Posts with open reports, most reported first, with the reports.
pub async fn reported(e: &mut AnyConnection) -> Result<Vec<QueuedPost>, sqlx::Error> {
    let rows: Vec<ReportRow> = sqlx::query_as(
        "SELECT r.post_id, r.reason, r.created_at, a.display_name FROM post_report r \
         LEFT JOIN account a ON a.id = r.account_id WHERE r.status = 'open' \
         ORDER BY r.created_at LIMIT 500",
    )
    .fetch_all(&mut *e)
    .await?;
    let mut reports: BTreeMap<i64, Vec<Report>> = BTreeMap::new();
    for r in rows {
        reports.entry(r.post_id).or_default().push(Report {
            reporter: r.display_name.unwrap_or_else(|| GONE_ACCOUNT.to_owned()),
            reason: r.reason,
            created_at: r.created_at,
        });
    }
    let mut out = Vec::new();
    for (post_id, list) in reports {
        let sql = format!("SELECT {POST_COLUMNS} {POST_FROM} WHERE p.id = $1");
        let row: Option<QueuedRow> = sqlx::query_as(&sql)
            .bind(post_id)
            .fetch_optional(&mut *e)
            .await?;
        if let Some(row) = row {
            out.push(row.queued(list));
        }
    }
    out.sort_by_key(|q| std::cmp::Reverse(q.reports.len()));
    Ok(out)
}

/// Hidden posts without open reports, most recently hidden first.
pub async fn hidden(e: impl Exec<'_>) -> Result<Vec<QueuedPost>, sqlx::Error> {
    let sql = format!(
        "SELECT {POST_COLUMNS} {POST_FROM} WHERE p.hidden_at IS NOT NULL AND NOT EXISTS \
         (SELECT 1 FROM post_report r WHERE r.post_id = p.id AND r.status = 'open') \
         ORDER BY p.hidden_at DESC LIMIT 100"
    );
    let rows: Vec<QueuedRow> = sqlx::query_as(&sql).fetch_all(e).await?;
    Ok(rows.into_iter().map(|r| r.queued(Vec::new())).collect())
}

/// Hides or restores a post; true when it changed.
pub async fn set_hidden(
    e: impl Exec<'_>,
    post_id: i64,
    hidden: bool,
    now: i64,
) -> Result<bool, sqlx::Error> {
    let sql = if hidden {
        "UPDATE post SET hidden_at = $2 WHERE id = $1 AND hidden_at IS NULL"
    } else {
        "UPDATE post SET hidden_at = NULL WHERE id = $1 AND hidden_at IS NOT NULL AND $2 > 0"
    };
    let done = sqlx::query(sql).bind(post_id).bind(now).execute(e).await?;
    Ok(done.rows_affected() == 1)
}

/// Closes the open reports of a post.
pub async fn resolve_reports(
    e: impl Exec<'_>,
    post_id: i64,
    actor_id: i64,
    now: i64,
) -> Result<u64, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE post_report SET status = 'resolved', resolved_by = $2, resolved_at = $3 \
         WHERE post_id = $1 AND status = 'open'",
    )
    .bind(post_id)
    .bind(actor_id)
    .bind(now)
    .execute(e)
    .await?;
    Ok(done.rows_affected())
}

/// The latest moderation actions.
pub async fn log(e: impl Exec<'_>, limit: i64) -> Result<Vec<LogEntry>, sqlx::Error> {
    let rows: Vec<LogRow> = sqlx::query_as(
        "SELECT a.display_name, m.action, t.title, m.post_id, m.note, m.at FROM moderation_log m \
         LEFT JOIN account a ON a.id = m.actor_id LEFT JOIN thread t ON t.id = m.thread_id \
         ORDER BY m.id DESC LIMIT $1",
    )
    .bind(limit)
    .fetch_all(e)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| LogEntry {
            actor: r.display_name.unwrap_or_else(|| GONE_ACCOUNT.to_owned()),
            action: r.action,
            thread_title: r.title,
            post_id: r.post_id,
            note: r.note,
            at: r.at,
        })
        .collect())
}

/// A row of [`log`].
#[derive(sqlx::FromRow)]
struct LogRow {
    display_name: Option<String>,
    action: String,
    title: Option<String>,
    post_id: Option<i64>,
    note: String,
    at: i64,
}

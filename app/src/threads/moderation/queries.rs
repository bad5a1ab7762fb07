use std::collections::BTreeMap;

use sqlx::{AnyConnection, Row};

use super::{LogEntry, QueuedPost, Report};
use crate::threads::queries::GONE_ACCOUNT;
use platform::Exec;

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

fn queued(r: &sqlx::any::AnyRow) -> QueuedPost {
    QueuedPost {
        post_id: r.get("id"),
        thread_title: r.get("title"),
        group_name: r.get("group_name"),
        author: r
            .get::<Option<String>, _>("display_name")
            .unwrap_or_else(|| GONE_ACCOUNT.to_owned()),
        body_html: platform::SafeHtml::from_stored(r.get("body_html")),
        hidden: r.get::<Option<i64>, _>("hidden_at").is_some(),
        deleted: r.get::<Option<i64>, _>("deleted_at").is_some(),
        reports: Vec::new(),
    }
}

/// Posts with open reports, most reported first, with the reports.
pub async fn reported(e: &mut AnyConnection) -> Result<Vec<QueuedPost>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT r.post_id, r.reason, r.created_at, a.display_name FROM post_report r \
         LEFT JOIN account a ON a.id = r.account_id WHERE r.status = 'open' \
         ORDER BY r.created_at LIMIT 500",
    )
    .fetch_all(&mut *e)
    .await?;
    let mut reports: BTreeMap<i64, Vec<Report>> = BTreeMap::new();
    for r in &rows {
        reports.entry(r.get("post_id")).or_default().push(Report {
            reporter: r
                .get::<Option<String>, _>("display_name")
                .unwrap_or_else(|| GONE_ACCOUNT.to_owned()),
            reason: r.get("reason"),
            created_at: r.get("created_at"),
        });
    }
    let mut out = Vec::new();
    for (post_id, list) in reports {
        let sql = format!("SELECT {POST_COLUMNS} {POST_FROM} WHERE p.id = $1");
        if let Some(row) = sqlx::query(&sql)
            .bind(post_id)
            .fetch_optional(&mut *e)
            .await?
        {
            let mut q = queued(&row);
            q.reports = list;
            out.push(q);
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
    let rows = sqlx::query(&sql).fetch_all(e).await?;
    Ok(rows.iter().map(queued).collect())
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
    let rows = sqlx::query(
        "SELECT a.display_name, m.action, t.title, m.post_id, m.note, m.at FROM moderation_log m \
         LEFT JOIN account a ON a.id = m.actor_id LEFT JOIN thread t ON t.id = m.thread_id \
         ORDER BY m.id DESC LIMIT $1",
    )
    .bind(limit)
    .fetch_all(e)
    .await?;
    Ok(rows
        .iter()
        .map(|r| LogEntry {
            actor: r
                .get::<Option<String>, _>("display_name")
                .unwrap_or_else(|| GONE_ACCOUNT.to_owned()),
            action: r.get("action"),
            thread_title: r.get("title"),
            post_id: r.get("post_id"),
            note: r.get("note"),
            at: r.get("at"),
        })
        .collect())
}

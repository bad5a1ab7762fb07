//! Live questions: asked by signed-in viewers, upvoted by others, marked
//! answered or hidden by the lecturer or an organiser.

use sqlx::AnyConnection;

use crate::lectures::QuestionView;
use platform::Exec;
use platform::db::IsSet;
use platform::{RateLimit, rate};

/// Questions one person may ask per minute.
pub const PER_MINUTE: i64 = 5;
/// Questions the watch page shows at most.
pub const SHOWN_MAX: i64 = 200;

pub async fn ask(
    conn: &mut AnyConnection,
    lecture_id: i64,
    account_id: i64,
    body: &str,
    now: i64,
) -> Result<Option<i64>, sqlx::Error> {
    // The author's row first: simultaneous questions queue behind it, so
    // the rate limit below sees them.
    platform::db::lock_account(conn, account_id).await?;
    let recent: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM question WHERE account_id = $1 AND created_at > $2",
    )
    .bind(account_id)
    .bind(now - 60)
    .fetch_one(&mut *conn)
    .await?;
    let limit = RateLimit {
        per_window: PER_MINUTE,
        window_secs: 60,
    };
    // The message names no wait, so the oldest question's time is not read.
    if rate::verdict((recent, now), 0, &limit, now).is_err() {
        return Ok(None);
    }
    let id = sqlx::query_scalar(
        "INSERT INTO question (lecture_id, account_id, body, created_at) VALUES ($1, $2, $3, $4) RETURNING id",
    )
    .bind(lecture_id)
    .bind(account_id)
    .bind(body)
    .bind(now)
    .fetch_one(&mut *conn)
    .await?;
    Ok(Some(id))
}

/// Adds the person's vote, or takes it back if they had voted. Returns
/// whether they now vote for it.
pub async fn toggle_vote(
    conn: &mut AnyConnection,
    question_id: i64,
    account_id: i64,
    now: i64,
) -> Result<bool, sqlx::Error> {
    // The question's row first: simultaneous votes queue behind it, so
    // each recount below sees the votes before it.
    sqlx::query("UPDATE question SET id = id WHERE id = $1")
        .bind(question_id)
        .execute(&mut *conn)
        .await?;
    let added = sqlx::query(
        "INSERT INTO question_vote (question_id, account_id, created_at) VALUES ($1, $2, $3) \
         ON CONFLICT (question_id, account_id) DO NOTHING",
    )
    .bind(question_id)
    .bind(account_id)
    .bind(now)
    .execute(&mut *conn)
    .await?
    .rows_affected()
        == 1;
    if !added {
        sqlx::query("DELETE FROM question_vote WHERE question_id = $1 AND account_id = $2")
            .bind(question_id)
            .bind(account_id)
            .execute(&mut *conn)
            .await?;
    }
    sqlx::query(
        "UPDATE question SET votes = (SELECT COUNT(*) FROM question_vote WHERE question_id = $1) WHERE id = $1",
    )
    .bind(question_id)
    .execute(&mut *conn)
    .await?;
    Ok(added)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mark {
    Answered(bool),
    Hidden(bool),
}

pub async fn mark<'c>(
    db: impl Exec<'c>,
    question_id: i64,
    mark: Mark,
    now: i64,
) -> Result<(), sqlx::Error> {
    let (sql, on) = match mark {
        Mark::Answered(on) => ("UPDATE question SET answered_at = $1 WHERE id = $2", on),
        Mark::Hidden(on) => ("UPDATE question SET hidden_at = $1 WHERE id = $2", on),
    };
    sqlx::query(sql)
        .bind(on.then_some(now))
        .bind(question_id)
        .execute(db)
        .await?;
    Ok(())
}

/// The session a question belongs to.
pub async fn lecture_of<'c>(
    db: impl Exec<'c>,
    question_id: i64,
) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query_scalar("SELECT lecture_id FROM question WHERE id = $1")
        .bind(question_id)
        .fetch_optional(db)
        .await
}

/// A row of [`list`] (`QuestionView` is also built for the browser, which
/// has no sqlx).
#[derive(sqlx::FromRow)]
struct QuestionRow {
    id: i64,
    body: String,
    author: String,
    votes: i64,
    #[sqlx(rename = "answered_at", try_from = "IsSet")]
    answered: bool,
    #[sqlx(rename = "hidden_at", try_from = "IsSet")]
    hidden: bool,
    created_at: i64,
}

impl From<QuestionRow> for QuestionView {
    fn from(r: QuestionRow) -> QuestionView {
        QuestionView {
            id: r.id,
            body: r.body,
            author: r.author,
            votes: r.votes,
            answered: r.answered,
            hidden: r.hidden,
            created_at: r.created_at,
        }
    }
}

/// The questions in the order the page shows them: open ones before
/// answered ones, most votes first, then oldest first.
pub async fn list<'c>(
    db: impl Exec<'c>,
    lecture_id: i64,
    with_hidden: bool,
) -> Result<Vec<QuestionView>, sqlx::Error> {
    let rows: Vec<QuestionRow> = sqlx::query_as(
        "SELECT q.id, q.body, COALESCE(a.display_name, '已注销用户') AS author, q.votes, \
         q.answered_at, q.hidden_at, q.created_at \
         FROM question q LEFT JOIN account a ON a.id = q.account_id \
         WHERE q.lecture_id = $1 AND ($2 = 1 OR q.hidden_at IS NULL) \
         ORDER BY CASE WHEN q.answered_at IS NULL THEN 0 ELSE 1 END, q.votes DESC, q.id LIMIT $3",
    )
    .bind(lecture_id)
    .bind(i64::from(with_hidden))
    .bind(SHOWN_MAX)
    .fetch_all(db)
    .await?;
    Ok(rows.into_iter().map(QuestionView::from).collect())
}

/// The questions of a session the person voted for.
pub async fn voted_by<'c>(
    db: impl Exec<'c>,
    lecture_id: i64,
    account_id: i64,
) -> Result<Vec<i64>, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT v.question_id FROM question_vote v JOIN question q ON q.id = v.question_id \
         WHERE q.lecture_id = $1 AND v.account_id = $2",
    )
    .bind(lecture_id)
    .bind(account_id)
    .fetch_all(db)
    .await
}

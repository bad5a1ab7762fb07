//! SQL for progress and check-ins.

use super::{CheckIn, Progress, ReadingStatus};
use platform::Exec;

pub async fn set(
    e: impl Exec<'_>,
    account_id: i64,
    book_id: i64,
    status: ReadingStatus,
    page: Option<i64>,
    percent: Option<i64>,
    now: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO reading_progress (account_id, book_id, status, page, percent, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (account_id, book_id) DO UPDATE SET \
         status = excluded.status, page = excluded.page, percent = excluded.percent, updated_at = excluded.updated_at",
    )
    .bind(account_id)
    .bind(book_id)
    .bind(status.as_str())
    .bind(page)
    .bind(percent)
    .bind(now)
    .execute(e)
    .await?;
    Ok(())
}

/// A row of someone's progress on a book, with the book's title.
#[derive(sqlx::FromRow)]
struct ProgressRow {
    book_id: i64,
    title: String,
    status: String,
    page: Option<i64>,
    percent: Option<i64>,
    updated_at: i64,
}

impl From<ProgressRow> for Progress {
    fn from(r: ProgressRow) -> Self {
        Progress {
            book_id: r.book_id,
            title: r.title,
            status: ReadingStatus::parse(&r.status).unwrap_or(ReadingStatus::Want),
            page: r.page,
            percent: r.percent,
            updated_at: r.updated_at,
        }
    }
}

/// A row of [`board`]: whose progress it is.
#[derive(sqlx::FromRow)]
struct BoardRow {
    account_id: i64,
    #[sqlx(flatten)]
    progress: ProgressRow,
}

/// A row of [`check_ins_of`].
#[derive(sqlx::FromRow)]
struct CheckInRow {
    group_id: i64,
    name: String,
    day: String,
    minutes: Option<i64>,
    pages: Option<i64>,
    line: String,
}

pub async fn of_book(
    e: impl Exec<'_>,
    account_id: i64,
    book_id: i64,
) -> Result<Option<Progress>, sqlx::Error> {
    let row: Option<ProgressRow> = sqlx::query_as(
        "SELECT p.book_id, b.title, p.status, p.page, p.percent, p.updated_at FROM reading_progress p \
         JOIN book b ON b.id = p.book_id WHERE p.account_id = $1 AND p.book_id = $2",
    )
    .bind(account_id)
    .bind(book_id)
    .fetch_optional(e)
    .await?;
    Ok(row.map(Progress::from))
}

/// Everything someone is reading, most recently updated first.
pub async fn of_account(e: impl Exec<'_>, account_id: i64) -> Result<Vec<Progress>, sqlx::Error> {
    let rows: Vec<ProgressRow> = sqlx::query_as(
        "SELECT p.book_id, b.title, p.status, p.page, p.percent, p.updated_at FROM reading_progress p \
         JOIN book b ON b.id = p.book_id WHERE p.account_id = $1 ORDER BY p.updated_at DESC, p.book_id",
    )
    .bind(account_id)
    .fetch_all(e)
    .await?;
    Ok(rows.into_iter().map(Progress::from).collect())
}

/// Progress of a group's members on the group's books: (account, progress).
pub async fn board(e: impl Exec<'_>, group_id: i64) -> Result<Vec<(i64, Progress)>, sqlx::Error> {
    let rows: Vec<BoardRow> = sqlx::query_as(
        "SELECT p.account_id, p.book_id, b.title, p.status, p.page, p.percent, p.updated_at \
         FROM reading_progress p \
         JOIN group_member gm ON gm.account_id = p.account_id AND gm.group_id = $1 \
         JOIN reading_list_item li ON li.book_id = p.book_id AND li.group_id = $1 \
         JOIN book b ON b.id = p.book_id",
    )
    .bind(group_id)
    .fetch_all(e)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| (r.account_id, Progress::from(r.progress)))
        .collect())
}

/// Records today's check-in; false when there already is one for that day.
#[allow(clippy::too_many_arguments)]
pub async fn check_in(
    e: impl Exec<'_>,
    group_id: i64,
    account_id: i64,
    day: &str,
    minutes: Option<i64>,
    pages: Option<i64>,
    line: &str,
    now: i64,
) -> Result<bool, sqlx::Error> {
    let id: Option<i64> = sqlx::query_scalar(
        "INSERT INTO check_in (group_id, account_id, day, minutes, pages, line, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (group_id, account_id, day) DO NOTHING RETURNING id",
    )
    .bind(group_id)
    .bind(account_id)
    .bind(day)
    .bind(minutes)
    .bind(pages)
    .bind(line)
    .bind(now)
    .fetch_optional(e)
    .await?;
    Ok(id.is_some())
}

pub async fn checked_in(
    e: impl Exec<'_>,
    group_id: i64,
    account_id: i64,
    day: &str,
) -> Result<bool, sqlx::Error> {
    let n: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM check_in WHERE group_id = $1 AND account_id = $2 AND day = $3",
    )
    .bind(group_id)
    .bind(account_id)
    .bind(day)
    .fetch_one(e)
    .await?;
    Ok(n > 0)
}

/// Check-in days in a group since `since`: (account, day).
pub async fn group_days(
    e: impl Exec<'_>,
    group_id: i64,
    since: &str,
) -> Result<Vec<(i64, String)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT account_id, day FROM check_in WHERE group_id = $1 AND day >= $2 ORDER BY day",
    )
    .bind(group_id)
    .bind(since)
    .fetch_all(e)
    .await
}

/// Someone's check-ins per day, across groups, since `since`.
pub async fn daily_counts(
    e: impl Exec<'_>,
    account_id: i64,
    since: &str,
) -> Result<Vec<(String, i64)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT day, COUNT(*) AS n FROM check_in WHERE account_id = $1 AND day >= $2 GROUP BY day ORDER BY day",
    )
    .bind(account_id)
    .bind(since)
    .fetch_all(e)
    .await
}

/// All of someone's check-ins, newest first (for their export).
pub async fn check_ins_of(e: impl Exec<'_>, account_id: i64) -> Result<Vec<CheckIn>, sqlx::Error> {
    let rows: Vec<CheckInRow> = sqlx::query_as(
        "SELECT c.group_id, g.name, c.day, c.minutes, c.pages, c.line FROM check_in c \
         JOIN reading_group g ON g.id = c.group_id WHERE c.account_id = $1 ORDER BY c.day DESC, c.id DESC",
    )
    .bind(account_id)
    .fetch_all(e)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| CheckIn {
            group_id: r.group_id,
            group_name: r.name,
            day: r.day,
            minutes: r.minutes,
            pages: r.pages,
            line: r.line,
        })
        .collect())
}

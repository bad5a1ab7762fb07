//! SQL for the catalogue, which cover a book has, and recommendations.

use super::{BookFields, BookSummary, Recommendation, RecommendationStatus};
use platform::Exec;
use platform::db::like_pattern;

const BOOK_COLUMNS: &str =
    "b.id, b.title, b.author, b.publisher, b.year, b.isbn, b.pages, b.summary, b.cover_id";

/// A row of [`BOOK_COLUMNS`].
#[derive(sqlx::FromRow)]
struct BookRow {
    id: i64,
    title: String,
    author: String,
    publisher: String,
    year: Option<i64>,
    isbn: Option<String>,
    pages: Option<i64>,
    summary: String,
    cover_id: Option<i64>,
}

impl From<BookRow> for BookSummary {
    fn from(r: BookRow) -> Self {
        BookSummary {
            id: r.id,
            fields: BookFields {
                title: r.title,
                author: r.author,
                publisher: r.publisher,
                year: r.year,
                isbn: r.isbn,
                pages: r.pages,
                summary: r.summary,
            },
            cover_id: r.cover_id,
        }
    }
}

/// Binds a book's fields as `$1`…`$7`, the column order of insert and
/// update (a macro, as the insert is a `query_scalar` and the update a
/// `query`).
macro_rules! bind_fields {
    ($q:expr, $f:expr) => {
        $q.bind(&$f.title)
            .bind(&$f.author)
            .bind(&$f.publisher)
            .bind($f.year)
            .bind(&$f.isbn)
            .bind($f.pages)
            .bind(&$f.summary)
    };
}

pub async fn insert(
    e: impl Exec<'_>,
    f: &BookFields,
    created_by: Option<i64>,
    now: i64,
) -> Result<i64, sqlx::Error> {
    let q = sqlx::query_scalar(
        "INSERT INTO book (title, author, publisher, year, isbn, pages, summary, created_by, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
    );
    bind_fields!(q, f)
        .bind(created_by)
        .bind(now)
        .fetch_one(e)
        .await
}

pub async fn update(e: impl Exec<'_>, id: i64, f: &BookFields) -> Result<bool, sqlx::Error> {
    let q = sqlx::query(
        "UPDATE book SET title = $1, author = $2, publisher = $3, year = $4, isbn = $5, pages = $6, summary = $7 \
         WHERE id = $8",
    );
    let done = bind_fields!(q, f).bind(id).execute(e).await?;
    Ok(done.rows_affected() == 1)
}

pub async fn get(e: impl Exec<'_>, id: i64) -> Result<Option<BookSummary>, sqlx::Error> {
    let sql = format!("SELECT {BOOK_COLUMNS} FROM book b WHERE b.id = $1");
    let row: Option<BookRow> = sqlx::query_as(&sql).bind(id).fetch_optional(e).await?;
    Ok(row.map(BookSummary::from))
}

/// The id of the book with this ISBN, if any.
pub async fn by_isbn(e: impl Exec<'_>, isbn: &str) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query_scalar("SELECT id FROM book WHERE isbn = $1")
        .bind(isbn)
        .fetch_optional(e)
        .await
}

/// Books whose title, author or ISBN contains `search`, by title.
pub async fn search(
    e: impl Exec<'_>,
    search: &str,
    limit: i64,
    offset: i64,
) -> Result<Vec<BookSummary>, sqlx::Error> {
    let sql = format!(
        "SELECT {BOOK_COLUMNS} FROM book b WHERE b.title LIKE $1 ESCAPE '\\' OR b.author LIKE $1 ESCAPE '\\' \
         OR b.isbn LIKE $1 ESCAPE '\\' ORDER BY b.title, b.id LIMIT $2 OFFSET $3"
    );
    let rows: Vec<BookRow> = sqlx::query_as(&sql)
        .bind(like_pattern(search))
        .bind(limit)
        .bind(offset)
        .fetch_all(e)
        .await?;
    Ok(rows.into_iter().map(BookSummary::from).collect())
}

pub async fn count_matching(e: impl Exec<'_>, search: &str) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT COUNT(*) FROM book b WHERE b.title LIKE $1 ESCAPE '\\' OR b.author LIKE $1 ESCAPE '\\' \
         OR b.isbn LIKE $1 ESCAPE '\\'",
    )
    .bind(like_pattern(search))
    .fetch_one(e)
    .await
}

/// The whole catalogue, for export.
pub async fn all(e: impl Exec<'_>) -> Result<Vec<BookSummary>, sqlx::Error> {
    let sql = format!("SELECT {BOOK_COLUMNS} FROM book b ORDER BY b.id");
    let rows: Vec<BookRow> = sqlx::query_as(&sql).fetch_all(e).await?;
    Ok(rows.into_iter().map(BookSummary::from).collect())
}

/// The cover a book has now: `None` when there is no such book.
pub async fn cover_of(e: impl Exec<'_>, book_id: i64) -> Result<Option<Option<i64>>, sqlx::Error> {
    sqlx::query_scalar("SELECT cover_id FROM book WHERE id = $1")
        .bind(book_id)
        .fetch_optional(e)
        .await
}

pub async fn set_cover(e: impl Exec<'_>, book_id: i64, image_id: i64) -> Result<bool, sqlx::Error> {
    let done = sqlx::query("UPDATE book SET cover_id = $1 WHERE id = $2")
        .bind(image_id)
        .bind(book_id)
        .execute(e)
        .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn count(e: impl Exec<'_>) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar("SELECT COUNT(*) FROM book")
        .fetch_one(e)
        .await
}

// ---- recommendations (荐书) ----

const REC_COLUMNS: &str = "r.id, r.book_id, b.title, b.author, b.cover_id, r.account_id, a.display_name, \
     r.reason, r.status, r.review_comment, r.reviewed_at, r.created_at";

/// A row of [`REC_COLUMNS`].
#[derive(sqlx::FromRow)]
struct RecommendationRow {
    id: i64,
    book_id: i64,
    title: String,
    author: String,
    cover_id: Option<i64>,
    account_id: i64,
    display_name: String,
    reason: String,
    status: String,
    review_comment: String,
    reviewed_at: Option<i64>,
    created_at: i64,
}

impl From<RecommendationRow> for Recommendation {
    fn from(r: RecommendationRow) -> Self {
        Recommendation {
            id: r.id,
            book_id: r.book_id,
            title: r.title,
            author: r.author,
            cover_id: r.cover_id,
            account_id: r.account_id,
            recommender: r.display_name,
            reason: r.reason,
            status: RecommendationStatus::parse(&r.status).unwrap_or(RecommendationStatus::Pending),
            review_comment: r.review_comment,
            reviewed_at: r.reviewed_at,
            created_at: r.created_at,
        }
    }
}

pub async fn recommend(
    e: impl Exec<'_>,
    book_id: i64,
    account_id: i64,
    reason: &str,
    now: i64,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "INSERT INTO recommendation (book_id, account_id, reason, status, created_at) \
         VALUES ($1, $2, $3, 'pending', $4) RETURNING id",
    )
    .bind(book_id)
    .bind(account_id)
    .bind(reason)
    .bind(now)
    .fetch_one(e)
    .await
}

/// Recommendations in one status; approved ones newest review first,
/// pending ones oldest first (a queue).
pub async fn recommendations(
    e: impl Exec<'_>,
    status: RecommendationStatus,
) -> Result<Vec<Recommendation>, sqlx::Error> {
    let order = match status {
        RecommendationStatus::Pending => "r.created_at, r.id",
        _ => "r.reviewed_at DESC, r.id DESC",
    };
    let sql = format!(
        "SELECT {REC_COLUMNS} FROM recommendation r JOIN book b ON b.id = r.book_id \
         JOIN account a ON a.id = r.account_id WHERE r.status = $1 ORDER BY {order}"
    );
    let rows: Vec<RecommendationRow> = sqlx::query_as(&sql)
        .bind(status.as_str())
        .fetch_all(e)
        .await?;
    Ok(rows.into_iter().map(Recommendation::from).collect())
}

/// One person's recommendations, newest first.
pub async fn recommendations_by(
    e: impl Exec<'_>,
    account_id: i64,
) -> Result<Vec<Recommendation>, sqlx::Error> {
    let sql = format!(
        "SELECT {REC_COLUMNS} FROM recommendation r JOIN book b ON b.id = r.book_id \
         JOIN account a ON a.id = r.account_id WHERE r.account_id = $1 ORDER BY r.created_at DESC, r.id DESC"
    );
    let rows: Vec<RecommendationRow> = sqlx::query_as(&sql).bind(account_id).fetch_all(e).await?;
    Ok(rows.into_iter().map(Recommendation::from).collect())
}

/// Approves or declines a pending recommendation. False when it is not pending.
pub async fn review(
    e: impl Exec<'_>,
    id: i64,
    status: RecommendationStatus,
    comment: &str,
    reviewer: i64,
    now: i64,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE recommendation SET status = $1, review_comment = $2, reviewed_by = $3, reviewed_at = $4 \
         WHERE id = $5 AND status = 'pending'",
    )
    .bind(status.as_str())
    .bind(comment)
    .bind(reviewer)
    .bind(now)
    .bind(id)
    .execute(e)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// The books a form may link to, as `title · author`, by title.
pub async fn choices(e: impl Exec<'_>) -> Result<Vec<(i64, String)>, sqlx::Error> {
    let rows: Vec<(i64, String, String)> =
        sqlx::query_as("SELECT id, title, author FROM book ORDER BY title LIMIT 2000")
            .fetch_all(e)
            .await?;
    Ok(rows
        .into_iter()
        .map(|(id, title, author)| (id, format!("{title} · {author}")))
        .collect())
}

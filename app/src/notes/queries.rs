//! SQL for notes and likes. Every read takes the viewer's id and applies
//! the visibility rule in SQL, so a note someone may not read never leaves
//! the database for them. Lists are read a page at a time, without the
//! Markdown source (only [`exported`] has it).

use sqlx::{AnyConnection, AnyPool};

use super::{NotePage, NoteView, Visibility};
use platform::Exec;
use platform::db::Flag;

pub use platform::Viewer;

const VISIBLE: &str = "(n.visibility = 'public' OR n.account_id = $1 OR (n.visibility = 'group' AND EXISTS \
     (SELECT 1 FROM group_member gm WHERE gm.group_id = n.group_id AND gm.account_id = $1)))";

const COLUMNS: &str = "n.id, n.account_id, a.display_name, n.book_id, b.title AS book_title, g.slug, g.name AS group_name, \
     n.visibility, n.title, n.body_html, n.likes, n.created_at, \
     CASE WHEN EXISTS (SELECT 1 FROM note_like l WHERE l.note_id = n.id AND l.account_id = $1) THEN 1 ELSE 0 END AS liked";

const FROM: &str = "FROM note n JOIN account a ON a.id = n.account_id JOIN book b ON b.id = n.book_id \
     LEFT JOIN reading_group g ON g.id = n.group_id";

/// A row of [`COLUMNS`].
#[derive(sqlx::FromRow)]
struct NoteRow {
    id: i64,
    account_id: i64,
    display_name: String,
    book_id: i64,
    book_title: String,
    slug: Option<String>,
    group_name: Option<String>,
    visibility: String,
    title: String,
    body_html: String,
    likes: i64,
    #[sqlx(try_from = "Flag")]
    liked: bool,
    created_at: i64,
}

impl From<NoteRow> for NoteView {
    fn from(r: NoteRow) -> Self {
        NoteView {
            id: r.id,
            account_id: r.account_id,
            author: r.display_name,
            book_id: r.book_id,
            book_title: r.book_title,
            group_slug: r.slug,
            group_name: r.group_name,
            visibility: Visibility::parse(&r.visibility).unwrap_or(Visibility::Private),
            title: r.title,
            body_html: platform::SafeHtml::from_stored(r.body_html),
            likes: r.likes,
            liked: r.liked,
            created_at: r.created_at,
        }
    }
}

/// A row of [`COLUMNS`] and the Markdown source, for [`exported`].
#[derive(sqlx::FromRow)]
struct ExportedRow {
    #[sqlx(flatten)]
    note: NoteRow,
    body_md: String,
}

pub struct NewNote<'a> {
    pub account_id: i64,
    pub book_id: i64,
    pub group_id: Option<i64>,
    pub visibility: Visibility,
    pub title: &'a str,
    pub body_md: &'a str,
    pub body_html: &'a str,
}

pub async fn insert(e: impl Exec<'_>, n: &NewNote<'_>, now: i64) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "INSERT INTO note (account_id, book_id, group_id, visibility, title, body_md, body_html, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8) RETURNING id",
    )
    .bind(n.account_id)
    .bind(n.book_id)
    .bind(n.group_id)
    .bind(n.visibility.as_str())
    .bind(n.title)
    .bind(n.body_md)
    .bind(n.body_html)
    .bind(now)
    .fetch_one(e)
    .await
}

/// Deletes one's own note.
pub async fn delete_own(
    e: impl Exec<'_>,
    note_id: i64,
    account_id: i64,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query("DELETE FROM note WHERE id = $1 AND account_id = $2")
        .bind(note_id)
        .bind(account_id)
        .execute(e)
        .await?;
    Ok(done.rows_affected() == 1)
}

/// What a page of notes is about.
#[derive(Debug, Clone, Copy)]
pub enum NotesOf {
    Book(i64),
    Group(i64),
}

impl NotesOf {
    fn condition(self) -> (&'static str, i64) {
        match self {
            NotesOf::Book(id) => ("n.book_id = $2", id),
            NotesOf::Group(id) => ("n.group_id = $2", id),
        }
    }
}

/// Page `page` (from 1; clamped to the pages there are) of the notes on a
/// book or in a group that `viewer` may read, newest first.
pub async fn page(
    pool: &AnyPool,
    of: NotesOf,
    viewer: Viewer,
    page: i64,
) -> Result<NotePage, sqlx::Error> {
    use super::NOTES_PER_PAGE;
    let (condition, id) = of.condition();
    let total: i64 = sqlx::query_scalar(&format!(
        "SELECT COUNT(*) FROM note n WHERE {condition} AND {VISIBLE}"
    ))
    .bind(viewer.sql_id())
    .bind(id)
    .fetch_one(pool)
    .await?;
    let pages = ((total + NOTES_PER_PAGE - 1) / NOTES_PER_PAGE).max(1);
    let page = page.clamp(1, pages);
    let sql = format!(
        "SELECT {COLUMNS} {FROM} WHERE {condition} AND {VISIBLE} \
         ORDER BY n.created_at DESC, n.id DESC LIMIT $3 OFFSET $4"
    );
    let rows: Vec<NoteRow> = sqlx::query_as(&sql)
        .bind(viewer.sql_id())
        .bind(id)
        .bind(NOTES_PER_PAGE)
        .bind((page - 1) * NOTES_PER_PAGE)
        .fetch_all(pool)
        .await?;
    Ok(NotePage {
        notes: rows.into_iter().map(NoteView::from).collect(),
        page,
        total,
    })
}

/// All of someone's own notes (private ones included), newest first.
pub async fn of_account(e: impl Exec<'_>, account_id: i64) -> Result<Vec<NoteView>, sqlx::Error> {
    let sql = format!(
        "SELECT {COLUMNS} {FROM} WHERE n.account_id = $1 ORDER BY n.created_at DESC, n.id DESC"
    );
    let rows: Vec<NoteRow> = sqlx::query_as(&sql).bind(account_id).fetch_all(e).await?;
    Ok(rows.into_iter().map(NoteView::from).collect())
}

/// All of someone's own notes with their Markdown source, newest first,
/// for their data export.
pub async fn exported(
    e: impl Exec<'_>,
    account_id: i64,
) -> Result<Vec<(NoteView, String)>, sqlx::Error> {
    let sql = format!(
        "SELECT {COLUMNS}, n.body_md {FROM} WHERE n.account_id = $1 \
         ORDER BY n.created_at DESC, n.id DESC"
    );
    let rows: Vec<ExportedRow> = sqlx::query_as(&sql).bind(account_id).fetch_all(e).await?;
    Ok(rows
        .into_iter()
        .map(|r| (NoteView::from(r.note), r.body_md))
        .collect())
}

/// A note, if the viewer may read it.
pub async fn visible(
    e: impl Exec<'_>,
    note_id: i64,
    viewer: Viewer,
) -> Result<Option<NoteView>, sqlx::Error> {
    let sql = format!("SELECT {COLUMNS} {FROM} WHERE n.id = $2 AND {VISIBLE}");
    let row: Option<NoteRow> = sqlx::query_as(&sql)
        .bind(viewer.sql_id())
        .bind(note_id)
        .fetch_optional(e)
        .await?;
    Ok(row.map(NoteView::from))
}

/// Likes or unlikes a note; returns the new count (see `server::likes`).
pub async fn set_like(
    conn: &mut AnyConnection,
    note_id: i64,
    account_id: i64,
    like: bool,
    now: i64,
) -> Result<i64, sqlx::Error> {
    platform::likes::set(conn, &platform::likes::NOTE, note_id, account_id, like, now).await
}

pub async fn count(e: impl Exec<'_>) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar("SELECT COUNT(*) FROM note")
        .fetch_one(e)
        .await
}

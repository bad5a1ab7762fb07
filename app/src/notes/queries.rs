//! SQL for notes and likes. Every read takes the viewer's id and applies
//! the visibility rule in SQL, so a note someone may not read never leaves
//! the database for them. Lists are read a page at a time, without the
//! Markdown source (only [`exported`] has it).

use sqlx::{AnyConnection, AnyPool, Row};

use super::{NotePage, NoteView, Visibility};
use platform::Exec;

pub use platform::Viewer;

const VISIBLE: &str = "(n.visibility = 'public' OR n.account_id = $1 OR (n.visibility = 'group' AND EXISTS \
     (SELECT 1 FROM group_member gm WHERE gm.group_id = n.group_id AND gm.account_id = $1)))";

const COLUMNS: &str = "n.id, n.account_id, a.display_name, n.book_id, b.title AS book_title, g.slug, g.name AS group_name, \
     n.visibility, n.title, n.body_html, n.likes, n.created_at, \
     CASE WHEN EXISTS (SELECT 1 FROM note_like l WHERE l.note_id = n.id AND l.account_id = $1) THEN 1 ELSE 0 END AS liked";

const FROM: &str = "FROM note n JOIN account a ON a.id = n.account_id JOIN book b ON b.id = n.book_id \
     LEFT JOIN reading_group g ON g.id = n.group_id";

fn view(r: &sqlx::any::AnyRow) -> NoteView {
    NoteView {
        id: r.get("id"),
        account_id: r.get("account_id"),
        author: r.get("display_name"),
        book_id: r.get("book_id"),
        book_title: r.get("book_title"),
        group_slug: r.get("slug"),
        group_name: r.get("group_name"),
        visibility: Visibility::parse(r.get::<&str, _>("visibility"))
            .unwrap_or(Visibility::Private),
        title: r.get("title"),
        body_html: platform::SafeHtml::from_stored(r.get("body_html")),
        likes: r.get("likes"),
        liked: r.get::<i64, _>("liked") != 0,
        created_at: r.get("created_at"),
    }
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
    let rows = sqlx::query(&sql)
        .bind(viewer.sql_id())
        .bind(id)
        .bind(NOTES_PER_PAGE)
        .bind((page - 1) * NOTES_PER_PAGE)
        .fetch_all(pool)
        .await?;
    Ok(NotePage {
        notes: rows.iter().map(view).collect(),
        page,
        total,
    })
}

/// All of someone's own notes (private ones included), newest first.
pub async fn of_account(e: impl Exec<'_>, account_id: i64) -> Result<Vec<NoteView>, sqlx::Error> {
    let sql = format!(
        "SELECT {COLUMNS} {FROM} WHERE n.account_id = $1 ORDER BY n.created_at DESC, n.id DESC"
    );
    let rows = sqlx::query(&sql).bind(account_id).fetch_all(e).await?;
    Ok(rows.iter().map(view).collect())
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
    let rows = sqlx::query(&sql).bind(account_id).fetch_all(e).await?;
    Ok(rows.iter().map(|r| (view(r), r.get("body_md"))).collect())
}

/// A note, if the viewer may read it.
pub async fn visible(
    e: impl Exec<'_>,
    note_id: i64,
    viewer: Viewer,
) -> Result<Option<NoteView>, sqlx::Error> {
    let sql = format!("SELECT {COLUMNS} {FROM} WHERE n.id = $2 AND {VISIBLE}");
    let row = sqlx::query(&sql)
        .bind(viewer.sql_id())
        .bind(note_id)
        .fetch_optional(e)
        .await?;
    Ok(row.as_ref().map(view))
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

//! SQL for notes and likes. Every read takes the viewer's id and applies
//! the visibility rule in SQL, so a note someone may not read never leaves
//! the database for them.

use sqlx::{AnyConnection, Row};

use super::{NoteView, Visibility};
use crate::server::Exec;

/// Who reads: an account id, or 0 for a visitor (no account has id 0).
pub type Viewer = i64;

const VISIBLE: &str = "(n.visibility = 'public' OR n.account_id = $1 OR (n.visibility = 'group' AND EXISTS \
     (SELECT 1 FROM group_member gm WHERE gm.group_id = n.group_id AND gm.account_id = $1)))";

const COLUMNS: &str = "n.id, n.account_id, a.display_name, n.book_id, b.title AS book_title, g.slug, g.name AS group_name, \
     n.visibility, n.title, n.body_md, n.body_html, n.likes, n.created_at, \
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
        body_md: r.get("body_md"),
        body_html: r.get("body_html"),
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

pub async fn for_book(
    e: impl Exec<'_>,
    book_id: i64,
    viewer: Viewer,
) -> Result<Vec<NoteView>, sqlx::Error> {
    let sql = format!(
        "SELECT {COLUMNS} {FROM} WHERE n.book_id = $2 AND {VISIBLE} ORDER BY n.created_at DESC, n.id DESC"
    );
    let rows = sqlx::query(&sql)
        .bind(viewer)
        .bind(book_id)
        .fetch_all(e)
        .await?;
    Ok(rows.iter().map(view).collect())
}

pub async fn for_group(
    e: impl Exec<'_>,
    group_id: i64,
    viewer: Viewer,
) -> Result<Vec<NoteView>, sqlx::Error> {
    let sql = format!(
        "SELECT {COLUMNS} {FROM} WHERE n.group_id = $2 AND {VISIBLE} ORDER BY n.created_at DESC, n.id DESC"
    );
    let rows = sqlx::query(&sql)
        .bind(viewer)
        .bind(group_id)
        .fetch_all(e)
        .await?;
    Ok(rows.iter().map(view).collect())
}

/// All of someone's own notes (private ones included), newest first.
pub async fn of_account(e: impl Exec<'_>, account_id: i64) -> Result<Vec<NoteView>, sqlx::Error> {
    let sql = format!(
        "SELECT {COLUMNS} {FROM} WHERE n.account_id = $1 ORDER BY n.created_at DESC, n.id DESC"
    );
    let rows = sqlx::query(&sql).bind(account_id).fetch_all(e).await?;
    Ok(rows.iter().map(view).collect())
}

/// A note, if the viewer may read it.
pub async fn visible(
    e: impl Exec<'_>,
    note_id: i64,
    viewer: Viewer,
) -> Result<Option<NoteView>, sqlx::Error> {
    let sql = format!("SELECT {COLUMNS} {FROM} WHERE n.id = $2 AND {VISIBLE}");
    let row = sqlx::query(&sql)
        .bind(viewer)
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
    crate::server::likes::set(
        conn,
        &crate::server::likes::NOTE,
        note_id,
        account_id,
        like,
        now,
    )
    .await
}

pub async fn count(e: impl Exec<'_>) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar("SELECT COUNT(*) FROM note")
        .fetch_one(e)
        .await
}

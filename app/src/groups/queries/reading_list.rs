//! SQL for reading lists.

use sqlx::AnyConnection;

use crate::groups::reading_list::ListItem;
use platform::Exec;

/// A row of [`items`].
#[derive(sqlx::FromRow)]
struct ItemRow {
    id: i64,
    book_id: i64,
    title: String,
    author: String,
    cover_id: Option<i64>,
    position: i64,
    starts_on: String,
    ends_on: String,
    guide_md: String,
    guide_html: String,
}

pub async fn items(e: impl Exec<'_>, group_id: i64) -> Result<Vec<ListItem>, sqlx::Error> {
    let rows: Vec<ItemRow> = sqlx::query_as(
        "SELECT li.id, li.book_id, b.title, b.author, b.cover_id, li.position, li.starts_on, li.ends_on, \
         li.guide_md, li.guide_html FROM reading_list_item li JOIN book b ON b.id = li.book_id \
         WHERE li.group_id = $1 ORDER BY li.position, li.id",
    )
    .bind(group_id)
    .fetch_all(e)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| ListItem {
            id: r.id,
            book_id: r.book_id,
            title: r.title,
            author: r.author,
            cover_id: r.cover_id,
            position: r.position,
            starts_on: r.starts_on,
            ends_on: r.ends_on,
            guide_md: r.guide_md,
            guide_html: platform::SafeHtml::from_stored(r.guide_html),
        })
        .collect())
}

/// The schedule and guided reading of a list entry.
pub struct ItemFields<'a> {
    pub starts_on: &'a str,
    pub ends_on: &'a str,
    pub guide_md: &'a str,
    pub guide_html: &'a str,
}

/// Appends a book; `None` if it is already on the list.
pub async fn add(
    conn: &mut AnyConnection,
    group_id: i64,
    book_id: i64,
    f: &ItemFields<'_>,
) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query_scalar(
        "INSERT INTO reading_list_item (group_id, book_id, position, starts_on, ends_on, guide_md, guide_html) \
         VALUES ($1, $2, (SELECT COALESCE(MAX(position), 0) + 1 FROM reading_list_item WHERE group_id = $1), \
         $3, $4, $5, $6) ON CONFLICT (group_id, book_id) DO NOTHING RETURNING id",
    )
    .bind(group_id)
    .bind(book_id)
    .bind(f.starts_on)
    .bind(f.ends_on)
    .bind(f.guide_md)
    .bind(f.guide_html)
    .fetch_optional(&mut *conn)
    .await
}

pub async fn update(
    e: impl Exec<'_>,
    group_id: i64,
    item_id: i64,
    f: &ItemFields<'_>,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE reading_list_item SET starts_on = $1, ends_on = $2, guide_md = $3, guide_html = $4 \
         WHERE id = $5 AND group_id = $6",
    )
    .bind(f.starts_on)
    .bind(f.ends_on)
    .bind(f.guide_md)
    .bind(f.guide_html)
    .bind(item_id)
    .bind(group_id)
    .execute(e)
    .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn remove(e: impl Exec<'_>, group_id: i64, item_id: i64) -> Result<bool, sqlx::Error> {
    let done = sqlx::query("DELETE FROM reading_list_item WHERE id = $1 AND group_id = $2")
        .bind(item_id)
        .bind(group_id)
        .execute(e)
        .await?;
    Ok(done.rows_affected() == 1)
}

/// Swaps an entry with its neighbour above (`up`) or below. False when it
/// is already first or last, or not on this group's list.
pub async fn move_item(
    conn: &mut AnyConnection,
    group_id: i64,
    item_id: i64,
    up: bool,
) -> Result<bool, sqlx::Error> {
    let position: Option<i64> = sqlx::query_scalar(
        "SELECT position FROM reading_list_item WHERE id = $1 AND group_id = $2",
    )
    .bind(item_id)
    .bind(group_id)
    .fetch_optional(&mut *conn)
    .await?;
    let Some(position) = position else {
        return Ok(false);
    };
    let neighbour_sql = if up {
        "SELECT id, position FROM reading_list_item WHERE group_id = $1 AND position < $2 \
         ORDER BY position DESC LIMIT 1"
    } else {
        "SELECT id, position FROM reading_list_item WHERE group_id = $1 AND position > $2 \
         ORDER BY position ASC LIMIT 1"
    };
    let neighbour: Option<(i64, i64)> = sqlx::query_as(neighbour_sql)
        .bind(group_id)
        .bind(position)
        .fetch_optional(&mut *conn)
        .await?;
    let Some((other_id, other_position)) = neighbour else {
        return Ok(false);
    };
    for (id, pos) in [(item_id, other_position), (other_id, position)] {
        sqlx::query("UPDATE reading_list_item SET position = $1 WHERE id = $2")
            .bind(pos)
            .bind(id)
            .execute(&mut *conn)
            .await?;
    }
    Ok(true)
}

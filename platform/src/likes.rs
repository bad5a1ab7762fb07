//! Likes (赞) of notes and posts: one row per person and item, and a
//! counter on the item kept in step in the same transaction.

use sqlx::AnyConnection;

/// Where the likes of one kind of item live.
pub struct LikeTable {
    /// The like rows, e.g. `note_like`.
    pub table: &'static str,
    /// Their column naming the item, e.g. `note_id`.
    pub key: &'static str,
    /// The item table with the `likes` counter, e.g. `note`.
    pub item: &'static str,
}

pub const NOTE: LikeTable = LikeTable {
    table: "note_like",
    key: "note_id",
    item: "note",
};

pub const POST: LikeTable = LikeTable {
    table: "post_like",
    key: "post_id",
    item: "post",
};

/// Likes or unlikes an item; returns its new count. Liking twice counts
/// once. Run it in a transaction (the caller's).
pub async fn set(
    conn: &mut AnyConnection,
    t: &LikeTable,
    item_id: i64,
    account_id: i64,
    like: bool,
    now: i64,
) -> Result<i64, sqlx::Error> {
    let changed = if like {
        let sql = format!(
            "INSERT INTO {} ({}, account_id, created_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
            t.table, t.key
        );
        sqlx::query(&sql)
            .bind(item_id)
            .bind(account_id)
            .bind(now)
            .execute(&mut *conn)
            .await?
            .rows_affected()
    } else {
        let sql = format!(
            "DELETE FROM {} WHERE {} = $1 AND account_id = $2",
            t.table, t.key
        );
        sqlx::query(&sql)
            .bind(item_id)
            .bind(account_id)
            .execute(&mut *conn)
            .await?
            .rows_affected()
    };
    if changed == 1 {
        let delta: i64 = if like { 1 } else { -1 };
        let sql = format!("UPDATE {} SET likes = likes + $1 WHERE id = $2", t.item);
        sqlx::query(&sql)
            .bind(delta)
            .bind(item_id)
            .execute(&mut *conn)
            .await?;
    }
    let sql = format!("SELECT likes FROM {} WHERE id = $1", t.item);
    sqlx::query_scalar(&sql)
        .bind(item_id)
        .fetch_one(&mut *conn)
        .await
}

//! The audience of a session: who watched online (a browser's anonymous
//! id, counted when its live channel opens, and tied to the account when
//! the signed-in person's own page reports it), who checked in at a venue,
//! who registered. A person in several of these counts once: people are
//! keyed `a<account id>` when known, `c<browser id>` otherwise.

use sqlx::Row;

use super::Audience;
use crate::server::Exec;

/// What became of a browser that opened the live channel.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Counted {
    /// Counted now, for the first time.
    New,
    /// Counted before.
    Known,
    /// Not counted: its address already has as many browsers as allowed.
    Refused,
}

impl Counted {
    pub fn counted(self) -> bool {
        self != Counted::Refused
    }
}

/// Counts an anonymous browser in a session's online audience, unless its
/// client address (`address_key`, a keyed hash) already has `per_address`
/// browsers there. Concurrent first visits from one address on PostgreSQL
/// may pass the cap by a few; the cap is against loops, not exact.
pub async fn count_viewer<'c, E: Exec<'c> + Copy>(
    db: E,
    lecture_id: i64,
    viewer: &str,
    address_key: &str,
    per_address: i64,
    now: i64,
) -> Result<Counted, sqlx::Error> {
    let inserted = sqlx::query(
        "INSERT INTO lecture_viewer (lecture_id, viewer, first_seen, address_key) \
         SELECT $1, $2, $3, $4 WHERE (SELECT COUNT(*) FROM lecture_viewer \
            WHERE lecture_id = $1 AND address_key = $4) < $5 \
         ON CONFLICT (lecture_id, viewer) DO NOTHING",
    )
    .bind(lecture_id)
    .bind(viewer)
    .bind(now)
    .bind(address_key)
    .bind(per_address)
    .execute(db)
    .await?
    .rows_affected()
        == 1;
    if inserted {
        return Ok(Counted::New);
    }
    let known = sqlx::query("SELECT 1 FROM lecture_viewer WHERE lecture_id = $1 AND viewer = $2")
        .bind(lecture_id)
        .bind(viewer)
        .fetch_optional(db)
        .await?
        .is_some();
    Ok(if known {
        Counted::Known
    } else {
        Counted::Refused
    })
}

/// Notes that a browser watched with an account signed in (reported by
/// the person's own page), or anonymously (`account_id` `None`). Returns
/// true when this browser or account is new to the session.
pub async fn record_viewer<'c>(
    db: impl Exec<'c>,
    lecture_id: i64,
    viewer: &str,
    account_id: Option<i64>,
    now: i64,
) -> Result<bool, sqlx::Error> {
    let r = sqlx::query(
        "INSERT INTO lecture_viewer (lecture_id, viewer, account_id, first_seen) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (lecture_id, viewer) DO UPDATE SET account_id = excluded.account_id \
         WHERE lecture_viewer.account_id IS NULL AND excluded.account_id IS NOT NULL",
    )
    .bind(lecture_id)
    .bind(viewer)
    .bind(account_id)
    .bind(now)
    .execute(db)
    .await?;
    Ok(r.rows_affected() == 1)
}

/// The session's audience, each person once.
pub async fn audience<'c>(db: impl Exec<'c>, lecture_id: i64) -> Result<Audience, sqlx::Error> {
    let r = sqlx::query(
        "SELECT \
         (SELECT COUNT(DISTINCT COALESCE('a' || CAST(account_id AS TEXT), 'c' || viewer)) \
            FROM lecture_viewer WHERE lecture_id = $1) AS online, \
         (SELECT COUNT(*) FROM attendance WHERE lecture_id = $1) AS checked_in, \
         (SELECT COUNT(*) FROM registration WHERE lecture_id = $1 AND status <> 'cancelled') AS registered, \
         (SELECT COUNT(*) FROM ( \
            SELECT COALESCE('a' || CAST(account_id AS TEXT), 'c' || viewer) AS who FROM lecture_viewer WHERE lecture_id = $1 \
            UNION SELECT 'a' || CAST(account_id AS TEXT) FROM attendance WHERE lecture_id = $1 \
            UNION SELECT 'a' || CAST(account_id AS TEXT) FROM registration \
                  WHERE lecture_id = $1 AND status <> 'cancelled') people) AS total",
    )
    .bind(lecture_id)
    .fetch_one(db)
    .await?;
    Ok(Audience {
        online: r.get("online"),
        checked_in: r.get("checked_in"),
        registered: r.get("registered"),
        total: r.get("total"),
    })
}

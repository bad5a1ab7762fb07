//! The audience of a session: who opened the watch page (a browser's
//! anonymous id, tied to the account once signed in), who checked in at a
//! venue, who registered. A person in several of these counts once: people
//! are keyed `a<account id>` when known, `c<browser id>` otherwise.

use sqlx::Row;

use super::Audience;
use crate::server::Exec;

/// Notes that a browser (and, if signed in, its account) opened the page.
/// Returns true when this browser or account is new to the session.
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

//! The audience of a session: who watched online (a browser's anonymous
//! id, counted when its live channel opens, and tied to the account when
//! the signed-in person's own page reports it), who checked in at a venue,
//! who registered. A person in several of these counts once: people are
//! keyed `a<account id>` when known, `c<browser id>` otherwise.

use crate::lectures::Audience;
use platform::Exec;

/// What the database holds about a browser opening a session's live
/// channel: whether it is in the audience already, and how many browsers
/// of its client address (`address_key`, a keyed hash) are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Standing {
    pub known: bool,
    pub at_address: i64,
}

/// A row of [`standing`]: counts.
#[derive(sqlx::FromRow)]
struct StandingRow {
    known: i64,
    at_address: i64,
}

/// Reads a browser's [`Standing`] (a read: the live channel writes nothing
/// on the request path, see [`add_viewers`]).
pub async fn standing<'c>(
    db: impl Exec<'c>,
    lecture_id: i64,
    viewer: &str,
    address_key: &str,
) -> Result<Standing, sqlx::Error> {
    let r: StandingRow = sqlx::query_as(
        "SELECT \
         (SELECT COUNT(*) FROM lecture_viewer WHERE lecture_id = $1 AND viewer = $2) AS known, \
         (SELECT COUNT(*) FROM lecture_viewer WHERE lecture_id = $1 AND address_key = $3) AS at_address",
    )
    .bind(lecture_id)
    .bind(viewer)
    .bind(address_key)
    .fetch_one(db)
    .await?;
    Ok(Standing {
        known: r.known > 0,
        at_address: r.at_address,
    })
}

/// An anonymous browser counted in a session's online audience, waiting
/// to be written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewViewer {
    pub viewer: String,
    pub address_key: String,
    pub first_seen: i64,
}

/// Rows a statement of [`add_viewers`] writes at most (4 parameters each).
pub const VIEWERS_PER_STATEMENT: usize = 200;

/// Writes anonymous browsers into a session's online audience, each unless
/// its client address already has `per_address` browsers there (another
/// server may have counted some meanwhile; concurrent batches on
/// PostgreSQL may pass the cap by a few: it is against loops, not exact).
/// At most [`VIEWERS_PER_STATEMENT`] rows. Answers how many were new.
pub async fn add_viewers<'c>(
    db: impl Exec<'c>,
    lecture_id: i64,
    viewers: &[NewViewer],
    per_address: i64,
) -> Result<u64, sqlx::Error> {
    if viewers.is_empty() {
        return Ok(0);
    }
    let values: Vec<String> = (0..viewers.len())
        .map(|i| format!("(${}, ${}, ${})", 3 * i + 3, 3 * i + 4, 3 * i + 5))
        .collect();
    let sql = format!(
        "INSERT INTO lecture_viewer (lecture_id, viewer, first_seen, address_key) \
         SELECT $1, v.column1, v.column2, v.column3 FROM (VALUES {}) AS v \
         WHERE (SELECT COUNT(*) FROM lecture_viewer x \
                WHERE x.lecture_id = $1 AND x.address_key = v.column3) < $2 \
         ON CONFLICT (lecture_id, viewer) DO NOTHING",
        values.join(", ")
    );
    let mut q = sqlx::query(&sql).bind(lecture_id).bind(per_address);
    for v in viewers {
        q = q.bind(&v.viewer).bind(v.first_seen).bind(&v.address_key);
    }
    Ok(q.execute(db).await?.rows_affected())
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

/// A row of [`audience`] (`Audience` is also built for the browser, which
/// has no sqlx).
#[derive(sqlx::FromRow)]
struct AudienceRow {
    online: i64,
    checked_in: i64,
    registered: i64,
    total: i64,
}

/// The session's audience, each person once.
pub async fn audience<'c>(db: impl Exec<'c>, lecture_id: i64) -> Result<Audience, sqlx::Error> {
    let r: AudienceRow = sqlx::query_as(
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
        online: r.online,
        checked_in: r.checked_in,
        registered: r.registered,
        total: r.total,
    })
}

//! A rate limit shared by every server node: events of a kind (`bucket`)
//! per key (usually a client address) are kept in the database for as long
//! as the window, and an action is refused once its key has used up the
//! window. For what a stranger can repeat and that costs us work (creating
//! accounts, for one).

use crate::context::RateLimit;
use crate::db::Exec;

/// Refused: how many seconds until the oldest event leaves the window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Exhausted {
    pub wait_secs: i64,
}

impl Exhausted {
    /// The wait in whole minutes, at least one (for Chinese messages).
    pub fn minutes(self) -> i64 {
        (self.wait_secs + 59) / 60
    }
}

/// Whether `key` may act once more in `bucket`. Under a lock the caller
/// holds (e.g. the writer's account row), check then [`record`] in one
/// transaction; without one, use [`hit`].
pub async fn check(
    e: impl Exec<'_>,
    bucket: &str,
    key: &str,
    limit: &RateLimit,
    now: i64,
) -> Result<Result<(), Exhausted>, sqlx::Error> {
    Ok(verdict(
        used(e, bucket, key, limit, now).await?,
        0,
        limit,
        now,
    ))
}

/// Counts one event of `key` in `bucket`.
pub async fn record(
    e: impl Exec<'_>,
    bucket: &str,
    key: &str,
    now: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query("INSERT INTO rate_event (bucket, key, at) VALUES ($1, $2, $3)")
        .bind(bucket)
        .bind(key)
        .bind(now)
        .execute(e)
        .await?;
    Ok(())
}

/// Counts one action of `key` in `bucket` and says whether it is within
/// the limit, without a lock. The event is written before it is counted, so
/// requests sent at the same moment cannot all slip under the limit
/// together (at worst one more is refused); refused attempts count too,
/// which only slows the stranger down further.
pub async fn hit(
    pool: &sqlx::AnyPool,
    bucket: &str,
    key: &str,
    limit: &RateLimit,
    now: i64,
) -> Result<Result<(), Exhausted>, sqlx::Error> {
    record(pool, bucket, key, now).await?;
    Ok(verdict(
        used(pool, bucket, key, limit, now).await?,
        1,
        limit,
        now,
    ))
}

/// The one rule every limit of the site follows, whatever table counts
/// its events: given how many events fell in the window and the oldest of
/// them, refuse once more than `limit.per_window` (counting `included`
/// events that are already the one being judged) would have happened, and
/// say how long until the oldest leaves the window. The sign-in throttle
/// counts its own table (failures forgiven on success) through it too.
pub fn verdict(
    (count, oldest): (i64, i64),
    included: i64,
    limit: &RateLimit,
    now: i64,
) -> Result<(), Exhausted> {
    if count - included < limit.per_window {
        return Ok(());
    }
    Err(Exhausted {
        wait_secs: (oldest + limit.window_secs - now).max(1),
    })
}

/// Events of `key` in the window: how many, and the oldest time.
async fn used(
    e: impl Exec<'_>,
    bucket: &str,
    key: &str,
    limit: &RateLimit,
    now: i64,
) -> Result<(i64, i64), sqlx::Error> {
    sqlx::query_as(
        "SELECT COUNT(*), COALESCE(MIN(at), 0) FROM rate_event \
         WHERE bucket = $1 AND key = $2 AND at > $3",
    )
    .bind(bucket)
    .bind(key)
    .bind(now - limit.window_secs)
    .fetch_one(e)
    .await
}

/// Drops events older than every window (housekeeping).
pub async fn prune(e: impl Exec<'_>, before: i64) -> Result<u64, sqlx::Error> {
    let done = sqlx::query("DELETE FROM rate_event WHERE at <= $1")
        .bind(before)
        .execute(e)
        .await?;
    Ok(done.rows_affected())
}

#[cfg(test)]
mod tests {
    use super::*;

    const LIMIT: RateLimit = RateLimit {
        per_window: 3,
        window_secs: 60,
    };

    #[test]
    fn under_the_limit_passes_and_at_it_refuses_until_the_oldest_leaves() {
        assert_eq!(verdict((2, 100), 0, &LIMIT, 130), Ok(()));
        assert_eq!(
            verdict((3, 100), 0, &LIMIT, 130),
            Err(Exhausted { wait_secs: 30 })
        );
        // An event already counted (written before it was counted) is the
        // one being judged, so one more fits.
        assert_eq!(verdict((3, 100), 1, &LIMIT, 130), Ok(()));
        assert_eq!(
            verdict((4, 100), 1, &LIMIT, 130),
            Err(Exhausted { wait_secs: 30 })
        );
    }

    #[test]
    fn the_wait_is_at_least_a_second_and_minutes_round_up() {
        let e = verdict((3, 0), 0, &LIMIT, 90).unwrap_err();
        assert_eq!(e.wait_secs, 1);
        assert_eq!(e.minutes(), 1);
        assert_eq!(Exhausted { wait_secs: 61 }.minutes(), 2);
    }
}

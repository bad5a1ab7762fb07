//! Refuses sign-in for a while after repeated failures: per (user name,
//! client address), so a stranger failing from elsewhere never locks the
//! owner out of their account, and per client address, so one address
//! cannot spray guesses over many accounts. Failures live in the database
//! so every server node counts the same ones. Its own table rather than
//! `rate_event`: a success forgives that name's failures from that address
//! in both counts, which two separate buckets could not express; the rule
//! that judges the counts is the shared one.

use platform::context::RateLimit;
use platform::error::AppError;
use platform::{Exec, LoginLimits, rate};

/// Refuses with a message saying how long to wait when either limit is
/// reached (judged by the site's one rule, [`platform::rate::verdict`]).
pub async fn check(
    db: &platform::Db,
    limits: &LoginLimits,
    username: &str,
    ip: &str,
    now: i64,
) -> Result<(), AppError> {
    let since = now - limits.window_secs;
    let by_pair = pair_failures(db.pool(), username, ip, since).await?;
    let by_ip = address_failures(db.pool(), ip, since).await?;
    let limit = |per_window| RateLimit {
        per_window,
        window_secs: limits.window_secs,
    };
    let verdicts = [
        rate::verdict(by_pair, 0, &limit(limits.per_account), now),
        rate::verdict(by_ip, 0, &limit(limits.per_address), now),
    ];
    match verdicts
        .into_iter()
        .filter_map(Result::err)
        .min_by_key(|e| e.wait_secs)
    {
        None => Ok(()),
        Some(exhausted) => Err(AppError::TooManyRequests(format!(
            "登录失败次数过多，请 {} 分钟后再试",
            exhausted.minutes()
        ))),
    }
}

/// Failures of one user name from one address since `since`: count and oldest time.
async fn pair_failures(
    e: impl Exec<'_>,
    username: &str,
    ip: &str,
    since: i64,
) -> Result<(i64, i64), sqlx::Error> {
    sqlx::query_as(
        "SELECT COUNT(*), COALESCE(MIN(at), 0) FROM login_failure \
         WHERE username = $1 AND ip = $2 AND at > $3",
    )
    .bind(username)
    .bind(ip)
    .bind(since)
    .fetch_one(e)
    .await
}

/// Failures from one address (any user name) since `since`.
async fn address_failures(
    e: impl Exec<'_>,
    ip: &str,
    since: i64,
) -> Result<(i64, i64), sqlx::Error> {
    sqlx::query_as(
        "SELECT COUNT(*), COALESCE(MIN(at), 0) FROM login_failure WHERE ip = $1 AND at > $2",
    )
    .bind(ip)
    .bind(since)
    .fetch_one(e)
    .await
}

pub async fn record_failure(
    e: impl Exec<'_>,
    username: &str,
    ip: &str,
    now: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query("INSERT INTO login_failure (username, ip, at) VALUES ($1, $2, $3)")
        .bind(username)
        .bind(ip)
        .bind(now)
        .execute(e)
        .await?;
    Ok(())
}

/// Forgets an account's failures from the address it just signed in from
/// (failures from elsewhere keep counting against their own addresses).
pub async fn clear(e: impl Exec<'_>, username: &str, ip: &str) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM login_failure WHERE username = $1 AND ip = $2")
        .bind(username)
        .bind(ip)
        .execute(e)
        .await?;
    Ok(())
}

/// Drops failures too old to matter.
pub async fn prune(e: impl Exec<'_>, before: i64) -> Result<u64, sqlx::Error> {
    let done = sqlx::query("DELETE FROM login_failure WHERE at <= $1")
        .bind(before)
        .execute(e)
        .await?;
    Ok(done.rows_affected())
}

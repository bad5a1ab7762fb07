//! The statistics and the annual reports, kept in memory for a stated
//! freshness (`Settings::stats_fresh_secs`, a minute by default, said on
//! both pages): computing them reads every post, check-in and note of the
//! window, a cost that grows with the platform (100-230 ms at 100,000
//! posts), while serving a copy does not. Each server keeps its own copy.
//!
//! Nobody waits for a recomputation while there is a recent copy: a
//! request that finds the copy past its freshness gets it at once and
//! starts one computation in the background, whose result the next
//! requests get (the statistics page shows when its figures were
//! counted). A copy older than `STALE_LIMIT` is not served; then, as on
//! a cold cache, the request waits, and a crowd arriving together waits
//! for one computation rather than starting one each.

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use super::{ReportData, StatsData, collect};
use platform::{Db, now, today_string};

/// The oldest copy served while a new one is being computed.
const STALE_LIMIT: Duration = Duration::from_secs(3600);

/// Values computed at most once per freshness window.
struct Fresh<K, V> {
    entries: Arc<Mutex<HashMap<K, (Instant, V)>>>,
    computing: Arc<tokio::sync::Mutex<()>>,
    /// The oldest copy served while a new one is being computed.
    stale_limit: Duration,
}

impl<K, V> Default for Fresh<K, V> {
    fn default() -> Self {
        Fresh {
            entries: Arc::default(),
            computing: Arc::default(),
            stale_limit: STALE_LIMIT,
        }
    }
}

impl<K, V> Fresh<K, V>
where
    K: Eq + Hash + Send + 'static,
    V: Clone + Send + 'static,
{
    /// The copy kept for `key`, if one may be served, and whether it is
    /// younger than `max_age`. A freshness of 0 promises figures counted
    /// for the request: then no older copy is served.
    fn cached(&self, key: &K, max_age: Duration) -> Option<(V, bool)> {
        let limit = if max_age.is_zero() {
            Duration::ZERO
        } else {
            max_age.max(self.stale_limit)
        };
        let entries = self.entries.lock().expect("stats cache lock");
        entries
            .get(key)
            .filter(|(at, _)| at.elapsed() < limit)
            .map(|(at, v)| (v.clone(), at.elapsed() < max_age))
    }

    async fn get<E, Fut>(
        &self,
        key: K,
        max_age: Duration,
        compute: impl FnOnce() -> Fut,
    ) -> Result<V, E>
    where
        E: std::fmt::Display,
        Fut: std::future::Future<Output = Result<V, E>> + Send + 'static,
    {
        match self.cached(&key, max_age) {
            Some((v, true)) => return Ok(v),
            Some((v, false)) => {
                // Past its freshness: served while one task counts afresh.
                if let Ok(one_at_a_time) = self.computing.clone().try_lock_owned() {
                    let entries = Arc::clone(&self.entries);
                    let computation = compute();
                    tokio::spawn(async move {
                        let _one_at_a_time = one_at_a_time;
                        match computation.await {
                            Ok(v) => {
                                entries
                                    .lock()
                                    .expect("stats cache lock")
                                    .insert(key, (Instant::now(), v));
                            }
                            Err(e) => tracing::warn!("statistics not recomputed: {e}"),
                        }
                    });
                }
                return Ok(v);
            }
            None => {}
        }
        let _one_at_a_time = self.computing.lock().await;
        if let Some((v, true)) = self.cached(&key, max_age) {
            return Ok(v);
        }
        let v = compute().await?;
        self.entries
            .lock()
            .expect("stats cache lock")
            .insert(key, (Instant::now(), v.clone()));
        Ok(v)
    }
}

/// The statistics page's figures and the annual reports of one server.
#[derive(Default)]
pub struct StatsCache {
    stats: Fresh<(), StatsData>,
    /// Per year; years are bounded (2000 to this year).
    reports: Fresh<i32, ReportData>,
}

fn max_age(fresh_secs: i64) -> Duration {
    Duration::from_secs(fresh_secs.max(0).unsigned_abs())
}

impl StatsCache {
    /// `/admin/stats`' figures, at most `fresh_secs` old.
    pub async fn stats(&self, db: &Db, fresh_secs: i64) -> Result<StatsData, sqlx::Error> {
        self.stats
            .get((), max_age(fresh_secs), || {
                let db = db.clone();
                async move { collect::stats(&db, now(), &today_string()).await }
            })
            .await
    }

    /// A year's report figures (without the foreword), at most
    /// `fresh_secs` old.
    pub async fn report(
        &self,
        db: &Db,
        year: i32,
        fresh_secs: i64,
    ) -> Result<ReportData, sqlx::Error> {
        self.reports
            .get(year, max_age(fresh_secs), || {
                let db = db.clone();
                async move { collect::report(&db, year, &today_string()).await }
            })
            .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicI64, Ordering};

    /// A computation that answers 1, 2, 3… on its successive runs.
    fn counter() -> impl Fn() -> std::future::Ready<Result<i64, &'static str>> {
        let calls = Arc::new(AtomicI64::new(0));
        move || std::future::ready(Ok(calls.fetch_add(1, Ordering::Relaxed) + 1))
    }

    #[tokio::test]
    async fn computed_once_per_window() {
        let cache: Fresh<i32, i64> = Fresh::default();
        let compute = counter();
        let minute = Duration::from_secs(60);
        assert_eq!(cache.get(1, minute, &compute).await, Ok(1));
        assert_eq!(cache.get(1, minute, &compute).await, Ok(1), "cached");
        assert_eq!(cache.get(2, minute, &compute).await, Ok(2), "per key");
        let failing = || std::future::ready(Err::<i64, _>("down"));
        assert_eq!(cache.get(3, minute, failing).await, Err("down"));
        assert_eq!(
            cache.get(3, minute, &compute).await,
            Ok(3),
            "errors are not kept"
        );
    }

    #[tokio::test]
    async fn a_stale_copy_is_served_while_one_computation_refreshes_it() {
        let cache: Fresh<i32, i64> = Fresh::default();
        let compute = counter();
        let instant = Duration::from_nanos(1);
        assert_eq!(cache.get(1, instant, &compute).await, Ok(1));
        // Past its freshness: the old copy at once, a new one behind it.
        assert_eq!(cache.get(1, instant, &compute).await, Ok(1), "stale");
        // Only one refresh runs at a time.
        let held = cache.computing.clone().try_lock_owned().is_err();
        assert_eq!(cache.get(1, instant, &compute).await, Ok(1));
        for _ in 0..100 {
            if cache.computing.try_lock().is_ok()
                && cache.cached(&1, Duration::from_secs(60)) == Some((2, true))
            {
                break;
            }
            tokio::task::yield_now().await;
        }
        assert_eq!(cache.get(1, Duration::from_secs(60), &compute).await, Ok(2));
        assert!(held, "the first stale read started a refresh");
        // A freshness of 0 counts for every request.
        assert_eq!(cache.get(1, Duration::ZERO, &compute).await, Ok(3));
        assert_eq!(cache.get(1, Duration::ZERO, &compute).await, Ok(4));
        // A copy older than the limit is never served.
        let strict: Fresh<i32, i64> = Fresh {
            stale_limit: Duration::ZERO,
            ..Fresh::default()
        };
        assert_eq!(strict.get(1, instant, &compute).await, Ok(5));
        assert_eq!(strict.get(1, instant, &compute).await, Ok(6));
    }
}

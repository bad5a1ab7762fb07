//! The statistics and the annual reports, kept in memory for a stated
//! freshness (`Settings::stats_fresh_secs`, a minute by default, said on
//! both pages): computing them reads every post, check-in and note of the
//! window, a cost that grows with the platform, while serving a copy does
//! not. Each server keeps its own copy. One computation at a time per
//! cache: a crowd arriving on a cold cache waits for one computation
//! rather than starting one each.

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use super::{ReportData, StatsData, collect};
use crate::server::{Db, now, today_string};

/// Values computed at most once per freshness window.
struct Fresh<K, V> {
    entries: Mutex<HashMap<K, (Instant, V)>>,
    computing: tokio::sync::Mutex<()>,
}

impl<K, V> Default for Fresh<K, V> {
    fn default() -> Self {
        Fresh {
            entries: Mutex::new(HashMap::new()),
            computing: tokio::sync::Mutex::new(()),
        }
    }
}

impl<K: Eq + Hash, V: Clone> Fresh<K, V> {
    fn cached(&self, key: &K, max_age: Duration) -> Option<V> {
        let entries = self.entries.lock().expect("stats cache lock");
        entries
            .get(key)
            .filter(|(at, _)| at.elapsed() < max_age)
            .map(|(_, v)| v.clone())
    }

    async fn get<E, Fut>(
        &self,
        key: K,
        max_age: Duration,
        compute: impl FnOnce() -> Fut,
    ) -> Result<V, E>
    where
        Fut: std::future::Future<Output = Result<V, E>>,
    {
        if let Some(v) = self.cached(&key, max_age) {
            return Ok(v);
        }
        let _one_at_a_time = self.computing.lock().await;
        if let Some(v) = self.cached(&key, max_age) {
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
            .get((), max_age(fresh_secs), || async {
                collect::stats(db, now(), &today_string()).await
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
            .get(year, max_age(fresh_secs), || async {
                collect::report(db, year, &today_string()).await
            })
            .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn computed_once_per_window() {
        let cache: Fresh<i32, i64> = Fresh::default();
        let calls = std::sync::atomic::AtomicI64::new(0);
        let compute =
            || async { Ok::<_, ()>(calls.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1) };
        let minute = Duration::from_secs(60);
        assert_eq!(cache.get(1, minute, compute).await, Ok(1));
        assert_eq!(cache.get(1, minute, compute).await, Ok(1), "cached");
        assert_eq!(cache.get(2, minute, compute).await, Ok(2), "per key");
        assert_eq!(cache.get(1, Duration::ZERO, compute).await, Ok(3), "stale");
        let failing = || async { Err::<i64, _>("down") };
        assert_eq!(cache.get(3, minute, failing).await, Err("down"));
        assert_eq!(
            cache.get(3, minute, compute).await,
            Ok(4),
            "errors are not kept"
        );
    }
}

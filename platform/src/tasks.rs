//! The background tasks of one server, with one owner: each is started
//! through [`Tasks`] and all are stopped together by [`Tasks::stop`], so a
//! shutdown leaves nothing running (no ticker writing to a closed
//! database, no listener reconnecting).

use std::future::Future;
use std::time::Duration;

use tokio::task::JoinSet;
use tokio::time::MissedTickBehavior;
use tokio_util::sync::CancellationToken;

#[derive(Default)]
pub struct Tasks {
    set: JoinSet<()>,
    stop: CancellationToken,
}

impl Tasks {
    pub fn new() -> Tasks {
        Tasks::default()
    }

    /// Runs `step` every `period`, the first time at once, until the tasks
    /// stop. A step under way is finished first: a batch being written is
    /// never cut in half. A slow step delays the next one.
    pub fn every<F, Fut>(&mut self, period: Duration, mut step: F)
    where
        F: FnMut() -> Fut + Send + 'static,
        Fut: Future<Output = ()> + Send + 'static,
    {
        let stop = self.stop.clone();
        self.set.spawn(async move {
            let mut tick = tokio::time::interval(period);
            tick.set_missed_tick_behavior(MissedTickBehavior::Delay);
            loop {
                tokio::select! {
                    biased;
                    () = stop.cancelled() => return,
                    _ = tick.tick() => step().await,
                }
            }
        });
    }

    /// Runs `task` until it ends or the tasks stop; then it is dropped
    /// wherever it is waiting.
    pub fn spawn(&mut self, task: impl Future<Output = ()> + Send + 'static) {
        let stop = self.stop.clone();
        self.set.spawn(async move {
            tokio::select! {
                () = stop.cancelled() => {}
                () = task => {}
            }
        });
    }

    /// Stops every task and waits until each has ended.
    pub async fn stop(mut self) {
        self.stop.cancel();
        while let Some(ended) = self.set.join_next().await {
            if let Err(e) = ended
                && e.is_panic()
            {
                tracing::error!("a background task panicked");
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};

    use super::*;

    #[tokio::test(start_paused = true)]
    async fn stop_finishes_a_step_under_way_and_ends_every_task() {
        let mut tasks = Tasks::new();
        let started = Arc::new(AtomicUsize::new(0));
        let finished = Arc::new(AtomicUsize::new(0));
        let (s, f) = (Arc::clone(&started), Arc::clone(&finished));
        tasks.every(Duration::from_secs(10), move || {
            let (s, f) = (Arc::clone(&s), Arc::clone(&f));
            async move {
                s.fetch_add(1, Ordering::SeqCst);
                tokio::time::sleep(Duration::from_secs(3)).await;
                f.fetch_add(1, Ordering::SeqCst);
            }
        });
        let forever_dropped = Arc::new(AtomicUsize::new(0));
        let guard = DropCounter(Arc::clone(&forever_dropped));
        tasks.spawn(async move {
            let _guard = guard;
            std::future::pending::<()>().await;
        });

        // Two steps done, the third under way.
        tokio::time::sleep(Duration::from_secs(21)).await;
        assert_eq!(started.load(Ordering::SeqCst), 3);
        assert_eq!(finished.load(Ordering::SeqCst), 2);

        tasks.stop().await;
        assert_eq!(
            finished.load(Ordering::SeqCst),
            3,
            "the step under way ran to its end"
        );
        assert_eq!(
            forever_dropped.load(Ordering::SeqCst),
            1,
            "the endless task was ended"
        );
        tokio::time::sleep(Duration::from_secs(60)).await;
        assert_eq!(started.load(Ordering::SeqCst), 3, "no step after stop");
    }

    struct DropCounter(Arc<AtomicUsize>);

    impl Drop for DropCounter {
        fn drop(&mut self) {
            self.0.fetch_add(1, Ordering::SeqCst);
        }
    }
}

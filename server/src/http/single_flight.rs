//! One render per missing page at a time.
//!
//! When a cached page expires while hundreds of visitors ask for it (a
//! lecture link shared in WeChat groups), every one of them would render it
//! at once: the machine's cores are shared by all those renders and each
//! visitor waits for the slowest. Instead the first request for a key
//! renders (the leader) and the others wait for it (followers), then read
//! what it stored. A follower that still finds nothing (the page was not
//! storable, or the leader's client went away) renders on its own, without
//! waiting again, so an uncacheable page is never rendered one at a time.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use tokio::sync::{Mutex as AsyncMutex, OwnedMutexGuard};

/// The renders in progress, by key.
#[derive(Default)]
pub struct SingleFlight {
    inflight: Arc<Mutex<HashMap<String, Arc<AsyncMutex<()>>>>>,
}

/// What a request does about a missing entry.
pub enum Turn {
    /// Render, and drop this once the entry is stored (or not).
    Leader(Leading),
    /// Another request renders: wait with [`Turn::wait`], then look again.
    Follower(Arc<AsyncMutex<()>>),
}

/// Held by the leader while it renders. Dropping it (also when the request
/// is cancelled or panics) lets the followers go and forgets the key.
pub struct Leading {
    key: String,
    lock: Arc<AsyncMutex<()>>,
    inflight: Arc<Mutex<HashMap<String, Arc<AsyncMutex<()>>>>>,
    _guard: OwnedMutexGuard<()>,
}

impl Drop for Leading {
    fn drop(&mut self) {
        let mut map = self.inflight.lock().unwrap_or_else(PoisonError::into_inner);
        if map
            .get(&self.key)
            .is_some_and(|l| Arc::ptr_eq(l, &self.lock))
        {
            map.remove(&self.key);
        }
    }
}

impl SingleFlight {
    /// Leader if nobody renders `key` now, else a follower of who does.
    pub fn join(&self, key: &str) -> Turn {
        let mut map = self.inflight.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(lock) = map.get(key) {
            return Turn::Follower(Arc::clone(lock));
        }
        let lock = Arc::new(AsyncMutex::new(()));
        let guard = Arc::clone(&lock)
            .try_lock_owned()
            .expect("a new lock is free");
        map.insert(key.to_owned(), Arc::clone(&lock));
        Turn::Leader(Leading {
            key: key.to_owned(),
            lock,
            inflight: Arc::clone(&self.inflight),
            _guard: guard,
        })
    }

    /// Renders in progress (for tests and metrics).
    #[cfg(test)]
    fn len(&self) -> usize {
        self.inflight
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .len()
    }
}

impl Turn {
    /// A follower waits until the leader is done; a leader returns at once.
    pub async fn wait(lock: &AsyncMutex<()>) {
        drop(lock.lock().await);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::time::Duration;

    #[tokio::test]
    async fn one_leader_renders_and_followers_wait_for_it() {
        let flight = Arc::new(SingleFlight::default());
        let renders = Arc::new(AtomicUsize::new(0));
        let stored = Arc::new(Mutex::new(None::<u32>));
        let mut tasks = Vec::new();
        for _ in 0..50 {
            let (flight, renders, stored) = (flight.clone(), renders.clone(), stored.clone());
            tasks.push(tokio::spawn(async move {
                match flight.join("/") {
                    Turn::Leader(leading) => {
                        tokio::time::sleep(Duration::from_millis(50)).await;
                        renders.fetch_add(1, Ordering::SeqCst);
                        *stored.lock().unwrap() = Some(7);
                        drop(leading);
                        7
                    }
                    Turn::Follower(lock) => {
                        Turn::wait(&lock).await;
                        stored.lock().unwrap().expect("the leader stored it first")
                    }
                }
            }));
        }
        for t in tasks {
            assert_eq!(t.await.unwrap(), 7);
        }
        assert_eq!(renders.load(Ordering::SeqCst), 1);
        assert_eq!(flight.len(), 0, "the key is forgotten once done");
    }

    #[tokio::test]
    async fn a_cancelled_leader_lets_the_followers_go() {
        let flight = SingleFlight::default();
        let Turn::Leader(leading) = flight.join("/lectures") else {
            panic!("first is the leader");
        };
        let Turn::Follower(lock) = flight.join("/lectures") else {
            panic!("second follows");
        };
        assert!(matches!(flight.join("/groups"), Turn::Leader(_)));
        drop(leading);
        tokio::time::timeout(Duration::from_secs(1), Turn::wait(&lock))
            .await
            .expect("released by the drop");
        assert!(matches!(flight.join("/lectures"), Turn::Leader(_)));
    }
}

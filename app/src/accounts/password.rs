//! Password hashing with argon2id, always off the async threads, and never
//! more at once than the machine has cores.
//!
//! Every sign-in, sign-up and password reset costs one argon2 hash (about
//! 50 ms of a core and 19 MiB). Anyone can send those requests, so the work
//! is bounded: at most [`parallelism`] hashes run at a time, a short queue
//! waits behind them, and a request that finds the queue full is refused at
//! once with "服务器繁忙" instead of piling up threads and memory.

use std::sync::OnceLock;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use rand::rngs::OsRng;
use tokio::sync::Semaphore;

use platform::error::AppError;

/// Requests allowed to wait for a free core, per core.
const QUEUE_PER_CORE: usize = 32;

/// Hashes run at once: the number of cores.
pub fn parallelism() -> usize {
    std::thread::available_parallelism().map_or(2, |n| n.get())
}

struct Gate {
    running: Semaphore,
    /// Requests running or waiting.
    admitted: AtomicUsize,
    capacity: usize,
}

impl Gate {
    fn new(running: usize, queue: usize) -> Gate {
        Gate {
            running: Semaphore::new(running),
            admitted: AtomicUsize::new(0),
            capacity: running + queue,
        }
    }
}

fn gate() -> &'static Gate {
    static GATE: OnceLock<Gate> = OnceLock::new();
    GATE.get_or_init(|| {
        let cores = parallelism();
        Gate::new(cores, cores * QUEUE_PER_CORE)
    })
}

/// Hashes computed by this process (sign-in checks included); tests read it
/// to show that a refused request cost no hash.
static HASHES: AtomicU64 = AtomicU64::new(0);

pub fn hashes_computed() -> u64 {
    HASHES.load(Ordering::Relaxed)
}

/// Leaves the queue when dropped, whatever happened to the request.
struct Admitted<'g>(&'g Gate);

impl Drop for Admitted<'_> {
    fn drop(&mut self) {
        self.0.admitted.fetch_sub(1, Ordering::AcqRel);
    }
}

/// Runs one argon2 job on a blocking thread once a core is free, or refuses
/// at once when too many are already waiting.
async fn run<T: Send + 'static>(
    job: impl FnOnce() -> Result<T, AppError> + Send + 'static,
) -> Result<T, AppError> {
    run_on(gate(), job).await
}

async fn run_on<T: Send + 'static>(
    g: &Gate,
    job: impl FnOnce() -> Result<T, AppError> + Send + 'static,
) -> Result<T, AppError> {
    if g.admitted.fetch_add(1, Ordering::AcqRel) >= g.capacity {
        g.admitted.fetch_sub(1, Ordering::AcqRel);
        tracing::warn!("password hashing queue full: request refused");
        return Err(AppError::TooManyRequests(
            "服务器繁忙，请稍后再试".to_owned(),
        ));
    }
    let _admitted = Admitted(g);
    let _permit = g.running.acquire().await.map_err(AppError::internal)?;
    tokio::task::spawn_blocking(move || {
        HASHES.fetch_add(1, Ordering::Relaxed);
        job()
    })
    .await
    .map_err(AppError::internal)?
}

/// Hashes a new password (PHC string: algorithm, parameters, salt, hash).
pub async fn hash(password: String) -> Result<String, AppError> {
    run(move || hash_blocking(&password)).await
}

fn hash_blocking(password: &str) -> Result<String, AppError> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(AppError::internal)
}

/// Checks a password against a stored hash. With no stored hash (no such
/// account) it checks against a fixed dummy hash, so that an answer takes
/// the same time whether or not the account exists.
pub async fn verify(password: String, stored: Option<String>) -> Result<bool, AppError> {
    run(move || {
        let exists = stored.is_some();
        let phc = stored.unwrap_or_else(|| dummy_hash().to_owned());
        let parsed = PasswordHash::new(&phc).map_err(AppError::internal)?;
        let ok = Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok();
        Ok(exists && ok)
    })
    .await
}

fn dummy_hash() -> &'static str {
    static DUMMY: OnceLock<String> = OnceLock::new();
    DUMMY.get_or_init(|| {
        hash_blocking("not a real password, only here to spend time")
            .expect("hashing a constant cannot fail")
    })
}

/// Computes the dummy hash ahead of the first sign-in, so that first
/// attempt is not slower for unknown names.
pub fn warm_up() {
    let _ = dummy_hash();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn hash_then_verify() {
        let h = hash("correct horse".into()).await.unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(
            verify("correct horse".into(), Some(h.clone()))
                .await
                .unwrap()
        );
        assert!(!verify("wrong horse".into(), Some(h)).await.unwrap());
    }

    #[tokio::test]
    async fn unknown_account_never_verifies() {
        assert!(!verify("anything".into(), None).await.unwrap());
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_full_queue_is_refused_at_once_and_nothing_leaks() {
        use std::sync::Arc;
        use std::sync::atomic::AtomicUsize;
        // One job at a time, three more may wait: of 12 sent at once, 8 are refused.
        let g: &'static Gate = Box::leak(Box::new(Gate::new(1, 3)));
        let at_once = Arc::new(AtomicUsize::new(0));
        let most = Arc::new(AtomicUsize::new(0));
        let jobs: Vec<_> = (0..12)
            .map(|_| {
                let (at_once, most) = (Arc::clone(&at_once), Arc::clone(&most));
                tokio::spawn(run_on(g, move || {
                    let n = at_once.fetch_add(1, Ordering::SeqCst) + 1;
                    most.fetch_max(n, Ordering::SeqCst);
                    std::thread::sleep(std::time::Duration::from_millis(50));
                    at_once.fetch_sub(1, Ordering::SeqCst);
                    Ok(())
                }))
            })
            .collect();
        let mut refused = 0;
        for j in jobs {
            match j.await.unwrap() {
                Ok(()) => {}
                Err(AppError::TooManyRequests(m)) => {
                    assert_eq!(m, "服务器繁忙，请稍后再试");
                    refused += 1;
                }
                Err(e) => panic!("unexpected {e:?}"),
            }
        }
        assert_eq!(refused, 8);
        assert_eq!(most.load(Ordering::SeqCst), 1, "never two jobs at once");
        assert_eq!(g.admitted.load(Ordering::Acquire), 0, "every slot returned");
    }
}

//! What reading a thread leaves behind: how far a member has read it.
//! Opening a thread's page only notes it in memory; positions are written
//! in batches (every half second by default, and when the server shuts
//! down gracefully), so a page view writes nothing to the database on the
//! request path. A crash loses at most the last batch. Pages this server
//! renders count in what it has not written yet, so reading on stays
//! consistent.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use platform::Db;

/// Read positions noted since the last batch, on this server.
#[derive(Default)]
pub struct ReadMarks {
    /// (account, thread) → the last post seq read.
    threads: Mutex<HashMap<(i64, i64), i64>>,
}

impl ReadMarks {
    pub fn new() -> Arc<ReadMarks> {
        Arc::new(ReadMarks::default())
    }

    /// Notes that `account` has read `thread` up to `seq` (never moves back).
    pub fn thread_read(&self, account: i64, thread: i64, seq: i64) {
        let mut t = self.threads.lock().expect("read marks lock");
        let at = t.entry((account, thread)).or_insert(seq);
        *at = (*at).max(seq);
    }

    /// How far `account` has read `thread` according to the marks not yet
    /// written (pages read right after each other must agree).
    pub fn thread_position(&self, account: i64, thread: i64) -> Option<i64> {
        self.threads
            .lock()
            .expect("read marks lock")
            .get(&(account, thread))
            .copied()
    }

    /// Writes every position noted so far, in one transaction. A position
    /// stays in memory until it is written (pages rendered meanwhile still
    /// count it), and one that moved on during the write stays for the
    /// next batch; on failure they are all kept.
    pub async fn flush(&self, db: &Db) {
        let rows: Vec<(i64, i64, i64)> = self
            .threads
            .lock()
            .expect("read marks lock")
            .iter()
            .map(|(&(a, t), &s)| (a, t, s))
            .collect();
        if rows.is_empty() {
            return;
        }
        let written = async {
            let mut tx = db.pool().begin().await?;
            for chunk in rows.chunks(super::queries::READS_PER_STATEMENT) {
                super::queries::mark_read_many(&mut *tx, chunk).await?;
            }
            tx.commit().await
        }
        .await;
        match written {
            Ok(()) => {
                let mut threads = self.threads.lock().expect("read marks lock");
                for (a, t, s) in rows {
                    if threads.get(&(a, t)) == Some(&s) {
                        threads.remove(&(a, t));
                    }
                }
            }
            Err(e) => {
                tracing::warn!(error = %e, "writing read positions failed; kept for the next batch")
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_only_move_forward() {
        let m = ReadMarks::default();
        assert_eq!(m.thread_position(1, 2), None);
        m.thread_read(1, 2, 20);
        m.thread_read(1, 2, 5);
        assert_eq!(m.thread_position(1, 2), Some(20));
        m.thread_read(1, 2, 40);
        assert_eq!(m.thread_position(1, 2), Some(40));
        assert_eq!(m.thread_position(2, 2), None);
    }
}

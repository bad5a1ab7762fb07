//! Sessions in the database (either backend), behind tower-sessions.
//!
//! The table keys sessions by a SHA-256 of the session id, so a copy of the
//! database does not hand out live cookies. Saving is skipped when nothing
//! changed and the expiry moved only a little, so that refreshing
//! the inactivity deadline does not write on every request. The store
//! remembers what it last read or wrote of each session, so such a save
//! sends no statement at all (a request always loads its session before
//! saving it, so what is remembered is what this request started from).
//! It compares the data as values, not as JSON text: the data is a hash
//! map, whose keys serialise in a different order from one request to
//! the next.
//!
//! Saving only ever updates a row that is still there: a session ended
//! elsewhere (sign-out, password reset, account stopped) is not brought
//! back by a request that loaded it just before. Rows are made only by
//! `create`, which tower-sessions calls for a session without a stored row.

use std::sync::Arc;

use async_trait::async_trait;
use platform::Db;
use sha2::{Digest, Sha256};
use time::OffsetDateTime;
use tower_sessions::session::{Id, Record};
use tower_sessions::session_store::{self, ExpiredDeletion, SessionStore};

/// A session's data as tower-sessions keeps it.
type Data = std::collections::HashMap<String, serde_json::Value>;

/// The session cookie's name.
pub const COOKIE: &str = "shuxiang_session";

#[derive(Clone)]
pub struct DbSessionStore {
    db: Db,
    /// An unchanged session is rewritten only when its expiry moved this
    /// many seconds or more.
    refresh_slack_secs: i64,
    /// Stored key → the data and expiry as last read or written here.
    known: Arc<quick_cache::sync::Cache<String, Stored>>,
}

impl std::fmt::Debug for DbSessionStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DbSessionStore")
            .field("refresh_slack_secs", &self.refresh_slack_secs)
            .finish_non_exhaustive()
    }
}

/// A session row as this server last saw it.
#[derive(Clone)]
struct Stored {
    data: Data,
    expires_at: i64,
}

/// Sessions remembered per server (a forgotten one costs one UPDATE).
const KNOWN_SESSIONS: usize = 50_000;

impl DbSessionStore {
    /// `idle` is the inactivity timeout; the deadline is refreshed in steps
    /// of at most a minute and at most a quarter of it.
    pub fn new(db: Db, idle: std::time::Duration) -> DbSessionStore {
        let quarter = i64::try_from(idle.as_secs() / 4).unwrap_or(i64::MAX);
        DbSessionStore {
            db,
            refresh_slack_secs: quarter.min(60),
            known: Arc::new(quick_cache::sync::Cache::new(KNOWN_SESSIONS)),
        }
    }

    fn remember(&self, key: String, data: &Data, expires_at: i64) {
        let data = data.clone();
        self.known.insert(key, Stored { data, expires_at });
    }

    /// Whether saving `data` with `expires_at` would change nothing worth
    /// a write, judged by what was last read or written here.
    fn unchanged(&self, key: &str, data: &Data, expires_at: i64) -> bool {
        self.known
            .get(key)
            .is_some_and(|s| &s.data == data && expires_at < s.expires_at + self.refresh_slack_secs)
    }
}

fn key(id: &Id) -> String {
    let digest = Sha256::digest(id.to_string().as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

fn backend(e: impl std::fmt::Display) -> session_store::Error {
    session_store::Error::Backend(e.to_string())
}

fn encode(record: &Record) -> session_store::Result<String> {
    serde_json::to_string(&record.data).map_err(|e| session_store::Error::Encode(e.to_string()))
}

#[async_trait]
impl SessionStore for DbSessionStore {
    async fn create(&self, record: &mut Record) -> session_store::Result<()> {
        let data = encode(record)?;
        // A 128-bit random id practically never collides; if it does, draw again.
        loop {
            let done = sqlx::query(
                "INSERT INTO session (id, data, expires_at) VALUES ($1, $2, $3) \
                 ON CONFLICT (id) DO NOTHING",
            )
            .bind(key(&record.id))
            .bind(&data)
            .bind(record.expiry_date.unix_timestamp())
            .execute(self.db.pool())
            .await
            .map_err(backend)?;
            if done.rows_affected() == 1 {
                self.remember(
                    key(&record.id),
                    &record.data,
                    record.expiry_date.unix_timestamp(),
                );
                return Ok(());
            }
            record.id = Id::default();
        }
    }

    async fn save(&self, record: &Record) -> session_store::Result<()> {
        let id = key(&record.id);
        let expires_at = record.expiry_date.unix_timestamp();
        if self.unchanged(&id, &record.data, expires_at) {
            return Ok(());
        }
        let data = encode(record)?;
        let done = sqlx::query(
            "UPDATE session SET data = $2, expires_at = $3 \
             WHERE id = $1 AND (data <> $2 OR expires_at < $3 - $4)",
        )
        .bind(&id)
        .bind(&data)
        .bind(expires_at)
        .bind(self.refresh_slack_secs)
        .execute(self.db.pool())
        .await
        .map_err(backend)?;
        if done.rows_affected() == 1 {
            self.remember(id, &record.data, expires_at);
        } else {
            // Gone (ended elsewhere) or unchanged in the row: read it afresh next time.
            self.known.remove(&id);
        }
        Ok(())
    }

    async fn load(&self, id: &Id) -> session_store::Result<Option<Record>> {
        let now = OffsetDateTime::now_utc().unix_timestamp();
        let row: Option<(String, i64)> = sqlx::query_as(
            "SELECT data, expires_at FROM session WHERE id = $1 AND expires_at > $2",
        )
        .bind(key(id))
        .bind(now)
        .fetch_optional(self.db.pool())
        .await
        .map_err(backend)?;
        let Some((raw, expires_at)) = row else {
            return Ok(None);
        };
        let data: Data =
            serde_json::from_str(&raw).map_err(|e| session_store::Error::Decode(e.to_string()))?;
        let expiry_date = OffsetDateTime::from_unix_timestamp(expires_at)
            .map_err(|e| session_store::Error::Decode(e.to_string()))?;
        self.remember(key(id), &data, expires_at);
        Ok(Some(Record {
            id: *id,
            data,
            expiry_date,
        }))
    }

    async fn delete(&self, id: &Id) -> session_store::Result<()> {
        let id = key(id);
        self.known.remove(&id);
        sqlx::query("DELETE FROM session WHERE id = $1")
            .bind(&id)
            .execute(self.db.pool())
            .await
            .map_err(backend)?;
        Ok(())
    }
}

#[async_trait]
impl ExpiredDeletion for DbSessionStore {
    async fn delete_expired(&self) -> session_store::Result<()> {
        let now = OffsetDateTime::now_utc().unix_timestamp();
        sqlx::query("DELETE FROM session WHERE expires_at <= $1")
            .bind(now)
            .execute(self.db.pool())
            .await
            .map_err(backend)?;
        Ok(())
    }
}

/// The number of live sessions (for tests and health checks).
pub async fn count_live(db: &Db) -> Result<i64, sqlx::Error> {
    let now = OffsetDateTime::now_utc().unix_timestamp();
    sqlx::query_scalar("SELECT COUNT(*) FROM session WHERE expires_at > $1")
        .bind(now)
        .fetch_one(db.pool())
        .await
}

//! The database handle: one `sqlx::AnyPool` over SQLite or PostgreSQL, chosen
//! by the URL at start-up. Queries are written once, in the SQL both accept:
//! `$1` placeholders, `BIGINT` integers, Unix-second timestamps, text.

use std::str::FromStr;
use std::time::Duration;

use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{AnyPool, ConnectOptions, Executor};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    pub fn from_url(url: &str) -> Option<Backend> {
        if url.starts_with("sqlite:") {
            Some(Backend::Sqlite)
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            Some(Backend::Postgres)
        } else {
            None
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        }
    }
}

#[derive(Clone)]
pub struct Db {
    pool: AnyPool,
    backend: Backend,
    /// The connection URL (it may hold a password): for PostgreSQL's
    /// LISTEN connection only; never logged or shown.
    url: std::sync::Arc<str>,
}

impl std::fmt::Debug for Db {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Db")
            .field("backend", &self.backend)
            .finish_non_exhaustive()
    }
}

impl Db {
    /// Opens a pool. SQLite files are created when missing and run in WAL
    /// mode so readers never wait for the writer.
    pub async fn connect(url: &str, max_connections: u32) -> Result<Db, sqlx::Error> {
        sqlx::any::install_default_drivers();
        let backend = Backend::from_url(url).ok_or_else(|| {
            sqlx::Error::Configuration("DATABASE_URL must start with sqlite: or postgres:".into())
        })?;
        let given: std::sync::Arc<str> = url.into();
        let url = match backend {
            Backend::Sqlite if !url.contains("mode=") => {
                let sep = if url.contains('?') { '&' } else { '?' };
                format!("{url}{sep}mode=rwc")
            }
            _ => url.to_owned(),
        };
        // Statements are logged at debug level only; bound values never are.
        let options = AnyConnectOptions::from_str(&url)?
            .log_statements(tracing::log::LevelFilter::Debug)
            .log_slow_statements(tracing::log::LevelFilter::Warn, Duration::from_secs(1));
        let pool = AnyPoolOptions::new()
            .max_connections(max_connections)
            .acquire_timeout(Duration::from_secs(10))
            // A SQLite connection lives in this process and cannot drop
            // away; testing it before each use is a round trip to its
            // worker thread, which doubled the thread wake-ups per query.
            // A PostgreSQL one can (a restart, the network): tested.
            .test_before_acquire(backend != Backend::Sqlite)
            .after_connect(move |conn, _meta| {
                Box::pin(async move {
                    if backend == Backend::Sqlite {
                        conn.execute(
                            "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; \
                             PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 10000;",
                        )
                        .await?;
                    }
                    Ok(())
                })
            })
            .connect_with(options)
            .await?;
        Ok(Db {
            pool,
            backend,
            url: given,
        })
    }

    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// The URL the pool was opened with (holds the password, if any).
    pub fn url(&self) -> &str {
        &self.url
    }

    /// Closes the pool; on SQLite first folds the write-ahead log back into
    /// the database file so the file alone is complete.
    ///
    /// Waits at most 10 s for connections still in use to come back, so a
    /// leaked connection cannot hold up shutdown; returns whether all did.
    pub async fn close(&self) -> bool {
        if self.backend == Backend::Sqlite
            && let Err(e) = sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
                .execute(&self.pool)
                .await
        {
            tracing::warn!(error = %e, "WAL checkpoint at shutdown failed");
        }
        let closed = tokio::time::timeout(Duration::from_secs(10), self.pool.close())
            .await
            .is_ok();
        if !closed {
            tracing::warn!(
                in_use = self.pool.size(),
                "database pool closed with connections still in use"
            );
        }
        closed
    }
}

/// Anything a query can run on: the pool, a connection or a transaction.
pub trait Exec<'c>: sqlx::Executor<'c, Database = sqlx::Any> {}
impl<'c, T: sqlx::Executor<'c, Database = sqlx::Any>> Exec<'c> for T {}

/// `%search%` for `LIKE … ESCAPE '\'`, with the wildcards in `search` taken literally.
pub fn like_pattern(search: &str) -> String {
    let mut p = String::with_capacity(search.len() + 2);
    p.push('%');
    for c in search.trim().chars() {
        if matches!(c, '%' | '_' | '\\') {
            p.push('\\');
        }
        p.push(c);
    }
    p.push('%');
    p
}

/// Column types read from an integer column into a `bool` field
/// (`#[sqlx(try_from = "…")]`).
macro_rules! integer_column {
    ($name:ident) => {
        impl sqlx::Type<sqlx::Any> for $name {
            fn type_info() -> sqlx::any::AnyTypeInfo {
                <i64 as sqlx::Type<sqlx::Any>>::type_info()
            }

            fn compatible(ty: &sqlx::any::AnyTypeInfo) -> bool {
                <i64 as sqlx::Type<sqlx::Any>>::compatible(ty)
            }
        }

        impl From<$name> for bool {
            fn from(value: $name) -> bool {
                value.0
            }
        }
    };
}

/// A yes/no column, stored as 0/1 on both backends: read it as `Flag` in
/// a row struct (`#[sqlx(try_from = "Flag")] pinned: bool`) instead of
/// comparing an integer with 0.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Flag(pub bool);

impl<'r> sqlx::Decode<'r, sqlx::Any> for Flag {
    fn decode(value: sqlx::any::AnyValueRef<'r>) -> Result<Self, sqlx::error::BoxDynError> {
        Ok(Flag(
            <i64 as sqlx::Decode<'r, sqlx::Any>>::decode(value)? != 0,
        ))
    }
}

/// A nullable timestamp read as "is it set" (`deleted_at`, `hidden_at`):
/// `#[sqlx(rename = "deleted_at", try_from = "IsSet")] deleted: bool`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IsSet(pub bool);

impl<'r> sqlx::Decode<'r, sqlx::Any> for IsSet {
    fn decode(value: sqlx::any::AnyValueRef<'r>) -> Result<Self, sqlx::error::BoxDynError> {
        Ok(IsSet(
            <Option<i64> as sqlx::Decode<'r, sqlx::Any>>::decode(value)?.is_some(),
        ))
    }
}

integer_column!(Flag);
integer_column!(IsSet);

/// The answer of a `SELECT COUNT(*) …` with one id bound as `$1`.
pub async fn count_of<'c>(e: impl Exec<'c>, sql: &str, id: i64) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(sql).bind(id).fetch_one(e).await
}

/// Takes a person's account row lock for the rest of the transaction, so
/// that what one person sends at the same moment (posts, questions,
/// registrations) is counted one after another, on both backends.
pub async fn lock_account(
    conn: &mut sqlx::AnyConnection,
    account_id: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE account SET id = id WHERE id = $1")
        .bind(account_id)
        .execute(conn)
        .await?;
    Ok(())
}

/// Sends a PostgreSQL notification to the servers listening on `channel`.
pub async fn notify(pool: &AnyPool, channel: &str, payload: &str) -> Result<(), sqlx::Error> {
    sqlx::query("SELECT pg_notify($1, $2)")
        .bind(channel)
        .bind(payload)
        .execute(pool)
        .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::like_pattern;

    #[test]
    fn like_wildcards_are_literal() {
        assert_eq!(like_pattern("a_b%"), "%a\\_b\\%%");
        assert_eq!(like_pattern(" 张 "), "%张%");
    }
}

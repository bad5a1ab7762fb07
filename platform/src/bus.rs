//! News between the server nodes: one PostgreSQL LISTEN connection per
//! server, shared by every feature that tells the others something (the
//! page cache's "my pages changed", the live hub's counts and questions).
//! A feature registers a handler for its channel with [`Bus::on`] and sends
//! with [`Bus::send`]. On SQLite there is one server, so sending does
//! nothing and nothing listens.
//!
//! Notes sent while a server was not listening are lost: when the
//! connection is (re)made, every handler hears [`Heard::Missed`] and
//! reloads what the notes could have changed.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::db::{Backend, Db};
use crate::tasks::Tasks;

/// What a channel's handler is told.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Heard<'a> {
    /// A note on the channel (from any server, this one included).
    Note(&'a str),
    /// Notes may have been lost (the connection was made afresh).
    Missed,
}

type Handler = Arc<dyn Fn(Heard<'_>) + Send + Sync>;

/// This server's end of the bus.
pub struct Bus {
    db: Db,
    node: String,
    handlers: Mutex<Vec<(&'static str, Handler)>>,
}

impl Bus {
    pub fn new(db: Db) -> Arc<Bus> {
        Arc::new(Bus {
            db,
            node: crate::random_token(),
            handlers: Mutex::new(Vec::new()),
        })
    }

    /// This server's name on the bus, for notes that must not be acted on
    /// by their sender.
    pub fn node(&self) -> &str {
        &self.node
    }

    /// Calls `handler` with every note on `channel`. Register before
    /// [`Bus::start`].
    pub fn on(&self, channel: &'static str, handler: impl Fn(Heard<'_>) + Send + Sync + 'static) {
        self.handlers
            .lock()
            .expect("bus handlers lock")
            .push((channel, Arc::new(handler)));
    }

    /// Tells every server (PostgreSQL only). Returns once the note is sent;
    /// a failure is logged, not returned: the others still catch up through
    /// their caches' time-to-live.
    pub async fn send(&self, channel: &str, payload: &str) {
        if self.db.backend() != Backend::Postgres {
            return;
        }
        if let Err(e) = crate::db::notify(self.db.pool(), channel, payload).await {
            tracing::warn!(error = %e, channel, "notify failed");
        }
    }

    /// Starts listening on `tasks` (PostgreSQL only), until they stop.
    pub fn start(self: &Arc<Self>, tasks: &mut Tasks) {
        if self.db.backend() == Backend::Postgres {
            tasks.spawn(Arc::clone(self).listen());
        }
    }

    fn handlers(&self) -> Vec<(&'static str, Handler)> {
        self.handlers.lock().expect("bus handlers lock").clone()
    }

    fn missed(&self) {
        for (_, handler) in self.handlers() {
            handler(Heard::Missed);
        }
    }

    fn heard(&self, channel: &str, payload: &str) {
        for (_, handler) in self.handlers().iter().filter(|(c, _)| *c == channel) {
            handler(Heard::Note(payload));
        }
    }

    /// Listens, reconnecting when the connection drops.
    async fn listen(self: Arc<Self>) {
        loop {
            match self.listener().await {
                Ok(mut listener) => {
                    let mut channels: Vec<&str> = self.handlers().iter().map(|(c, _)| *c).collect();
                    channels.sort_unstable();
                    channels.dedup();
                    if let Err(e) = listener.listen_all(channels).await {
                        tracing::warn!(error = %e, "LISTEN failed");
                    } else {
                        self.missed();
                        loop {
                            match listener.try_recv().await {
                                Ok(Some(n)) => self.heard(n.channel(), n.payload()),
                                // The connection dropped and sqlx made a new one.
                                Ok(None) => {
                                    tracing::warn!("bus listener reconnected");
                                    self.missed();
                                }
                                Err(e) => {
                                    tracing::warn!(error = %e, "bus listener lost its connection");
                                    break;
                                }
                            }
                        }
                    }
                }
                Err(e) => tracing::warn!(error = %e, "bus listener could not connect"),
            }
            tokio::time::sleep(Duration::from_secs(1)).await;
        }
    }

    /// The LISTEN connection, on a pool of its own whose short acquire
    /// timeout keeps sqlx's reconnection back-off (a fifth of it) near a
    /// second: after a database restart, servers hear each other again soon
    /// after the database is back.
    async fn listener(&self) -> Result<sqlx::postgres::PgListener, sqlx::Error> {
        let pool = sqlx::postgres::PgPoolOptions::new()
            .max_connections(1)
            .acquire_timeout(Duration::from_secs(5))
            .max_lifetime(None)
            .idle_timeout(None)
            .connect_lazy(self.db.url())?;
        sqlx::postgres::PgListener::connect_with(&pool).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    #[tokio::test]
    async fn handlers_hear_their_channel_and_every_miss() {
        let db = Db::connect("sqlite::memory:", 1).await.expect("db");
        let bus = Bus::new(db);
        let (a, b) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
        bus.on("a", {
            let a = Arc::clone(&a);
            move |_| {
                a.fetch_add(1, Ordering::Relaxed);
            }
        });
        bus.on("b", {
            let b = Arc::clone(&b);
            move |_| {
                b.fetch_add(1, Ordering::Relaxed);
            }
        });
        bus.heard("a", "x");
        assert_eq!(
            (a.load(Ordering::Relaxed), b.load(Ordering::Relaxed)),
            (1, 0)
        );
        bus.missed();
        assert_eq!(
            (a.load(Ordering::Relaxed), b.load(Ordering::Relaxed)),
            (2, 1)
        );
        // Off PostgreSQL a note goes nowhere and fails nothing.
        bus.send("a", "x").await;
        assert_eq!(a.load(Ordering::Relaxed), 2);
    }
}

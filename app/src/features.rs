//! How the features plug into the server, in one place: the state they keep
//! for the life of the server and its background tasks ([`start`]), and
//! their plain axum routes and layers ([`mount`]). The server calls these
//! two and names no feature; `platform` knows none.

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use platform::bus::Bus;
use platform::freshness::Pages;
use platform::tasks::Tasks;
use platform::{AppContext, Db, Features};
use tower_http::limit::RequestBodyLimitLayer;

use crate::lectures::live::LiveHub;
use crate::site::cache::SiteCache;
use crate::stats::cache::StatsCache;
use crate::threads::reads::ReadMarks;

/// What the features keep in memory while the server runs, and what must be
/// written out when it stops.
pub struct Started {
    /// The generation of visitors' pages, kept in step on every server.
    pub pages: Arc<Pages>,
    /// Live counts and questions of the watch pages on this server.
    pub live: Arc<LiveHub>,
    /// Read positions, written in batches.
    pub reads: Arc<ReadMarks>,
    stats: Arc<StatsCache>,
    site: Arc<SiteCache>,
}

/// Builds every feature's state and starts its background tasks on `tasks`
/// (all stopped together at shutdown). `batch_every` is how often counted
/// views and read positions are written.
pub fn start(db: &Db, tasks: &mut Tasks, batch_every: Duration) -> Started {
    let bus = Bus::new(db.clone());
    let pages = Pages::new(&bus);
    let live = LiveHub::new(db.clone(), &bus, batch_every);
    live.start(tasks);
    bus.start(tasks);
    let reads = ReadMarks::new();
    tasks.every(batch_every, {
        let (reads, db) = (Arc::clone(&reads), db.clone());
        move || {
            let (reads, db) = (Arc::clone(&reads), db.clone());
            async move { reads.flush(&db).await }
        }
    });
    tasks.every(crate::search::queries::index::EVERY, {
        let db = db.clone();
        move || {
            let db = db.clone();
            async move { crate::search::queries::index::index_queued(&db).await }
        }
    });
    Started {
        pages,
        live,
        reads,
        stats: Arc::default(),
        site: Arc::default(),
    }
}

impl Started {
    /// The features' state for the [`AppContext`], found there by type.
    pub fn features(&self) -> Features {
        let mut features = Features::default();
        features
            .insert(Arc::clone(&self.live))
            .insert(Arc::clone(&self.pages))
            .insert(Arc::clone(&self.reads))
            .insert(Arc::clone(&self.stats))
            .insert(Arc::clone(&self.site));
        features
    }

    /// The server stops taking requests: live channels end, so their pages
    /// reconnect to another server.
    pub fn closing(&self) {
        self.live.close();
    }

    /// After the last request: what is counted but not written yet.
    pub async fn flush(&self, db: &Db) {
        self.live.flush().await;
        self.reads.flush(db).await;
    }
}

/// The pages with every feature's plain routes (files, feeds, downloads,
/// live streams) merged in. Ordinary requests are held to `body_limit`;
/// uploads carry their own, larger limits.
pub fn mount(pages: Router, ctx: AppContext, body_limit: usize) -> Router {
    pages
        .merge(crate::books::routes::router(ctx.clone()))
        .merge(crate::threads::routes::router(ctx.clone()))
        .merge(crate::progress::export::router(ctx.clone()))
        .merge(crate::lectures::routes::router(ctx.clone()))
        .merge(crate::stats::csv::router(ctx.clone()))
        .merge(crate::admin::export::router(ctx.clone()))
        .layer(RequestBodyLimitLayer::new(body_limit))
        .merge(crate::books::routes::upload_router(ctx.clone()))
        .merge(crate::lectures::routes::upload_router(ctx.clone()))
        // `/lectures/{slug}.ics` shares its first segments with the
        // lecture page, which axum cannot route apart.
        .layer(axum::middleware::from_fn_with_state(
            ctx,
            crate::lectures::routes::ics_suffix,
        ))
}

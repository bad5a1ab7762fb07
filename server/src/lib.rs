//! The 书香 server: configuration, database, sessions, the Leptos routes
//! and the endpoints that are not pages, and graceful shutdown.

pub mod config;
pub mod db;
pub mod demo;
pub mod files;
pub mod http;
pub mod organiser;
pub mod sessions;
pub mod telemetry;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use app::features::Started;
use app::{App, shell};
use axum::Router;
use axum::extract::FromRef;
use axum::routing::get;
use leptos::prelude::*;
use leptos_axum::{LeptosRoutes, generate_route_list};
use platform::tasks::Tasks;
use platform::{AppContext, Db};
use tokio::net::TcpListener;
use tokio::sync::watch;
use tower::ServiceBuilder;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::compression::CompressionLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::services::ServeDir;
use tower_http::trace::TraceLayer;
use tower_sessions::cookie::{Key, SameSite};
use tower_sessions::session_store::ExpiredDeletion;
use tower_sessions::{Expiry, SessionManagerLayer};

pub use config::{Config, Mode};

pub type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// Largest request body accepted (forms; uploads get their own limits).
const BODY_LIMIT: usize = 1024 * 1024;
/// How long shutdown waits for requests in flight before giving up on them.
const DRAIN_TIMEOUT: Duration = Duration::from_secs(20);

/// State for the axum handlers that are not Leptos pages.
#[derive(Clone, FromRef)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub db: Db,
}

/// Opens the database, loads demo data if asked, and refuses production
/// set-ups that would be unsafe.
pub async fn prepare_database(config: &Config) -> Result<Db, BoxError> {
    // The data directory may hold the database and the development key.
    if config.data_dir.exists() {
        files::private_dir(&config.data_dir)?;
    }
    let db = db::open(&config.database_url, config.db_max_connections).await?;
    if config.mode == Mode::Production && demo::is_seeded(&db).await? {
        db.close().await;
        return Err(
            "this database holds demo data (demo accounts with published passwords); \
                    production refuses to serve it: use a fresh database"
                .into(),
        );
    }
    if config.demo {
        if demo::seed(&db).await? {
            tracing::info!("demo data loaded");
        }
        demo::lectures::keep_live(&db, platform::now()).await?;
    }
    Ok(db)
}

/// The whole application as one axum router.
pub fn router(config: &Config, db: Db, started: &Started) -> Router {
    let settings = Arc::new(config.settings());
    let page_cache = Arc::new(http::page_cache::PageCache::new(
        http::page_cache::Limits {
            ttl: Duration::from_secs(config.page_cache_secs),
            max_bytes: config.page_cache_mb.saturating_mul(1024 * 1024),
        },
        Arc::clone(&started.pages),
        settings.viewer_key.clone(),
        config.secure_cookies,
    ));
    let context = AppContext::new(db.clone(), settings, started.features());
    let provide = {
        let context = context.clone();
        move || {
            provide_context(context.clone());
            provide_context(app::accounts::session::UserMemo::default());
            platform::csp::provide_request_nonce();
        }
    };
    let leptos_options = config.leptos.clone();
    let state = AppState {
        leptos_options: leptos_options.clone(),
        db: db.clone(),
    };

    let sessions = SessionManagerLayer::new(sessions::DbSessionStore::new(db, config.session_idle))
        .with_name(sessions::COOKIE)
        .with_http_only(true)
        .with_same_site(SameSite::Lax)
        .with_secure(config.secure_cookies)
        .with_path("/")
        .with_always_save(true)
        .with_expiry(Expiry::OnInactivity(
            time::Duration::try_from(config.session_idle).unwrap_or(time::Duration::days(14)),
        ))
        .with_signed(session_key(config));

    let site_root = leptos_options.site_root.to_string();
    let pkg_dir = std::path::Path::new(&site_root).join(&*leptos_options.site_pkg_dir);
    let bundle = ServeDir::new(pkg_dir)
        .precompressed_br()
        .precompressed_gzip();
    let csrf = Arc::new(http::csrf::CsrfPolicy {
        trusted_origins: config.allowed_origins.clone(),
    });
    let cache = http::headers::CachePolicy {
        hashed_assets: leptos_options.hash_files,
        hsts: config.mode == Mode::Production,
    };

    let routes = generate_route_list(App);
    let leptos_part = Router::new()
        .leptos_routes_with_context(&state, routes, provide.clone(), {
            let options = leptos_options.clone();
            move || shell(options.clone())
        })
        .fallback(leptos_axum::file_and_error_handler_with_context::<
            AppState,
            _,
        >(provide, shell))
        .with_state(state.clone())
        .layer(axum::middleware::from_fn(http::complete::layer))
        .layer(axum::middleware::from_fn(http::page_csp::layer));
    let pages = Router::new()
        .route("/healthz", get(http::health::healthz))
        .nest_service("/pkg", bundle)
        .with_state(state)
        .merge(leptos_part);
    app::features::mount(pages, context, BODY_LIMIT)
        .layer(axum::middleware::from_fn_with_state(
            http::form_errors::FormErrorPolicy {
                secure_cookies: config.secure_cookies,
            },
            http::form_errors::guard,
        ))
        .layer(axum::middleware::from_fn_with_state(
            csrf,
            http::csrf::guard,
        ))
        .layer(sessions)
        // Outside the session layer: a cache hit does no session work.
        .layer(axum::middleware::from_fn_with_state(
            page_cache,
            http::page_cache::layer,
        ))
        .layer(
            ServiceBuilder::new()
                .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid))
                .layer(
                    TraceLayer::new_for_http()
                        .make_span_with(http::trace::make_span)
                        .on_response(http::trace::on_response),
                )
                .layer(PropagateRequestIdLayer::x_request_id())
                .layer(CatchPanicLayer::custom(http::panic_page))
                .layer(axum::middleware::from_fn_with_state(
                    cache,
                    http::headers::set,
                ))
                .layer(CompressionLayer::new()),
        )
}

/// The cookie-signing key, derived from the configured secret (SHA-512
/// stretches any accepted secret to the 64 bytes the key needs).
fn session_key(config: &Config) -> Key {
    use sha2::{Digest, Sha512};
    let digest = Sha512::digest(config.session_secret.expose().as_bytes());
    Key::from(&digest)
}

/// A running server.
pub struct Running {
    pub addr: SocketAddr,
    pub db: Db,
    /// What the features keep in memory (the live hub, read positions).
    pub features: Arc<Started>,
    stop: watch::Sender<bool>,
    task: tokio::task::JoinHandle<()>,
}

impl Running {
    /// Stops accepting, lets requests in flight finish, closes the database.
    pub async fn shutdown(self) {
        let _ = self.stop.send(true);
        let _ = self.task.await;
    }

    /// Waits until the server has stopped (after a signal).
    pub async fn wait(self) {
        let _ = self.task.await;
    }
}

/// Binds `config.addr` (port 0 picks a free port) and serves until
/// `shutdown` resolves or `Running::shutdown` is called.
pub async fn start(
    config: &Config,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> Result<Running, BoxError> {
    app::accounts::password::warm_up();
    let db = prepare_database(config).await?;
    let listener = listen(config.addr)?;
    let addr = listener.local_addr()?;
    // Every background task is started here and stopped together after
    // the last request.
    let mut tasks = Tasks::new();
    let started = Arc::new(app::features::start(
        &db,
        &mut tasks,
        config.write_batch_every,
    ));
    let app = router(config, db.clone(), &started);

    let (stop, mut stopped) = watch::channel(false);
    let chores = Arc::new(Housekeeping {
        sessions: sessions::DbSessionStore::new(db.clone(), config.session_idle),
        db: db.clone(),
        login_window_secs: config.login_limits.window_secs,
        rate_window_secs: config.register_limits.window_secs.max(24 * 3600),
    });
    tasks.every(HOUSEKEEPING_EVERY, move || {
        let chores = Arc::clone(&chores);
        async move { chores.run().await }
    });
    let serve_db = db.clone();
    let stop_tx = stop.clone();
    tokio::spawn(async move {
        shutdown.await;
        let _ = stop_tx.send(true);
    });

    let running = Arc::clone(&started);
    let task = tokio::spawn(async move {
        use axum::serve::ListenerExt;
        // axum does not set TCP_NODELAY; without it small responses wait ~40 ms.
        let listener = listener.tap_io(|tcp| {
            let _ = tcp.set_nodelay(true);
        });
        let mut stop_signal = stopped.clone();
        let closing = Arc::clone(&started);
        let server = axum::serve(
            listener,
            app.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .with_graceful_shutdown(async move {
            let _ = stop_signal.wait_for(|s| *s).await;
            tracing::info!("shutting down: finishing requests in flight");
            closing.closing();
        });
        let drained = async {
            let _ = stopped.wait_for(|s| *s).await;
            tokio::time::sleep(DRAIN_TIMEOUT).await;
        };
        tokio::select! {
            r = server => if let Err(e) = r { tracing::error!(error = %e, "server error") },
            _ = drained => tracing::warn!("shutdown: requests still open after {DRAIN_TIMEOUT:?}, closing"),
        }
        tasks.stop().await;
        started.flush(&serve_db).await;
        serve_db.close().await;
        tracing::info!("stopped; database closed");
    });

    Ok(Running {
        addr,
        db,
        features: running,
        stop,
        task,
    })
}

/// Connections waiting to be accepted: a watch page opened by many people
/// at once (the lecture hall) must not find the queue full (the default is 128).
const LISTEN_BACKLOG: u32 = 4096;

fn listen(addr: SocketAddr) -> std::io::Result<TcpListener> {
    let socket = if addr.is_ipv4() {
        tokio::net::TcpSocket::new_v4()?
    } else {
        tokio::net::TcpSocket::new_v6()?
    };
    socket.set_reuseaddr(true)?;
    socket.bind(addr)?;
    socket.listen(LISTEN_BACKLOG)
}

/// How often [`Housekeeping`] runs.
const HOUSEKEEPING_EVERY: Duration = Duration::from_secs(15 * 60);

/// Periodic clean-up shared by all nodes: expired sessions, old sign-in
/// failures and old rate-limit records.
struct Housekeeping {
    sessions: sessions::DbSessionStore,
    db: Db,
    login_window_secs: i64,
    rate_window_secs: i64,
}

impl Housekeeping {
    async fn run(&self) {
        if let Err(e) = self.sessions.delete_expired().await {
            tracing::warn!(error = %e, "expired session clean-up failed");
        }
        let before = platform::now() - self.login_window_secs;
        if let Err(e) = app::accounts::queries::throttle::prune(self.db.pool(), before).await {
            tracing::warn!(error = %e, "sign-in failure clean-up failed");
        }
        let old = platform::now() - self.rate_window_secs;
        if let Err(e) = platform::rate::prune(self.db.pool(), old).await {
            tracing::warn!(error = %e, "rate-limit clean-up failed");
        }
    }
}

/// Resolves on SIGINT or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
}

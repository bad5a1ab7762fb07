//! Logging set-up: human-readable by default, JSON lines with
//! `SHUXIANG_LOG_FORMAT=json`; the filter comes from `SHUXIANG_LOG` or
//! `RUST_LOG`.

use tracing_subscriber::EnvFilter;
pub use tracing_subscriber::fmt::MakeWriter;

/// Quiet by default for crates whose debug output could include request data.
const DEFAULT_FILTER: &str =
    "info,sqlx=warn,tower_sessions=warn,tower_sessions_core=warn,hyper=warn";

pub fn init(json: bool) {
    let filter = std::env::var("SHUXIANG_LOG")
        .or_else(|_| std::env::var("RUST_LOG"))
        .ok()
        .and_then(|f| EnvFilter::try_new(f).ok())
        .unwrap_or_else(|| EnvFilter::new(DEFAULT_FILTER));
    init_with(json, filter, std::io::stderr);
}

/// Installs the subscriber with the default filter, writing to `writer`
/// (tests read back what was logged).
pub fn init_default_with<W>(json: bool, writer: W)
where
    W: for<'a> tracing_subscriber::fmt::MakeWriter<'a> + Send + Sync + 'static,
{
    init_with(json, EnvFilter::new(DEFAULT_FILTER), writer);
}

fn init_with<W>(json: bool, filter: EnvFilter, writer: W)
where
    W: for<'a> tracing_subscriber::fmt::MakeWriter<'a> + Send + Sync + 'static,
{
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_target(false)
        .with_writer(writer);
    let _ = if json {
        builder
            .json()
            .flatten_event(true)
            .with_current_span(true)
            .try_init()
    } else {
        builder.try_init()
    };
}

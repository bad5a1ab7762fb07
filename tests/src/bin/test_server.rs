//! The server as a process of its own, for tests that kill it with SIGKILL
//! (tests/tests/suite/faults.rs) and for `bench_mixed`, which loads it from
//! outside. Configured from the environment exactly as the `shuxiang`
//! binary is (`DATABASE_URL`, `LEPTOS_SITE_ADDR`, `SHUXIANG_*`).
//!
//! Prints `listening <address>` on stdout once it accepts connections (so
//! `LEPTOS_SITE_ADDR=127.0.0.1:0` works), and stops gracefully on SIGINT,
//! SIGTERM or when its stdin closes: a test that dies leaves no server
//! behind.

use std::io::Write;

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    if let Err(e) = runtime.block_on(serve()) {
        eprintln!("test_server: {e}");
        std::process::exit(1);
    }
}

async fn serve() -> Result<(), server::BoxError> {
    let config = server::Config::from_env()?;
    server::telemetry::init(config.log_json);
    let stdin_closed = tokio::task::spawn_blocking(|| {
        let _ = std::io::copy(&mut std::io::stdin(), &mut std::io::sink());
    });
    let shutdown = async move {
        tokio::select! {
            _ = server::shutdown_signal() => {},
            _ = stdin_closed => {},
        }
    };
    let running = server::start(&config, shutdown).await?;
    let mut out = std::io::stdout().lock();
    writeln!(out, "listening {}", running.addr)?;
    out.flush()?;
    drop(out);
    running.wait().await;
    Ok(())
}

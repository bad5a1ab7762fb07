//! `make bench`: the live side of the lecture hall under load.
//!
//! 1. Views. One published session; many concurrent clients open its live
//!    channel (`GET /lectures/{slug}/live`, Server-Sent Events), each
//!    reading until the first `counts` event and then closing, with a
//!    viewer cookie from a pool of 1,000 (each handed out by the watch
//!    page, as browsers get theirs), until exactly 1,000,000 opens
//!    (`SHUXIANG_BENCH_VIEWS` changes the number). The server runs in this
//!    process, as in `bench_threads`; after the last open its view counts
//!    are flushed and `lecture.views` must equal the number of opens. All
//!    clients share one address, so its configuration lifts the per-address
//!    limits of the live channel and counts every open as a view (no view
//!    window). On SQLite and, when `SHUXIANG_TEST_PG_URL` is set,
//!    PostgreSQL. Fails (exit code 1) when a view is lost or counted twice.
//!
//! 2. Connections. The server in a process of its own (this binary with
//!    the argument `serve`, configured from the environment as the
//!    `shuxiang` binary is, with the per-address limits raised) on SQLite;
//!    10,000 live channels of one browser (one viewer cookie from the
//!    page) held open at once (`SHUXIANG_BENCH_CONNECTIONS`). Prints the server's resident
//!    memory before and with them open, per connection, and how long a
//!    change of the counts takes to reach every connection: one more
//!    watcher, then a registration over the HTTP API. Targets: under 1 GiB
//!    in all and under 2 seconds; these are printed, not enforced.
//!
//! The clients are minimal HTTP/1.1 clients on raw TCP: a live channel
//! never ends, so no connection could be reused anyway. They close with a
//! reset (zero linger) so that a million closed connections do not leave a
//! million client ports in TIME_WAIT on this machine.
//!
//! `SHUXIANG_BENCH_ONLY=views` or `=connections` runs one of the two.

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use app::accounts::Role;
use app::lectures::LiveCounts;
use platform::Db;
use shuxiang_tests::{Backend, TestDb};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::sync::{Semaphore, mpsc};

const SLUG: &str = "bench-live";
const PW: &str = "bench-password-123";
/// Opens of the live channel in the views benchmark (default).
const VIEWS: u64 = 1_000_000;
/// Clients opening the live channel at the same time.
const CLIENTS: usize = 256;
/// Viewer ids (browsers) the clients take turns with.
const VIEWER_POOL: u64 = 1_000;
/// Live connections held open at once (default).
const CONNECTIONS: usize = 10_000;
/// Connections being opened at once: well under the server's listen
/// backlog, beyond which connections wait for a SYN retransmission (1 s)
/// when the server is slow to accept.
const OPENING: usize = 100;
/// The targets of the connections benchmark.
const MEMORY_TARGET_KIB: u64 = 1024 * 1024;
const DELAY_TARGET: Duration = Duration::from_secs(2);
/// How long any one wait of the connections benchmark may take.
const WAIT_LIMIT: Duration = Duration::from_secs(120);

fn main() {
    if std::env::args().nth(1).as_deref() == Some("serve") {
        serve();
    }
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let ok = rt.block_on(run());
    if !ok {
        std::process::exit(1);
    }
}

async fn run() -> bool {
    let only = std::env::var("SHUXIANG_BENCH_ONLY").unwrap_or_default();
    let views: u64 = number("SHUXIANG_BENCH_VIEWS", VIEWS);
    let connections: usize = number("SHUXIANG_BENCH_CONNECTIONS", CONNECTIONS);
    println!("书香 · 讲堂直播基准 / lecture hall live benchmark");
    let mut ok = true;
    if only.is_empty() || only == "views" {
        println!(
            "\n# 1. views: {} opens of GET /lectures/{SLUG}/live from {CLIENTS} concurrent clients \
             (viewer ids from a pool of {}); each reads until its first `counts` event, then \
             closes.\n#    The server runs in this process (2 worker threads, shared with the \
             clients).",
            thousands(views),
            thousands(VIEWER_POOL)
        );
        ok &= bench_views(Backend::Sqlite, views).await;
        if std::env::var_os("SHUXIANG_TEST_PG_URL").is_some() {
            ok &= bench_views(Backend::Postgres, views).await;
        } else {
            println!(
                "\n== views · PostgreSQL: skipped (SHUXIANG_TEST_PG_URL is not set; `make bench` \
                 starts PostgreSQL and sets it) =="
            );
        }
    }
    if only.is_empty() || only == "connections" {
        println!(
            "\n# 2. connections: {} live channels of one session held open at once; the server \
             in its own process (SQLite).",
            thousands(connections as u64)
        );
        ok &= bench_connections(connections).await;
    }
    ok
}

fn number<T: std::str::FromStr>(name: &str, default: T) -> T {
    match std::env::var(name) {
        Ok(v) if !v.trim().is_empty() => v
            .trim()
            .replace(['_', ','], "")
            .parse()
            .unwrap_or_else(|_| panic!("{name} must be a number, not {v:?}")),
        _ => default,
    }
}

// ---------------------------------------------------------------------------
// The session.

/// Creates an organiser, a reader (`bench-reader`) and one published
/// session, live now; returns the session's id.
async fn seed(db: &Db) -> i64 {
    let hash = app::accounts::password::hash(PW.to_owned())
        .await
        .expect("hash");
    let now = platform::now();
    let owner = app::accounts::queries::insert(
        db.pool(),
        "bench-organiser",
        "基准测试管理员",
        &hash,
        Role::Organiser,
        now,
    )
    .await
    .expect("insert organiser");
    app::accounts::queries::insert(
        db.pool(),
        "bench-reader",
        "基准测试读者",
        &hash,
        Role::Reader,
        now,
    )
    .await
    .expect("insert reader");
    shuxiang_tests::live_lecture(db, owner, SLUG).await
}

// ---------------------------------------------------------------------------
// A minimal client of the live channel.

fn live_request(addr: SocketAddr, viewer: &str) -> Vec<u8> {
    format!(
        "GET /lectures/{SLUG}/live HTTP/1.1\r\nHost: {addr}\r\nAccept: text/event-stream\r\n\
         Cache-Control: no-cache\r\nCookie: shuxiang_viewer={viewer}\r\n\r\n"
    )
    .into_bytes()
}

/// `n` viewer cookies as browsers get them: each from a visit of the
/// watch page (the live channel counts only cookies the site signed).
async fn viewer_cookies(addr: SocketAddr, n: u64) -> Result<Vec<String>, String> {
    let web = reqwest::Client::new();
    let mut cookies = Vec::new();
    for _ in 0..n {
        let res = web
            .get(format!("http://{addr}/lectures/{SLUG}"))
            .send()
            .await
            .map_err(|e| format!("the watch page: {e}"))?;
        let cookie = res
            .headers()
            .get_all("set-cookie")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find_map(|v| v.strip_prefix("shuxiang_viewer="))
            .and_then(|v| v.split(';').next())
            .ok_or("the watch page gave no viewer cookie")?;
        cookies.push(cookie.to_owned());
    }
    Ok(cookies)
}

/// Reads a live channel: the response head, then the events of its
/// (chunked) body.
struct LiveReader {
    raw: Vec<u8>,
    /// `Some(chunked)` once the head was read.
    head: Option<bool>,
    body: Vec<u8>,
    chunk_left: usize,
    crlf_due: bool,
}

/// One Server-Sent Event.
struct Event {
    name: String,
    data: String,
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

impl LiveReader {
    fn new() -> LiveReader {
        LiveReader {
            raw: Vec::with_capacity(1024),
            head: None,
            body: Vec::with_capacity(1024),
            chunk_left: 0,
            crlf_due: false,
        }
    }

    fn feed(&mut self, bytes: &[u8]) -> Result<(), String> {
        self.raw.extend_from_slice(bytes);
        if self.head.is_none() {
            let Some(end) = find(&self.raw, b"\r\n\r\n") else {
                if self.raw.len() > 16 * 1024 {
                    return Err("response head over 16 KiB".into());
                }
                return Ok(());
            };
            let head = String::from_utf8_lossy(&self.raw[..end]).to_ascii_lowercase();
            let status = head.lines().next().unwrap_or_default().to_owned();
            if !status.starts_with("http/1.1 200") {
                return Err(format!("answered {status:?}"));
            }
            if !head.contains("content-type: text/event-stream") {
                return Err("not an event stream".into());
            }
            let chunked = head
                .lines()
                .any(|l| l.starts_with("transfer-encoding:") && l.contains("chunked"));
            self.raw.drain(..end + 4);
            self.head = Some(chunked);
        }
        if self.head == Some(false) {
            self.body.append(&mut self.raw);
            return Ok(());
        }
        loop {
            if self.chunk_left > 0 {
                let n = self.chunk_left.min(self.raw.len());
                if n == 0 {
                    return Ok(());
                }
                self.body.extend_from_slice(&self.raw[..n]);
                self.raw.drain(..n);
                self.chunk_left -= n;
            } else if self.crlf_due {
                if self.raw.len() < 2 {
                    return Ok(());
                }
                if &self.raw[..2] != b"\r\n" {
                    return Err("bad chunk end".into());
                }
                self.raw.drain(..2);
                self.crlf_due = false;
            } else {
                let Some(end) = find(&self.raw, b"\r\n") else {
                    return Ok(());
                };
                let line = String::from_utf8_lossy(&self.raw[..end]).into_owned();
                let size = line.split(';').next().unwrap_or_default().trim();
                let size = usize::from_str_radix(size, 16)
                    .map_err(|_| format!("bad chunk size {line:?}"))?;
                self.raw.drain(..end + 2);
                if size == 0 {
                    return Err("the server ended the stream".into());
                }
                self.chunk_left = size;
                self.crlf_due = true;
            }
        }
    }

    /// The next whole event, if one has arrived.
    fn next_event(&mut self) -> Option<Event> {
        let end = find(&self.body, b"\n\n")?;
        let text = String::from_utf8_lossy(&self.body[..end]).into_owned();
        self.body.drain(..end + 2);
        let mut event = Event {
            name: "message".to_owned(),
            data: String::new(),
        };
        for line in text.lines() {
            if let Some(v) = line.strip_prefix("event:") {
                event.name = v.trim_start().to_owned();
            } else if let Some(v) = line.strip_prefix("data:") {
                if !event.data.is_empty() {
                    event.data.push('\n');
                }
                event.data.push_str(v.strip_prefix(' ').unwrap_or(v));
            }
        }
        Some(event)
    }
}

/// A live channel being read.
struct Channel {
    stream: TcpStream,
    reader: LiveReader,
    buf: Box<[u8]>,
}

impl Channel {
    async fn open(addr: SocketAddr, request: &[u8]) -> Result<Channel, String> {
        let stream = TcpStream::connect(addr)
            .await
            .map_err(|e| format!("connect: {e}"))?;
        stream.set_nodelay(true).map_err(|e| e.to_string())?;
        let mut channel = Channel {
            stream,
            reader: LiveReader::new(),
            buf: vec![0; 2048].into_boxed_slice(),
        };
        channel
            .stream
            .write_all(request)
            .await
            .map_err(|e| format!("write: {e}"))?;
        Ok(channel)
    }

    async fn next_event(&mut self) -> Result<Event, String> {
        loop {
            if let Some(e) = self.reader.next_event() {
                return Ok(e);
            }
            let n = self
                .stream
                .read(&mut self.buf)
                .await
                .map_err(|e| format!("read: {e}"))?;
            if n == 0 {
                return Err("the server closed the connection".into());
            }
            self.reader.feed(&self.buf[..n])?;
        }
    }

    /// Reads until the next `counts` event.
    async fn next_counts(&mut self) -> Result<LiveCounts, String> {
        loop {
            let e = self.next_event().await?;
            if e.name == "counts" {
                return serde_json::from_str(&e.data).map_err(|err| format!("counts {err}"));
            }
        }
    }

    /// Closes at once with a reset (no TIME_WAIT left behind).
    fn abort(self) {
        let _ = self.stream.set_zero_linger();
    }
}

// ---------------------------------------------------------------------------
// 1. Views.

async fn bench_views(backend: Backend, total: u64) -> bool {
    let name = match backend {
        Backend::Sqlite => "SQLite",
        Backend::Postgres => "PostgreSQL",
    };
    println!("\n== views · {name} ==");
    let store = TestDb::new(backend).await;
    let lecture = seed(&store.db).await;
    let mut config = server::Config::for_tests(&store.url, store.dir());
    // Every client is on this machine's one address, and each open must
    // count: no per-address caps, no view window.
    config.live_limits.connections_per_address = i64::MAX;
    config.live_limits.viewers_per_address = i64::MAX;
    config.view_window_secs = 0;
    let running = server::start(&config, std::future::pending())
        .await
        .expect("server starts");
    let addr = running.addr;
    let cookies = viewer_cookies(addr, VIEWER_POOL)
        .await
        .expect("viewer cookies");
    let requests: Arc<Vec<Vec<u8>>> = Arc::new(
        cookies
            .iter()
            .map(|cookie| live_request(addr, cookie))
            .collect(),
    );

    let next = Arc::new(AtomicU64::new(0));
    let done = Arc::new(AtomicU64::new(0));
    let overflows = listen_overflows();
    let started = Instant::now();
    let progress = {
        let done = Arc::clone(&done);
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(Duration::from_secs(15));
            tick.tick().await;
            loop {
                tick.tick().await;
                let n = done.load(Ordering::Relaxed);
                eprintln!(
                    "   … {} / {} opens, {:.0} s",
                    thousands(n),
                    thousands(total),
                    started.elapsed().as_secs_f64()
                );
            }
        })
    };
    let mut clients = tokio::task::JoinSet::new();
    for _ in 0..CLIENTS {
        let (next, done, requests) = (Arc::clone(&next), Arc::clone(&done), Arc::clone(&requests));
        clients.spawn(async move {
            let mut took = Vec::new();
            let mut failures = Vec::new();
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= total {
                    break;
                }
                let request = &requests[(i % VIEWER_POOL) as usize];
                let t = Instant::now();
                let opened = async {
                    let mut channel = Channel::open(addr, request).await?;
                    channel.next_counts().await?;
                    channel.abort();
                    Ok::<(), String>(())
                }
                .await;
                match opened {
                    Ok(()) => {
                        took.push(t.elapsed().as_micros() as u32);
                        done.fetch_add(1, Ordering::Relaxed);
                    }
                    Err(e) => failures.push(e),
                }
            }
            (took, failures)
        });
    }
    let mut took = Vec::with_capacity(total as usize);
    let mut failures = Vec::new();
    while let Some(r) = clients.join_next().await {
        let (t, f) = r.expect("client task");
        took.extend(t);
        failures.extend(f);
    }
    let elapsed = started.elapsed();
    progress.abort();
    let overflows = overflows.zip(listen_overflows()).map(|(a, b)| b - a);

    running.features.live.flush().await;
    let stored: i64 = sqlx::query_scalar("SELECT views FROM lecture WHERE id = $1")
        .bind(lecture)
        .fetch_one(store.db.pool())
        .await
        .expect("views");
    let viewers: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM lecture_viewer")
        .fetch_one(store.db.pool())
        .await
        .expect("viewers");
    let opens = took.len() as u64;
    let exact = failures.is_empty() && opens == total && stored == total as i64;
    took.sort_unstable();
    let ms = |p: usize| {
        took.get(rank(took.len(), p))
            .map_or(0.0, |us| *us as f64 / 1e3)
    };
    println!(
        "  opens: {} from {CLIENTS} clients, failed: {}; viewer rows: {} (pool of {})",
        thousands(opens),
        failures.len(),
        thousands(viewers as u64),
        thousands(VIEWER_POOL)
    );
    for f in failures.iter().take(5) {
        println!("    failed: {f}");
    }
    println!(
        "  elapsed: {:.1} s → {} views/s; open → first `counts` event: p50 {:.2} ms, p99 {:.2} ms, \
         max {:.2} ms",
        elapsed.as_secs_f64(),
        thousands((opens as f64 / elapsed.as_secs_f64()).round() as u64),
        ms(50),
        ms(99),
        took.last().map_or(0.0, |us| *us as f64 / 1e3)
    );
    println!(
        "  opens over 1 s: {}; listen queue overflows meanwhile (whole machine; the server listens with a \
         backlog of 4,096; a dropped handshake is retried after 1 s): {}",
        thousands(took.iter().filter(|us| **us >= 1_000_000).count() as u64),
        overflows.map_or("?".to_owned(), thousands)
    );
    println!(
        "  views: {} stored: {} exact: {}",
        total,
        stored,
        if exact { "yes" } else { "NO" }
    );
    running.shutdown().await;
    store.drop_db().await;
    exact
}

// ---------------------------------------------------------------------------
// 2. Connections.

/// What the connection tasks report.
enum Note {
    Opened,
    Failed(usize, String),
    Counts(usize, Instant, LiveCounts),
}

/// Which counts a connection is waiting for.
#[derive(Clone, Copy)]
enum Target {
    Watching(i64),
    Registered(i64),
}

impl Target {
    fn met(self, c: &LiveCounts) -> bool {
        match self {
            Target::Watching(n) => c.watching >= n,
            Target::Registered(n) => c.audience.registered >= n,
        }
    }
}

/// The state of the held connections, as their notes tell it.
struct Tracker {
    n: usize,
    rx: mpsc::UnboundedReceiver<Note>,
    opened: usize,
    failed: Vec<String>,
    target: Option<Target>,
    /// When each connection first got counts meeting the target.
    reached: Vec<Option<Instant>>,
    reached_count: usize,
}

impl Tracker {
    fn note(&mut self, note: Note) {
        match note {
            Note::Opened => self.opened += 1,
            Note::Failed(i, e) => self.failed.push(format!("connection {i}: {e}")),
            Note::Counts(i, at, counts) => {
                if let Some(t) = self.target
                    && i < self.n
                    && self.reached[i].is_none()
                    && t.met(&counts)
                {
                    self.reached[i] = Some(at);
                    self.reached_count += 1;
                }
            }
        }
    }

    /// Takes notes until `done` holds, or fails after `WAIT_LIMIT`.
    async fn until(&mut self, what: &str, done: impl Fn(&Tracker) -> bool) -> Result<(), String> {
        let deadline = tokio::time::Instant::now() + WAIT_LIMIT;
        while !done(self) {
            if !self.failed.is_empty() {
                return Err(format!(
                    "{} connection(s) failed while {what}; first: {}",
                    self.failed.len(),
                    self.failed[0]
                ));
            }
            match tokio::time::timeout_at(deadline, self.rx.recv()).await {
                Ok(Some(note)) => self.note(note),
                Ok(None) => return Err(format!("connections ended while {what}")),
                Err(_) => {
                    return Err(format!(
                        "timed out after {} s while {what}: {} opened, {} reached the target",
                        WAIT_LIMIT.as_secs(),
                        self.opened,
                        self.reached_count
                    ));
                }
            }
        }
        Ok(())
    }

    /// Sets a new target and waits until every connection has reached it;
    /// returns each connection's delay from `from`.
    async fn reach(
        &mut self,
        target: Target,
        what: &str,
        from: Instant,
    ) -> Result<Vec<Duration>, String> {
        self.target = Some(target);
        self.reached.iter_mut().for_each(|r| *r = None);
        self.reached_count = 0;
        self.until(what, |t| t.reached_count == t.n).await?;
        Ok(self
            .reached
            .iter()
            .map(|r| r.expect("reached").saturating_duration_since(from))
            .collect())
    }
}

/// Holds one live connection open, reporting every `counts` event.
async fn hold(
    i: usize,
    addr: SocketAddr,
    request: Arc<Vec<u8>>,
    opening: Arc<Semaphore>,
    tx: mpsc::UnboundedSender<Note>,
) {
    // Held until the connection is open (its first event arrived).
    let mut permit = Some(opening.acquire_owned().await.expect("semaphore"));
    let mut channel = match Channel::open(addr, &request).await {
        Ok(c) => c,
        Err(e) => {
            let _ = tx.send(Note::Failed(i, e));
            return;
        }
    };
    loop {
        match channel.next_counts().await {
            Ok(counts) => {
                let at = Instant::now();
                if permit.take().is_some() {
                    let _ = tx.send(Note::Opened);
                }
                let _ = tx.send(Note::Counts(i, at, counts));
            }
            Err(e) => {
                let _ = tx.send(Note::Failed(i, e));
                return;
            }
        }
    }
}

async fn bench_connections(n: usize) -> bool {
    match connections(n).await {
        Ok(ok) => ok,
        Err(e) => {
            println!("  FAILED: {e}");
            false
        }
    }
}

/// The server process of the connections benchmark; killed when dropped.
struct ServerProcess {
    child: Child,
    addr: SocketAddr,
}

impl ServerProcess {
    fn start(dir: &Path, url: &str, connections: usize) -> Result<ServerProcess, String> {
        // Every connection comes from this machine: room for all of them.
        let per_address = (connections + 1_000).to_string();
        let exe = std::env::current_exe().map_err(|e| e.to_string())?;
        let log = std::fs::File::create(dir.join("server.log")).map_err(|e| e.to_string())?;
        let mut child = Command::new(exe)
            .arg("serve")
            .env("SHUXIANG_ENV", "development")
            .env("SHUXIANG_DEMO", "0")
            .env("SHUXIANG_DATA_DIR", dir)
            .env("DATABASE_URL", url)
            .env("LEPTOS_SITE_ADDR", "127.0.0.1:0")
            .env("SHUXIANG_LIVE_PER_ADDRESS", &per_address)
            .env("SHUXIANG_VIEWERS_PER_ADDRESS", &per_address)
            .env_remove("SHUXIANG_LOG")
            .env_remove("RUST_LOG")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(log)
            .spawn()
            .map_err(|e| format!("starting the server process: {e}"))?;
        let stdout = child.stdout.take().expect("stdout");
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let mut line = String::new();
            let _ = BufReader::new(stdout).read_line(&mut line);
            let _ = tx.send(line);
        });
        let line = rx.recv_timeout(Duration::from_secs(60)).unwrap_or_default();
        let addr = line
            .trim()
            .strip_prefix("listening ")
            .and_then(|a| a.parse().ok());
        let mut server = ServerProcess {
            child,
            addr: SocketAddr::from(([127, 0, 0, 1], 0)),
        };
        match addr {
            Some(a) => {
                server.addr = a;
                Ok(server)
            }
            None => Err(format!(
                "the server process did not start (its log: {})",
                dir.join("server.log").display()
            )),
        }
    }

    fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Stops it gracefully (its standard input closes), or kills it after
    /// 30 seconds.
    async fn stop(mut self) -> Option<std::process::ExitStatus> {
        drop(self.child.stdin.take());
        let deadline = Instant::now() + Duration::from_secs(30);
        while Instant::now() < deadline {
            if let Ok(Some(status)) = self.child.try_wait() {
                return Some(status);
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        None
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// `serve`: the server alone, configured from the environment as the
/// `shuxiang` binary is, until its standard input closes or a signal.
fn serve() -> ! {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let code = rt.block_on(async {
        let config = match server::Config::from_env() {
            Ok(c) => c,
            Err(e) => {
                eprintln!("configuration: {e}");
                return 1;
            }
        };
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
        match server::start(&config, shutdown).await {
            Ok(running) => {
                println!("listening {}", running.addr);
                use std::io::Write as _;
                let _ = std::io::stdout().flush();
                running.wait().await;
                0
            }
            Err(e) => {
                eprintln!("server: {e}");
                1
            }
        }
    });
    std::process::exit(code)
}

/// How often a listen queue of this machine overflowed so far (the kernel
/// then drops the connection's handshake and the client retries after a
/// second); `TcpExt: ListenOverflows` of `/proc/net/netstat`.
fn listen_overflows() -> Option<u64> {
    let netstat = std::fs::read_to_string("/proc/net/netstat").ok()?;
    let mut lines = netstat.lines().filter(|l| l.starts_with("TcpExt:"));
    let (names, values) = (lines.next()?, lines.next()?);
    let i = names
        .split_whitespace()
        .position(|n| n == "ListenOverflows")?;
    values.split_whitespace().nth(i)?.parse().ok()
}

/// A field of `/proc/<pid>/status`, in KiB.
fn status_kib(pid: u32, field: &str) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status.lines().find_map(|l| {
        l.strip_prefix(field)?
            .strip_prefix(':')?
            .split_whitespace()
            .next()?
            .parse()
            .ok()
    })
}

/// The soft limit on open files of a process.
fn open_files_limit(pid: &str) -> Option<u64> {
    let limits = std::fs::read_to_string(format!("/proc/{pid}/limits")).ok()?;
    let line = limits.lines().find(|l| l.starts_with("Max open files"))?;
    line.split_whitespace().nth(3)?.parse().ok()
}

async fn connections(n: usize) -> Result<bool, String> {
    let need = n as u64 + 200;
    let limit = open_files_limit("self").unwrap_or(0);
    if limit < need {
        return Err(format!(
            "this process may open {limit} files, {need} are needed: raise it (`ulimit -n {}`)",
            need.max(65536)
        ));
    }
    let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
    let url = format!("sqlite://{}/shuxiang.db", dir.path().display());
    {
        let db = server::db::open(&url, 2)
            .await
            .map_err(|e| format!("database: {e}"))?;
        seed(&db).await;
        db.close().await;
    }
    let server = ServerProcess::start(dir.path(), &url, n)?;
    let pid = server.pid();
    let addr = server.addr;
    let server_limit = open_files_limit(&pid.to_string()).unwrap_or(0);
    println!(
        "  server: pid {pid} on {addr} (SHUXIANG_DEMO=0, SQLite in {}); open files allowed: \
         server {}, clients {}",
        dir.path().display(),
        thousands(server_limit),
        thousands(open_files_limit("self").unwrap_or(0))
    );
    if server_limit < need {
        return Err(format!(
            "the server process may open {server_limit} files, {need} are needed"
        ));
    }

    // Warm-up: a browser's viewer cookie from the page, a live channel
    // opened and closed, and the reader signed in. All the connections
    // are this browser's (tabs of one browser are watching each).
    let cookie = viewer_cookies(addr, 1).await?.remove(0);
    let request = Arc::new(live_request(addr, &cookie));
    let mut warm = Channel::open(addr, &request).await?;
    warm.next_counts().await?;
    warm.abort();
    let base = format!("http://{addr}");
    let web = reqwest::Client::builder()
        .cookie_store(true)
        .build()
        .map_err(|e| e.to_string())?;
    let login = web
        .post(format!("{base}/api/login"))
        .header("accept", "application/json")
        .form(&[("username", "bench-reader"), ("password", PW)])
        .send()
        .await
        .map_err(|e| format!("login: {e}"))?;
    if login.status() != 200 {
        return Err(format!("login answered {}", login.status()));
    }
    tokio::time::sleep(Duration::from_secs(2)).await;
    let rss_before = status_kib(pid, "VmRSS").unwrap_or(0);

    // Open them all.
    let (tx, rx) = mpsc::unbounded_channel();
    let opening = Arc::new(Semaphore::new(OPENING));
    let mut tasks = tokio::task::JoinSet::new();
    let overflows = listen_overflows();
    let started = Instant::now();
    for i in 0..n {
        tasks.spawn(hold(
            i,
            addr,
            Arc::clone(&request),
            Arc::clone(&opening),
            tx.clone(),
        ));
    }
    let mut tracker = Tracker {
        n,
        rx,
        opened: 0,
        failed: Vec::new(),
        target: None,
        reached: vec![None; n],
        reached_count: 0,
    };
    tracker
        .until("opening the connections", |t| t.opened == n)
        .await?;
    let ramp = started.elapsed();
    let overflows = overflows.zip(listen_overflows()).map(|(a, b)| b - a);
    // Every connection sees the full count once the server looked again.
    let settle_from = Instant::now();
    let settle = tracker
        .reach(
            Target::Watching(n as i64),
            "waiting for every connection to see them all",
            settle_from,
        )
        .await?;
    let settled = settle.iter().max().copied().unwrap_or_default();
    tokio::time::sleep(Duration::from_secs(2)).await;
    while let Ok(note) = tracker.rx.try_recv() {
        tracker.note(note);
    }
    let rss_open = status_kib(pid, "VmRSS").unwrap_or(0);
    let threads = status_kib(pid, "Threads").unwrap_or(0);
    let client_rss = status_kib(std::process::id(), "VmRSS").unwrap_or(0);

    // Trigger 1: one more watcher.
    let t0 = Instant::now();
    let mut extra = Channel::open(addr, &request).await?;
    let extra_counts = extra.next_counts().await?;
    let watcher = tracker
        .reach(
            Target::Watching(n as i64 + 1),
            "waiting for the extra watcher to reach everyone",
            t0,
        )
        .await?;
    tokio::time::sleep(Duration::from_secs(1)).await;

    // Trigger 2: a registration over the HTTP API.
    let t0 = Instant::now();
    let res = web
        .post(format!("{base}/api/lectures/register"))
        .header("accept", "application/json")
        .form(&[("slug", SLUG), ("venue", "online")])
        .send()
        .await
        .map_err(|e| format!("register: {e}"))?;
    let answered = t0.elapsed();
    if res.status() != 200 {
        return Err(format!("register answered {}", res.status()));
    }
    let registration = tracker
        .reach(
            Target::Registered(1),
            "waiting for the registration to reach everyone",
            t0,
        )
        .await?;
    let rss_end = status_kib(pid, "VmRSS").unwrap_or(0);
    let hwm = status_kib(pid, "VmHWM").unwrap_or(0);

    // Close everything; stop the server.
    extra.abort();
    tasks.abort_all();
    while tasks.join_next().await.is_some() {}
    let closed = Instant::now();
    let status = server.stop().await;
    let stopped = closed.elapsed();

    let per_conn = (rss_open.saturating_sub(rss_before) as f64 * 1024.0) / n as f64;
    println!(
        "  opened {} connections in {:.2} s ({OPENING} being opened at a time), failed: {}, \
         listen queue overflows: {};\n  every one saw watching = {} {:.2} s after the last opened \
         (the server looks every 0.5 s)",
        thousands(n as u64),
        ramp.as_secs_f64(),
        tracker.failed.len(),
        overflows.map_or("?".to_owned(), thousands),
        thousands(n as u64),
        settled.as_secs_f64()
    );
    println!("\n  {:<40} | {:>10}", "server memory", "VmRSS");
    println!("  {}", "-".repeat(40 + 3 + 10));
    let row = |what: &str, v: String| println!("  {what:<40} | {v:>10}");
    row("before (warmed up, idle)", mib(rss_before));
    row(
        &format!("with {} connections open", thousands(n as u64)),
        mib(rss_open),
    );
    row("per connection", format!("{:.1} KiB", per_conn / 1024.0));
    row("at the end (after both updates)", mib(rss_end));
    row("peak (VmHWM)", mib(hwm));
    println!(
        "  (server pid {pid}, {threads} threads; the clients' process: {})",
        mib(client_rss)
    );
    let memory_ok = rss_open.max(hwm) < MEMORY_TARGET_KIB;
    println!(
        "  under 1 GiB in all: {}",
        if memory_ok { "yes" } else { "NO" }
    );

    println!(
        "\n  a change of the counts reaching all {} connections, from the trigger (ms)",
        thousands(n as u64)
    );
    println!(
        "  {:<50} | {:>7} {:>7} {:>7} {:>7} {:>7} | {:>9}",
        "trigger", "min", "median", "p99", "max", "spread", "all < 2 s"
    );
    println!("  {}", "-".repeat(50 + 3 + 39 + 3 + 9));
    let mut delay_ok = true;
    for (what, delays) in [
        (
            format!(
                "one more watcher (watching {} → {})",
                thousands(n as u64),
                thousands(extra_counts.watching as u64)
            ),
            watcher,
        ),
        (
            format!(
                "registration over HTTP (registered → 1; {:.0} ms)",
                answered.as_secs_f64() * 1e3
            ),
            registration,
        ),
    ] {
        let mut d = delays;
        d.sort_unstable();
        let ms = |p: usize| d[rank(d.len(), p)].as_secs_f64() * 1e3;
        let ok = d.last().is_some_and(|m| *m < DELAY_TARGET);
        delay_ok &= ok;
        println!(
            "  {what:<50} | {:>7.0} {:>7.0} {:>7.0} {:>7.0} {:>7.0} | {:>9}",
            d[0].as_secs_f64() * 1e3,
            ms(50),
            ms(99),
            d[d.len() - 1].as_secs_f64() * 1e3,
            (d[d.len() - 1] - d[0]).as_secs_f64() * 1e3,
            if ok { "yes" } else { "NO" }
        );
    }
    println!(
        "  (from sending the trigger to each connection reading the new counts: includes the \
         wait for the server's next look at\n   the room, 0 to 500 ms, and the clients' own work \
         on the same 2 cores; spread = max - min, the fan-out itself)"
    );
    match status {
        Some(s) => println!(
            "  server stopped ({s}) {:.2} s after the clients closed",
            stopped.as_secs_f64()
        ),
        None => println!("  server did not stop within 30 s: killed"),
    }
    println!(
        "  targets: under 1 GiB {} · all within 2 s {}",
        if memory_ok { "met" } else { "MISSED" },
        if delay_ok { "met" } else { "MISSED" }
    );
    Ok(true)
}

// ---------------------------------------------------------------------------

/// The index of the `p`th percentile (nearest rank) among `n` sorted values.
fn rank(n: usize, p: usize) -> usize {
    (n * p).div_ceil(100).max(1).min(n.max(1)) - 1
}

fn mib(kib: u64) -> String {
    format!("{:.1} MiB", kib as f64 / 1024.0)
}

/// `10000` as `10,000`.
fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

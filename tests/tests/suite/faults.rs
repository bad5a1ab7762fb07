//! Faults the platform must survive (issue 10, "faults survived, nothing
//! lost"): PostgreSQL restarted under two running servers, and the server
//! killed with SIGKILL in the middle of a thousand writes.
//!
//! The restart test stops and starts a PostgreSQL cluster of its own
//! (`scripts/pg-private.sh`), never the shared one the other tests use.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use app::accounts::Role;
use platform::Db;
use serde_json::Value;
use shuxiang_tests::*;
use tokio::time::Instant;

/// A client that gives up instead of hanging, and keeps cookies.
fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .connect_timeout(Duration::from_secs(5))
        .timeout(Duration::from_secs(30))
        .build()
        .expect("client")
}

/// Calls a server function as the WebAssembly client does.
async fn call(
    c: &reqwest::Client,
    base: &str,
    endpoint: &str,
    form: &[(&str, &str)],
) -> reqwest::Result<(u16, Value)> {
    let res = c
        .post(format!("{base}/api/{endpoint}"))
        .header("accept", "application/json")
        .form(form)
        .send()
        .await?;
    let status = res.status().as_u16();
    let text = res.text().await?;
    let value = serde_json::from_str(&text).unwrap_or(Value::String(text));
    Ok((status, value))
}

async fn sign_in(c: &reqwest::Client, base: &str, user: &str) {
    let (status, body) = call(
        c,
        base,
        "login",
        &[("username", user), ("password", TEST_PASSWORD)],
    )
    .await
    .expect("login request");
    assert_eq!(status, 200, "{user} signs in: {body}");
}

// ---------------------------------------------------------------------------
// A private PostgreSQL cluster.

/// A PostgreSQL cluster of this test's own on a free port, destroyed when
/// dropped (also when the test fails); if the test process is killed, the
/// script's watchdog destroys it.
struct PrivatePg {
    dir: PathBuf,
    port: u16,
    password: String,
}

fn script() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../scripts/pg-private.sh")
}

/// Runs `scripts/pg-private.sh`; its output goes to a log beside the
/// cluster, shown when it fails.
async fn pg_script(args: &[&str], password: &str, log: &Path) -> Result<(), String> {
    let out = std::fs::File::create(log).map_err(|e| e.to_string())?;
    let err = out.try_clone().map_err(|e| e.to_string())?;
    let status = tokio::process::Command::new(script())
        .args(args)
        .env("SHUXIANG_PG_PRIVATE_PASSWORD", password)
        .stdin(std::process::Stdio::null())
        .stdout(out)
        .stderr(err)
        .status()
        .await
        .map_err(|e| format!("running {}: {e}", script().display()))?;
    if status.success() {
        Ok(())
    } else {
        Err(std::fs::read_to_string(log).unwrap_or_default())
    }
}

impl PrivatePg {
    async fn start() -> PrivatePg {
        // The script gives the directory to the `postgres` user when run as
        // root, so it is made here and not by `tempfile` (which would try to
        // remove it as its own).
        let dir = std::env::temp_dir().join(format!("shuxiang-pg-{}", uuid::Uuid::new_v4()));
        std::fs::create_dir(&dir).expect("cluster directory");
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        let pg = PrivatePg {
            dir,
            port,
            password: platform::random_token(),
        };
        let me = std::process::id().to_string();
        let dir = pg.dir.display().to_string();
        let port = port.to_string();
        if let Err(out) =
            pg_script(&["start", &dir, &port, &me], &pg.password, &pg.log_path()).await
        {
            panic!(
                "could not start a private PostgreSQL cluster (this test needs PostgreSQL's \
                 server programs, e.g. the Debian package postgresql; `make test` installs \
                 them):\n{out}"
            );
        }
        pg
    }

    fn log_path(&self) -> PathBuf {
        // Beside the cluster's directory: the script may hand that one over.
        self.dir.with_extension("log")
    }

    fn url(&self, database: &str) -> String {
        format!(
            "postgres://postgres:{}@127.0.0.1:{}/{database}",
            self.password, self.port
        )
    }

    /// A new database in the cluster; returns its URL.
    async fn database(&self, name: &str) -> String {
        let admin = Db::connect(&self.url("postgres"), 1)
            .await
            .expect("connect to the private cluster");
        sqlx::query(&format!("CREATE DATABASE {name}"))
            .execute(admin.pool())
            .await
            .expect("create database");
        admin.close().await;
        self.url(name)
    }

    async fn stop(&self) {
        let dir = self.dir.display().to_string();
        pg_script(&["stop", &dir], &self.password, &self.log_path())
            .await
            .expect("stop the private cluster");
    }

    async fn up(&self) {
        let dir = self.dir.display().to_string();
        pg_script(&["up", &dir], &self.password, &self.log_path())
            .await
            .expect("start the private cluster again");
    }
}

impl Drop for PrivatePg {
    fn drop(&mut self) {
        let destroyed = std::process::Command::new(script())
            .arg("destroy")
            .arg(&self.dir)
            .stdin(std::process::Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        if !destroyed {
            eprintln!(
                "the private PostgreSQL cluster in {} was not destroyed",
                self.dir.display()
            );
        }
        let _ = std::fs::remove_file(self.log_path());
    }
}

// ---------------------------------------------------------------------------
// A page's live channel, read as the browser's EventSource does.

struct Events {
    res: reqwest::Response,
    buf: String,
}

impl Events {
    async fn open(c: &reqwest::Client, url: &str) -> Events {
        let res = c
            .get(url)
            .header("accept", "text/event-stream")
            .send()
            .await
            .expect("open the live channel");
        assert_eq!(res.status(), 200, "the live channel opens");
        Events {
            res,
            buf: String::new(),
        }
    }

    /// Reads events until one named `event` has data containing `text`.
    async fn wait_for(&mut self, event: &str, text: &str, within: Duration) -> bool {
        let deadline = Instant::now() + within;
        loop {
            while let Some(end) = self.buf.find("\n\n") {
                let block: String = self.buf.drain(..end + 2).collect();
                let name = block.lines().find_map(|l| l.strip_prefix("event:"));
                let data: String = block
                    .lines()
                    .filter_map(|l| l.strip_prefix("data:"))
                    .map(str::trim_start)
                    .collect();
                if name.map(str::trim) == Some(event) && data.contains(text) {
                    return true;
                }
            }
            match tokio::time::timeout_at(deadline, self.res.chunk()).await {
                Ok(Ok(Some(bytes))) => self.buf.push_str(&String::from_utf8_lossy(&bytes)),
                Ok(Ok(None)) => panic!("the live channel ended"),
                Ok(Err(e)) => panic!("the live channel broke: {e}"),
                Err(_) => return false,
            }
        }
    }
}

// ---------------------------------------------------------------------------
// 1. PostgreSQL restarted under two running servers.

/// What one request of a prober saw.
#[derive(Debug, Clone)]
struct Probe {
    node: usize,
    path: &'static str,
    /// When the request was sent, from the start of the test.
    sent: Duration,
    took: Duration,
    /// The status, or why no answer came.
    answer: Result<u16, String>,
}

/// Asks both nodes for `/healthz` and the home page every 200 ms until told
/// to stop.
fn probe(
    bases: Vec<String>,
    t0: Instant,
    stop: Arc<AtomicBool>,
) -> tokio::task::JoinHandle<Vec<Probe>> {
    let mut tasks = Vec::new();
    for (node, base) in bases.into_iter().enumerate() {
        for path in ["/healthz", "/"] {
            let base = base.clone();
            let stop = Arc::clone(&stop);
            tasks.push(tokio::spawn(async move {
                let c = reqwest::Client::builder()
                    .timeout(Duration::from_secs(20))
                    .build()
                    .expect("client");
                let mut seen = Vec::new();
                while !stop.load(Ordering::Relaxed) {
                    let sent = t0.elapsed();
                    let answer = c
                        .get(format!("{base}{path}"))
                        .send()
                        .await
                        .map(|r| r.status().as_u16())
                        .map_err(|e| e.to_string());
                    seen.push(Probe {
                        node,
                        path,
                        sent,
                        took: t0.elapsed() - sent,
                        answer,
                    });
                    tokio::time::sleep(Duration::from_millis(200)).await;
                }
                seen
            }));
        }
    }
    tokio::spawn(async move {
        let mut all = Vec::new();
        for t in tasks {
            all.extend(t.await.expect("prober"));
        }
        all
    })
}

/// How long the database stays down: long enough that a reconnecting
/// client backs off for seconds (sqlx doubles its wait between attempts).
const DOWN: Duration = Duration::from_secs(6);
/// How soon after the database is back every request must succeed again
/// (a waiting pool connects within its back-off of at most 2 s).
const RECOVERY: Duration = Duration::from_secs(5);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_restart_is_survived_and_the_nodes_hear_each_other_again() {
    let pg = PrivatePg::start().await;
    let url = pg.database("shuxiang_faults").await;
    let dir = tempfile::tempdir().expect("temp dir");
    let config = server::Config::for_tests(&url, dir.path());
    let node_a = server::start(&config, std::future::pending())
        .await
        .expect("node A starts");
    let node_b = server::start(&config, std::future::pending())
        .await
        .expect("node B starts");
    let (a, b) = (
        format!("http://{}", node_a.addr),
        format!("http://{}", node_b.addr),
    );
    let owner = account_on(&node_a.db, "zhujiang", Role::Organiser).await;
    account_on(&node_a.db, "tiwen", Role::Reader).await;
    live_lecture(&node_a.db, owner, "guzhang-zhibo").await;

    // A watch page on node B; questions are asked on node A. The page's
    // live channel stays open as long as the test: no overall time limit.
    let viewer = reqwest::Client::builder()
        .cookie_store(true)
        .connect_timeout(Duration::from_secs(5))
        .build()
        .expect("client");
    let page = viewer
        .get(format!("{b}/lectures/guzhang-zhibo"))
        .send()
        .await
        .expect("watch page");
    assert_eq!(page.status(), 200);
    let mut events = Events::open(&viewer, &format!("{b}/lectures/guzhang-zhibo/live")).await;
    let asker = client();
    sign_in(&asker, &a, "tiwen").await;
    let ask = |body: &'static str| {
        let (asker, a) = (asker.clone(), a.clone());
        async move {
            call(
                &asker,
                &a,
                "lectures/ask",
                &[("slug", "guzhang-zhibo"), ("body", body)],
            )
            .await
            .map(|(s, _)| s)
        }
    };
    assert_eq!(
        ask("重启之前的问题：基层治理靠什么？").await.ok(),
        Some(200)
    );
    assert!(
        events
            .wait_for("questions", "重启之前的问题", Duration::from_secs(10))
            .await,
        "before the restart, a question asked on node A reaches a page on node B"
    );

    let t0 = Instant::now();
    let stop = Arc::new(AtomicBool::new(false));
    let probes = probe(vec![a.clone(), b.clone()], t0, Arc::clone(&stop));
    tokio::time::sleep(Duration::from_secs(1)).await;

    let stopping = t0.elapsed();
    pg.stop().await;
    let stopped = t0.elapsed();
    tokio::time::sleep(DOWN).await;
    let starting = t0.elapsed();
    pg.up().await;
    let up = t0.elapsed();

    // Node A answers for the database again: ask at once, while node B may
    // still be reconnecting its LISTEN connection.
    let healthy = |base: String| async move {
        let c = reqwest::Client::new();
        let deadline = Instant::now() + Duration::from_secs(30);
        while Instant::now() < deadline {
            if let Ok(r) = c.get(format!("{base}/healthz")).send().await
                && r.status() == 200
            {
                return true;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        false
    };
    assert!(healthy(a.clone()).await, "node A recovers");
    let a_healthy = t0.elapsed();
    let asked = ask("重启之后的问题：乡土社会的信任从哪里来？").await;
    let asked_at = t0.elapsed();
    assert_eq!(
        asked.as_ref().ok(),
        Some(&200),
        "asking works as soon as /healthz is 200 again: {asked:?}"
    );
    let relayed = events
        .wait_for("questions", "重启之后的问题", Duration::from_secs(20))
        .await;
    let relayed_at = t0.elapsed();
    tokio::time::sleep(Duration::from_secs(2)).await;
    stop.store(true, Ordering::Relaxed);
    let probes = probes.await.expect("probers");

    let secs = |d: Duration| d.as_secs_f64();
    println!(
        "PostgreSQL stopped at {:.1} s (down from {:.1} s), started at {:.1} s (up at {:.1} s); \
         node A healthy at {:.1} s; question asked on A at {:.1} s, {} on B at {:.1} s",
        secs(stopping),
        secs(stopped),
        secs(starting),
        secs(up),
        secs(a_healthy),
        secs(asked_at),
        if relayed { "shown" } else { "NOT shown" },
        secs(relayed_at)
    );
    for node in 0..2 {
        for path in ["/healthz", "/"] {
            let mine: Vec<&Probe> = probes
                .iter()
                .filter(|p| p.node == node && p.path == path)
                .collect();
            let failed: Vec<&&Probe> = mine.iter().filter(|p| p.answer != Ok(200)).collect();
            let mut statuses: Vec<String> = failed
                .iter()
                .map(|p| match &p.answer {
                    Ok(s) => s.to_string(),
                    Err(_) => "no answer".to_owned(),
                })
                .collect();
            statuses.dedup();
            println!(
                "node {} {path}: {} requests, {} not 200 ({}), from {:.1} s to {:.1} s; slowest {:.2} s",
                ["A", "B"][node],
                mine.len(),
                failed.len(),
                statuses.join(", "),
                failed.first().map_or(0.0, |p| secs(p.sent)),
                failed.last().map_or(0.0, |p| secs(p.sent + p.took)),
                mine.iter().map(|p| secs(p.took)).fold(0.0, f64::max),
            );
        }
    }

    for p in &probes {
        assert!(
            p.answer.is_ok(),
            "the server keeps answering while the database is away: {p:?}"
        );
        // /healthz gives up on the database after 3 s; a page waits at most
        // for the pool's acquire timeout (10 s), then fails.
        let limit = if p.path == "/healthz" { 5 } else { 12 };
        assert!(
            p.took < Duration::from_secs(limit),
            "{} never hangs: {p:?}",
            p.path
        );
        if p.answer != Ok(200) {
            assert!(
                p.sent + p.took >= stopping && p.sent <= up + RECOVERY,
                "errors only while the database is down (stopped {stopping:?}, up {up:?}): {p:?}"
            );
        }
    }
    for node in 0..2 {
        assert!(
            probes.iter().any(|p| p.node == node
                && p.path == "/healthz"
                && p.answer == Ok(503)
                && (stopped..=starting).contains(&(p.sent + p.took))),
            "/healthz of node {node} answers 503 while the database is down"
        );
    }
    assert!(
        relayed,
        "after the restart, a question asked on node A reaches the page on node B: \
         node B listens to the others again and reloads what it missed"
    );

    drop(events);
    node_b.shutdown().await;
    node_a.shutdown().await;
    drop(pg);
}

// ---------------------------------------------------------------------------
// 2. The server killed while writing.

/// Readers writing, groups they check in to (one check-in per person,
/// group and day), and the writes: 500 replies and 500 check-ins.
const WRITERS: usize = 20;
const GROUPS: usize = 25;
const REPLIES: usize = 500;
/// Writes sent at the same time.
const CONCURRENCY: usize = 32;
/// The server is killed once this many writes were acknowledged.
const KILL_AFTER: usize = 400;

#[derive(Debug, Clone, Copy)]
enum Write {
    /// Reply number `n` (its text names it) to the thread of group `n % GROUPS`.
    Reply(usize),
    /// Writer `w` checks in to group `g`.
    CheckIn { w: usize, g: usize },
}

fn reply_text(n: usize) -> String {
    format!("断电演练的第 {n} 条回复")
}

/// A thousand writes, replies and check-ins taking turns.
fn writes() -> Vec<Write> {
    let check_ins = (0..WRITERS).flat_map(|w| (0..GROUPS).map(move |g| Write::CheckIn { w, g }));
    (0..REPLIES)
        .map(Write::Reply)
        .zip(check_ins)
        .flat_map(|(r, c)| [r, c])
        .collect()
}

/// What the server acknowledged (answered 200 to).
#[derive(Debug, Default)]
struct Acked {
    /// (thread, seq, text) of each reply.
    replies: Vec<(i64, i64, String)>,
    /// (writer, group) of each check-in.
    check_ins: Vec<(usize, usize)>,
    /// Anything but a 200 or a connection lost to the kill.
    refused: Vec<String>,
}

struct Seeded {
    groups: Vec<(i64, String)>,
    /// The thread of each group.
    threads: Vec<i64>,
    writers: Vec<(i64, reqwest::Client)>,
}

async fn seed_groups(store: &TestDb, base: &str) -> Seeded {
    let mut writers = Vec::new();
    for w in 0..WRITERS {
        let name = format!("duzhe{w:02}");
        let id = store.account(&name, TEST_PASSWORD, Role::Reader).await;
        let c = client();
        sign_in(&c, base, &name).await;
        writers.push((id, c));
    }
    let mut groups = Vec::new();
    let mut threads = Vec::new();
    for g in 0..GROUPS {
        let slug = format!("duandian-{g:02}");
        let id = store
            .group(GroupSpec {
                slug: &slug,
                reader_seats: WRITERS as i64,
                ..GroupSpec::default()
            })
            .await;
        for (account, _) in &writers {
            store
                .add_to_group(id, *account, app::groups::GroupRole::Member)
                .await;
        }
        let (status, path) = call(
            &writers[g % WRITERS].1,
            base,
            "threads/create",
            &[
                ("slug", slug.as_str()),
                ("title", "断电演练"),
                ("body", "第一帖"),
                ("book_id", ""),
            ],
        )
        .await
        .expect("create thread");
        assert_eq!(status, 200, "thread created: {path}");
        let thread = path
            .as_str()
            .and_then(|p| p.rsplit('/').next())
            .and_then(|t| t.parse().ok())
            .expect("thread id in the answer");
        groups.push((id, slug));
        threads.push(thread);
    }
    Seeded {
        groups,
        threads,
        writers,
    }
}

/// Sends one write and notes the answer; `Err` when no answer came (the
/// server is gone).
async fn send(seeded: &Seeded, base: &str, write: Write, acked: &Mutex<Acked>) -> Result<(), ()> {
    match write {
        Write::Reply(n) => {
            let thread = seeded.threads[n % GROUPS];
            let text = reply_text(n);
            let c = &seeded.writers[n % WRITERS].1;
            let thread_s = thread.to_string();
            let form = [
                ("thread_id", thread_s.as_str()),
                ("body", text.as_str()),
                ("quote_id", ""),
            ];
            let (status, body) = call(c, base, "threads/reply", &form)
                .await
                .map_err(|_| ())?;
            let mut acked = acked.lock().expect("acked");
            let seq = body
                .as_str()
                .and_then(|p| p.rsplit_once("#p"))
                .and_then(|(_, s)| s.parse().ok());
            match (status, seq) {
                (200, Some(seq)) => acked.replies.push((thread, seq, text)),
                _ => acked.refused.push(format!("reply {n}: {status} {body}")),
            }
        }
        Write::CheckIn { w, g } => {
            let c = &seeded.writers[w].1;
            let form = [
                ("slug", seeded.groups[g].1.as_str()),
                ("minutes", "30"),
                ("pages", "12"),
                ("line", "断电也不怕"),
            ];
            let (status, body) = call(c, base, "check-in", &form).await.map_err(|_| ())?;
            let mut acked = acked.lock().expect("acked");
            if status == 200 {
                acked.check_ins.push((w, g));
            } else {
                acked
                    .refused
                    .push(format!("check-in {w}/{g}: {status} {body}"));
            }
        }
    }
    Ok(())
}

/// Each thread's count, posts, last and distinct sequence numbers agree.
async fn assert_threads_consistent(db: &Db) {
    let rows: Vec<(i64, i64, i64, i64, i64, i64)> = sqlx::query_as(
        "SELECT t.id, t.post_count, COUNT(p.id), COALESCE(MIN(p.seq), 0), \
         COALESCE(MAX(p.seq), 0), COUNT(DISTINCT p.seq) \
         FROM thread t LEFT JOIN post p ON p.thread_id = t.id GROUP BY t.id, t.post_count",
    )
    .fetch_all(db.pool())
    .await
    .expect("thread figures");
    for (id, count, posts, min, max, distinct) in rows {
        assert!(
            count == posts && min == 1 && max == posts && distinct == posts,
            "thread {id}: post_count {count}, {posts} posts, seq {min}..{max} ({distinct} distinct)"
        );
    }
}

async fn acknowledged_writes_survive_sigkill(backend: Backend) {
    let store = TestDb::new(backend).await;
    let exe = Path::new(env!("CARGO_BIN_EXE_test_server"));
    // Replies as fast as they come: the posting limit would refuse them.
    let env = [("SHUXIANG_POST_LIMIT", "1000000")];
    let server = ServerProcess::start(exe, &store.url, store.dir(), &env).await;
    let seeded = Arc::new(seed_groups(&store, &server.base).await);

    let jobs = Arc::new(writes());
    let next = Arc::new(AtomicUsize::new(0));
    let acked = Arc::new(Mutex::new(Acked::default()));
    let mut workers = Vec::new();
    for _ in 0..CONCURRENCY {
        let (jobs, next, acked, seeded) = (
            Arc::clone(&jobs),
            Arc::clone(&next),
            Arc::clone(&acked),
            Arc::clone(&seeded),
        );
        let base = server.base.clone();
        workers.push(tokio::spawn(async move {
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(&job) = jobs.get(i) else { break };
                if send(&seeded, &base, job, &acked).await.is_err() {
                    break;
                }
            }
        }));
    }
    let acked_count = || {
        let a = acked.lock().expect("acked");
        a.replies.len() + a.check_ins.len()
    };
    let deadline = Instant::now() + Duration::from_secs(120);
    while acked_count() < KILL_AFTER && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
    let at_kill = acked_count();
    let sent_at_kill = next.load(Ordering::Relaxed).min(jobs.len());
    server.kill().await;
    for w in workers {
        w.await.expect("writer");
    }
    let acked = std::mem::take(&mut *acked.lock().expect("acked"));
    assert!(
        acked.refused.is_empty(),
        "every write was accepted until the kill: {:?}",
        acked.refused
    );
    assert!(
        at_kill >= KILL_AFTER && sent_at_kill < jobs.len(),
        "the server was killed in the middle of the writes ({at_kill} acknowledged, \
         {sent_at_kill} of {} sent)",
        jobs.len()
    );

    let server = ServerProcess::start(exe, &store.url, store.dir(), &env).await;
    let db = &store.db;
    if backend == Backend::Sqlite {
        let check: String = sqlx::query_scalar("PRAGMA integrity_check")
            .fetch_one(db.pool())
            .await
            .expect("integrity check");
        assert_eq!(check, "ok", "SQLite's integrity check after the kill");
        let broken = sqlx::query("PRAGMA foreign_key_check")
            .fetch_all(db.pool())
            .await
            .expect("foreign key check");
        assert!(broken.is_empty(), "no dangling references after the kill");
    }
    for (thread, seq, text) in &acked.replies {
        let stored: Option<String> =
            sqlx::query_scalar("SELECT body_md FROM post WHERE thread_id = $1 AND seq = $2")
                .bind(thread)
                .bind(seq)
                .fetch_optional(db.pool())
                .await
                .expect("read a post");
        assert_eq!(
            stored.as_deref(),
            Some(text.as_str()),
            "acknowledged reply {seq} of thread {thread} is there"
        );
    }
    for (w, g) in &acked.check_ins {
        let n: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM check_in WHERE account_id = $1 AND group_id = $2",
        )
        .bind(seeded.writers[*w].0)
        .bind(seeded.groups[*g].0)
        .fetch_one(db.pool())
        .await
        .expect("count check-ins");
        assert_eq!(
            n, 1,
            "acknowledged check-in of writer {w} in group {g} is there once"
        );
    }
    assert_threads_consistent(db).await;
    let posts = rows_in(db, "post").await;
    let check_ins = rows_in(db, "check_in").await;
    println!(
        "{backend:?}: killed after {at_kill} acknowledged writes ({} replies, {} check-ins) with \
         {} sent; after the restart {} replies and {check_ins} check-ins are stored \
         ({} + {} were written but not acknowledged)",
        acked.replies.len(),
        acked.check_ins.len(),
        sent_at_kill,
        posts - GROUPS as i64,
        posts - GROUPS as i64 - acked.replies.len() as i64,
        check_ins - acked.check_ins.len() as i64,
    );

    // The restarted server carries on where the database is: the next
    // reply follows the last stored one, and a check-in that was stored
    // without being acknowledged is not taken twice.
    for (g, thread) in seeded.threads.iter().enumerate() {
        let before: i64 = sqlx::query_scalar("SELECT post_count FROM thread WHERE id = $1")
            .bind(thread)
            .fetch_one(db.pool())
            .await
            .expect("post count");
        let thread_s = thread.to_string();
        let (status, path) = call(
            &seeded.writers[g % WRITERS].1,
            &server.base,
            "threads/reply",
            &[
                ("thread_id", &thread_s),
                ("body", "重启之后"),
                ("quote_id", ""),
            ],
        )
        .await
        .expect("reply after the restart");
        assert_eq!(status, 200, "{path}");
        assert!(
            path.as_str()
                .is_some_and(|p| p.ends_with(&format!("#p{}", before + 1))),
            "the next reply of thread {thread} is number {}: {path}",
            before + 1
        );
    }
    let mut again = 0;
    for w in 0..WRITERS {
        for g in 0..GROUPS {
            if acked.check_ins.contains(&(w, g)) {
                continue;
            }
            let stored: i64 = sqlx::query_scalar(
                "SELECT COUNT(*) FROM check_in WHERE account_id = $1 AND group_id = $2",
            )
            .bind(seeded.writers[w].0)
            .bind(seeded.groups[g].0)
            .fetch_one(db.pool())
            .await
            .expect("count check-ins");
            let form = [
                ("slug", seeded.groups[g].1.as_str()),
                ("minutes", "5"),
                ("pages", ""),
                ("line", ""),
            ];
            let (status, body) = call(&seeded.writers[w].1, &server.base, "check-in", &form)
                .await
                .expect("check in after the restart");
            if stored == 1 {
                assert_eq!(status, 422, "check-in {w}/{g} is not taken twice: {body}");
                assert!(body.to_string().contains("今天已经打过卡了"), "{body}");
            } else {
                assert_eq!(status, 200, "check-in {w}/{g} after the restart: {body}");
            }
            again += 1;
        }
    }
    assert_threads_consistent(db).await;
    assert_eq!(
        rows_in(db, "check_in").await,
        (WRITERS * GROUPS) as i64,
        "every writer checked in once to every group ({again} after the restart)"
    );

    server.stop().await;
    store.drop_db().await;
}

async fn rows_in(db: &Db, table: &str) -> i64 {
    sqlx::query_scalar(&format!("SELECT COUNT(*) FROM {table}"))
        .fetch_one(db.pool())
        .await
        .expect("count rows")
}

on_both_backends!(acknowledged_writes_survive_sigkill);

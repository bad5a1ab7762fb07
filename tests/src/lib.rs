//! Helpers for the black-box tests: a fresh database on either backend,
//! and the real server started on port 0 against it.
//!
//! PostgreSQL tests need `SHUXIANG_TEST_PG_URL` (an account that may create
//! databases); `make test` starts PostgreSQL and sets it.

use std::path::Path;

use app::accounts::{Role, password, queries};
use platform::Db;
use reqwest::header::HeaderMap;
use server::Config;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Generates one test per backend from `async fn name(backend: Backend)`.
#[macro_export]
macro_rules! on_both_backends {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    super::$name($crate::Backend::Sqlite).await
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    super::$name($crate::Backend::Postgres).await
                }
            )*
        }
    };
}

/// A fresh, migrated database that is removed afterwards.
pub struct TestDb {
    pub url: String,
    pub db: Db,
    dir: tempfile::TempDir,
    pg_name: Option<String>,
}

fn pg_admin_url() -> String {
    std::env::var("SHUXIANG_TEST_PG_URL").unwrap_or_else(|_| {
        panic!(
            "SHUXIANG_TEST_PG_URL is not set. Run `make test` (it starts PostgreSQL), or set it to \
             postgres://USER:PASS@127.0.0.1:5432/postgres for an account with CREATEDB"
        )
    })
}

impl TestDb {
    pub async fn new(backend: Backend) -> TestDb {
        let dir = tempfile::tempdir().expect("temp dir");
        let (url, pg_name) = match backend {
            Backend::Sqlite => (format!("sqlite://{}/test.db", dir.path().display()), None),
            Backend::Postgres => {
                let admin = pg_admin_url();
                let name = format!("sx_test_{}", uuid::Uuid::new_v4().simple());
                let admin_db = Db::connect(&admin, 1).await.expect("connect to PostgreSQL");
                sqlx::query(&format!("CREATE DATABASE {name}"))
                    .execute(admin_db.pool())
                    .await
                    .expect("create test database");
                admin_db.close().await;
                let base = admin.rsplit_once('/').map(|(b, _)| b).unwrap_or(&admin);
                (format!("{base}/{name}"), Some(name))
            }
        };
        let db = server::db::open(&url, 8)
            .await
            .expect("open and migrate test database");
        TestDb {
            url,
            db,
            dir,
            pg_name,
        }
    }

    pub fn dir(&self) -> &Path {
        self.dir.path()
    }

    /// Closes the pool and drops a PostgreSQL database.
    ///
    /// Fails the test when it still holds one of the pool's connections.
    pub async fn drop_db(self) {
        assert!(
            self.db.close().await,
            "closing the test pool: a connection is still checked out"
        );
        if let Some(name) = self.pg_name
            && let Ok(admin) = Db::connect(&pg_admin_url(), 1).await
        {
            let _ = sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                .execute(admin.pool())
                .await;
            admin.close().await;
        }
    }

    /// Creates an account directly in the database; returns its id.
    pub async fn account(&self, username: &str, pass: &str, role: Role) -> i64 {
        let hash = password::hash(pass.to_owned()).await.expect("hash");
        queries::insert(
            self.db.pool(),
            username,
            &format!("测试{username}"),
            &hash,
            role,
            platform::now(),
        )
        .await
        .expect("insert account")
    }
}

/// A group for tests: `starts`/`ends` in days from today.
pub struct GroupSpec<'a> {
    pub slug: &'a str,
    pub policy: app::groups::JoinPolicy,
    pub visibility: app::groups::GroupVisibility,
    pub member_seats: i64,
    pub reader_seats: i64,
    pub starts: i64,
    pub ends: i64,
}

impl Default for GroupSpec<'_> {
    fn default() -> Self {
        GroupSpec {
            slug: "test-group",
            policy: app::groups::JoinPolicy::Open,
            visibility: app::groups::GroupVisibility::Public,
            member_seats: 5,
            reader_seats: 5,
            starts: -1,
            ends: 30,
        }
    }
}

/// `YYYY-MM-DD` for today plus `offset` days (Beijing).
pub fn day(offset: i64) -> String {
    let today = platform::time::day_at(platform::now());
    platform::time::day_string(today + time::Duration::days(offset))
}

impl TestDb {
    /// A catalogue book; returns its id.
    pub async fn book(&self, title: &str, isbn: Option<&str>) -> i64 {
        self.book_result(title, isbn).await.expect("insert book")
    }

    pub async fn book_result(&self, title: &str, isbn: Option<&str>) -> Result<i64, sqlx::Error> {
        let fields = app::books::BookFields {
            title: title.to_owned(),
            author: "测试作者".to_owned(),
            publisher: String::new(),
            year: Some(2020),
            isbn: isbn.map(str::to_owned),
            pages: Some(300),
            summary: String::new(),
        };
        app::books::queries::insert(self.db.pool(), &fields, None, platform::now()).await
    }

    /// A reading group; returns its id. Its invitation token is "token-<slug>".
    pub async fn group(&self, spec: GroupSpec<'_>) -> i64 {
        let fields = app::groups::GroupFields {
            slug: spec.slug.to_owned(),
            name: format!("测试群 {}", spec.slug),
            theme: "测试主题".to_owned(),
            description_md: String::new(),
            kind: app::groups::GroupKind::ReaderGroup,
            sector_id: None,
            committee: String::new(),
            starts_on: day(spec.starts),
            ends_on: day(spec.ends),
            join_policy: spec.policy,
            visibility: spec.visibility,
            member_seats: spec.member_seats,
            reader_seats: spec.reader_seats,
        };
        app::groups::queries::insert(
            self.db.pool(),
            &fields,
            "",
            &format!("token-{}", spec.slug),
            None,
            platform::now(),
        )
        .await
        .expect("insert group")
    }

    /// Puts someone in a group with a role (leader/guide are staff).
    pub async fn add_to_group(&self, group_id: i64, account_id: i64, role: app::groups::GroupRole) {
        let mut conn = self.db.pool().acquire().await.expect("conn");
        match role {
            app::groups::GroupRole::Member => {
                app::groups::queries::take_seat(
                    &mut conn,
                    group_id,
                    account_id,
                    app::groups::Seat::Reader,
                    1,
                )
                .await
                .expect("join");
            }
            other => app::groups::queries::set_role(&mut conn, group_id, account_id, other, 1)
                .await
                .expect("role"),
        }
    }
}

/// The real server, started on port 0 against a fresh database.
pub struct TestApp {
    pub base: String,
    pub store: TestDb,
    pub config: Config,
    running: Option<server::Running>,
}

impl TestApp {
    pub async fn spawn(backend: Backend) -> TestApp {
        TestApp::spawn_with(backend, |_| {}).await
    }

    /// Starts with the test configuration changed by `tweak`.
    pub async fn spawn_with(backend: Backend, tweak: impl FnOnce(&mut Config)) -> TestApp {
        let store = TestDb::new(backend).await;
        let mut config = Config::for_tests(&store.url, store.dir());
        tweak(&mut config);
        let running = server::start(&config, std::future::pending())
            .await
            .expect("server starts");
        TestApp {
            base: format!("http://{}", running.addr),
            store,
            config,
            running: Some(running),
        }
    }

    pub fn db(&self) -> &Db {
        &self.store.db
    }

    /// The server's own pool (closing it makes the server lose its database).
    pub fn server_db(&self) -> &Db {
        &self.running.as_ref().expect("server running").db
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// Stops the server (graceful) and starts a new one on the same database.
    pub async fn restart(&mut self) {
        if let Some(r) = self.running.take() {
            r.shutdown().await;
        }
        let running = server::start(&self.config, std::future::pending())
            .await
            .expect("server restarts");
        self.base = format!("http://{}", running.addr);
        self.store.db = running.db.clone();
        self.running = Some(running);
    }

    /// Stops the server but keeps the database files (to inspect them).
    pub async fn stop_keep_files(mut self) {
        if let Some(r) = self.running.take() {
            r.shutdown().await;
        }
        let dir = std::mem::replace(&mut self.store.dir, tempfile::tempdir().expect("temp dir"));
        // Leaked on purpose: the caller reads the files after this returns.
        let _ = dir.keep();
        self.store.drop_db().await;
    }

    pub async fn stop(mut self) {
        if let Some(r) = self.running.take() {
            r.shutdown().await;
        }
        self.store.drop_db().await;
    }

    /// A browser-like client: asks for HTML, keeps cookies, does not
    /// follow redirects.
    pub fn client(&self) -> reqwest::Client {
        browser_like().cookie_store(true).build().expect("client")
    }

    /// A client without a cookie store (cookies are passed by hand).
    pub fn bare_client(&self) -> reqwest::Client {
        browser_like().build().expect("client")
    }

    /// Calls a server function the way the WebAssembly client does.
    pub async fn call(
        &self,
        client: &reqwest::Client,
        endpoint: &str,
        form: &[(&str, &str)],
    ) -> reqwest::Response {
        client
            .post(self.url(&format!("/api/{endpoint}")))
            .header("accept", "application/json")
            .form(form)
            .send()
            .await
            .expect("request")
    }

    /// Calls a server function presenting a session cookie by hand.
    /// Starts a thread through the server function, as `client`; answers
    /// the new thread's id (the test fails if the server refuses).
    pub async fn start_thread(
        &self,
        client: &reqwest::Client,
        slug: &str,
        title: &str,
        body: &str,
        book_id: &str,
    ) -> i64 {
        let fields = [
            ("slug", slug),
            ("title", title),
            ("body", body),
            ("book_id", book_id),
        ];
        let (s, v) = json(self.call(client, "threads/create", &fields).await).await;
        assert_eq!(s, 200, "create a thread: {v}");
        v.as_str()
            .and_then(|path| path.rsplit('/').next())
            .and_then(|id| id.parse().ok())
            .unwrap_or_else(|| panic!("a thread address: {v}"))
    }

    pub async fn call_as(
        &self,
        session: &str,
        endpoint: &str,
        form: &[(&str, &str)],
    ) -> reqwest::Response {
        self.bare_client()
            .post(self.url(&format!("/api/{endpoint}")))
            .header("accept", "application/json")
            .header("cookie", format!("shuxiang_session={session}"))
            .form(form)
            .send()
            .await
            .expect("request")
    }

    /// Posts a form the way a browser without WebAssembly does: asking for
    /// HTML, from the page at `from`.
    pub async fn form_post(
        &self,
        client: &reqwest::Client,
        endpoint: &str,
        from: &str,
        form: &[(&str, &str)],
    ) -> reqwest::Response {
        client
            .post(self.url(&format!("/api/{endpoint}")))
            .header("accept", "text/html,application/xhtml+xml")
            .header("referer", self.url(from))
            .form(form)
            .send()
            .await
            .expect("request")
    }

    /// The HTML of a page.
    pub async fn page(&self, client: &reqwest::Client, path: &str) -> String {
        client
            .get(self.url(path))
            .send()
            .await
            .expect("request")
            .text()
            .await
            .expect("body")
    }

    pub async fn login(
        &self,
        client: &reqwest::Client,
        username: &str,
        pass: &str,
    ) -> reqwest::Response {
        self.call(
            client,
            "login",
            &[("username", username), ("password", pass)],
        )
        .await
    }

    /// The signed-in user name as the server sees it, or `None`.
    pub async fn whoami(&self, client: &reqwest::Client) -> Option<String> {
        username_of(self.call(client, "me", &[]).await).await
    }

    /// Who a session cookie signs in, or `None`.
    pub async fn whoami_as(&self, session: &str) -> Option<String> {
        username_of(self.call_as(session, "me", &[]).await).await
    }
}

async fn username_of(res: reqwest::Response) -> Option<String> {
    assert_eq!(res.status(), 200, "/api/me answers");
    let body: serde_json::Value = res.json().await.expect("json");
    body.get("username")
        .and_then(|u| u.as_str())
        .map(str::to_owned)
}

fn browser_like() -> reqwest::ClientBuilder {
    let mut headers = HeaderMap::new();
    headers.insert(
        reqwest::header::ACCEPT,
        "text/html,application/xhtml+xml,*/*;q=0.8"
            .parse()
            .expect("header"),
    );
    reqwest::Client::builder()
        .default_headers(headers)
        .redirect(reqwest::redirect::Policy::none())
        // A server that stops answering fails the test instead of hanging it.
        .connect_timeout(std::time::Duration::from_secs(10))
        .read_timeout(std::time::Duration::from_secs(40))
}

/// The value of the session cookie set by a response, if any.
pub fn session_cookie(headers: &HeaderMap) -> Option<String> {
    set_cookie_line(headers, "shuxiang_session")
        .and_then(|line| line.split(';').next().map(str::to_owned))
        .and_then(|pair| pair.split_once('=').map(|(_, v)| v.to_owned()))
}

/// The whole `Set-Cookie` line for a cookie name.
pub fn set_cookie_line(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with(&format!("{name}=")))
        .map(str::to_owned)
}

/// The password of the accounts the HTTP tests create.
pub const TEST_PASSWORD: &str = "password-123";

/// Counts rows of a table (for "nothing changed").
pub async fn rows(app: &TestApp, table: &str) -> i64 {
    sqlx::query_scalar(&format!("SELECT COUNT(*) FROM {table}"))
        .fetch_one(app.db().pool())
        .await
        .unwrap()
}

/// A client signed in as `user` (whose password is [`TEST_PASSWORD`]).
pub async fn signed_in(app: &TestApp, user: &str) -> reqwest::Client {
    let c = app.client();
    assert_eq!(
        app.login(&c, user, TEST_PASSWORD).await.status(),
        200,
        "{user} signs in"
    );
    c
}

impl TestApp {
    /// The running server's live hub (watch-page rooms; views are added to
    /// the database in batches, `flush` adds them at once).
    pub fn live(&self) -> &std::sync::Arc<app::lectures::live::LiveHub> {
        &self.running.as_ref().expect("server running").features.live
    }

    /// The running server's read positions not written yet (`flush` writes them).
    pub fn reads(&self) -> &std::sync::Arc<app::threads::reads::ReadMarks> {
        &self
            .running
            .as_ref()
            .expect("server running")
            .features
            .reads
    }

    /// Another server on the same database and configuration, as a second
    /// node behind a load balancer would be. Stop it before the first.
    pub async fn second_server(&self) -> SecondServer {
        let running = server::start(&self.config, std::future::pending())
            .await
            .expect("second server starts");
        SecondServer {
            base: format!("http://{}", running.addr),
            running: Some(running),
        }
    }
}

/// A second server on a [`TestApp`]'s database (see [`TestApp::second_server`]).
pub struct SecondServer {
    pub base: String,
    running: Option<server::Running>,
}

impl SecondServer {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    pub fn live(&self) -> &std::sync::Arc<app::lectures::live::LiveHub> {
        &self.running.as_ref().expect("server running").features.live
    }

    /// Stops it (graceful); the database stays.
    pub async fn stop(mut self) {
        if let Some(r) = self.running.take() {
            r.shutdown().await;
        }
    }
}

/// A server function's answer: its status and JSON body (text if not JSON).
pub async fn json(res: reqwest::Response) -> (u16, serde_json::Value) {
    let status = res.status().as_u16();
    let text = res.text().await.unwrap();
    let value = serde_json::from_str(&text).unwrap_or(serde_json::Value::String(text));
    (status, value)
}

/// A TEXT value as RFC 5545 §3.3.11 escapes it, which is how the `ical`
/// parser hands it back.
pub fn ical_escaped(value: &str) -> String {
    value
        .replace('\\', "\\\\")
        .replace(';', "\\;")
        .replace(',', "\\,")
        .replace('\n', "\\n")
}

/// The `(field, message)` pairs of a 422 answer's body.
pub fn field_errors(body: &serde_json::Value) -> Vec<(String, String)> {
    body["Invalid"]["fields"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|p| {
                    (
                        p[0].as_str().unwrap().to_owned(),
                        p[1].as_str().unwrap().to_owned(),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

// ---------------------------------------------------------------------------
// Shared by the fault tests (tests/tests/suite/faults.rs) and bench_mixed.

/// Creates an account with [`TEST_PASSWORD`] on any database; returns its id.
pub async fn account_on(db: &Db, username: &str, role: Role) -> i64 {
    let hash = password::hash(TEST_PASSWORD.to_owned())
        .await
        .expect("hash");
    let display = format!("测试{username}");
    queries::insert(db.pool(), username, &display, &hash, role, platform::now())
        .await
        .expect("insert account")
}

/// A published session of the lecture hall that is live now; returns its id.
pub async fn live_lecture(db: &Db, owner_id: i64, slug: &str) -> i64 {
    let now = platform::now();
    let fields = app::lectures::LectureFields {
        slug: slug.to_owned(),
        title: "乡土中国与基层治理".to_owned(),
        series: "政协大讲堂".to_owned(),
        speaker: "费老师".to_owned(),
        speaker_bio: String::new(),
        abstract_md: "测试用的讲座。".to_owned(),
        starts_at: now - 600,
        ends_at: now + 6 * 3600,
        venues: vec![app::lectures::VenueFields {
            id: None,
            name: "主会场".to_owned(),
            address: "政协礼堂".to_owned(),
            seats: 500,
        }],
        streams: Vec::new(),
        replay_url: String::new(),
        group_id: None,
        book_id: None,
    };
    let mut tx = db.pool().begin().await.expect("begin");
    let id = app::lectures::queries::insert(
        &mut tx,
        &fields,
        "<p>测试用的讲座。</p>",
        app::lectures::LectureState::Published,
        owner_id,
        &format!("checkin-key-{slug}"),
        now,
    )
    .await
    .expect("insert lecture");
    tx.commit().await.expect("commit");
    id
}

/// The server in a process of its own (`test_server`, configured from
/// `env` on top of a development configuration on port 0), so that it can
/// be killed. Killed when dropped; its log is `server.log` in `dir`.
pub struct ServerProcess {
    child: tokio::process::Child,
    pub base: String,
}

impl ServerProcess {
    pub async fn start(
        exe: &Path,
        database_url: &str,
        dir: &Path,
        env: &[(&str, &str)],
    ) -> ServerProcess {
        let log_path = dir.join("server.log");
        let log = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&log_path)
            .expect("server log");
        let mut child = tokio::process::Command::new(exe)
            .env("SHUXIANG_ENV", "development")
            .env("SHUXIANG_DEMO", "0")
            .env("SHUXIANG_DATA_DIR", dir)
            .env("DATABASE_URL", database_url)
            .env("LEPTOS_SITE_ADDR", "127.0.0.1:0")
            .env(
                "SHUXIANG_SESSION_SECRET",
                "test secret that is long enough to sign cookies",
            )
            .env_remove("RUST_LOG")
            .env_remove("SHUXIANG_LOG")
            .envs(env.iter().copied())
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(log)
            .kill_on_drop(true)
            .spawn()
            .unwrap_or_else(|e| panic!("starting {}: {e}", exe.display()));
        let stdout = child.stdout.take().expect("stdout");
        let mut lines = tokio::io::AsyncBufReadExt::lines(tokio::io::BufReader::new(stdout));
        let line = tokio::time::timeout(std::time::Duration::from_secs(120), lines.next_line())
            .await
            .ok()
            .and_then(|l| l.ok().flatten())
            .unwrap_or_default();
        let Some(addr) = line.strip_prefix("listening ") else {
            let log = std::fs::read_to_string(&log_path).unwrap_or_default();
            panic!("the server process did not start; its log:\n{log}");
        };
        ServerProcess {
            base: format!("http://{}", addr.trim()),
            child,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// SIGKILL: no shutdown, nothing flushed or closed.
    pub async fn kill(mut self) {
        self.child.kill().await.expect("SIGKILL the server");
    }

    /// Stops it gracefully (its stdin closes) and waits for it.
    pub async fn stop(mut self) {
        drop(self.child.stdin.take());
        let exited = tokio::time::timeout(std::time::Duration::from_secs(40), self.child.wait())
            .await
            .is_ok_and(|s| s.is_ok_and(|s| s.success()));
        assert!(exited, "the server process stops when its stdin closes");
    }
}

/// Waits until the search index holds every change made so far. The
/// server's background indexer may be writing a batch that a search's own
/// catching up skips (PostgreSQL hands each entry to one indexer), so a
/// test that counts results waits for the queue to empty.
pub async fn search_settled(db: &Db) {
    for _ in 0..400 {
        app::search::queries::index::drain(db).await.expect("index");
        if !app::search::queries::index::pending(db)
            .await
            .expect("queue")
        {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(25)).await;
    }
    panic!("the search index did not catch up in 10 seconds");
}

/// Writes posts to a thread with multi-row INSERTs (faster than one by
/// one, for tests and benchmarks that need many): `bodies[i]` gets
/// sequence number `first_seq + i` and time `first_at + i`. The thread's
/// own counters are left alone; the search queue fills as for any post.
pub async fn bulk_posts(
    db: &Db,
    thread: i64,
    author: i64,
    bodies: &[String],
    first_seq: i64,
    first_at: i64,
) {
    const ROWS: usize = 500;
    let mut tx = db.pool().begin().await.expect("begin");
    for (c, chunk) in bodies.chunks(ROWS).enumerate() {
        let values: Vec<String> = (0..chunk.len())
            .map(|k| {
                let p = 6 * k;
                format!(
                    "(${}, ${}, ${}, ${}, ${}, ${})",
                    p + 1,
                    p + 2,
                    p + 3,
                    p + 4,
                    p + 5,
                    p + 6
                )
            })
            .collect();
        let sql = format!(
            "INSERT INTO post (thread_id, seq, account_id, body_md, body_html, created_at) VALUES {}",
            values.join(", ")
        );
        let mut q = sqlx::query(&sql);
        for (k, body) in chunk.iter().enumerate() {
            let i = (c * ROWS + k) as i64;
            q = q
                .bind(thread)
                .bind(first_seq + i)
                .bind(author)
                .bind(body)
                .bind(body)
                .bind(first_at + i);
        }
        q.execute(&mut *tx).await.expect("insert posts");
    }
    tx.commit().await.expect("commit posts");
}

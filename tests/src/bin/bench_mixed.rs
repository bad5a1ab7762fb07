//! `make bench`: a mixed load of visitors and members, 60 seconds
//! (`SHUXIANG_BENCH_MIXED_SECS`) on 64 connections, against the server in a
//! process of its own (the `test_server` built beside this binary, release
//! in `make bench`), on SQLite and, when `SHUXIANG_TEST_PG_URL` is set,
//! PostgreSQL.
//!
//! 40 connections are visitors reading the home page, the group list, a
//! group, a thread and a lecture page; 24 are signed-in members who reply,
//! like posts, vote on the live lecture's questions, check in (once a day
//! per group, so 8 each at most) and read threads. Each connection sends
//! its next request when the last one is answered.
//!
//! Prints, per kind of request, the answers (2xx, 429 apart from other
//! 4xx, 5xx, and requests dropped: no answer within 30 s or a broken
//! connection) and the median and 99th-percentile time, then the
//! throughput. The posting limit is raised in the server's configuration,
//! so 429 does not occur by design. Afterwards the counters are checked
//! against the rows (posts per thread, likes, votes). Fails (exit code 1)
//! on any 5xx, dropped request or counter that disagrees.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use app::accounts::Role;
use app::groups::GroupRole;
use shuxiang_tests::{
    Backend, GroupSpec, ServerProcess, TEST_PASSWORD, TestDb, account_on, live_lecture,
};

/// Connections of visitors and of members: 64 in all.
const VISITORS: usize = 40;
const MEMBERS: usize = 24;
/// Public groups, each with one thread and every member in it.
const GROUPS: usize = 8;
/// Replies in each thread before the load starts.
const SEEDED_REPLIES: usize = 20;
const LECTURE: &str = "bench-mixed";
/// Default length of the load.
const SECS: u64 = 60;
/// A request unanswered this long counts as dropped.
const TIMEOUT: Duration = Duration::from_secs(30);

/// A reply of the usual size and shape.
const REPLY: &str = "读到**差序格局**这一章，想到基层协商里“熟人社会”的作用：\n\n\
     - 调解靠威望，\n- 议事靠人情，\n- 落实还要靠制度。\n\n\
     > 以“己”为中心，像石子一般投入水中。\n\n大家怎么看？";

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Kind {
    Home,
    Groups,
    Group,
    Thread,
    Lecture,
    Reply,
    Like,
    Vote,
    CheckIn,
}

impl Kind {
    fn name(self) -> &'static str {
        match self {
            Kind::Home => "GET /              (visitor)",
            Kind::Groups => "GET /groups        (visitor)",
            Kind::Group => "GET /groups/{slug} (visitor)",
            Kind::Thread => "GET thread page    (both)",
            Kind::Lecture => "GET /lectures/{s}  (visitor)",
            Kind::Reply => "POST threads/reply (member)",
            Kind::Like => "POST posts/like    (member)",
            Kind::Vote => "POST lectures/vote (member)",
            Kind::CheckIn => "POST check-in      (member)",
        }
    }
}

/// The answers to one kind of request.
#[derive(Debug, Default)]
struct Tally {
    ok: u64,
    too_many: u64,
    refused: u64,
    server_error: u64,
    dropped: u64,
    took: Vec<Duration>,
    /// A few of the answers that were not 2xx, to show.
    samples: Vec<String>,
}

impl Tally {
    fn add(&mut self, other: Tally) {
        self.ok += other.ok;
        self.too_many += other.too_many;
        self.refused += other.refused;
        self.server_error += other.server_error;
        self.dropped += other.dropped;
        self.took.extend(other.took);
        for s in other.samples {
            if self.samples.len() < 3 {
                self.samples.push(s);
            }
        }
    }

    fn total(&self) -> u64 {
        self.ok + self.too_many + self.refused + self.server_error + self.dropped
    }

    fn errors(&self) -> u64 {
        self.server_error + self.dropped
    }
}

/// What the load runs against.
struct World {
    base: String,
    /// (slug, thread id) of each group.
    groups: Vec<(String, i64)>,
    posts: Vec<i64>,
    questions: Vec<i64>,
}

/// A small, fast, deterministic random source (xorshift).
struct Dice(u64);

impl Dice {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n as u64) as usize
    }
}

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    if !runtime.block_on(run()) {
        std::process::exit(1);
    }
}

async fn run() -> bool {
    let secs = match std::env::var("SHUXIANG_BENCH_MIXED_SECS") {
        Ok(v) if !v.trim().is_empty() => v.trim().parse().unwrap_or_else(|_| {
            panic!("SHUXIANG_BENCH_MIXED_SECS must be a number of seconds, not {v:?}")
        }),
        _ => SECS,
    };
    let Some(server_exe) = server_exe() else {
        eprintln!(
            "bench_mixed: test_server is not beside this binary; build both: \
             cargo build --release -p shuxiang-tests --bin test_server --bin bench_mixed"
        );
        return false;
    };
    println!("书香 · 混合负载基准 / mixed load benchmark");
    println!(
        "\n# {secs} s, {} connections: {VISITORS} visitors reading, {MEMBERS} members writing \
         (replies, likes, question votes, check-ins) and reading; the server in its own \
         process ({}), posting limit raised.",
        VISITORS + MEMBERS,
        server_exe.display()
    );
    let mut ok = bench(Backend::Sqlite, &server_exe, secs).await;
    if std::env::var_os("SHUXIANG_TEST_PG_URL").is_some() {
        ok &= bench(Backend::Postgres, &server_exe, secs).await;
    } else {
        println!(
            "\n== PostgreSQL: skipped (SHUXIANG_TEST_PG_URL is not set; `make bench` starts \
             PostgreSQL and sets it) =="
        );
    }
    ok
}

fn server_exe() -> Option<PathBuf> {
    let exe = std::env::current_exe().ok()?.with_file_name("test_server");
    exe.exists().then_some(exe)
}

fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .pool_max_idle_per_host(1)
        .timeout(TIMEOUT)
        .build()
        .expect("client")
}

async fn bench(backend: Backend, server_exe: &std::path::Path, secs: u64) -> bool {
    println!("\n== {backend:?} ==");
    let store = TestDb::new(backend).await;
    let server = ServerProcess::start(
        server_exe,
        &store.url,
        store.dir(),
        &[("SHUXIANG_POST_LIMIT", "1000000"), ("SHUXIANG_LOG", "warn")],
    )
    .await;
    let seeding = Instant::now();
    let (world, members) = seed(&store, &server.base).await;
    println!(
        "seeded in {:.1} s: {GROUPS} groups with a thread of {} posts each, {} questions",
        seeding.elapsed().as_secs_f64(),
        SEEDED_REPLIES + 1,
        world.questions.len()
    );

    let world = std::sync::Arc::new(world);
    let end = Instant::now() + Duration::from_secs(secs);
    let started = Instant::now();
    let mut tasks = Vec::new();
    for v in 0..VISITORS {
        let world = std::sync::Arc::clone(&world);
        tasks.push(tokio::spawn(async move {
            visitor(&world, client(), Dice(0x9E37_79B9 + v as u64), end).await
        }));
    }
    for (m, c) in members.into_iter().enumerate() {
        let world = std::sync::Arc::clone(&world);
        tasks.push(tokio::spawn(async move {
            member(&world, c, Dice(0x85EB_CA6B + m as u64), end).await
        }));
    }
    let mut tallies: BTreeMap<Kind, Tally> = BTreeMap::new();
    for t in tasks {
        for (kind, tally) in t.await.expect("connection task") {
            tallies.entry(kind).or_default().add(tally);
        }
    }
    let elapsed = started.elapsed();
    let ok = report(&tallies, elapsed) & counters_agree(&store).await;
    let log = std::fs::read_to_string(store.dir().join("server.log")).unwrap_or_default();
    let logged = log
        .lines()
        .filter(|l| l.contains("ERROR") || l.contains("WARN"))
        .count();
    println!("server log: {logged} warnings and errors");
    if logged > 0 {
        for line in log
            .lines()
            .filter(|l| l.contains("ERROR") || l.contains("WARN"))
            .take(5)
        {
            println!("  {line}");
        }
    }
    server.stop().await;
    store.drop_db().await;
    ok
}

/// Members, groups with a thread each, replies, and the live lecture with a
/// question from each member. Returns the members' signed-in clients.
async fn seed(store: &TestDb, base: &str) -> (World, Vec<(usize, reqwest::Client)>) {
    let owner = account_on(&store.db, "bench-organiser", Role::Organiser).await;
    let lecture = live_lecture(&store.db, owner, LECTURE).await;
    let mut members = Vec::new();
    let mut ids = Vec::new();
    // One after another: sign-in hashing is bounded and queued.
    for m in 0..MEMBERS {
        let name = format!("bench-member-{m:02}");
        ids.push(account_on(&store.db, &name, Role::Member).await);
        let c = client();
        let (status, body) = call(
            &c,
            base,
            "login",
            &[("username", &name), ("password", TEST_PASSWORD)],
        )
        .await
        .expect("login");
        assert_eq!(status, 200, "{name} signs in: {body}");
        members.push((m, c));
    }
    let mut groups = Vec::new();
    for g in 0..GROUPS {
        let slug = format!("bench-mixed-{g}");
        let group = store
            .group(GroupSpec {
                slug: &slug,
                member_seats: MEMBERS as i64,
                reader_seats: MEMBERS as i64,
                ..GroupSpec::default()
            })
            .await;
        for id in &ids {
            store.add_to_group(group, *id, GroupRole::Member).await;
        }
        let c = &members[g % MEMBERS].1;
        let form = [
            ("slug", slug.as_str()),
            ("title", "乡土中国 · 第六章讨论"),
            ("body", REPLY),
            ("book_id", ""),
        ];
        let (status, path) = call(c, base, "threads/create", &form)
            .await
            .expect("create thread");
        assert_eq!(status, 200, "thread created: {path}");
        let thread: i64 = path
            .rsplit('/')
            .next()
            .and_then(|t| t.trim_matches('"').parse().ok())
            .expect("thread id");
        let thread_s = thread.to_string();
        for r in 0..SEEDED_REPLIES {
            let form = [
                ("thread_id", thread_s.as_str()),
                ("body", REPLY),
                ("quote_id", ""),
            ];
            let (status, body) = call(&members[r % MEMBERS].1, base, "threads/reply", &form)
                .await
                .expect("reply");
            assert_eq!(status, 200, "seeded reply: {body}");
        }
        groups.push((slug, thread));
    }
    let mut questions = Vec::new();
    for (m, id) in ids.iter().enumerate() {
        let mut tx = store.db.pool().begin().await.expect("begin");
        let q = app::lectures::queries::questions::ask(
            &mut tx,
            lecture,
            *id,
            &format!("第 {m} 个问题：差序格局在城市社区还适用吗？"),
            platform::now(),
        )
        .await
        .expect("ask")
        .expect("within the question limit");
        tx.commit().await.expect("commit");
        questions.push(q);
    }
    let posts = sqlx::query_scalar("SELECT id FROM post ORDER BY id")
        .fetch_all(store.db.pool())
        .await
        .expect("post ids");
    let world = World {
        base: base.to_owned(),
        groups,
        posts,
        questions,
    };
    (world, members)
}

/// A server function call as the WebAssembly client makes it: status and body.
async fn call(
    c: &reqwest::Client,
    base: &str,
    endpoint: &str,
    form: &[(&str, &str)],
) -> reqwest::Result<(u16, String)> {
    let res = c
        .post(format!("{base}/api/{endpoint}"))
        .header("accept", "application/json")
        .form(form)
        .send()
        .await?;
    let status = res.status().as_u16();
    Ok((status, res.text().await?))
}

async fn page(c: &reqwest::Client, url: String) -> reqwest::Result<(u16, String)> {
    let res = c
        .get(url)
        .header("accept", "text/html,application/xhtml+xml")
        .send()
        .await?;
    let status = res.status().as_u16();
    Ok((status, res.text().await?))
}

fn record(
    tallies: &mut BTreeMap<Kind, Tally>,
    kind: Kind,
    took: Duration,
    answer: reqwest::Result<(u16, String)>,
) {
    let t = tallies.entry(kind).or_default();
    t.took.push(took);
    let sample = match answer {
        Ok((status, _)) if (200..400).contains(&status) => {
            t.ok += 1;
            return;
        }
        Ok((429, body)) => {
            t.too_many += 1;
            format!("429 {body}")
        }
        Ok((status, body)) if status >= 500 => {
            t.server_error += 1;
            format!("{status} {}", body.chars().take(200).collect::<String>())
        }
        Ok((status, body)) => {
            t.refused += 1;
            format!("{status} {}", body.chars().take(200).collect::<String>())
        }
        Err(e) => {
            t.dropped += 1;
            format!("dropped: {e}")
        }
    };
    if t.samples.len() < 3 {
        t.samples.push(sample);
    }
}

fn thread_url(world: &World, g: usize) -> String {
    let (slug, thread) = &world.groups[g];
    format!("{}/groups/{slug}/threads/{thread}", world.base)
}

async fn visitor(
    world: &World,
    c: reqwest::Client,
    mut dice: Dice,
    end: Instant,
) -> BTreeMap<Kind, Tally> {
    let mut tallies = BTreeMap::new();
    let mut turn = dice.below(5);
    while Instant::now() < end {
        let g = dice.below(GROUPS);
        let (kind, url) = match turn % 5 {
            0 => (Kind::Home, format!("{}/", world.base)),
            1 => (Kind::Groups, format!("{}/groups", world.base)),
            2 => (
                Kind::Group,
                format!("{}/groups/{}", world.base, world.groups[g].0),
            ),
            3 => (Kind::Thread, thread_url(world, g)),
            _ => (Kind::Lecture, format!("{}/lectures/{LECTURE}", world.base)),
        };
        turn += 1;
        let sent = Instant::now();
        let answer = page(&c, url).await;
        record(&mut tallies, kind, sent.elapsed(), answer);
    }
    tallies
}

async fn member(
    world: &World,
    (m, c): (usize, reqwest::Client),
    mut dice: Dice,
    end: Instant,
) -> BTreeMap<Kind, Tally> {
    let mut tallies = BTreeMap::new();
    // Groups this member has not checked in to today.
    let mut to_check_in: Vec<usize> = (0..GROUPS).collect();
    let mut n = 0u64;
    while Instant::now() < end {
        n += 1;
        let roll = dice.below(100);
        let g = dice.below(GROUPS);
        let sent = Instant::now();
        let (kind, answer) = if roll < 30 {
            let thread = world.groups[g].1.to_string();
            let body = format!("{REPLY}\n\n（第 {m} 位成员的第 {n} 次发言）");
            let form = [
                ("thread_id", thread.as_str()),
                ("body", &body),
                ("quote_id", ""),
            ];
            (
                Kind::Reply,
                call(&c, &world.base, "threads/reply", &form).await,
            )
        } else if roll < 55 {
            let post = world.posts[dice.below(world.posts.len())].to_string();
            let like = if dice.below(2) == 0 { "1" } else { "0" };
            let form = [("id", post.as_str()), ("like", like)];
            (Kind::Like, call(&c, &world.base, "posts/like", &form).await)
        } else if roll < 75 {
            let q = world.questions[dice.below(world.questions.len())].to_string();
            let form = [("question_id", q.as_str())];
            (
                Kind::Vote,
                call(&c, &world.base, "lectures/vote", &form).await,
            )
        } else if roll < 85 && !to_check_in.is_empty() {
            let g = to_check_in.swap_remove(dice.below(to_check_in.len()));
            let form = [
                ("slug", world.groups[g].0.as_str()),
                ("minutes", "40"),
                ("pages", "25"),
                ("line", "今天读完了第六章"),
            ];
            (
                Kind::CheckIn,
                call(&c, &world.base, "check-in", &form).await,
            )
        } else {
            (Kind::Thread, page(&c, thread_url(world, g)).await)
        };
        record(&mut tallies, kind, sent.elapsed(), answer);
    }
    tallies
}

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let i = ((sorted.len() - 1) as f64 * p).round() as usize;
    sorted[i].as_secs_f64() * 1000.0
}

/// Prints the table; true when nothing failed.
fn report(tallies: &BTreeMap<Kind, Tally>, elapsed: Duration) -> bool {
    println!(
        "{:<30} {:>8} {:>8} {:>6} {:>6} {:>6} {:>8} {:>9} {:>9}",
        "request", "total", "2xx", "429", "4xx", "5xx", "dropped", "p50 ms", "p99 ms"
    );
    let mut all = Tally::default();
    for (kind, t) in tallies {
        let mut took = t.took.clone();
        took.sort();
        println!(
            "{:<30} {:>8} {:>8} {:>6} {:>6} {:>6} {:>8} {:>9.1} {:>9.1}",
            kind.name(),
            t.total(),
            t.ok,
            t.too_many,
            t.refused,
            t.server_error,
            t.dropped,
            percentile(&took, 0.5),
            percentile(&took, 0.99)
        );
        all.ok += t.ok;
        all.too_many += t.too_many;
        all.refused += t.refused;
        all.server_error += t.server_error;
        all.dropped += t.dropped;
        all.took.extend(took);
    }
    all.took.sort();
    println!(
        "{:<30} {:>8} {:>8} {:>6} {:>6} {:>6} {:>8} {:>9.1} {:>9.1}",
        "all",
        all.total(),
        all.ok,
        all.too_many,
        all.refused,
        all.server_error,
        all.dropped,
        percentile(&all.took, 0.5),
        percentile(&all.took, 0.99)
    );
    println!(
        "throughput: {:.0} requests/s over {:.1} s; errors (5xx + dropped): {}",
        all.total() as f64 / elapsed.as_secs_f64(),
        elapsed.as_secs_f64(),
        all.errors()
    );
    for (kind, t) in tallies {
        for s in &t.samples {
            println!(
                "  {}: {s}",
                kind.name().split_whitespace().last().unwrap_or("")
            );
        }
    }
    all.errors() == 0
}

/// Counters kept beside the rows still agree with them after the load.
async fn counters_agree(store: &TestDb) -> bool {
    let checks = [
        (
            "threads whose post_count is not their number of posts",
            "SELECT COUNT(*) FROM thread t WHERE post_count <> \
             (SELECT COUNT(*) FROM post p WHERE p.thread_id = t.id)",
        ),
        (
            "posts whose likes are not their like rows",
            "SELECT COUNT(*) FROM post p WHERE likes <> \
             (SELECT COUNT(*) FROM post_like l WHERE l.post_id = p.id)",
        ),
        (
            "questions whose votes are not their vote rows",
            "SELECT COUNT(*) FROM question q WHERE votes <> \
             (SELECT COUNT(*) FROM question_vote v WHERE v.question_id = q.id)",
        ),
    ];
    let mut ok = true;
    for (what, sql) in checks {
        let n: i64 = sqlx::query_scalar(sql)
            .fetch_one(store.db.pool())
            .await
            .expect("check counters");
        if n != 0 {
            println!("counters disagree: {n} {what}");
            ok = false;
        }
    }
    if ok {
        println!("counters agree with the rows (posts per thread, likes, votes)");
    }
    ok
}

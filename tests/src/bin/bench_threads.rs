//! `make bench`: how fast the first, middle and last page of a thread with
//! 10,000 posts open, next to a thread with 10 posts (the baseline,
//! measured in the same run), on SQLite and — when `SHUXIANG_TEST_PG_URL`
//! is set — PostgreSQL.
//!
//! For each backend: the real server on port 0 against a fresh database,
//! one public group, two members who post, and two threads seeded with
//! multi-row INSERTs in one transaction. Measured, for each page:
//!   * the database work of one page (`posts_between` + `summary_of`);
//!   * the whole server-rendered page over HTTP, as a signed-in member
//!     (so the read position is written too).
//!
//! Prints medians and 95th percentiles in milliseconds and the ratio to the
//! 10-post thread; for the queries also a row reading the last 10 posts of
//! each thread (the same number of rows on both sides) and each query on
//! its own; then the query plan of `posts_between` on the long thread.
//!
//! Then, for each backend, the weight of edits: a thread whose one post of
//! 10,000 characters was edited 1,000 times (through `posts/edit`, as a
//! member would) beside the same thread with the post unedited, as a
//! visitor fetches them: bytes, times and their ratios (target ≤ 1.2: the
//! thread page carries no earlier versions). Last, once: previewing
//! (`markdown::render`) 20,000 characters of nested `<ul>` and of `<b>`
//! beside a 20,000-character plain paragraph (target < 50 ms).
//!
//! It prints figures only: nothing here fails on a timing.

use std::fmt::Write as _;
use std::future::Future;
use std::time::{Duration, Instant};

use app::accounts::Role;
use app::groups::GroupRole;
use app::threads::queries::{self, PostViewer};
use app::threads::{PAGE_SIZE, page_count};
use platform::{Db, PostLimits};
use shuxiang_tests::{Backend, GroupSpec, TestApp};
use sqlx::Row;

const PW: &str = "bench-password-123";
const GROUP: &str = "bench";
/// The baseline thread and the long one.
const SHORT: i64 = 10;
const LONG: i64 = 10_000;
/// Rounds before measuring (connections, statement caches, page cache).
const WARMUP: usize = 5;
/// Samples per cell.
const SAMPLES: usize = 30;
/// Rows per INSERT statement (6 bound values each: well under both limits).
const ROWS_PER_INSERT: i64 = 500;

/// Posts as readers write them: Markdown of about 300 characters.
const BODIES: [&str; 4] = [
    "读到第六章《家族》，费孝通先生说中国乡土社会采取的是**差序格局**，像把一块石头丢在水面上所发生的一圈圈推出去的波纹。\n\n\
     我想到自己老家过年走亲戚的顺序，确实是从最近的一圈往外走：\n\n\
     - 先是祖父母、父母这一圈；\n- 再是叔伯姑舅；\n- 最后才是同村的乡邻。\n\n\
     > 以“己”为中心，像石子一般投入水中，和别人所联系成的社会关系，不像团体中的分子一般大家立在一个平面上的。\n\n\
     这种格局今天在城市里淡了很多，但在办事、托人的时候还是能感觉到。大家怎么看？",
    "同意楼上的看法，不过我想补充一点。书里讲**礼治秩序**时说，乡土社会里“维持礼俗的力量不在身外的权力，而是在身内的良心”。\n\n\
     这让我想起政协委员调研时常说的“熟人社会”：很多矛盾不是靠打官司解决的，而是靠村里有威望的长辈调解。\n\n\
     但是书里也提醒我们，当社会变迁加快，传统的经验就不够用了，这时候就需要*法治*来补位。\n\n\
     下周的线下讨论，我建议大家带上自己身边的一个具体例子，比如宅基地纠纷、赡养老人，结合第八章、第九章一起聊。",
    "## 第三周读书小结\n\n\
     这一周我们读完了《乡土中国》的后半部分，重点是*无讼*、*无为政治*、*长老统治*和*名实的分离*四章。\n\n\
     1. **无讼**：乡土社会里打官司被看作丢脸的事；\n\
     2. **长老统治**：教化性的权力，既不是民主也不是不民主；\n\
     3. **名实的分离**：注释和实际之间的距离越来越大。\n\n\
     有几位书友提到，这些概念放到今天的基层治理里依然有解释力。请大家在下面跟帖，\
     说说自己印象最深的一句话，以及为什么。打卡满七天的书友，周末可以领取下一本书目。",
    "刚刚读完《文字下乡》和《再论文字下乡》两章，很受启发。\n\n\
     费先生说乡下人不识字并不是因为笨，而是因为在**面对面的社群**里，文字本来就是多余的：\
     大家抬头不见低头见，一个眼神、一声咳嗽就能传达意思。\n\n\
     > 文字所能传的情、达的意是不完全的。\n\n\
     我在社区做志愿者的时候也有同感：给老人家发通知单，效果远不如上门说一句。\
     所以推广全民阅读，不只是送书下乡，还要有人领读、有人讲解，把书里的道理和身边的事连起来。这也是我们读书群存在的意义吧。",
];

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    println!(
        "书香 · 讨论区分页基准 / thread page benchmark: {SHORT} posts (the baseline) vs {} posts, \
         {PAGE_SIZE} posts a page;\n{WARMUP} warm-up rounds, then {SAMPLES} samples a cell \
         (cells taken in turn); times in ms, p50 = median, p95 = 95th percentile.",
        thousands(LONG)
    );
    bench(Backend::Sqlite).await;
    if std::env::var_os("SHUXIANG_TEST_PG_URL").is_some() {
        bench(Backend::Postgres).await;
    } else {
        println!(
            "\n== PostgreSQL: skipped (SHUXIANG_TEST_PG_URL is not set; `make bench` starts \
             PostgreSQL and sets it) =="
        );
    }
    bench_preview();
}

/// One thread of the benchmark.
struct Thread {
    id: i64,
    posts: i64,
}

impl Thread {
    /// The first, middle and last page numbers.
    fn pages(&self) -> [i64; 3] {
        let pages = page_count(self.posts);
        [1, (pages + 1) / 2, pages]
    }

    /// The posts `(first, last)` a row of the tables reads: the first,
    /// middle and last page, then the last `SHORT` posts.
    fn posts_of(&self, row: usize) -> (i64, i64) {
        match self.pages().get(row) {
            Some(page) => {
                let first = (page - 1) * PAGE_SIZE + 1;
                (first, (first + PAGE_SIZE - 1).min(self.posts))
            }
            None => ((self.posts - SHORT + 1).max(1), self.posts),
        }
    }
}

/// The rows of the tables; the query table has the fourth too.
const ROWS: [&str; 4] = ["first", "middle", "last", "last 10"];

async fn bench(backend: Backend) {
    let name = match backend {
        Backend::Sqlite => "SQLite",
        Backend::Postgres => "PostgreSQL",
    };
    println!("\n== {name} ==");
    // Room for the thousand edits of the edit benchmark.
    let app = TestApp::spawn_with(backend, |c| {
        c.post_limits = PostLimits {
            per_window: 100_000,
            window_secs: 60,
        }
    })
    .await;
    let t = &app.store;
    let reader = t.account("shuyou", PW, Role::Reader).await;
    let other = t.account("dushu", PW, Role::Member).await;
    let group = t
        .group(GroupSpec {
            slug: GROUP,
            ..GroupSpec::default()
        })
        .await;
    t.add_to_group(group, reader, GroupRole::Member).await;
    t.add_to_group(group, other, GroupRole::Member).await;

    let bodies: Vec<(&str, platform::SafeHtml)> = BODIES
        .iter()
        .map(|md| (*md, platform::markdown::render(md)))
        .collect();
    let mut threads = Vec::new();
    let mut seeding = Vec::new();
    for posts in [SHORT, LONG] {
        let started = Instant::now();
        let id = seed_thread(app.db(), group, [reader, other], posts, &bodies).await;
        seeding.push(format!(
            "{} posts in {}",
            thousands(posts),
            secs(started.elapsed())
        ));
        threads.push(Thread { id, posts });
    }
    println!(
        "seeding: {} (multi-row INSERTs of {ROWS_PER_INSERT} rows in one transaction; \
         every 5th post liked, every 7th quoting, every 10th edited)",
        seeding.join(", ")
    );
    if backend == Backend::Postgres {
        // What autovacuum does after this many inserts; done now so the
        // plans do not change halfway through the run.
        sqlx::query("ANALYZE account, thread, thread_read, post, post_like, post_revision")
            .execute(app.db().pool())
            .await
            .expect("analyze");
        println!("(ANALYZE after seeding, as autovacuum would do)");
    }
    let long = &threads[1];
    let [p1, p2, p3] = long.pages();
    println!(
        "pages: the {SHORT}-post thread has one page (first = middle = last) with {SHORT} posts; \
         the {}-post thread has {} pages of {PAGE_SIZE}: first {p1}, middle {p2}, last {p3}",
        thousands(LONG),
        page_count(long.posts)
    );

    // (a) The database work of one page.
    let db = app.db().clone();
    let viewer = PostViewer {
        viewer: platform::Viewer::Account(reader),
        sees_hidden: false,
        moderates: false,
    };
    let query = measure(&threads, ROWS.len(), |thread, row| {
        let db = db.clone();
        let id = thread.id;
        let (first, last) = thread.posts_of(row);
        async move {
            let started = Instant::now();
            let rows = queries::posts_between(db.pool(), id, first, last, viewer)
                .await
                .expect("posts_between");
            let between = started.elapsed();
            let summary = queries::summary_of(db.pool(), id, platform::Viewer::Account(reader))
                .await
                .expect("summary_of");
            let total = started.elapsed();
            assert_eq!(
                rows.len() as i64,
                last - first + 1,
                "posts {first}..={last}"
            );
            assert!(summary.is_some(), "the thread's summary");
            [total, between, total - between]
        }
    })
    .await;
    let part = |i: usize| -> Cells {
        query
            .iter()
            .map(|row| {
                row.iter()
                    .map(|samples| samples.iter().map(|t| t[i]).collect())
                    .collect()
            })
            .collect()
    };
    let (query, between, summary) = (part(0), part(1), part(2));
    print_table(
        "database work of one page: posts_between + summary_of",
        &query,
    );
    print_parts(&[("posts_between", &between), ("summary_of", &summary)]);
    println!(
        "  (a page of the long thread has {PAGE_SIZE} posts, the short thread's only page {SHORT}; \
         \"last 10\" reads the last {SHORT} posts of each thread,\n   the same number of rows, \
         so its ratio shows the effect of the thread's length alone)"
    );

    // (b) The server-rendered page over HTTP, signed in.
    let client = app.client();
    let login = app.login(&client, "shuyou", PW).await;
    assert_eq!(login.status(), 200, "the member signs in");
    let http = measure(&threads, 3, |thread, row| {
        let client = client.clone();
        let page = thread.pages()[row];
        let url = app.url(&format!(
            "/groups/{GROUP}/threads/{}?page={page}",
            thread.id
        ));
        let (first, last) = thread.posts_of(row);
        async move {
            let started = Instant::now();
            let res = client.get(&url).send().await.expect("request");
            let status = res.status();
            let html = res.text().await.expect("body");
            let took = started.elapsed();
            assert_eq!(status, 200, "GET {url}");
            assert!(
                html.contains(&format!("id=\"p{first}\""))
                    && html.contains(&format!("id=\"p{last}\"")),
                "GET {url} shows posts {first}..={last}"
            );
            took
        }
    })
    .await;
    print_table(
        &format!(
            "HTTP GET /groups/{GROUP}/threads/{{id}}?page=N, server-rendered, signed in \
             (includes the read-position update)"
        ),
        &http,
    );

    explain(app.db(), long, reader).await;
    bench_edits(&app, &client).await;
    app.stop().await;
}

/// Characters of the edited post (the longest post there may be).
const EDITED_CHARS: usize = 10_000;
/// Edits of the edited post.
const EDITS: usize = 1_000;
/// Requests per page for the edit benchmark.
const PAGE_SAMPLES: usize = 50;

/// A post of [`EDITED_CHARS`] characters ending in the number `n`.
fn long_post(n: usize) -> String {
    let tail = format!("{n:010}");
    let text: String = BODIES
        .iter()
        .flat_map(|b| b.chars())
        .cycle()
        .take(EDITED_CHARS - tail.len())
        .collect();
    text + &tail
}

/// The thread page of a post edited [`EDITS`] times beside the same page
/// with the post unedited, as a visitor loads them.
async fn bench_edits(app: &TestApp, member: &reqwest::Client) {
    let start = |body: String| async move {
        let res = app
            .call(
                member,
                "threads/create",
                &[
                    ("slug", GROUP),
                    ("title", "一篇很长的帖子"),
                    ("body", &body),
                    ("book_id", ""),
                ],
            )
            .await;
        assert_eq!(res.status(), 200, "the thread is created");
        let path: String = res.json().await.expect("path");
        path
    };
    let plain = start(long_post(0)).await;
    let edited = start(long_post(0)).await;
    let thread: i64 = edited.rsplit('/').next().unwrap().parse().unwrap();
    let post: i64 = sqlx::query_scalar("SELECT id FROM post WHERE thread_id = $1 AND seq = 1")
        .bind(thread)
        .fetch_one(app.db().pool())
        .await
        .expect("the post");
    let started = Instant::now();
    let id = post.to_string();
    for n in 1..=EDITS {
        let res = app
            .call(
                member,
                "posts/edit",
                &[("id", &id), ("body", &long_post(n))],
            )
            .await;
        assert_eq!(res.status(), 200, "edit {n}");
    }
    let editing = started.elapsed();
    let kept: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM post_revision WHERE post_id = $1")
        .bind(post)
        .fetch_one(app.db().pool())
        .await
        .expect("revisions");
    let visitor = app.client();
    let pages = [app.url(&plain), app.url(&edited)];
    let mut bytes = [0usize; 2];
    let mut times: [Vec<Duration>; 2] = [Vec::new(), Vec::new()];
    for round in 0..WARMUP + PAGE_SAMPLES {
        for (i, url) in pages.iter().enumerate() {
            let started = Instant::now();
            let res = visitor.get(url).send().await.expect("request");
            assert_eq!(res.status(), 200, "GET {url}");
            let body = res.bytes().await.expect("body");
            let took = started.elapsed();
            bytes[i] = body.len();
            if round >= WARMUP {
                times[i].push(took);
            }
        }
    }
    let (unedited, edited) = (stats(&times[0]), stats(&times[1]));
    println!(
        "\nthread page of one {}-character post edited {} times (through posts/edit: {}, \
         {kept} earlier versions kept) vs the same post unedited;\n{WARMUP} warm-up rounds, \
         then {PAGE_SAMPLES} requests each, as a visitor; times in ms",
        thousands(EDITED_CHARS as i64),
        thousands(EDITS as i64),
        secs(editing)
    );
    println!(
        "  {:<9} | {:>10} | {:>8} {:>8}",
        "post", "bytes", "p50", "p95"
    );
    println!("  {}", "-".repeat(9 + 3 + 10 + 3 + 17));
    for (name, b, (m, p)) in [
        ("unedited", bytes[0], unedited),
        ("edited", bytes[1], edited),
    ] {
        println!(
            "  {name:<9} | {:>10} | {m:>8.3} {p:>8.3}",
            thousands(b as i64)
        );
    }
    println!(
        "  ratio edited/unedited: bytes {:.3}×, p50 {:.2}×, p95 {:.2}× (target ≤ 1.2)",
        bytes[1] as f64 / bytes[0] as f64,
        edited.0 / unedited.0,
        edited.1 / unedited.1
    );
}

/// How long rendering (what `posts/preview` does) takes for 20,000
/// characters of deeply nested raw HTML, beside a plain paragraph.
fn bench_preview() {
    const CHARS: usize = 20_000;
    const RUNS: usize = 20;
    let sized = |unit: &str| unit.repeat(CHARS / unit.chars().count());
    let inputs = [
        ("plain paragraph", "读".repeat(CHARS)),
        ("<ul> × 5,000", sized("<ul>")),
        ("<b> × 6,666", sized("<b>")),
        ("<div><blockquote> × 1,176", sized("<div><blockquote>")),
    ];
    println!(
        "\n== preview: markdown::render of {} characters, {RUNS} runs each, in ms \
         (target < 50) ==",
        thousands(CHARS as i64)
    );
    println!(
        "  {:<26} | {:>8} {:>8} | {:>7}",
        "text", "p50", "p95", "vs plain"
    );
    println!("  {}", "-".repeat(26 + 3 + 17 + 3 + 8));
    let mut plain = 0.0;
    for (name, text) in &inputs {
        let mut samples = Vec::with_capacity(RUNS);
        for round in 0..WARMUP + RUNS {
            let started = Instant::now();
            let html = platform::markdown::render(text);
            let took = started.elapsed();
            assert!(html.len() < 4 * CHARS * 3, "{name}");
            if round >= WARMUP {
                samples.push(took);
            }
        }
        let (p50, p95) = stats(&samples);
        if plain == 0.0 {
            plain = p50;
        }
        println!(
            "  {name:<26} | {p50:>8.3} {p95:>8.3} | {:>6.2}×",
            p50 / plain
        );
    }
}

/// Inserts a thread with `posts` posts written by the two authors in turn;
/// returns its id.
async fn seed_thread(
    db: &Db,
    group: i64,
    authors: [i64; 2],
    posts: i64,
    bodies: &[(&str, platform::SafeHtml)],
) -> i64 {
    let now = platform::now();
    let start = now - posts * 60;
    let created = |seq: i64| start + seq * 60;
    let mut tx = db.pool().begin().await.expect("begin");
    let title = format!("《乡土中国》共读讨论（{posts} 帖）");
    let thread = queries::create_thread(&mut tx, group, None, authors[0], &title, start)
        .await
        .expect("create thread");
    let mut first = 1;
    while first <= posts {
        let last = (first + ROWS_PER_INSERT - 1).min(posts);
        let mut sql = String::from(
            "INSERT INTO post (thread_id, seq, account_id, body_md, body_html, created_at) VALUES ",
        );
        for (i, _) in (first..=last).enumerate() {
            let b = i * 6;
            if i > 0 {
                sql.push_str(", ");
            }
            let _ = write!(
                sql,
                "(${}, ${}, ${}, ${}, ${}, ${})",
                b + 1,
                b + 2,
                b + 3,
                b + 4,
                b + 5,
                b + 6
            );
        }
        let mut q = sqlx::query(&sql);
        for seq in first..=last {
            let (md, html) = &bodies[(seq as usize) % bodies.len()];
            q = q
                .bind(thread)
                .bind(seq)
                .bind(authors[(seq % 2) as usize])
                .bind(*md)
                .bind(html.as_str())
                .bind(created(seq));
        }
        q.execute(&mut *tx).await.expect("insert posts");
        first = last + 1;
    }
    // Likes by the first author, quotes of the post three above, edits with
    // their earlier version: what a page joins and looks up.
    sqlx::query(
        "INSERT INTO post_like (post_id, account_id, created_at) \
         SELECT id, $2, created_at FROM post WHERE thread_id = $1 AND seq % 5 = 0",
    )
    .bind(thread)
    .bind(authors[0])
    .execute(&mut *tx)
    .await
    .expect("likes");
    let steps = [
        "UPDATE post SET likes = 1 WHERE thread_id = $1 AND seq % 5 = 0",
        "UPDATE post SET quote_id = (SELECT q.id FROM post q \
         WHERE q.thread_id = post.thread_id AND q.seq = post.seq - 3) \
         WHERE thread_id = $1 AND seq > 3 AND seq % 7 = 0",
        "INSERT INTO post_revision (post_id, body_md, body_html, written_at) \
         SELECT id, body_md, body_html, created_at FROM post WHERE thread_id = $1 AND seq % 10 = 0",
        "UPDATE post SET edits = 1, edited_at = created_at + 300 \
         WHERE thread_id = $1 AND seq % 10 = 0",
    ];
    for sql in steps {
        sqlx::query(sql)
            .bind(thread)
            .execute(&mut *tx)
            .await
            .unwrap_or_else(|e| panic!("{sql}: {e}"));
    }
    sqlx::query("UPDATE thread SET post_count = $2, last_post_at = $3 WHERE id = $1")
        .bind(thread)
        .bind(posts)
        .bind(created(posts))
        .execute(&mut *tx)
        .await
        .expect("thread counters");
    tx.commit().await.expect("commit");
    thread
}

/// Samples of every (row, thread) cell: `cells[row][thread]`.
type Cells<T = Duration> = Vec<Vec<Vec<T>>>;

/// Times `one` for the first `rows` rows of [`ROWS`] on each thread,
/// taking the cells in turn each round so that a busy machine slows all
/// of them alike.
async fn measure<T, F, Fut>(threads: &[Thread], rows: usize, mut one: F) -> Cells<T>
where
    T: Clone,
    F: FnMut(&Thread, usize) -> Fut,
    Fut: Future<Output = T>,
{
    let mut cells: Cells<T> = vec![vec![Vec::with_capacity(SAMPLES); threads.len()]; rows];
    for round in 0..WARMUP + SAMPLES {
        for (r, row) in cells.iter_mut().enumerate() {
            for (thread, samples) in threads.iter().zip(row.iter_mut()) {
                let took = one(thread, r).await;
                if round >= WARMUP {
                    samples.push(took);
                }
            }
        }
    }
    cells
}

/// Median and 95th percentile (nearest rank), in milliseconds.
fn stats(samples: &[Duration]) -> (f64, f64) {
    let mut ms: Vec<f64> = samples.iter().map(|d| d.as_secs_f64() * 1e3).collect();
    ms.sort_by(f64::total_cmp);
    let n = ms.len();
    let median = if n.is_multiple_of(2) {
        (ms[n / 2 - 1] + ms[n / 2]) / 2.0
    } else {
        ms[n / 2]
    };
    let rank = (n * 95).div_ceil(100).max(1);
    (median, ms[rank - 1])
}

fn print_table(title: &str, cells: &Cells) {
    println!("\n{title}");
    let short = format!("{} posts", thousands(SHORT));
    let long = format!("{} posts", thousands(LONG));
    println!(
        "  {:<7} | {:^17} | {:^17} | {:^15}",
        "page", short, long, "ratio"
    );
    println!(
        "  {:<7} | {:>8} {:>8} | {:>8} {:>8} | {:>7} {:>7}",
        "", "p50", "p95", "p50", "p95", "p50", "p95"
    );
    println!("  {}", "-".repeat(7 + 3 + 17 + 3 + 17 + 3 + 15));
    let mut worst: f64 = 0.0;
    for (r, (name, row)) in ROWS.iter().zip(cells).enumerate() {
        let (s50, s95) = stats(&row[0]);
        let (l50, l95) = stats(&row[1]);
        if r < 3 {
            worst = worst.max(l50 / s50);
        }
        println!(
            "  {:<7} | {:>8.3} {:>8.3} | {:>8.3} {:>8.3} | {:>6.2}× {:>6.2}×",
            name,
            s50,
            s95,
            l50,
            l95,
            l50 / s50,
            l95 / s95
        );
    }
    println!(
        "  slowest page of the {}-post thread vs the {SHORT}-post thread (medians): {worst:.2}×",
        thousands(LONG)
    );
}

/// The medians of the queries of one page, each on its own.
fn print_parts(parts: &[(&str, &Cells)]) {
    let mut head = format!("  {:<7} |", "p50 of");
    for (name, _) in parts {
        let _ = write!(head, " {name:^25} |");
    }
    println!("{}", head.trim_end_matches(" |"));
    let mut sub = format!("  {:<7} |", "");
    for _ in parts {
        let _ = write!(
            sub,
            " {:>8} {:>8} {:>7} |",
            thousands(SHORT),
            thousands(LONG),
            "ratio"
        );
    }
    println!("{}", sub.trim_end_matches(" |"));
    for (r, name) in ROWS.iter().enumerate() {
        let mut line = format!("  {name:<7} |");
        for (_, cells) in parts {
            let (s, _) = stats(&cells[r][0]);
            let (l, _) = stats(&cells[r][1]);
            let _ = write!(line, " {s:>8.3} {l:>8.3} {:>6.2}× |", l / s);
        }
        println!("{}", line.trim_end_matches(" |"));
    }
}

/// Prints the plan of `posts_between` on the middle page of the long thread
/// and whether it reads the page through the `(thread_id, seq)` index.
async fn explain(db: &Db, long: &Thread, viewer: i64) {
    let page = long.pages()[1];
    let first = (page - 1) * PAGE_SIZE + 1;
    let last = first + PAGE_SIZE - 1;
    let (explain, index, plan): (&str, String, Vec<String>) = match db.backend() {
        platform::Backend::Sqlite => {
            let index: String = sqlx::query_scalar(
                "SELECT il.name FROM pragma_index_list('post') il WHERE il.\"unique\" = 1 \
                 AND (SELECT group_concat(name, ',') FROM \
                 (SELECT name FROM pragma_index_info(il.name) ORDER BY seqno)) = 'thread_id,seq'",
            )
            .fetch_one(db.pool())
            .await
            .expect("the (thread_id, seq) index");
            let rows = plan_rows(db, "EXPLAIN QUERY PLAN", long.id, first, last, viewer).await;
            // Rows are (id, parent, _, detail), parents before children.
            let mut depth = std::collections::HashMap::new();
            let plan = rows
                .iter()
                .map(|r| {
                    let (id, parent): (i64, i64) = (r.get(0), r.get(1));
                    let d = depth.get(&parent).map_or(0, |d| d + 1);
                    depth.insert(id, d);
                    format!("{}{}", "  ".repeat(d), r.get::<String, _>(3))
                })
                .collect();
            ("EXPLAIN QUERY PLAN", index, plan)
        }
        platform::Backend::Postgres => {
            let index: String = sqlx::query_scalar(
                "SELECT indexname::text FROM pg_indexes WHERE tablename = 'post' \
                 AND indexdef LIKE 'CREATE UNIQUE INDEX%(thread_id, seq)'",
            )
            .fetch_one(db.pool())
            .await
            .expect("the (thread_id, seq) index");
            let rows = plan_rows(db, "EXPLAIN ANALYZE", long.id, first, last, viewer).await;
            let plan = rows.iter().map(|r| r.get::<String, _>(0)).collect();
            ("EXPLAIN ANALYZE", index, plan)
        }
    };
    println!(
        "\n{explain} of posts_between, {}-post thread, page {page} (posts {first}..={last}):",
        thousands(LONG)
    );
    for line in &plan {
        println!("  {line}");
    }
    let uses_index = plan.iter().any(|l| l.contains(&index));
    let scans: Vec<&String> = plan
        .iter()
        .filter(|l| l.contains("Seq Scan") || l.trim_start().starts_with("SCAN "))
        .collect();
    println!(
        "  → reads the page through the (thread_id, seq) index {index}: {}",
        if uses_index { "yes" } else { "NO" }
    );
    if scans.is_empty() {
        println!("  → full table scans: none");
    } else {
        println!("  → full table scans: {}", scans.len());
        for s in scans {
            println!("      {}", s.trim());
        }
    }
}

async fn plan_rows(
    db: &Db,
    explain: &str,
    thread: i64,
    first: i64,
    last: i64,
    viewer: i64,
) -> Vec<sqlx::any::AnyRow> {
    sqlx::query(&format!(
        "{explain} {}",
        app::threads::queries::POSTS_PAGE_SQL
    ))
    .bind(viewer)
    .bind(thread)
    .bind(first)
    .bind(last)
    .fetch_all(db.pool())
    .await
    .expect("query plan")
}

/// `10000` as `10,000`.
fn thousands(n: i64) -> String {
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

fn secs(d: Duration) -> String {
    format!("{:.2} s", d.as_secs_f64())
}

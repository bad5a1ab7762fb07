//! `make bench`: search over 100,000 posts, next to the same queries over
//! 1,000 posts (the baseline, measured in the same run), on SQLite and —
//! when `SHUXIANG_TEST_PG_URL` is set — PostgreSQL.
//!
//! For each backend and size: a fresh database with 20 groups (a quarter of
//! them members-only) of 10 threads each, and the posts spread over the
//! threads, written with multi-row INSERTs; their bodies are sentences
//! drawn from a reading-group vocabulary by a fixed pseudo-random sequence,
//! so both backends index the same text. Then:
//!   * indexing: the time to turn the queued posts into search documents;
//!   * each query as the search page runs it (the counts per kind, then the
//!     newest five of each kind), as a visitor and as a member of the
//!     members-only groups (so reading rights are part of the cost);
//!   * one page of 20 posts deep in the results (page 50) for the common word.
//!
//! Prints medians and 95th percentiles in milliseconds and the ratio to the
//! small corpus. Nothing here fails on a timing.

use std::time::{Duration, Instant};

use app::accounts::Role;
use app::groups::{GroupRole, GroupVisibility};
use app::search::queries::index;
use app::search::queries::{self, Filter, Searcher};
use app::search::tokens::Query;
use shuxiang_tests::{Backend, GroupSpec, TestDb};

const SMALL: usize = 1_000;
const LARGE: usize = 100_000;
const GROUPS: usize = 20;
const THREADS_PER_GROUP: usize = 10;
const WARMUP: usize = 3;
const SAMPLES: usize = 25;
const ROWS_PER_INSERT: usize = 500;

/// Words and phrases of reading-group posts.
const VOCABULARY: [&str; 48] = [
    "读书",
    "乡土中国",
    "差序格局",
    "费孝通",
    "礼治秩序",
    "基层治理",
    "政协委员",
    "调研",
    "红楼梦",
    "曹雪芹",
    "人物关系",
    "家族兴衰",
    "三体",
    "黑暗森林",
    "科幻小说",
    "宇宙",
    "学习新思想",
    "建功新时代",
    "全民阅读",
    "书香社会",
    "领读",
    "打卡",
    "心得体会",
    "第三章",
    "历史",
    "文化自信",
    "乡村振兴",
    "共同富裕",
    "青少年",
    "心理健康",
    "家庭教育",
    "养生",
    "我觉得",
    "值得思考",
    "很有启发",
    "大家怎么看",
    "补充一点",
    "同意楼上",
    "下周讨论",
    "推荐",
    "Python",
    "AI",
    "时代",
    "数据",
    "社区",
    "志愿者",
    "图书馆",
    "经典",
];

/// Queries of different selectivity: (label, query).
const QUERIES: [(&str, &str); 7] = [
    ("罕见词（10 帖）", "雪花秘方"),
    ("两字词（约 1/3 帖）", "读书"),
    ("三字书名", "红楼梦"),
    ("五字短语", "学习新思想"),
    ("中英混合", "AI 时代"),
    ("英文（大小写）", "python"),
    ("无结果", "不存在的词语"),
];

/// A fixed pseudo-random sequence (xorshift), the same on every run.
struct Seq(u64);

impl Seq {
    fn next(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n as u64) as usize
    }
}

fn body(seq: &mut Seq, i: usize, posts: usize) -> String {
    let mut s = String::new();
    let words = 12 + seq.next(20);
    for w in 0..words {
        s.push_str(VOCABULARY[seq.next(VOCABULARY.len())]);
        s.push_str(if w % 5 == 4 { "。" } else { "，" });
    }
    // The rare word: in 10 posts whatever the corpus size.
    if i % (posts / 10) == 7 {
        s.push_str("雪花秘方");
    }
    s
}

struct Corpus {
    t: TestDb,
    member: i64,
    index_time: Duration,
}

async fn seed(b: Backend, posts: usize) -> Corpus {
    let t = TestDb::new(b).await;
    let member = app::accounts::queries::insert(t.db.pool(), "m", "委员", "x", Role::Member, 1)
        .await
        .unwrap();
    let mut threads = Vec::new();
    for g in 0..GROUPS {
        let slug = format!("g{g}");
        let gid = t
            .group(GroupSpec {
                slug: &slug,
                visibility: if g % 4 == 0 {
                    GroupVisibility::Members
                } else {
                    GroupVisibility::Public
                },
                ..GroupSpec::default()
            })
            .await;
        t.add_to_group(gid, member, GroupRole::Member).await;
        for n in 0..THREADS_PER_GROUP {
            let mut conn = t.db.pool().acquire().await.unwrap();
            let id = app::threads::queries::create_thread(
                &mut conn,
                gid,
                None,
                member,
                &format!("第{n}次讨论"),
                1,
            )
            .await
            .unwrap();
            threads.push(id);
        }
    }
    let mut seq = Seq(0x9E37_79B9_7F4A_7C15);
    let mut tx = t.db.pool().begin().await.unwrap();
    let mut i = 0;
    while i < posts {
        let n = ROWS_PER_INSERT.min(posts - i);
        let mut sql = String::from(
            "INSERT INTO post (thread_id, seq, account_id, body_md, body_html, created_at) VALUES ",
        );
        let mut bodies = Vec::with_capacity(n);
        for k in 0..n {
            let p = 6 * k;
            sql.push_str(&format!(
                "{}(${}, ${}, ${}, ${}, ${}, ${})",
                if k > 0 { ", " } else { "" },
                p + 1,
                p + 2,
                p + 3,
                p + 4,
                p + 5,
                p + 6
            ));
            bodies.push(body(&mut seq, i + k, posts));
        }
        let mut q = sqlx::query(&sql);
        for (k, b) in bodies.iter().enumerate() {
            let idx = i + k;
            q = q
                .bind(threads[idx % threads.len()])
                .bind((idx / threads.len() + 1) as i64)
                .bind(member)
                .bind(b)
                .bind(b)
                .bind(1_700_000_000 + idx as i64);
        }
        q.execute(&mut *tx).await.unwrap();
        i += n;
    }
    tx.commit().await.unwrap();
    let started = Instant::now();
    index::drain(&t.db).await.unwrap();
    Corpus {
        t,
        member,
        index_time: started.elapsed(),
    }
}

/// Median and 95th percentile of `SAMPLES` runs, in ms.
async fn measure<F, Fut>(mut run: F) -> (f64, f64)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    for _ in 0..WARMUP {
        run().await;
    }
    let mut ms = Vec::with_capacity(SAMPLES);
    for _ in 0..SAMPLES {
        let started = Instant::now();
        run().await;
        ms.push(started.elapsed().as_secs_f64() * 1000.0);
    }
    ms.sort_by(f64::total_cmp);
    (ms[ms.len() / 2], ms[(ms.len() * 95).div_ceil(100) - 1])
}

/// The search page's work for one query: counts, then the newest of each kind.
async fn page_work(c: &Corpus, who: Searcher, q: &Query) -> usize {
    let counts = queries::counts(&c.t.db, who, q, Filter::default())
        .await
        .unwrap();
    queries::top_of_each_kind(&c.t.db, who, q, Filter::default(), 5)
        .await
        .unwrap();
    counts.iter().map(|(_, n)| *n as usize).sum()
}

async fn bench(b: Backend) {
    println!("\n== {b:?} ==");
    let small = seed(b, SMALL).await;
    let large = seed(b, LARGE).await;
    for (c, n) in [(&small, SMALL), (&large, LARGE)] {
        println!(
            "indexing {n} posts: {:.1} s ({:.0} posts/s)",
            c.index_time.as_secs_f64(),
            n as f64 / c.index_time.as_secs_f64()
        );
    }
    println!(
        "{:<22} {:>8} {:>8} | {:>9} {:>9} | {:>9} {:>9} | {:>6}",
        "query (as)", "hits 1k", "hits 100k", "1k p50", "1k p95", "100k p50", "100k p95", "ratio"
    );
    for (label, text) in QUERIES {
        let q = Query::parse(text);
        for (as_label, member) in [("visitor", false), ("member", true)] {
            let mut row = Vec::new();
            for c in [&small, &large] {
                let who = Searcher {
                    viewer: if member {
                        platform::Viewer::Account(c.member)
                    } else {
                        platform::Viewer::Visitor
                    },
                    organiser: false,
                };
                let hits = page_work(c, who, &q).await;
                let (p50, p95) = measure(|| async {
                    page_work(c, who, &q).await;
                })
                .await;
                row.push((hits, p50, p95));
            }
            println!(
                "{:<22} {:>8} {:>8} | {:>9.2} {:>9.2} | {:>9.2} {:>9.2} | {:>5.1}x",
                format!("{label} ({as_label})"),
                row[0].0,
                row[1].0,
                row[0].1,
                row[0].2,
                row[1].1,
                row[1].2,
                row[1].1 / row[0].1.max(0.001)
            );
        }
    }
    // Deep paging through the common word's posts.
    let q = Query::parse("读书");
    let posts = Filter {
        kind: Some(app::search::SearchKind::Post),
        ..Filter::default()
    };
    let who = Searcher {
        viewer: platform::Viewer::Visitor,
        organiser: false,
    };
    let (p50, p95) = measure(|| async {
        queries::page(&large.t.db, who, &q, posts, 20, 49 * 20)
            .await
            .unwrap();
    })
    .await;
    println!("“读书” posts, page 50 of the 100k corpus: p50 {p50:.2} ms, p95 {p95:.2} ms");
    statistics(&small, &large).await;
    small.t.drop_db().await;
    large.t.drop_db().await;
}

/// The statistics page's and the annual report's figures, computed from
/// the records (what the first request does, the cache being cold), then
/// from the cache, over the small and the large corpus; the posts were
/// written in 2023.
async fn statistics(small: &Corpus, large: &Corpus) {
    let now = platform::now();
    let today = platform::today_string();
    for (label, c) in [("1k", small), ("100k", large)] {
        let (p50, p95) = measure(|| async {
            app::stats::collect::stats(&c.t.db, now, &today)
                .await
                .unwrap();
        })
        .await;
        println!("/admin/stats figures, {label} posts: p50 {p50:.2} ms, p95 {p95:.2} ms");
        let (p50, p95) = measure(|| async {
            app::stats::collect::report(&c.t.db, 2023, &today)
                .await
                .unwrap();
        })
        .await;
        println!("/report/2023 figures, {label} posts: p50 {p50:.2} ms, p95 {p95:.2} ms");
        // As the pages get them: from the cache, a minute fresh.
        let cache = app::stats::cache::StatsCache::default();
        let (p50, p95) = measure(|| async {
            cache.stats(&c.t.db, 60).await.unwrap();
            cache.report(&c.t.db, 2023, 60).await.unwrap();
        })
        .await;
        println!(
            "both pages' figures from the cache, {label} posts: p50 {p50:.3} ms, p95 {p95:.3} ms"
        );
        // Past their freshness (here a second): the copy at once,
        // recounted behind it.
        tokio::time::sleep(Duration::from_millis(1100)).await;
        let (p50, p95) = measure(|| async {
            cache.stats(&c.t.db, 1).await.unwrap();
            cache.report(&c.t.db, 2023, 1).await.unwrap();
        })
        .await;
        println!(
            "both pages' figures past their freshness (served while recounted), {label} posts: \
             p50 {p50:.3} ms, p95 {p95:.3} ms"
        );
    }
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    println!(
        "书香 · 搜索基准 / search benchmark: {SMALL} posts (the baseline) vs {LARGE} posts; \
         {WARMUP} warm-up rounds, then {SAMPLES} samples; times in ms."
    );
    bench(Backend::Sqlite).await;
    if std::env::var_os("SHUXIANG_TEST_PG_URL").is_some() {
        bench(Backend::Postgres).await;
    } else {
        println!("\n(PostgreSQL skipped: SHUXIANG_TEST_PG_URL is not set)");
    }
}

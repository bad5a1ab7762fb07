//! A page view writes nothing to the database on the request path: opening
//! a live lecture's watch page (the page and its live channel) and reading
//! a thread leave every table as it was at that moment; the browsers of
//! the audience, the views and the read positions they count arrive with
//! the next batch (within about a second), and a graceful shutdown writes
//! what is still pending.

use std::time::{Duration, Instant};

use app::accounts::Role;
use app::groups::GroupRole;
use platform::Backend as DbBackend;
use shuxiang_tests::{
    Backend, GroupSpec, TEST_PASSWORD as PW, TestApp, json, live_lecture, on_both_backends,
    signed_in,
};

on_both_backends!(
    a_page_view_leaves_every_table_as_it_was,
    what_page_views_count_arrives_within_a_second,
    a_graceful_shutdown_writes_what_page_views_counted,
);

/// A batch interval no test waits for: whatever lands was written on the
/// request path.
const NEVER: Duration = Duration::from_secs(3600);
/// How long counted views may take to arrive with the default batches.
const WITHIN: Duration = Duration::from_millis(1_500);
const LECTURE: &str = "jiangtang-fangwen";
const POSTS: i64 = 3;

/// What the tests look at: every table's row count, and the columns page
/// views change.
#[derive(Debug, PartialEq, Eq)]
struct Snapshot {
    rows: Vec<(String, i64)>,
    views: i64,
    read_seq: i64,
}

async fn tables(app: &TestApp) -> Vec<String> {
    let sql = match app.db().backend() {
        DbBackend::Sqlite => {
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' \
             AND name NOT LIKE 'search_fts_%' ORDER BY name"
        }
        DbBackend::Postgres => {
            "SELECT CAST(tablename AS TEXT) FROM pg_tables WHERE schemaname = current_schema() \
             ORDER BY tablename"
        }
    };
    sqlx::query_scalar(sql)
        .fetch_all(app.db().pool())
        .await
        .unwrap()
}

async fn snapshot(app: &TestApp) -> Snapshot {
    let pool = app.db().pool();
    let mut rows = Vec::new();
    for t in tables(app).await {
        let n: i64 = sqlx::query_scalar(&format!("SELECT COUNT(*) FROM {t}"))
            .fetch_one(pool)
            .await
            .unwrap();
        rows.push((t, n));
    }
    let views = sqlx::query_scalar("SELECT CAST(COALESCE(SUM(views), 0) AS BIGINT) FROM lecture")
        .fetch_one(pool)
        .await
        .unwrap();
    let read_seq =
        sqlx::query_scalar("SELECT CAST(COALESCE(SUM(last_seq), 0) AS BIGINT) FROM thread_read")
            .fetch_one(pool)
            .await
            .unwrap();
    Snapshot {
        rows,
        views,
        read_seq,
    }
}

/// A live lecture, and a public group "g" whose thread (its id) has
/// `POSTS` posts by "author"; "reader" is a member who has read nothing.
async fn scene(app: &TestApp) -> i64 {
    let owner = app.store.account("owner", PW, Role::Organiser).await;
    live_lecture(app.db(), owner, LECTURE).await;
    let gid = app
        .store
        .group(GroupSpec {
            slug: "g",
            member_seats: 10,
            reader_seats: 10,
            ..GroupSpec::default()
        })
        .await;
    for name in ["author", "reader"] {
        let id = app.store.account(name, PW, Role::Reader).await;
        app.store.add_to_group(gid, id, GroupRole::Member).await;
    }
    let author = signed_in(app, "author").await;
    let thread = app
        .start_thread(&author, "g", "第一章读后", "第 1 帖", "")
        .await;
    for n in 2..=POSTS {
        let t = thread.to_string();
        let body = format!("第 {n} 帖");
        let (s, v) = json(
            app.call(
                &author,
                "threads/reply",
                &[("thread_id", t.as_str()), ("body", &body), ("quote_id", "")],
            )
            .await,
        )
        .await;
        assert_eq!(s, 200, "{v}");
    }
    // The search index catches up with the posts in the background: wait
    // for it, so that only what the page views do could change a table.
    let deadline = Instant::now() + Duration::from_secs(10);
    while shuxiang_tests::rows(app, "search_queue").await > 0 {
        assert!(Instant::now() < deadline, "the search index catches up");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    thread
}

/// Everything a visitor, a watching browser and a reading member do on
/// the pages: the watch page (with and without a cookie), its live channel
/// up to the first counts, the thread page as a visitor and as the member,
/// and the thread's data as the hydrated page loads it.
async fn view_pages(app: &TestApp, thread: i64, reader: &reqwest::Client) {
    let watch = app.url(&format!("/lectures/{LECTURE}"));
    let res = app.bare_client().get(&watch).send().await.unwrap();
    assert_eq!(res.status(), 200);
    let browser = app.client();
    assert_eq!(browser.get(&watch).send().await.unwrap().status(), 200);
    let mut live = browser
        .get(app.url(&format!("/lectures/{LECTURE}/live")))
        .header("accept", "text/event-stream")
        .send()
        .await
        .unwrap();
    assert_eq!(live.status(), 200);
    let mut seen = String::new();
    while !seen.contains("event: counts") {
        let chunk = tokio::time::timeout(Duration::from_secs(2), live.chunk())
            .await
            .expect("the first counts in time")
            .unwrap()
            .expect("the stream goes on");
        seen.push_str(&String::from_utf8_lossy(&chunk));
    }
    drop(live);

    let page = app.url(&format!("/groups/g/threads/{thread}"));
    let res = app.bare_client().get(&page).send().await.unwrap();
    assert_eq!(res.status(), 200);
    let res = reader.get(&page).send().await.unwrap();
    assert_eq!(res.status(), 200);
    let body = res.text().await.unwrap();
    assert!(
        body.contains(&format!("第 {POSTS} 帖")),
        "the member reads it"
    );
    let t = thread.to_string();
    let (s, v) = json(
        app.call(reader, "threads/page", &[("id", t.as_str())])
            .await,
    )
    .await;
    assert_eq!(s, 200, "{v}");
}

/// Whether the browser, its view and the member's read position are stored.
async fn counted(app: &TestApp) -> bool {
    let s = snapshot(app).await;
    let viewers = s
        .rows
        .iter()
        .find(|(t, _)| t == "lecture_viewer")
        .map(|(_, n)| *n);
    viewers == Some(1) && s.views == 1 && s.read_seq == POSTS
}

async fn a_page_view_leaves_every_table_as_it_was(b: Backend) {
    let app = TestApp::spawn_with(b, |c| c.write_batch_every = NEVER).await;
    let thread = scene(&app).await;
    // Signing in writes (a session); the page views after it must not.
    let reader = signed_in(&app, "reader").await;
    let before = snapshot(&app).await;
    view_pages(&app, thread, &reader).await;
    let after = snapshot(&app).await;
    assert_eq!(before, after, "no table changed");
    assert_eq!((after.views, after.read_seq), (0, 0), "nothing counted yet");
    assert!(!counted(&app).await);
    // What was counted is written with the batch.
    app.live().flush().await;
    app.reads().flush(app.db()).await;
    assert!(counted(&app).await, "{:?}", snapshot(&app).await);
    app.stop().await;
}

async fn what_page_views_count_arrives_within_a_second(b: Backend) {
    let app = TestApp::spawn(b).await;
    let thread = scene(&app).await;
    let reader = signed_in(&app, "reader").await;
    view_pages(&app, thread, &reader).await;
    let viewed = Instant::now();
    while !counted(&app).await {
        assert!(
            viewed.elapsed() < WITHIN,
            "counts arrive within a second: {:?}",
            snapshot(&app).await
        );
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    // Reading the thread again opens where the member left off: the end.
    let t = thread.to_string();
    let (s, v) = json(
        app.call(&reader, "threads/page", &[("id", t.as_str())])
            .await,
    )
    .await;
    assert_eq!(s, 200);
    assert_eq!(v["thread"]["unread"], 0, "{v}");
    app.stop().await;
}

async fn a_graceful_shutdown_writes_what_page_views_counted(b: Backend) {
    let mut app = TestApp::spawn_with(b, |c| c.write_batch_every = NEVER).await;
    let thread = scene(&app).await;
    let reader = signed_in(&app, "reader").await;
    view_pages(&app, thread, &reader).await;
    assert!(!counted(&app).await, "nothing written before the shutdown");
    app.restart().await;
    assert!(counted(&app).await, "{:?}", snapshot(&app).await);
    app.stop().await;
}

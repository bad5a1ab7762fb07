//! The shared cache of visitors' pages, over HTTP against the real server:
//! nothing of a signed-in member ever reaches a visitor, a post, an edit,
//! a hide and a group's visibility change show at once, `304` answers for
//! a matching `ETag` and `Last-Modified`, a second server on the same
//! PostgreSQL hears about writes on the first, watch pages still give each
//! browser its own viewer id, signed-in pages stay private, and a page
//! waiting to show a form's answer bypasses the cache.

use app::accounts::Role;
use app::groups::{GroupRole, GroupVisibility};
use reqwest::header::HeaderMap;
use shuxiang_tests::{
    Backend, GroupSpec, TEST_PASSWORD as PW, TestApp, day, json, live_lecture, on_both_backends,
    rows, set_cookie_line, signed_in,
};

on_both_backends!(
    visitors_see_no_trace_of_a_signed_in_member,
    posts_edits_hides_and_visibility_show_at_once,
    validators_answer_not_modified_until_a_change,
    a_write_on_one_server_refreshes_the_other,
    cached_watch_pages_give_each_browser_its_viewer_id,
    odd_requests_stay_out_of_the_cache,
);

const GROUP: &str = "huancun-qun";
const LECTURE: &str = "huancun-jiangzuo";
/// The member whose traces the visitor must not see.
const MEMBER: &str = "huancunmember";

/// A server with the cache on (the tests' default is off).
async fn spawn(b: Backend) -> TestApp {
    TestApp::spawn_with(b, |c| c.page_cache_secs = 60).await
}

/// A public group with an organiser's thread, a live lecture and a book;
/// the thread's id and the book's id.
struct Site {
    thread: i64,
    book: i64,
    first_post: i64,
}

async fn site(app: &TestApp) -> Site {
    let organiser = app.store.account("organiser", PW, Role::Organiser).await;
    // Signed in, but in no group: nothing public names them.
    app.store.account(MEMBER, PW, Role::Member).await;
    let group = app
        .store
        .group(GroupSpec {
            slug: GROUP,
            ..GroupSpec::default()
        })
        .await;
    app.store
        .add_to_group(group, organiser, GroupRole::Leader)
        .await;
    live_lecture(app.db(), organiser, LECTURE).await;
    let book = app.store.book("乡土中国", None).await;
    let boss = signed_in(app, "organiser").await;
    let thread = app
        .start_thread(&boss, GROUP, "缓存测试讨论", "第一帖：礼治秩序。", "")
        .await;
    let first_post = sqlx::query_scalar("SELECT id FROM post WHERE thread_id = $1 AND seq = 1")
        .bind(thread)
        .fetch_one(app.db().pool())
        .await
        .unwrap();
    Site {
        thread,
        book,
        first_post,
    }
}

fn thread_path(thread: i64) -> String {
    format!("/groups/{GROUP}/threads/{thread}")
}

/// Every cached address of the site.
fn cached_pages(site: &Site) -> Vec<String> {
    let year = &day(0)[..4];
    vec![
        "/".to_owned(),
        "/lectures".to_owned(),
        format!("/lectures/{LECTURE}"),
        "/groups".to_owned(),
        format!("/groups/{GROUP}"),
        format!("/groups/{GROUP}/threads"),
        thread_path(site.thread),
        "/books".to_owned(),
        format!("/books/{}", site.book),
        format!("/report/{year}"),
        "/lectures/feed.atom".to_owned(),
        "/calendar.ics".to_owned(),
        format!("/lectures/{LECTURE}.ics"),
    ]
}

struct Page {
    status: u16,
    headers: HeaderMap,
    body: String,
}

impl Page {
    fn cache(&self) -> &str {
        self.headers
            .get("x-page-cache")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }

    fn header(&self, name: &str) -> String {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_owned()
    }
}

async fn get(c: &reqwest::Client, url: String) -> Page {
    let res = c.get(url).send().await.expect("request");
    Page {
        status: res.status().as_u16(),
        headers: res.headers().clone(),
        body: res.text().await.expect("body"),
    }
}

/// What a visitor (no cookies) gets.
async fn visit(app: &TestApp, path: &str) -> Page {
    get(&app.bare_client(), app.url(path)).await
}

/// Until a visitor's page satisfies `ok`, for at most two seconds (one
/// server's news reaches another through PostgreSQL, not at the same instant).
async fn visit_until(url: &str, ok: impl Fn(&str) -> bool) -> Page {
    let c = reqwest::Client::new();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(2);
    loop {
        let page = get(&c, url.to_owned()).await;
        if ok(&page.body) || std::time::Instant::now() > deadline {
            return page;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
}

// ---------------------------------------------------------------------------

async fn visitors_see_no_trace_of_a_signed_in_member(b: Backend) {
    let app = spawn(b).await;
    let site = site(&app).await;
    let member = signed_in(&app, MEMBER).await;
    let session = app
        .client()
        .post(app.url("/api/login"))
        .header("accept", "application/json")
        .form(&[("username", MEMBER), ("password", PW)])
        .send()
        .await
        .unwrap();
    let session = shuxiang_tests::session_cookie(session.headers()).expect("a session");

    let display = format!("测试{MEMBER}");
    for path in cached_pages(&site) {
        for _ in 0..3 {
            let page = get(&member, app.url(&path)).await;
            assert_eq!(page.status, 200, "{path} for the member");
            assert_eq!(page.cache(), "", "{path}: a member's page skips the cache");
            let rule = page.header("cache-control");
            assert!(rule.contains("private"), "{path}: {rule}");
            if page.header("content-type").starts_with("text/html") {
                assert!(
                    page.body.contains(&display),
                    "{path}: the member's own page names them"
                );
                assert!(page.body.contains("退出"), "{path}");
            }
        }
    }
    // Pages of one's own are never to be stored at all.
    let me = get(&member, app.url("/me")).await;
    assert!(me.header("cache-control").contains("no-store"));

    for path in cached_pages(&site) {
        let first = visit(&app, &path).await;
        let again = visit(&app, &path).await;
        for page in [&first, &again] {
            assert_eq!(page.status, 200, "{path} for a visitor");
            for trace in [display.as_str(), MEMBER, "退出", session.as_str()] {
                assert!(
                    !page.body.contains(trace),
                    "{path} shows {trace:?} to a visitor"
                );
            }
            assert!(
                set_cookie_line(&page.headers, "shuxiang_session").is_none(),
                "{path}"
            );
            assert!(page.header("cache-control").contains("public"), "{path}");
        }
        assert_eq!(
            again.cache(),
            "hit",
            "{path}: the visitor's page comes from the cache"
        );
        assert_eq!(first.body, again.body, "{path}");
    }
    app.stop().await;
}

async fn posts_edits_hides_and_visibility_show_at_once(b: Backend) {
    let app = spawn(b).await;
    let site = site(&app).await;
    let boss = signed_in(&app, "organiser").await;
    let path = thread_path(site.thread);
    let list = format!("/groups/{GROUP}/threads");
    // Filled and served from the cache.
    visit(&app, &path).await;
    visit(&app, &list).await;
    let page = visit(&app, &path).await;
    assert_eq!(page.cache(), "hit");
    assert!(page.body.contains("第一帖：礼治秩序。"));

    // A new post.
    let t = site.thread.to_string();
    let (s, v) = json(
        app.call(
            &boss,
            "threads/reply",
            &[
                ("thread_id", &t),
                ("body", "第二帖：差序格局。"),
                ("quote_id", ""),
            ],
        )
        .await,
    )
    .await;
    assert_eq!(s, 200, "{v}");
    let page = visit(&app, &path).await;
    assert!(
        page.body.contains("第二帖：差序格局。"),
        "a new post shows at once"
    );
    assert_eq!(visit(&app, &path).await.cache(), "hit");

    // An edit.
    let first = site.first_post.to_string();
    let (s, v) = json(
        app.call(
            &boss,
            "posts/edit",
            &[("id", &first), ("body", "第一帖（改）：无讼。")],
        )
        .await,
    )
    .await;
    assert_eq!(s, 200, "{v}");
    let page = visit(&app, &path).await;
    assert!(
        page.body.contains("第一帖（改）：无讼。"),
        "an edit shows at once"
    );
    assert!(!page.body.contains("第一帖：礼治秩序。"));

    // A hide by a moderator.
    let second: i64 = sqlx::query_scalar("SELECT id FROM post WHERE thread_id = $1 AND seq = 2")
        .bind(site.thread)
        .fetch_one(app.db().pool())
        .await
        .unwrap();
    let second = second.to_string();
    visit(&app, &path).await;
    let res = app
        .call(
            &boss,
            "moderation/act",
            &[("id", second.as_str()), ("action", "hide"), ("note", "")],
        )
        .await;
    assert_eq!(res.status(), 200);
    let page = visit(&app, &path).await;
    assert!(
        !page.body.contains("第二帖：差序格局。"),
        "a hidden post leaves at once"
    );

    // Public → members only: the thread and the group's thread list stop
    // showing the content to visitors.
    visit(&app, &list).await;
    assert!(visit(&app, &list).await.body.contains("缓存测试讨论"));
    let (s, v) = json(
        app.call(
            &boss,
            "group/save",
            &[
                ("current_slug", GROUP),
                ("slug", GROUP),
                ("name", &format!("测试群 {GROUP}")),
                ("theme", "测试主题"),
                ("description_md", ""),
                ("kind", "reader_group"),
                ("sector_id", ""),
                ("committee", ""),
                ("starts_on", &day(-1)),
                ("ends_on", &day(30)),
                ("join_policy", "open"),
                ("visibility", GroupVisibility::Members.as_str()),
                ("member_seats", "5"),
                ("reader_seats", "5"),
                ("leader", "organiser"),
                ("guides", ""),
            ],
        )
        .await,
    )
    .await;
    assert_eq!(s, 200, "{v}");
    let page = visit(&app, &path).await;
    assert!(
        !page.body.contains("第一帖（改）：无讼。"),
        "members only at once"
    );
    let page = visit(&app, &list).await;
    assert!(!page.body.contains("缓存测试讨论"), "the list too");
    app.stop().await;
}

async fn validators_answer_not_modified_until_a_change(b: Backend) {
    let app = spawn(b).await;
    let site = site(&app).await;
    let boss = signed_in(&app, "organiser").await;
    let path = thread_path(site.thread);
    let c = app.bare_client();
    let first = visit(&app, &path).await;
    let etag = first.header("etag");
    let modified = first.header("last-modified");
    assert!(
        etag.starts_with('"') && !modified.is_empty(),
        "{:?}",
        first.headers
    );

    let conditional = |name: &'static str, value: String| {
        let (c, url) = (c.clone(), app.url(&path));
        async move {
            c.get(url)
                .header(name, value)
                .send()
                .await
                .expect("request")
        }
    };
    let res = conditional("if-none-match", etag.clone()).await;
    assert_eq!(res.status(), 304);
    assert_eq!(res.headers()["etag"].to_str().unwrap(), etag);
    assert!(
        res.headers()["content-security-policy"]
            .to_str()
            .unwrap()
            .contains("nonce-"),
        "the stored page's own policy"
    );
    assert!(res.text().await.unwrap().is_empty());
    let res = conditional("if-none-match", "\"something-else\"".to_owned()).await;
    assert_eq!(res.status(), 200);
    let res = conditional("if-modified-since", modified.clone()).await;
    assert_eq!(res.status(), 304);

    // After a change the old tag gets the new page.
    let t = site.thread.to_string();
    let (s, _) = json(
        app.call(
            &boss,
            "threads/reply",
            &[("thread_id", &t), ("body", "新的回复。"), ("quote_id", "")],
        )
        .await,
    )
    .await;
    assert_eq!(s, 200);
    let res = conditional("if-none-match", etag.clone()).await;
    assert_eq!(res.status(), 200);
    assert_ne!(res.headers()["etag"].to_str().unwrap(), etag);
    assert!(res.text().await.unwrap().contains("新的回复。"));

    // Stored compressed, served as asked (the server's unit tests check
    // that they decompress to the page).
    let plain = visit(&app, &path).await;
    for (asked, got) in [("gzip", "gzip"), ("br, gzip", "br")] {
        let res = c
            .get(app.url(&path))
            .header("accept-encoding", asked)
            .send()
            .await
            .unwrap();
        assert_eq!(res.headers()["content-encoding"], got);
        assert_eq!(res.headers()["etag"], plain.header("etag").as_str());
        let bytes = res.bytes().await.unwrap();
        assert!(!bytes.is_empty() && bytes.len() < plain.body.len());
    }
    app.stop().await;
}

async fn a_write_on_one_server_refreshes_the_other(b: Backend) {
    if b == Backend::Sqlite {
        // One SQLite file is one server's: nothing to tell another.
        return;
    }
    let app = spawn(b).await;
    let site = site(&app).await;
    let other = app.second_server().await;
    let path = thread_path(site.thread);
    let c = app.bare_client();
    // The other server renders everything afresh once its LISTEN connection
    // is up (it may have missed news before): wait for its cache to hold.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
    while get(&c, other.url(&path)).await.cache() != "hit" {
        assert!(
            std::time::Instant::now() < deadline,
            "the other server caches"
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }

    let boss = signed_in(&app, "organiser").await;
    let t = site.thread.to_string();
    let (s, _) = json(
        app.call(
            &boss,
            "threads/reply",
            &[
                ("thread_id", &t),
                ("body", "从另一台服务器写的回复。"),
                ("quote_id", ""),
            ],
        )
        .await,
    )
    .await;
    assert_eq!(s, 200);
    let page = visit_until(&other.url(&path), |b| {
        b.contains("从另一台服务器写的回复。")
    })
    .await;
    assert!(
        page.body.contains("从另一台服务器写的回复。"),
        "the other server's page is fresh"
    );
    other.stop().await;
    app.stop().await;
}

async fn cached_watch_pages_give_each_browser_its_viewer_id(b: Backend) {
    let app = spawn(b).await;
    site(&app).await;
    let path = format!("/lectures/{LECTURE}");
    let mut ids = Vec::new();
    for i in 0..4 {
        let page = visit(&app, &path).await;
        assert_eq!(page.status, 200);
        if i > 0 {
            assert_eq!(page.cache(), "hit");
        }
        let line = set_cookie_line(&page.headers, "shuxiang_viewer").expect("a viewer cookie");
        ids.push(line.split(';').next().unwrap().to_owned());
    }
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 4, "every browser its own id");
    // A browser that has one keeps it.
    let res = app
        .bare_client()
        .get(app.url(&path))
        .header("cookie", ids[0].clone())
        .send()
        .await
        .unwrap();
    assert_eq!(res.headers()["x-page-cache"], "hit");
    assert!(set_cookie_line(res.headers(), "shuxiang_viewer").is_none());
    assert_eq!(
        rows(&app, "lecture_viewer").await,
        0,
        "a GET writes nothing"
    );
    app.stop().await;
}

async fn odd_requests_stay_out_of_the_cache(b: Backend) {
    let app = spawn(b).await;
    let site = site(&app).await;
    let path = thread_path(site.thread);
    // Query strings the page does not read, and pages that are not there.
    for _ in 0..2 {
        assert_eq!(visit(&app, &format!("{path}?utm=x")).await.cache(), "");
        let missing = visit(&app, "/groups/no-such-group/threads/999").await;
        assert_eq!(missing.status, 404);
        assert_ne!(missing.cache(), "hit");
    }
    // A page the visitor may read with a parameter it knows is cached.
    visit(&app, &format!("{path}?page=1")).await;
    assert_eq!(visit(&app, &format!("{path}?page=1")).await.cache(), "hit");
    // Failed writes do not empty the cache.
    visit(&app, &path).await;
    let t = site.thread.to_string();
    let refused = app
        .call(
            &app.client(),
            "threads/reply",
            &[
                ("thread_id", &t),
                ("body", "访客不能回复"),
                ("quote_id", ""),
            ],
        )
        .await;
    assert!(refused.status().is_client_error());
    assert_eq!(visit(&app, &path).await.cache(), "hit");
    // A form's answer waiting to be shown (a flash cookie) is personal: it
    // neither reads nor fills the cache.
    let flashed = app
        .bare_client()
        .get(app.url(&path))
        .header("cookie", "shuxiang_flash=%2Fapi%2Fx%0A%22ok%22")
        .send()
        .await
        .unwrap();
    assert_eq!(flashed.status(), 200);
    assert_eq!(flashed.headers().get("x-page-cache"), None);
    app.stop().await;
}

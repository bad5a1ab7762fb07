//! Heavy pages and content safety over HTTP (issue 10; H1, L5–L8 and S3 of
//! the security review): edits and notes obey the posting rate limit with
//! counters of their own; a thread page carries no revision bodies and the
//! history opens on its own paged page, which keeps the latest 50 versions
//! and follows the reading rules; notes on book and group pages are paged
//! and carry only HTML; raw HTML nested thousands deep is flattened; plain
//! `http:` images are refused; reply and quote notifications reach only
//! people who may still read the thread; moderators can redact; deleted
//! text stays out of the moderation queue; a locked thread refuses its
//! authors' edits but not staff's; a post is rendered before its
//! transaction.

use app::accounts::Role;
use app::groups::{GroupRole, GroupVisibility};
use platform::PostLimits;
use serde_json::Value;
use shuxiang_tests::{
    Backend, GroupSpec, TEST_PASSWORD as PW, TestApp, TestDb, field_errors, json, on_both_backends,
    rows, signed_in,
};

on_both_backends!(
    edits_obey_the_posting_rate_limit_with_their_own_counter,
    notes_obey_the_posting_rate_limit_with_their_own_counter,
    thread_pages_carry_no_revision_bodies,
    the_history_is_paged_newest_first_and_keeps_fifty_versions,
    the_history_follows_the_reading_rules,
    notes_on_book_and_group_pages_are_paged_and_carry_only_html,
    deep_raw_html_is_flattened_in_posts_notes_and_previews,
    http_images_are_refused_wherever_text_is_written,
    reply_and_quote_notifications_reach_only_readers,
    moderators_redact_and_the_queue_shows_no_deleted_text,
    locked_threads_refuse_edits_except_by_staff,
    publishing_stores_what_was_rendered_before_the_transaction,
);

const HTTP_IMAGE: &str = "图片只能使用 https:// 地址或本站上传的图片";

/// Posting limits for a test: `per_window` within ten minutes.
fn limits(per_window: i64) -> impl FnOnce(&mut server::Config) {
    move |c| {
        c.post_limits = PostLimits {
            per_window,
            window_secs: 600,
        }
    }
}

/// A group with the accounts named (created with [`PW`]), each in it with
/// the role given, or not in it.
async fn group_of(
    app: &TestApp,
    slug: &str,
    visibility: GroupVisibility,
    people: &[(&str, Role, Option<GroupRole>)],
) -> i64 {
    let gid = app
        .store
        .group(GroupSpec {
            slug,
            visibility,
            member_seats: 20,
            reader_seats: 20,
            ..GroupSpec::default()
        })
        .await;
    for (name, role, group_role) in people {
        let id = match account(app, name).await {
            Some(id) => id,
            None => app.store.account(name, PW, *role).await,
        };
        if let Some(r) = group_role {
            app.store.add_to_group(gid, id, *r).await;
        }
    }
    gid
}

async fn account(app: &TestApp, username: &str) -> Option<i64> {
    sqlx::query_scalar("SELECT id FROM account WHERE username = $1")
        .bind(username)
        .fetch_optional(app.db().pool())
        .await
        .unwrap()
}

/// Starts a thread; the id of its first post and the thread's id.
async fn start(app: &TestApp, c: &reqwest::Client, slug: &str, body: &str) -> (i64, i64) {
    let thread = app.start_thread(c, slug, "内容测试", body, "").await;
    (post_of(app, thread, 1).await, thread)
}

async fn post_of(app: &TestApp, thread: i64, seq: i64) -> i64 {
    sqlx::query_scalar("SELECT id FROM post WHERE thread_id = $1 AND seq = $2")
        .bind(thread)
        .bind(seq)
        .fetch_one(app.db().pool())
        .await
        .unwrap()
}

async fn reply(
    app: &TestApp,
    c: &reqwest::Client,
    thread: i64,
    body: &str,
    quote: Option<i64>,
) -> (u16, Value) {
    let t = thread.to_string();
    let q = quote.map(|q| q.to_string()).unwrap_or_default();
    json(
        app.call(
            c,
            "threads/reply",
            &[("thread_id", &t), ("body", body), ("quote_id", &q)],
        )
        .await,
    )
    .await
}

async fn edit(app: &TestApp, c: &reqwest::Client, post: i64, body: &str) -> (u16, Value) {
    let id = post.to_string();
    json(
        app.call(c, "posts/edit", &[("id", &id), ("body", body)])
            .await,
    )
    .await
}

async fn redact(app: &TestApp, c: &reqwest::Client, post: i64, body: &str) -> (u16, Value) {
    let id = post.to_string();
    json(
        app.call(
            c,
            "posts/edit",
            &[("id", &id), ("body", body), ("redact", "1")],
        )
        .await,
    )
    .await
}

async fn history(app: &TestApp, c: &reqwest::Client, post: i64, page: i64) -> (u16, Value) {
    let (id, page) = (post.to_string(), page.to_string());
    json(
        app.call(c, "posts/history", &[("id", &id), ("page", &page)])
            .await,
    )
    .await
}

async fn write_note(
    app: &TestApp,
    c: &reqwest::Client,
    book: i64,
    group: Option<i64>,
    visibility: &str,
    title: &str,
    body: &str,
) -> (u16, Value) {
    let (book, group) = (book.to_string(), group.map(|g| g.to_string()));
    json(
        app.call(
            c,
            "note/write",
            &[
                ("book_id", &book),
                ("group_id", group.as_deref().unwrap_or("")),
                ("visibility", visibility),
                ("title", title),
                ("body", body),
            ],
        )
        .await,
    )
    .await
}

async fn revisions_of(app: &TestApp, post: i64) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM post_revision WHERE post_id = $1")
        .bind(post)
        .fetch_one(app.db().pool())
        .await
        .unwrap()
}

async fn body_of(app: &TestApp, post: i64) -> (String, String) {
    sqlx::query_as("SELECT body_md, body_html FROM post WHERE id = $1")
        .bind(post)
        .fetch_one(app.db().pool())
        .await
        .unwrap()
}

/// The message of a 429 answer.
fn too_many(status: u16, v: &Value) -> String {
    assert_eq!(status, 429, "{v}");
    v["TooManyRequests"].as_str().unwrap().to_owned()
}

/// `(kind, account)` of every notification, oldest first.
async fn notifications(app: &TestApp) -> Vec<(String, i64)> {
    sqlx::query_as("SELECT kind, account_id FROM notification ORDER BY id")
        .fetch_all(app.db().pool())
        .await
        .unwrap()
}

/// Nesting depth of the elements named `tag` in sanitised HTML.
fn depth_of(html: &str, tag: &str) -> usize {
    let (open, close) = (format!("<{tag}>"), format!("</{tag}>"));
    let (mut depth, mut max, mut rest) = (0usize, 0usize, html);
    while let Some(i) = rest.find('<') {
        rest = &rest[i..];
        if rest.starts_with(&open) {
            depth += 1;
            max = max.max(depth);
        } else if rest.starts_with(&close) {
            depth -= 1;
        }
        rest = &rest[1..];
    }
    max
}

async fn edits_obey_the_posting_rate_limit_with_their_own_counter(b: Backend) {
    let app = TestApp::spawn_with(b, limits(3)).await;
    group_of(
        &app,
        "g",
        GroupVisibility::Public,
        &[
            ("alice", Role::Reader, Some(GroupRole::Member)),
            ("leader", Role::Member, Some(GroupRole::Leader)),
        ],
    )
    .await;
    let alice = signed_in(&app, "alice").await;
    let (pid, thread) = start(&app, &alice, "g", "第一版").await;
    for n in 2..=4 {
        let (s, v) = edit(&app, &alice, pid, &format!("第{n}版")).await;
        assert_eq!(s, 200, "edit {n}: {v}");
    }
    let (s, v) = edit(&app, &alice, pid, "第五版").await;
    let message = too_many(s, &v);
    assert!(message.starts_with("修改太频繁了，请 "), "{message}");
    assert!(message.ends_with("（每 600 秒最多改 3 次）"), "{message}");
    assert_eq!(
        body_of(&app, pid).await.0,
        "第4版",
        "the refused edit changed nothing"
    );
    assert_eq!(revisions_of(&app, pid).await, 3);
    // Edits are counted apart from posts, and per person.
    let (s, v) = reply(&app, &alice, thread, "还能回复", None).await;
    assert_eq!(s, 200, "{v}");
    let leader = signed_in(&app, "leader").await;
    let (s, v) = edit(&app, &leader, pid, "群主修改").await;
    assert_eq!(s, 200, "{v}");
    app.stop().await;
}

async fn notes_obey_the_posting_rate_limit_with_their_own_counter(b: Backend) {
    let app = TestApp::spawn_with(b, limits(2)).await;
    app.store.account("writer", PW, Role::Reader).await;
    let book = app.store.book("乡土中国", None).await;
    let w = signed_in(&app, "writer").await;
    // A refused note is not counted.
    let (s, _) = write_note(&app, &w, book, None, "public", "", "没有标题").await;
    assert_eq!(s, 422);
    for n in 1..=2 {
        let (s, v) = write_note(&app, &w, book, None, "public", &format!("心得{n}"), "正文").await;
        assert_eq!(s, 200, "{v}");
    }
    let (s, v) = write_note(&app, &w, book, None, "public", "心得3", "正文").await;
    let message = too_many(s, &v);
    assert!(message.starts_with("写心得太频繁了，请 "), "{message}");
    assert!(message.ends_with("（每 600 秒最多 2 篇）"), "{message}");
    assert_eq!(rows(&app, "note").await, 2);
    app.stop().await;
}

async fn thread_pages_carry_no_revision_bodies(b: Backend) {
    let app = TestApp::spawn_with(b, limits(1000)).await;
    group_of(
        &app,
        "g",
        GroupVisibility::Public,
        &[("alice", Role::Reader, Some(GroupRole::Member))],
    )
    .await;
    let alice = signed_in(&app, "alice").await;
    let (pid, thread) = start(&app, &alice, "g", "最早的原文甲乙丙").await;
    for body in ["中间的版本丁戊己", "现在的版本000"] {
        assert_eq!(edit(&app, &alice, pid, body).await.0, 200);
    }
    let path = format!("/groups/g/threads/{thread}");
    let visitor = app.client();
    let t = thread.to_string();
    let (s, page) = json(app.call(&visitor, "threads/page", &[("id", &t)]).await).await;
    assert_eq!(s, 200);
    let post = &page["posts"][0];
    assert_eq!(post["edits"], 2);
    assert!(post.get("revisions").is_none(), "{post}");
    let html = app.page(&visitor, &path).await;
    assert!(html.contains("现在的版本000"));
    assert!(html.contains("已编辑 2 次"), "the count is shown");
    assert!(
        html.contains(&format!("href=\"/posts/{pid}/history\"")),
        "and the history linked"
    );
    for earlier in ["最早的原文", "中间的版本"] {
        assert!(
            !html.contains(earlier),
            "{earlier} is not on the thread page"
        );
    }
    // Forty more edits of the same length: the page weighs the same.
    let before = html.len();
    for n in 1..=40 {
        let (s, _) = edit(&app, &alice, pid, &format!("现在的版本{n:03}")).await;
        assert_eq!(s, 200);
    }
    let html = app.page(&visitor, &path).await;
    assert!(html.contains("已编辑 42 次"));
    assert!(
        html.len().abs_diff(before) <= 32,
        "{before} bytes before, {} after",
        html.len()
    );
    app.stop().await;
}

async fn the_history_is_paged_newest_first_and_keeps_fifty_versions(b: Backend) {
    let app = TestApp::spawn_with(b, limits(1000)).await;
    group_of(
        &app,
        "g",
        GroupVisibility::Public,
        &[("alice", Role::Reader, Some(GroupRole::Member))],
    )
    .await;
    let alice = signed_in(&app, "alice").await;
    let (pid, _) = start(&app, &alice, "g", "v1").await;
    for n in 2..=55 {
        assert_eq!(edit(&app, &alice, pid, &format!("v{n}")).await.0, 200);
    }
    assert_eq!(revisions_of(&app, pid).await, 50, "the latest 50 are kept");
    let bodies = |v: &Value| -> Vec<String> {
        v["revisions"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["body_html"].as_str().unwrap().trim().to_owned())
            .collect()
    };
    let visitor = app.client();
    let (s, first) = history(&app, &visitor, pid, 1).await;
    assert_eq!(s, 200, "{first}");
    assert_eq!(
        (first["edits"].as_i64(), first["kept"].as_i64()),
        (Some(54), Some(50))
    );
    assert_eq!(first["page"], 1);
    let expected: Vec<String> = (45..=54).rev().map(|n| format!("<p>v{n}</p>")).collect();
    assert_eq!(bodies(&first), expected, "newest first, ten a page");
    let (_, last) = history(&app, &visitor, pid, 9).await;
    assert_eq!(last["page"], 5, "a page past the end is the last page");
    let expected: Vec<String> = (5..=14).rev().map(|n| format!("<p>v{n}</p>")).collect();
    assert_eq!(bodies(&last), expected, "v1 to v4 are gone");
    // The page itself, server-rendered.
    let html = app
        .page(&visitor, &format!("/posts/{pid}/history?page=2"))
        .await;
    assert!(html.contains("编辑历史"));
    assert!(
        html.contains("<p>v44</p>") && html.contains("<p>v35</p>"),
        "{html}"
    );
    assert!(!html.contains("<p>v45</p>") && !html.contains("<p>v34</p>"));
    assert!(html.contains("第 44 版"));
    assert!(html.contains("第 2 / 5 页"));
    assert!(html.contains("只保留最近的 50 个早先版本"));
    app.stop().await;
}

async fn the_history_follows_the_reading_rules(b: Backend) {
    let app = TestApp::spawn(b).await;
    group_of(
        &app,
        "m",
        GroupVisibility::Members,
        &[
            ("alice", Role::Reader, Some(GroupRole::Member)),
            ("outsider", Role::Reader, None),
            ("boss", Role::Organiser, None),
        ],
    )
    .await;
    let alice = signed_in(&app, "alice").await;
    let (pid, _) = start(&app, &alice, "m", "成员才能看的原文").await;
    assert_eq!(edit(&app, &alice, pid, "成员才能看的新版").await.0, 200);
    let outsider = signed_in(&app, "outsider").await;
    let boss = signed_in(&app, "boss").await;
    let visitor = app.client();
    let status = |c: &reqwest::Client| {
        let c = c.clone();
        let app = &app;
        async move { history(app, &c, pid, 1).await.0 }
    };
    assert_eq!(status(&visitor).await, 404);
    assert_eq!(status(&outsider).await, 404);
    assert_eq!(status(&alice).await, 200);
    assert_eq!(status(&boss).await, 200);
    assert_eq!(history(&app, &alice, 9999, 1).await.0, 404);
    let html = app.page(&visitor, &format!("/posts/{pid}/history")).await;
    assert!(!html.contains("成员才能看的原文"));
    assert!(html.contains("页面不存在"));
    // Hidden: only organisers see its history.
    let id = pid.to_string();
    let moderate = |action: &'static str| {
        let (boss, id, app) = (&boss, &id, &app);
        async move {
            app.call(
                boss,
                "moderation/act",
                &[("id", id.as_str()), ("action", action), ("note", "")],
            )
            .await
            .status()
        }
    };
    assert_eq!(moderate("hide").await, 200);
    assert_eq!(status(&alice).await, 404);
    assert_eq!(status(&boss).await, 200);
    assert_eq!(moderate("restore").await, 200);
    // Deleted: nobody.
    assert_eq!(
        app.call(&alice, "posts/delete", &[("id", &id)])
            .await
            .status(),
        200
    );
    assert_eq!(status(&alice).await, 404);
    assert_eq!(status(&boss).await, 404);
    app.stop().await;
}

async fn notes_on_book_and_group_pages_are_paged_and_carry_only_html(b: Backend) {
    let app = TestApp::spawn_with(b, limits(1000)).await;
    let gid = group_of(
        &app,
        "g",
        GroupVisibility::Public,
        &[
            ("writer", Role::Reader, Some(GroupRole::Member)),
            ("reader", Role::Reader, None),
        ],
    )
    .await;
    let book = app.store.book("乡土中国", None).await;
    let w = signed_in(&app, "writer").await;
    for n in 1..=25 {
        let (s, v) = write_note(
            &app,
            &w,
            book,
            Some(gid),
            "public",
            &format!("心得{n:02}"),
            &format!("**源码标记{n:02}**"),
        )
        .await;
        assert_eq!(s, 200, "{v}");
    }
    for (visibility, title) in [("private", "私密心得"), ("group", "群内心得")] {
        let (s, v) = write_note(&app, &w, book, Some(gid), visibility, title, "正文").await;
        assert_eq!(s, 200, "{v}");
    }
    let reader = signed_in(&app, "reader").await;
    let titles = |page: &Value| -> Vec<String> {
        page["notes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|n| n["title"].as_str().unwrap().to_owned())
            .collect()
    };
    let newest: Vec<String> = (6..=25).rev().map(|n| format!("心得{n:02}")).collect();
    let oldest: Vec<String> = (1..=5).rev().map(|n| format!("心得{n:02}")).collect();
    let id = book.to_string();
    for (who, c, total) in [
        ("visitor", &app.client(), 25),
        ("reader", &reader, 25),
        ("writer", &w, 27),
    ] {
        let res = app.call(c, "book", &[("id", &id)]).await;
        assert_eq!(res.status(), 200);
        let text = res.text().await.unwrap();
        assert!(
            !text.contains("body_md") && !text.contains("**源码标记"),
            "{who}: no Markdown"
        );
        let v: Value = serde_json::from_str(&text).unwrap();
        let notes = &v["notes"];
        assert_eq!(
            (notes["page"].as_i64(), notes["total"].as_i64()),
            (Some(1), Some(total)),
            "{who}"
        );
        assert_eq!(notes["notes"].as_array().unwrap().len(), 20, "{who}");
        if who != "writer" {
            assert_eq!(titles(notes), newest, "{who}");
        }
        let (s, v) = json(app.call(c, "group", &[("slug", "g")]).await).await;
        assert_eq!(s, 200);
        assert_eq!(v["notes"]["total"].as_i64(), Some(total), "{who}");
        assert_eq!(v["notes"]["notes"].as_array().unwrap().len(), 20, "{who}");
        assert!(!v.to_string().contains("**源码标记"), "{who}");
    }
    // The book page: 20 notes, the rest behind "更多心得".
    let html = app.page(&reader, &format!("/books/{book}")).await;
    assert!(html.contains("<strong>源码标记25</strong>"));
    assert!(!html.contains("**源码标记"));
    assert!(!html.contains("心得05"), "page 2 is not on the book page");
    assert!(html.contains(&format!("href=\"/books/{book}/notes?page=2\"")));
    assert!(html.contains("更多心得（共 25 篇）"));
    let html = app.page(&reader, "/groups/g").await;
    assert!(html.contains("href=\"/groups/g/notes?page=2\""));
    assert!(!html.contains("心得05") && !html.contains("**源码标记"));
    // The lists.
    let (s, v) = json(
        app.call(&reader, "notes/book", &[("book_id", &id), ("page", "2")])
            .await,
    )
    .await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(titles(&v["notes"]), oldest);
    assert_eq!(v["notes"]["page"], 2);
    let (s, v) = json(
        app.call(&reader, "notes/group", &[("slug", "g"), ("page", "9")])
            .await,
    )
    .await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(
        titles(&v["notes"]),
        oldest,
        "a page past the end is the last"
    );
    for path in [
        format!("/books/{book}/notes?page=2"),
        "/groups/g/notes?page=2".to_owned(),
    ] {
        let html = app.page(&reader, &path).await;
        assert!(html.contains("心得01") && html.contains("心得05"), "{path}");
        assert!(
            !html.contains("心得06") && !html.contains("私密心得"),
            "{path}"
        );
        assert!(html.contains("第 2 / 2 页"), "{path}");
    }
    let (s, _) = json(
        app.call(&reader, "notes/group", &[("slug", "nope"), ("page", "1")])
            .await,
    )
    .await;
    assert_eq!(s, 404);
    let (s, _) = json(
        app.call(&reader, "notes/book", &[("book_id", "9999"), ("page", "1")])
            .await,
    )
    .await;
    assert_eq!(s, 404);
    app.stop().await;
}

async fn deep_raw_html_is_flattened_in_posts_notes_and_previews(b: Backend) {
    let app = TestApp::spawn_with(b, limits(1000)).await;
    group_of(
        &app,
        "g",
        GroupVisibility::Public,
        &[("alice", Role::Reader, Some(GroupRole::Member))],
    )
    .await;
    let book = app.store.book("红楼梦", None).await;
    let alice = signed_in(&app, "alice").await;
    let (pid, thread) = start(&app, &alice, "g", &("<ul>".repeat(2499) + "列表深处")).await;
    let (_, html) = body_of(&app, pid).await;
    assert!(html.contains("列表深处"));
    assert!(
        (8..=64).contains(&depth_of(&html, "ul")),
        "{}",
        depth_of(&html, "ul")
    );
    let (s, _) = reply(
        &app,
        &alice,
        thread,
        &("<strong>".repeat(1249) + "加粗深处"),
        None,
    )
    .await;
    assert_eq!(s, 200);
    let (_, html) = body_of(&app, post_of(&app, thread, 2).await).await;
    assert!(html.contains("加粗深处"));
    assert!((8..=64).contains(&depth_of(&html, "strong")));
    let (s, _) = write_note(
        &app,
        &alice,
        book,
        None,
        "public",
        "深的心得",
        &("> <blockquote>".repeat(1300) + "引用深处"),
    )
    .await;
    assert_eq!(s, 200);
    let stored: String = sqlx::query_scalar("SELECT body_html FROM note")
        .fetch_one(app.db().pool())
        .await
        .unwrap();
    assert!(stored.contains("引用深处"));
    assert!(
        depth_of(&stored, "blockquote") <= 64,
        "{}",
        depth_of(&stored, "blockquote")
    );
    let (s, v) = json(
        app.call(
            &alice,
            "posts/preview",
            &[("body", &"<b><ul>".repeat(1428))],
        )
        .await,
    )
    .await;
    assert_eq!(s, 200);
    assert!(depth_of(v.as_str().unwrap(), "ul") <= 64);
    app.stop().await;
}

async fn http_images_are_refused_wherever_text_is_written(b: Backend) {
    let app = TestApp::spawn_with(b, limits(1000)).await;
    let gid = group_of(
        &app,
        "g",
        GroupVisibility::Public,
        &[("alice", Role::Reader, Some(GroupRole::Member))],
    )
    .await;
    let book = app.store.book("红楼梦", None).await;
    let alice = signed_in(&app, "alice").await;
    let (pid, thread) = start(
        &app,
        &alice,
        "g",
        "封面 ![封面](/books/1/cover) 和 ![图](https://img.example/a.png)",
    )
    .await;
    let (_, html) = body_of(&app, pid).await;
    assert!(html.contains("<img src=\"/books/1/cover\""), "{html}");
    assert!(
        html.contains("<img src=\"https://img.example/a.png\""),
        "{html}"
    );
    let (posts, revisions) = (rows(&app, "post").await, rows(&app, "post_revision").await);
    for bad in [
        "看图 ![跟踪](http://evil.example/p.gif)",
        "看图 <img src=\"http://evil.example/p.gif\">",
    ] {
        let t = thread.to_string();
        let p = pid.to_string();
        let g = gid.to_string();
        let b = book.to_string();
        let attempts: [(&str, Vec<(&str, &str)>); 4] = [
            (
                "threads/create",
                vec![
                    ("slug", "g"),
                    ("title", "图"),
                    ("body", bad),
                    ("book_id", ""),
                ],
            ),
            (
                "threads/reply",
                vec![("thread_id", &t), ("body", bad), ("quote_id", "")],
            ),
            ("posts/edit", vec![("id", &p), ("body", bad)]),
            (
                "note/write",
                vec![
                    ("book_id", &b),
                    ("group_id", &g),
                    ("visibility", "public"),
                    ("title", "图"),
                    ("body", bad),
                ],
            ),
        ];
        for (endpoint, form) in attempts {
            let (s, v) = json(app.call(&alice, endpoint, &form).await).await;
            assert_eq!(s, 422, "{endpoint}: {v}");
            assert_eq!(
                field_errors(&v),
                vec![("body".to_owned(), HTTP_IMAGE.to_owned())],
                "{endpoint}"
            );
        }
        let (s, v) = json(app.call(&alice, "posts/preview", &[("body", bad)]).await).await;
        assert_eq!(s, 422);
        assert_eq!(v["Invalid"]["message"], HTTP_IMAGE);
    }
    assert_eq!(rows(&app, "post").await, posts);
    assert_eq!(rows(&app, "post_revision").await, revisions);
    assert_eq!(rows(&app, "note").await, 0);
    app.stop().await;
}

async fn reply_and_quote_notifications_reach_only_readers(b: Backend) {
    let app = TestApp::spawn_with(b, limits(1000)).await;
    let people = [
        ("alice", Role::Reader, Some(GroupRole::Member)),
        ("bob", Role::Reader, Some(GroupRole::Member)),
        ("carol", Role::Reader, Some(GroupRole::Member)),
    ];
    let members = group_of(&app, "m", GroupVisibility::Members, &people).await;
    let public = group_of(&app, "p", GroupVisibility::Public, &people).await;
    let (alice, bob, carol) = (
        signed_in(&app, "alice").await,
        signed_in(&app, "bob").await,
        signed_in(&app, "carol").await,
    );
    let (alice_id, bob_id) = (
        account(&app, "alice").await.unwrap(),
        account(&app, "bob").await.unwrap(),
    );
    for (group, slug, still_reads) in [(members, "m", false), (public, "p", true)] {
        let (_, thread) = start(&app, &alice, slug, "alice 的主题").await;
        assert_eq!(reply(&app, &bob, thread, "bob 的回复", None).await.0, 200);
        let bobs = post_of(&app, thread, 2).await;
        // alice and bob leave the group; carol replies, quoting bob.
        sqlx::query("DELETE FROM group_member WHERE group_id = $1 AND account_id IN ($2, $3)")
            .bind(group)
            .bind(alice_id)
            .bind(bob_id)
            .execute(app.db().pool())
            .await
            .unwrap();
        let before = notifications(&app).await;
        assert_eq!(
            reply(&app, &carol, thread, "carol 引用 bob", Some(bobs))
                .await
                .0,
            200
        );
        let after = notifications(&app).await;
        let mut new: Vec<(String, i64)> = after[before.len()..].to_vec();
        new.sort();
        let expected = if still_reads {
            vec![("quote".to_owned(), bob_id), ("reply".to_owned(), alice_id)]
        } else {
            Vec::new()
        };
        assert_eq!(new, expected, "group {slug}");
    }
    app.stop().await;
}

async fn moderators_redact_and_the_queue_shows_no_deleted_text(b: Backend) {
    let app = TestApp::spawn_with(b, limits(1000)).await;
    group_of(
        &app,
        "g",
        GroupVisibility::Public,
        &[
            ("alice", Role::Reader, Some(GroupRole::Member)),
            ("bob", Role::Reader, Some(GroupRole::Member)),
            ("leader", Role::Member, Some(GroupRole::Leader)),
            ("boss", Role::Organiser, None),
        ],
    )
    .await;
    let (alice, bob, leader, boss) = (
        signed_in(&app, "alice").await,
        signed_in(&app, "bob").await,
        signed_in(&app, "leader").await,
        signed_in(&app, "boss").await,
    );
    let (pid, thread) = start(&app, &alice, "g", "不当的原文").await;
    assert_eq!(edit(&app, &alice, pid, "略改的不当原文").await.0, 200);
    assert_eq!(revisions_of(&app, pid).await, 1);
    // Neither the author nor another member may redact.
    assert_eq!(redact(&app, &alice, pid, "自己抹掉").await.0, 403);
    assert_eq!(redact(&app, &bob, pid, "别人抹掉").await.0, 403);
    assert_eq!(revisions_of(&app, pid).await, 1);
    let (s, v) = redact(&app, &leader, pid, "此帖内容已由群主删除").await;
    assert_eq!((s, v.as_str()), (200, Some("已保存修改")));
    assert_eq!(
        revisions_of(&app, pid).await,
        0,
        "earlier versions are gone too"
    );
    let (_, h) = history(&app, &bob, pid, 1).await;
    assert_eq!(
        (h["edits"].as_i64(), h["kept"].as_i64()),
        (Some(2), Some(0))
    );
    let html = app.page(&bob, &format!("/posts/{pid}/history")).await;
    assert!(!html.contains("不当"));
    let leader_id = account(&app, "leader").await.unwrap();
    let log: Vec<(Option<i64>, String, Option<i64>)> =
        sqlx::query_as("SELECT actor_id, action, post_id FROM moderation_log ORDER BY id")
            .fetch_all(app.db().pool())
            .await
            .unwrap();
    assert_eq!(
        log,
        vec![(Some(leader_id), "edit_redact".to_owned(), Some(pid))]
    );
    let told: Vec<(String, i64)> = notifications(&app).await;
    let alice_id = account(&app, "alice").await.unwrap();
    assert!(
        told.contains(&("moderation".to_owned(), alice_id)),
        "{told:?}"
    );
    // An ordinary moderator's edit keeps the history, as before.
    assert_eq!(edit(&app, &leader, pid, "群主再改").await.0, 200);
    assert_eq!(revisions_of(&app, pid).await, 1);
    let log = app.page(&boss, "/admin/moderation").await;
    assert!(log.contains("编辑他人帖子并删除原文"));

    // A reported post its author deleted: the queue shows no text.
    assert_eq!(
        reply(&app, &alice, thread, "将被删除的原文", None).await.0,
        200
    );
    let deleted = post_of(&app, thread, 2).await.to_string();
    assert_eq!(
        app.call(
            &bob,
            "posts/report",
            &[("id", &deleted), ("reason", "不友善")]
        )
        .await
        .status(),
        200
    );
    assert_eq!(
        app.call(&alice, "posts/delete", &[("id", &deleted)])
            .await
            .status(),
        200
    );
    let (s, q) = json(app.call(&boss, "moderation/queue", &[]).await).await;
    assert_eq!(s, 200);
    let queued = &q["reported"][0];
    assert_eq!(
        queued["post_id"].as_i64().map(|i| i.to_string()),
        Some(deleted)
    );
    assert_eq!(queued["deleted"], true);
    assert_eq!(queued["body_html"], "");
    let html = app.page(&boss, "/admin/moderation").await;
    assert!(!html.contains("将被删除的原文"));
    assert!(html.contains("作者已删除此帖，原文不再显示。"));
    app.stop().await;
}

async fn locked_threads_refuse_edits_except_by_staff(b: Backend) {
    let app = TestApp::spawn(b).await;
    group_of(
        &app,
        "g",
        GroupVisibility::Public,
        &[
            ("alice", Role::Reader, Some(GroupRole::Member)),
            ("leader", Role::Member, Some(GroupRole::Leader)),
            ("boss", Role::Organiser, None),
        ],
    )
    .await;
    let (alice, leader, boss) = (
        signed_in(&app, "alice").await,
        signed_in(&app, "leader").await,
        signed_in(&app, "boss").await,
    );
    let (pid, thread) = start(&app, &alice, "g", "锁定前写的").await;
    let t = thread.to_string();
    let lock = |on: &'static str| {
        let (leader, t, app) = (&leader, &t, &app);
        async move {
            app.call(
                leader,
                "threads/flag",
                &[("id", t.as_str()), ("flag", "locked"), ("on", on)],
            )
            .await
            .status()
        }
    };
    assert_eq!(lock("1").await, 200);
    let (s, v) = edit(&app, &alice, pid, "锁定后想改").await;
    assert_eq!(s, 422);
    assert_eq!(v["Invalid"]["message"], "本主题已锁定，不能再编辑");
    assert_eq!(body_of(&app, pid).await.0, "锁定前写的");
    assert_eq!(revisions_of(&app, pid).await, 0);
    let path = format!("/groups/g/threads/{thread}");
    let textarea = format!("id=\"edit-{pid}\"");
    assert!(
        !app.page(&alice, &path).await.contains(&textarea),
        "no edit form for the author"
    );
    assert!(app.page(&leader, &path).await.contains(&textarea));
    // Staff still edit.
    assert_eq!(edit(&app, &leader, pid, "群主修改").await.0, 200);
    assert_eq!(edit(&app, &boss, pid, "管理员修改").await.0, 200);
    assert_eq!(lock("0").await, 200);
    assert_eq!(edit(&app, &alice, pid, "解锁后再改").await.0, 200);
    app.stop().await;
}

/// `publish` stores the HTML it is given: rendering happens before the
/// posting transaction opens, never inside it (where it would hold
/// SQLite's write lock).
async fn publishing_stores_what_was_rendered_before_the_transaction(b: Backend) {
    use app::threads::queries;
    use app::threads::write::{PostBody, publish};
    let t = TestDb::new(b).await;
    let author = t.account("alice", PW, Role::Reader).await;
    let group = t
        .group(GroupSpec {
            slug: "g",
            ..GroupSpec::default()
        })
        .await;
    let mut tx = t.db.pool().begin().await.unwrap();
    let thread = queries::create_thread(&mut tx, group, None, author, "题", 1)
        .await
        .unwrap();
    let thread = queries::thread(&mut *tx, thread).await.unwrap().unwrap();
    let user = app::accounts::queries::session_user(&mut *tx, author)
        .await
        .unwrap()
        .unwrap();
    let body = PostBody::render("**先渲染**".to_owned());
    assert_eq!(body.html, "<p><strong>先渲染</strong></p>\n");
    let given = PostBody {
        md: body.md.clone(),
        html: platform::SafeHtml::from_stored("<p>事务外渲染的结果</p>".to_owned()),
    };
    let (post, seq) = publish(&mut tx, &thread, &user, None, &given, 2)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    assert_eq!(seq, 1);
    let stored: (String, String) =
        sqlx::query_as("SELECT body_md, body_html FROM post WHERE id = $1")
            .bind(post)
            .fetch_one(t.db.pool())
            .await
            .unwrap();
    assert_eq!(
        stored,
        (
            "**先渲染**".to_owned(),
            "<p>事务外渲染的结果</p>".to_owned()
        )
    );
    t.drop_db().await;
}

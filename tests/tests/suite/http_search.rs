//! Search over HTTP against the real server: what was just written is found,
//! nobody finds what they may not read (through the API or the page), the
//! page marks the words and escapes the query, and bad input gets Chinese
//! answers.

use app::accounts::Role;
use app::groups::{GroupRole, GroupVisibility};
use app::threads::queries::{self as threads, NewPost};
use serde_json::Value;
use shuxiang_tests::{
    Backend, GroupSpec, TEST_PASSWORD, TestApp, bulk_posts, json, on_both_backends, search_settled,
    signed_in,
};

on_both_backends!(
    search_never_returns_what_the_asker_may_not_read,
    the_page_marks_words_and_escapes_the_query,
    more_than_a_thousand_results_read_1000_plus,
);

async fn search(app: &TestApp, c: &reqwest::Client, q: &str, kind: &str) -> (u16, Value) {
    json(
        app.call(
            c,
            "search",
            &[
                ("q", q),
                ("kind", kind),
                ("from", ""),
                ("to", ""),
                ("page", "1"),
            ],
        )
        .await,
    )
    .await
}

/// (kind, url) of every hit.
fn hits(v: &Value) -> Vec<(String, String)> {
    v["kinds"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|k| k["hits"].as_array().cloned().unwrap_or_default())
        .map(|h| {
            (
                h["kind"].as_str().unwrap_or_default().to_owned(),
                h["url"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect()
}

async fn post(app: &TestApp, thread: i64, author: i64, md: &str) -> i64 {
    let mut conn = app.db().pool().acquire().await.unwrap();
    threads::add_post(
        &mut conn,
        &NewPost {
            thread_id: thread,
            account_id: author,
            quote_id: None,
            body_md: md,
            body_html: &platform::markdown::render(md),
        },
        platform::now(),
    )
    .await
    .unwrap()
    .unwrap()
    .0
}

async fn search_never_returns_what_the_asker_may_not_read(b: Backend) {
    let app = TestApp::spawn(b).await;
    let member = app
        .store
        .account("member", TEST_PASSWORD, Role::Member)
        .await;
    app.store
        .account("outsider", TEST_PASSWORD, Role::Reader)
        .await;
    app.store
        .account("boss", TEST_PASSWORD, Role::Organiser)
        .await;
    let closed = app
        .store
        .group(GroupSpec {
            slug: "neibu",
            visibility: GroupVisibility::Members,
            ..GroupSpec::default()
        })
        .await;
    app.store
        .add_to_group(closed, member, GroupRole::Member)
        .await;
    let th = {
        let mut conn = app.db().pool().acquire().await.unwrap();
        threads::create_thread(&mut conn, closed, None, member, "内部话题", 1)
            .await
            .unwrap()
    };
    let secret = post(&app, th, member, "内部消息：雪花秘方").await;
    let book = app.store.book("公开书目", None).await;
    app::notes::queries::insert(
        app.db().pool(),
        &app::notes::queries::NewNote {
            account_id: member,
            book_id: book,
            group_id: None,
            visibility: app::notes::Visibility::Private,
            title: "私人笔记",
            body_md: "雪花秘方的私人想法",
            body_html: "<p>雪花秘方的私人想法</p>",
        },
        2,
    )
    .await
    .unwrap();

    // Written a moment ago, found at once (no waiting for the indexer).
    let member_c = signed_in(&app, "member").await;
    let (status, v) = search(&app, &member_c, "雪花", "").await;
    assert_eq!(status, 200, "{v}");
    let mut got = hits(&v);
    got.sort();
    assert_eq!(
        got.len(),
        2,
        "the member finds the post and their private note: {v}"
    );
    assert_eq!(got[0].0, "Note");
    assert!(
        got[0].1.starts_with(&format!("/books/{book}#note-")),
        "{got:?}"
    );
    assert_eq!(got[1], ("Post".to_owned(), format!("/posts/{secret}")));
    assert_eq!(v["total"], 2);

    for (who, client) in [
        ("visitor", app.client()),
        ("outsider", signed_in(&app, "outsider").await),
    ] {
        for kind in ["", "post", "note"] {
            let (status, v) = search(&app, &client, "雪花", kind).await;
            assert_eq!(status, 200);
            assert_eq!(v["total"], 0, "{who} {kind}: {v}");
            assert!(hits(&v).is_empty());
        }
        let page = app
            .page(
                &client,
                &format!("/search?q={}", app::ui::pager::encode("雪花秘方")),
            )
            .await;
        assert!(!page.contains("雪花秘方的私人"), "{who} page shows no note");
        assert!(!page.contains("内部消息"), "{who} page shows no post");
        assert!(page.contains("没有找到"), "{who} is told nothing was found");
    }
    // Organisers read every group's threads, not private notes.
    let boss = signed_in(&app, "boss").await;
    let (_, v) = search(&app, &boss, "雪花", "").await;
    assert_eq!(
        hits(&v),
        vec![("Post".to_owned(), format!("/posts/{secret}"))]
    );
    app.stop().await;
}

async fn the_page_marks_words_and_escapes_the_query(b: Backend) {
    let app = TestApp::spawn(b).await;
    let reader = app
        .store
        .account("reader", TEST_PASSWORD, Role::Reader)
        .await;
    let g = app.store.group(GroupSpec::default()).await;
    app.store.add_to_group(g, reader, GroupRole::Member).await;
    let th = {
        let mut conn = app.db().pool().acquire().await.unwrap();
        threads::create_thread(&mut conn, g, None, reader, "《三体》读后", 1)
            .await
            .unwrap()
    };
    post(&app, th, reader, "三体里的黑暗森林法则 <b>很</b>有意思").await;
    let c = app.client();
    let page = app
        .page(&c, &format!("/search?q={}", app::ui::pager::encode("三体")))
        .await;
    assert!(page.contains("<mark>三体</mark>"), "words are marked");
    assert!(
        page.contains("讨论主题（1）") && page.contains("帖子（1）"),
        "grouped by kind"
    );
    assert!(page.contains("黑暗森林"));
    assert!(
        !page.contains("<b>很</b>"),
        "Markdown's HTML is not echoed as markup"
    );

    // The query itself is text, never markup.
    let hostile = "<script>alert(1)</script>三体";
    let page = app
        .page(
            &c,
            &format!("/search?q={}", app::ui::pager::encode(hostile)),
        )
        .await;
    assert!(!page.contains("<script>alert(1)"), "query escaped");
    // Operators of the index syntax are plain text too.
    for q in ["\"", "三体\" OR \"", "NEAR(三体)", "三体:*", "!&|<->", "*"] {
        let (status, v) = search(&app, &c, q, "").await;
        assert_eq!(status, 200, "{q:?}: {v}");
    }
    // Long queries are cut, bad dates and empty queries get Chinese notices.
    let (status, v) = search(&app, &c, &"三体".repeat(5_000), "").await;
    assert_eq!(status, 200);
    assert_eq!(v["request"]["q"].as_str().unwrap().chars().count(), 100);
    let (_, v) = json(
        app.call(
            &c,
            "search",
            &[
                ("q", "三体"),
                ("kind", ""),
                ("from", "2026-13-01"),
                ("to", ""),
                ("page", "1"),
            ],
        )
        .await,
    )
    .await;
    assert!(v["notice"].as_str().unwrap().contains("日期"), "{v}");
    let (_, v) = search(&app, &c, "，。！", "").await;
    assert!(v["notice"].as_str().unwrap().contains("请输入"), "{v}");
    // Dates narrow the results: nothing was written in 2020.
    let (_, v) = json(
        app.call(
            &c,
            "search",
            &[
                ("q", "三体"),
                ("kind", ""),
                ("from", "2020-01-01"),
                ("to", "2020-12-31"),
                ("page", "1"),
            ],
        )
        .await,
    )
    .await;
    assert_eq!(v["total"], 0, "{v}");
    app.stop().await;
}

/// A common word: the counts stop at the cap and the page says "1000+", in
/// the tabs, the headings and the summary, with a hint in Chinese.
async fn more_than_a_thousand_results_read_1000_plus(b: Backend) {
    let app = TestApp::spawn(b).await;
    let reader = app
        .store
        .account("reader", TEST_PASSWORD, Role::Reader)
        .await;
    let g = app.store.group(GroupSpec::default()).await;
    app.store.add_to_group(g, reader, GroupRole::Member).await;
    let th = {
        let mut conn = app.db().pool().acquire().await.unwrap();
        threads::create_thread(&mut conn, g, None, reader, "读书会", 1)
            .await
            .unwrap()
    };
    let n = app::search::COUNT_CAP + 1;
    let bodies: Vec<String> = (0..n).map(|i| format!("第{i}次读书打卡")).collect();
    bulk_posts(app.db(), th, reader, &bodies, 1, 1_000).await;
    search_settled(app.db()).await;
    let c = app.client();
    let (status, v) = search(&app, &c, "读书", "").await;
    assert_eq!(status, 200, "{v}");
    let posts = v["kinds"]
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["kind"] == "Post")
        .cloned()
        .unwrap_or_else(|| panic!("posts in {v}"));
    assert_eq!(posts["total"], app::search::COUNT_CAP + 1, "capped");
    assert_eq!(posts["hits"].as_array().unwrap().len(), 5);
    let page = app
        .page(&c, &format!("/search?q={}", app::ui::pager::encode("读书")))
        .await;
    assert!(page.contains("帖子（1000+）"), "the heading");
    assert!(page.contains("帖子 1000+"), "the tab");
    assert!(page.contains("找到 1000+ 条结果"), "the summary");
    assert!(page.contains("结果超过 1000 条时只显示"), "the hint");
    assert!(page.contains("讨论主题（1）"), "small counts stay exact");
    app.stop().await;
}

//! Discussion threads over HTTP against the real server: who may post,
//! steer and moderate (and that refusals change nothing), members-only
//! groups, replies with quotes and mentions and the notifications they
//! send, reports and moderation, paging and permalinks, read positions,
//! hostile Markdown, edit history and deletion, input limits, the posting
//! rate limit.

use app::accounts::Role;
use app::groups::queries::reading_list::{self as list_queries, ItemFields};
use app::groups::{GroupRole, GroupVisibility};
use app::threads::PAGE_SIZE;
use platform::PostLimits;
use serde_json::Value;
use shuxiang_tests::{Backend, GroupSpec, TestApp, on_both_backends};

on_both_backends!(
    only_members_write_and_visitors_must_sign_in,
    only_leaders_guides_and_organisers_steer,
    only_organisers_moderate,
    members_only_groups_stay_hidden_from_outsiders,
    ended_groups_and_locked_threads_refuse_posts,
    replies_quotes_and_mentions_notify_the_right_people,
    reports_are_moderated_hidden_and_restored,
    long_threads_page_by_sequence_and_permalinks_find_posts,
    read_positions_open_the_first_unread_page,
    hostile_markdown_is_inert_in_the_database_and_the_page,
    null_bytes_in_a_post_are_accepted_or_refused_cleanly,
    ordinary_commonmark_survives,
    edits_keep_history_and_deleted_posts_keep_their_replies,
    titles_and_bodies_have_limits,
    posting_too_fast_is_refused,
    likes_previews_and_mention_suggestions,
    quoting_a_post_from_another_page_names_its_author,
    concurrent_posts_respect_the_rate_limit,
    only_authors_leaders_and_organisers_edit_or_delete_a_post,
    a_thread_lives_only_under_its_own_group,
);

use shuxiang_tests::{TEST_PASSWORD as PW, field_errors, json, rows, signed_in};

/// `moderation_log`: actor, action, thread, post.
type LogRow = (Option<i64>, String, Option<i64>, Option<i64>);
/// `moderation_log` with the note.
type NotedLogRow = (Option<i64>, String, Option<i64>, Option<i64>, String);

/// Room for tests that post a lot.
fn many_posts(c: &mut server::Config) {
    c.post_limits = PostLimits {
        per_window: 1000,
        window_secs: 60,
    };
}

/// Starts a thread; the new thread's id.
async fn create(app: &TestApp, c: &reqwest::Client, slug: &str, title: &str, body: &str) -> i64 {
    let (status, v) = json(
        app.call(
            c,
            "threads/create",
            &[
                ("slug", slug),
                ("title", title),
                ("body", body),
                ("book_id", ""),
            ],
        )
        .await,
    )
    .await;
    assert_eq!(status, 200, "create: {v}");
    let path = v.as_str().unwrap();
    let prefix = format!("/groups/{slug}/threads/");
    assert!(path.starts_with(&prefix), "{path}");
    path[prefix.len()..].parse().unwrap()
}

async fn reply_res(
    app: &TestApp,
    c: &reqwest::Client,
    thread: i64,
    body: &str,
    quote: Option<i64>,
) -> reqwest::Response {
    let t = thread.to_string();
    let q = quote.map(|q| q.to_string()).unwrap_or_default();
    app.call(
        c,
        "threads/reply",
        &[("thread_id", &t), ("body", body), ("quote_id", &q)],
    )
    .await
}

/// Replies; the new post's sequence number (checked against the path).
async fn reply(
    app: &TestApp,
    c: &reqwest::Client,
    slug: &str,
    thread: i64,
    body: &str,
    quote: Option<i64>,
) -> i64 {
    let (status, v) = json(reply_res(app, c, thread, body, quote).await).await;
    assert_eq!(status, 200, "reply: {v}");
    let path = v.as_str().unwrap();
    let (head, seq) = path.rsplit_once("#p").unwrap();
    let seq: i64 = seq.parse().unwrap();
    assert_eq!(
        head,
        format!(
            "/groups/{slug}/threads/{thread}?page={}",
            app::threads::page_of(seq)
        )
    );
    seq
}

/// `threads/page` as JSON (page `None`: where the reader left off).
async fn thread_page(
    app: &TestApp,
    c: &reqwest::Client,
    thread: i64,
    page: Option<i64>,
) -> (u16, Value) {
    let t = thread.to_string();
    let p = page.map(|p| p.to_string());
    let mut form = vec![("id", t.as_str())];
    if let Some(p) = &p {
        form.push(("page", p.as_str()));
    }
    json(app.call(c, "threads/page", &form).await).await
}

async fn ok_page(app: &TestApp, c: &reqwest::Client, thread: i64, page: Option<i64>) -> Value {
    let (status, v) = thread_page(app, c, thread, page).await;
    assert_eq!(status, 200, "threads/page: {v}");
    v
}

fn seqs(page: &Value) -> Vec<i64> {
    page["posts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["seq"].as_i64().unwrap())
        .collect()
}

/// The post with sequence number `seq` in a `threads/page` answer.
fn post_of(page: &Value, seq: i64) -> Value {
    page["posts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["seq"] == seq)
        .unwrap_or_else(|| panic!("no post #{seq} in {page}"))
        .clone()
}

async fn post_id(app: &TestApp, thread: i64, seq: i64) -> i64 {
    sqlx::query_scalar("SELECT id FROM post WHERE thread_id = $1 AND seq = $2")
        .bind(thread)
        .bind(seq)
        .fetch_one(app.db().pool())
        .await
        .unwrap()
}

async fn account_id(app: &TestApp, username: &str) -> i64 {
    sqlx::query_scalar("SELECT id FROM account WHERE username = $1")
        .bind(username)
        .fetch_one(app.db().pool())
        .await
        .unwrap()
}

/// `(kind, post id)` of someone's notifications, oldest first.
async fn notifications_of(app: &TestApp, account: i64) -> Vec<(String, i64)> {
    let rows: Vec<(String, i64)> =
        sqlx::query_as("SELECT kind, post_id FROM notification WHERE account_id = $1 ORDER BY id")
            .bind(account)
            .fetch_all(app.db().pool())
            .await
            .unwrap();
    rows
}

async fn unread_in_header(app: &TestApp, c: &reqwest::Client) -> i64 {
    let (status, v) = json(app.call(c, "shell", &[]).await).await;
    assert_eq!(status, 200);
    v["unread_notifications"].as_i64().unwrap()
}

/// GET `path`; the status and the `Location` of a redirect.
async fn get(c: &reqwest::Client, app: &TestApp, path: &str) -> (u16, Option<String>) {
    let res = c.get(app.url(path)).send().await.unwrap();
    let location = res
        .headers()
        .get("location")
        .map(|l| l.to_str().unwrap().to_owned());
    (res.status().as_u16(), location)
}

/// Where `/posts/{id}` sends the client; panics unless it redirects.
async fn permalink(c: &reqwest::Client, app: &TestApp, path: &str) -> String {
    let (status, location) = get(c, app, path).await;
    assert!(
        matches!(status, 302 | 303 | 307),
        "{path} redirects, got {status}"
    );
    location.unwrap()
}

/// A public group "g" with an open term, plus the accounts named, all
/// members of it with the given roles.
async fn group_with(
    app: &TestApp,
    spec: GroupSpec<'_>,
    people: &[(&str, Role, Option<GroupRole>)],
) -> i64 {
    let gid = app.store.group(spec).await;
    for (name, role, group_role) in people {
        let id = app.store.account(name, PW, *role).await;
        if let Some(r) = group_role {
            app.store.add_to_group(gid, id, *r).await;
        }
    }
    gid
}

fn open_group(slug: &str) -> GroupSpec<'_> {
    GroupSpec {
        slug,
        member_seats: 20,
        reader_seats: 20,
        ..GroupSpec::default()
    }
}

async fn only_members_write_and_visitors_must_sign_in(b: Backend) {
    let app = TestApp::spawn(b).await;
    group_with(
        &app,
        open_group("g"),
        &[
            ("member", Role::Reader, Some(GroupRole::Member)),
            ("outsider", Role::Reader, None),
            ("boss", Role::Organiser, None),
        ],
    )
    .await;
    let member = signed_in(&app, "member").await;
    let tid = create(&app, &member, "g", "第一章", "大家怎么看？").await;
    let first = post_id(&app, tid, 1).await.to_string();
    let tables = [
        "thread",
        "post",
        "post_like",
        "post_revision",
        "notification",
        "moderation_log",
    ];
    let mut before = Vec::new();
    for table in tables {
        before.push(rows(&app, table).await);
    }
    let ts = tid.to_string();
    let outsider = signed_in(&app, "outsider").await;
    let anon = app.client();
    let create_form = [
        ("slug", "g"),
        ("title", "外人的主题"),
        ("body", "外人的帖子"),
        ("book_id", ""),
    ];
    let reply_form = [
        ("thread_id", ts.as_str()),
        ("body", "外人的回复"),
        ("quote_id", ""),
    ];
    let edit_form = [("id", first.as_str()), ("body", "改掉")];
    for (who, client, endpoint, form, status) in [
        (
            "outsider",
            &outsider,
            "threads/create",
            &create_form[..],
            403,
        ),
        ("outsider", &outsider, "threads/reply", &reply_form[..], 403),
        ("outsider", &outsider, "posts/edit", &edit_form[..], 403),
        (
            "outsider",
            &outsider,
            "posts/delete",
            &[("id", first.as_str())][..],
            403,
        ),
        ("visitor", &anon, "threads/create", &create_form[..], 401),
        ("visitor", &anon, "threads/reply", &reply_form[..], 401),
        ("visitor", &anon, "posts/edit", &edit_form[..], 401),
        (
            "visitor",
            &anon,
            "posts/delete",
            &[("id", first.as_str())][..],
            401,
        ),
        (
            "visitor",
            &anon,
            "posts/like",
            &[("id", first.as_str()), ("like", "1")][..],
            401,
        ),
        (
            "visitor",
            &anon,
            "posts/report",
            &[("id", first.as_str()), ("reason", "广告")][..],
            401,
        ),
        (
            "visitor",
            &anon,
            "posts/preview",
            &[("body", "预览")][..],
            401,
        ),
        ("visitor", &anon, "notifications", &[("page", "1")][..], 401),
    ] {
        let (got, body) = json(app.call(client, endpoint, form).await).await;
        assert_eq!(got, status, "{who} → {endpoint}: {body}");
    }
    let mut after = Vec::new();
    for table in tables {
        after.push(rows(&app, table).await);
    }
    assert_eq!(before, after, "nothing changed in {tables:?}");
    let body: String =
        sqlx::query_scalar("SELECT body_md FROM post WHERE thread_id = $1 AND seq = 1")
            .bind(tid)
            .fetch_one(app.db().pool())
            .await
            .unwrap();
    assert_eq!(body, "大家怎么看？");
    // Visitors still read a public group's threads.
    assert_eq!(thread_page(&app, &anon, tid, None).await.0, 200);
    let list = json(
        app.call(&anon, "threads/list", &[("slug", "g"), ("page", "1")])
            .await,
    )
    .await;
    assert_eq!(list.0, 200);
    assert_eq!(list.1["can_post"], false);
    assert_eq!(list.1["signed_in"], false);
    let list = json(
        app.call(&outsider, "threads/list", &[("slug", "g"), ("page", "1")])
            .await,
    )
    .await;
    assert_eq!(list.1["can_post"], false);
    assert!(
        list.1["cannot_post_reason"]
            .as_str()
            .unwrap()
            .contains("加入本群")
    );
    // Members and organisers write.
    assert_eq!(reply(&app, &member, "g", tid, "我先说", None).await, 2);
    let boss = signed_in(&app, "boss").await;
    assert_eq!(
        reply(&app, &boss, "g", tid, "管理员也可以说", None).await,
        3
    );
    let list = json(
        app.call(&member, "threads/list", &[("slug", "g"), ("page", "1")])
            .await,
    )
    .await;
    assert_eq!(list.1["can_post"], true);
    assert_eq!(list.1["threads"][0]["post_count"], 3);
    app.stop().await;
}

async fn only_leaders_guides_and_organisers_steer(b: Backend) {
    let app = TestApp::spawn(b).await;
    group_with(
        &app,
        open_group("g"),
        &[
            ("leader", Role::Member, Some(GroupRole::Leader)),
            ("guide", Role::Reader, Some(GroupRole::Guide)),
            ("member", Role::Reader, Some(GroupRole::Member)),
            ("outsider", Role::Reader, None),
            ("boss", Role::Organiser, None),
        ],
    )
    .await;
    let member = signed_in(&app, "member").await;
    let tid = create(&app, &member, "g", "导读：第一章", "正文").await;
    let pid = post_id(&app, tid, 1).await;
    let (ts, ps) = (tid.to_string(), pid.to_string());
    let flags = || async {
        let row: (i64, i64) = sqlx::query_as("SELECT pinned, locked FROM thread WHERE id = $1")
            .bind(tid)
            .fetch_one(app.db().pool())
            .await
            .unwrap();
        let guide: i64 = sqlx::query_scalar("SELECT guide FROM post WHERE id = $1")
            .bind(pid)
            .fetch_one(app.db().pool())
            .await
            .unwrap();
        (row.0, row.1, guide)
    };
    let outsider = signed_in(&app, "outsider").await;
    let anon = app.client();
    let pin = [("id", ts.as_str()), ("flag", "pinned"), ("on", "1")];
    let lock = [("id", ts.as_str()), ("flag", "locked"), ("on", "1")];
    let guide_on = [("id", ps.as_str()), ("on", "1")];
    for (who, client, status) in [
        ("member", &member, 403),
        ("outsider", &outsider, 403),
        ("visitor", &anon, 401),
    ] {
        for (endpoint, form) in [
            ("threads/flag", &pin[..]),
            ("threads/flag", &lock[..]),
            ("posts/guide", &guide_on[..]),
        ] {
            let (got, body) = json(app.call(client, endpoint, form).await).await;
            assert_eq!(got, status, "{who} → {endpoint}: {body}");
        }
    }
    assert_eq!(flags().await, (0, 0, 0), "nothing changed");
    assert_eq!(rows(&app, "moderation_log").await, 0);
    let page = ok_page(&app, &member, tid, None).await;
    assert_eq!(page["can_steer"], false);

    let leader = signed_in(&app, "leader").await;
    let guide = signed_in(&app, "guide").await;
    let boss = signed_in(&app, "boss").await;
    let (s, v) = json(app.call(&leader, "threads/flag", &pin).await).await;
    assert_eq!((s, v.as_str()), (200, Some("已置顶")));
    let (s, v) = json(app.call(&guide, "threads/flag", &lock).await).await;
    assert_eq!((s, v.as_str()), (200, Some("已锁定，不能再回复")));
    let (s, v) = json(app.call(&boss, "posts/guide", &guide_on).await).await;
    assert_eq!((s, v.as_str()), (200, Some("已标为导读")));
    // Setting a flag that is already set changes and logs nothing.
    assert_eq!(app.call(&boss, "threads/flag", &pin).await.status(), 200);
    let unknown = [("id", ts.as_str()), ("flag", "sticky"), ("on", "1")];
    assert_eq!(
        app.call(&boss, "threads/flag", &unknown).await.status(),
        400
    );
    assert_eq!(flags().await, (1, 1, 1));
    assert_eq!(ok_page(&app, &guide, tid, None).await["can_steer"], true);
    let (leader_id, guide_id, boss_id) = (
        account_id(&app, "leader").await,
        account_id(&app, "guide").await,
        account_id(&app, "boss").await,
    );
    let log: Vec<LogRow> = sqlx::query_as(
        "SELECT actor_id, action, thread_id, post_id FROM moderation_log ORDER BY id",
    )
    .fetch_all(app.db().pool())
    .await
    .unwrap();
    assert_eq!(
        log,
        vec![
            (Some(leader_id), "pin".to_owned(), Some(tid), None),
            (Some(guide_id), "lock".to_owned(), Some(tid), None),
            (Some(boss_id), "guide".to_owned(), Some(tid), Some(pid)),
        ]
    );
    // And back.
    let unlock = [("id", ts.as_str()), ("flag", "locked"), ("on", "0")];
    assert_eq!(
        app.call(&leader, "threads/flag", &unlock).await.status(),
        200
    );
    assert_eq!(flags().await, (1, 0, 1));
    assert_eq!(rows(&app, "moderation_log").await, 4);
    app.stop().await;
}

async fn only_organisers_moderate(b: Backend) {
    let app = TestApp::spawn(b).await;
    group_with(
        &app,
        open_group("g"),
        &[
            ("leader", Role::Member, Some(GroupRole::Leader)),
            ("member", Role::Reader, Some(GroupRole::Member)),
            ("boss", Role::Organiser, None),
        ],
    )
    .await;
    let member = signed_in(&app, "member").await;
    let tid = create(&app, &member, "g", "主题", "可能有问题的帖子").await;
    let pid = post_id(&app, tid, 1).await.to_string();
    let leader = signed_in(&app, "leader").await;
    let (s, _) = json(
        app.call(&leader, "posts/report", &[("id", &pid), ("reason", "广告")])
            .await,
    )
    .await;
    assert_eq!(s, 200);
    let anon = app.client();
    for (who, client, status) in [
        ("member", &member, 403),
        ("leader", &leader, 403),
        ("visitor", &anon, 401),
    ] {
        assert_eq!(
            app.call(client, "moderation/queue", &[]).await.status(),
            status,
            "{who} → queue"
        );
        for action in ["hide", "restore", "dismiss"] {
            assert_eq!(
                app.call(
                    client,
                    "moderation/act",
                    &[("id", &pid), ("action", action), ("note", "")]
                )
                .await
                .status(),
                status,
                "{who} → {action}"
            );
        }
    }
    let hidden: Option<i64> = sqlx::query_scalar("SELECT hidden_at FROM post WHERE id = $1")
        .bind(pid.parse::<i64>().unwrap())
        .fetch_one(app.db().pool())
        .await
        .unwrap();
    assert_eq!(hidden, None);
    assert_eq!(rows(&app, "moderation_log").await, 0);
    let open: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM post_report WHERE status = 'open'")
        .fetch_one(app.db().pool())
        .await
        .unwrap();
    assert_eq!(open, 1);
    let boss = signed_in(&app, "boss").await;
    let (s, q) = json(app.call(&boss, "moderation/queue", &[]).await).await;
    assert_eq!(s, 200);
    assert_eq!(q["reported"].as_array().unwrap().len(), 1);
    let (s, v) = json(
        app.call(
            &boss,
            "moderation/act",
            &[("id", &pid), ("action", "dismiss"), ("note", "没问题")],
        )
        .await,
    )
    .await;
    assert_eq!((s, v.as_str()), (200, Some("举报已驳回，帖子保持原样")));
    assert_eq!(
        app.call(
            &boss,
            "moderation/act",
            &[("id", &pid), ("action", "burn"), ("note", "")]
        )
        .await
        .status(),
        400
    );
    assert_eq!(
        app.call(
            &boss,
            "moderation/act",
            &[("id", "9999"), ("action", "hide"), ("note", "")]
        )
        .await
        .status(),
        404
    );
    let (_, q) = json(app.call(&boss, "moderation/queue", &[]).await).await;
    assert!(q["reported"].as_array().unwrap().is_empty());
    assert_eq!(q["log"][0]["action"], "dismiss");
    assert_eq!(q["log"][0]["actor"], "测试boss");
    app.stop().await;
}

async fn members_only_groups_stay_hidden_from_outsiders(b: Backend) {
    let app = TestApp::spawn(b).await;
    let gid = group_with(
        &app,
        GroupSpec {
            slug: "secret",
            visibility: GroupVisibility::Members,
            ..open_group("secret")
        },
        &[
            ("insider", Role::Reader, Some(GroupRole::Member)),
            ("outsider", Role::Reader, None),
            ("boss", Role::Organiser, None),
        ],
    )
    .await;
    let book = app.store.book("乡土中国", None).await;
    let mut conn = app.db().pool().acquire().await.unwrap();
    list_queries::add(
        &mut conn,
        gid,
        book,
        &ItemFields {
            starts_on: "2026-01-01",
            ends_on: "2026-02-01",
            guide_md: "",
            guide_html: "",
        },
    )
    .await
    .unwrap();
    drop(conn);
    let insider = signed_in(&app, "insider").await;
    let bs = book.to_string();
    let tid = app
        .start_thread(
            &insider,
            "secret",
            "只给群友看的主题",
            "群内的秘密讨论",
            &bs,
        )
        .await;
    let pid = post_id(&app, tid, 1).await;
    let (ts, ps) = (tid.to_string(), pid.to_string());
    let outsider = signed_in(&app, "outsider").await;
    let anon = app.client();
    for (who, client) in [("outsider", &outsider), ("visitor", &anon)] {
        for (endpoint, form) in [
            ("threads/list", vec![("slug", "secret"), ("page", "1")]),
            ("threads/page", vec![("id", ts.as_str())]),
            (
                "threads/reply",
                vec![("thread_id", ts.as_str()), ("body", "x"), ("quote_id", "")],
            ),
            (
                "threads/create",
                vec![
                    ("slug", "secret"),
                    ("title", "t"),
                    ("body", "b"),
                    ("book_id", ""),
                ],
            ),
            (
                "threads/mentions",
                vec![("slug", "secret"), ("typed", "in")],
            ),
            ("posts/like", vec![("id", ps.as_str()), ("like", "1")]),
            ("posts/edit", vec![("id", ps.as_str()), ("body", "x")]),
            ("posts/delete", vec![("id", ps.as_str())]),
            (
                "threads/flag",
                vec![("id", ts.as_str()), ("flag", "pinned"), ("on", "1")],
            ),
        ] {
            let (got, body) = json(app.call(client, endpoint, &form).await).await;
            assert_eq!(got, 404, "{who} → {endpoint}: {body}");
        }
        let (status, _) = get(client, &app, &format!("/posts/{pid}")).await;
        assert_eq!(status, 404, "{who} → /posts/{pid}");
        // The thread's page shows nothing of it.
        let res = client
            .get(app.url(&format!("/groups/secret/threads/{tid}")))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 404, "{who} → the thread's page");
        let html = res.text().await.unwrap();
        assert!(!html.contains("只给群友看的主题") && !html.contains("群内的秘密讨论"));
        // The book's page does not list it.
        let (s, detail) = json(app.call(client, "book", &[("id", &bs)]).await).await;
        assert_eq!(s, 200);
        assert!(
            detail["threads"].as_array().unwrap().is_empty(),
            "{who}: {detail}"
        );
    }
    // A signed-in outsider cannot report it either.
    let (got, body) = json(
        app.call(
            &outsider,
            "posts/report",
            &[("id", &ps), ("reason", "广告")],
        )
        .await,
    )
    .await;
    assert_eq!(got, 404, "{body}");
    assert_eq!(rows(&app, "post_report").await, 0);
    assert_eq!(rows(&app, "post").await, 1);
    assert_eq!(rows(&app, "thread_read").await, 0);
    // Members and organisers see it.
    let boss = signed_in(&app, "boss").await;
    for client in [&insider, &boss] {
        let (s, detail) = json(app.call(client, "book", &[("id", &bs)]).await).await;
        assert_eq!(s, 200);
        assert_eq!(detail["threads"][0]["id"], tid);
        assert_eq!(detail["threads"][0]["book_title"], "乡土中国");
        assert_eq!(
            ok_page(&app, client, tid, None).await["thread"]["title"],
            "只给群友看的主题"
        );
        let location = permalink(client, &app, &format!("/posts/{pid}")).await;
        assert_eq!(location, format!("/groups/secret/threads/{tid}?page=1#p1"));
    }
    let (s, list) = json(
        app.call(
            &insider,
            "threads/list",
            &[("slug", "secret"), ("page", "1")],
        )
        .await,
    )
    .await;
    assert_eq!(s, 200);
    assert_eq!(list["threads"][0]["title"], "只给群友看的主题");
    assert!(
        app.page(&insider, &format!("/groups/secret/threads/{tid}"))
            .await
            .contains("群内的秘密讨论")
    );
    // Members are told their discussion is private.
    let (s, v) = json(
        app.call(
            &insider,
            "threads/list",
            &[("slug", "secret"), ("page", "1")],
        )
        .await,
    )
    .await;
    assert_eq!((s, v["members_only"].as_bool()), (200, Some(true)));
    assert_eq!(
        ok_page(&app, &insider, tid, None).await["members_only"],
        true
    );
    app.stop().await;
}

async fn ended_groups_and_locked_threads_refuse_posts(b: Backend) {
    let app = TestApp::spawn(b).await;
    let old = group_with(
        &app,
        GroupSpec {
            slug: "old",
            starts: -30,
            ends: -1,
            ..open_group("old")
        },
        &[("veteran", Role::Reader, Some(GroupRole::Member))],
    )
    .await;
    group_with(
        &app,
        open_group("g"),
        &[
            ("leader", Role::Member, Some(GroupRole::Leader)),
            ("alice", Role::Reader, Some(GroupRole::Member)),
            ("bob", Role::Reader, Some(GroupRole::Member)),
        ],
    )
    .await;
    // A thread from when the group was running.
    let veteran_id = account_id(&app, "veteran").await;
    let mut conn = app.db().pool().acquire().await.unwrap();
    let old_thread =
        app::threads::queries::create_thread(&mut conn, old, None, veteran_id, "往期讨论", 1)
            .await
            .unwrap();
    app::threads::queries::add_post(
        &mut conn,
        &app::threads::queries::NewPost {
            thread_id: old_thread,
            account_id: veteran_id,
            quote_id: None,
            body_md: "旧帖",
            body_html: "<p>旧帖</p>",
        },
        1,
    )
    .await
    .unwrap();
    drop(conn);
    let veteran = signed_in(&app, "veteran").await;
    let ended = "本群已结束，讨论区只能查看";
    let (s, v) = json(reply_res(&app, &veteran, old_thread, "还想说", None).await).await;
    assert_eq!(s, 422);
    assert_eq!(v["Invalid"]["message"], ended);
    let (s, v) = json(
        app.call(
            &veteran,
            "threads/create",
            &[
                ("slug", "old"),
                ("title", "新主题"),
                ("body", "正文"),
                ("book_id", ""),
            ],
        )
        .await,
    )
    .await;
    assert_eq!(s, 422);
    assert_eq!(v["Invalid"]["message"], ended);
    let page = ok_page(&app, &veteran, old_thread, None).await;
    assert_eq!(page["can_post"], false);
    assert_eq!(page["group_closed"], true);
    assert_eq!(page["cannot_post_reason"], "本群已结束，讨论区只能查看。");
    assert_eq!(rows(&app, "post").await, 1);
    assert_eq!(rows(&app, "thread").await, 1);

    // A locked thread.
    let alice = signed_in(&app, "alice").await;
    let bob = signed_in(&app, "bob").await;
    let leader = signed_in(&app, "leader").await;
    let tid = create(&app, &alice, "g", "会被锁的主题", "alice 的帖子").await;
    let ts = tid.to_string();
    assert_eq!(
        app.call(
            &leader,
            "threads/flag",
            &[("id", &ts), ("flag", "locked"), ("on", "1")]
        )
        .await
        .status(),
        200
    );
    let (s, v) = json(reply_res(&app, &bob, tid, "锁了还能回吗", None).await).await;
    assert_eq!(s, 422);
    assert_eq!(v["Invalid"]["message"], "本主题已锁定，不能再回复");
    let page = ok_page(&app, &bob, tid, None).await;
    assert_eq!(page["can_post"], false);
    assert_eq!(page["thread"]["locked"], true);
    assert_eq!(page["cannot_post_reason"], "本主题已锁定，不能再回复。");
    assert_eq!(page["thread"]["post_count"], 1);
    // Someone else's post: 403, unchanged.
    let alices = post_id(&app, tid, 1).await.to_string();
    let (s, _) = json(
        app.call(&bob, "posts/edit", &[("id", &alices), ("body", "bob 改的")])
            .await,
    )
    .await;
    assert_eq!(s, 403);
    let (s, _) = json(app.call(&bob, "posts/delete", &[("id", &alices)]).await).await;
    assert_eq!(s, 403);
    let after = ok_page(&app, &bob, tid, None).await;
    let p = post_of(&after, 1);
    assert_eq!(p["body_html"], "<p>alice 的帖子</p>\n");
    assert_eq!(p["state"], "Visible");
    assert_eq!(p["edits"], 0);
    assert_eq!(rows(&app, "post_revision").await, 0);
    // Nor does its author edit it while the thread is locked (staff may;
    // see http_content_limits).
    let (s, v) = json(
        app.call(
            &alice,
            "posts/edit",
            &[("id", &alices), ("body", "alice 改的")],
        )
        .await,
    )
    .await;
    assert_eq!(s, 422);
    assert_eq!(v["Invalid"]["message"], "本主题已锁定，不能再编辑");
    // Unlocked, replies are welcome again.
    assert_eq!(
        app.call(
            &leader,
            "threads/flag",
            &[("id", &ts), ("flag", "locked"), ("on", "0")]
        )
        .await
        .status(),
        200
    );
    assert_eq!(reply(&app, &bob, "g", tid, "解锁了", None).await, 2);
    app.stop().await;
}

async fn replies_quotes_and_mentions_notify_the_right_people(b: Backend) {
    let app = TestApp::spawn_with(b, many_posts).await;
    group_with(
        &app,
        GroupSpec {
            slug: "club",
            visibility: GroupVisibility::Members,
            ..open_group("club")
        },
        &[
            ("alice", Role::Reader, Some(GroupRole::Member)),
            ("bob", Role::Reader, Some(GroupRole::Member)),
            ("carol", Role::Reader, Some(GroupRole::Member)),
            ("dave", Role::Reader, Some(GroupRole::Member)),
            ("erin", Role::Reader, None),
        ],
    )
    .await;
    let [alice_id, bob_id, carol_id, dave_id, erin_id] = [
        account_id(&app, "alice").await,
        account_id(&app, "bob").await,
        account_id(&app, "carol").await,
        account_id(&app, "dave").await,
        account_id(&app, "erin").await,
    ];
    let alice = signed_in(&app, "alice").await;
    let bob = signed_in(&app, "bob").await;
    let carol = signed_in(&app, "carol").await;
    let dave = signed_in(&app, "dave").await;
    let tid = create(
        &app,
        &alice,
        "club",
        "《乡土中国》第一章",
        "差序格局是什么意思？",
    )
    .await;
    let p1 = post_id(&app, tid, 1).await;
    assert!(
        rows(&app, "notification").await == 0,
        "a new thread notifies nobody"
    );
    // carol replies: the thread's author hears of it.
    assert_eq!(
        reply(&app, &carol, "club", tid, "像水波纹一样推出去。", None).await,
        2
    );
    let p2 = post_id(&app, tid, 2).await;
    // bob quotes carol and mentions dave, erin (not a member), carol,
    // himself and alice; upper case and repeats count once.
    let body = "@Dave @erin @carol @bob 同意 @CAROL 的说法，@alice 你觉得呢？";
    assert_eq!(reply(&app, &bob, "club", tid, body, Some(p2)).await, 3);
    let p3 = post_id(&app, tid, 3).await;
    // dave quotes alice's opening post.
    assert_eq!(
        reply(&app, &dave, "club", tid, "回到楼主的问题", Some(p1)).await,
        4
    );
    let p4 = post_id(&app, tid, 4).await;
    let own = |v: &[(&str, i64)]| {
        v.iter()
            .map(|(k, p)| ((*k).to_owned(), *p))
            .collect::<Vec<_>>()
    };
    // alice: a reply, then a mention (more specific than the reply to her
    // thread), then a quote (more specific again) — one per post.
    assert_eq!(
        notifications_of(&app, alice_id).await,
        own(&[("reply", p2), ("mention", p3), ("quote", p4)])
    );
    assert_eq!(
        notifications_of(&app, carol_id).await,
        own(&[("quote", p3)])
    );
    assert_eq!(
        notifications_of(&app, dave_id).await,
        own(&[("mention", p3)])
    );
    assert!(
        notifications_of(&app, erin_id).await.is_empty(),
        "not a member"
    );
    assert!(
        notifications_of(&app, bob_id).await.is_empty(),
        "not for oneself"
    );
    // The quote shows who said what.
    let page = ok_page(&app, &alice, tid, Some(1)).await;
    let q = &post_of(&page, 3)["quote"];
    assert_eq!(
        (q["post_id"].as_i64(), q["seq"].as_i64()),
        (Some(p2), Some(2))
    );
    assert_eq!(q["author"], "测试carol");
    assert_eq!(q["excerpt"], "像水波纹一样推出去。");

    // The header count, and the permalink that marks one read.
    assert_eq!(unread_in_header(&app, &alice).await, 3);
    let nid: i64 =
        sqlx::query_scalar("SELECT id FROM notification WHERE account_id = $1 AND kind = 'quote'")
            .bind(alice_id)
            .fetch_one(app.db().pool())
            .await
            .unwrap();
    let location = permalink(&alice, &app, &format!("/posts/{p4}?n={nid}")).await;
    assert_eq!(location, format!("/groups/club/threads/{tid}?page=1#p4"));
    assert_eq!(unread_in_header(&app, &alice).await, 2);
    // Following someone else's notification marks nothing.
    let carols: i64 = sqlx::query_scalar("SELECT id FROM notification WHERE account_id = $1")
        .bind(carol_id)
        .fetch_one(app.db().pool())
        .await
        .unwrap();
    permalink(&alice, &app, &format!("/posts/{p3}?n={carols}")).await;
    assert_eq!(unread_in_header(&app, &carol).await, 1);
    assert_eq!(unread_in_header(&app, &alice).await, 2);
    // The list says which were new, then marks them all read.
    let (s, list) = json(app.call(&alice, "notifications", &[("page", "1")]).await).await;
    assert_eq!(s, 200);
    let items = list["items"].as_array().unwrap();
    assert_eq!(
        items
            .iter()
            .map(|n| (n["kind"].as_str().unwrap(), n["read"].as_bool().unwrap()))
            .collect::<Vec<_>>(),
        vec![("Quote", true), ("Mention", false), ("Reply", false)]
    );
    assert_eq!(items[0]["actor"], "测试dave");
    assert_eq!(items[0]["text"], "《《乡土中国》第一章》");
    assert_eq!(items[0]["post_id"], p4);
    assert_eq!(unread_in_header(&app, &alice).await, 0);
    assert_eq!(unread_in_header(&app, &dave).await, 1);
    app.stop().await;
}

async fn reports_are_moderated_hidden_and_restored(b: Backend) {
    let app = TestApp::spawn(b).await;
    group_with(
        &app,
        open_group("g"),
        &[
            ("alice", Role::Reader, Some(GroupRole::Member)),
            ("bob", Role::Reader, Some(GroupRole::Member)),
            ("boss", Role::Organiser, None),
        ],
    )
    .await;
    let alice = signed_in(&app, "alice").await;
    let bob = signed_in(&app, "bob").await;
    let boss = signed_in(&app, "boss").await;
    let anon = app.client();
    let tid = create(&app, &alice, "g", "主题", "正常的开头").await;
    assert_eq!(
        reply(&app, &alice, "g", tid, "加我微信买书 abc123", None).await,
        2
    );
    let pid = post_id(&app, tid, 2).await;
    let ps = pid.to_string();
    let (s, v) = json(
        app.call(&bob, "posts/report", &[("id", &ps), ("reason", "  ")])
            .await,
    )
    .await;
    assert_eq!(s, 422);
    assert_eq!(
        field_errors(&v),
        vec![("reason".to_owned(), "请写明举报理由".to_owned())]
    );
    let (s, v) = json(
        app.call(&bob, "posts/report", &[("id", &ps), ("reason", "广告")])
            .await,
    )
    .await;
    assert_eq!((s, v.as_str()), (200, Some("已举报，管理员会尽快处理。")));
    let (s, v) = json(
        app.call(&bob, "posts/report", &[("id", &ps), ("reason", "还是广告")])
            .await,
    )
    .await;
    assert_eq!(
        (s, v.as_str()),
        (200, Some("你已经举报过这篇帖子，管理员会尽快处理。"))
    );
    assert_eq!(rows(&app, "post_report").await, 1);
    let (s, q) = json(app.call(&boss, "moderation/queue", &[]).await).await;
    assert_eq!(s, 200);
    let reported = &q["reported"][0];
    assert_eq!(reported["post_id"], pid);
    assert_eq!(reported["author"], "测试alice");
    assert_eq!(reported["reports"][0]["reporter"], "测试bob");
    assert_eq!(reported["reports"][0]["reason"], "广告");
    assert!(
        reported["body_html"]
            .as_str()
            .unwrap()
            .contains("加我微信买书")
    );

    let (s, v) = json(
        app.call(
            &boss,
            "moderation/act",
            &[("id", &ps), ("action", "hide"), ("note", "请勿发广告")],
        )
        .await,
    )
    .await;
    assert_eq!((s, v.as_str()), (200, Some("帖子已隐藏")));
    let alice_id = account_id(&app, "alice").await;
    let boss_id = account_id(&app, "boss").await;
    let moderation: Vec<(String, String, Option<i64>)> = sqlx::query_as(
        "SELECT kind, text, actor_id FROM notification WHERE account_id = $1 AND kind = 'moderation'",
    )
    .bind(alice_id)
    .fetch_all(app.db().pool())
    .await
    .unwrap();
    assert_eq!(
        moderation,
        vec![(
            "moderation".to_owned(),
            "你的帖子已被管理员隐藏（请勿发广告）".to_owned(),
            Some(boss_id)
        )]
    );
    // Members (the author too) and visitors see that it is hidden, not what it said.
    for (who, client) in [("bob", &bob), ("alice", &alice), ("visitor", &anon)] {
        let p = post_of(&ok_page(&app, client, tid, Some(1)).await, 2);
        assert_eq!(p["state"], "Hidden", "{who}");
        assert_eq!(p["body_html"], "", "{who}");
        assert_eq!(p["body_md"], Value::Null, "{who}");
        let html = app.page(client, &format!("/groups/g/threads/{tid}")).await;
        assert!(!html.contains("加我微信买书"), "{who} sees hidden text");
        assert!(html.contains("此帖已被管理员隐藏。"), "{who}");
    }
    let p = post_of(&ok_page(&app, &boss, tid, Some(1)).await, 2);
    assert_eq!(p["state"], "Hidden");
    assert!(p["body_html"].as_str().unwrap().contains("加我微信买书"));
    // Hidden posts cannot be liked or edited.
    assert_eq!(
        app.call(&bob, "posts/like", &[("id", &ps), ("like", "1")])
            .await
            .status(),
        422
    );
    assert_eq!(
        app.call(&alice, "posts/edit", &[("id", &ps), ("body", "改一下")])
            .await
            .status(),
        422
    );
    let (_, q) = json(app.call(&boss, "moderation/queue", &[]).await).await;
    assert!(q["reported"].as_array().unwrap().is_empty(), "{q}");
    assert_eq!(q["hidden"][0]["post_id"], pid);
    let report: (String, Option<i64>) =
        sqlx::query_as("SELECT status, resolved_by FROM post_report")
            .fetch_one(app.db().pool())
            .await
            .unwrap();
    assert_eq!(report, ("resolved".to_owned(), Some(boss_id)));

    let (s, v) = json(
        app.call(
            &boss,
            "moderation/act",
            &[("id", &ps), ("action", "restore"), ("note", "")],
        )
        .await,
    )
    .await;
    assert_eq!((s, v.as_str()), (200, Some("帖子已恢复")));
    let p = post_of(&ok_page(&app, &bob, tid, Some(1)).await, 2);
    assert_eq!(p["state"], "Visible");
    assert!(p["body_html"].as_str().unwrap().contains("加我微信买书"));
    let texts: Vec<String> = sqlx::query_scalar(
        "SELECT text FROM notification WHERE account_id = $1 AND kind = 'moderation' ORDER BY id",
    )
    .bind(alice_id)
    .fetch_all(app.db().pool())
    .await
    .unwrap();
    assert_eq!(
        texts,
        vec![
            "你的帖子已被管理员隐藏（请勿发广告）",
            "你的帖子已被管理员恢复"
        ]
    );
    let log: Vec<NotedLogRow> = sqlx::query_as(
        "SELECT actor_id, action, thread_id, post_id, note FROM moderation_log ORDER BY id",
    )
    .fetch_all(app.db().pool())
    .await
    .unwrap();
    assert_eq!(
        log,
        vec![
            (
                Some(boss_id),
                "hide".to_owned(),
                Some(tid),
                Some(pid),
                "请勿发广告".to_owned()
            ),
            (
                Some(boss_id),
                "restore".to_owned(),
                Some(tid),
                Some(pid),
                String::new()
            ),
        ]
    );
    // Restoring twice changes and logs nothing more.
    assert_eq!(
        app.call(
            &boss,
            "moderation/act",
            &[("id", &ps), ("action", "restore"), ("note", "")]
        )
        .await
        .status(),
        200
    );
    assert_eq!(rows(&app, "moderation_log").await, 2);
    let (_, q) = json(app.call(&boss, "moderation/queue", &[]).await).await;
    assert_eq!(q["log"][0]["action"], "restore");
    assert_eq!(q["log"][1]["action"], "hide");
    assert_eq!(q["log"][1]["actor"], "测试boss");
    app.stop().await;
}

/// A thread of `n` posts in group "g" by alice; its id.
async fn long_thread(app: &TestApp, alice: &reqwest::Client, n: i64) -> i64 {
    let tid = create(app, alice, "g", "很长的主题", "第 1 帖").await;
    for seq in 2..=n {
        assert_eq!(
            reply(app, alice, "g", tid, &format!("第 {seq} 帖"), None).await,
            seq
        );
    }
    tid
}

async fn long_threads_page_by_sequence_and_permalinks_find_posts(b: Backend) {
    let app = TestApp::spawn_with(b, many_posts).await;
    group_with(
        &app,
        open_group("g"),
        &[
            ("alice", Role::Reader, Some(GroupRole::Member)),
            ("bob", Role::Reader, Some(GroupRole::Member)),
        ],
    )
    .await;
    let alice = signed_in(&app, "alice").await;
    let tid = long_thread(&app, &alice, 45).await;
    assert_eq!(PAGE_SIZE, 20);
    let bob = signed_in(&app, "bob").await;
    let third = ok_page(&app, &bob, tid, Some(3)).await;
    assert_eq!(seqs(&third), (41..=45).collect::<Vec<_>>());
    assert_eq!(
        (third["page"].as_i64(), third["pages"].as_i64()),
        (Some(3), Some(3))
    );
    assert_eq!(post_of(&third, 41)["body_html"], "<p>第 41 帖</p>\n");
    assert_eq!(
        seqs(&ok_page(&app, &bob, tid, Some(2)).await),
        (21..=40).collect::<Vec<_>>()
    );
    // Out of range pages are clamped.
    assert_eq!(ok_page(&app, &bob, tid, Some(99)).await["page"], 3);
    assert_eq!(
        seqs(&ok_page(&app, &bob, tid, Some(0)).await),
        (1..=20).collect::<Vec<_>>()
    );
    // Permalinks: to the page that holds the post, scrolled to it.
    let anon = app.client();
    for (seq, page) in [(23, 2), (1, 1), (20, 1), (21, 2), (40, 2), (41, 3), (45, 3)] {
        let id = post_id(&app, tid, seq).await;
        let location = permalink(&anon, &app, &format!("/posts/{id}")).await;
        assert_eq!(
            location,
            format!("/groups/g/threads/{tid}?page={page}#p{seq}")
        );
    }
    for missing in ["/posts/99999", "/posts/abc"] {
        assert_eq!(get(&anon, &app, missing).await.0, 404, "{missing}");
    }
    // The page the permalink names serves the post.
    let html = app
        .page(&anon, &format!("/groups/g/threads/{tid}?page=2"))
        .await;
    assert!(html.contains("id=\"p23\""));
    assert!(html.contains("第 23 帖"));
    assert!(!html.contains("第 41 帖"));
    app.stop().await;
}

async fn read_positions_open_the_first_unread_page(b: Backend) {
    let app = TestApp::spawn_with(b, many_posts).await;
    group_with(
        &app,
        open_group("g"),
        &[
            ("alice", Role::Reader, Some(GroupRole::Member)),
            ("bob", Role::Reader, Some(GroupRole::Member)),
        ],
    )
    .await;
    let alice = signed_in(&app, "alice").await;
    let tid = long_thread(&app, &alice, 45).await;
    let bob = signed_in(&app, "bob").await;
    let listed = |c: reqwest::Client| {
        let app = &app;
        async move {
            let (s, list) = json(
                app.call(&c, "threads/list", &[("slug", "g"), ("page", "1")])
                    .await,
            )
            .await;
            assert_eq!(s, 200);
            let t = list["threads"][0].clone();
            assert_eq!(t["id"], tid);
            (
                t["unread"].as_i64().unwrap(),
                t["last_read_seq"].as_i64().unwrap(),
            )
        }
    };
    assert_eq!(listed(bob.clone()).await, (45, 0));
    // Never read: without a page number, the first page.
    let first = ok_page(&app, &bob, tid, None).await;
    assert_eq!(first["page"], 1);
    assert_eq!(first["first_unread_seq"], 1);
    assert_eq!(listed(bob.clone()).await, (25, 20), "page 1 read");
    let next = ok_page(&app, &bob, tid, None).await;
    assert_eq!(next["page"], 2, "opens where bob left off");
    assert_eq!(next["first_unread_seq"], 21);
    assert_eq!(seqs(&next).first(), Some(&21));
    assert_eq!(listed(bob.clone()).await, (5, 40));
    // Looking back does not move the position back.
    ok_page(&app, &bob, tid, Some(1)).await;
    assert_eq!(listed(bob.clone()).await, (5, 40));
    let last = ok_page(&app, &bob, tid, None).await;
    assert_eq!(last["page"], 3);
    assert_eq!(listed(bob.clone()).await, (0, 45));
    // All read: the first page again, nothing marked unread.
    let again = ok_page(&app, &bob, tid, None).await;
    assert_eq!(again["page"], 1);
    assert_eq!(again["first_unread_seq"], Value::Null);
    // A new reply is one unread post, on page 3.
    assert_eq!(reply(&app, &alice, "g", tid, "第 46 帖", None).await, 46);
    assert_eq!(listed(bob.clone()).await, (1, 45));
    let newest = ok_page(&app, &bob, tid, None).await;
    assert_eq!(
        (newest["page"].as_i64(), newest["first_unread_seq"].as_i64()),
        (Some(3), Some(46))
    );
    // Visitors have no read position.
    let anon = app.client();
    assert_eq!(listed(anon.clone()).await, (0, 0));
    assert_eq!(ok_page(&app, &anon, tid, None).await["page"], 1);
    app.stop().await;
}

// ---------------------------------------------------------------------------
// Hostile input
// ---------------------------------------------------------------------------

fn hostile_inputs() -> Vec<String> {
    let mut inputs: Vec<String> = [
        "<script>alert(1)</script>",
        "<SCRIPT SRC=https://evil.example/x.js></SCRIPT>",
        "<ScRiPt>alert(document.cookie)</sCrIpT>",
        "<script\n>alert(1)</script\n>",
        "前文 <script type=\"text/javascript\">alert(1)</script> 后文",
        "<scr<script>ipt>alert(1)</script>",
        "<<script>script>alert(1)<</script>/script>",
        "<img src=x onerror=alert(1)>",
        "<IMG SRC=\"https://ok.example/a.png\" ONERROR=\"alert(1)\">",
        "<svg onload=alert(1)>",
        "<svg><script>alert(1)</script></svg>",
        "[x](javascript:alert(1))",
        "[x](JaVaScRiPt&#58;alert(1))",
        "<a href=\"javascript:alert(1)\">x</a>",
        "<a href=\"JaVaScRiPt&#58;alert(1)\">x</a>",
        "<a href=\"java&#x09;script:alert(1)\">x</a>",
        "![a](javascript:alert(1))",
        "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
        "<a href=\"data:text/html,<script>alert(1)</script>\">x</a>",
        "![a](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)",
        "<iframe src=https://evil.example></iframe>",
        "<form action=https://evil.example><input name=q>\
         <button formaction=javascript:alert(1)>go</button></form>",
        "<input type=text value=x onfocus=alert(1) autofocus>",
        "<style>body{display:none}</style>",
        "<div style=\"position:fixed;top:0\">cover</div>",
        "<p style=\"color:red\" onclick=\"alert(1)\">x</p>",
        "<object data=https://evil.example/x.swf></object>",
        "<embed src=https://evil.example/x.swf>",
        "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
        "<b><i>unclosed",
        "<!-- <script>alert(1)</script> -->",
        "<base href=https://evil.example/>",
        "<meta http-equiv=refresh content=\"0;url=https://evil.example\">",
        "<link rel=stylesheet href=https://evil.example/x.css>",
        "<a href=\"https://evil.example/\" rel=\"opener\" target=\"_self\">外链</a>",
        "[x](//evil.example)",
        "见 https://evil.example/path 和 [官网](https://ok.example/)",
        "<details open ontoggle=alert(1)>x</details>",
        "<textarea><script>alert(1)</script></textarea>",
        "\u{202E}gpj.exe\u{202C} <a href=\"https://evil.example\">\u{202E}moc.elgoog\u{202C}</a>",
    ]
    .iter()
    .map(|s| (*s).to_owned())
    .collect();
    // One 9 000-character line full of tags.
    let unit = "读<img src=x onerror=alert(1)><script>alert(1)</script>";
    let mut line = unit.repeat(9000 / unit.chars().count());
    while line.chars().count() < 9000 {
        line.push('长');
    }
    assert_eq!(line.chars().count(), 9000);
    inputs.push(line);
    // Block quotes nested 200 deep.
    inputs.push("> ".repeat(200) + "deep <img src=x onerror=alert(1)>");
    inputs
}

/// The text between `<ol class="post-list">` and its own `</ol>`.
fn post_list(html: &str) -> &str {
    let start = html
        .find("<ol class=\"post-list\">")
        .unwrap_or_else(|| panic!("no post list in {html}"));
    let mut depth = 0usize;
    let mut i = start;
    let bytes = html.as_bytes();
    while i < bytes.len() {
        let rest = &bytes[i..];
        if rest.starts_with(b"</ol>") {
            depth -= 1;
            if depth == 0 {
                return &html[start..i + "</ol>".len()];
            }
            i += "</ol>".len();
        } else if rest.starts_with(b"<ol") && matches!(bytes.get(i + 3), Some(b' ' | b'>')) {
            depth += 1;
            i += 3;
        } else {
            i += 1;
        }
    }
    panic!("post list not closed");
}

/// Whether `s` has an event-handler attribute: whitespace, `on`, letters,
/// optional whitespace, `=` (the regex `(?i)\son[a-z]+\s*=`).
fn has_event_attribute(s: &str) -> bool {
    let b = s.to_ascii_lowercase().into_bytes();
    (0..b.len()).any(|i| {
        if !b[i].is_ascii_whitespace() || b.get(i + 1..i + 3) != Some(b"on") {
            return false;
        }
        let mut j = i + 3;
        while j < b.len() && b[j].is_ascii_lowercase() {
            j += 1;
        }
        if j == i + 3 {
            return false;
        }
        while j < b.len() && b[j].is_ascii_whitespace() {
            j += 1;
        }
        b.get(j) == Some(&b'=')
    })
}

/// Every start tag `<name …>` in `html`.
fn tags<'a>(html: &'a str, name: &str) -> Vec<&'a str> {
    let lower = html.to_ascii_lowercase();
    let open = format!("<{name}");
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(at) = lower[from..].find(&open) {
        let start = from + at;
        let after = lower.as_bytes().get(start + open.len()).copied();
        from = start + open.len();
        if !matches!(after, Some(b' ' | b'>' | b'\n' | b'\t' | b'/')) {
            continue;
        }
        let end = html[start..]
            .find('>')
            .map_or(html.len(), |e| start + e + 1);
        out.push(&html[start..end]);
    }
    out
}

/// `context`: what is checked. With `framework_forms`, the page's own
/// like/report forms (`<form action="/api/posts/…">` and their inputs)
/// are allowed; user content never carries forms or inputs (the stored
/// HTML is checked without that allowance).
fn assert_inert(html: &str, context: &str, framework_forms: bool) {
    let lower = html.to_ascii_lowercase();
    let shown = || html.chars().take(3000).collect::<String>();
    for forbidden in [
        "<script",
        "javascript:",
        "<iframe",
        "<style",
        "style=",
        "<svg",
        "<object",
        "<embed",
        "<base",
        "<meta",
        "<link",
        "<math",
        "<textarea",
    ] {
        assert!(
            !lower.contains(forbidden),
            "{forbidden} in {context}: {}",
            shown()
        );
    }
    assert!(!has_event_attribute(html), "on…= in {context}: {}", shown());
    for attr in ["href=", "src="] {
        for quote in ["\"", "'", ""] {
            let bad = format!("{attr}{quote}data:");
            assert!(!lower.contains(&bad), "{bad} in {context}: {}", shown());
            let bad = format!("{attr}{quote}javascript");
            assert!(!lower.contains(&bad), "{bad} in {context}: {}", shown());
        }
    }
    if framework_forms {
        for form in tags(html, "form") {
            assert!(form.contains("action=\"/api/posts/"), "{form} in {context}");
        }
        for input in tags(html, "input") {
            assert!(
                [
                    "name=\"id\"",
                    "name=\"like\"",
                    "name=\"reason\"",
                    "name=\"on\""
                ]
                .iter()
                .any(|n| input.contains(n)),
                "{input} in {context}"
            );
        }
    } else {
        assert!(!lower.contains("<form"), "<form in {context}: {}", shown());
        assert!(
            !lower.contains("<input"),
            "<input in {context}: {}",
            shown()
        );
    }
    for a in tags(html, "a") {
        let external = a.contains("href=\"http://") || a.contains("href=\"https://");
        if external {
            assert!(
                a.contains("rel=\"nofollow ugc noopener\""),
                "{a} in {context}"
            );
        }
    }
}

async fn hostile_markdown_is_inert_in_the_database_and_the_page(b: Backend) {
    let app = TestApp::spawn_with(b, many_posts).await;
    group_with(
        &app,
        open_group("g"),
        &[
            ("mallory", Role::Reader, Some(GroupRole::Member)),
            ("reader", Role::Reader, Some(GroupRole::Member)),
        ],
    )
    .await;
    let mallory = signed_in(&app, "mallory").await;
    let tid = create(
        &app,
        &mallory,
        "g",
        "来者不善",
        "<script>alert('title')</script>开帖",
    )
    .await;
    // The checks themselves catch what they are meant to.
    for bad in [
        "<img src=x onerror=alert(1)>",
        "<p\nONCLICK = \"x\">",
        "<a href=x onmouseover=y>",
    ] {
        assert!(has_event_attribute(bad), "{bad}");
    }
    for fine in ["<p>one=1</p>", "<a href=\"/x\">on</a>", "<p>words on=</p>"] {
        assert!(!has_event_attribute(fine), "{fine}");
    }
    assert_eq!(
        post_list("<ol class=\"post-list\"><li><ol><li>x</li></ol></li></ol><ol>"),
        "<ol class=\"post-list\"><li><ol><li>x</li></ol></li></ol>"
    );
    let inputs = hostile_inputs();
    assert!(inputs.len() >= 25);
    let mut stored_html = vec![String::new()];
    let mut last = 1;
    for input in &inputs {
        let (status, v) = json(reply_res(&app, &mallory, tid, input, None).await).await;
        let shown: String = input.chars().take(80).collect();
        assert_eq!(status, 200, "{shown:?}: {v}");
        last += 1;
        let stored: String =
            sqlx::query_scalar("SELECT body_html FROM post WHERE thread_id = $1 AND seq = $2")
                .bind(tid)
                .bind(last)
                .fetch_one(app.db().pool())
                .await
                .unwrap();
        assert_inert(&stored, &format!("stored HTML of {shown:?}"), false);
        let lower = stored.to_ascii_lowercase();
        assert!(
            !lower.contains("data:"),
            "data: in stored HTML of {shown:?}: {stored}"
        );
        stored_html.push(stored);
    }
    let first: String =
        sqlx::query_scalar("SELECT body_html FROM post WHERE thread_id = $1 AND seq = 1")
            .bind(tid)
            .fetch_one(app.db().pool())
            .await
            .unwrap();
    assert_inert(&first, "the opening post", false);
    stored_html[0] = first;
    // External links survive, marked as such.
    let links: Vec<String> = sqlx::query_scalar(
        "SELECT body_html FROM post WHERE thread_id = $1 AND body_html LIKE '%https://%' ORDER BY seq",
    )
    .bind(tid)
    .fetch_all(app.db().pool())
    .await
    .unwrap();
    assert!(links.len() >= 4, "{links:?}");
    assert!(
        links
            .iter()
            .any(|h| h.contains("href=\"https://ok.example/\""))
    );
    // The served pages, as another member and as a visitor.
    let reader = signed_in(&app, "reader").await;
    let anon = app.client();
    let pages = app::threads::page_count(last);
    assert!(pages >= 2);
    let mut external_links = 0;
    for page in 1..=pages {
        let path = format!("/groups/g/threads/{tid}?page={page}");
        for (who, client, forms) in [("reader", &reader, true), ("visitor", &anon, false)] {
            let html = app.page(client, &path).await;
            let list = post_list(&html);
            let expected = if page < pages {
                PAGE_SIZE
            } else {
                last - (pages - 1) * PAGE_SIZE
            };
            assert_eq!(
                list.matches("<li id=\"p").count() as i64,
                expected,
                "{who}, page {page}"
            );
            assert_inert(list, &format!("page {page} as {who}"), forms);
            // What was checked is what is stored, served as it is.
            let first_seq = (page - 1) * PAGE_SIZE + 1;
            for seq in first_seq..first_seq + expected {
                let html = &stored_html[(seq - 1) as usize];
                assert!(
                    list.contains(&format!("<div class=\"prose\">{html}</div>")),
                    "post #{seq} served as stored ({who})"
                );
            }
            if forms {
                assert!(!tags(list, "form").is_empty(), "the like/report forms");
            } else {
                external_links += tags(list, "a")
                    .iter()
                    .filter(|a| a.contains("href=\"https://"))
                    .count();
            }
        }
    }
    assert!(external_links >= 4, "external links were checked");
    // The preview renders the same way.
    for input in inputs.iter().take(30) {
        let (s, v) = json(app.call(&reader, "posts/preview", &[("body", input)]).await).await;
        assert_eq!(s, 200);
        assert_inert(v.as_str().unwrap(), "preview", false);
    }
    app.stop().await;
}

async fn null_bytes_in_a_post_are_accepted_or_refused_cleanly(b: Backend) {
    let app = TestApp::spawn(b).await;
    group_with(
        &app,
        open_group("g"),
        &[("mallory", Role::Reader, Some(GroupRole::Member))],
    )
    .await;
    let mallory = signed_in(&app, "mallory").await;
    let tid = create(&app, &mallory, "g", "空字节", "开帖").await;
    let (status, v) = json(
        reply_res(
            &app,
            &mallory,
            tid,
            "空\0字节 <script>alert(1)</script>\0 结束",
            None,
        )
        .await,
    )
    .await;
    // A NUL byte is either kept out (422 with a message) or stored safely;
    // never a server error.
    assert!(matches!(status, 200 | 422), "status {status}: {v}");
    if status == 200 {
        let stored: String =
            sqlx::query_scalar("SELECT body_html FROM post WHERE thread_id = $1 AND seq = 2")
                .bind(tid)
                .fetch_one(app.db().pool())
                .await
                .unwrap();
        assert!(!stored.contains('\0'));
        assert_inert(&stored, "stored HTML with NUL bytes", false);
        assert!(stored.contains("结束"));
    }
    // The title too.
    let (status, v) = json(
        app.call(
            &mallory,
            "threads/create",
            &[
                ("slug", "g"),
                ("title", "空\0字节"),
                ("body", "正文"),
                ("book_id", ""),
            ],
        )
        .await,
    )
    .await;
    assert_eq!(status, 422, "{v}");
    app.stop().await;
}

async fn ordinary_commonmark_survives(b: Backend) {
    let app = TestApp::spawn(b).await;
    group_with(
        &app,
        open_group("g"),
        &[("writer", Role::Reader, Some(GroupRole::Member))],
    )
    .await;
    let writer = signed_in(&app, "writer").await;
    let source = "\
## 第一章 乡土本色

*emphasis* 和 **strong**，还有 `inline code` 与 ~~删除线~~。

1. 第一
2. 第二

- 苹果
- 香蕉

[书香](https://example.com/book?id=1) 和 [本站图书](/books/1)

```rust
fn main() {}
```

> 引用的文字

| 左 | 右 |
|----|----|
| a  | b  |

![封面](https://img.example.com/cover.png)
";
    let tid = create(&app, &writer, "g", "排版测试", source).await;
    let stored: String =
        sqlx::query_scalar("SELECT body_html FROM post WHERE thread_id = $1 AND seq = 1")
            .bind(tid)
            .fetch_one(app.db().pool())
            .await
            .unwrap();
    let page = ok_page(&app, &writer, tid, Some(1)).await;
    let served = post_of(&page, 1)["body_html"].as_str().unwrap().to_owned();
    assert_eq!(served, stored);
    let html = app.page(&writer, &format!("/groups/g/threads/{tid}")).await;
    for expected in [
        "<h2>第一章 乡土本色</h2>",
        "<em>emphasis</em>",
        "<strong>strong</strong>",
        "<code>inline code</code>",
        "<del>删除线</del>",
        "<ol>",
        "<ul>",
        "<li>第一</li>",
        "<li>香蕉</li>",
        "<a href=\"https://example.com/book?id=1\" rel=\"nofollow ugc noopener\" target=\"_blank\">书香</a>",
        "<a href=\"/books/1\" rel=\"nofollow ugc noopener\">本站图书</a>",
        "<pre><code class=\"language-rust\">fn main() {}\n</code></pre>",
        "<blockquote>\n<p>引用的文字</p>\n</blockquote>",
        "<table>",
        "<td>a</td>",
        "<img src=\"https://img.example.com/cover.png\" alt=\"封面\"",
    ] {
        assert!(
            stored.contains(expected),
            "missing {expected:?} in {stored}"
        );
        assert!(
            post_list(&html).contains(expected),
            "page lacks {expected:?}"
        );
    }
    app.stop().await;
}

async fn edits_keep_history_and_deleted_posts_keep_their_replies(b: Backend) {
    let app = TestApp::spawn(b).await;
    group_with(
        &app,
        open_group("g"),
        &[
            ("alice", Role::Reader, Some(GroupRole::Member)),
            ("bob", Role::Reader, Some(GroupRole::Member)),
        ],
    )
    .await;
    let alice = signed_in(&app, "alice").await;
    let bob = signed_in(&app, "bob").await;
    let tid = create(&app, &alice, "g", "可编辑的主题", "**第一版**").await;
    let pid = post_id(&app, tid, 1).await.to_string();
    for body in ["第二版", "第三版"] {
        let (s, v) = json(
            app.call(&alice, "posts/edit", &[("id", &pid), ("body", body)])
                .await,
        )
        .await;
        assert_eq!((s, v.as_str()), (200, Some("已保存修改")));
    }
    let (s, v) = json(
        app.call(&alice, "posts/edit", &[("id", &pid), ("body", " ")])
            .await,
    )
    .await;
    assert_eq!(s, 422);
    assert_eq!(
        field_errors(&v),
        vec![("body".to_owned(), "请写下帖子内容".to_owned())]
    );
    for (who, client) in [("alice", &alice), ("bob", &bob)] {
        let p = post_of(&ok_page(&app, client, tid, Some(1)).await, 1);
        assert_eq!(p["edits"], 2, "{who}");
        assert_eq!(p["body_html"], "<p>第三版</p>\n", "{who}");
        assert!(p["edited_at"].as_i64().is_some());
        // The earlier versions are on the history page, not this one.
        assert!(p.get("revisions").is_none(), "{who}");
        let (s, h) = json(
            app.call(client, "posts/history", &[("id", &pid), ("page", "1")])
                .await,
        )
        .await;
        assert_eq!(s, 200, "{who}: {h}");
        let revisions: Vec<&str> = h["revisions"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["body_html"].as_str().unwrap())
            .collect();
        assert_eq!(
            revisions,
            vec!["<p>第二版</p>\n", "<p><strong>第一版</strong></p>\n"],
            "{who}: newest first"
        );
        let expected_md = (who == "alice").then_some("第三版");
        assert_eq!(
            p["body_md"].as_str(),
            expected_md,
            "{who}: the source only for the author"
        );
    }
    let html = app.page(&bob, &format!("/groups/g/threads/{tid}")).await;
    assert!(html.contains("已编辑 2 次"));
    assert!(!html.contains("<strong>第一版</strong>"));
    let html = app.page(&bob, &format!("/posts/{pid}/history")).await;
    assert!(html.contains("<strong>第一版</strong>"));

    // bob quotes the post; alice deletes it.
    assert_eq!(
        reply(
            &app,
            &bob,
            "g",
            tid,
            "我引用一下",
            Some(pid.parse().unwrap())
        )
        .await,
        2
    );
    let (s, v) = json(app.call(&alice, "posts/delete", &[("id", &pid)]).await).await;
    assert_eq!((s, v.as_str()), (200, Some("帖子已删除")));
    for client in [&alice, &bob, &app.client()] {
        let page = ok_page(&app, client, tid, Some(1)).await;
        let p = post_of(&page, 1);
        assert_eq!(p["state"], "Deleted");
        assert_eq!(p["body_html"], "");
        assert_eq!(p["body_md"], Value::Null);
        assert_eq!(
            app.call(client, "posts/history", &[("id", &pid), ("page", "1")])
                .await
                .status(),
            404,
            "no history of deleted posts"
        );
        let r = post_of(&page, 2);
        assert_eq!(r["state"], "Visible");
        assert_eq!(r["body_html"], "<p>我引用一下</p>\n");
        assert_eq!(r["quote"]["seq"], 1);
        assert_eq!(r["quote"]["author"], "测试alice");
        assert_eq!(r["quote"]["excerpt"], "");
    }
    let html = app.page(&bob, &format!("/groups/g/threads/{tid}")).await;
    let list = post_list(&html);
    assert!(list.contains("此帖已删除。"));
    assert!(!list.contains("第三版") && !list.contains("第一版"));
    assert!(list.contains("（原帖已删除或隐藏）"));
    // A deleted post is not edited, quoted or liked again.
    let (s, v) = json(
        app.call(&alice, "posts/edit", &[("id", &pid), ("body", "复活")])
            .await,
    )
    .await;
    assert_eq!(s, 422);
    assert_eq!(
        v["Invalid"]["message"],
        "这篇帖子已删除或被隐藏，不能再编辑"
    );
    let (s, v) = json(reply_res(&app, &bob, tid, "再引用", Some(pid.parse().unwrap())).await).await;
    assert_eq!(s, 422);
    assert_eq!(v["Invalid"]["message"], "要引用的帖子已不存在");
    assert_eq!(
        app.call(&bob, "posts/like", &[("id", &pid), ("like", "1")])
            .await
            .status(),
        422
    );
    assert_eq!(rows(&app, "post_revision").await, 2);
    assert_eq!(rows(&app, "post").await, 2);
    app.stop().await;
}

async fn titles_and_bodies_have_limits(b: Backend) {
    let app = TestApp::spawn_with(b, many_posts).await;
    group_with(
        &app,
        open_group("g"),
        &[("writer", Role::Reader, Some(GroupRole::Member))],
    )
    .await;
    let writer = signed_in(&app, "writer").await;
    let create_with = |title: String, body: String| {
        let app = &app;
        let writer = &writer;
        async move {
            json(
                app.call(
                    writer,
                    "threads/create",
                    &[
                        ("slug", "g"),
                        ("title", &title),
                        ("body", &body),
                        ("book_id", ""),
                    ],
                )
                .await,
            )
            .await
        }
    };
    let (s, v) = create_with("题".repeat(81), "正文".into()).await;
    assert_eq!(s, 422);
    assert_eq!(
        field_errors(&v),
        vec![("title".to_owned(), "标题不能超过 80 个字".to_owned())]
    );
    assert_eq!(
        v["Invalid"]["values"][0][0], "title",
        "what was typed comes back"
    );
    let (s, v) = create_with("标题".into(), "字".repeat(10_001)).await;
    assert_eq!(s, 422);
    assert_eq!(
        field_errors(&v),
        vec![(
            "body".to_owned(),
            "帖子不能超过 10000 个字（现在 10001 个字）".to_owned()
        )]
    );
    let (s, v) = create_with("".into(), "  \n ".into()).await;
    assert_eq!(s, 422);
    assert_eq!(
        field_errors(&v),
        vec![
            ("title".to_owned(), "请填写主题标题".to_owned()),
            ("body".to_owned(), "请写下帖子内容".to_owned())
        ]
    );
    let (s, v) = create_with("换行\n标题".into(), "正文".into()).await;
    assert_eq!(s, 422);
    assert_eq!(field_errors(&v)[0].0, "title");
    assert_eq!(rows(&app, "thread").await, 0);
    // The limits themselves are fine.
    let (s, v) = create_with("题".repeat(80), "字".repeat(10_000)).await;
    assert_eq!(s, 200, "{v}");
    let tid: i64 = sqlx::query_scalar("SELECT id FROM thread")
        .fetch_one(app.db().pool())
        .await
        .unwrap();
    // Replies and edits have the same body limits.
    let (s, v) = json(reply_res(&app, &writer, tid, "", None).await).await;
    assert_eq!(s, 422);
    assert_eq!(
        field_errors(&v),
        vec![("body".to_owned(), "请写下帖子内容".to_owned())]
    );
    let (s, v) = json(reply_res(&app, &writer, tid, &"字".repeat(10_001), None).await).await;
    assert_eq!(s, 422);
    assert!(field_errors(&v)[0].1.starts_with("帖子不能超过 10000 个字"));
    let pid = post_id(&app, tid, 1).await.to_string();
    let long = "字".repeat(10_001);
    let (s, _) = json(
        app.call(&writer, "posts/edit", &[("id", &pid), ("body", &long)])
            .await,
    )
    .await;
    assert_eq!(s, 422);
    let (s, v) = json(app.call(&writer, "posts/preview", &[("body", "")]).await).await;
    assert_eq!(s, 422);
    assert_eq!(v["Invalid"]["message"], "请写下帖子内容");
    // A book that is not on the group's list.
    let book = app.store.book("不在书目里", None).await.to_string();
    let (s, v) = json(
        app.call(
            &writer,
            "threads/create",
            &[
                ("slug", "g"),
                ("title", "t"),
                ("body", "b"),
                ("book_id", &book),
            ],
        )
        .await,
    )
    .await;
    assert_eq!(s, 422);
    assert_eq!(
        field_errors(&v),
        vec![("book_id".to_owned(), "请选择本群书目中的图书".to_owned())]
    );
    assert_eq!(rows(&app, "post").await, 1);
    app.stop().await;
}

async fn posting_too_fast_is_refused(b: Backend) {
    let app = TestApp::spawn(b).await;
    group_with(
        &app,
        open_group("g"),
        &[
            ("chatty", Role::Reader, Some(GroupRole::Member)),
            ("calm", Role::Reader, Some(GroupRole::Member)),
        ],
    )
    .await;
    let chatty = signed_in(&app, "chatty").await;
    // Starting a thread is the first post of six.
    let tid = create(&app, &chatty, "g", "刷屏", "第 1 帖").await;
    for n in 2..=6 {
        assert_eq!(
            reply(&app, &chatty, "g", tid, &format!("第 {n} 帖"), None).await,
            n
        );
    }
    let (s, v) = json(reply_res(&app, &chatty, tid, "第 7 帖", None).await).await;
    assert_eq!(s, 429, "{v}");
    let message = v["TooManyRequests"]
        .as_str()
        .unwrap_or_else(|| panic!("{v}"));
    assert!(message.contains("太频繁"), "{message}");
    assert!(message.contains("每 60 秒最多 6 帖"), "{message}");
    let (s, v) = json(
        app.call(
            &chatty,
            "threads/create",
            &[
                ("slug", "g"),
                ("title", "再开一帖"),
                ("body", "正文"),
                ("book_id", ""),
            ],
        )
        .await,
    )
    .await;
    assert_eq!(s, 429, "{v}");
    assert_eq!(rows(&app, "post").await, 6);
    assert_eq!(rows(&app, "thread").await, 1);
    // Per person: someone else may still post.
    let calm = signed_in(&app, "calm").await;
    assert_eq!(reply(&app, &calm, "g", tid, "我来说一句", None).await, 7);
    app.stop().await;
}

async fn likes_previews_and_mention_suggestions(b: Backend) {
    let app = TestApp::spawn(b).await;
    group_with(
        &app,
        open_group("g"),
        &[
            ("alice", Role::Reader, Some(GroupRole::Member)),
            ("bob", Role::Reader, Some(GroupRole::Member)),
            ("liming", Role::Reader, Some(GroupRole::Member)),
            ("lisi", Role::Reader, None),
        ],
    )
    .await;
    let alice = signed_in(&app, "alice").await;
    let bob = signed_in(&app, "bob").await;
    let tid = create(&app, &alice, "g", "点赞测试", "好帖").await;
    let pid = post_id(&app, tid, 1).await.to_string();
    let like = |c: reqwest::Client, on: &'static str| {
        let app = &app;
        let pid = pid.clone();
        async move {
            json(
                app.call(&c, "posts/like", &[("id", &pid), ("like", on)])
                    .await,
            )
            .await
        }
    };
    assert_eq!(like(bob.clone(), "1").await, (200, Value::from(1)));
    assert_eq!(
        like(bob.clone(), "1").await,
        (200, Value::from(1)),
        "once per person"
    );
    assert_eq!(like(alice.clone(), "1").await, (200, Value::from(2)));
    let p = post_of(&ok_page(&app, &bob, tid, Some(1)).await, 1);
    assert_eq!(
        (p["likes"].as_i64(), p["liked"].as_bool()),
        (Some(2), Some(true))
    );
    assert_eq!(like(bob.clone(), "0").await, (200, Value::from(1)));
    assert_eq!(like(bob.clone(), "0").await, (200, Value::from(1)));
    let p = post_of(&ok_page(&app, &bob, tid, Some(1)).await, 1);
    assert_eq!(
        (p["likes"].as_i64(), p["liked"].as_bool()),
        (Some(1), Some(false))
    );
    assert_eq!(rows(&app, "post_like").await, 1);
    // The preview is the sanitised HTML.
    let (s, v) = json(
        app.call(
            &bob,
            "posts/preview",
            &[("body", "**粗** <script>alert(1)</script>")],
        )
        .await,
    )
    .await;
    assert_eq!(s, 200);
    assert_eq!(v, Value::from("<p><strong>粗</strong> </p>\n"));
    assert_eq!(rows(&app, "post").await, 1, "a preview stores nothing");
    // Mention suggestions: group members only.
    let (s, v) = json(
        app.call(&bob, "threads/mentions", &[("slug", "g"), ("typed", "lim")])
            .await,
    )
    .await;
    assert_eq!(s, 200);
    assert_eq!(v, serde_json::json!([["liming", "测试liming"]]));
    // "lisi" is not a member; "测试alice" contains "li".
    let (_, v) = json(
        app.call(&bob, "threads/mentions", &[("slug", "g"), ("typed", "li")])
            .await,
    )
    .await;
    assert_eq!(
        v,
        serde_json::json!([["liming", "测试liming"], ["alice", "测试alice"]])
    );
    let (_, v) = json(
        app.call(&bob, "threads/mentions", &[("slug", "g"), ("typed", "lis")])
            .await,
    )
    .await;
    assert_eq!(v, serde_json::json!([]));
    let (s, _) = json(
        app.call(
            &app.client(),
            "threads/mentions",
            &[("slug", "g"), ("typed", "li")],
        )
        .await,
    )
    .await;
    assert_eq!(s, 401);
    let (s, _) = json(
        app.call(
            &bob,
            "threads/mentions",
            &[("slug", "nope"), ("typed", "li")],
        )
        .await,
    )
    .await;
    assert_eq!(s, 404);
    app.stop().await;
}

async fn quoting_a_post_from_another_page_names_its_author(b: Backend) {
    let app = TestApp::spawn_with(b, many_posts).await;
    group_with(
        &app,
        open_group("g"),
        &[("alice", Role::Reader, Some(GroupRole::Member))],
    )
    .await;
    let alice = signed_in(&app, "alice").await;
    let tid = long_thread(&app, &alice, 25).await;
    let quoted = post_id(&app, tid, 5).await;
    let (t, q) = (tid.to_string(), quoted.to_string());
    // On the same page: fine.
    let (s, same) = json(
        app.call(
            &alice,
            "threads/page",
            &[("id", t.as_str()), ("page", "1"), ("quote", q.as_str())],
        )
        .await,
    )
    .await;
    assert_eq!(s, 200);
    assert_eq!(same["quoting"]["seq"], 5);
    assert_eq!(same["quoting"]["author"], "测试alice");
    // The reply form on page 2 quoting post #5 (page 1) must still say
    // whose words it quotes.
    let (s, other) = json(
        app.call(
            &alice,
            "threads/page",
            &[("id", t.as_str()), ("page", "2"), ("quote", q.as_str())],
        )
        .await,
    )
    .await;
    assert_eq!(s, 200);
    assert_eq!(other["quoting"]["seq"], 5);
    assert_eq!(other["quoting"]["excerpt"], "第 5 帖");
    assert_eq!(
        other["quoting"]["author"], "测试alice",
        "{}",
        other["quoting"]
    );
    app.stop().await;
}

/// The limit is checked before the posting transaction: requests sent at
/// the same moment must still not get past it together.
async fn concurrent_posts_respect_the_rate_limit(b: Backend) {
    let app = TestApp::spawn(b).await;
    group_with(
        &app,
        open_group("g"),
        &[("chatty", Role::Reader, Some(GroupRole::Member))],
    )
    .await;
    let chatty = signed_in(&app, "chatty").await;
    let tid = create(&app, &chatty, "g", "刷屏", "第 1 帖").await;
    let start = std::sync::Arc::new(tokio::sync::Barrier::new(12));
    let mut tasks = Vec::new();
    for n in 0..12 {
        let client = chatty.clone();
        let url = app.url("/api/threads/reply");
        let start = start.clone();
        tasks.push(tokio::spawn(async move {
            let t = tid.to_string();
            let body = format!("同时发的第 {n} 帖");
            start.wait().await;
            client
                .post(url)
                .header("accept", "application/json")
                .form(&[("thread_id", t.as_str()), ("body", &body), ("quote_id", "")])
                .send()
                .await
                .unwrap()
                .status()
                .as_u16()
        }));
    }
    let mut statuses = Vec::new();
    for task in tasks {
        statuses.push(task.await.unwrap());
    }
    statuses.sort_unstable();
    let posts = rows(&app, "post").await;
    assert!(
        statuses.iter().all(|s| matches!(s, 200 | 429)),
        "{statuses:?}"
    );
    assert_eq!(
        posts, 6,
        "at most 6 posts a minute, got {posts} (statuses {statuses:?})"
    );
    app.stop().await;
}

async fn only_authors_leaders_and_organisers_edit_or_delete_a_post(b: Backend) {
    let app = TestApp::spawn_with(b, many_posts).await;
    group_with(
        &app,
        open_group("g"),
        &[
            ("author", Role::Reader, Some(GroupRole::Member)),
            ("leader", Role::Member, Some(GroupRole::Leader)),
            ("guide", Role::Reader, Some(GroupRole::Guide)),
            ("member", Role::Reader, Some(GroupRole::Member)),
            ("boss", Role::Organiser, None),
        ],
    )
    .await;
    let author = signed_in(&app, "author").await;
    let tid = create(&app, &author, "g", "各抒己见", "第一帖").await;
    reply(&app, &author, "g", tid, "第二帖", None).await;
    reply(&app, &author, "g", tid, "第三帖", None).await;
    let (p1, p2, p3) = (
        post_id(&app, tid, 1).await,
        post_id(&app, tid, 2).await,
        post_id(&app, tid, 3).await,
    );
    let body_of = |id: i64| {
        let app = &app;
        async move {
            let r: (String, Option<i64>) =
                sqlx::query_as("SELECT body_md, deleted_at FROM post WHERE id = $1")
                    .bind(id)
                    .fetch_one(app.db().pool())
                    .await
                    .unwrap();
            r
        }
    };

    // A plain member and a guide may not touch someone else's post.
    for who in ["member", "guide"] {
        let c = signed_in(&app, who).await;
        let id = p1.to_string();
        let (status, _) = json(
            app.call(&c, "posts/edit", &[("id", &id), ("body", "改掉")])
                .await,
        )
        .await;
        assert_eq!(status, 403, "{who} edits");
        let (status, _) = json(app.call(&c, "posts/delete", &[("id", &id)]).await).await;
        assert_eq!(status, 403, "{who} deletes");
    }
    assert_eq!(body_of(p1).await, ("第一帖".to_owned(), None));
    assert_eq!(rows(&app, "moderation_log").await, 0);

    // The leader edits one and deletes another; the organiser edits a third.
    let leader = signed_in(&app, "leader").await;
    let boss = signed_in(&app, "boss").await;
    let (p1s, p2s, p3s) = (p1.to_string(), p2.to_string(), p3.to_string());
    for (client, form, endpoint) in [
        (
            &leader,
            vec![("id", p1s.as_str()), ("body", "群主修改过")],
            "posts/edit",
        ),
        (&leader, vec![("id", p2s.as_str())], "posts/delete"),
        (
            &boss,
            vec![("id", p3s.as_str()), ("body", "管理员修改过")],
            "posts/edit",
        ),
    ] {
        let (status, v) = json(app.call(client, endpoint, &form).await).await;
        assert_eq!(status, 200, "{endpoint}: {v}");
    }
    assert_eq!(body_of(p1).await.0, "群主修改过");
    assert!(body_of(p2).await.1.is_some(), "deleted");
    assert_eq!(body_of(p3).await.0, "管理员修改过");
    // The history keeps what the author wrote.
    let kept: String = sqlx::query_scalar("SELECT body_md FROM post_revision WHERE post_id = $1")
        .bind(p1)
        .fetch_one(app.db().pool())
        .await
        .unwrap();
    assert_eq!(kept, "第一帖");
    // Each is logged with who did it, and the author is told.
    let leader_id = account_id(&app, "leader").await;
    let boss_id = account_id(&app, "boss").await;
    let log: Vec<(Option<i64>, String, Option<i64>)> =
        sqlx::query_as("SELECT actor_id, action, post_id FROM moderation_log ORDER BY id")
            .fetch_all(app.db().pool())
            .await
            .unwrap();
    assert_eq!(
        log,
        vec![
            (Some(leader_id), "edit".to_owned(), Some(p1)),
            (Some(leader_id), "delete".to_owned(), Some(p2)),
            (Some(boss_id), "edit".to_owned(), Some(p3)),
        ]
    );
    let told = notifications_of(&app, account_id(&app, "author").await).await;
    assert_eq!(
        told,
        vec![
            ("moderation".to_owned(), p1),
            ("moderation".to_owned(), p2),
            ("moderation".to_owned(), p3),
        ]
    );
    // The leader's page offers the source of others' posts for editing.
    let page = ok_page(&app, &leader, tid, None).await;
    assert_eq!(page["can_manage"], true);
    assert_eq!(post_of(&page, 1)["body_md"], "群主修改过");
    let page = ok_page(&app, &signed_in(&app, "member").await, tid, None).await;
    assert_eq!(page["can_manage"], false);
    assert!(post_of(&page, 1)["body_md"].is_null());
    app.stop().await;
}

async fn a_thread_lives_only_under_its_own_group(b: Backend) {
    let app = TestApp::spawn(b).await;
    group_with(
        &app,
        open_group("g"),
        &[("author", Role::Reader, Some(GroupRole::Member))],
    )
    .await;
    app.store.group(open_group("other")).await;
    let author = signed_in(&app, "author").await;
    let tid = create(&app, &author, "g", "只在本群", "正文").await;
    let id = tid.to_string();
    for (slug, status) in [("g", 200), ("other", 404), ("", 200)] {
        let (got, v) = json(
            app.call(&author, "threads/page", &[("slug", slug), ("id", &id)])
                .await,
        )
        .await;
        assert_eq!(got, status, "slug {slug:?}: {v}");
    }
    assert_eq!(
        ok_page(&app, &author, tid, None).await["members_only"],
        false
    );
    let html = app
        .page(&author, &format!("/groups/other/threads/{tid}"))
        .await;
    assert!(
        !html.contains("只在本群"),
        "the thread does not show under another group"
    );
    app.stop().await;
}

//! Reading features over HTTP against the real server: who may change
//! what (403 and nothing changed), seat quotas under parallel joins, join
//! policies, check-ins, notes, covers, CSV import, recommendations, export.

use app::accounts::Role;
use app::groups::{GroupRole, JoinPolicy};
use shuxiang_tests::{Backend, GroupSpec, TestApp, on_both_backends};

on_both_backends!(
    state_changes_refuse_the_wrong_people,
    parallel_joins_over_http_hold_the_quota,
    join_policies_requests_invitations_and_closed_groups,
    check_in_once_a_day_and_progress,
    notes_are_sanitised_and_private_ones_stay_private,
    covers_are_checked_reencoded_and_cached,
    csv_import_is_all_or_nothing,
    recommendations_are_reviewed_into_the_public_list,
    everyone_exports_only_their_own_data,
);

use shuxiang_tests::{TEST_PASSWORD as PW, rows, signed_in};

async fn state_changes_refuse_the_wrong_people(b: Backend) {
    let app = TestApp::spawn(b).await;
    let t = &app.store;
    t.account("boss", PW, Role::Organiser).await;
    let leader = t.account("leader", PW, Role::Member).await;
    let guide = t.account("guide", PW, Role::Reader).await;
    let member = t.account("member", PW, Role::Reader).await;
    t.account("outsider", PW, Role::Reader).await;
    let gid = t
        .group(GroupSpec {
            slug: "g",
            ..GroupSpec::default()
        })
        .await;
    t.add_to_group(gid, leader, GroupRole::Leader).await;
    t.add_to_group(gid, guide, GroupRole::Guide).await;
    t.add_to_group(gid, member, GroupRole::Member).await;
    let book = t.book("乡土中国", None).await;
    let boss = signed_in(&app, "boss").await;
    let add = app
        .call(
            &boss,
            "group/list/add",
            &[
                ("slug", "g"),
                ("book_id", &book.to_string()),
                ("starts_on", "2026-03-01"),
                ("ends_on", "2026-03-10"),
                ("guide_md", ""),
            ],
        )
        .await;
    assert_eq!(add.status(), 200);
    let item: i64 = sqlx::query_scalar("SELECT id FROM reading_list_item")
        .fetch_one(app.db().pool())
        .await
        .unwrap();
    let private_note: i64 = sqlx::query_scalar(
        "INSERT INTO note (account_id, book_id, visibility, title, body_md, body_html, created_at, updated_at) \
         VALUES ($1, $2, 'private', '私密', 'x', '<p>x</p>', 1, 1) RETURNING id",
    )
    .bind(member)
    .bind(book)
    .fetch_one(app.db().pool())
    .await
    .unwrap();
    let rec: i64 = sqlx::query_scalar(
        "INSERT INTO recommendation (book_id, account_id, reason, status, created_at) VALUES ($1, $2, '好', 'pending', 1) RETURNING id",
    )
    .bind(book)
    .bind(leader)
    .fetch_one(app.db().pool())
    .await
    .unwrap();
    let tables = [
        "book",
        "reading_group",
        "group_member",
        "reading_list_item",
        "check_in",
        "note",
        "note_like",
        "recommendation",
        "join_request",
    ];
    let mut before = Vec::new();
    for table in tables {
        before.push(rows(&app, table).await);
    }
    let list_before: String =
        sqlx::query_scalar("SELECT guide_md || starts_on FROM reading_list_item")
            .fetch_one(app.db().pool())
            .await
            .unwrap();

    let (bk, it, nt, rc) = (
        book.to_string(),
        item.to_string(),
        private_note.to_string(),
        rec.to_string(),
    );
    let gs = gid.to_string();
    let book_form = [
        ("title", "新书"),
        ("author", "某人"),
        ("publisher", ""),
        ("year", ""),
        ("isbn", ""),
        ("pages", ""),
        ("summary", ""),
    ];
    let update_book: Vec<(&str, &str)> = std::iter::once(("id", bk.as_str()))
        .chain(book_form.iter().copied())
        .collect();
    let group_form = [
        ("current_slug", ""),
        ("slug", "new-group"),
        ("name", "新群"),
        ("theme", ""),
        ("description_md", ""),
        ("kind", "reader_group"),
        ("sector_id", ""),
        ("committee", ""),
        ("starts_on", "2026-03-01"),
        ("ends_on", "2026-04-01"),
        ("join_policy", "open"),
        ("member_seats", "1"),
        ("reader_seats", "1"),
        ("leader", ""),
        ("guides", ""),
    ];
    let list_update = [
        ("slug", "g"),
        ("item_id", it.as_str()),
        ("starts_on", "2026-05-01"),
        ("ends_on", "2026-05-02"),
        ("guide_md", "改"),
    ];
    // (who, endpoint, form, expected status)
    type Case<'a> = (&'a str, &'a str, Vec<(&'a str, &'a str)>, u16);
    let cases: Vec<Case> = vec![
        ("outsider", "book/create", book_form.to_vec(), 403),
        ("outsider", "book/update", update_book.clone(), 403),
        ("leader", "book/update", update_book.clone(), 403),
        (
            "outsider",
            "book/recommend",
            vec![("book_id", &bk), ("reason", "好书")],
            403,
        ),
        (
            "leader",
            "admin/review-recommendation",
            vec![("id", &rc), ("decision", "approve"), ("comment", "")],
            403,
        ),
        (
            "leader",
            "books/import-preview",
            vec![("csv", "书名,作者\n甲,乙\n")],
            403,
        ),
        (
            "leader",
            "books/import",
            vec![("csv", "书名,作者\n甲,乙\n")],
            403,
        ),
        ("leader", "group/save", group_form.to_vec(), 403),
        (
            "member",
            "group/list/add",
            vec![
                ("slug", "g"),
                ("book_id", &bk),
                ("starts_on", "2026-03-01"),
                ("ends_on", "2026-03-02"),
                ("guide_md", ""),
            ],
            403,
        ),
        (
            "guide",
            "group/list/add",
            vec![
                ("slug", "g"),
                ("book_id", &bk),
                ("starts_on", "2026-03-01"),
                ("ends_on", "2026-03-02"),
                ("guide_md", ""),
            ],
            403,
        ),
        ("member", "group/list/update", list_update.to_vec(), 403),
        ("outsider", "group/list/update", list_update.to_vec(), 403),
        (
            "member",
            "group/list/remove",
            vec![("slug", "g"), ("item_id", &it)],
            403,
        ),
        (
            "guide",
            "group/list/move",
            vec![("slug", "g"), ("item_id", &it), ("direction", "up")],
            403,
        ),
        (
            "member",
            "group/decide-request",
            vec![("slug", "g"), ("request_id", "1"), ("decision", "accept")],
            403,
        ),
        (
            "outsider",
            "check-in",
            vec![
                ("slug", "g"),
                ("minutes", "30"),
                ("pages", ""),
                ("line", ""),
            ],
            403,
        ),
        (
            "outsider",
            "note/write",
            vec![
                ("book_id", &bk),
                ("group_id", &gs),
                ("visibility", "group"),
                ("title", "t"),
                ("body", "b"),
            ],
            403,
        ),
        ("outsider", "note/delete", vec![("id", &nt)], 404),
        (
            "outsider",
            "note/like",
            vec![("id", &nt), ("like", "1")],
            404,
        ),
    ];
    let mut clients = std::collections::HashMap::new();
    for (who, endpoint, form, status) in cases {
        if !clients.contains_key(who) {
            clients.insert(who, signed_in(&app, who).await);
        }
        let res = app.call(&clients[who], endpoint, &form).await;
        assert_eq!(res.status().as_u16(), status, "{who} → {endpoint}");
    }
    // Signed out: "please sign in".
    let anon = app.client();
    for (endpoint, form) in [
        (
            "progress",
            vec![
                ("book_id", bk.as_str()),
                ("status", "reading"),
                ("page", ""),
                ("percent", ""),
            ],
        ),
        (
            "check-in",
            vec![
                ("slug", "g"),
                ("minutes", "30"),
                ("pages", ""),
                ("line", ""),
            ],
        ),
        (
            "note/write",
            vec![
                ("book_id", bk.as_str()),
                ("group_id", ""),
                ("visibility", "public"),
                ("title", "t"),
                ("body", "b"),
            ],
        ),
        ("note/like", vec![("id", nt.as_str()), ("like", "1")]),
        ("group/join", vec![("slug", "g")]),
    ] {
        assert_eq!(
            app.call(&anon, endpoint, &form).await.status(),
            401,
            "anonymous → {endpoint}"
        );
    }
    // Plain HTTP endpoints too.
    let outsider = &clients["outsider"];
    let upload = reqwest::multipart::Form::new().part(
        "cover",
        reqwest::multipart::Part::bytes(include_bytes!("../../fixtures/cover.png").to_vec())
            .file_name("c.png"),
    );
    let res = outsider
        .post(app.url(&format!("/books/{book}/cover")))
        .multipart(upload)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 403);
    assert_eq!(
        outsider
            .get(app.url("/books/export.csv"))
            .send()
            .await
            .unwrap()
            .status(),
        403
    );
    assert_eq!(
        anon.get(app.url("/me/export.json"))
            .send()
            .await
            .unwrap()
            .status(),
        303
    );

    let mut after = Vec::new();
    for table in tables {
        after.push(rows(&app, table).await);
    }
    assert_eq!(before, after, "nothing changed in {tables:?}");
    let list_after: String =
        sqlx::query_scalar("SELECT guide_md || starts_on FROM reading_list_item")
            .fetch_one(app.db().pool())
            .await
            .unwrap();
    assert_eq!(list_before, list_after);
    let status: String = sqlx::query_scalar("SELECT status FROM recommendation")
        .fetch_one(app.db().pool())
        .await
        .unwrap();
    assert_eq!(status, "pending");

    // And the right people can: a guide edits the guided reading.
    let res = app
        .call(&clients["guide"], "group/list/update", &list_update)
        .await;
    assert_eq!(res.status(), 200);
    app.stop().await;
}

async fn parallel_joins_over_http_hold_the_quota(b: Backend) {
    let app = TestApp::spawn(b).await;
    app.store
        .group(GroupSpec {
            slug: "hot",
            reader_seats: 3,
            member_seats: 0,
            ..GroupSpec::default()
        })
        .await;
    let mut clients = Vec::new();
    for n in 0..12 {
        let name = format!("fan{n}");
        app.store.account(&name, PW, Role::Reader).await;
        clients.push(signed_in(&app, &name).await);
    }
    let app_ref = &app;
    let results = futures_join(clients.iter().map(|c| async move {
        let res = app_ref.call(c, "group/join", &[("slug", "hot")]).await;
        let status = res.status().as_u16();
        (status, res.text().await.unwrap())
    }))
    .await;
    let joined = results.iter().filter(|(s, _)| *s == 200).count();
    assert_eq!(joined, 3, "{results:?}");
    for (status, body) in results.iter().filter(|(s, _)| *s != 200) {
        assert_eq!(*status, 422);
        assert!(body.contains("读者名额已满，无法加入"), "{body}");
    }
    let taken: i64 =
        sqlx::query_scalar("SELECT reader_taken FROM reading_group WHERE slug = 'hot'")
            .fetch_one(app.db().pool())
            .await
            .unwrap();
    assert_eq!(taken, 3);
    assert_eq!(rows(&app, "group_member").await, 3);
    // Leaving frees the seat for the next person.
    let leaver = clients
        .iter()
        .zip(&results)
        .find(|(_, (s, _))| *s == 200)
        .map(|(c, _)| c)
        .unwrap();
    assert_eq!(
        app.call(leaver, "group/leave", &[("slug", "hot")])
            .await
            .status(),
        200
    );
    let waiting = clients
        .iter()
        .zip(&results)
        .find(|(_, (s, _))| *s == 422)
        .map(|(c, _)| c)
        .unwrap();
    assert_eq!(
        app.call(waiting, "group/join", &[("slug", "hot")])
            .await
            .status(),
        200
    );
    app.stop().await;
}

/// Runs futures concurrently on this task and collects their outputs in order.
async fn futures_join<F: std::future::Future>(
    futures: impl IntoIterator<Item = F>,
) -> Vec<F::Output> {
    let handles: Vec<_> = futures.into_iter().map(Box::pin).collect();
    let mut outputs = Vec::with_capacity(handles.len());
    let mut pending: Vec<_> = handles.into_iter().map(Some).collect();
    let mut done: Vec<Option<F::Output>> = (0..pending.len()).map(|_| None).collect();
    std::future::poll_fn(|cx| {
        let mut all = true;
        for (i, slot) in pending.iter_mut().enumerate() {
            if let Some(f) = slot {
                match f.as_mut().poll(cx) {
                    std::task::Poll::Ready(v) => {
                        done[i] = Some(v);
                        *slot = None;
                    }
                    std::task::Poll::Pending => all = false,
                }
            }
        }
        if all {
            std::task::Poll::Ready(())
        } else {
            std::task::Poll::Pending
        }
    })
    .await;
    outputs.extend(done.into_iter().map(|o| o.expect("finished")));
    outputs
}

async fn join_policies_requests_invitations_and_closed_groups(b: Backend) {
    let app = TestApp::spawn(b).await;
    let t = &app.store;
    let leader = t.account("lead", PW, Role::Member).await;
    t.account("asker", PW, Role::Reader).await;
    t.account("guest", PW, Role::Reader).await;
    let approval = t
        .group(GroupSpec {
            slug: "ask",
            policy: JoinPolicy::Approval,
            ..GroupSpec::default()
        })
        .await;
    t.group(GroupSpec {
        slug: "vip",
        policy: JoinPolicy::Invitation,
        ..GroupSpec::default()
    })
    .await;
    t.group(GroupSpec {
        slug: "old",
        starts: -30,
        ends: -1,
        ..GroupSpec::default()
    })
    .await;
    t.add_to_group(approval, leader, GroupRole::Leader).await;
    let asker = signed_in(&app, "asker").await;
    let res = app
        .call(
            &asker,
            "group/join",
            &[("slug", "ask"), ("message", "请让我加入")],
        )
        .await;
    assert_eq!(res.status(), 200);
    assert!(res.text().await.unwrap().contains("等待群主审核"));
    assert_eq!(rows(&app, "group_member").await, 1, "not in yet");
    let request: i64 = sqlx::query_scalar("SELECT id FROM join_request WHERE status = 'pending'")
        .fetch_one(app.db().pool())
        .await
        .unwrap();
    let lead = signed_in(&app, "lead").await;
    let res = app
        .call(
            &lead,
            "group/decide-request",
            &[
                ("slug", "ask"),
                ("request_id", &request.to_string()),
                ("decision", "accept"),
            ],
        )
        .await;
    assert_eq!(res.status(), 200);
    assert_eq!(rows(&app, "group_member").await, 2);
    let again = app
        .call(
            &lead,
            "group/decide-request",
            &[
                ("slug", "ask"),
                ("request_id", &request.to_string()),
                ("decision", "decline"),
            ],
        )
        .await;
    assert_eq!(again.status(), 422);

    let guest = signed_in(&app, "guest").await;
    let res = app.call(&guest, "group/join", &[("slug", "vip")]).await;
    assert_eq!(res.status(), 422);
    assert!(res.text().await.unwrap().contains("邀请链接"));
    let res = app
        .call(
            &guest,
            "group/join",
            &[("slug", "vip"), ("invite", "wrong")],
        )
        .await;
    assert_eq!(res.status(), 422);
    let res = app
        .call(
            &guest,
            "group/join",
            &[("slug", "vip"), ("invite", "token-vip")],
        )
        .await;
    assert_eq!(res.status(), 200);

    let res = app.call(&guest, "group/join", &[("slug", "old")]).await;
    assert_eq!(res.status(), 422);
    assert!(res.text().await.unwrap().contains("本群已结束"));
    // An ended group is read-only for its members too.
    let old_id: i64 = sqlx::query_scalar("SELECT id FROM reading_group WHERE slug = 'old'")
        .fetch_one(app.db().pool())
        .await
        .unwrap();
    let guest_id: i64 = sqlx::query_scalar("SELECT id FROM account WHERE username = 'guest'")
        .fetch_one(app.db().pool())
        .await
        .unwrap();
    app.store
        .add_to_group(old_id, guest_id, GroupRole::Member)
        .await;
    let book = app.store.book("旧书", None).await.to_string();
    let og = old_id.to_string();
    for (endpoint, form) in [
        (
            "check-in",
            vec![
                ("slug", "old"),
                ("minutes", "30"),
                ("pages", ""),
                ("line", ""),
            ],
        ),
        ("group/leave", vec![("slug", "old")]),
        (
            "note/write",
            vec![
                ("book_id", book.as_str()),
                ("group_id", og.as_str()),
                ("visibility", "group"),
                ("title", "t"),
                ("body", "b"),
            ],
        ),
    ] {
        assert_eq!(
            app.call(&guest, endpoint, &form).await.status(),
            422,
            "{endpoint} in an ended group"
        );
    }
    // The leader cannot walk away from the group.
    let res = app.call(&lead, "group/leave", &[("slug", "ask")]).await;
    assert_eq!(res.status(), 422);
    // The group page shows the leader, seats and the pending state.
    let html = app.page(&guest, "/groups/ask").await;
    assert!(html.contains("群主") && html.contains("读者名额剩余"));
    assert_eq!(
        app.client()
            .get(app.url("/groups/nope"))
            .send()
            .await
            .unwrap()
            .status(),
        404
    );
    app.stop().await;
}

async fn check_in_once_a_day_and_progress(b: Backend) {
    let app = TestApp::spawn(b).await;
    let reader = app.store.account("daily", PW, Role::Reader).await;
    let gid = app
        .store
        .group(GroupSpec {
            slug: "daily",
            ..GroupSpec::default()
        })
        .await;
    app.store.add_to_group(gid, reader, GroupRole::Member).await;
    let book = app.store.book("围城", None).await.to_string();
    let c = signed_in(&app, "daily").await;
    let first = app
        .call(
            &c,
            "check-in",
            &[
                ("slug", "daily"),
                ("minutes", "30"),
                ("pages", "12"),
                ("line", "好看"),
            ],
        )
        .await;
    assert_eq!(first.status(), 200);
    let second = app
        .call(
            &c,
            "check-in",
            &[
                ("slug", "daily"),
                ("minutes", "10"),
                ("pages", ""),
                ("line", ""),
            ],
        )
        .await;
    assert_eq!(second.status(), 422);
    assert!(second.text().await.unwrap().contains("今天已经打过卡了"));
    let empty = app
        .call(
            &c,
            "check-in",
            &[
                ("slug", "daily"),
                ("minutes", ""),
                ("pages", ""),
                ("line", ""),
            ],
        )
        .await;
    assert_eq!(empty.status(), 422);
    assert_eq!(rows(&app, "check_in").await, 1);
    let res = app
        .call(
            &c,
            "progress",
            &[
                ("book_id", &book),
                ("status", "reading"),
                ("page", "120"),
                ("percent", ""),
            ],
        )
        .await;
    assert_eq!(res.status(), 200);
    let res = app
        .call(
            &c,
            "progress",
            &[
                ("book_id", &book),
                ("status", "reading"),
                ("page", "999"),
                ("percent", ""),
            ],
        )
        .await;
    assert_eq!(res.status(), 422, "past the last page");
    let res = app
        .call(
            &c,
            "progress",
            &[
                ("book_id", &book),
                ("status", "lost"),
                ("page", ""),
                ("percent", ""),
            ],
        )
        .await;
    assert_eq!(res.status(), 422);
    let html = app.page(&c, &format!("/books/{book}")).await;
    assert!(html.contains("在读"));
    let me = app.page(&c, "/me").await;
    assert!(me.contains("打卡日历") && me.contains("当前连续打卡"));
    app.stop().await;
}

async fn notes_are_sanitised_and_private_ones_stay_private(b: Backend) {
    let app = TestApp::spawn(b).await;
    app.store.account("writer", PW, Role::Reader).await;
    app.store.account("reader", PW, Role::Reader).await;
    let book = app.store.book("红楼梦", None).await.to_string();
    let w = signed_in(&app, "writer").await;
    let hostile = "读后感 <script>alert(1)</script> [点我](javascript:alert(2)) <img src=x onerror=alert(3)>\n\n> 满纸荒唐言";
    let res = app
        .call(
            &w,
            "note/write",
            &[
                ("book_id", &book),
                ("group_id", ""),
                ("visibility", "public"),
                ("title", "公开的心得"),
                ("body", hostile),
            ],
        )
        .await;
    assert_eq!(res.status(), 200);
    let res = app
        .call(
            &w,
            "note/write",
            &[
                ("book_id", &book),
                ("group_id", ""),
                ("visibility", "private"),
                ("title", "只给自己看"),
                ("body", "秘密"),
            ],
        )
        .await;
    assert_eq!(res.status(), 200);
    let res = app
        .call(
            &w,
            "note/write",
            &[
                ("book_id", &book),
                ("group_id", ""),
                ("visibility", "group"),
                ("title", "t"),
                ("body", "b"),
            ],
        )
        .await;
    assert_eq!(res.status(), 422, "group visibility needs a group");
    let stored: String =
        sqlx::query_scalar("SELECT body_html FROM note WHERE title = '公开的心得'")
            .fetch_one(app.db().pool())
            .await
            .unwrap();
    for bad in ["<script", "javascript:", "onerror"] {
        assert!(!stored.contains(bad), "{bad} in {stored}");
    }
    assert!(stored.contains("<blockquote>"));
    let r = signed_in(&app, "reader").await;
    let page = app.page(&r, &format!("/books/{book}")).await;
    assert!(page.contains("公开的心得"));
    assert!(
        !page.contains("只给自己看"),
        "private note hidden from others"
    );
    assert!(!page.contains("<script>alert(1)"));
    let own = app.page(&w, &format!("/books/{book}")).await;
    assert!(own.contains("只给自己看"));
    app.stop().await;
}

async fn covers_are_checked_reencoded_and_cached(b: Backend) {
    let app = TestApp::spawn(b).await;
    app.store.account("boss", PW, Role::Organiser).await;
    let book = app.store.book("三体", None).await;
    let boss = signed_in(&app, "boss").await;
    let upload = |bytes: Vec<u8>| {
        let form = reqwest::multipart::Form::new().part(
            "cover",
            reqwest::multipart::Part::bytes(bytes).file_name("cover.png"),
        );
        boss.post(app.url(&format!("/books/{book}/cover")))
            .multipart(form)
            .send()
    };
    let res = upload(b"this is not an image, only text".to_vec())
        .await
        .unwrap();
    assert_eq!(res.status(), 303);
    let location = res.headers()["location"].to_str().unwrap().to_owned();
    assert!(
        location.starts_with(&format!("/books/{book}/edit?cover=")),
        "{location}"
    );
    assert_ne!(location, format!("/books/{book}/edit?cover=ok"));
    assert_eq!(rows(&app, "image").await, 0);

    let res = upload(include_bytes!("../../fixtures/cover.png").to_vec())
        .await
        .unwrap();
    assert_eq!(
        res.headers()["location"],
        format!("/books/{book}/edit?cover=ok")
    );
    let cover: i64 = sqlx::query_scalar("SELECT cover_id FROM book WHERE id = $1")
        .bind(book)
        .fetch_one(app.db().pool())
        .await
        .unwrap();
    for path in [format!("/covers/{cover}"), format!("/covers/{cover}/thumb")] {
        let res = reqwest::get(app.url(&path)).await.unwrap();
        assert_eq!(res.status(), 200);
        assert_eq!(res.headers()["content-type"], "image/jpeg");
        assert_eq!(
            res.headers()["cache-control"],
            "public, max-age=31536000, immutable"
        );
        let bytes = res.bytes().await.unwrap();
        assert_eq!(&bytes[..2], b"\xff\xd8", "re-encoded as JPEG");
    }
    // A second upload replaces the first image.
    upload(include_bytes!("../../fixtures/cover.png").to_vec())
        .await
        .unwrap();
    assert_eq!(rows(&app, "image").await, 1);
    assert_eq!(
        reqwest::get(app.url(&format!("/covers/{cover}")))
            .await
            .unwrap()
            .status(),
        404
    );
    assert_eq!(
        reqwest::get(app.url("/covers/abc")).await.unwrap().status(),
        404
    );
    app.stop().await;
}

async fn csv_import_is_all_or_nothing(b: Backend) {
    let app = TestApp::spawn(b).await;
    app.store.account("boss", PW, Role::Organiser).await;
    app.store.book("三体", Some("9787536692930")).await;
    let boss = signed_in(&app, "boss").await;
    let bad = "书名,作者,ISBN,出版年份\n乡土中国,费孝通,,1985\n,无名氏,,\n围城,钱锺书,9787020024750,1991\n";
    let preview = app
        .call(&boss, "books/import-preview", &[("csv", bad)])
        .await;
    assert_eq!(preview.status(), 200);
    let body: serde_json::Value = preview.json().await.unwrap();
    assert_eq!(
        (body["valid"].as_u64(), body["invalid"].as_u64()),
        (Some(1), Some(2))
    );
    assert_eq!(body["rows"][1]["line"], 3);
    assert!(
        body["rows"][1]["errors"][0]
            .as_str()
            .unwrap()
            .contains("书名")
    );
    assert!(
        body["rows"][2]["errors"][0]
            .as_str()
            .unwrap()
            .contains("校验位")
    );
    let res = app.call(&boss, "books/import", &[("csv", bad)]).await;
    assert_eq!(res.status(), 422);
    assert_eq!(rows(&app, "book").await, 1, "nothing imported");
    let dup = "书名,作者,ISBN\n乡土中国,费孝通,\n三体,刘慈欣,9787536692930\n";
    assert_eq!(
        app.call(&boss, "books/import", &[("csv", dup)])
            .await
            .status(),
        422
    );
    assert_eq!(
        rows(&app, "book").await,
        1,
        "an ISBN already in the catalogue stops it all"
    );
    let good = "书名,作者,出版社,ISBN\n乡土中国,费孝通,三联书店,\n\"围城\",钱锺书,人民文学出版社,9787020024759\n";
    let res = app.call(&boss, "books/import", &[("csv", good)]).await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.json::<String>().await.unwrap(), "已导入 2 本图书");
    assert_eq!(rows(&app, "book").await, 3);
    let export = boss.get(app.url("/books/export.csv")).send().await.unwrap();
    assert_eq!(export.status(), 200);
    assert!(
        export.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    let text = export.text().await.unwrap();
    assert!(text.starts_with('\u{feff}'));
    assert!(text.contains("围城,钱锺书,人民文学出版社"));
    app.stop().await;
}

async fn recommendations_are_reviewed_into_the_public_list(b: Backend) {
    let app = TestApp::spawn(b).await;
    app.store.account("boss", PW, Role::Organiser).await;
    app.store.account("wy", PW, Role::Member).await;
    app.store.account("dz", PW, Role::Reader).await;
    let book = app.store.book("人世间", None).await.to_string();
    let wy = signed_in(&app, "wy").await;
    let empty = app
        .call(
            &wy,
            "book/recommend",
            &[("book_id", &book), ("reason", "  ")],
        )
        .await;
    assert_eq!(empty.status(), 422);
    assert_eq!(
        app.call(
            &wy,
            "book/recommend",
            &[("book_id", &book), ("reason", "写尽普通人的悲欢")]
        )
        .await
        .status(),
        200
    );
    let dz = signed_in(&app, "dz").await;
    assert_eq!(
        app.call(
            &dz,
            "book/recommend",
            &[("book_id", &book), ("reason", "x")]
        )
        .await
        .status(),
        403
    );
    assert!(
        !app.page(&app.client(), "/books/recommended")
            .await
            .contains("写尽普通人的悲欢"),
        "not before review"
    );
    let boss = signed_in(&app, "boss").await;
    let queue: serde_json::Value = app
        .call(&boss, "admin/recommendations", &[])
        .await
        .json()
        .await
        .unwrap();
    let id = queue[0]["id"].as_i64().unwrap().to_string();
    assert_eq!(
        app.call(
            &boss,
            "admin/review-recommendation",
            &[("id", &id), ("decision", "approve"), ("comment", "好书")]
        )
        .await
        .status(),
        200
    );
    let page = app.page(&app.client(), "/books/recommended").await;
    assert!(page.contains("写尽普通人的悲欢"));
    assert!(page.contains("季度"));
    let audited: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'recommendation.review'")
            .fetch_one(app.db().pool())
            .await
            .unwrap();
    assert_eq!(audited, 1);
    app.stop().await;
}

async fn everyone_exports_only_their_own_data(b: Backend) {
    let app = TestApp::spawn(b).await;
    app.store.account("me1", PW, Role::Reader).await;
    app.store.account("other1", PW, Role::Reader).await;
    let book = app.store.book("活着", None).await.to_string();
    let me = signed_in(&app, "me1").await;
    let other = signed_in(&app, "other1").await;
    app.call(
        &me,
        "note/write",
        &[
            ("book_id", &book),
            ("group_id", ""),
            ("visibility", "private"),
            ("title", "我的心得, 带逗号"),
            ("body", "=危险公式"),
        ],
    )
    .await;
    app.call(
        &other,
        "note/write",
        &[
            ("book_id", &book),
            ("group_id", ""),
            ("visibility", "public"),
            ("title", "别人的心得"),
            ("body", "x"),
        ],
    )
    .await;
    app.call(
        &me,
        "progress",
        &[
            ("book_id", &book),
            ("status", "finished"),
            ("page", ""),
            ("percent", ""),
        ],
    )
    .await;
    let json: serde_json::Value = me
        .get(app.url("/me/export.json"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(json["username"], "me1");
    assert_eq!(json["notes"].as_array().unwrap().len(), 1);
    assert_eq!(json["notes"][0]["title"], "我的心得, 带逗号");
    assert_eq!(json["progress"][0]["status"], "Finished");
    let csv = me
        .get(app.url("/me/export.csv"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(csv.contains("\"我的心得, 带逗号\""));
    assert!(csv.contains("'=危险公式"), "formulas defused");
    assert!(!csv.contains("别人的心得"));
    assert!(csv.contains("读完"));
    app.stop().await;
}

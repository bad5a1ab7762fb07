//! The organisers' console over HTTP: every /admin page, server function
//! and download refuses visitors (401 or the sign-in page) and everyone
//! who is not an organiser (403), and changes nothing; the statistics and
//! the annual report as organisers and readers see them.

use app::accounts::Role;
use serde_json::Value;
use shuxiang_tests::{Backend, TEST_PASSWORD, TestApp, json, on_both_backends, rows, signed_in};

on_both_backends!(
    only_organisers_use_the_console,
    stats_and_csv_for_organisers,
    the_annual_report_and_its_foreword,
    catalogue_changes_are_in_the_audit_log,
    statistics_are_kept_for_a_stated_freshness,
);

/// Everything that could change when a refused call got through.
async fn fingerprint(app: &TestApp) -> Vec<i64> {
    let mut out = Vec::new();
    for table in [
        "audit_log",
        "site_setting",
        "recommendation",
        "moderation_log",
        "password_reset",
    ] {
        out.push(rows(app, table).await);
    }
    let roles: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM account WHERE role = 'organiser'")
        .fetch_one(app.db().pool())
        .await
        .unwrap();
    out.push(roles);
    out
}

async fn only_organisers_use_the_console(b: Backend) {
    let app = TestApp::spawn(b).await;
    let boss = app
        .store
        .account("boss", TEST_PASSWORD, Role::Organiser)
        .await;
    for (name, role) in [
        ("reader", Role::Reader),
        ("member", Role::Member),
        ("lecturer", Role::Lecturer),
    ] {
        app.store.account(name, TEST_PASSWORD, role).await;
    }
    let year = platform::time::day_at(platform::now()).year().to_string();
    let boss_id = boss.to_string();
    let calls: Vec<(&str, Vec<(&str, &str)>)> = vec![
        ("admin/stats", vec![]),
        ("admin/accounts", vec![("q", ""), ("page", "1")]),
        (
            "admin/change-role",
            vec![("account_id", &boss_id), ("role", "reader")],
        ),
        ("admin/recommendations", vec![]),
        (
            "admin/review-recommendation",
            vec![("id", "1"), ("decision", "approve"), ("comment", "")],
        ),
        ("moderation/queue", vec![]),
        (
            "moderation/act",
            vec![("id", "1"), ("action", "hide"), ("note", "")],
        ),
        (
            "report/foreword",
            vec![("year", &year), ("foreword", "改写前言")],
        ),
        (
            "admin/audit",
            vec![
                ("actor", ""),
                ("kind", ""),
                ("from", ""),
                ("to", ""),
                ("page", "1"),
            ],
        ),
        ("admin/records", vec![("from", ""), ("to", "")]),
        (
            "admin/disable",
            vec![("account_id", &boss_id), ("disabled", "true")],
        ),
        ("admin/reset-link", vec![("account_id", &boss_id)]),
        (
            "admin/record",
            vec![("id", &boss_id), ("from", ""), ("to", "")],
        ),
    ];
    let downloads: Vec<String> = app::stats::TABLES
        .map(|(t, _)| format!("/admin/stats/{t}.csv"))
        .into_iter()
        .chain([
            "/admin/export/records.csv".to_owned(),
            format!("/admin/export/records/{boss_id}"),
            "/admin/export/audit.csv".to_owned(),
        ])
        .collect();
    let before = fingerprint(&app).await;
    let visitor = app.client();
    for (endpoint, form) in &calls {
        let res = app.call(&visitor, endpoint, form).await;
        assert_eq!(res.status(), 401, "visitor calling {endpoint}");
    }
    for name in ["reader", "member", "lecturer"] {
        let c = signed_in(&app, name).await;
        for (endpoint, form) in &calls {
            let (status, v) = json(app.call(&c, endpoint, form).await).await;
            assert_eq!(status, 403, "{name} calling {endpoint}: {v}");
        }
        for url in &downloads {
            let res = c.get(app.url(url)).send().await.unwrap();
            assert_eq!(res.status(), 403, "{name} downloading {url}");
        }
        for page in [
            "/admin",
            "/admin/stats",
            "/admin/users",
            "/admin/moderation",
            "/admin/audit",
            "/admin/records",
            &format!("/admin/records/{boss_id}"),
        ] {
            let body = app.page(&c, page).await;
            assert!(body.contains("没有权限"), "{name} on {page} is told no");
            assert!(
                !body.contains("总体数据"),
                "{name} sees no figures on {page}"
            );
        }
    }
    for url in &downloads {
        let res = visitor.get(app.url(url)).send().await.unwrap();
        assert_eq!(res.status(), 303, "visitors are sent to sign in: {url}");
    }
    assert_eq!(fingerprint(&app).await, before, "nothing changed");
    app.stop().await;
}

async fn stats_and_csv_for_organisers(b: Backend) {
    let app = TestApp::spawn(b).await;
    app.store
        .account("boss", TEST_PASSWORD, Role::Organiser)
        .await;
    let reader = app
        .store
        .account("reader", TEST_PASSWORD, Role::Reader)
        .await;
    let gid = app.store.group(shuxiang_tests::GroupSpec::default()).await;
    app.store
        .add_to_group(gid, reader, app::groups::GroupRole::Member)
        .await;
    let c = signed_in(&app, "reader").await;
    let (status, v) = json(
        app.call(
            &c,
            "check-in",
            &[
                ("slug", "test-group"),
                ("minutes", "30"),
                ("pages", ""),
                ("line", ""),
            ],
        )
        .await,
    )
    .await;
    assert_eq!(status, 200, "check-in: {v}");
    let boss = signed_in(&app, "boss").await;
    let (status, v2) = json(app.call(&boss, "admin/stats", &[]).await).await;
    assert_eq!(status, 200, "{v2}");
    let figures: &Value = &v2["figures"];
    assert_eq!(figures["groups_active"], 1);
    assert_eq!(figures["check_ins"], 1);
    assert_eq!(figures["active_readers"], 1);
    assert_eq!(v2["weekly"].as_array().unwrap().len(), 12);
    let page = app.page(&boss, "/admin/stats").await;
    for text in [
        "总体数据",
        "每周趋势",
        "分界别",
        "最活跃的读书群",
        "最常读完的书",
    ] {
        assert!(page.contains(text), "{text}");
    }
    assert_eq!(page.matches("role=\"img\"").count(), 5, "five charts");
    assert!(page.contains("<desc id=\"chart-weekly-desc\">"));
    for table in app::stats::TABLES.map(|(t, _)| t) {
        let res = boss
            .get(app.url(&format!("/admin/stats/{table}.csv")))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200, "{table}");
        assert!(
            res.headers()["content-type"]
                .to_str()
                .unwrap()
                .starts_with("text/csv")
        );
        let body = res.text().await.unwrap();
        assert!(body.starts_with('\u{feff}'), "{table} opens in Excel");
        assert!(
            body.lines().count() >= 2 || table == "books",
            "{table}: {body}"
        );
    }
    let res = boss
        .get(app.url("/admin/stats/secrets.csv"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 404);
    // The console's own downloads and pages.
    for (url, first_line) in [
        (
            "/admin/export/records.csv".to_owned(),
            "\u{feff}姓名,用户名,界别,所在读书群,读完的书,打卡,读书心得,讨论发帖,参加讲座",
        ),
        (
            format!("/admin/export/records/{reader}"),
            "\u{feff}时间,类别,内容",
        ),
        (
            "/admin/export/audit.csv".to_owned(),
            "\u{feff}时间,操作人,操作,对象,之前,之后",
        ),
    ] {
        let res = boss.get(app.url(&url)).send().await.unwrap();
        assert_eq!(res.status(), 200, "{url}");
        let body = res.text().await.unwrap();
        assert_eq!(body.lines().next(), Some(first_line), "{url}");
    }
    let res = boss
        .get(app.url("/admin/export/records.csv?from=2026-13-40"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 422);
    let record = app.page(&boss, &format!("/admin/records/{reader}")).await;
    assert!(
        record.contains("的履职读书记录") && record.contains("打卡"),
        "record page"
    );
    assert!(
        app.page(&boss, "/admin/records")
            .await
            .contains("委员读书情况")
    );
    assert!(app.page(&boss, "/admin/audit").await.contains("操作记录"));
    app.stop().await;
}

async fn the_annual_report_and_its_foreword(b: Backend) {
    let app = TestApp::spawn(b).await;
    let boss_id = app
        .store
        .account("boss", TEST_PASSWORD, Role::Organiser)
        .await;
    app.store
        .account("reader", TEST_PASSWORD, Role::Reader)
        .await;
    let year = platform::time::day_at(platform::now()).year();
    let boss = signed_in(&app, "boss").await;
    let hostile =
        "## 致读者\n\n这一年<script>alert(1)</script>我们一起读书。[链接](javascript:alert(2))";
    let (status, v) = json(
        app.call(
            &boss,
            "report/foreword",
            &[("year", &year.to_string()), ("foreword", hostile)],
        )
        .await,
    )
    .await;
    assert_eq!(status, 200, "{v}");
    let audit: (i64, String, Option<String>) = sqlx::query_as(
        "SELECT actor_id, action, after_value FROM audit_log ORDER BY id DESC LIMIT 1",
    )
    .fetch_one(app.db().pool())
    .await
    .unwrap();
    assert_eq!((audit.0, audit.1.as_str()), (boss_id, "report.foreword"));
    // Everyone reads the report; the foreword is sanitised.
    let reader = signed_in(&app, "reader").await;
    for c in [app.client(), reader] {
        let page = app.page(&c, &format!("/report/{year}")).await;
        assert!(page.contains(&format!("{year}年度读书报告")));
        assert!(page.contains("致读者") && page.contains("我们一起读书"));
        assert!(!page.contains("<script>alert(1)"));
        assert!(!page.contains("javascript:alert(2)"));
        assert!(page.contains("全年概览") && page.contains("逐月阅读"));
        assert!(
            !page.contains("保存前言"),
            "only organisers edit the foreword"
        );
    }
    assert!(
        app.page(&boss, &format!("/report/{year}"))
            .await
            .contains("保存前言")
    );
    // Too long: a Chinese message, nothing saved.
    let long = "字".repeat(app::stats::api::FOREWORD_MAX + 1);
    let (status, v) = json(
        app.call(
            &boss,
            "report/foreword",
            &[("year", &year.to_string()), ("foreword", &long)],
        )
        .await,
    )
    .await;
    assert_eq!(status, 422);
    assert!(v.to_string().contains("前言最多"), "{v}");
    // Years outside the platform's life are not found.
    for bad in ["1999", &(year + 1).to_string(), "abc"] {
        let res = app
            .client()
            .get(app.url(&format!("/report/{bad}")))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 404, "/report/{bad}");
    }
    app.stop().await;
}

async fn catalogue_changes_are_in_the_audit_log(b: Backend) {
    let app = TestApp::spawn(b).await;
    app.store
        .account("boss", TEST_PASSWORD, Role::Organiser)
        .await;
    let boss = signed_in(&app, "boss").await;
    let book = [
        ("title", "乡土中国"),
        ("author", "费孝通"),
        ("publisher", ""),
        ("year", ""),
        ("isbn", ""),
        ("pages", ""),
        ("summary", ""),
    ];
    let (status, id) = json(app.call(&boss, "book/create", &book).await).await;
    assert_eq!(status, 200, "{id}");
    let id = id.as_i64().unwrap().to_string();
    let mut update = vec![("id", id.as_str())];
    update.extend(book.iter().map(|(k, v)| {
        (
            *k,
            if *k == "title" {
                "乡土中国（修订版）"
            } else {
                *v
            },
        )
    }));
    let (status, v) = json(app.call(&boss, "book/update", &update).await).await;
    assert_eq!(status, 200, "{v}");
    let (status, v) = json(
        app.call(
            &boss,
            "admin/audit",
            &[
                ("actor", ""),
                ("kind", "book"),
                ("from", ""),
                ("to", ""),
                ("page", "1"),
            ],
        )
        .await,
    )
    .await;
    assert_eq!(status, 200, "{v}");
    let entries = v["entries"].as_array().unwrap();
    let seen: Vec<(&str, &str, &str)> = entries
        .iter()
        .map(|e| {
            (
                e["action_label"].as_str().unwrap(),
                e["before"].as_str().unwrap_or(""),
                e["after"].as_str().unwrap_or(""),
            )
        })
        .collect();
    assert_eq!(
        seen,
        vec![
            ("修改图书", "乡土中国", "乡土中国（修订版）"),
            ("添加图书", "", "乡土中国"),
        ]
    );
    // Reading-list changes are recorded too.
    app.store.group(shuxiang_tests::GroupSpec::default()).await;
    let today = platform::today_string();
    let (status, v) = json(
        app.call(
            &boss,
            "group/list/add",
            &[
                ("slug", "test-group"),
                ("book_id", &id),
                ("starts_on", &today),
                ("ends_on", &today),
                ("guide_md", ""),
            ],
        )
        .await,
    )
    .await;
    assert_eq!(status, 200, "{v}");
    let (_, v) = json(
        app.call(
            &boss,
            "admin/audit",
            &[
                ("actor", "boss"),
                ("kind", "group"),
                ("from", ""),
                ("to", ""),
                ("page", "1"),
            ],
        )
        .await,
    )
    .await;
    assert_eq!(v["entries"][0]["action_label"], "修改群书目", "{v}");
    assert_eq!(v["entries"][0]["target"], "group:test-group");
    app.stop().await;
}

/// A reader checks in to the test group; asserts it worked.
async fn check_in(app: &TestApp, c: &reqwest::Client) {
    let (status, v) = json(
        app.call(
            c,
            "check-in",
            &[
                ("slug", "test-group"),
                ("minutes", "30"),
                ("pages", ""),
                ("line", ""),
            ],
        )
        .await,
    )
    .await;
    assert_eq!(status, 200, "check-in: {v}");
}

/// The statistics and the annual report are computed at most once per
/// freshness window (a minute by default) and say so on the page; with a
/// freshness of 0 every request computes them.
async fn statistics_are_kept_for_a_stated_freshness(b: Backend) {
    for fresh in [60, 0] {
        let app = TestApp::spawn_with(b, |c| c.stats_fresh_secs = fresh).await;
        app.store
            .account("boss", TEST_PASSWORD, Role::Organiser)
            .await;
        let reader = app
            .store
            .account("reader", TEST_PASSWORD, Role::Reader)
            .await;
        let gid = app.store.group(shuxiang_tests::GroupSpec::default()).await;
        app.store
            .add_to_group(gid, reader, app::groups::GroupRole::Member)
            .await;
        let boss = signed_in(&app, "boss").await;
        let year = platform::time::day_at(platform::now()).year();
        let check_ins = || async {
            let (status, v) = json(app.call(&boss, "admin/stats", &[]).await).await;
            assert_eq!(status, 200, "{v}");
            assert_eq!(v["fresh_secs"], fresh);
            let (status, r) = json(
                app.call(&boss, "report", &[("year", year.to_string().as_str())])
                    .await,
            )
            .await;
            assert_eq!(status, 200, "{r}");
            (
                v["figures"]["check_ins"].clone(),
                r["figures"]["check_ins"].clone(),
            )
        };
        assert_eq!(check_ins().await, (0.into(), 0.into()));
        check_in(&app, &signed_in(&app, "reader").await).await;
        let expected: i64 = if fresh > 0 { 0 } else { 1 };
        assert_eq!(
            check_ins().await,
            (expected.into(), expected.into()),
            "freshness {fresh}"
        );
        let said = if fresh > 0 {
            "数据每分钟更新"
        } else {
            "数据实时统计"
        };
        assert!(app.page(&boss, "/admin/stats").await.contains(said));
        let report = app.page(&app.client(), &format!("/report/{year}")).await;
        assert!(report.contains(said), "the report says it too");
        app.stop().await;
    }
}

//! The server as a whole: health, pages, errors, headers, CSRF, shutdown.

use app::accounts::Role;
use shuxiang_tests::{Backend, TestApp, on_both_backends};

on_both_backends!(
    healthz_reports_the_database,
    pages_are_chinese_and_unknown_ones_are_404,
    demo_mode_is_marked_on_every_page,
    cross_site_posts_are_refused,
    responses_carry_security_headers_and_a_request_id,
    shutdown_lets_requests_in_flight_finish,
    admin_pages_send_strangers_to_sign_in_and_refuse_non_organisers,
    font_size_choice_is_kept_in_a_cookie,
);

async fn healthz_reports_the_database(b: Backend) {
    let app = TestApp::spawn(b).await;
    let res = reqwest::get(app.url("/healthz")).await.unwrap();
    assert_eq!(res.status(), 200);
    let body: serde_json::Value = res.json().await.unwrap();
    let name = match b {
        Backend::Sqlite => "sqlite",
        Backend::Postgres => "postgres",
    };
    assert_eq!(
        body,
        serde_json::json!({ "status": "ok", "database": name })
    );
    // With the database gone, the check says so.
    app.server_db().pool().close().await;
    let res = reqwest::get(app.url("/healthz")).await.unwrap();
    assert_eq!(res.status(), 503);
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(body["status"], "unavailable");
    app.stop().await;
}

async fn pages_are_chinese_and_unknown_ones_are_404(b: Backend) {
    let app = TestApp::spawn(b).await;
    let client = app.client();
    let home = client.get(app.url("/")).send().await.unwrap();
    assert_eq!(home.status(), 200);
    assert!(
        home.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    let html = home.text().await.unwrap();
    assert!(html.contains("lang=\"zh-CN\""), "language declared");
    for text in [
        "书香政协",
        "首页",
        "读书群",
        "书目",
        "大讲堂",
        "我的",
        "登录",
        "注册",
        "政协大讲堂 · 直播与预告",
        "活跃读书群",
        "推荐书目",
        "数据概览",
    ] {
        assert!(html.contains(text), "home page shows {text}");
    }
    let register = app.page(&client, "/register").await;
    for label in ["用户名", "显示名称", "密码", "确认密码", ">注册<"] {
        assert!(register.contains(label), "register page has {label}");
    }
    let login = app.page(&client, "/login").await;
    assert!(login.contains(">登录<"));
    let missing = client.get(app.url("/no/such/page")).send().await.unwrap();
    assert_eq!(missing.status(), 404);
    let html = missing.text().await.unwrap();
    assert!(html.contains("页面不存在"), "Chinese 404 page");
    // Signed out, /me sends to sign-in.
    let me = client.get(app.url("/me")).send().await.unwrap();
    assert_eq!(me.status(), 302);
    assert_eq!(me.headers()["location"], "/login?next=/me");
    app.stop().await;
}

async fn demo_mode_is_marked_on_every_page(b: Backend) {
    let app = TestApp::spawn_with(b, |c| c.demo = true).await;
    for path in ["/", "/login", "/register", "/groups", "/nowhere"] {
        let html = reqwest::get(app.url(path))
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(html.contains("演示模式"), "{path} marked as demo");
    }
    let html = reqwest::get(app.url("/"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("淄味悦读·书香政协"), "demo brand");
    // The demo accounts work with the published password.
    let client = app.client();
    for (user, _) in [
        ("admin", Role::Organiser),
        ("weiyuan", Role::Member),
        ("zhujiang", Role::Lecturer),
        ("duzhe", Role::Reader),
    ] {
        assert_eq!(
            app.login(&client, user, server::demo::PASSWORD)
                .await
                .status(),
            200,
            "{user}"
        );
    }
    app.stop().await;
}

async fn cross_site_posts_are_refused(b: Backend) {
    let app = TestApp::spawn(b).await;
    app.store
        .account("victim", "password-123", Role::Organiser)
        .await;
    let client = app.client();
    let post = |headers: Vec<(&'static str, String)>| {
        let client = client.clone();
        let url = app.url("/api/login");
        async move {
            let mut req = client
                .post(url)
                .form(&[("username", "victim"), ("password", "password-123")]);
            for (k, v) in headers {
                req = req.header(k, v);
            }
            req.send().await.unwrap()
        }
    };
    let evil = post(vec![("origin", "http://evil.example".into())]).await;
    assert_eq!(evil.status(), 403);
    assert!(evil.text().await.unwrap().contains("请求被拒绝"));
    assert_eq!(
        post(vec![("sec-fetch-site", "cross-site".into())])
            .await
            .status(),
        403
    );
    assert_eq!(
        post(vec![("sec-fetch-site", "same-site".into())])
            .await
            .status(),
        403
    );
    assert_eq!(app.whoami(&client).await, None, "nothing happened");
    let host = app.base.trim_start_matches("http://").to_owned();
    // Same-origin posts go through (a plain form post answers with a redirect).
    let same = post(vec![("origin", app.base.clone()), ("host", host)]).await;
    assert_eq!(same.status(), 302);
    assert_eq!(app.whoami(&client).await.as_deref(), Some("victim"));
    assert_eq!(
        post(vec![("sec-fetch-site", "same-origin".into())])
            .await
            .status(),
        302
    );
    app.stop().await;
}

async fn responses_carry_security_headers_and_a_request_id(b: Backend) {
    let app = TestApp::spawn(b).await;
    let res = reqwest::get(app.url("/login")).await.unwrap();
    let h = res.headers();
    assert_eq!(h["x-content-type-options"], "nosniff");
    assert_eq!(h["x-frame-options"], "DENY");
    assert!(
        h["content-security-policy"]
            .to_str()
            .unwrap()
            .contains("frame-ancestors 'none'")
    );
    assert!(
        h["cache-control"].to_str().unwrap().contains("no-cache"),
        "pages are not cached"
    );
    let id = h["x-request-id"].to_str().unwrap();
    assert_eq!(id.len(), 36, "a UUID: {id}");
    let favicon = reqwest::get(app.url("/favicon.svg")).await.unwrap();
    if favicon.status() == 200 {
        // Present once the site has been built: static files are cached for a day.
        assert_eq!(favicon.headers()["cache-control"], "public, max-age=86400");
    }
    app.stop().await;
}

async fn shutdown_lets_requests_in_flight_finish(b: Backend) {
    let app = TestApp::spawn(b).await;
    app.store
        .account("inflight", "password-123", Role::Reader)
        .await;
    let client = app.bare_client();
    // Sign-ins hash passwords: each takes a while, so several are in flight.
    let requests: Vec<_> = (0..6)
        .map(|_| {
            let client = client.clone();
            let url = app.url("/api/login");
            tokio::spawn(async move {
                client
                    .post(url)
                    .header("accept", "application/json")
                    .form(&[("username", "inflight"), ("password", "password-123")])
                    .send()
                    .await
                    .map(|r| r.status().as_u16())
            })
        })
        .collect();
    tokio::time::sleep(std::time::Duration::from_millis(30)).await;
    let dir = app.store.dir().to_owned();
    let backend = b;
    app.stop_keep_files().await;
    for r in requests {
        assert_eq!(
            r.await.unwrap().expect("request answered, not cut off"),
            200
        );
    }
    if backend == Backend::Sqlite {
        // The write-ahead log was folded back: the database file alone is complete.
        let wal = dir.join("test.db-wal");
        assert!(
            !wal.exists() || std::fs::metadata(&wal).unwrap().len() == 0,
            "WAL checkpointed"
        );
        let copy = dir.join("copy.db");
        std::fs::copy(dir.join("test.db"), &copy).unwrap();
        let db = platform::Db::connect(&format!("sqlite://{}", copy.display()), 1)
            .await
            .unwrap();
        let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM account WHERE username = 'inflight'")
            .fetch_one(db.pool())
            .await
            .unwrap();
        assert_eq!(n, 1);
        db.close().await;
    }
}

async fn admin_pages_send_strangers_to_sign_in_and_refuse_non_organisers(b: Backend) {
    let app = TestApp::spawn(b).await;
    app.store
        .account("plain", "password-123", Role::Member)
        .await;
    app.store
        .account("chief", "password-123", Role::Organiser)
        .await;
    let anon = app.client();
    let res = anon.get(app.url("/admin/users")).send().await.unwrap();
    assert_eq!(res.status(), 302);
    assert_eq!(res.headers()["location"], "/login?next=/admin/users");

    let member = app.client();
    app.login(&member, "plain", "password-123").await;
    let res = member.get(app.url("/admin/users")).send().await.unwrap();
    assert_eq!(res.status(), 403);
    let html = res.text().await.unwrap();
    assert!(html.contains("没有权限"));
    assert!(!html.contains("chief"), "no account data leaks to the page");
    let res = app
        .call(&member, "admin/accounts", &[("q", ""), ("page", "1")])
        .await;
    assert_eq!(res.status(), 403);

    let organiser = app.client();
    app.login(&organiser, "chief", "password-123").await;
    let html = organiser
        .get(app.url("/admin/users"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("用户与角色"));
    assert!(html.contains("plain"));
    let found = organiser
        .get(app.url("/admin/users?q=pla"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(found.contains("plain"));
    assert!(!found.contains(">chief<"));
    app.stop().await;
}

async fn font_size_choice_is_kept_in_a_cookie(b: Backend) {
    let app = TestApp::spawn(b).await;
    let client = app.client();
    let res = client
        .post(app.url("/api/font-size"))
        .header("accept", "text/html")
        .header("referer", app.url("/books"))
        .form(&[("size", "large")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 302, "no-script form goes back to the page");
    let cookie = shuxiang_tests::set_cookie_line(res.headers(), "sx_font").unwrap();
    assert!(cookie.contains("Max-Age=31536000"), "{cookie}");
    let html = client
        .get(app.url("/"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        html.contains("class=\"font-large\""),
        "server renders the large size"
    );
    assert_eq!(
        app.call(&client, "font-size", &[("size", "gigantic")])
            .await
            .status(),
        400
    );
    app.stop().await;
}

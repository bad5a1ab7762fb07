//! Sign-in that an attacker cannot turn against its users: lock-outs per
//! (account, address), the client address behind proxies, `next` after
//! sign-in, sessions that end for good, bounded password hashing,
//! registration limits, forged form errors, the page security policy, and
//! owner-only data files.

use std::time::Duration;

use app::accounts::Role;
use shuxiang_tests::{Backend, TEST_PASSWORD, TestApp, json, on_both_backends, session_cookie};

on_both_backends!(
    a_stranger_failing_elsewhere_cannot_lock_the_owner_out,
    spraying_from_one_address_is_stopped,
    forwarded_for_is_read_from_the_right_and_only_behind_a_proxy,
    ipv6_addresses_count_by_their_64,
    next_leads_only_to_a_path_of_this_site,
    a_password_reset_ends_other_sessions_for_good,
    changing_the_password_ends_every_other_session,
    sessions_end_after_their_absolute_lifetime,
    bad_reset_links_cost_no_hashing,
    registration_is_limited_per_address,
    a_burst_of_sign_ins_is_refused_not_piled_up,
    a_link_cannot_forge_a_form_error,
    pages_allow_only_their_own_scripts,
);

/// Signs in (as the WebAssembly client does) with `X-Forwarded-For` set.
async fn login_from(
    app: &TestApp,
    client: &reqwest::Client,
    user: &str,
    pass: &str,
    forwarded_for: &str,
) -> reqwest::Response {
    client
        .post(app.url("/api/login"))
        .header("accept", "application/json")
        .header("x-forwarded-for", forwarded_for)
        .form(&[("username", user), ("password", pass)])
        .send()
        .await
        .expect("request")
}

async fn status_from(app: &TestApp, user: &str, pass: &str, forwarded_for: &str) -> u16 {
    login_from(app, &app.client(), user, pass, forwarded_for)
        .await
        .status()
        .as_u16()
}

fn behind_proxy(c: &mut server::Config) {
    c.proxy.trust = true;
    c.proxy.hops = 1;
}

async fn a_stranger_failing_elsewhere_cannot_lock_the_owner_out(b: Backend) {
    let app = TestApp::spawn_with(b, |c| {
        behind_proxy(c);
        c.login_limits.per_account = 3;
    })
    .await;
    app.store
        .account("admin", TEST_PASSWORD, Role::Organiser)
        .await;
    // The attacker fails over and over from their address…
    for _ in 0..3 {
        assert_eq!(
            status_from(&app, "admin", "wrong-guess", "198.51.100.7").await,
            422
        );
    }
    let res = login_from(&app, &app.client(), "admin", "wrong-guess", "198.51.100.7").await;
    let (status, body) = json(res).await;
    assert_eq!(status, 429);
    assert!(
        body["TooManyRequests"]
            .as_str()
            .unwrap()
            .starts_with("登录失败次数过多"),
        "{body}"
    );
    // …and even the right password is refused there, so guessing stops…
    assert_eq!(
        status_from(&app, "admin", TEST_PASSWORD, "198.51.100.7").await,
        429
    );
    // …but the owner, from their usual address, still gets in, also after
    // mistyping twice.
    for _ in 0..2 {
        assert_eq!(
            status_from(&app, "admin", "typo-typo", "203.0.113.5").await,
            422
        );
    }
    let owner = app.client();
    assert_eq!(
        login_from(&app, &owner, "admin", TEST_PASSWORD, "203.0.113.5")
            .await
            .status(),
        200
    );
    assert_eq!(app.whoami(&owner).await.as_deref(), Some("admin"));
    app.stop().await;
}

async fn spraying_from_one_address_is_stopped(b: Backend) {
    let app = TestApp::spawn_with(b, |c| {
        behind_proxy(c);
        c.login_limits.per_address = 6;
    })
    .await;
    app.store.account("real", TEST_PASSWORD, Role::Reader).await;
    for i in 0..6 {
        let name = format!("guess{i}");
        assert_eq!(
            status_from(&app, &name, "password-1", "198.51.100.9").await,
            422
        );
    }
    // Every account is closed to that address now, a real one included.
    assert_eq!(
        status_from(&app, "someone", "password-1", "198.51.100.9").await,
        429
    );
    assert_eq!(
        status_from(&app, "real", TEST_PASSWORD, "198.51.100.9").await,
        429
    );
    // Other addresses are not affected.
    assert_eq!(
        status_from(&app, "real", TEST_PASSWORD, "198.51.100.10").await,
        200
    );
    app.stop().await;
}

async fn forwarded_for_is_read_from_the_right_and_only_behind_a_proxy(b: Backend) {
    // Behind a proxy: whatever the client writes on the left, the entry the
    // proxy appended (the right-most) is the address that is counted.
    let app = TestApp::spawn_with(b, |c| {
        behind_proxy(c);
        c.login_limits.per_address = 4;
    })
    .await;
    for i in 0..4 {
        let spoofed = format!("10.9.{i}.1, 192.0.2.{i}, 198.51.100.20");
        assert_eq!(
            status_from(&app, &format!("n{i}"), "password-1", &spoofed).await,
            422
        );
    }
    assert_eq!(
        status_from(&app, "n9", "password-1", "1.1.1.1, 198.51.100.20").await,
        429,
        "a new left-most entry does not make a new address"
    );
    assert_eq!(
        status_from(&app, "n9", "password-1", "198.51.100.21").await,
        422
    );
    app.stop().await;

    // Not behind a proxy: the header is ignored, the socket address counts.
    let app = TestApp::spawn_with(b, |c| c.login_limits.per_address = 4).await;
    for i in 0..4 {
        let claimed = format!("198.51.100.{i}");
        assert_eq!(
            status_from(&app, &format!("m{i}"), "password-1", &claimed).await,
            422
        );
    }
    assert_eq!(
        status_from(&app, "m9", "password-1", "198.51.100.99").await,
        429
    );
    app.stop().await;
}

async fn ipv6_addresses_count_by_their_64(b: Backend) {
    let app = TestApp::spawn_with(b, |c| {
        behind_proxy(c);
        c.login_limits.per_address = 4;
    })
    .await;
    // Four different addresses of one /64 share one limit.
    for i in 1..=4 {
        let addr = format!("2001:db8:77:1::{i:x}");
        assert_eq!(
            status_from(&app, &format!("v{i}"), "password-1", &addr).await,
            422
        );
    }
    assert_eq!(
        status_from(&app, "v9", "password-1", "2001:db8:77:1:ffff:1:2:3").await,
        429
    );
    // The next /64 is someone else.
    assert_eq!(
        status_from(&app, "v9", "password-1", "2001:db8:77:2::1").await,
        422
    );
    app.stop().await;
}

async fn next_leads_only_to_a_path_of_this_site(b: Backend) {
    let app = TestApp::spawn(b).await;
    app.store
        .account("nexty", TEST_PASSWORD, Role::Reader)
        .await;
    let cases = [
        ("/groups/abc?page=2#p3", "/groups/abc?page=2#p3"),
        ("/\t/evil.example/phish", "/me"),
        ("/\n/evil.example", "/me"),
        ("/\\evil.example", "/me"),
        ("\\\\evil.example", "/me"),
        ("//evil.example", "/me"),
        ("https://evil.example/", "/me"),
        ("/\u{1}", "/me"),
        ("/\u{7f}x", "/me"),
        ("/ /evil.example", "/me"),
        ("/search?q=读书", "/search?q=%E8%AF%BB%E4%B9%A6"),
    ];
    for (next, expected) in cases {
        let form = [
            ("username", "nexty"),
            ("password", TEST_PASSWORD),
            ("next", next),
        ];
        // Without WebAssembly: a real redirect.
        let res = app.form_post(&app.client(), "login", "/login", &form).await;
        assert_eq!(res.status(), 302, "{next:?}");
        assert_eq!(res.headers()["location"], expected, "{next:?}");
        // The hydrated form: the framework follows the same Location.
        let res = app.call(&app.client(), "login", &form).await;
        assert_eq!(res.status(), 200, "{next:?}");
        assert_eq!(res.headers()["location"], expected, "{next:?}");
    }
    app.stop().await;
}

/// Requests from the session `cookie`, eight at a time (requests in flight
/// while the password changes).
async fn hammer(app: &TestApp, cookie: &str, rounds: usize) {
    for _ in 0..rounds {
        let calls: Vec<_> = (0..8)
            .map(|_| {
                let client = app.bare_client();
                let url = app.url("/api/me");
                let cookie = format!("shuxiang_session={cookie}");
                tokio::spawn(async move {
                    let _ = client
                        .post(url)
                        .header("accept", "application/json")
                        .header("cookie", cookie)
                        .send()
                        .await;
                })
            })
            .collect();
        for c in calls {
            c.await.unwrap();
        }
    }
}

/// The stored row of a session (to put it back as a request in flight
/// would, with the old upsert).
async fn session_rows(app: &TestApp) -> Vec<(String, String, i64)> {
    sqlx::query_as("SELECT id, data, expires_at FROM session")
        .fetch_all(app.db().pool())
        .await
        .unwrap()
}

async fn reset_link(app: &TestApp, account: i64) -> String {
    let token = format!("tok{}", uuid::Uuid::new_v4().simple());
    let mut tx = app.db().pool().begin().await.unwrap();
    app::admin::access::queries::create_reset(&mut tx, account, account, &token, platform::now())
        .await
        .unwrap();
    tx.commit().await.unwrap();
    token
}

async fn a_password_reset_ends_other_sessions_for_good(b: Backend) {
    let app = TestApp::spawn(b).await;
    let id = app
        .store
        .account("duzhe", TEST_PASSWORD, Role::Reader)
        .await;
    let stolen = session_cookie(
        app.login(&app.client(), "duzhe", TEST_PASSWORD)
            .await
            .headers(),
    )
    .unwrap();
    assert_eq!(app.whoami_as(&stolen).await.as_deref(), Some("duzhe"));
    let before = session_rows(&app).await;

    // The stolen session keeps making requests while the owner resets.
    let token = reset_link(&app, id).await;
    let (_, reset) = tokio::join!(hammer(&app, &stolen, 5), async {
        let res = app
            .call(
                &app.client(),
                "reset",
                &[
                    ("token", token.as_str()),
                    ("password", "new-password-9"),
                    ("confirm", "new-password-9"),
                ],
            )
            .await;
        res.status()
    });
    assert_eq!(reset, 200);
    assert_eq!(app.whoami_as(&stolen).await, None);

    // Even when the old row comes back (what a request in flight did with
    // the old store), the session stays ended.
    for (key, data, expires) in before {
        sqlx::query("INSERT INTO session (id, data, expires_at) VALUES ($1, $2, $3) ON CONFLICT (id) DO NOTHING")
            .bind(key)
            .bind(data)
            .bind(expires)
            .execute(app.db().pool())
            .await
            .unwrap();
    }
    assert_eq!(app.whoami_as(&stolen).await, None);
    // The new password works.
    let c = app.client();
    assert_eq!(app.login(&c, "duzhe", "new-password-9").await.status(), 200);
    assert_eq!(app.whoami(&c).await.as_deref(), Some("duzhe"));
    app.stop().await;
}

async fn changing_the_password_ends_every_other_session(b: Backend) {
    let app = TestApp::spawn(b).await;
    app.store
        .account("weiyuan", TEST_PASSWORD, Role::Member)
        .await;
    let phone = app.client();
    let laptop = app.client();
    for c in [&phone, &laptop] {
        assert_eq!(app.login(c, "weiyuan", TEST_PASSWORD).await.status(), 200);
    }
    // The current password must be right; wrong guesses count as failures.
    let (status, body) = json(
        app.call(
            &phone,
            "password",
            &[
                ("current", "not-my-password"),
                ("password", "brand-new-pass"),
                ("confirm", "brand-new-pass"),
            ],
        )
        .await,
    )
    .await;
    assert_eq!(status, 422);
    assert_eq!(
        shuxiang_tests::field_errors(&body),
        vec![("current".to_owned(), "现在的密码不正确".to_owned())]
    );
    let (status, body) = json(
        app.call(
            &phone,
            "password",
            &[
                ("current", TEST_PASSWORD),
                ("password", "brand-new-pass"),
                ("confirm", "brand-new-pass"),
            ],
        )
        .await,
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body, "密码已修改，其他设备上的登录已全部退出。");
    assert_eq!(
        app.whoami(&phone).await.as_deref(),
        Some("weiyuan"),
        "this one stays"
    );
    assert_eq!(app.whoami(&laptop).await, None, "the others end");
    assert_eq!(
        app.login(&app.client(), "weiyuan", TEST_PASSWORD)
            .await
            .status(),
        422
    );
    assert_eq!(
        app.login(&app.client(), "weiyuan", "brand-new-pass")
            .await
            .status(),
        200
    );
    // Visitors cannot call it.
    let (status, _) = json(
        app.call(
            &app.client(),
            "password",
            &[
                ("current", "x"),
                ("password", "brand-new-pass"),
                ("confirm", "brand-new-pass"),
            ],
        )
        .await,
    )
    .await;
    assert_eq!(status, 401);
    app.stop().await;
}

async fn sessions_end_after_their_absolute_lifetime(b: Backend) {
    let app = TestApp::spawn_with(b, |c| c.session_max_age = Duration::from_secs(2)).await;
    app.store
        .account("brief", TEST_PASSWORD, Role::Reader)
        .await;
    let c = app.client();
    assert_eq!(app.login(&c, "brief", TEST_PASSWORD).await.status(), 200);
    // Busy all the time, and still it ends.
    for _ in 0..3 {
        assert_eq!(app.whoami(&c).await.as_deref(), Some("brief"));
        tokio::time::sleep(Duration::from_millis(400)).await;
    }
    tokio::time::sleep(Duration::from_millis(1600)).await;
    assert_eq!(app.whoami(&c).await, None);
    app.stop().await;
}

async fn bad_reset_links_cost_no_hashing(b: Backend) {
    let app = TestApp::spawn(b).await;
    let before = app::accounts::password::hashes_computed();
    let client = app.client();
    let calls: Vec<_> = (0..200)
        .map(|i| {
            let client = client.clone();
            let url = app.url("/api/reset");
            tokio::spawn(async move {
                let token = format!("not-a-token-{i}");
                client
                    .post(url)
                    .header("accept", "application/json")
                    .form(&[
                        ("token", token.as_str()),
                        ("password", "aaaaaaaa"),
                        ("confirm", "aaaaaaaa"),
                    ])
                    .send()
                    .await
                    .expect("request")
            })
        })
        .collect();
    for call in calls {
        let (status, body) = json(call.await.unwrap()).await;
        assert_eq!(status, 422, "{body}");
        assert!(body.to_string().contains("这个链接无效或已过期"), "{body}");
    }
    assert_eq!(
        app::accounts::password::hashes_computed(),
        before,
        "no hash at all"
    );
    app.stop().await;
}

async fn register_from(app: &TestApp, name: &str, forwarded_for: &str) -> (u16, serde_json::Value) {
    let res = app
        .client()
        .post(app.url("/api/register"))
        .header("accept", "application/json")
        .header("x-forwarded-for", forwarded_for)
        .form(&[
            ("username", name),
            ("display_name", "新读者"),
            ("password", TEST_PASSWORD),
            ("password_confirm", TEST_PASSWORD),
        ])
        .send()
        .await
        .expect("request");
    json(res).await
}

async fn registration_is_limited_per_address(b: Backend) {
    let app = TestApp::spawn_with(b, |c| {
        behind_proxy(c);
        c.register_limits.per_window = 3;
    })
    .await;
    for i in 0..3 {
        assert_eq!(
            register_from(&app, &format!("bot{i}x"), "198.51.100.30")
                .await
                .0,
            200
        );
    }
    let hashes = app::accounts::password::hashes_computed();
    let (status, body) = register_from(&app, "bot9x", "198.51.100.30").await;
    assert_eq!(status, 429);
    let msg = body["TooManyRequests"].as_str().unwrap();
    assert!(
        msg.starts_with("注册太频繁了，请 ") && msg.ends_with("分钟后再试"),
        "{msg}"
    );
    assert_eq!(
        app::accounts::password::hashes_computed(),
        hashes,
        "refused before hashing"
    );
    // Another address may still register; the refused name was not created.
    assert_eq!(register_from(&app, "bot9x", "198.51.100.31").await.0, 200);
    assert_eq!(shuxiang_tests::rows(&app, "account").await, 4);
    app.stop().await;
}

async fn a_burst_of_sign_ins_is_refused_not_piled_up(b: Backend) {
    // Many addresses (behind a proxy) at once, so no per-address limit
    // steps in: the hashing queue itself must say no.
    let app = TestApp::spawn_with(b, |c| {
        behind_proxy(c);
        c.db_max_connections = 16;
    })
    .await;
    let capacity = app::accounts::password::parallelism() * 33;
    let burst = capacity + 60;
    let before = app::accounts::password::hashes_computed();
    let calls: Vec<_> = (0..burst)
        .map(|i| {
            let client = app.bare_client();
            let url = app.url("/api/login");
            tokio::spawn(async move {
                let name = format!("nobody{i}");
                let xff = format!("198.18.{}.{}", i / 250, i % 250 + 1);
                client
                    .post(url)
                    .header("accept", "application/json")
                    .header("x-forwarded-for", xff)
                    .form(&[("username", name.as_str()), ("password", "password-1")])
                    .send()
                    .await
                    .expect("request")
            })
        })
        .collect();
    let (mut refused, mut checked) = (0, 0);
    for call in calls {
        let (status, body) = json(call.await.unwrap()).await;
        match status {
            422 => checked += 1,
            429 => {
                assert_eq!(body["TooManyRequests"], "服务器繁忙，请稍后再试");
                refused += 1;
            }
            other => panic!("unexpected {other}: {body}"),
        }
    }
    assert!(refused > 0, "the queue refused some ({checked} checked)");
    let hashed = app::accounts::password::hashes_computed() - before;
    assert_eq!(hashed, checked as u64, "only admitted requests hashed");
    app.stop().await;
}

async fn a_link_cannot_forge_a_form_error(b: Backend) {
    let app = TestApp::spawn(b).await;
    // The review's link: a forged banner and a pre-filled form.
    let forged = "/login?next=%2Fme&__path=%2Fapi%2Flogin&__err=eyJJbnZhbGlkIjp7Im1lc3NhZ2UiOiLotKblj7flvILluLgiLCJmaWVsZHMiOltdLCJ2YWx1ZXMiOltbInVzZXJuYW1lIiwiZXZpbCJdXX19";
    let res = app.client().get(app.url(forged)).send().await.unwrap();
    assert_eq!(res.status(), 303);
    assert_eq!(res.headers()["location"], "/login?next=%2Fme");
    let page = app.page(&app.client(), "/login?next=%2Fme").await;
    assert!(!page.contains("账号异常"));

    // A real failed plain-form sign-in still shows its message and keeps
    // what was typed, in the browser that posted it.
    let browser = app.client();
    let res = app
        .form_post(
            &browser,
            "login",
            "/login",
            &[("username", "nosuchname"), ("password", "wrong-pass")],
        )
        .await;
    assert_eq!(res.status(), 302);
    let location = res.headers()["location"].to_str().unwrap().to_owned();
    assert!(location.contains("__err="), "{location}");
    let path = location
        .split_once("://")
        .and_then(|(_, rest)| rest.split_once('/').map(|(_, p)| format!("/{p}")))
        .unwrap_or(location.clone());
    let page = browser.get(app.url(&path)).send().await.unwrap();
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(html.contains("用户名或密码错误"), "the real error is shown");
    assert!(html.contains("nosuchname"), "what was typed is kept");
    // The same address opened by someone else (a shared link) shows nothing.
    let res = app.client().get(app.url(&path)).send().await.unwrap();
    assert_eq!(res.status(), 303);
    app.stop().await;
}

/// The `nonce-…` of a policy.
fn nonce_of(csp: &str) -> String {
    let start = csp.find("'nonce-").expect("a nonce") + "'nonce-".len();
    csp[start..].split('\'').next().unwrap().to_owned()
}

async fn pages_allow_only_their_own_scripts(b: Backend) {
    let app = TestApp::spawn(b).await;
    let mut nonces = Vec::new();
    for path in ["/", "/login", "/groups", "/no-such-page"] {
        let res = app.client().get(app.url(path)).send().await.unwrap();
        let csp = res.headers()["content-security-policy"]
            .to_str()
            .unwrap()
            .to_owned();
        for part in [
            "script-src 'self' 'nonce-",
            "object-src 'none'",
            "base-uri 'self'",
            "frame-ancestors 'none'",
        ] {
            assert!(csp.contains(part), "{path}: {csp}");
        }
        assert!(!csp.contains("unsafe-inline"), "{csp}");
        assert!(res.headers().get("strict-transport-security").is_none());
        let nonce = nonce_of(&csp);
        let html = res.text().await.unwrap();
        let scripts = html.matches("<script").count();
        assert!(scripts > 0, "{path} has the hydration script");
        for tag in html.split("<script").skip(1) {
            let open = &tag[..tag.find('>').unwrap()];
            assert!(
                open.contains(&format!("nonce=\"{nonce}\"")) || open.contains("src="),
                "{path}: inline script without the nonce: <script{open}>"
            );
        }
        nonces.push(nonce);
    }
    nonces.sort();
    nonces.dedup();
    assert_eq!(nonces.len(), 4, "a new nonce for every response");
    // Not a page: nothing may run.
    let res = app.call(&app.client(), "me", &[]).await;
    let csp = res.headers()["content-security-policy"].to_str().unwrap();
    assert!(csp.starts_with("default-src 'none'"), "{csp}");
    app.stop().await;

    // Production adds HSTS.
    let app = TestApp::spawn_with(b, |c| c.mode = server::Mode::Production).await;
    let res = app.client().get(app.url("/healthz")).send().await.unwrap();
    assert_eq!(
        res.headers()["strict-transport-security"],
        "max-age=31536000"
    );
    app.stop().await;
}

/// The data directory, the SQLite file and the development key are
/// owner-only, also when they were found with wider modes.
#[cfg(unix)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn data_files_are_owner_only() {
    use std::os::unix::fs::PermissionsExt;
    let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    let set = |p: &std::path::Path, m: u32| {
        std::fs::set_permissions(p, std::fs::Permissions::from_mode(m)).unwrap()
    };
    let root = tempfile::tempdir().unwrap();
    let data = root.path().join("data");
    std::fs::create_dir(&data).unwrap();
    set(&data, 0o755);
    let key = data.join("session.key");
    std::fs::write(&key, "k".repeat(64)).unwrap();
    set(&key, 0o644);
    let db_file = data.join("shuxiang.db");
    let url = format!("sqlite://{}", db_file.display());
    // A database made earlier, readable by everyone.
    server::db::open(&url, 1).await.unwrap().close().await;
    set(&db_file, 0o644);

    let dir = data.to_str().unwrap().to_owned();
    let config = server::Config::from_vars(|k| match k {
        "SHUXIANG_DATA_DIR" => Some(dir.clone()),
        _ => None,
    })
    .unwrap();
    assert_eq!(config.database_url, url);
    let db = server::prepare_database(&config).await.unwrap();
    sqlx::query("CREATE TABLE wal_probe (x INTEGER)")
        .execute(db.pool())
        .await
        .unwrap();
    assert_eq!(mode(&data), 0o700);
    assert_eq!(mode(&key), 0o600);
    assert_eq!(mode(&db_file), 0o600);
    let wal = data.join("shuxiang.db-wal");
    if wal.exists() {
        assert_eq!(mode(&wal), 0o600, "SQLite gives its log the file's mode");
    }
    db.close().await;

    // A fresh data directory is owner-only from the start.
    let fresh = root.path().join("fresh");
    let dir = fresh.to_str().unwrap().to_owned();
    let config = server::Config::from_vars(|k| match k {
        "SHUXIANG_DATA_DIR" => Some(dir.clone()),
        _ => None,
    })
    .unwrap();
    let db = server::prepare_database(&config).await.unwrap();
    assert_eq!(mode(&fresh), 0o700);
    assert_eq!(mode(&fresh.join("session.key")), 0o600);
    assert_eq!(mode(&fresh.join("shuxiang.db")), 0o600);
    db.close().await;
}

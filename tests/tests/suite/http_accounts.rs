//! Accounts over HTTP against the real server: registration, sign-in,
//! sessions and their cookies, throttling, roles.

use app::accounts::Role;
use shuxiang_tests::{
    Backend, TestApp, field_errors, on_both_backends, session_cookie, set_cookie_line,
};

on_both_backends!(
    register_signs_in_and_sets_a_safe_cookie,
    cookie_is_secure_when_configured,
    session_id_changes_at_login,
    logout_destroys_the_session,
    sessions_survive_a_restart,
    sessions_expire_after_inactivity,
    activity_keeps_a_session_alive,
    bad_registrations_get_chinese_field_errors,
    wrong_password_says_only_that,
    login_is_throttled_per_account,
    login_is_throttled_per_address,
    only_organisers_change_roles,
    disabled_accounts_cannot_sign_in,
    plain_form_posts_redirect_with_errors,
    a_form_posts_success_message_is_shown_once_on_the_next_page,
    login_redirects_only_to_this_site,
);

async fn register(
    app: &TestApp,
    client: &reqwest::Client,
    user: &str,
    pass: &str,
) -> reqwest::Response {
    app.call(
        client,
        "register",
        &[
            ("username", user),
            ("display_name", "测试读者"),
            ("password", pass),
            ("password_confirm", pass),
        ],
    )
    .await
}

async fn register_signs_in_and_sets_a_safe_cookie(b: Backend) {
    let app = TestApp::spawn(b).await;
    let client = app.client();
    let res = register(&app, &client, "NewReader", "一本好书要读上三遍").await;
    assert_eq!(res.status(), 200);
    let line = set_cookie_line(res.headers(), "shuxiang_session").expect("session cookie set");
    assert!(line.contains("HttpOnly"), "{line}");
    assert!(line.contains("SameSite=Lax"), "{line}");
    assert!(!line.contains("Secure"), "plain-HTTP test config: {line}");
    assert!(line.contains("Path=/"), "{line}");
    assert!(
        line.contains("Max-Age="),
        "expires after inactivity: {line}"
    );
    assert_eq!(
        app.whoami(&client).await.as_deref(),
        Some("newreader"),
        "name folded to lower case"
    );
    // The account is a reader, with the password hashed by argon2id.
    let (role, hash): (String, String) =
        sqlx::query_as("SELECT role, password_hash FROM account WHERE username = 'newreader'")
            .fetch_one(app.db().pool())
            .await
            .unwrap();
    assert_eq!(role, "reader");
    assert!(hash.starts_with("$argon2id$"));
    app.stop().await;
}

async fn cookie_is_secure_when_configured(b: Backend) {
    let app = TestApp::spawn_with(b, |c| c.secure_cookies = true).await;
    app.store
        .account("secure1", "password-123", Role::Reader)
        .await;
    let res = app
        .login(&app.bare_client(), "secure1", "password-123")
        .await;
    assert_eq!(res.status(), 200);
    let line = set_cookie_line(res.headers(), "shuxiang_session").unwrap();
    assert!(line.contains("Secure"), "{line}");
    assert!(line.contains("HttpOnly"), "{line}");
    app.stop().await;
}

async fn session_id_changes_at_login(b: Backend) {
    let app = TestApp::spawn(b).await;
    app.store
        .account("fixme", "password-123", Role::Reader)
        .await;
    let client = app.bare_client();
    let first = app.login(&client, "fixme", "password-123").await;
    let first_id = session_cookie(first.headers()).expect("first cookie");

    // Sign in again while presenting the first session: a new id comes back.
    let second = app
        .call_as(
            &first_id,
            "login",
            &[("username", "fixme"), ("password", "password-123")],
        )
        .await;
    assert_eq!(second.status(), 200);
    let second_id = session_cookie(second.headers()).expect("second cookie");
    assert_ne!(first_id, second_id, "session id must change at login");

    // The old id no longer signs anyone in; the new one does.
    assert_eq!(app.whoami_as(&first_id).await, None);
    assert_eq!(app.whoami_as(&second_id).await.as_deref(), Some("fixme"));
    app.stop().await;
}

async fn logout_destroys_the_session(b: Backend) {
    let app = TestApp::spawn(b).await;
    app.store
        .account("leaver", "password-123", Role::Reader)
        .await;
    let client = app.bare_client();
    let res = app.login(&client, "leaver", "password-123").await;
    let id = session_cookie(res.headers()).unwrap();
    let before = server::sessions::count_live(app.db()).await.unwrap();
    assert_eq!(before, 1);
    let out = app.call_as(&id, "logout", &[]).await;
    assert_eq!(out.status(), 200);
    let cleared = set_cookie_line(out.headers(), "shuxiang_session").expect("cookie removed");
    assert!(
        cleared.contains("Max-Age=0") || cleared.contains("1970"),
        "{cleared}"
    );
    assert_eq!(server::sessions::count_live(app.db()).await.unwrap(), 0);
    assert_eq!(app.whoami_as(&id).await, None);
    app.stop().await;
}

async fn sessions_survive_a_restart(b: Backend) {
    let mut app = TestApp::spawn(b).await;
    app.store
        .account("stayer", "password-123", Role::Member)
        .await;
    let client = app.client();
    assert_eq!(
        app.login(&client, "stayer", "password-123").await.status(),
        200
    );
    let cookie = {
        // Carry the cookie to the new address by hand.
        let res = app
            .login(&app.bare_client(), "stayer", "password-123")
            .await;
        session_cookie(res.headers()).unwrap()
    };
    app.restart().await;
    assert_eq!(app.whoami_as(&cookie).await.as_deref(), Some("stayer"));
    app.stop().await;
}

async fn sessions_expire_after_inactivity(b: Backend) {
    let app = TestApp::spawn_with(b, |c| c.session_idle = std::time::Duration::from_secs(2)).await;
    app.store
        .account("sleepy", "password-123", Role::Reader)
        .await;
    let client = app.client();
    app.login(&client, "sleepy", "password-123").await;
    assert_eq!(app.whoami(&client).await.as_deref(), Some("sleepy"));
    tokio::time::sleep(std::time::Duration::from_millis(3500)).await;
    assert_eq!(app.whoami(&client).await, None, "idle session expired");
    app.stop().await;
}

async fn activity_keeps_a_session_alive(b: Backend) {
    let app = TestApp::spawn_with(b, |c| c.session_idle = std::time::Duration::from_secs(3)).await;
    app.store
        .account("busy", "password-123", Role::Reader)
        .await;
    let client = app.client();
    app.login(&client, "busy", "password-123").await;
    for _ in 0..4 {
        tokio::time::sleep(std::time::Duration::from_millis(1500)).await;
        assert_eq!(app.whoami(&client).await.as_deref(), Some("busy"));
    }
    app.stop().await;
}

async fn bad_registrations_get_chinese_field_errors(b: Backend) {
    let app = TestApp::spawn(b).await;
    app.store
        .account("taken", "password-123", Role::Reader)
        .await;
    let client = app.client();
    let long = "书".repeat(500);
    // (form, field, message)
    type Case<'a> = ([(&'a str, &'a str); 4], &'a str, &'a str);
    let cases: Vec<Case> = vec![
        (
            [
                ("username", "taken"),
                ("display_name", "某人"),
                ("password", "password-123"),
                ("password_confirm", "password-123"),
            ],
            "username",
            "该用户名已被注册，请换一个",
        ),
        (
            [
                ("username", "x"),
                ("display_name", "某人"),
                ("password", "password-123"),
                ("password_confirm", "password-123"),
            ],
            "username",
            "用户名至少需要 3 个字符",
        ),
        (
            [
                ("username", "张三丰"),
                ("display_name", "某人"),
                ("password", "password-123"),
                ("password_confirm", "password-123"),
            ],
            "username",
            "用户名只能包含英文字母、数字和下划线，并以字母开头",
        ),
        (
            [
                ("username", ""),
                ("display_name", "某人"),
                ("password", "password-123"),
                ("password_confirm", "password-123"),
            ],
            "username",
            "请填写用户名",
        ),
        (
            [
                ("username", "okname"),
                ("display_name", ""),
                ("password", "password-123"),
                ("password_confirm", "password-123"),
            ],
            "display_name",
            "请填写显示名称",
        ),
        (
            [
                ("username", "okname"),
                ("display_name", &long),
                ("password", "password-123"),
                ("password_confirm", "password-123"),
            ],
            "display_name",
            "显示名称不能超过 20 个字符",
        ),
        (
            [
                ("username", "okname"),
                ("display_name", "某人"),
                ("password", "short"),
                ("password_confirm", "short"),
            ],
            "password",
            "密码至少需要 8 个字符",
        ),
        (
            [
                ("username", "okname"),
                ("display_name", "某人"),
                ("password", "password-123"),
                ("password_confirm", "password-124"),
            ],
            "password_confirm",
            "两次输入的密码不一致",
        ),
        (
            [
                ("username", "okname"),
                ("display_name", "某人"),
                ("password", ""),
                ("password_confirm", ""),
            ],
            "password",
            "请填写密码",
        ),
    ];
    for (form, field, message) in cases {
        let res = app.call(&client, "register", &form).await;
        assert_eq!(res.status(), 422, "{field}: {message}");
        let body: serde_json::Value = res.json().await.unwrap();
        let errors = field_errors(&body);
        assert!(
            errors.iter().any(|(f, m)| f == field && m == message),
            "expected {field}: {message}, got {errors:?}"
        );
        // What was typed comes back (clipped), never the password.
        let kept = body["Invalid"]["values"].to_string();
        assert!(!kept.contains("password-12"), "password echoed: {kept}");
    }
    let res = app
        .call(
            &client,
            "register",
            &[
                ("username", "Taken "),
                ("display_name", "某人"),
                ("password", "password-123"),
                ("password_confirm", "password-123"),
            ],
        )
        .await;
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(
        body["Invalid"]["values"][0],
        serde_json::json!(["username", "Taken "])
    );
    // Nothing was created by the failures.
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM account")
        .fetch_one(app.db().pool())
        .await
        .unwrap();
    assert_eq!(n, 1);
    // A form missing fields is a bad request, not a server error.
    let res = app.call(&client, "register", &[("username", "abc")]).await;
    assert_eq!(res.status(), 400);
    app.stop().await;
}

async fn wrong_password_says_only_that(b: Backend) {
    let app = TestApp::spawn(b).await;
    app.store
        .account("known", "password-123", Role::Reader)
        .await;
    let client = app.client();
    let wrong = app.login(&client, "known", "password-999").await;
    let unknown = app.login(&client, "nobody_here", "password-999").await;
    assert_eq!(wrong.status(), 422);
    assert_eq!(unknown.status(), 422);
    let a: serde_json::Value = wrong.json().await.unwrap();
    let b2: serde_json::Value = unknown.json().await.unwrap();
    assert_eq!(a["Invalid"]["message"], "用户名或密码错误");
    assert_eq!(a["Invalid"]["message"], b2["Invalid"]["message"]);
    assert_eq!(a["Invalid"]["fields"], b2["Invalid"]["fields"]);
    assert_eq!(app.whoami(&client).await, None);
    app.stop().await;
}

async fn login_is_throttled_per_account(b: Backend) {
    let app = TestApp::spawn_with(b, |c| c.login_limits.per_account = 3).await;
    app.store
        .account("target", "password-123", Role::Reader)
        .await;
    app.store
        .account("bystander", "password-123", Role::Reader)
        .await;
    let client = app.client();
    for _ in 0..3 {
        assert_eq!(
            app.login(&client, "target", "guess-guess").await.status(),
            422
        );
    }
    // Even the right password is refused now, with a Chinese message saying so.
    let res = app.login(&client, "target", "password-123").await;
    assert_eq!(res.status(), 429);
    let body: serde_json::Value = res.json().await.unwrap();
    let msg = body["TooManyRequests"].as_str().unwrap();
    assert!(msg.starts_with("登录失败次数过多，请 "), "{msg}");
    assert!(msg.ends_with("分钟后再试"), "{msg}");
    assert_eq!(app.whoami(&client).await, None);
    // Another account is not affected.
    assert_eq!(
        app.login(&client, "bystander", "password-123")
            .await
            .status(),
        200
    );
    app.stop().await;
}

async fn login_is_throttled_per_address(b: Backend) {
    let app = TestApp::spawn_with(b, |c| c.login_limits.per_address = 4).await;
    app.store
        .account("victim", "password-123", Role::Reader)
        .await;
    let client = app.client();
    for name in ["a1x", "a2x", "a3x", "a4x"] {
        assert_eq!(app.login(&client, name, "guess-guess").await.status(), 422);
    }
    assert_eq!(
        app.login(&client, "victim", "password-123").await.status(),
        429
    );
    app.stop().await;
}

async fn only_organisers_change_roles(b: Backend) {
    let app = TestApp::spawn(b).await;
    let boss = app
        .store
        .account("boss", "password-123", Role::Organiser)
        .await;
    let member = app
        .store
        .account("member", "password-123", Role::Member)
        .await;
    let reader = app
        .store
        .account("reader", "password-123", Role::Reader)
        .await;
    let role_of = |id: i64| {
        let pool = app.db().pool().clone();
        async move {
            sqlx::query_scalar::<_, String>("SELECT role FROM account WHERE id = $1")
                .bind(id)
                .fetch_one(&pool)
                .await
                .unwrap()
        }
    };
    let change = |client: reqwest::Client, id: i64, role: &'static str| {
        let app = &app;
        async move {
            app.call(
                &client,
                "admin/change-role",
                &[("account_id", &id.to_string()), ("role", role)],
            )
            .await
        }
    };

    // Nobody signed in: 401.
    assert_eq!(
        change(app.client(), reader, "organiser").await.status(),
        401
    );
    // A reader promoting themselves, a member promoting a reader, a member demoting the organiser: 403.
    for (who, target, role) in [
        ("reader", reader, "organiser"),
        ("member", reader, "member"),
        ("member", boss, "reader"),
    ] {
        let client = app.client();
        assert_eq!(app.login(&client, who, "password-123").await.status(), 200);
        let res = change(client, target, role).await;
        assert_eq!(res.status(), 403, "{who} -> {target} {role}");
        let body: serde_json::Value = res.json().await.unwrap();
        assert_eq!(body, serde_json::json!("Forbidden"));
    }
    assert_eq!(role_of(reader).await, "reader");
    assert_eq!(role_of(boss).await, "organiser");
    assert_eq!(role_of(member).await, "member");

    // The organiser can, and it is audited.
    let client = app.client();
    app.login(&client, "boss", "password-123").await;
    let res = change(client.clone(), reader, "member").await;
    assert_eq!(res.status(), 200);
    assert_eq!(
        res.json::<String>().await.unwrap(),
        "已将角色从社会读者改为委员"
    );
    assert_eq!(role_of(reader).await, "member");
    let audited: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM audit_log WHERE action = 'account.role' AND actor_id = $1",
    )
    .bind(boss)
    .fetch_one(app.db().pool())
    .await
    .unwrap();
    assert_eq!(audited, 1);
    // A role that does not exist, and the last organiser stepping down, are refused.
    assert_eq!(
        change(client.clone(), reader, "emperor").await.status(),
        422
    );
    let res = change(client.clone(), boss, "reader").await;
    assert_eq!(res.status(), 422);
    assert_eq!(role_of(boss).await, "organiser");
    assert_eq!(
        change(client.clone(), 999_999, "reader").await.status(),
        404
    );
    app.stop().await;
}

async fn disabled_accounts_cannot_sign_in(b: Backend) {
    let app = TestApp::spawn(b).await;
    let id = app
        .store
        .account("gone", "password-123", Role::Reader)
        .await;
    let client = app.client();
    app.login(&client, "gone", "password-123").await;
    assert_eq!(app.whoami(&client).await.as_deref(), Some("gone"));
    sqlx::query("UPDATE account SET disabled = 1 WHERE id = $1")
        .bind(id)
        .execute(app.db().pool())
        .await
        .unwrap();
    // The live session ends, and signing in again is refused.
    assert_eq!(app.whoami(&client).await, None);
    let res = app.login(&client, "gone", "password-123").await;
    assert_eq!(res.status(), 422);
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(body["Invalid"]["message"], "该账号已被停用，请联系管理员");
    app.stop().await;
}

/// Without WebAssembly the browser posts the form itself (Accept: text/html)
/// and gets a redirect: back to the form with the error, or on to /me.
async fn plain_form_posts_redirect_with_errors(b: Backend) {
    let app = TestApp::spawn(b).await;
    let client = app.client();
    let post = |form: Vec<(&'static str, &'static str)>| {
        let client = client.clone();
        let app = &app;
        async move { app.form_post(&client, "register", "/register", &form).await }
    };
    let bad = post(vec![
        ("username", "ab"),
        ("display_name", "某人"),
        ("password", "password-123"),
        ("password_confirm", "password-123"),
    ])
    .await;
    assert_eq!(bad.status(), 302);
    let location = bad.headers()["location"].to_str().unwrap().to_owned();
    assert!(location.starts_with(&app.url("/register?")), "{location}");
    assert!(location.contains("__err="), "{location}");
    // The page behind that address shows the Chinese message and the typed name.
    let page = app
        .page(&client, location.trim_start_matches(&app.base))
        .await;
    assert!(
        page.contains("用户名至少需要 3 个字符"),
        "error shown on the page"
    );
    assert!(page.contains("value=\"ab\""), "typed user name kept");

    let good = post(vec![
        ("username", "formuser"),
        ("display_name", "表单用户"),
        ("password", "password-123"),
        ("password_confirm", "password-123"),
    ])
    .await;
    assert_eq!(good.status(), 302);
    assert_eq!(good.headers()["location"], "/me");
    let me = app.page(&client, "/me").await;
    assert!(me.contains("表单用户"));
    assert!(me.contains("社会读者"));
    app.stop().await;
}

async fn a_form_posts_success_message_is_shown_once_on_the_next_page(b: Backend) {
    let app = TestApp::spawn(b).await;
    let client = app.client();
    let res = register(&app, &client, "flashreader", "password-123").await;
    assert_eq!(res.status(), 200);
    // Pages are not form answers: loading one carries no message.
    let res = client.get(app.url("/me")).send().await.unwrap();
    assert_eq!(set_cookie_line(res.headers(), "shuxiang_flash"), None);

    // A refused change first: the address the browser was on then carries
    // the error, and the next answer must not repeat it.
    let form = [
        ("current", "wrong-password"),
        ("password", "password-456"),
        ("confirm", "password-456"),
    ];
    let bad = app.form_post(&client, "password", "/me", &form).await;
    let back = bad.headers()["location"].to_str().unwrap().to_owned();
    assert!(back.contains("__err="), "{back}");
    let form = [
        ("current", "password-123"),
        ("password", "password-456"),
        ("confirm", "password-456"),
    ];
    let good = app
        .form_post(
            &client,
            "password",
            back.trim_start_matches(&app.base),
            &form,
        )
        .await;
    assert_eq!(good.status(), 302);
    assert_eq!(
        good.headers()["location"],
        "/me",
        "the old error is dropped"
    );
    let line = set_cookie_line(good.headers(), "shuxiang_flash").expect("message kept");
    assert!(
        line.contains("HttpOnly") && line.contains("SameSite=Strict"),
        "{line}"
    );

    let me = app.page(&client, "/me").await;
    assert!(me.contains("密码已修改"), "the message is shown");
    assert!(!me.contains("现在的密码不正确"), "the old error is not");
    let again = app.page(&client, "/me").await;
    assert!(!again.contains("密码已修改"), "and only once");
    app.stop().await;
}

async fn login_redirects_only_to_this_site(b: Backend) {
    let app = TestApp::spawn(b).await;
    app.store
        .account("nexty", "password-123", Role::Reader)
        .await;
    let client = app.client();
    let go = |next: &'static str| {
        let client = client.clone();
        let app = &app;
        async move {
            let form = [
                ("username", "nexty"),
                ("password", "password-123"),
                ("next", next),
            ];
            app.form_post(&client, "login", "/login", &form).await
        }
    };
    assert_eq!(go("/admin").await.headers()["location"], "/admin");
    assert_eq!(
        go("https://evil.example/").await.headers()["location"],
        "/me"
    );
    assert_eq!(go("//evil.example/").await.headers()["location"], "/me");
    app.stop().await;
}

//! Stopping accounts and one-time password links over HTTP: who may, what
//! happens to the person's sessions, links that work once and expire.

use app::accounts::Role;
use shuxiang_tests::{Backend, TEST_PASSWORD, TestApp, json, on_both_backends, signed_in};

on_both_backends!(
    a_stopped_account_is_signed_out_and_cannot_sign_in,
    a_reset_link_works_once_and_ends_other_sessions,
);

/// Who the client is signed in as (`null` for nobody).
async fn me(app: &TestApp, c: &reqwest::Client) -> serde_json::Value {
    json(app.call(c, "me", &[]).await).await.1
}

async fn a_stopped_account_is_signed_out_and_cannot_sign_in(b: Backend) {
    let app = TestApp::spawn(b).await;
    let boss_id = app
        .store
        .account("boss", TEST_PASSWORD, Role::Organiser)
        .await;
    let reader = app
        .store
        .account("reader", TEST_PASSWORD, Role::Reader)
        .await;
    let boss = signed_in(&app, "boss").await;
    let reader_c = signed_in(&app, "reader").await;
    assert_eq!(me(&app, &reader_c).await["username"], "reader");
    let id = reader.to_string();
    let (status, v) = json(
        app.call(
            &boss,
            "admin/disable",
            &[("account_id", &id), ("disabled", "true")],
        )
        .await,
    )
    .await;
    assert_eq!(status, 200, "{v}");
    assert!(me(&app, &reader_c).await.is_null(), "signed out at once");
    let res = app.login(&app.client(), "reader", TEST_PASSWORD).await;
    assert_ne!(res.status(), 200, "a stopped account cannot sign in");
    let audit: (String, Option<String>, Option<String>) = sqlx::query_as(
        "SELECT action, before_value, after_value FROM audit_log ORDER BY id DESC LIMIT 1",
    )
    .fetch_one(app.db().pool())
    .await
    .unwrap();
    assert_eq!(
        audit,
        (
            "account.disable".into(),
            Some("正常".into()),
            Some("停用".into())
        )
    );
    // Restored, they sign in again.
    let (status, _) = json(
        app.call(
            &boss,
            "admin/disable",
            &[("account_id", &id), ("disabled", "false")],
        )
        .await,
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(
        app.login(&app.client(), "reader", TEST_PASSWORD)
            .await
            .status(),
        200
    );
    // Organisers cannot stop themselves (nor so the last organiser).
    let (status, v) = json(
        app.call(
            &boss,
            "admin/disable",
            &[("account_id", &boss_id.to_string()), ("disabled", "true")],
        )
        .await,
    )
    .await;
    assert_eq!(status, 422, "{v}");
    assert!(v.to_string().contains("不能停用自己的账号"));
    // Nobody else may.
    let other = signed_in(&app, "reader").await;
    let (status, _) = json(
        app.call(
            &other,
            "admin/disable",
            &[("account_id", &boss_id.to_string()), ("disabled", "true")],
        )
        .await,
    )
    .await;
    assert_eq!(status, 403);
    app.stop().await;
}

async fn a_reset_link_works_once_and_ends_other_sessions(b: Backend) {
    let app = TestApp::spawn(b).await;
    app.store
        .account("boss", TEST_PASSWORD, Role::Organiser)
        .await;
    let reader = app
        .store
        .account("reader", TEST_PASSWORD, Role::Reader)
        .await;
    let boss = signed_in(&app, "boss").await;
    let old_session = signed_in(&app, "reader").await;
    // Only organisers make links.
    let (status, _) = json(
        app.call(
            &old_session,
            "admin/reset-link",
            &[("account_id", &reader.to_string())],
        )
        .await,
    )
    .await;
    assert_eq!(status, 403);
    let (status, v) = json(
        app.call(
            &boss,
            "admin/reset-link",
            &[("account_id", &reader.to_string())],
        )
        .await,
    )
    .await;
    assert_eq!(status, 200, "{v}");
    let link = v.as_str().unwrap().to_owned();
    let token = link.strip_prefix("/reset/").expect("a /reset/ link");
    assert_eq!(token.len(), 32);
    // The token is nowhere in the database, not even in the audit log.
    for table in ["password_reset", "audit_log"] {
        let n: i64 = sqlx::query_scalar(&format!(
            "SELECT COUNT(*) FROM {table} WHERE CAST({} AS TEXT) LIKE $1",
            if table == "audit_log" {
                "after_value"
            } else {
                "token_hash"
            }
        ))
        .bind(format!("%{token}%"))
        .fetch_one(app.db().pool())
        .await
        .unwrap();
        assert_eq!(n, 0, "{table}");
    }
    let visitor = app.client();
    let page = app.page(&visitor, &link).await;
    assert!(
        page.contains("为 测试reader 设置新密码"),
        "the page names the account"
    );
    let reset = |password: &'static str, confirm: &'static str| {
        let visitor = visitor.clone();
        let app = &app;
        let token = token.to_owned();
        async move {
            json(
                app.call(
                    &visitor,
                    "reset",
                    &[
                        ("token", &token),
                        ("password", password),
                        ("confirm", confirm),
                    ],
                )
                .await,
            )
            .await
        }
    };
    let (status, v) = reset("short", "short").await;
    assert_eq!(status, 422, "{v}");
    let (status, v) = reset("new-password-1", "new-password-2").await;
    assert_eq!(status, 422);
    assert!(v.to_string().contains("两次输入的密码不一致"));
    let (status, v) = reset("new-password-1", "new-password-1").await;
    assert_eq!(status, 200, "{v}");
    assert!(
        me(&app, &old_session).await.is_null(),
        "other sessions ended"
    );
    assert_eq!(
        app.login(&app.client(), "reader", "new-password-1")
            .await
            .status(),
        200
    );
    assert_ne!(
        app.login(&app.client(), "reader", TEST_PASSWORD)
            .await
            .status(),
        200
    );
    // Used: it works no more.
    let (status, v) = reset("another-pass-1", "another-pass-1").await;
    assert_eq!(status, 422, "{v}");
    assert!(v.to_string().contains("无效或已过期"));
    assert!(app.page(&visitor, &link).await.contains("无效或已过期"));
    // A new link that has expired does not work either.
    let (_, v) = json(
        app.call(
            &boss,
            "admin/reset-link",
            &[("account_id", &reader.to_string())],
        )
        .await,
    )
    .await;
    let expired = v
        .as_str()
        .unwrap()
        .strip_prefix("/reset/")
        .unwrap()
        .to_owned();
    sqlx::query("UPDATE password_reset SET expires_at = 0")
        .execute(app.db().pool())
        .await
        .unwrap();
    let (status, _) = json(
        app.call(
            &visitor,
            "reset",
            &[
                ("token", &expired),
                ("password", "late-pass-123"),
                ("confirm", "late-pass-123"),
            ],
        )
        .await,
    )
    .await;
    assert_eq!(status, 422);
    app.stop().await;
}

//! What the server logs: one structured line per request, and never a
//! password, a session id or the session secret.

use std::io::Write;
use std::sync::{Arc, Mutex};

use shuxiang_tests::{Backend, TestApp, session_cookie};

#[derive(Clone, Default)]
struct Buffer(Arc<Mutex<Vec<u8>>>);

impl Write for Buffer {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> server::telemetry::MakeWriter<'a> for Buffer {
    type Writer = Buffer;
    fn make_writer(&'a self) -> Self::Writer {
        self.clone()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn logs_are_structured_and_hold_no_secrets() {
    let buffer = Buffer::default();
    server::telemetry::init_default_with(true, buffer.clone());

    let app = TestApp::spawn(Backend::Sqlite).await;
    let client = app.bare_client();
    let password = "Zz-unique-password-7781";
    let wrong = "Qq-wrong-password-5512";
    let res = app
        .call(
            &client,
            "register",
            &[
                ("username", "logcheck"),
                ("display_name", "日志"),
                ("password", password),
                ("password_confirm", password),
            ],
        )
        .await;
    assert_eq!(res.status(), 200);
    let first = session_cookie(res.headers()).unwrap();
    app.login(&client, "logcheck", wrong).await;
    let res = app.login(&client, "logcheck", password).await;
    let second = session_cookie(res.headers()).unwrap();
    app.call_as(&second, "logout", &[]).await;
    let secret = app.config.session_secret.expose().to_owned();
    app.stop().await;

    let logs = String::from_utf8(buffer.0.lock().unwrap().clone()).unwrap();
    assert!(!logs.is_empty());
    for (what, needle) in [
        ("password", password),
        ("wrong password", wrong),
        ("first session id", first.as_str()),
        ("second session id", second.as_str()),
        ("session secret", secret.as_str()),
    ] {
        assert!(!logs.contains(needle), "{what} appears in the logs");
    }
    // Session ids are signed cookies; check the raw id part too.
    for cookie in [&first, &second] {
        let raw = cookie.rsplit('=').next().unwrap_or(cookie);
        assert!(raw.len() < 8 || !logs.contains(raw));
    }

    // One JSON line per request with the fields operators need.
    let responses: Vec<serde_json::Value> = logs
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter(|v| v["message"] == "response")
        .collect();
    assert!(responses.len() >= 4, "{logs}");
    let login = responses
        .iter()
        .find(|v| v["span"]["path"] == "/api/login")
        .expect("login request logged");
    assert_eq!(login["span"]["method"], "POST");
    assert!(login["status"].is_u64());
    assert!(login["latency_ms"].is_number());
    assert_eq!(login["span"]["request_id"].as_str().unwrap().len(), 36);
}

/// A one-time password link carries its token in the path: opening it
/// must not write the token to the request log.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reset_tokens_never_reach_the_logs() {
    let buffer = Buffer::default();
    server::telemetry::init_default_with(true, buffer.clone());

    let app = TestApp::spawn(Backend::Sqlite).await;
    let id = app
        .store
        .account(
            "forgetful",
            shuxiang_tests::TEST_PASSWORD,
            app::accounts::Role::Reader,
        )
        .await;
    let token = "ResetTokenThatMustNotBeLogged42";
    let mut tx = app.db().pool().begin().await.unwrap();
    app::admin::access::queries::create_reset(&mut tx, id, id, token, platform::now())
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let page = app.page(&app.client(), &format!("/reset/{token}")).await;
    assert!(page.contains("设置新密码"), "the link works");
    app.stop().await;

    let logs = String::from_utf8(buffer.0.lock().unwrap().clone()).unwrap();
    assert!(logs.contains("/reset/[redacted]"), "{logs}");
    assert!(!logs.contains(token), "the token appears in the logs");
}

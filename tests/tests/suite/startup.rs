//! Start-up rules: demo data, production refusals, the first organiser.

use app::accounts::queries;
use server::{Config, Mode, demo, organiser};
use shuxiang_tests::{Backend, TestApp, TestDb, on_both_backends};

on_both_backends!(
    demo_data_loads_once,
    production_refuses_a_demo_database,
    first_organiser_from_the_command_line,
);

async fn demo_data_loads_once(b: Backend) {
    let t = TestDb::new(b).await;
    assert!(demo::seed(&t.db).await.unwrap());
    assert!(
        !demo::seed(&t.db).await.unwrap(),
        "second run leaves it alone"
    );
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM account")
        .fetch_one(t.db.pool())
        .await
        .unwrap();
    assert_eq!(n, demo::ACCOUNTS.len() as i64);
    let sectors: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM sector")
        .fetch_one(t.db.pool())
        .await
        .unwrap();
    assert_eq!(sectors, demo::SECTORS.len() as i64);
    let roles: Vec<String> = sqlx::query_scalar("SELECT DISTINCT role FROM account ORDER BY role")
        .fetch_all(t.db.pool())
        .await
        .unwrap();
    assert_eq!(
        roles,
        ["lecturer", "member", "organiser", "reader"],
        "one account of each role at least"
    );
    t.drop_db().await;
}

async fn production_refuses_a_demo_database(b: Backend) {
    let t = TestDb::new(b).await;
    demo::seed(&t.db).await.unwrap();
    let mut config = Config::for_tests(&t.url, t.dir());
    config.mode = Mode::Production;
    let err = server::start(&config, std::future::pending())
        .await
        .err()
        .expect("refused");
    assert!(err.to_string().contains("demo data"), "{err}");
    t.drop_db().await;
}

async fn first_organiser_from_the_command_line(b: Backend) {
    let app = TestApp::spawn(b).await;
    let id = organiser::create(app.db(), "Chief", "主任", "a long password".into())
        .await
        .unwrap();
    let user = queries::session_user(app.db().pool(), id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(user.username, "chief");
    assert!(user.is_organiser());
    let err = organiser::create(app.db(), "chief", "又一个", "a long password".into())
        .await
        .unwrap_err();
    assert!(err.to_string().contains("已被使用"), "{err}");
    assert!(
        organiser::create(app.db(), "other", "短", "short".into())
            .await
            .is_err()
    );
    let client = app.client();
    assert_eq!(
        app.login(&client, "chief", "a long password")
            .await
            .status(),
        200
    );
    assert_eq!(app.whoami(&client).await.as_deref(), Some("chief"));
    app.stop().await;
}

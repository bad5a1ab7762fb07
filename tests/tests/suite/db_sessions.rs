//! The session store, on SQLite and on PostgreSQL.

use std::collections::HashMap;
use std::time::Duration;

use server::sessions::{DbSessionStore, count_live};
use shuxiang_tests::{Backend, TestDb, on_both_backends};
use time::OffsetDateTime;
use tower_sessions::session::{Id, Record};
use tower_sessions::session_store::{ExpiredDeletion, SessionStore};

on_both_backends!(
    create_load_save_delete,
    expired_sessions_are_invisible_and_deleted,
    ids_are_not_stored_in_clear,
    saving_never_brings_an_ended_session_back,
    an_unchanged_session_is_saved_without_a_statement,
    a_session_of_several_keys_is_judged_by_value
);

fn record(secs_from_now: i64) -> Record {
    let mut data = HashMap::new();
    data.insert("account_id".to_owned(), serde_json::json!(7));
    Record {
        id: Id::default(),
        data,
        expiry_date: OffsetDateTime::now_utc() + time::Duration::seconds(secs_from_now),
    }
}

async fn create_load_save_delete(b: Backend) {
    let t = TestDb::new(b).await;
    let store = DbSessionStore::new(t.db.clone(), Duration::from_secs(3600));
    let mut r = record(600);
    store.create(&mut r).await.unwrap();
    let loaded = store.load(&r.id).await.unwrap().unwrap();
    assert_eq!(loaded.data.get("account_id"), Some(&serde_json::json!(7)));
    assert_eq!(
        loaded.expiry_date.unix_timestamp(),
        r.expiry_date.unix_timestamp()
    );

    r.data.insert("x".into(), serde_json::json!("值"));
    store.save(&r).await.unwrap();
    assert_eq!(
        store.load(&r.id).await.unwrap().unwrap().data.get("x"),
        Some(&serde_json::json!("值"))
    );

    // An unchanged record whose expiry moved a lot is rewritten.
    r.expiry_date += time::Duration::seconds(1200);
    store.save(&r).await.unwrap();
    assert_eq!(
        store
            .load(&r.id)
            .await
            .unwrap()
            .unwrap()
            .expiry_date
            .unix_timestamp(),
        r.expiry_date.unix_timestamp()
    );

    assert_eq!(count_live(&t.db).await.unwrap(), 1);
    store.delete(&r.id).await.unwrap();
    assert!(store.load(&r.id).await.unwrap().is_none());
    assert_eq!(count_live(&t.db).await.unwrap(), 0);
    t.drop_db().await;
}

async fn expired_sessions_are_invisible_and_deleted(b: Backend) {
    let t = TestDb::new(b).await;
    let store = DbSessionStore::new(t.db.clone(), Duration::from_secs(3600));
    let mut old = record(-10);
    let mut live = record(600);
    store.create(&mut old).await.unwrap();
    store.create(&mut live).await.unwrap();
    assert!(store.load(&old.id).await.unwrap().is_none());
    store.delete_expired().await.unwrap();
    let rows: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM session")
        .fetch_one(t.db.pool())
        .await
        .unwrap();
    assert_eq!(rows, 1);
    assert!(store.load(&live.id).await.unwrap().is_some());
    t.drop_db().await;
}

async fn ids_are_not_stored_in_clear(b: Backend) {
    let t = TestDb::new(b).await;
    let store = DbSessionStore::new(t.db.clone(), Duration::from_secs(3600));
    let mut r = record(600);
    store.create(&mut r).await.unwrap();
    let key: String = sqlx::query_scalar("SELECT id FROM session")
        .fetch_one(t.db.pool())
        .await
        .unwrap();
    assert_ne!(key, r.id.to_string());
    assert_eq!(key.len(), 64, "a SHA-256 in hex");
    t.drop_db().await;
}

/// A request that loaded a session just before it was ended elsewhere
/// (sign-out, password reset) saves it afterwards: the row must stay gone.
async fn saving_never_brings_an_ended_session_back(b: Backend) {
    let t = TestDb::new(b).await;
    let store = DbSessionStore::new(t.db.clone(), Duration::from_secs(3600));
    let mut r = record(600);
    store.create(&mut r).await.unwrap();
    let in_flight = store.load(&r.id).await.unwrap().unwrap();
    store.delete(&r.id).await.unwrap();
    let mut changed = in_flight.clone();
    changed.data.insert("x".into(), serde_json::json!(1));
    changed.expiry_date += time::Duration::seconds(3000);
    store.save(&in_flight).await.unwrap();
    store.save(&changed).await.unwrap();
    assert!(store.load(&r.id).await.unwrap().is_none());
    assert_eq!(count_live(&t.db).await.unwrap(), 0);
    t.drop_db().await;
}

/// A request that changes nothing in its session sends no UPDATE: the
/// store judges by what it read. A row changed behind its back shows it: a
/// save that reached the database would have moved the expiry.
async fn an_unchanged_session_is_saved_without_a_statement(b: Backend) {
    let t = TestDb::new(b).await;
    let store = DbSessionStore::new(t.db.clone(), Duration::from_secs(3600));
    let mut r = record(600);
    store.create(&mut r).await.unwrap();
    store.load(&r.id).await.unwrap().unwrap();
    let stored_expiry = || async {
        sqlx::query_scalar::<_, i64>("SELECT expires_at FROM session")
            .fetch_one(t.db.pool())
            .await
            .unwrap()
    };
    sqlx::query("UPDATE session SET expires_at = expires_at - 300")
        .execute(t.db.pool())
        .await
        .unwrap();
    let behind = stored_expiry().await;
    // The next request moves the deadline by a few seconds only.
    r.expiry_date += time::Duration::seconds(5);
    store.save(&r).await.unwrap();
    assert_eq!(stored_expiry().await, behind, "no statement was sent");
    // New data is written at once, with the new deadline.
    r.data.insert("x".into(), serde_json::json!(1));
    store.save(&r).await.unwrap();
    assert_eq!(stored_expiry().await, r.expiry_date.unix_timestamp());
    // And so is a deadline that moved further than the slack.
    store.load(&r.id).await.unwrap().unwrap();
    r.expiry_date += time::Duration::seconds(120);
    store.save(&r).await.unwrap();
    assert_eq!(stored_expiry().await, r.expiry_date.unix_timestamp());
    t.drop_db().await;
}

/// A signed-in session holds several keys, and a hash map writes them in
/// a different order each time it is serialised: the store must still see
/// that nothing changed, on every one of many requests.
async fn a_session_of_several_keys_is_judged_by_value(b: Backend) {
    let t = TestDb::new(b).await;
    let store = DbSessionStore::new(t.db.clone(), Duration::from_secs(3600));
    let mut r = record(600);
    for (k, v) in [("epoch", 3), ("ends_at", 1_900_000_000), ("a", 1), ("b", 2)] {
        r.data.insert(k.to_owned(), serde_json::json!(v));
    }
    store.create(&mut r).await.unwrap();
    sqlx::query("UPDATE session SET expires_at = expires_at - 30")
        .execute(t.db.pool())
        .await
        .unwrap();
    let behind: i64 = sqlx::query_scalar("SELECT expires_at FROM session")
        .fetch_one(t.db.pool())
        .await
        .unwrap();
    for _ in 0..20 {
        // As a request does: load (a new map), then save it a little later.
        let mut loaded = store.load(&r.id).await.unwrap().unwrap();
        loaded.expiry_date = r.expiry_date + time::Duration::seconds(5);
        store.save(&loaded).await.unwrap();
    }
    let now: i64 = sqlx::query_scalar("SELECT expires_at FROM session")
        .fetch_one(t.db.pool())
        .await
        .unwrap();
    assert_eq!(now, behind, "an unchanged session was written");
    t.drop_db().await;
}

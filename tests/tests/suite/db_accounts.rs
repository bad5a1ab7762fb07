//! Every account query, on SQLite and on PostgreSQL.

use app::accounts::Role;
use app::accounts::queries::throttle;
use app::accounts::queries::{self, RoleChange};
use app::site::queries as site;
use platform::{LoginLimits, is_unique_violation};
use shuxiang_tests::{Backend, TestDb, on_both_backends};

on_both_backends!(
    insert_and_find_credentials,
    duplicate_username_is_a_unique_violation,
    session_user_skips_disabled_accounts,
    list_searches_names_and_escapes_wildcards,
    count_by_role_counts_active_accounts,
    change_role_keeps_one_organiser,
    sector_is_shown_on_the_session_user,
    throttle_counts_failures_per_name_and_address,
    site_settings_upsert,
    audit_log_records_entries,
);

async fn insert_and_find_credentials(b: Backend) {
    let t = TestDb::new(b).await;
    let id = queries::insert(
        t.db.pool(),
        "zhangsan",
        "张三",
        "$argon2id$fake",
        Role::Reader,
        100,
    )
    .await
    .unwrap();
    assert!(id > 0);
    assert!(
        queries::username_taken(t.db.pool(), "zhangsan")
            .await
            .unwrap()
    );
    assert!(!queries::username_taken(t.db.pool(), "lisi").await.unwrap());
    let c = queries::credentials(t.db.pool(), "zhangsan")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(c.id, id);
    assert_eq!(c.password_hash, "$argon2id$fake");
    assert!(!c.disabled);
    assert!(
        queries::credentials(t.db.pool(), "nobody")
            .await
            .unwrap()
            .is_none()
    );
    let u = queries::session_user(t.db.pool(), id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(u.display_name, "张三");
    assert_eq!(u.role, Role::Reader);
    assert_eq!(u.joined_at, 100);
    assert_eq!(u.sector, None);
    t.drop_db().await;
}

async fn duplicate_username_is_a_unique_violation(b: Backend) {
    let t = TestDb::new(b).await;
    queries::insert(t.db.pool(), "wang", "王", "h", Role::Reader, 1)
        .await
        .unwrap();
    let err = queries::insert(t.db.pool(), "wang", "王二", "h", Role::Reader, 2)
        .await
        .unwrap_err();
    assert!(is_unique_violation(&err), "{err}");
    t.drop_db().await;
}

async fn session_user_skips_disabled_accounts(b: Backend) {
    let t = TestDb::new(b).await;
    let id = queries::insert(t.db.pool(), "zhao", "赵", "h", Role::Member, 1)
        .await
        .unwrap();
    sqlx::query("UPDATE account SET disabled = 1 WHERE id = $1")
        .bind(id)
        .execute(t.db.pool())
        .await
        .unwrap();
    assert!(
        queries::session_user(t.db.pool(), id)
            .await
            .unwrap()
            .is_none()
    );
    assert!(
        queries::credentials(t.db.pool(), "zhao")
            .await
            .unwrap()
            .unwrap()
            .disabled
    );
    assert!(
        queries::session_user(t.db.pool(), 999_999)
            .await
            .unwrap()
            .is_none()
    );
    t.drop_db().await;
}

async fn list_searches_names_and_escapes_wildcards(b: Backend) {
    let t = TestDb::new(b).await;
    for (u, d) in [
        ("reader_a", "读者甲"),
        ("readerxb", "读者乙"),
        ("member1", "李委员"),
    ] {
        queries::insert(t.db.pool(), u, d, "h", Role::Reader, 1)
            .await
            .unwrap();
    }
    let all = queries::list(t.db.pool(), "", 10, 0).await.unwrap();
    assert_eq!(all.len(), 3);
    assert_eq!(all[0].username, "member1", "newest first");
    // `_` is literal, not "any character".
    let lit = queries::list(t.db.pool(), "reader_", 10, 0).await.unwrap();
    assert_eq!(
        lit.iter().map(|a| a.username.as_str()).collect::<Vec<_>>(),
        ["reader_a"]
    );
    let zh = queries::list(t.db.pool(), "委员", 10, 0).await.unwrap();
    assert_eq!(zh.len(), 1);
    assert_eq!(
        queries::count_matching(t.db.pool(), "读者").await.unwrap(),
        2
    );
    let page2 = queries::list(t.db.pool(), "", 2, 2).await.unwrap();
    assert_eq!(page2.len(), 1);
    assert_eq!(queries::count_matching(t.db.pool(), "%").await.unwrap(), 0);
    t.drop_db().await;
}

async fn count_by_role_counts_active_accounts(b: Backend) {
    let t = TestDb::new(b).await;
    for (u, r) in [
        ("a1", Role::Reader),
        ("a2", Role::Reader),
        ("m1", Role::Member),
        ("o1", Role::Organiser),
    ] {
        queries::insert(t.db.pool(), u, u, "h", r, 1).await.unwrap();
    }
    sqlx::query("UPDATE account SET disabled = 1 WHERE username = 'a2'")
        .execute(t.db.pool())
        .await
        .unwrap();
    let mut counts = queries::count_by_role(t.db.pool()).await.unwrap();
    counts.sort_by_key(|(r, _)| r.as_str());
    assert_eq!(
        counts,
        vec![(Role::Member, 1), (Role::Organiser, 1), (Role::Reader, 1)]
    );
    t.drop_db().await;
}

async fn change_role_keeps_one_organiser(b: Backend) {
    let t = TestDb::new(b).await;
    let boss = queries::insert(t.db.pool(), "boss", "管理员", "h", Role::Organiser, 1)
        .await
        .unwrap();
    let reader = queries::insert(t.db.pool(), "reader", "读者", "h", Role::Reader, 1)
        .await
        .unwrap();
    let backend = t.db.backend();
    let mut conn = t.db.pool().acquire().await.unwrap();

    assert_eq!(
        queries::change_role(&mut conn, backend, reader, Role::Member)
            .await
            .unwrap(),
        RoleChange::Changed {
            before: Role::Reader
        }
    );
    assert_eq!(
        queries::change_role(&mut conn, backend, reader, Role::Member)
            .await
            .unwrap(),
        RoleChange::Unchanged
    );
    assert_eq!(
        queries::change_role(&mut conn, backend, boss, Role::Reader)
            .await
            .unwrap(),
        RoleChange::LastOrganiser
    );
    assert_eq!(
        queries::role_of_account(&mut *conn, boss).await.unwrap(),
        Some(Role::Organiser)
    );
    assert_eq!(
        queries::change_role(&mut conn, backend, 424_242, Role::Reader)
            .await
            .unwrap(),
        RoleChange::NoSuchAccount
    );
    // With a second organiser, the first may step down.
    queries::change_role(&mut conn, backend, reader, Role::Organiser)
        .await
        .unwrap();
    assert_eq!(
        queries::change_role(&mut conn, backend, boss, Role::Lecturer)
            .await
            .unwrap(),
        RoleChange::Changed {
            before: Role::Organiser
        }
    );
    drop(conn);
    t.drop_db().await;
}

async fn sector_is_shown_on_the_session_user(b: Backend) {
    let t = TestDb::new(b).await;
    let sector: i64 =
        sqlx::query_scalar("INSERT INTO sector (name, position) VALUES ('教育界', 1) RETURNING id")
            .fetch_one(t.db.pool())
            .await
            .unwrap();
    let id = queries::insert(t.db.pool(), "li", "李", "h", Role::Member, 1)
        .await
        .unwrap();
    queries::set_sector(t.db.pool(), id, Some(sector))
        .await
        .unwrap();
    let u = queries::session_user(t.db.pool(), id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(u.sector.as_deref(), Some("教育界"));
    let listed = queries::list(t.db.pool(), "li", 10, 0).await.unwrap();
    assert_eq!(listed[0].sector.as_deref(), Some("教育界"));
    queries::set_sector(t.db.pool(), id, None).await.unwrap();
    assert_eq!(
        queries::session_user(t.db.pool(), id)
            .await
            .unwrap()
            .unwrap()
            .sector,
        None
    );
    t.drop_db().await;
}

async fn throttle_counts_failures_per_name_and_address(b: Backend) {
    let t = TestDb::new(b).await;
    let limits = LoginLimits {
        per_account: 3,
        per_address: 5,
        window_secs: 600,
    };
    let now = 10_000;
    for i in 0..2 {
        throttle::record_failure(t.db.pool(), "zhang", "10.0.0.1", now - 100 + i)
            .await
            .unwrap();
    }
    assert!(
        throttle::check(&t.db, &limits, "zhang", "10.0.0.1", now)
            .await
            .is_ok()
    );
    throttle::record_failure(t.db.pool(), "zhang", "10.0.0.1", now)
        .await
        .unwrap();
    let err = throttle::check(&t.db, &limits, "zhang", "10.0.0.1", now)
        .await
        .unwrap_err();
    // The oldest failure (now-100) leaves the 600 s window in 500 s: 9 minutes.
    assert_eq!(err.to_string(), "登录失败次数过多，请 9 分钟后再试");
    // The lock is per (name, address): the owner elsewhere still signs in,
    // and another name from another address is not affected.
    assert!(
        throttle::check(&t.db, &limits, "zhang", "10.0.0.9", now)
            .await
            .is_ok()
    );
    assert!(
        throttle::check(&t.db, &limits, "li", "10.0.0.9", now)
            .await
            .is_ok()
    );
    // Failures age out of the window.
    assert!(
        throttle::check(&t.db, &limits, "zhang", "10.0.0.1", now + 601)
            .await
            .is_ok()
    );
    // Per address: six failures from one address over several names stop
    // every name there.
    for name in ["a", "b", "c"] {
        throttle::record_failure(t.db.pool(), name, "10.0.0.1", now)
            .await
            .unwrap();
    }
    assert!(
        throttle::check(&t.db, &limits, "fresh", "10.0.0.1", now)
            .await
            .is_err()
    );
    assert!(
        throttle::check(&t.db, &limits, "fresh", "10.0.0.2", now)
            .await
            .is_ok()
    );
    // Signing in forgets that name's failures from that address only.
    throttle::record_failure(t.db.pool(), "zhang", "10.0.0.9", now)
        .await
        .unwrap();
    throttle::clear(t.db.pool(), "zhang", "10.0.0.1")
        .await
        .unwrap();
    assert!(
        throttle::check(&t.db, &limits, "zhang", "10.0.0.1", now)
            .await
            .is_ok()
    );
    assert!(
        throttle::check(&t.db, &limits, "fresh", "10.0.0.1", now)
            .await
            .is_ok()
    );
    assert_eq!(throttle::prune(t.db.pool(), now).await.unwrap(), 4);
    t.drop_db().await;
}

async fn site_settings_upsert(b: Backend) {
    let t = TestDb::new(b).await;
    let info = site::site_info(t.db.pool(), false).await.unwrap();
    assert_eq!(info.brand, "书香政协");
    assert_eq!(info.committee, "");
    site::set(t.db.pool(), site::BRAND, "淄味悦读·书香政协")
        .await
        .unwrap();
    site::set(t.db.pool(), site::COMMITTEE, "某市政协")
        .await
        .unwrap();
    site::set(t.db.pool(), site::COMMITTEE, "淄博市政协")
        .await
        .unwrap();
    let info = site::site_info(t.db.pool(), true).await.unwrap();
    assert_eq!(info.brand, "淄味悦读·书香政协");
    for (name, position) in [("教育界", 2), ("中共界", 1)] {
        sqlx::query("INSERT INTO sector (name, position) VALUES ($1, $2)")
            .bind(name)
            .bind(position)
            .execute(t.db.pool())
            .await
            .unwrap();
    }
    let sectors: Vec<String> = site::sectors(t.db.pool())
        .await
        .unwrap()
        .into_iter()
        .map(|(_, n)| n)
        .collect();
    assert_eq!(sectors, vec!["中共界", "教育界"], "in display order");
    assert_eq!(info.committee, "淄博市政协");
    assert!(info.demo);
    t.drop_db().await;
}

async fn audit_log_records_entries(b: Backend) {
    use platform::audit;
    let t = TestDb::new(b).await;
    let actor = queries::insert(t.db.pool(), "boss", "管理员", "h", Role::Organiser, 1)
        .await
        .unwrap();
    audit::record(
        t.db.pool(),
        audit::Entry {
            actor_id: actor,
            action: app::admin::audit::AuditAction::AccountRole,
            target: "account:7",
            before: Some("reader"),
            after: Some("member"),
            at: 55,
        },
    )
    .await
    .unwrap();
    let row: (i64, String, String, Option<String>, Option<String>, i64) = sqlx::query_as(
        "SELECT actor_id, action, target, before_value, after_value, at FROM audit_log",
    )
    .fetch_one(t.db.pool())
    .await
    .unwrap();
    assert_eq!(
        row,
        (
            actor,
            "account.role".into(),
            "account:7".into(),
            Some("reader".into()),
            Some("member".into()),
            55
        )
    );
    t.drop_db().await;
}

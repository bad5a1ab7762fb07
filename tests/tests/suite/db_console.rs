//! The console's queries on SQLite and PostgreSQL: members' reading records
//! and the audit log with its filters.

use app::accounts::Role;
use app::admin::audit::{self, AuditFilter};
use app::admin::record::queries as records;
use app::groups::GroupRole;
use platform::audit::Entry;
use shuxiang_tests::{Backend, GroupSpec, TestDb, on_both_backends};

on_both_backends!(
    reading_records_count_a_members_period,
    audit_log_filters_both_logs,
    the_last_organiser_is_never_stopped,
);

async fn person(t: &TestDb, name: &str, role: Role) -> i64 {
    app::accounts::queries::insert(t.db.pool(), name, &format!("{name}委员"), "x", role, 1)
        .await
        .unwrap()
}

async fn run(t: &TestDb, sql: &str, binds: &[i64]) {
    let mut q = sqlx::query(sql);
    for b in binds {
        q = q.bind(*b);
    }
    q.execute(t.db.pool()).await.unwrap();
}

async fn reading_records_count_a_members_period(b: Backend) {
    let t = TestDb::new(b).await;
    let m = person(&t, "zhang", Role::Member).await;
    let other = person(&t, "li", Role::Member).await;
    person(&t, "reader", Role::Reader).await;
    let g = t.group(GroupSpec::default()).await;
    t.add_to_group(g, m, GroupRole::Member).await;
    let book = t.book("乡土中国", None).await;
    // In the period [1000, 2000): one of each; before and after it: more.
    for at in [500, 1_500, 2_500] {
        run(&t, "INSERT INTO check_in (group_id, account_id, day, created_at) VALUES ($1, $2, CAST($3 AS TEXT), $3)", &[g, m, at]).await;
        run(&t, "INSERT INTO note (account_id, book_id, visibility, title, body_md, body_html, created_at, updated_at) \
                 VALUES ($1, $2, 'public', '心得', 'b', 'b', $3, $3)", &[m, book, at]).await;
        // A private note is the member's own: neither counted nor listed.
        run(&t, "INSERT INTO note (account_id, book_id, visibility, title, body_md, body_html, created_at, updated_at) \
                 VALUES ($1, $2, 'private', '私人心得', 'b', 'b', $3, $3)", &[m, book, at]).await;
    }
    run(&t, "INSERT INTO reading_progress (account_id, book_id, status, updated_at) VALUES ($1, $2, 'finished', 1200)", &[m, book]).await;
    let th = {
        let mut conn = t.db.pool().acquire().await.unwrap();
        app::threads::queries::create_thread(&mut conn, g, None, m, "第一章", 1_100)
            .await
            .unwrap()
    };
    run(&t, "INSERT INTO post (thread_id, seq, account_id, body_md, body_html, created_at) VALUES ($1, 1, $2, 'x', 'x', 1100)", &[th, m]).await;
    run(&t, "INSERT INTO post (thread_id, seq, account_id, body_md, body_html, created_at, deleted_at) VALUES ($1, 2, $2, 'x', 'x', 1101, 1102)", &[th, m]).await;
    let lecture: i64 = sqlx::query_scalar(
        "INSERT INTO lecture (slug, title, speaker, starts_at, ends_at, state, checkin_key, created_at, updated_at) \
         VALUES ('l', '家风讲座', '讲者', 1000, 1900, 'published', 'k', 1, 1) RETURNING id",
    )
    .fetch_one(t.db.pool())
    .await
    .unwrap();
    let venue: i64 = sqlx::query_scalar("INSERT INTO venue (lecture_id, position, name, seats) VALUES ($1, 0, '主会场', 5) RETURNING id")
        .bind(lecture)
        .fetch_one(t.db.pool())
        .await
        .unwrap();
    run(&t, "INSERT INTO attendance (lecture_id, account_id, venue_id, checked_in_at) VALUES ($1, $2, $3, 1300)", &[lecture, m, venue]).await;
    // Watching it online as well is the same lecture.
    run(&t, "INSERT INTO lecture_viewer (lecture_id, viewer, account_id, first_seen) VALUES ($1, 'v1', $2, 1250)", &[lecture, m]).await;

    let rows = records::members(t.db.pool(), 1_000, 2_000).await.unwrap();
    assert_eq!(rows.len(), 2, "members only, not readers");
    let zhang = rows.iter().find(|r| r.id == m).unwrap();
    assert_eq!(
        (
            zhang.groups,
            zhang.books_finished,
            zhang.check_ins,
            zhang.notes,
            zhang.posts,
            zhang.lectures
        ),
        (1, 1, 1, 1, 1, 1)
    );
    let li = rows.iter().find(|r| r.id == other).unwrap();
    assert_eq!(
        (li.check_ins, li.notes, li.posts, li.lectures),
        (0, 0, 0, 0)
    );
    let rec = records::member(t.db.pool(), m, 1_000, 2_000)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        rec.groups,
        vec![("测试群 test-group".to_owned(), "成员".to_owned())]
    );
    let items: Vec<(i64, &str, &str)> = rec
        .items
        .iter()
        .map(|i| (i.at, i.kind.as_str(), i.text.as_str()))
        .collect();
    assert_eq!(
        items,
        vec![
            (1_500, "打卡", "测试群 test-group"),
            (1_500, "读书心得", "心得"),
            (1_300, "现场听讲座", "家风讲座"),
            (1_250, "线上看讲座", "家风讲座"),
            (1_200, "读完", "乡土中国"),
            (1_100, "讨论发帖", "第一章"),
        ]
    );
    assert!(
        records::member(t.db.pool(), 9_999, 0, 1)
            .await
            .unwrap()
            .is_none()
    );
    t.drop_db().await;
}

async fn audit_log_filters_both_logs(b: Backend) {
    let t = TestDb::new(b).await;
    let boss = person(&t, "boss", Role::Organiser).await;
    let leader = person(&t, "leader", Role::Member).await;
    for (actor, action, at) in [
        (boss, "account.role", 100),
        (boss, "group.create", 200),
        (boss, "lecture.publish", 300),
    ] {
        platform::audit::record(
            t.db.pool(),
            Entry {
                actor_id: actor,
                action: audit::AuditAction::parse(action).expect("a known action"),
                target: "t",
                before: Some("旧"),
                after: Some("新"),
                at,
            },
        )
        .await
        .unwrap();
    }
    run(&t, "INSERT INTO moderation_log (actor_id, action, post_id, note, at) VALUES ($1, 'hide', NULL, '广告', 250)", &[leader]).await;
    let all = AuditFilter::default();
    let window = all.window().unwrap();
    let got = audit::list(t.db.pool(), &all, window, 50, 0).await.unwrap();
    assert_eq!(
        got.iter()
            .map(|e| (e.at, e.action_label.as_str()))
            .collect::<Vec<_>>(),
        vec![
            (300, "发布讲座"),
            (250, "审核：隐藏帖子"),
            (200, "新建读书群"),
            (100, "更改角色")
        ]
    );
    assert_eq!(got[0].actor, "boss委员");
    assert_eq!(
        (got[0].before.as_deref(), got[0].after.as_deref()),
        (Some("旧"), Some("新"))
    );
    assert_eq!(audit::count(t.db.pool(), &all, window).await.unwrap(), 4);
    let by = |actor: &str, kind: &str| AuditFilter {
        actor: actor.into(),
        kind: kind.into(),
        ..AuditFilter::default()
    };
    let f = by("leader", "");
    assert_eq!(
        audit::count(t.db.pool(), &f, f.window().unwrap())
            .await
            .unwrap(),
        1
    );
    let f = by("", "group");
    assert_eq!(
        audit::list(t.db.pool(), &f, f.window().unwrap(), 50, 0)
            .await
            .unwrap()[0]
            .action,
        "group.create"
    );
    // Wildcards in the name are literal; the page limit holds.
    let f = by("%", "");
    assert_eq!(
        audit::count(t.db.pool(), &f, f.window().unwrap())
            .await
            .unwrap(),
        0
    );
    assert_eq!(
        audit::list(t.db.pool(), &all, window, 2, 1)
            .await
            .unwrap()
            .len(),
        2
    );
    assert_eq!(
        audit::list(t.db.pool(), &all, (150, 260), 50, 0)
            .await
            .unwrap()
            .len(),
        2
    );
    t.drop_db().await;
}

async fn the_last_organiser_is_never_stopped(b: Backend) {
    use app::admin::access::queries::{DisableOutcome, set_disabled};
    let t = TestDb::new(b).await;
    let a = person(&t, "a", Role::Organiser).await;
    let b2 = person(&t, "b", Role::Organiser).await;
    let mut conn = t.db.pool().acquire().await.unwrap();
    let backend = t.db.backend();
    let mut set = async |id, disabled| {
        set_disabled(&mut conn, backend, id, disabled)
            .await
            .unwrap()
    };
    assert!(matches!(set(b2, true).await, DisableOutcome::Changed));
    assert!(matches!(set(b2, true).await, DisableOutcome::Unchanged));
    assert!(matches!(set(a, true).await, DisableOutcome::LastOrganiser));
    assert!(matches!(
        set(9_999, true).await,
        DisableOutcome::NoSuchAccount
    ));
    assert!(matches!(set(b2, false).await, DisableOutcome::Changed));
    assert!(matches!(set(a, true).await, DisableOutcome::Changed));
    drop(conn);
    t.drop_db().await;
}

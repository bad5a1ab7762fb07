//! Every group, reading-list and join-request query, on SQLite and PostgreSQL.

use app::accounts::Role;
use app::groups::queries::reading_list::{self as list_queries, ItemFields};
use app::groups::queries::{self, SeatOutcome};
use app::groups::{GroupFilter, GroupKind, GroupRole, GroupStatus, JoinPolicy, Seat};
use shuxiang_tests::{Backend, GroupSpec, TestDb, day, on_both_backends};

on_both_backends!(
    groups_insert_update_find,
    directory_filters_by_theme_kind_sector_status,
    seats_hold_their_quota_and_leaving_frees_one,
    parallel_joins_take_exactly_the_quota,
    staff_roles_use_no_seat_and_one_leader,
    join_requests_pend_then_get_decided,
    reading_list_add_update_move_remove,
    groups_of_an_account_and_of_a_book,
);

async fn groups_insert_update_find(b: Backend) {
    let t = TestDb::new(b).await;
    let id = t
        .group(GroupSpec {
            slug: "alpha",
            ..GroupSpec::default()
        })
        .await;
    let today = day(0);
    let g = queries::by_slug(t.db.pool(), "alpha", &today)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(g.summary.id, id);
    assert_eq!(g.summary.status, GroupStatus::Active);
    assert_eq!(g.invite_token, "token-alpha");
    assert_eq!(g.summary.members, 0);
    let mut fields = app::groups::GroupFields {
        slug: "alpha-2".into(),
        name: "新名字".into(),
        theme: "读懂中国".into(),
        description_md: "**粗**".into(),
        kind: GroupKind::SectorHub,
        sector_id: None,
        committee: "经济委员会".into(),
        starts_on: day(5),
        ends_on: day(40),
        join_policy: JoinPolicy::Approval,
        visibility: app::groups::GroupVisibility::Members,
        member_seats: 3,
        reader_seats: 4,
    };
    assert!(
        queries::update(t.db.pool(), id, &fields, "<p><strong>粗</strong></p>")
            .await
            .unwrap()
    );
    assert!(
        queries::by_slug(t.db.pool(), "alpha", &today)
            .await
            .unwrap()
            .is_none()
    );
    let g = queries::by_slug(t.db.pool(), "alpha-2", &today)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(g.summary.status, GroupStatus::Recruiting);
    assert_eq!(g.summary.kind, GroupKind::SectorHub);
    assert_eq!(g.summary.visibility, app::groups::GroupVisibility::Members);
    assert_eq!(g.description_html, "<p><strong>粗</strong></p>");
    // Slugs are unique.
    t.group(GroupSpec {
        slug: "beta",
        ..GroupSpec::default()
    })
    .await;
    fields.slug = "beta".into();
    let err = queries::update(t.db.pool(), id, &fields, "")
        .await
        .unwrap_err();
    assert!(platform::is_unique_violation(&err));
    assert_eq!(queries::count(t.db.pool()).await.unwrap(), 2);
    assert_eq!(
        queries::ends_on(t.db.pool(), id).await.unwrap(),
        Some(day(40))
    );
    assert_eq!(queries::ends_on(t.db.pool(), 9999).await.unwrap(), None);
    t.drop_db().await;
}

async fn directory_filters_by_theme_kind_sector_status(b: Backend) {
    let t = TestDb::new(b).await;
    t.group(GroupSpec {
        slug: "now-1",
        starts: -5,
        ends: 5,
        ..GroupSpec::default()
    })
    .await;
    t.group(GroupSpec {
        slug: "soon-1",
        starts: 3,
        ends: 30,
        ..GroupSpec::default()
    })
    .await;
    t.group(GroupSpec {
        slug: "past-1",
        starts: -60,
        ends: -3,
        ..GroupSpec::default()
    })
    .await;
    let today = day(0);
    let list = |f: GroupFilter| {
        let t = &t;
        let today = today.clone();
        async move {
            queries::list(t.db.pool(), &f, &today, 50, 0)
                .await
                .unwrap()
                .into_iter()
                .map(|g| g.slug)
                .collect::<Vec<_>>()
        }
    };
    let all = list(GroupFilter::default()).await;
    assert_eq!(all.len(), 3);
    assert_eq!(all.last().unwrap(), "past-1", "ended groups last");
    for (status, slug) in [
        (GroupStatus::Active, "now-1"),
        (GroupStatus::Recruiting, "soon-1"),
        (GroupStatus::Ended, "past-1"),
    ] {
        assert_eq!(
            list(GroupFilter {
                status: Some(status),
                ..Default::default()
            })
            .await,
            vec![slug]
        );
    }
    assert_eq!(
        list(GroupFilter {
            theme: Some("测试主题".into()),
            ..Default::default()
        })
        .await
        .len(),
        3
    );
    assert!(
        list(GroupFilter {
            theme: Some("别的".into()),
            ..Default::default()
        })
        .await
        .is_empty()
    );
    assert_eq!(
        list(GroupFilter {
            kind: Some(GroupKind::ReaderGroup),
            ..Default::default()
        })
        .await
        .len(),
        3
    );
    assert!(
        list(GroupFilter {
            kind: Some(GroupKind::MemberStudio),
            ..Default::default()
        })
        .await
        .is_empty()
    );
    assert!(
        list(GroupFilter {
            sector_id: Some(1),
            ..Default::default()
        })
        .await
        .is_empty()
    );
    assert_eq!(
        queries::themes(t.db.pool()).await.unwrap(),
        vec!["测试主题".to_owned()]
    );
    t.drop_db().await;
}

async fn seats_hold_their_quota_and_leaving_frees_one(b: Backend) {
    let t = TestDb::new(b).await;
    let gid = t
        .group(GroupSpec {
            member_seats: 1,
            reader_seats: 2,
            ..GroupSpec::default()
        })
        .await;
    let mut ids = Vec::new();
    for n in 0..4 {
        ids.push(
            t.account(&format!("r{n}"), "password-123", Role::Reader)
                .await,
        );
    }
    let m = t.account("m0", "password-123", Role::Member).await;
    let join = |id, seat| join(&t.db, gid, id, seat);
    assert_eq!(join(ids[0], Seat::Reader).await, SeatOutcome::Joined);
    assert_eq!(join(ids[0], Seat::Reader).await, SeatOutcome::AlreadyMember);
    assert_eq!(join(ids[1], Seat::Reader).await, SeatOutcome::Joined);
    assert_eq!(join(ids[2], Seat::Reader).await, SeatOutcome::Full);
    assert_eq!(
        join(m, Seat::Member).await,
        SeatOutcome::Joined,
        "member quota is separate"
    );
    let mut conn = t.db.pool().acquire().await.unwrap();
    assert!(
        queries::membership(&mut *conn, gid, ids[2])
            .await
            .unwrap()
            .is_none(),
        "rolled back"
    );
    assert!(queries::leave(&mut conn, gid, ids[0]).await.unwrap());
    assert!(!queries::leave(&mut conn, gid, ids[0]).await.unwrap());
    let g = queries::by_slug(&mut *conn, "test-group", &day(0))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (
            g.summary.reader_taken,
            g.summary.member_taken,
            g.summary.members
        ),
        (1, 1, 2)
    );
    assert_eq!(
        queries::membership(&mut *conn, gid, m).await.unwrap(),
        Some((GroupRole::Member, Seat::Member))
    );
    drop(conn);
    t.drop_db().await;
}

/// Takes a seat in a transaction of its own, rolled back when full.
async fn join(db: &platform::Db, gid: i64, id: i64, seat: Seat) -> SeatOutcome {
    let mut tx = db.pool().begin().await.unwrap();
    let out = queries::take_seat(&mut tx, gid, id, seat, 1).await.unwrap();
    if out == SeatOutcome::Full {
        tx.rollback().await.unwrap();
    } else {
        tx.commit().await.unwrap();
    }
    out
}

/// Many people join at once: exactly the quota gets in.
async fn parallel_joins_take_exactly_the_quota(b: Backend) {
    let t = TestDb::new(b).await;
    let quota = 5;
    let gid = t
        .group(GroupSpec {
            reader_seats: quota,
            ..GroupSpec::default()
        })
        .await;
    let mut ids = Vec::new();
    for n in 0..24 {
        ids.push(
            app::accounts::queries::insert(
                t.db.pool(),
                &format!("p{n}"),
                "并发",
                "h",
                Role::Reader,
                1,
            )
            .await
            .unwrap(),
        );
    }
    let tasks: Vec<_> = ids
        .into_iter()
        .map(|id| {
            let db = t.db.clone();
            tokio::spawn(async move { join(&db, gid, id, Seat::Reader).await })
        })
        .collect();
    let mut joined = 0;
    for task in tasks {
        if task.await.unwrap() == SeatOutcome::Joined {
            joined += 1;
        }
    }
    assert_eq!(joined, quota);
    let members: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM group_member WHERE group_id = $1")
        .bind(gid)
        .fetch_one(t.db.pool())
        .await
        .unwrap();
    assert_eq!(members, quota);
    let taken: i64 = sqlx::query_scalar("SELECT reader_taken FROM reading_group WHERE id = $1")
        .bind(gid)
        .fetch_one(t.db.pool())
        .await
        .unwrap();
    assert_eq!(taken, quota);
    t.drop_db().await;
}

async fn staff_roles_use_no_seat_and_one_leader(b: Backend) {
    let t = TestDb::new(b).await;
    let gid = t
        .group(GroupSpec {
            reader_seats: 1,
            ..GroupSpec::default()
        })
        .await;
    let a = t.account("aa1", "password-123", Role::Reader).await;
    let c = t.account("cc1", "password-123", Role::Reader).await;
    let mut conn = t.db.pool().acquire().await.unwrap();
    queries::take_seat(&mut conn, gid, a, Seat::Reader, 1)
        .await
        .unwrap();
    // A reader on a seat becomes leader: the seat is given back.
    queries::set_role(&mut conn, gid, a, GroupRole::Leader, 2)
        .await
        .unwrap();
    assert_eq!(
        queries::membership(&mut *conn, gid, a).await.unwrap(),
        Some((GroupRole::Leader, Seat::Staff))
    );
    // A new leader replaces the old one, who stays as a member.
    queries::set_role(&mut conn, gid, c, GroupRole::Leader, 3)
        .await
        .unwrap();
    assert_eq!(
        queries::membership(&mut *conn, gid, a)
            .await
            .unwrap()
            .unwrap()
            .0,
        GroupRole::Member
    );
    let members = queries::members(&mut *conn, gid).await.unwrap();
    assert_eq!(members[0].account_id, c, "leader listed first");
    assert_eq!(
        members
            .iter()
            .filter(|m| m.role == GroupRole::Leader)
            .count(),
        1
    );
    let g = queries::by_slug(&mut *conn, "test-group", &day(0))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(g.summary.reader_taken, 0);
    drop(conn);
    t.drop_db().await;
}

async fn join_requests_pend_then_get_decided(b: Backend) {
    let t = TestDb::new(b).await;
    let gid = t
        .group(GroupSpec {
            policy: JoinPolicy::Approval,
            ..GroupSpec::default()
        })
        .await;
    let r = t.account("asker", "password-123", Role::Member).await;
    let leader = t.account("lead", "password-123", Role::Reader).await;
    let first = queries::request_to_join(t.db.pool(), gid, r, "想加入", 10)
        .await
        .unwrap();
    assert!(first.is_some());
    assert!(
        queries::request_to_join(t.db.pool(), gid, r, "再申请", 11)
            .await
            .unwrap()
            .is_none(),
        "one pending at a time"
    );
    assert!(
        queries::has_pending_request(t.db.pool(), gid, r)
            .await
            .unwrap()
    );
    let pending = queries::pending_requests(t.db.pool(), gid).await.unwrap();
    assert_eq!(pending.len(), 1);
    assert_eq!(pending[0].message, "想加入");
    assert_eq!(pending[0].account_role, Role::Member);
    let mut conn = t.db.pool().acquire().await.unwrap();
    let other_group = t
        .group(GroupSpec {
            slug: "other",
            ..GroupSpec::default()
        })
        .await;
    assert_eq!(
        queries::decide_request(
            &mut conn,
            first.unwrap(),
            other_group,
            "accepted",
            Some(leader),
            12
        )
        .await
        .unwrap(),
        None,
        "a request is decided only in its own group"
    );
    assert_eq!(
        queries::decide_request(&mut conn, first.unwrap(), gid, "accepted", Some(leader), 12)
            .await
            .unwrap(),
        Some((r, Role::Member))
    );
    assert_eq!(
        queries::decide_request(&mut conn, first.unwrap(), gid, "declined", Some(leader), 13)
            .await
            .unwrap(),
        None
    );
    drop(conn);
    assert!(
        !queries::has_pending_request(t.db.pool(), gid, r)
            .await
            .unwrap()
    );
    // Withdrawing.
    queries::request_to_join(t.db.pool(), gid, leader, "", 14)
        .await
        .unwrap();
    assert!(
        queries::withdraw_request(t.db.pool(), gid, leader, 15)
            .await
            .unwrap()
    );
    assert!(
        !queries::withdraw_request(t.db.pool(), gid, leader, 16)
            .await
            .unwrap()
    );
    assert!(
        queries::pending_requests(t.db.pool(), gid)
            .await
            .unwrap()
            .is_empty()
    );
    t.drop_db().await;
}

async fn reading_list_add_update_move_remove(b: Backend) {
    let t = TestDb::new(b).await;
    let gid = t.group(GroupSpec::default()).await;
    let b1 = t.book("乡土中国", None).await;
    let b2 = t.book("平凡的世界", None).await;
    let b3 = t.book("三体", Some("9787536692930")).await;
    let mut conn = t.db.pool().acquire().await.unwrap();
    let f = |s: &'static str, e: &'static str| ItemFields {
        starts_on: s,
        ends_on: e,
        guide_md: "导读",
        guide_html: "<p>导读</p>",
    };
    let i1 = list_queries::add(&mut conn, gid, b1, &f("2026-03-01", "2026-03-10"))
        .await
        .unwrap()
        .unwrap();
    let i2 = list_queries::add(&mut conn, gid, b2, &f("2026-03-11", "2026-03-20"))
        .await
        .unwrap()
        .unwrap();
    let i3 = list_queries::add(&mut conn, gid, b3, &f("2026-03-21", "2026-03-30"))
        .await
        .unwrap()
        .unwrap();
    assert!(
        list_queries::add(&mut conn, gid, b1, &f("2026-04-01", "2026-04-02"))
            .await
            .unwrap()
            .is_none(),
        "no duplicates"
    );
    let order = |items: Vec<app::groups::reading_list::ListItem>| {
        items.into_iter().map(|i| i.id).collect::<Vec<_>>()
    };
    assert_eq!(
        order(list_queries::items(&mut *conn, gid).await.unwrap()),
        vec![i1, i2, i3]
    );
    assert!(
        list_queries::move_item(&mut conn, gid, i3, true)
            .await
            .unwrap()
    );
    assert_eq!(
        order(list_queries::items(&mut *conn, gid).await.unwrap()),
        vec![i1, i3, i2]
    );
    assert!(
        !list_queries::move_item(&mut conn, gid, i1, true)
            .await
            .unwrap(),
        "first cannot go up"
    );
    assert!(
        !list_queries::move_item(&mut conn, gid, i2, false)
            .await
            .unwrap(),
        "last cannot go down"
    );
    let g = ItemFields {
        starts_on: "2026-05-01",
        ends_on: "2026-05-09",
        guide_md: "新导读",
        guide_html: "<p>新导读</p>",
    };
    assert!(list_queries::update(&mut *conn, gid, i1, &g).await.unwrap());
    let other = t
        .group(GroupSpec {
            slug: "other",
            ..GroupSpec::default()
        })
        .await;
    assert!(
        !list_queries::update(&mut *conn, other, i1, &g)
            .await
            .unwrap(),
        "only within its group"
    );
    assert!(!list_queries::remove(&mut *conn, other, i1).await.unwrap());
    let items = list_queries::items(&mut *conn, gid).await.unwrap();
    assert_eq!(items[0].guide_html, "<p>新导读</p>");
    assert_eq!(items[0].title, "乡土中国");
    assert!(items[0].is_current("2026-05-05"));
    assert!(list_queries::remove(&mut *conn, gid, i3).await.unwrap());
    assert_eq!(
        order(list_queries::items(&mut *conn, gid).await.unwrap()),
        vec![i1, i2]
    );
    drop(conn);
    t.drop_db().await;
}

async fn groups_of_an_account_and_of_a_book(b: Backend) {
    let t = TestDb::new(b).await;
    let g1 = t
        .group(GroupSpec {
            slug: "g-one",
            ..GroupSpec::default()
        })
        .await;
    t.group(GroupSpec {
        slug: "g-two",
        ..GroupSpec::default()
    })
    .await;
    let a = t.account("reader1", "password-123", Role::Reader).await;
    t.add_to_group(g1, a, GroupRole::Guide).await;
    let mine = queries::of_account(t.db.pool(), a, &day(0)).await.unwrap();
    assert_eq!(mine.len(), 1);
    assert_eq!(
        (mine[0].0.slug.as_str(), mine[0].1),
        ("g-one", GroupRole::Guide)
    );
    let book = t.book("论语", None).await;
    let mut conn = t.db.pool().acquire().await.unwrap();
    let f = ItemFields {
        starts_on: "2026-01-01",
        ends_on: "2026-01-31",
        guide_md: "",
        guide_html: "",
    };
    list_queries::add(&mut conn, g1, book, &f).await.unwrap();
    drop(conn);
    let reading = queries::reading_book(t.db.pool(), book, &day(0))
        .await
        .unwrap();
    assert_eq!(
        reading.iter().map(|g| g.slug.as_str()).collect::<Vec<_>>(),
        vec!["g-one"]
    );
    t.drop_db().await;
}

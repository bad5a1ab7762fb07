//! Every query of the lecture hall (sessions, venues, streams, registration
//! with waiting lists, check-in, audience, live questions), on SQLite and
//! PostgreSQL.

use std::sync::Arc;
use std::time::Duration;

use app::accounts::Role;
use app::lectures::queries::questions::{self, Mark, PER_MINUTE};
use app::lectures::queries::registration::{self, Outcome};
use app::lectures::queries::{self, DraftsOf, VenueConflict, audience, checkin};
use app::lectures::{
    Audience, LectureFields, LectureState, Phase, RegistrationStatus, VenueFields, VenueView,
};
use shuxiang_tests::{Backend, GroupSpec, TestDb, on_both_backends};

on_both_backends!(
    insert_and_read_back_by_slug_and_id,
    phase_follows_the_clock_and_the_state,
    list_shows_drafts_only_to_whom_may_see_them_and_filters_series,
    upcoming_recently_changed_and_series,
    update_saves_fields_and_renumbers_venues_keeping_ids,
    venue_conflicts_refuse_the_edit,
    streams_are_replaced_in_order,
    state_followup_thread_and_views,
    register_confirms_then_queues_with_places,
    moving_venue_frees_the_old_seat_for_the_next_waiting,
    cancel_promotes_the_oldest_waiting,
    promote_fills_added_seats_oldest_first,
    online_registration_takes_no_seat,
    parallel_registrations_never_overbook,
    parallel_cancels_promote_exactly_as_many_as_freed,
    one_person_registering_many_times_at_once_takes_one_seat,
    mine_and_of_account,
    checkin_records_once_per_person,
    record_viewer_ties_a_browser_to_its_account,
    viewers_are_added_in_batches_within_the_address_cap,
    audience_counts_each_person_once,
    ask_is_limited_per_minute,
    parallel_questions_respect_the_limit,
    votes_toggle_on_and_off,
    questions_list_in_page_order_with_marks,
);

/// Races between transactions on PostgreSQL, each made deterministic
/// by holding one transaction open until the other waits on its lock. On
/// SQLite a writing transaction holds the single write lock until it ends.
mod races {
    use super::*;

    on_both_backends!(
        cancel_racing_its_own_promotion_frees_the_seat,
        promotion_racing_a_move_keeps_the_seat_at_its_venue,
        lowering_seats_while_someone_registers_never_overbooks,
        simultaneous_votes_are_all_counted,
    );
}

/// A start time: 2027-01-15 08:00 UTC.
const T0: i64 = 1_800_000_000;
const HOUR: i64 = 3600;
const DAY: i64 = 86_400;
/// "Now" for the writes: ten days before `T0`.
const EARLY: i64 = T0 - 10 * DAY;

/// An account without the (slow) password hash; display name "测试<name>".
async fn acct(t: &TestDb, name: &str) -> i64 {
    acct_role(t, name, Role::Reader).await
}

async fn acct_role(t: &TestDb, name: &str, role: Role) -> i64 {
    app::accounts::queries::insert(
        t.db.pool(),
        name,
        &format!("测试{name}"),
        "not-a-hash",
        role,
        1,
    )
    .await
    .expect("insert account")
}

async fn accounts(t: &TestDb, prefix: &str, n: usize) -> Vec<i64> {
    let mut ids = Vec::with_capacity(n);
    for i in 0..n {
        ids.push(acct(t, &format!("{prefix}{i}")).await);
    }
    ids
}

fn venue(name: &str, seats: i64) -> VenueFields {
    VenueFields {
        id: None,
        name: name.to_owned(),
        address: format!("{name}的地址"),
        seats,
    }
}

/// A session of two hours from `starts_at`, with the given venues.
fn fields(slug: &str, starts_at: i64, venues: Vec<VenueFields>) -> LectureFields {
    LectureFields {
        slug: slug.to_owned(),
        title: format!("讲座 {slug}"),
        series: String::new(),
        speaker: "张三".to_owned(),
        speaker_bio: String::new(),
        abstract_md: "摘要".to_owned(),
        starts_at,
        ends_at: starts_at + 2 * HOUR,
        venues,
        streams: Vec::new(),
        replay_url: String::new(),
        group_id: None,
        book_id: None,
    }
}

async fn create_at(
    t: &TestDb,
    f: &LectureFields,
    state: LectureState,
    owner: i64,
    now: i64,
) -> i64 {
    let mut tx = t.db.pool().begin().await.unwrap();
    let id = queries::insert(&mut tx, f, "<p>摘要</p>", state, owner, "key", now)
        .await
        .expect("insert lecture");
    tx.commit().await.unwrap();
    id
}

async fn create(t: &TestDb, f: &LectureFields, state: LectureState, owner: i64) -> i64 {
    create_at(t, f, state, owner, EARLY).await
}

/// A published session with one venue of `seats`; `(lecture, venue)`.
async fn session_with_seats(t: &TestDb, owner: i64, seats: i64) -> (i64, i64) {
    let id = create(
        t,
        &fields("hall", T0, vec![venue("主会场", seats)]),
        LectureState::Published,
        owner,
    )
    .await;
    let v = venues(t, id).await[0].id;
    (id, v)
}

async fn update(t: &TestDb, id: i64, f: &LectureFields, now: i64) -> Result<(), VenueConflict> {
    let mut tx = t.db.pool().begin().await.unwrap();
    let r = queries::update(&mut tx, id, f, "<p>新摘要</p>", now)
        .await
        .expect("update");
    if r.is_ok() {
        tx.commit().await.unwrap();
    } else {
        // As the server does: a conflict leaves everything as it was.
        tx.rollback().await.unwrap();
    }
    r
}

async fn venues(t: &TestDb, lecture: i64) -> Vec<VenueView> {
    queries::venues(t.db.pool(), lecture).await.unwrap()
}

/// The form's venue rows for the session's venues as they are.
async fn venue_rows(t: &TestDb, lecture: i64) -> Vec<VenueFields> {
    venues(t, lecture)
        .await
        .into_iter()
        .map(|v| VenueFields {
            id: Some(v.id),
            name: v.name,
            address: v.address,
            seats: v.seats,
        })
        .collect()
}

async fn register(t: &TestDb, lecture: i64, who: i64, venue: Option<i64>, now: i64) -> Outcome {
    let mut tx = t.db.pool().begin().await.unwrap();
    let o = registration::register(&mut tx, lecture, who, venue, now)
        .await
        .expect("register");
    tx.commit().await.unwrap();
    o
}

async fn cancel(t: &TestDb, lecture: i64, who: i64, now: i64) -> bool {
    let mut tx = t.db.pool().begin().await.unwrap();
    let done = registration::cancel(&mut tx, lecture, who, now)
        .await
        .expect("cancel");
    tx.commit().await.unwrap();
    done
}

/// `(venue, status)` of someone's registration row, cancelled ones included.
async fn row(t: &TestDb, lecture: i64, who: i64) -> Option<(Option<i64>, String)> {
    sqlx::query_as::<_, (Option<i64>, String)>(
        "SELECT venue_id, status FROM registration WHERE lecture_id = $1 AND account_id = $2",
    )
    .bind(lecture)
    .bind(who)
    .fetch_optional(t.db.pool())
    .await
    .unwrap()
}

async fn status(t: &TestDb, lecture: i64, who: i64) -> Option<RegistrationStatus> {
    registration::mine(t.db.pool(), lecture, who)
        .await
        .unwrap()
        .map(|m| m.status)
}

async fn place(t: &TestDb, lecture: i64, who: i64) -> Option<i64> {
    registration::mine(t.db.pool(), lecture, who)
        .await
        .unwrap()
        .and_then(|m| m.waiting_place)
}

async fn count_status(t: &TestDb, venue: i64, status: &str) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM registration WHERE venue_id = $1 AND status = $2")
        .bind(venue)
        .bind(status)
        .fetch_one(t.db.pool())
        .await
        .unwrap()
}

/// Every venue of the session: never more taken than seats, and `taken`
/// is exactly the confirmed registrations there.
async fn assert_seats_consistent(t: &TestDb, lecture: i64) {
    for v in venues(t, lecture).await {
        let confirmed = count_status(t, v.id, "confirmed").await;
        assert!(
            v.taken <= v.seats,
            "{}: {} taken of {} seats",
            v.name,
            v.taken,
            v.seats
        );
        assert_eq!(
            v.taken, confirmed,
            "{}: taken must equal its confirmed registrations",
            v.name
        );
        assert_eq!(v.waiting, count_status(t, v.id, "waiting").await);
    }
}

async fn insert_and_read_back_by_slug_and_id(b: Backend) {
    let t = TestDb::new(b).await;
    let owner = acct_role(&t, "lecturer", Role::Lecturer).await;
    let gid = t.group(GroupSpec::default()).await;
    let book = t.book("论语", None).await;
    let mut f = fields(
        "lunyu",
        T0,
        vec![venue("政协会议中心", 100), venue("图书馆分会场", 30)],
    );
    f.title = "读书，明理——政协委员谈《论语》".into();
    f.series = "经典导读".into();
    f.speaker_bio = "政协委员".into();
    f.abstract_md = "**摘要**".into();
    f.replay_url = "https://video.example/replay".into();
    f.streams = vec![
        "https://live.example/a.m3u8".into(),
        "https://live.example/b".into(),
    ];
    f.group_id = Some(gid);
    f.book_id = Some(book);
    let mut tx = t.db.pool().begin().await.unwrap();
    let id = queries::insert(
        &mut tx,
        &f,
        "<p><strong>摘要</strong></p>",
        LectureState::Published,
        owner,
        "secret-key",
        EARLY,
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();

    let rec = queries::by_slug(t.db.pool(), "lunyu", EARLY)
        .await
        .unwrap()
        .expect("found by slug");
    let s = &rec.summary;
    assert_eq!(s.id, id);
    assert_eq!(s.slug, "lunyu");
    assert_eq!(s.title, f.title);
    assert_eq!(s.series, "经典导读");
    assert_eq!(s.speaker, "张三");
    assert_eq!((s.starts_at, s.ends_at), (T0, T0 + 2 * HOUR));
    assert_eq!(s.state, LectureState::Published);
    assert_eq!(s.phase, Phase::Upcoming);
    assert_eq!(s.cover_id, None);
    assert!(s.has_replay);
    assert_eq!(s.main_venue.as_deref(), Some("政协会议中心"));
    assert_eq!(s.path(), "/lectures/lunyu");
    assert_eq!(rec.speaker_bio, "政协委员");
    assert_eq!(rec.abstract_md, "**摘要**");
    assert_eq!(rec.abstract_html, "<p><strong>摘要</strong></p>");
    assert_eq!(rec.replay_url, "https://video.example/replay");
    assert_eq!(rec.group_id, Some(gid));
    assert_eq!(rec.book_id, Some(book));
    assert_eq!(rec.owner_id, Some(owner));
    assert_eq!(rec.views, 0);
    assert_eq!(rec.checkin_key, "secret-key");
    assert_eq!(rec.followup_thread_id, None);
    assert_eq!(rec.updated_at, EARLY);

    let by_id = queries::by_id(t.db.pool(), id, EARLY)
        .await
        .unwrap()
        .expect("found by id");
    assert_eq!(by_id.summary, rec.summary);
    assert_eq!(by_id.checkin_key, rec.checkin_key);
    assert!(
        queries::by_slug(t.db.pool(), "nope", EARLY)
            .await
            .unwrap()
            .is_none()
    );
    assert!(
        queries::by_id(t.db.pool(), id + 100, EARLY)
            .await
            .unwrap()
            .is_none()
    );

    let vs = venues(&t, id).await;
    assert_eq!(vs.len(), 2);
    assert_eq!(
        (vs[0].position, vs[0].name.as_str(), vs[0].seats),
        (0, "政协会议中心", 100)
    );
    assert_eq!(
        (vs[1].position, vs[1].name.as_str(), vs[1].seats),
        (1, "图书馆分会场", 30)
    );
    assert_eq!(vs[1].address, "图书馆分会场的地址");
    assert!(vs[0].is_main() && !vs[1].is_main());
    assert!(vs.iter().all(|v| v.taken == 0 && v.waiting == 0));
    assert_eq!(queries::streams(t.db.pool(), id).await.unwrap(), f.streams);

    assert!(
        queries::slug_taken(t.db.pool(), "lunyu", None)
            .await
            .unwrap()
    );
    assert!(
        !queries::slug_taken(t.db.pool(), "lunyu", Some(id))
            .await
            .unwrap()
    );
    assert!(
        !queries::slug_taken(t.db.pool(), "other", None)
            .await
            .unwrap()
    );

    // The slug is unique.
    let mut tx = t.db.pool().begin().await.unwrap();
    let dup = queries::insert(
        &mut tx,
        &fields("lunyu", T0, vec![]),
        "",
        LectureState::Draft,
        owner,
        "k",
        EARLY,
    )
    .await
    .expect_err("duplicate slug");
    assert!(platform::is_unique_violation(&dup), "{dup:?}");
    drop(tx);

    // A session without venues has no main venue.
    let bare = create(
        &t,
        &fields("bare", T0, vec![]),
        LectureState::Published,
        owner,
    )
    .await;
    let rec = queries::by_id(t.db.pool(), bare, EARLY)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(rec.summary.main_venue, None);
    assert!(!rec.summary.has_replay);
    assert!(venues(&t, bare).await.is_empty());
    t.drop_db().await;
}

async fn phase_follows_the_clock_and_the_state(b: Backend) {
    let t = TestDb::new(b).await;
    let owner = acct(&t, "owner").await;
    let id = create(&t, &fields("p", T0, vec![]), LectureState::Published, owner).await;
    let phase = |now: i64| {
        let pool = t.db.pool().clone();
        async move {
            queries::by_id(&pool, id, now)
                .await
                .unwrap()
                .unwrap()
                .summary
                .phase
        }
    };
    assert_eq!(phase(T0 - 1).await, Phase::Upcoming);
    assert_eq!(phase(T0).await, Phase::Live);
    assert_eq!(phase(T0 + 2 * HOUR - 1).await, Phase::Live);
    assert_eq!(phase(T0 + 2 * HOUR).await, Phase::Ended);
    assert!(
        queries::set_state(t.db.pool(), id, LectureState::Cancelled, EARLY + 5)
            .await
            .unwrap()
    );
    assert_eq!(phase(T0).await, Phase::Cancelled);
    assert_eq!(phase(T0 - 1).await, Phase::Cancelled);
    queries::set_state(t.db.pool(), id, LectureState::Draft, EARLY + 6)
        .await
        .unwrap();
    assert_eq!(phase(T0).await, Phase::Draft);
    assert_eq!(phase(T0 + 3 * HOUR).await, Phase::Draft);
    t.drop_db().await;
}

async fn list_shows_drafts_only_to_whom_may_see_them_and_filters_series(b: Backend) {
    let t = TestDb::new(b).await;
    let alice = acct_role(&t, "alice", Role::Lecturer).await;
    let bob = acct_role(&t, "bob", Role::Lecturer).await;
    let mk = |slug: &str, day: i64, series: &str| {
        let mut f = fields(slug, T0 + day * DAY, vec![venue(&format!("{slug}厅"), 5)]);
        f.series = series.to_owned();
        f
    };
    let past = create(&t, &mk("past", -20, "经典"), LectureState::Published, alice).await;
    let plain = create(&t, &mk("plain", 1, ""), LectureState::Published, bob).await;
    let draft_a = create(&t, &mk("draft-a", 2, "经典"), LectureState::Draft, alice).await;
    let draft_b = create(&t, &mk("draft-b", 3, ""), LectureState::Draft, bob).await;
    let cancelled = create(
        &t,
        &mk("cancelled", 4, "经典"),
        LectureState::Cancelled,
        bob,
    )
    .await;
    // Same start as `plain`: the later id comes first.
    let twin = create(&t, &mk("twin", 1, "诗词"), LectureState::Published, bob).await;

    let ids = |drafts: DraftsOf, series: Option<&'static str>, limit: i64| {
        let pool = t.db.pool().clone();
        async move {
            queries::list(&pool, series, drafts, EARLY, limit)
                .await
                .unwrap()
                .into_iter()
                .map(|s| s.id)
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(
        ids(DraftsOf::Nobody, None, 50).await,
        [cancelled, twin, plain, past]
    );
    assert_eq!(
        ids(DraftsOf::Owner(alice), None, 50).await,
        [cancelled, draft_a, twin, plain, past]
    );
    assert_eq!(
        ids(DraftsOf::Owner(bob), None, 50).await,
        [cancelled, draft_b, twin, plain, past]
    );
    assert_eq!(
        ids(DraftsOf::Everyone, None, 50).await,
        [cancelled, draft_b, draft_a, twin, plain, past]
    );
    assert_eq!(
        ids(DraftsOf::Nobody, Some("经典"), 50).await,
        [cancelled, past]
    );
    assert_eq!(
        ids(DraftsOf::Everyone, Some("经典"), 50).await,
        [cancelled, draft_a, past]
    );
    assert_eq!(ids(DraftsOf::Nobody, Some("诗词"), 50).await, [twin]);
    assert!(ids(DraftsOf::Everyone, Some("没有"), 50).await.is_empty());
    assert_eq!(ids(DraftsOf::Everyone, None, 2).await, [cancelled, draft_b]);

    // Phases are those of the `now` given; the main venue is listed.
    let all = queries::list(t.db.pool(), None, DraftsOf::Everyone, T0 + DAY + HOUR, 50)
        .await
        .unwrap();
    let phase = |id: i64| all.iter().find(|s| s.id == id).unwrap().phase;
    assert_eq!(phase(past), Phase::Ended);
    assert_eq!(phase(plain), Phase::Live);
    assert_eq!(phase(draft_a), Phase::Draft);
    assert_eq!(phase(cancelled), Phase::Cancelled);
    let s = all.iter().find(|s| s.id == twin).unwrap();
    assert_eq!(s.main_venue.as_deref(), Some("twin厅"));
    assert_eq!(s.series, "诗词");
    t.drop_db().await;
}

async fn upcoming_recently_changed_and_series(b: Backend) {
    let t = TestDb::new(b).await;
    let owner = acct(&t, "owner").await;
    let mk = |slug: &str, day: i64, series: &str| {
        let mut f = fields(slug, T0 + day * DAY, vec![]);
        f.series = series.to_owned();
        f
    };
    let ended = create_at(
        &t,
        &mk("ended", -1, "classics-经典"),
        LectureState::Published,
        owner,
        10,
    )
    .await;
    let live = create_at(&t, &mk("live", 0, ""), LectureState::Published, owner, 20).await;
    let soon = create_at(
        &t,
        &mk("soon", 1, "poetry-诗词"),
        LectureState::Published,
        owner,
        30,
    )
    .await;
    let later = create_at(
        &t,
        &mk("later", 5, "classics-经典"),
        LectureState::Published,
        owner,
        40,
    )
    .await;
    let draft = create_at(
        &t,
        &mk("draft", 2, "drafts-草稿"),
        LectureState::Draft,
        owner,
        50,
    )
    .await;
    let gone = create_at(
        &t,
        &mk("gone", 3, "cancelled-取消"),
        LectureState::Cancelled,
        owner,
        60,
    )
    .await;
    let now = T0 + HOUR; // `live` is on

    let up: Vec<i64> = queries::upcoming(t.db.pool(), now, 50)
        .await
        .unwrap()
        .iter()
        .map(|r| r.summary.id)
        .collect();
    assert_eq!(up, [live, soon, later]);
    let first = &queries::upcoming(t.db.pool(), now, 1).await.unwrap()[0];
    assert_eq!(first.summary.id, live);
    assert_eq!(first.summary.phase, Phase::Live);
    assert_eq!(first.checkin_key, "key");
    // A session is upcoming until its very end.
    let up: Vec<i64> = queries::upcoming(t.db.pool(), T0 + 2 * HOUR - 1, 50)
        .await
        .unwrap()
        .iter()
        .map(|r| r.summary.id)
        .collect();
    assert_eq!(up, [live, soon, later]);
    let up = queries::upcoming(t.db.pool(), T0 + 2 * HOUR, 50)
        .await
        .unwrap();
    assert_eq!(up[0].summary.id, soon);

    let changed = |limit: i64| {
        let pool = t.db.pool().clone();
        async move {
            queries::recently_changed(&pool, now, limit)
                .await
                .unwrap()
                .iter()
                .map(|r| r.summary.id)
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(changed(50).await, [gone, later, soon, live, ended]);
    // A change (here: of state) moves a session to the top.
    queries::set_state(t.db.pool(), ended, LectureState::Published, 100)
        .await
        .unwrap();
    assert_eq!(changed(2).await, [ended, gone]);
    // Publishing a draft makes it appear.
    queries::set_state(t.db.pool(), draft, LectureState::Published, 200)
        .await
        .unwrap();
    assert_eq!(changed(1).await, [draft]);

    // Distinct, sorted, no empty name, no draft's; cancelled ones count.
    // (ASCII first so that the order is the same under any collation.)
    assert_eq!(
        queries::series(t.db.pool()).await.unwrap(),
        [
            "cancelled-取消",
            "classics-经典",
            "drafts-草稿",
            "poetry-诗词"
        ]
    );
    queries::set_state(t.db.pool(), draft, LectureState::Draft, 300)
        .await
        .unwrap();
    assert_eq!(
        queries::series(t.db.pool()).await.unwrap(),
        ["cancelled-取消", "classics-经典", "poetry-诗词"]
    );
    t.drop_db().await;
}

async fn update_saves_fields_and_renumbers_venues_keeping_ids(b: Backend) {
    let t = TestDb::new(b).await;
    let owner = acct(&t, "owner").await;
    let p = acct(&t, "p").await;
    let id = create(
        &t,
        &fields(
            "old",
            T0,
            vec![venue("甲", 10), venue("乙", 5), venue("丙", 3)],
        ),
        LectureState::Published,
        owner,
    )
    .await;
    let before = venues(&t, id).await;
    let (a, b_, c) = (before[0].id, before[1].id, before[2].id);
    assert_eq!(
        register(&t, id, p, Some(b_), EARLY).await,
        Outcome::Confirmed
    );

    let mut f = fields(
        "new-slug",
        T0 + DAY,
        vec![
            VenueFields {
                id: Some(c),
                name: "丙（主）".into(),
                address: "新地址".into(),
                seats: 4,
            },
            venue("丁", 7),
            VenueFields {
                id: Some(b_),
                name: "乙".into(),
                address: "乙的地址".into(),
                seats: 8,
            },
        ],
    );
    f.title = "新标题".into();
    f.series = "新系列".into();
    f.speaker = "李四".into();
    f.speaker_bio = "新简介".into();
    f.abstract_md = "新摘要".into();
    f.replay_url = "https://video.example/r".into();
    assert_eq!(update(&t, id, &f, EARLY + 50).await, Ok(()));

    let after = venues(&t, id).await;
    let summary: Vec<(i64, &str, i64, i64)> = after
        .iter()
        .map(|v| (v.position, v.name.as_str(), v.seats, v.taken))
        .collect();
    assert_eq!(
        summary,
        [(0, "丙（主）", 4, 0), (1, "丁", 7, 0), (2, "乙", 8, 1)]
    );
    assert_eq!(after[0].id, c, "kept venues keep their id");
    assert_eq!(after[2].id, b_);
    assert!(![a, b_, c].contains(&after[1].id), "a new venue");
    assert_eq!(after[0].address, "新地址");
    assert!(
        !after.iter().any(|v| v.id == a),
        "the left-out venue is removed"
    );
    // The registration still holds its seat at 乙.
    assert_eq!(row(&t, id, p).await, Some((Some(b_), "confirmed".into())));
    assert_seats_consistent(&t, id).await;

    let rec = queries::by_id(t.db.pool(), id, EARLY + 60)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(rec.summary.slug, "new-slug");
    assert_eq!(rec.summary.title, "新标题");
    assert_eq!(rec.summary.series, "新系列");
    assert_eq!(rec.summary.speaker, "李四");
    assert_eq!(rec.summary.starts_at, T0 + DAY);
    assert_eq!(rec.summary.main_venue.as_deref(), Some("丙（主）"));
    assert_eq!(rec.speaker_bio, "新简介");
    assert_eq!(rec.abstract_md, "新摘要");
    assert_eq!(rec.abstract_html, "<p>新摘要</p>");
    assert_eq!(rec.replay_url, "https://video.example/r");
    assert_eq!(rec.updated_at, EARLY + 50);
    // Not changed by an edit: state, owner, key.
    assert_eq!(rec.summary.state, LectureState::Published);
    assert_eq!(rec.owner_id, Some(owner));
    assert_eq!(rec.checkin_key, "key");
    assert!(
        queries::by_slug(t.db.pool(), "old", EARLY)
            .await
            .unwrap()
            .is_none()
    );

    // Reversing the order back and forth keeps positions unique.
    let mut rows = venue_rows(&t, id).await;
    rows.reverse();
    f.venues = rows;
    assert_eq!(update(&t, id, &f, EARLY + 70).await, Ok(()));
    let names: Vec<String> = venues(&t, id).await.into_iter().map(|v| v.name).collect();
    assert_eq!(names, ["乙", "丁", "丙（主）"]);
    // Another session's venue id is not taken over: it is a new venue.
    let other = create(
        &t,
        &fields("other", T0, vec![venue("别处", 9)]),
        LectureState::Published,
        owner,
    )
    .await;
    let foreign = venues(&t, other).await[0].id;
    let mut rows = venue_rows(&t, id).await;
    rows.push(VenueFields {
        id: Some(foreign),
        name: "借来的".into(),
        address: String::new(),
        seats: 2,
    });
    f.venues = rows;
    assert_eq!(update(&t, id, &f, EARLY + 80).await, Ok(()));
    let mine = venues(&t, id).await;
    assert_eq!(mine.len(), 4);
    assert_ne!(mine[3].id, foreign);
    let theirs = venues(&t, other).await;
    assert_eq!((theirs[0].id, theirs[0].name.as_str()), (foreign, "别处"));
    t.drop_db().await;
}

async fn venue_conflicts_refuse_the_edit(b: Backend) {
    let t = TestDb::new(b).await;
    let owner = acct(&t, "owner").await;
    let ps = accounts(&t, "p", 5).await;
    let id = create(
        &t,
        &fields(
            "c",
            T0,
            vec![
                venue("甲", 3),
                venue("乙", 1),
                venue("丙", 5),
                venue("丁", 0),
            ],
        ),
        LectureState::Published,
        owner,
    )
    .await;
    let vs = venues(&t, id).await;
    let (a, b_, c, d) = (vs[0].id, vs[1].id, vs[2].id, vs[3].id);
    assert_eq!(
        register(&t, id, ps[0], Some(a), EARLY).await,
        Outcome::Confirmed
    );
    assert_eq!(
        register(&t, id, ps[1], Some(a), EARLY).await,
        Outcome::Confirmed
    );
    assert_eq!(
        register(&t, id, ps[2], Some(b_), EARLY).await,
        Outcome::Confirmed
    );
    // 丁 has no seats: everyone waits.
    assert_eq!(
        register(&t, id, ps[3], Some(d), EARLY).await,
        Outcome::Waiting(1)
    );
    // 丙 only has a cancelled registration.
    assert_eq!(
        register(&t, id, ps[4], Some(c), EARLY).await,
        Outcome::Confirmed
    );
    assert!(cancel(&t, id, ps[4], EARLY + 1).await);

    let base = venue_rows(&t, id).await;
    let f_with = |rows: Vec<VenueFields>| {
        let mut f = fields("c", T0, rows);
        f.title = "改过的标题".into();
        f
    };

    // Fewer seats than taken.
    let mut rows = base.clone();
    rows[0].seats = 1;
    rows[0].name = "甲厅".into();
    let conflict = update(&t, id, &f_with(rows), EARLY + 2).await.unwrap_err();
    assert_eq!(
        conflict,
        VenueConflict::SeatsBelowTaken {
            name: "甲厅".into(),
            taken: 2
        }
    );
    assert!(conflict.message().contains("甲厅"));
    assert!(conflict.message().contains('2'));

    // Removing a venue with a confirmed, or only a waiting, registration.
    for (gone, name) in [(b_, "乙"), (d, "丁")] {
        let rows: Vec<VenueFields> = base
            .iter()
            .filter(|v| v.id != Some(gone))
            .cloned()
            .collect();
        let conflict = update(&t, id, &f_with(rows), EARLY + 3).await.unwrap_err();
        assert_eq!(
            conflict,
            VenueConflict::RemovedWithRegistrations { name: name.into() }
        );
        assert!(conflict.message().contains(name));
    }
    // Nothing changed (the server rolls the transaction back).
    assert_eq!(venue_rows(&t, id).await, base);
    let rec = queries::by_id(t.db.pool(), id, EARLY)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(rec.summary.title, "讲座 c");

    // As many seats as taken is fine; a venue with only cancelled
    // registrations may go (and its cancelled registrations with it).
    let mut rows: Vec<VenueFields> = base.iter().filter(|v| v.id != Some(c)).cloned().collect();
    rows[0].seats = 2;
    assert_eq!(update(&t, id, &f_with(rows), EARLY + 4).await, Ok(()));
    let vs = venues(&t, id).await;
    assert_eq!(
        vs.iter().map(|v| (v.id, v.seats)).collect::<Vec<_>>(),
        [(a, 2), (b_, 1), (d, 0)]
    );
    assert_eq!(row(&t, id, ps[4]).await, None);
    assert_seats_consistent(&t, id).await;
    t.drop_db().await;
}

async fn streams_are_replaced_in_order(b: Backend) {
    let t = TestDb::new(b).await;
    let owner = acct(&t, "owner").await;
    let mut f = fields("s", T0, vec![]);
    f.streams = vec!["https://a.example/1".into(), "https://a.example/2".into()];
    let id = create(&t, &f, LectureState::Published, owner).await;
    let other = create(
        &t,
        &{
            let mut g = fields("s2", T0, vec![]);
            g.streams = vec!["https://other.example/x".into()];
            g
        },
        LectureState::Published,
        owner,
    )
    .await;
    assert_eq!(queries::streams(t.db.pool(), id).await.unwrap(), f.streams);

    f.streams = vec![
        "https://b.example/3.m3u8".into(),
        "https://b.example/1".into(),
        "https://a.example/2".into(),
    ];
    assert_eq!(update(&t, id, &f, EARLY + 1).await, Ok(()));
    assert_eq!(queries::streams(t.db.pool(), id).await.unwrap(), f.streams);

    f.streams.clear();
    assert_eq!(update(&t, id, &f, EARLY + 2).await, Ok(()));
    assert!(queries::streams(t.db.pool(), id).await.unwrap().is_empty());
    assert_eq!(
        queries::streams(t.db.pool(), other).await.unwrap(),
        ["https://other.example/x"]
    );
    t.drop_db().await;
}

async fn state_followup_thread_and_views(b: Backend) {
    let t = TestDb::new(b).await;
    let owner = acct(&t, "owner").await;
    let id = create(&t, &fields("f", T0, vec![]), LectureState::Draft, owner).await;

    assert!(
        queries::set_state(t.db.pool(), id, LectureState::Published, EARLY + 9)
            .await
            .unwrap()
    );
    let rec = queries::by_id(t.db.pool(), id, EARLY)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(rec.summary.state, LectureState::Published);
    assert_eq!(rec.updated_at, EARLY + 9);
    assert!(
        queries::set_state(t.db.pool(), id, LectureState::Cancelled, EARLY + 10)
            .await
            .unwrap()
    );
    assert!(
        !queries::set_state(t.db.pool(), id + 99, LectureState::Cancelled, EARLY)
            .await
            .unwrap()
    );
    let rec = queries::by_id(t.db.pool(), id, EARLY)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(rec.summary.state, LectureState::Cancelled);

    // The follow-up thread is set once.
    let gid = t.group(GroupSpec::default()).await;
    let mut conn = t.db.pool().acquire().await.unwrap();
    let first = app::threads::queries::create_thread(&mut conn, gid, None, owner, "讲座问答", 5)
        .await
        .unwrap();
    let second = app::threads::queries::create_thread(&mut conn, gid, None, owner, "又一个", 6)
        .await
        .unwrap();
    drop(conn);
    assert!(
        queries::set_followup_thread(t.db.pool(), id, first)
            .await
            .unwrap()
    );
    assert!(
        !queries::set_followup_thread(t.db.pool(), id, second)
            .await
            .unwrap()
    );
    let rec = queries::by_id(t.db.pool(), id, EARLY)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(rec.followup_thread_id, Some(first));

    queries::add_views(t.db.pool(), id, 5).await.unwrap();
    queries::add_views(t.db.pool(), id, 3).await.unwrap();
    queries::add_views(t.db.pool(), id, 0).await.unwrap();
    let rec = queries::by_id(t.db.pool(), id, EARLY)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(rec.views, 8);
    t.drop_db().await;
}

async fn register_confirms_then_queues_with_places(b: Backend) {
    let t = TestDb::new(b).await;
    let owner = acct(&t, "owner").await;
    let ps = accounts(&t, "p", 4).await;
    let (id, v) = session_with_seats(&t, owner, 2).await;

    assert_eq!(
        register(&t, id, ps[0], Some(v), EARLY).await,
        Outcome::Confirmed
    );
    assert_eq!(
        register(&t, id, ps[1], Some(v), EARLY + 1).await,
        Outcome::Confirmed
    );
    assert_eq!(
        register(&t, id, ps[2], Some(v), EARLY + 2).await,
        Outcome::Waiting(1)
    );
    assert_eq!(
        register(&t, id, ps[3], Some(v), EARLY + 3).await,
        Outcome::Waiting(2)
    );
    // Again, exactly so: nothing changes, nobody loses their place.
    assert_eq!(
        register(&t, id, ps[0], Some(v), EARLY + 4).await,
        Outcome::Unchanged
    );
    assert_eq!(
        register(&t, id, ps[2], Some(v), EARLY + 5).await,
        Outcome::Unchanged
    );
    assert_eq!(place(&t, id, ps[2]).await, Some(1));

    let vs = venues(&t, id).await;
    assert_eq!((vs[0].taken, vs[0].waiting, vs[0].seats_left()), (2, 2, 0));
    let mine = registration::mine(t.db.pool(), id, ps[3])
        .await
        .unwrap()
        .unwrap();
    assert_eq!(mine.status, RegistrationStatus::Waiting);
    assert_eq!(mine.venue_id, Some(v));
    assert_eq!(mine.venue_name, "主会场");
    assert_eq!(mine.waiting_place, Some(2));
    assert!(!mine.checked_in);
    let mine = registration::mine(t.db.pool(), id, ps[0])
        .await
        .unwrap()
        .unwrap();
    assert_eq!(mine.status, RegistrationStatus::Confirmed);
    assert_eq!(mine.waiting_place, None);
    assert!(
        registration::mine(t.db.pool(), id, owner)
            .await
            .unwrap()
            .is_none()
    );
    assert_eq!(
        registration::waiting_place(t.db.pool(), v, {
            sqlx::query_scalar::<_, i64>("SELECT id FROM registration WHERE account_id = $1")
                .bind(ps[3])
                .fetch_one(t.db.pool())
                .await
                .unwrap()
        })
        .await
        .unwrap(),
        2
    );
    assert_seats_consistent(&t, id).await;
    t.drop_db().await;
}

async fn moving_venue_frees_the_old_seat_for_the_next_waiting(b: Backend) {
    let t = TestDb::new(b).await;
    let owner = acct(&t, "owner").await;
    let ps = accounts(&t, "p", 5).await;
    let id = create(
        &t,
        &fields("m", T0, vec![venue("小厅", 1), venue("大厅", 2)]),
        LectureState::Published,
        owner,
    )
    .await;
    let vs = venues(&t, id).await;
    let (small, big) = (vs[0].id, vs[1].id);
    assert_eq!(
        register(&t, id, ps[0], Some(small), EARLY).await,
        Outcome::Confirmed
    );
    assert_eq!(
        register(&t, id, ps[1], Some(small), EARLY + 1).await,
        Outcome::Waiting(1)
    );
    assert_eq!(
        register(&t, id, ps[2], Some(small), EARLY + 2).await,
        Outcome::Waiting(2)
    );

    // p0 moves: the small hall's seat goes to p1.
    assert_eq!(
        register(&t, id, ps[0], Some(big), EARLY + 3).await,
        Outcome::Confirmed
    );
    assert_eq!(
        status(&t, id, ps[1]).await,
        Some(RegistrationStatus::Confirmed)
    );
    assert_eq!(place(&t, id, ps[2]).await, Some(1));
    assert_seats_consistent(&t, id).await;

    // A waiting person moving online leaves the queue; no seat changes.
    assert_eq!(
        register(&t, id, ps[2], None, EARLY + 4).await,
        Outcome::Confirmed
    );
    assert_eq!(row(&t, id, ps[2]).await, Some((None, "confirmed".into())));
    let vs = venues(&t, id).await;
    assert_eq!((vs[0].taken, vs[0].waiting, vs[1].taken), (1, 0, 1));

    // Moving to a full venue: the seat is given up first, then queued last.
    assert_eq!(
        register(&t, id, ps[3], Some(big), EARLY + 5).await,
        Outcome::Confirmed
    );
    assert_eq!(
        register(&t, id, ps[4], Some(big), EARLY + 6).await,
        Outcome::Waiting(1)
    );
    assert_eq!(
        register(&t, id, ps[1], Some(big), EARLY + 7).await,
        Outcome::Waiting(2)
    );
    let vs = venues(&t, id).await;
    assert_eq!((vs[0].taken, vs[1].taken, vs[1].waiting), (0, 2, 2));
    assert_seats_consistent(&t, id).await;

    // The seat p0 gives up by going online goes to p4, the first in line.
    assert_eq!(
        register(&t, id, ps[0], None, EARLY + 8).await,
        Outcome::Confirmed
    );
    assert_eq!(
        status(&t, id, ps[4]).await,
        Some(RegistrationStatus::Confirmed)
    );
    assert_eq!(place(&t, id, ps[1]).await, Some(1));
    assert_seats_consistent(&t, id).await;
    t.drop_db().await;
}

async fn cancel_promotes_the_oldest_waiting(b: Backend) {
    let t = TestDb::new(b).await;
    let owner = acct(&t, "owner").await;
    let ps = accounts(&t, "p", 4).await;
    let (id, v) = session_with_seats(&t, owner, 1).await;
    assert_eq!(
        register(&t, id, ps[0], Some(v), EARLY).await,
        Outcome::Confirmed
    );
    // Queued out of id order: p3 first, then p2, then p1.
    assert_eq!(
        register(&t, id, ps[3], Some(v), EARLY + 1).await,
        Outcome::Waiting(1)
    );
    assert_eq!(
        register(&t, id, ps[2], Some(v), EARLY + 2).await,
        Outcome::Waiting(2)
    );
    assert_eq!(
        register(&t, id, ps[1], Some(v), EARLY + 3).await,
        Outcome::Waiting(3)
    );

    assert!(cancel(&t, id, ps[0], EARLY + 4).await);
    assert_eq!(
        row(&t, id, ps[0]).await,
        Some((Some(v), "cancelled".into()))
    );
    assert_eq!(status(&t, id, ps[0]).await, None, "mine hides cancelled");
    assert_eq!(
        status(&t, id, ps[3]).await,
        Some(RegistrationStatus::Confirmed)
    );
    assert_eq!(place(&t, id, ps[2]).await, Some(1));
    assert_eq!(place(&t, id, ps[1]).await, Some(2));
    assert!(!cancel(&t, id, ps[0], EARLY + 5).await, "already cancelled");
    assert!(!cancel(&t, id, owner, EARLY + 5).await, "never registered");

    // A waiting person cancelling frees no seat.
    assert!(cancel(&t, id, ps[2], EARLY + 6).await);
    assert_eq!(place(&t, id, ps[1]).await, Some(1));
    assert_eq!(venues(&t, id).await[0].taken, 1);

    // Registering again reuses the row and queues at the back, although
    // its id is older than the others'.
    assert_eq!(
        register(&t, id, ps[0], Some(v), EARLY + 7).await,
        Outcome::Waiting(2)
    );
    assert!(cancel(&t, id, ps[3], EARLY + 8).await);
    assert_eq!(
        status(&t, id, ps[1]).await,
        Some(RegistrationStatus::Confirmed)
    );
    assert_eq!(place(&t, id, ps[0]).await, Some(1));
    let rows: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM registration WHERE lecture_id = $1")
        .bind(id)
        .fetch_one(t.db.pool())
        .await
        .unwrap();
    assert_eq!(rows, 4);
    assert_seats_consistent(&t, id).await;
    t.drop_db().await;
}

async fn promote_fills_added_seats_oldest_first(b: Backend) {
    let t = TestDb::new(b).await;
    let owner = acct(&t, "owner").await;
    let ps = accounts(&t, "p", 5).await;
    let (id, v) = session_with_seats(&t, owner, 1).await;
    for (i, p) in ps.iter().enumerate() {
        register(&t, id, *p, Some(v), EARLY + 10 - i as i64).await;
    }
    // p0 came first (seat); the queue is p4, p3, p2, p1 (earliest first).
    let mut rows = venue_rows(&t, id).await;
    rows[0].seats = 3;
    assert_eq!(
        update(&t, id, &fields("hall", T0, rows), EARLY + 20).await,
        Ok(())
    );
    let mut tx = t.db.pool().begin().await.unwrap();
    let promoted = registration::promote(&mut tx, v, EARLY + 21).await.unwrap();
    tx.commit().await.unwrap();
    assert_eq!(promoted, [ps[4], ps[3]]);
    let mut tx = t.db.pool().begin().await.unwrap();
    assert!(
        registration::promote(&mut tx, v, EARLY + 22)
            .await
            .unwrap()
            .is_empty()
    );
    tx.commit().await.unwrap();
    assert_eq!(place(&t, id, ps[2]).await, Some(1));
    assert_eq!(place(&t, id, ps[1]).await, Some(2));
    assert_seats_consistent(&t, id).await;
    t.drop_db().await;
}

async fn online_registration_takes_no_seat(b: Backend) {
    let t = TestDb::new(b).await;
    let owner = acct(&t, "owner").await;
    let ps = accounts(&t, "p", 3).await;
    let (id, v) = session_with_seats(&t, owner, 1).await;
    assert_eq!(
        register(&t, id, ps[0], Some(v), EARLY).await,
        Outcome::Confirmed
    );
    // The venue is full; online still confirms.
    assert_eq!(
        register(&t, id, ps[1], None, EARLY).await,
        Outcome::Confirmed
    );
    assert_eq!(
        register(&t, id, ps[2], None, EARLY).await,
        Outcome::Confirmed
    );
    assert_eq!(
        register(&t, id, ps[1], None, EARLY + 1).await,
        Outcome::Unchanged
    );
    let vs = venues(&t, id).await;
    assert_eq!((vs[0].taken, vs[0].waiting), (1, 0));
    let mine = registration::mine(t.db.pool(), id, ps[1])
        .await
        .unwrap()
        .unwrap();
    assert_eq!(mine.status, RegistrationStatus::Confirmed);
    assert_eq!(mine.venue_id, None);
    assert_eq!(mine.venue_name, "线上观看");
    assert_eq!(mine.waiting_place, None);
    // Cancelling online attendance gives nobody a seat.
    assert!(cancel(&t, id, ps[1], EARLY + 2).await);
    assert_eq!(venues(&t, id).await[0].taken, 1);
    assert_seats_consistent(&t, id).await;
    t.drop_db().await;
}

async fn parallel_registrations_never_overbook(b: Backend) {
    const PEOPLE: usize = 30;
    const SEATS: i64 = 10;
    let t = TestDb::new(b).await;
    let owner = acct(&t, "owner").await;
    let ps = accounts(&t, "p", PEOPLE).await;
    let (id, v) = session_with_seats(&t, owner, SEATS).await;

    let start = Arc::new(tokio::sync::Barrier::new(PEOPLE));
    let mut tasks = Vec::new();
    for p in ps.clone() {
        let pool = t.db.pool().clone();
        let start = start.clone();
        tasks.push(tokio::spawn(async move {
            start.wait().await;
            let mut tx = pool.begin().await.expect("begin");
            let o = registration::register(&mut tx, id, p, Some(v), EARLY)
                .await
                .expect("register");
            tx.commit().await.expect("commit");
            o
        }));
    }
    let mut outcomes = Vec::new();
    for task in tasks {
        outcomes.push(task.await.unwrap());
    }
    let confirmed = outcomes
        .iter()
        .filter(|o| **o == Outcome::Confirmed)
        .count();
    let waiting = outcomes
        .iter()
        .filter(|o| matches!(o, Outcome::Waiting(n) if (1..=20).contains(n)))
        .count();
    assert_eq!((confirmed, waiting), (10, 20), "{outcomes:?}");

    let vs = venues(&t, id).await;
    assert_eq!((vs[0].taken, vs[0].waiting), (SEATS, 20));
    assert_eq!(count_status(&t, v, "confirmed").await, SEATS);
    // Afterwards the waiting places are 1..=20, each once.
    let mut places = Vec::new();
    for p in &ps {
        if let Some(n) = place(&t, id, *p).await {
            places.push(n);
        }
    }
    places.sort();
    assert_eq!(places, (1..=20).collect::<Vec<i64>>());
    assert_seats_consistent(&t, id).await;
    t.drop_db().await;
}

async fn parallel_cancels_promote_exactly_as_many_as_freed(b: Backend) {
    const SEATS: i64 = 10;
    let t = TestDb::new(b).await;
    let owner = acct(&t, "owner").await;
    let ps = accounts(&t, "p", 30).await;
    let (id, v) = session_with_seats(&t, owner, SEATS).await;
    for (i, p) in ps.iter().enumerate() {
        register(&t, id, *p, Some(v), EARLY + i as i64).await;
    }
    let (seated, queue) = ps.split_at(10);
    // Six seated people and the last four in the queue cancel at once.
    let leaving: Vec<i64> = seated[..6].iter().chain(&queue[16..]).copied().collect();
    let start = Arc::new(tokio::sync::Barrier::new(leaving.len()));
    let mut tasks = Vec::new();
    for p in leaving.clone() {
        let pool = t.db.pool().clone();
        let start = start.clone();
        tasks.push(tokio::spawn(async move {
            start.wait().await;
            let mut tx = pool.begin().await.expect("begin");
            let done = registration::cancel(&mut tx, id, p, EARLY + 100)
                .await
                .expect("cancel");
            tx.commit().await.expect("commit");
            done
        }));
    }
    for task in tasks {
        assert!(task.await.unwrap());
    }

    let vs = venues(&t, id).await;
    assert_eq!((vs[0].taken, vs[0].waiting), (SEATS, 10));
    assert_eq!(count_status(&t, v, "confirmed").await, SEATS);
    // The six oldest in the queue got the six seats; the rest moved up.
    for p in &queue[..6] {
        assert_eq!(
            status(&t, id, *p).await,
            Some(RegistrationStatus::Confirmed)
        );
    }
    for (i, p) in queue[6..16].iter().enumerate() {
        assert_eq!(place(&t, id, *p).await, Some(i as i64 + 1));
    }
    for p in &leaving {
        assert_eq!(status(&t, id, *p).await, None);
    }
    assert_seats_consistent(&t, id).await;
    t.drop_db().await;
}

async fn one_person_registering_many_times_at_once_takes_one_seat(b: Backend) {
    let t = TestDb::new(b).await;
    let owner = acct(&t, "owner").await;
    let p = acct(&t, "p").await;
    let (id, v) = session_with_seats(&t, owner, 5).await;
    let start = Arc::new(tokio::sync::Barrier::new(6));
    let mut tasks = Vec::new();
    for _ in 0..6 {
        let pool = t.db.pool().clone();
        let start = start.clone();
        tasks.push(tokio::spawn(async move {
            start.wait().await;
            let mut tx = pool.begin().await.expect("begin");
            let o = registration::register(&mut tx, id, p, Some(v), EARLY)
                .await
                .expect("register");
            tx.commit().await.expect("commit");
            o
        }));
    }
    let mut outcomes = Vec::new();
    for task in tasks {
        outcomes.push(task.await.unwrap());
    }
    outcomes.sort_by_key(|o| format!("{o:?}"));
    assert_eq!(
        outcomes,
        [
            Outcome::Confirmed,
            Outcome::Unchanged,
            Outcome::Unchanged,
            Outcome::Unchanged,
            Outcome::Unchanged,
            Outcome::Unchanged
        ]
    );
    assert_eq!(venues(&t, id).await[0].taken, 1);
    assert_seats_consistent(&t, id).await;
    t.drop_db().await;
}

async fn mine_and_of_account(b: Backend) {
    let t = TestDb::new(b).await;
    let owner = acct(&t, "owner").await;
    let p = acct(&t, "p").await;
    let other = acct(&t, "other").await;
    let mk = |slug: &str, day: i64, seats: i64| {
        fields(
            slug,
            T0 + day * DAY,
            vec![venue(&format!("{slug}厅"), seats)],
        )
    };
    let seated = create(&t, &mk("seated", 1, 5), LectureState::Published, owner).await;
    let queued = create(&t, &mk("queued", 2, 1), LectureState::Published, owner).await;
    let online = create(&t, &mk("online", 3, 5), LectureState::Published, owner).await;
    let dropped = create(&t, &mk("dropped", 4, 5), LectureState::Published, owner).await;
    let draft = create(&t, &mk("draft", 5, 5), LectureState::Draft, owner).await;
    let off = create(&t, &mk("off", 0, 5), LectureState::Cancelled, owner).await;
    let v = |id: i64| {
        let pool = t.db.pool().clone();
        async move { queries::venues(&pool, id).await.unwrap()[0].id }
    };
    register(&t, seated, p, Some(v(seated).await), EARLY).await;
    register(&t, queued, other, Some(v(queued).await), EARLY).await;
    assert_eq!(
        register(&t, queued, p, Some(v(queued).await), EARLY + 1).await,
        Outcome::Waiting(1)
    );
    register(&t, online, p, None, EARLY).await;
    register(&t, dropped, p, Some(v(dropped).await), EARLY).await;
    cancel(&t, dropped, p, EARLY + 1).await;
    register(&t, draft, p, Some(v(draft).await), EARLY).await;
    register(&t, off, p, Some(v(off).await), EARLY).await;
    assert!(
        checkin::record(t.db.pool(), seated, p, v(seated).await, T0 + DAY)
            .await
            .unwrap()
    );

    let mine = registration::mine(t.db.pool(), seated, p)
        .await
        .unwrap()
        .unwrap();
    assert!(mine.checked_in);
    assert_eq!(mine.venue_name, "seated厅");
    assert!(
        registration::mine(t.db.pool(), dropped, p)
            .await
            .unwrap()
            .is_none()
    );

    let list = registration::of_account(t.db.pool(), p, T0 + DAY + HOUR)
        .await
        .unwrap();
    let got: Vec<(&str, RegistrationStatus, &str, Option<i64>, bool)> = list
        .iter()
        .map(|r| {
            (
                r.lecture.slug.as_str(),
                r.status,
                r.venue_name.as_str(),
                r.waiting_place,
                r.checked_in,
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            (
                "online",
                RegistrationStatus::Confirmed,
                "线上观看",
                None,
                false
            ),
            (
                "queued",
                RegistrationStatus::Waiting,
                "queued厅",
                Some(1),
                false
            ),
            (
                "seated",
                RegistrationStatus::Confirmed,
                "seated厅",
                None,
                true
            ),
            ("off", RegistrationStatus::Confirmed, "off厅", None, false),
        ],
        "latest first; no cancelled registration, no draft"
    );
    assert_eq!(list[2].lecture.phase, Phase::Live);
    assert_eq!(list[3].lecture.phase, Phase::Cancelled);
    assert_eq!(list[0].lecture.title, "讲座 online");
    let theirs = registration::of_account(t.db.pool(), other, EARLY)
        .await
        .unwrap();
    assert_eq!(theirs.len(), 1);
    assert_eq!(theirs[0].lecture.id, queued);
    assert!(
        registration::of_account(t.db.pool(), owner, EARLY)
            .await
            .unwrap()
            .is_empty()
    );
    t.drop_db().await;
}

async fn checkin_records_once_per_person(b: Backend) {
    let t = TestDb::new(b).await;
    let owner = acct(&t, "owner").await;
    let ps = accounts(&t, "p", 2).await;
    let id = create(
        &t,
        &fields("ci", T0, vec![venue("甲", 5), venue("乙", 5)]),
        LectureState::Published,
        owner,
    )
    .await;
    let vs = venues(&t, id).await;
    let other = create(
        &t,
        &fields("ci2", T0, vec![venue("丙", 5)]),
        LectureState::Published,
        owner,
    )
    .await;
    let ov = venues(&t, other).await[0].id;

    assert!(
        checkin::record(t.db.pool(), id, ps[0], vs[0].id, T0)
            .await
            .unwrap()
    );
    assert!(
        !checkin::record(t.db.pool(), id, ps[0], vs[0].id, T0 + 5)
            .await
            .unwrap()
    );
    assert!(
        !checkin::record(t.db.pool(), id, ps[0], vs[1].id, T0 + 6)
            .await
            .unwrap()
    );
    assert!(
        checkin::record(t.db.pool(), id, ps[1], vs[1].id, T0 + 7)
            .await
            .unwrap()
    );
    assert!(
        checkin::record(t.db.pool(), other, ps[0], ov, T0 + 8)
            .await
            .unwrap()
    );

    let rows: Vec<(i64, i64, i64)> = sqlx::query_as(
        "SELECT account_id, venue_id, checked_in_at FROM attendance WHERE lecture_id = $1 ORDER BY account_id",
    )
    .bind(id)
    .fetch_all(t.db.pool())
    .await
    .unwrap();
    assert_eq!(rows, [(ps[0], vs[0].id, T0), (ps[1], vs[1].id, T0 + 7)]);
    // Checked in without registering: attendance only.
    assert!(
        registration::mine(t.db.pool(), id, ps[0])
            .await
            .unwrap()
            .is_none()
    );
    let a = audience::audience(t.db.pool(), id).await.unwrap();
    assert_eq!((a.checked_in, a.registered, a.total), (2, 0, 2));
    t.drop_db().await;
}

/// The live channel's batches: each browser once, none past its address's
/// cap (counted as the database holds it), and [`audience::standing`]
/// reads what the channel needs without writing.
async fn viewers_are_added_in_batches_within_the_address_cap(b: Backend) {
    use app::lectures::queries::audience::{NewViewer, Standing};
    let t = TestDb::new(b).await;
    let owner = acct(&t, "owner").await;
    let id = create(
        &t,
        &fields("pi", T0, vec![]),
        LectureState::Published,
        owner,
    )
    .await;
    let v = |viewer: &str, address: &str| NewViewer {
        viewer: viewer.to_owned(),
        address_key: address.to_owned(),
        first_seen: T0,
    };
    let added = audience::add_viewers(t.db.pool(), id, &[v("b1", "A"), v("b2", "A")], 2)
        .await
        .unwrap();
    assert_eq!(added, 2);
    assert_eq!(
        audience::standing(t.db.pool(), id, "b1", "A")
            .await
            .unwrap(),
        Standing {
            known: true,
            at_address: 2
        }
    );
    assert_eq!(
        audience::standing(t.db.pool(), id, "b9", "B")
            .await
            .unwrap(),
        Standing {
            known: false,
            at_address: 0
        }
    );
    // A full address adds nobody; a known browser is not added twice;
    // another address is free.
    let batch = [v("b3", "A"), v("b1", "A"), v("b4", "B"), v("b5", "B")];
    let added = audience::add_viewers(t.db.pool(), id, &batch, 2)
        .await
        .unwrap();
    assert_eq!(added, 2);
    let rows: Vec<(String, Option<String>)> = sqlx::query_as(
        "SELECT viewer, address_key FROM lecture_viewer WHERE lecture_id = $1 ORDER BY viewer",
    )
    .bind(id)
    .fetch_all(t.db.pool())
    .await
    .unwrap();
    assert_eq!(
        rows,
        [("b1", "A"), ("b2", "A"), ("b4", "B"), ("b5", "B")]
            .map(|(v, a)| (v.to_owned(), Some(a.to_owned())))
            .to_vec()
    );
    assert_eq!(audience::audience(t.db.pool(), id).await.unwrap().online, 4);
    // As many as a statement takes at once.
    let many: Vec<NewViewer> = (0..audience::VIEWERS_PER_STATEMENT)
        .map(|i| v(&format!("m{i}"), &format!("addr{i}")))
        .collect();
    let added = audience::add_viewers(t.db.pool(), id, &many, 2)
        .await
        .unwrap();
    assert_eq!(added, audience::VIEWERS_PER_STATEMENT as u64);
    t.drop_db().await;
}

async fn record_viewer_ties_a_browser_to_its_account(b: Backend) {
    let t = TestDb::new(b).await;
    let owner = acct(&t, "owner").await;
    let alice = acct(&t, "alice").await;
    let bob = acct(&t, "bob").await;
    let id = create(&t, &fields("w", T0, vec![]), LectureState::Published, owner).await;
    let other = create(
        &t,
        &fields("w2", T0, vec![]),
        LectureState::Published,
        owner,
    )
    .await;
    let rv = |lecture: i64, viewer: &'static str, account: Option<i64>| {
        let pool = t.db.pool().clone();
        async move {
            audience::record_viewer(&pool, lecture, viewer, account, T0)
                .await
                .unwrap()
        }
    };
    let tied = |viewer: &'static str| {
        let pool = t.db.pool().clone();
        async move {
            sqlx::query_scalar::<_, Option<i64>>(
                "SELECT account_id FROM lecture_viewer WHERE lecture_id = $1 AND viewer = $2",
            )
            .bind(id)
            .bind(viewer)
            .fetch_one(&pool)
            .await
            .unwrap()
        }
    };

    assert!(rv(id, "browser-1", None).await, "a new browser");
    assert!(!rv(id, "browser-1", None).await, "seen before");
    assert_eq!(tied("browser-1").await, None);
    assert!(rv(id, "browser-1", Some(alice)).await, "now tied to alice");
    assert_eq!(tied("browser-1").await, Some(alice));
    assert!(!rv(id, "browser-1", Some(alice)).await);
    assert!(
        !rv(id, "browser-1", None).await,
        "signing out unties nothing"
    );
    assert!(
        !rv(id, "browser-1", Some(bob)).await,
        "the first account stays"
    );
    assert_eq!(tied("browser-1").await, Some(alice));
    assert!(rv(id, "browser-2", Some(bob)).await);
    assert!(rv(other, "browser-1", None).await, "per session");

    let a = audience::audience(t.db.pool(), id).await.unwrap();
    assert_eq!(a.online, 2);
    assert_eq!(a.total, 2);
    let first_seen: i64 = sqlx::query_scalar(
        "SELECT first_seen FROM lecture_viewer WHERE lecture_id = $1 AND viewer = 'browser-1'",
    )
    .bind(id)
    .fetch_one(t.db.pool())
    .await
    .unwrap();
    assert_eq!(first_seen, T0);
    t.drop_db().await;
}

async fn audience_counts_each_person_once(b: Backend) {
    let t = TestDb::new(b).await;
    let owner = acct(&t, "owner").await;
    let ps = accounts(&t, "p", 6).await;
    let id = create(
        &t,
        &fields("aud", T0, vec![venue("甲", 10)]),
        LectureState::Published,
        owner,
    )
    .await;
    let other = create(
        &t,
        &fields("aud2", T0, vec![]),
        LectureState::Published,
        owner,
    )
    .await;
    let v = venues(&t, id).await[0].id;
    let view = |viewer: &'static str, account: Option<i64>| {
        let pool = t.db.pool().clone();
        async move {
            audience::record_viewer(&pool, id, viewer, account, T0)
                .await
                .unwrap();
        }
    };
    assert_eq!(
        audience::audience(t.db.pool(), id).await.unwrap(),
        Audience::default()
    );

    // p0 registered, checked in, and watched on two signed-in browsers.
    register(&t, id, ps[0], Some(v), EARLY).await;
    checkin::record(t.db.pool(), id, ps[0], v, T0)
        .await
        .unwrap();
    view("p0-phone", Some(ps[0])).await;
    view("p0-laptop", Some(ps[0])).await;
    // p1 watched on two browsers, one anonymous at first.
    view("p1-phone", Some(ps[1])).await;
    view("p1-laptop", None).await;
    view("p1-laptop", Some(ps[1])).await;
    // p2 registered and cancelled: not counted.
    register(&t, id, ps[2], Some(v), EARLY).await;
    cancel(&t, id, ps[2], EARLY + 1).await;
    // p3 registered online and never came.
    register(&t, id, ps[3], None, EARLY).await;
    // p4 walked in: checked in without registering.
    checkin::record(t.db.pool(), id, ps[4], v, T0)
        .await
        .unwrap();
    // Two anonymous browsers.
    view("anon-1", None).await;
    view("anon-2", None).await;
    // p5 is in another session only.
    register(&t, other, ps[5], None, EARLY).await;

    let a = audience::audience(t.db.pool(), id).await.unwrap();
    assert_eq!(
        a,
        Audience {
            online: 4,     // p0, p1, anon-1, anon-2
            checked_in: 2, // p0, p4
            registered: 2, // p0, p3
            total: 6,      // p0, p1, p3, p4, anon-1, anon-2
        }
    );
    let a = audience::audience(t.db.pool(), other).await.unwrap();
    assert_eq!((a.online, a.registered, a.total), (0, 1, 1));

    // An anonymous viewer signing in merges into the person.
    view("anon-1", Some(ps[3])).await;
    let a = audience::audience(t.db.pool(), id).await.unwrap();
    assert_eq!((a.online, a.total), (4, 5));
    t.drop_db().await;
}

async fn ask(t: &TestDb, lecture: i64, who: i64, body: &str, now: i64) -> Option<i64> {
    let mut tx = t.db.pool().begin().await.unwrap();
    let id = questions::ask(&mut tx, lecture, who, body, now)
        .await
        .expect("ask");
    tx.commit().await.unwrap();
    id
}

async fn vote(t: &TestDb, q: i64, who: i64, now: i64) -> bool {
    let mut tx = t.db.pool().begin().await.unwrap();
    let on = questions::toggle_vote(&mut tx, q, who, now)
        .await
        .expect("vote");
    tx.commit().await.unwrap();
    on
}

async fn ask_is_limited_per_minute(b: Backend) {
    let t = TestDb::new(b).await;
    let owner = acct(&t, "owner").await;
    let alice = acct(&t, "alice").await;
    let bob = acct(&t, "bob").await;
    let id = create(&t, &fields("q", T0, vec![]), LectureState::Published, owner).await;
    let other = create(
        &t,
        &fields("q2", T0, vec![]),
        LectureState::Published,
        owner,
    )
    .await;

    let mut asked = Vec::new();
    for n in 0..PER_MINUTE {
        let q = ask(&t, id, alice, &format!("问题{n}"), T0 + n).await;
        asked.push(q.expect("within the limit"));
    }
    assert_eq!(ask(&t, id, alice, "太多了", T0 + PER_MINUTE).await, None);
    // The limit is per person, over all sessions.
    assert_eq!(ask(&t, other, alice, "别处", T0 + 30).await, None);
    assert!(ask(&t, id, bob, "我也问", T0 + 30).await.is_some());
    // A minute after the first question, one more is allowed (only).
    assert!(ask(&t, id, alice, "又一个", T0 + 60).await.is_some());
    assert_eq!(ask(&t, id, alice, "再一个", T0 + 60).await, None);

    for q in &asked {
        assert_eq!(
            questions::lecture_of(t.db.pool(), *q).await.unwrap(),
            Some(id)
        );
    }
    assert_eq!(
        questions::lecture_of(t.db.pool(), 999_999).await.unwrap(),
        None
    );
    let list = questions::list(t.db.pool(), id, false).await.unwrap();
    assert_eq!(list.len(), PER_MINUTE as usize + 2);
    assert!(
        questions::list(t.db.pool(), other, true)
            .await
            .unwrap()
            .is_empty()
    );
    t.drop_db().await;
}

async fn parallel_questions_respect_the_limit(b: Backend) {
    let t = TestDb::new(b).await;
    let owner = acct(&t, "owner").await;
    let alice = acct(&t, "alice").await;
    let id = create(&t, &fields("q", T0, vec![]), LectureState::Published, owner).await;
    const N: usize = 12;
    let start = Arc::new(tokio::sync::Barrier::new(N));
    let mut tasks = Vec::new();
    for n in 0..N {
        let pool = t.db.pool().clone();
        let start = start.clone();
        tasks.push(tokio::spawn(async move {
            start.wait().await;
            let mut tx = pool.begin().await.expect("begin");
            let q = questions::ask(&mut tx, id, alice, &format!("并发问题{n}"), T0)
                .await
                .expect("ask");
            tx.commit().await.expect("commit");
            q
        }));
    }
    let mut accepted = 0;
    for task in tasks {
        if task.await.unwrap().is_some() {
            accepted += 1;
        }
    }
    assert_eq!(accepted, PER_MINUTE);
    assert_eq!(
        questions::list(t.db.pool(), id, true).await.unwrap().len() as i64,
        PER_MINUTE
    );
    t.drop_db().await;
}

async fn question_votes(t: &TestDb, q: i64) -> (i64, i64) {
    let votes: i64 = sqlx::query_scalar("SELECT votes FROM question WHERE id = $1")
        .bind(q)
        .fetch_one(t.db.pool())
        .await
        .unwrap();
    let rows: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM question_vote WHERE question_id = $1")
        .bind(q)
        .fetch_one(t.db.pool())
        .await
        .unwrap();
    (votes, rows)
}

async fn votes_toggle_on_and_off(b: Backend) {
    let t = TestDb::new(b).await;
    let owner = acct(&t, "owner").await;
    let ps = accounts(&t, "p", 3).await;
    let id = create(&t, &fields("v", T0, vec![]), LectureState::Published, owner).await;
    let other = create(
        &t,
        &fields("v2", T0, vec![]),
        LectureState::Published,
        owner,
    )
    .await;
    let q1 = ask(&t, id, ps[0], "问题一", T0).await.unwrap();
    let q2 = ask(&t, id, ps[0], "问题二", T0 + 1).await.unwrap();
    let elsewhere = ask(&t, other, ps[0], "别处的问题", T0 + 2).await.unwrap();

    assert!(vote(&t, q1, ps[1], T0 + 10).await);
    assert_eq!(question_votes(&t, q1).await, (1, 1));
    assert!(vote(&t, q1, ps[2], T0 + 11).await);
    assert!(vote(&t, q2, ps[2], T0 + 12).await);
    assert!(vote(&t, elsewhere, ps[2], T0 + 13).await);
    assert_eq!(question_votes(&t, q1).await, (2, 2));
    // Voting again takes the vote back.
    assert!(!vote(&t, q1, ps[1], T0 + 14).await);
    assert_eq!(question_votes(&t, q1).await, (1, 1));
    assert!(vote(&t, q1, ps[1], T0 + 15).await);
    assert!(!vote(&t, q1, ps[1], T0 + 16).await);
    // The author may vote for their own question.
    assert!(vote(&t, q2, ps[0], T0 + 17).await);
    assert_eq!(question_votes(&t, q2).await, (2, 2));

    let mut voted = questions::voted_by(t.db.pool(), id, ps[2]).await.unwrap();
    voted.sort();
    assert_eq!(voted, [q1, q2]);
    assert!(
        questions::voted_by(t.db.pool(), id, ps[1])
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        questions::voted_by(t.db.pool(), other, ps[2])
            .await
            .unwrap(),
        [elsewhere]
    );
    let list = questions::list(t.db.pool(), id, false).await.unwrap();
    let votes: Vec<(i64, i64)> = list.iter().map(|q| (q.id, q.votes)).collect();
    assert_eq!(votes, [(q2, 2), (q1, 1)]);
    t.drop_db().await;
}

async fn questions_list_in_page_order_with_marks(b: Backend) {
    let t = TestDb::new(b).await;
    let owner = acct(&t, "owner").await;
    let ps = accounts(&t, "p", 6).await;
    let leaver = acct(&t, "leaver").await;
    let id = create(&t, &fields("l", T0, vec![]), LectureState::Published, owner).await;
    let q1 = ask(&t, id, ps[0], "没人赞同", T0).await.unwrap();
    let q2 = ask(&t, id, ps[1], "两票，早", T0 + 1).await.unwrap();
    let q3 = ask(&t, id, ps[2], "两票，晚", T0 + 2).await.unwrap();
    let q4 = ask(&t, id, ps[3], "五票，已答", T0 + 3).await.unwrap();
    let q5 = ask(&t, id, ps[4], "一票，藏起来", T0 + 4).await.unwrap();
    let q6 = ask(&t, id, leaver, "作者已注销", T0 + 5).await.unwrap();
    for p in &ps[..2] {
        vote(&t, q3, *p, T0 + 10).await;
        vote(&t, q2, *p, T0 + 10).await;
    }
    for p in &ps[..5] {
        vote(&t, q4, *p, T0 + 10).await;
    }
    vote(&t, q5, ps[0], T0 + 10).await;
    questions::mark(t.db.pool(), q4, Mark::Answered(true), T0 + 20)
        .await
        .unwrap();
    questions::mark(t.db.pool(), q5, Mark::Hidden(true), T0 + 21)
        .await
        .unwrap();
    sqlx::query("DELETE FROM account WHERE id = $1")
        .bind(leaver)
        .execute(t.db.pool())
        .await
        .unwrap();

    let ids = |with_hidden: bool| {
        let pool = t.db.pool().clone();
        async move {
            questions::list(&pool, id, with_hidden)
                .await
                .unwrap()
                .iter()
                .map(|q| q.id)
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(ids(false).await, [q2, q3, q1, q6, q4]);
    assert_eq!(ids(true).await, [q2, q3, q5, q1, q6, q4]);

    let all = questions::list(t.db.pool(), id, true).await.unwrap();
    let get = |q: i64| all.iter().find(|x| x.id == q).unwrap();
    assert!(get(q4).answered && !get(q4).hidden);
    assert!(get(q5).hidden && !get(q5).answered);
    assert_eq!(get(q2).author, "测试p1");
    assert_eq!(get(q2).body, "两票，早");
    assert_eq!(get(q2).created_at, T0 + 1);
    assert_eq!(get(q6).author, "已注销用户");
    assert_eq!(get(q4).votes, 5);

    // Unmarking: answered becomes open again (most votes: first), hidden
    // becomes visible.
    questions::mark(t.db.pool(), q4, Mark::Answered(false), T0 + 30)
        .await
        .unwrap();
    questions::mark(t.db.pool(), q5, Mark::Hidden(false), T0 + 31)
        .await
        .unwrap();
    assert_eq!(ids(false).await, [q4, q2, q3, q5, q1, q6]);
    // An answered question that is also hidden shows only with hidden.
    questions::mark(t.db.pool(), q1, Mark::Answered(true), T0 + 40)
        .await
        .unwrap();
    questions::mark(t.db.pool(), q1, Mark::Hidden(true), T0 + 41)
        .await
        .unwrap();
    assert_eq!(ids(false).await, [q4, q2, q3, q5, q6]);
    assert_eq!(ids(true).await, [q4, q2, q3, q5, q6, q1]);
    let answered_at: Option<i64> =
        sqlx::query_scalar("SELECT answered_at FROM question WHERE id = $1")
            .bind(q1)
            .fetch_one(t.db.pool())
            .await
            .unwrap();
    assert_eq!(answered_at, Some(T0 + 40));
    t.drop_db().await;
}

// ---------------------------------------------------------------------------
// Races. Each test holds one transaction open at a chosen point, lets a
// second one run into it, then commits the first. On PostgreSQL (READ
// COMMITTED) the second statement waits for the row lock and then goes on
// with what it read before; on SQLite the second transaction waits for the
// write lock before it reads anything.

/// Waits until another connection of this test's database waits for a lock
/// (PostgreSQL; at most 5 s), or a moment (SQLite, where nothing shows it).
async fn until_someone_waits(t: &TestDb, b: Backend) {
    match b {
        Backend::Sqlite => tokio::time::sleep(Duration::from_millis(400)).await,
        Backend::Postgres => {
            for _ in 0..100 {
                let n: i64 = sqlx::query_scalar(
                    "SELECT COUNT(*) FROM pg_stat_activity \
                     WHERE datname = current_database() AND wait_event_type = 'Lock'",
                )
                .fetch_one(t.db.pool())
                .await
                .unwrap();
                if n > 0 {
                    return;
                }
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
            // Nobody waits: the race cannot happen (the code changed so
            // that the second transaction does not wait); go on.
        }
    }
}

/// The race (PostgreSQL; fixed): `release` reads the registration's status, then
/// marks it cancelled without checking it is still what it read. If the
/// person is promoted (by someone else's cancel) between the two, their
/// cancel sees "waiting", frees no seat, and the venue keeps a seat taken
/// by nobody: `taken` 1, confirmed 0, forever.
/// Fix: lock and re-read the row before deciding, e.g. make `current` an
/// `UPDATE registration SET id = id WHERE lecture_id = $1 AND account_id = $2
/// RETURNING id, venue_id, status` (PostgreSQL returns the row as it is
/// after waiting for the lock), or make release's UPDATE conditional on the
/// status and venue it read and start over when it changes nothing.
async fn cancel_racing_its_own_promotion_frees_the_seat(b: Backend) {
    let t = TestDb::new(b).await;
    let owner = acct(&t, "owner").await;
    let seated = acct(&t, "seated").await;
    let waiting = acct(&t, "waiting").await;
    let (id, v) = session_with_seats(&t, owner, 1).await;
    register(&t, id, seated, Some(v), EARLY).await;
    assert_eq!(
        register(&t, id, waiting, Some(v), EARLY + 1).await,
        Outcome::Waiting(1)
    );

    // The seated person cancels: the waiting one is promoted (not committed).
    let mut first = t.db.pool().begin().await.unwrap();
    assert!(
        registration::cancel(&mut first, id, seated, EARLY + 2)
            .await
            .unwrap()
    );
    // Meanwhile the waiting person cancels too.
    let pool = t.db.pool().clone();
    let second = tokio::spawn(async move {
        let mut tx = pool.begin().await.unwrap();
        let done = registration::cancel(&mut tx, id, waiting, EARLY + 3)
            .await
            .unwrap();
        tx.commit().await.unwrap();
        done
    });
    until_someone_waits(&t, b).await;
    first.commit().await.unwrap();
    assert!(second.await.unwrap());

    assert_eq!(status(&t, id, waiting).await, None, "cancelled");
    assert_seats_consistent(&t, id).await;
    assert_eq!(venues(&t, id).await[0].taken, 0, "both seats are free");
    t.drop_db().await;
}

/// The race (PostgreSQL; fixed): `promote` confirms the registration it picked
/// with `WHERE id = $2 AND status = 'waiting'`, not checking the venue. If
/// the person moves to another full venue meanwhile (and waits there), the
/// promotion confirms them at the *other* venue, past its seats, with a
/// seat taken at the first venue by nobody.
/// Fix: `... WHERE id = $2 AND status = 'waiting' AND venue_id = $3`
/// (`$3` the venue being filled); with the fix of the bug above the seat
/// is then freed again by the existing `else` branch.
async fn promotion_racing_a_move_keeps_the_seat_at_its_venue(b: Backend) {
    let t = TestDb::new(b).await;
    let owner = acct(&t, "owner").await;
    let ps = accounts(&t, "p", 3).await;
    let id = create(
        &t,
        &fields("race", T0, vec![venue("甲", 1), venue("乙", 1)]),
        LectureState::Published,
        owner,
    )
    .await;
    let vs = venues(&t, id).await;
    let (va, vb) = (vs[0].id, vs[1].id);
    register(&t, id, ps[0], Some(va), EARLY).await;
    register(&t, id, ps[1], Some(vb), EARLY).await;
    assert_eq!(
        register(&t, id, ps[2], Some(va), EARLY + 1).await,
        Outcome::Waiting(1)
    );

    // p2 moves to 乙 (full: waits there), not committed yet.
    let mut first = t.db.pool().begin().await.unwrap();
    assert_eq!(
        registration::register(&mut first, id, ps[2], Some(vb), EARLY + 2)
            .await
            .unwrap(),
        Outcome::Waiting(1)
    );
    // Meanwhile p0 gives up a seat at 甲, whose queue still shows p2.
    let pool = t.db.pool().clone();
    let p0 = ps[0];
    let second = tokio::spawn(async move {
        let mut tx = pool.begin().await.unwrap();
        let done = registration::cancel(&mut tx, id, p0, EARLY + 3)
            .await
            .unwrap();
        tx.commit().await.unwrap();
        done
    });
    until_someone_waits(&t, b).await;
    first.commit().await.unwrap();
    assert!(second.await.unwrap());

    assert_eq!(
        row(&t, id, ps[2]).await,
        Some((Some(vb), "waiting".into())),
        "p2 waits at 乙, where they moved"
    );
    assert_seats_consistent(&t, id).await;
    t.drop_db().await;
}

/// The race (PostgreSQL; fixed): `replace_venues` compares the new seat count
/// with `taken` as read at its start. A registration committed between
/// that read and the venue's UPDATE is not seen, so seats can be lowered
/// below the seats taken (here: 5 seats, 6 taken).
/// Fix: make the UPDATE conditional, `... WHERE id = $5 AND taken <= $4`,
/// and answer SeatsBelowTaken (with `taken` read again) when it changes
/// no row; or read the venues `FOR UPDATE` on PostgreSQL.
async fn lowering_seats_while_someone_registers_never_overbooks(b: Backend) {
    let t = TestDb::new(b).await;
    let owner = acct(&t, "owner").await;
    let ps = accounts(&t, "p", 6).await;
    let (id, v) = session_with_seats(&t, owner, 10).await;
    for p in &ps[..5] {
        register(&t, id, *p, Some(v), EARLY).await;
    }

    // A sixth person is taking a seat (not committed yet)...
    let mut first = t.db.pool().begin().await.unwrap();
    assert_eq!(
        registration::register(&mut first, id, ps[5], Some(v), EARLY + 1)
            .await
            .unwrap(),
        Outcome::Confirmed
    );
    // ...while an organiser lowers the seats to the 5 they see taken.
    let mut rows = venue_rows(&t, id).await;
    rows[0].seats = 5;
    let f = fields("hall", T0, rows);
    let pool = t.db.pool().clone();
    let second = tokio::spawn(async move {
        let mut tx = pool.begin().await.unwrap();
        let r = queries::update(&mut tx, id, &f, "", EARLY + 2)
            .await
            .unwrap();
        if r.is_ok() {
            tx.commit().await.unwrap();
        }
        r
    });
    until_someone_waits(&t, b).await;
    first.commit().await.unwrap();
    let edit = second.await.unwrap();

    // Either the edit is refused, or it fits the seats taken.
    if let Err(conflict) = &edit {
        assert_eq!(
            conflict,
            &VenueConflict::SeatsBelowTaken {
                name: "主会场".into(),
                taken: 6
            }
        );
    }
    assert_seats_consistent(&t, id).await;
    t.drop_db().await;
}

/// The race (PostgreSQL; fixed): `toggle_vote` sets `votes` to a COUNT(*) taken
/// from the statement's snapshot. Two people voting at once each count
/// only their own vote; the later UPDATE waits for the first, then writes
/// its stale count: 2 votes stored, `votes` = 1.
/// Fix: lock the question row before counting (`UPDATE question SET
/// id = id WHERE id = $1` as the first statement, so the COUNT runs after
/// the other vote is committed), or adjust by one: `SET votes = votes + 1`
/// / `votes - 1` depending on whether the vote was added or removed.
async fn simultaneous_votes_are_all_counted(b: Backend) {
    let t = TestDb::new(b).await;
    let owner = acct(&t, "owner").await;
    let ps = accounts(&t, "p", 3).await;
    let id = create(
        &t,
        &fields("vr", T0, vec![]),
        LectureState::Published,
        owner,
    )
    .await;
    let q = ask(&t, id, ps[0], "一个问题", T0).await.unwrap();

    let mut first = t.db.pool().begin().await.unwrap();
    assert!(
        questions::toggle_vote(&mut first, q, ps[1], T0 + 1)
            .await
            .unwrap()
    );
    let pool = t.db.pool().clone();
    let voter = ps[2];
    let second = tokio::spawn(async move {
        let mut tx = pool.begin().await.unwrap();
        let on = questions::toggle_vote(&mut tx, q, voter, T0 + 2)
            .await
            .unwrap();
        tx.commit().await.unwrap();
        on
    });
    until_someone_waits(&t, b).await;
    first.commit().await.unwrap();
    assert!(second.await.unwrap());

    assert_eq!(question_votes(&t, q).await, (2, 2));
    t.drop_db().await;
}

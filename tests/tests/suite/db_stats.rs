//! Every statistics and report query on SQLite and PostgreSQL, on a small
//! world whose figures are known by hand.

use app::accounts::Role;
use app::groups::GroupRole;
use app::stats::queries::{self, Activity};
use app::stats::{collect, trend};
use shuxiang_tests::{Backend, GroupSpec, TestDb, on_both_backends};

on_both_backends!(
    figures_count_each_record_once,
    trends_breakdowns_and_rankings,
    the_annual_report_covers_its_year,
);

const DAY: i64 = 86_400;

struct World {
    t: TestDb,
    now: i64,
    today: String,
    book_x: i64,
}

async fn exec(t: &TestDb, sql: &str, binds: &[i64]) {
    let mut q = sqlx::query(sql);
    for b in binds {
        q = q.bind(*b);
    }
    q.execute(t.db.pool()).await.unwrap();
}

async fn id(t: &TestDb, sql: &str, binds: &[i64]) -> i64 {
    let mut q = sqlx::query_scalar(sql);
    for b in binds {
        q = q.bind(*b);
    }
    q.fetch_one(t.db.pool()).await.unwrap()
}

async fn person(t: &TestDb, name: &str, role: Role, sector: Option<i64>) -> i64 {
    let a = app::accounts::queries::insert(t.db.pool(), name, name, "x", role, 1)
        .await
        .unwrap();
    if let Some(s) = sector {
        exec(
            t,
            "UPDATE account SET sector_id = $1 WHERE id = $2",
            &[s, a],
        )
        .await;
    }
    a
}

/// Two sectors; members m1 (经济界) and m2 (教育界), readers r1 and r2
/// (r2 active only 40 days ago); groups running, recruiting and ended; and
/// check-ins, posts, notes, progress, recommendations and lectures.
async fn world(b: Backend) -> World {
    let t = TestDb::new(b).await;
    let now = platform::now();
    let today = platform::today_string();
    let s1 = id(
        &t,
        "INSERT INTO sector (name, position) VALUES ('经济界', 1) RETURNING id",
        &[],
    )
    .await;
    let s2 = id(
        &t,
        "INSERT INTO sector (name, position) VALUES ('教育界', 2) RETURNING id",
        &[],
    )
    .await;
    let m1 = person(&t, "m1", Role::Member, Some(s1)).await;
    let m2 = person(&t, "m2", Role::Member, Some(s2)).await;
    let r1 = person(&t, "r1", Role::Reader, None).await;
    let r2 = person(&t, "r2", Role::Reader, None).await;
    person(&t, "boss", Role::Organiser, None).await;
    let g = t
        .group(GroupSpec {
            slug: "running",
            ..GroupSpec::default()
        })
        .await;
    t.group(GroupSpec {
        slug: "soon",
        starts: 5,
        ends: 60,
        ..GroupSpec::default()
    })
    .await;
    let ended = t
        .group(GroupSpec {
            slug: "over",
            starts: -60,
            ends: -10,
            ..GroupSpec::default()
        })
        .await;
    for a in [m1, m2, r1] {
        t.add_to_group(g, a, GroupRole::Member).await;
    }
    t.add_to_group(ended, r2, GroupRole::Member).await;
    let check_in =
        "INSERT INTO check_in (group_id, account_id, day, created_at) VALUES ($1, $2, $3, $4)";
    for (group, who, at) in [
        (g, m1, now),
        (g, m1, now - DAY),
        (g, r1, now),
        (ended, r2, now - 40 * DAY),
    ] {
        sqlx::query(check_in)
            .bind(group)
            .bind(who)
            .bind(platform::time::day_string(platform::time::day_at(at)))
            .bind(at)
            .execute(t.db.pool())
            .await
            .unwrap();
    }
    let th = {
        let mut conn = t.db.pool().acquire().await.unwrap();
        app::threads::queries::create_thread(&mut conn, g, None, m1, "讨论", now)
            .await
            .unwrap()
    };
    let post = "INSERT INTO post (thread_id, seq, account_id, body_md, body_html, created_at, deleted_at) \
                VALUES ($1, $2, $3, 'x', 'x', $4, $5)";
    for (seq, who, deleted) in [(1, m1, None), (2, m2, None), (3, m2, Some(now))] {
        sqlx::query(post)
            .bind(th)
            .bind(seq)
            .bind(who)
            .bind(now)
            .bind(deleted)
            .execute(t.db.pool())
            .await
            .unwrap();
    }
    let book_x = t.book("乡土中国", None).await;
    let book_y = t.book("红楼梦", None).await;
    let note = "INSERT INTO note (account_id, book_id, group_id, visibility, title, body_md, body_html, \
                created_at, updated_at) VALUES ($1, $2, $3, 'public', 't', 'b', 'b', $4, $4)";
    for (who, group) in [(m2, Some(g)), (r1, None)] {
        sqlx::query(note)
            .bind(who)
            .bind(book_x)
            .bind(group)
            .bind(now)
            .execute(t.db.pool())
            .await
            .unwrap();
    }
    let progress = "INSERT INTO reading_progress (account_id, book_id, status, updated_at) \
                    VALUES ($1, $2, $3, $4)";
    for (who, book, status, at) in [
        (m1, book_x, "finished", now),
        (r1, book_x, "finished", now),
        (m2, book_x, "reading", now),
        (r2, book_y, "finished", now - 40 * DAY),
    ] {
        sqlx::query(progress)
            .bind(who)
            .bind(book)
            .bind(status)
            .bind(at)
            .execute(t.db.pool())
            .await
            .unwrap();
    }
    let rec = "INSERT INTO recommendation (book_id, account_id, reason, status, created_at) \
               VALUES ($1, $2, '好书', $3, $4)";
    for (book, who, status) in [
        (book_y, m1, "approved"),
        (book_y, m2, "approved"),
        (book_x, r1, "approved"),
        (book_x, m2, "pending"),
    ] {
        sqlx::query(rec)
            .bind(book)
            .bind(who)
            .bind(status)
            .bind(now)
            .execute(t.db.pool())
            .await
            .unwrap();
    }
    let lecture = "INSERT INTO lecture (slug, title, speaker, starts_at, ends_at, state, views, checkin_key, \
                   created_at, updated_at) VALUES ($1, $2, '讲者', $3, $4, $5, $6, 'k', 1, 1) RETURNING id";
    let mut lecture_ids = Vec::new();
    for (slug, state, starts, views) in [
        ("held", "published", now - 7_200, 10),
        ("draft", "draft", now - 7_200, 5),
        ("later", "published", now + 7 * DAY, 0),
    ] {
        let l: i64 = sqlx::query_scalar(lecture)
            .bind(slug)
            .bind(format!("讲座{slug}"))
            .bind(starts)
            .bind(starts + 3_600)
            .bind(state)
            .bind(views)
            .fetch_one(t.db.pool())
            .await
            .unwrap();
        lecture_ids.push(l);
    }
    let held = lecture_ids[0];
    let venue = id(
        &t,
        "INSERT INTO venue (lecture_id, position, name, seats, taken) VALUES ($1, 0, '主会场', 10, 2) RETURNING id",
        &[held],
    )
    .await;
    // Audience of the held session: browser c1, m1 (browser c2, checked in,
    // registered), r1 (registered): three people.
    sqlx::query("INSERT INTO lecture_viewer (lecture_id, viewer, account_id, first_seen) VALUES ($1, 'c1', NULL, $2), ($1, 'c2', $3, $2)")
        .bind(held)
        .bind(now - 7_000)
        .bind(m1)
        .execute(t.db.pool())
        .await
        .unwrap();
    exec(
        &t,
        "INSERT INTO attendance (lecture_id, account_id, venue_id, checked_in_at) VALUES ($1, $2, $3, $4)",
        &[held, m1, venue, now - 7_000],
    )
    .await;
    for who in [m1, r1] {
        exec(
            &t,
            "INSERT INTO registration (lecture_id, account_id, venue_id, status, queued_at, updated_at) \
             VALUES ($1, $2, $3, 'confirmed', 1, 1)",
            &[held, who, venue],
        )
        .await;
    }
    World {
        t,
        now,
        today,
        book_x,
    }
}

async fn figures_count_each_record_once(b: Backend) {
    let w = world(b).await;
    let all = (i64::MIN / 2, i64::MAX / 2);
    let f = queries::figures(w.t.db.pool(), all, w.now - 30 * DAY, &w.today)
        .await
        .unwrap();
    assert_eq!(
        (f.groups_recruiting, f.groups_active, f.groups_ended),
        (1, 1, 1)
    );
    assert_eq!(
        (f.active_members, f.active_readers),
        (2, 1),
        "r2 was active 40 days ago only"
    );
    assert_eq!(
        (f.check_ins, f.posts, f.notes, f.books_finished),
        (4, 2, 2, 3)
    );
    assert_eq!(
        (f.lectures_held, f.lecture_views, f.lecture_audience),
        (1, 10, 3),
        "the draft and the coming session are not held; m1 counts once"
    );
    // A window of the last 30 days leaves out r2's old check-in and book.
    let recent = queries::figures(
        w.t.db.pool(),
        (w.now - 30 * DAY, w.now + DAY),
        w.now - 30 * DAY,
        &w.today,
    )
    .await
    .unwrap();
    assert_eq!((recent.check_ins, recent.books_finished), (3, 2));
    w.t.drop_db().await;
}

async fn trends_breakdowns_and_rankings(b: Backend) {
    let w = world(b).await;
    let pool = w.t.db.pool();
    let all = (i64::MIN / 2, i64::MAX / 2);
    let per_day = queries::per_day(pool, Activity::CheckIns, all.0, all.1)
        .await
        .unwrap();
    let today = trend::day_number(w.now);
    assert_eq!(per_day.get(&today), Some(&2));
    assert_eq!(per_day.get(&(today - 1)), Some(&1));
    assert_eq!(per_day.get(&(today - 40)), Some(&1));
    let posts = queries::per_day(pool, Activity::Posts, all.0, all.1)
        .await
        .unwrap();
    assert_eq!(posts.values().sum::<i64>(), 2, "deleted posts are left out");

    let sectors = queries::sectors(pool, all.0, all.1).await.unwrap();
    let rows: Vec<(&str, i64, i64, i64, i64)> = sectors
        .iter()
        .map(|s| (s.sector.as_str(), s.people, s.check_ins, s.notes, s.posts))
        .collect();
    assert_eq!(
        rows,
        vec![
            ("经济界", 1, 2, 0, 1),
            ("教育界", 1, 0, 1, 1),
            ("未设界别", 3, 2, 1, 0),
        ]
    );
    let groups = queries::groups(pool, all.0, all.1, 2).await.unwrap();
    assert_eq!(groups.len(), 2, "the limit holds");
    assert_eq!(groups[0].slug, "running");
    assert_eq!(
        (
            groups[0].members,
            groups[0].check_ins,
            groups[0].posts,
            groups[0].notes
        ),
        (3, 3, 2, 1)
    );
    assert_eq!(groups[1].slug, "over");
    let read = queries::most_read(pool, all.0, all.1, 10).await.unwrap();
    assert_eq!(
        read.iter()
            .map(|r| (r.title.as_str(), r.count, r.reading))
            .collect::<Vec<_>>(),
        vec![("乡土中国", 2, 1), ("红楼梦", 1, 0)]
    );
    assert_eq!(read[0].id, w.book_x);
    let recommended = queries::most_recommended(pool, all.0, all.1, 10)
        .await
        .unwrap();
    assert_eq!(
        recommended
            .iter()
            .map(|r| (r.title.as_str(), r.count))
            .collect::<Vec<_>>(),
        vec![("红楼梦", 2), ("乡土中国", 1)],
        "pending recommendations do not count"
    );
    let lectures = queries::lectures(pool, all.0, all.1).await.unwrap();
    assert_eq!(
        lectures
            .iter()
            .map(|l| (l.slug.as_str(), l.views, l.audience))
            .collect::<Vec<_>>(),
        vec![("held", 10, 3)]
    );

    // The page's assembly: 12 weeks and 12 months ending now.
    let stats = collect::stats(&w.t.db, w.now, &w.today).await.unwrap();
    assert_eq!((stats.weekly.len(), stats.monthly.len()), (12, 12));
    let this_month = stats.monthly.last().unwrap();
    assert!(this_month.check_ins >= 2 && this_month.posts == 2);
    assert_eq!(
        stats.weekly.iter().map(|r| r.check_ins).sum::<i64>(),
        4,
        "all four check-ins fall in the last 12 weeks"
    );
    assert_eq!(stats.groups[0].slug, "running");
    assert_eq!(stats.figures.check_ins, 4);
    let csv = app::stats::csv::write(&stats, "sectors").unwrap();
    assert!(
        csv.starts_with("\u{feff}界别,人数,打卡,读书心得,帖子\r\n经济界,1,2,0,1\r\n"),
        "{csv}"
    );
    assert!(app::stats::csv::write(&stats, "nope").is_none());
    w.t.drop_db().await;
}

async fn the_annual_report_covers_its_year(b: Backend) {
    let w = world(b).await;
    let year = platform::time::day_at(w.now).year();
    let report = collect::report(&w.t.db, year, &w.today).await.unwrap();
    assert_eq!(report.year, year);
    assert_eq!(report.monthly.len(), 12);
    let month = usize::from(u8::from(platform::time::day_at(w.now).month())) - 1;
    assert!(report.monthly[month].check_ins >= 2);
    assert_eq!(report.figures.posts, 2);
    assert_eq!(report.most_recommended[0].title, "红楼梦");
    assert_eq!(report.lectures.len(), 1);
    // Last year has none of it.
    let before = collect::report(&w.t.db, year - 1, &w.today).await.unwrap();
    assert_eq!(
        (
            before.figures.posts,
            before.figures.notes,
            before.lectures.len()
        ),
        (0, 0, 0)
    );
    w.t.drop_db().await;
}

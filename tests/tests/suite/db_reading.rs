//! Every book, cover, recommendation, progress, check-in and note query,
//! on SQLite and PostgreSQL.

use app::accounts::Role;
use app::books::RecommendationStatus;
use app::books::queries as books;
use app::groups::GroupRole;
use app::groups::queries::reading_list::{self as list_queries, ItemFields};
use app::notes::Visibility;
use app::notes::queries::{self as notes, NewNote};
use app::progress::ReadingStatus;
use app::progress::queries as progress;
use platform::media;
use shuxiang_tests::{Backend, GroupSpec, TestDb, day, on_both_backends};

/// The viewer of an account id as the tests write it: 0 is a visitor.
fn who(id: i64) -> platform::Viewer {
    platform::Viewer::of((id != 0).then_some(id))
}

on_both_backends!(
    books_insert_search_update_and_unique_isbn,
    covers_are_stored_served_and_replaced,
    recommendations_queue_and_review,
    progress_upsert_and_board,
    check_ins_once_a_day_with_counts,
    notes_follow_visibility,
    likes_count_once_per_person,
);

async fn books_insert_search_update_and_unique_isbn(b: Backend) {
    let t = TestDb::new(b).await;
    let santi = t.book("三体", Some("9787536692930")).await;
    t.book("三体Ⅱ：黑暗森林", None).await;
    t.book("读书_笔记 100%", None).await;
    assert_eq!(
        books::by_isbn(t.db.pool(), "9787536692930").await.unwrap(),
        Some(santi)
    );
    assert_eq!(
        books::by_isbn(t.db.pool(), "9780306406157").await.unwrap(),
        None
    );
    let found = books::search(t.db.pool(), "三体", 10, 0).await.unwrap();
    assert_eq!(found.len(), 2);
    assert_eq!(
        books::count_matching(t.db.pool(), "_").await.unwrap(),
        1,
        "wildcards are literal"
    );
    assert_eq!(
        books::count_matching(t.db.pool(), "6692930").await.unwrap(),
        1,
        "ISBN is searched"
    );
    assert_eq!(
        books::count_matching(t.db.pool(), "测试作者")
            .await
            .unwrap(),
        3,
        "authors are searched"
    );
    assert_eq!(books::search(t.db.pool(), "", 2, 2).await.unwrap().len(), 1);
    let mut fields = books::get(t.db.pool(), santi)
        .await
        .unwrap()
        .unwrap()
        .fields;
    fields.title = "三体（典藏版）".into();
    fields.pages = Some(302);
    assert!(books::update(t.db.pool(), santi, &fields).await.unwrap());
    assert_eq!(
        books::get(t.db.pool(), santi)
            .await
            .unwrap()
            .unwrap()
            .fields
            .title,
        "三体（典藏版）"
    );
    let err = t
        .book_result("重复", Some("9787536692930"))
        .await
        .unwrap_err();
    assert!(platform::is_unique_violation(&err));
    assert_eq!(books::count(t.db.pool()).await.unwrap(), 3);
    assert_eq!(books::all(t.db.pool()).await.unwrap().len(), 3);
    assert!(books::get(t.db.pool(), 9999).await.unwrap().is_none());
    t.drop_db().await;
}

async fn covers_are_stored_served_and_replaced(b: Backend) {
    let t = TestDb::new(b).await;
    let book = t.book("红楼梦", None).await;
    assert_eq!(
        books::cover_of(t.db.pool(), book).await.unwrap(),
        Some(None)
    );
    assert_eq!(books::cover_of(t.db.pool(), 9999).await.unwrap(), None);
    let img = |data: &'static [u8]| media::NewImage {
        content_type: "image/jpeg",
        width: 600,
        height: 900,
        data,
        thumb_content_type: "image/jpeg",
        thumb_width: 160,
        thumb_height: 240,
        thumb: b"thumb bytes",
    };
    let first = media::insert(t.db.pool(), &img(b"\xff\xd8first"), 1)
        .await
        .unwrap();
    assert!(books::set_cover(t.db.pool(), book, first).await.unwrap());
    let stored = media::read(t.db.pool(), first, false)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.bytes, b"\xff\xd8first");
    assert_eq!(stored.content_type, "image/jpeg");
    assert_eq!(
        media::read(t.db.pool(), first, true)
            .await
            .unwrap()
            .unwrap()
            .bytes,
        b"thumb bytes"
    );
    let second = media::insert(t.db.pool(), &img(b"\xff\xd8second"), 2)
        .await
        .unwrap();
    books::set_cover(t.db.pool(), book, second).await.unwrap();
    media::delete(t.db.pool(), first).await.unwrap();
    assert!(
        media::read(t.db.pool(), first, false)
            .await
            .unwrap()
            .is_none()
    );
    assert_eq!(
        books::get(t.db.pool(), book)
            .await
            .unwrap()
            .unwrap()
            .cover_id,
        Some(second)
    );
    t.drop_db().await;
}

async fn recommendations_queue_and_review(b: Backend) {
    let t = TestDb::new(b).await;
    let book = t.book("人世间", None).await;
    let member = t.account("wy", "password-123", Role::Member).await;
    let boss = t.account("boss", "password-123", Role::Organiser).await;
    let r1 = books::recommend(t.db.pool(), book, member, "写普通人的悲欢", 100)
        .await
        .unwrap();
    let r2 = books::recommend(t.db.pool(), book, member, "第二条", 200)
        .await
        .unwrap();
    let pending = books::recommendations(t.db.pool(), RecommendationStatus::Pending)
        .await
        .unwrap();
    assert_eq!(
        pending.iter().map(|r| r.id).collect::<Vec<_>>(),
        vec![r1, r2],
        "oldest first"
    );
    assert_eq!(pending[0].recommender, "测试wy");
    assert!(
        books::review(
            t.db.pool(),
            r1,
            RecommendationStatus::Approved,
            "好书",
            boss,
            300
        )
        .await
        .unwrap()
    );
    assert!(
        !books::review(
            t.db.pool(),
            r1,
            RecommendationStatus::Declined,
            "",
            boss,
            301
        )
        .await
        .unwrap(),
        "only once"
    );
    assert!(
        books::review(
            t.db.pool(),
            r2,
            RecommendationStatus::Declined,
            "重复",
            boss,
            302
        )
        .await
        .unwrap()
    );
    let approved = books::recommendations(t.db.pool(), RecommendationStatus::Approved)
        .await
        .unwrap();
    assert_eq!(approved.len(), 1);
    assert_eq!(
        (approved[0].review_comment.as_str(), approved[0].reviewed_at),
        ("好书", Some(300))
    );
    assert_eq!(
        books::recommendations_by(t.db.pool(), member)
            .await
            .unwrap()
            .len(),
        2
    );
    t.drop_db().await;
}

async fn progress_upsert_and_board(b: Backend) {
    let t = TestDb::new(b).await;
    let gid = t.group(GroupSpec::default()).await;
    let listed = t.book("乡土中国", None).await;
    let unlisted = t.book("围城", None).await;
    let a = t.account("ra", "password-123", Role::Reader).await;
    let outsider = t.account("rb", "password-123", Role::Reader).await;
    t.add_to_group(gid, a, GroupRole::Member).await;
    let mut conn = t.db.pool().acquire().await.unwrap();
    let f = ItemFields {
        starts_on: "2026-01-01",
        ends_on: "2026-02-01",
        guide_md: "",
        guide_html: "",
    };
    list_queries::add(&mut conn, gid, listed, &f).await.unwrap();
    drop(conn);
    progress::set(t.db.pool(), a, listed, ReadingStatus::Want, None, None, 1)
        .await
        .unwrap();
    progress::set(
        t.db.pool(),
        a,
        listed,
        ReadingStatus::Reading,
        Some(120),
        Some(40),
        2,
    )
    .await
    .unwrap();
    progress::set(
        t.db.pool(),
        a,
        unlisted,
        ReadingStatus::Finished,
        None,
        Some(100),
        3,
    )
    .await
    .unwrap();
    progress::set(
        t.db.pool(),
        outsider,
        listed,
        ReadingStatus::Reading,
        None,
        Some(10),
        4,
    )
    .await
    .unwrap();
    let p = progress::of_book(t.db.pool(), a, listed)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (p.status, p.page, p.percent, p.updated_at),
        (ReadingStatus::Reading, Some(120), Some(40), 2)
    );
    let mine = progress::of_account(t.db.pool(), a).await.unwrap();
    assert_eq!(
        mine.iter().map(|p| p.title.as_str()).collect::<Vec<_>>(),
        vec!["围城", "乡土中国"],
        "latest first"
    );
    let board = progress::board(t.db.pool(), gid).await.unwrap();
    assert_eq!(board.len(), 1, "only members, only the list's books");
    assert_eq!(board[0].0, a);
    assert!(
        progress::of_book(t.db.pool(), outsider, unlisted)
            .await
            .unwrap()
            .is_none()
    );
    t.drop_db().await;
}

async fn check_ins_once_a_day_with_counts(b: Backend) {
    let t = TestDb::new(b).await;
    let g1 = t
        .group(GroupSpec {
            slug: "g1",
            ..GroupSpec::default()
        })
        .await;
    let g2 = t
        .group(GroupSpec {
            slug: "g2",
            ..GroupSpec::default()
        })
        .await;
    let a = t.account("ck", "password-123", Role::Reader).await;
    let today = day(0);
    assert!(
        progress::check_in(t.db.pool(), g1, a, &today, Some(30), None, "读了一章", 1)
            .await
            .unwrap()
    );
    assert!(
        !progress::check_in(t.db.pool(), g1, a, &today, Some(10), None, "", 2)
            .await
            .unwrap(),
        "once a day"
    );
    assert!(
        progress::check_in(t.db.pool(), g2, a, &today, None, Some(12), "", 3)
            .await
            .unwrap(),
        "per group"
    );
    assert!(
        progress::check_in(t.db.pool(), g1, a, &day(-1), Some(5), None, "", 4)
            .await
            .unwrap()
    );
    assert!(
        progress::checked_in(t.db.pool(), g1, a, &today)
            .await
            .unwrap()
    );
    assert!(
        !progress::checked_in(t.db.pool(), g1, a, &day(-2))
            .await
            .unwrap()
    );
    let counts = progress::daily_counts(t.db.pool(), a, &day(-10))
        .await
        .unwrap();
    assert_eq!(counts, vec![(day(-1), 1), (today.clone(), 2)]);
    let days = progress::group_days(t.db.pool(), g1, &day(-10))
        .await
        .unwrap();
    assert_eq!(days, vec![(a, day(-1)), (a, today.clone())]);
    let all = progress::check_ins_of(t.db.pool(), a).await.unwrap();
    assert_eq!(all.len(), 3);
    assert_eq!(all[0].day, today);
    assert!(
        all.iter()
            .any(|c| c.line == "读了一章" && c.group_name == "测试群 g1")
    );
    t.drop_db().await;
}

async fn notes_follow_visibility(b: Backend) {
    let t = TestDb::new(b).await;
    let gid = t.group(GroupSpec::default()).await;
    let book = t.book("论语", None).await;
    let author = t.account("writer", "password-123", Role::Reader).await;
    let member = t.account("insider", "password-123", Role::Reader).await;
    let stranger = t.account("stranger", "password-123", Role::Reader).await;
    t.add_to_group(gid, author, GroupRole::Member).await;
    t.add_to_group(gid, member, GroupRole::Member).await;
    let write = |visibility, group| NewNote {
        account_id: author,
        book_id: book,
        group_id: group,
        visibility,
        title: "心得",
        body_md: "正文",
        body_html: "<p>正文</p>",
    };
    let public = notes::insert(t.db.pool(), &write(Visibility::Public, None), 1)
        .await
        .unwrap();
    let group_only = notes::insert(t.db.pool(), &write(Visibility::Group, Some(gid)), 2)
        .await
        .unwrap();
    let private = notes::insert(t.db.pool(), &write(Visibility::Private, Some(gid)), 3)
        .await
        .unwrap();
    let ids = |p: app::notes::NotePage| p.notes.into_iter().map(|n| n.id).collect::<Vec<_>>();
    let (on_book, in_group) = (notes::NotesOf::Book(book), notes::NotesOf::Group(gid));
    assert_eq!(
        ids(notes::page(t.db.pool(), on_book, who(author), 1)
            .await
            .unwrap()),
        vec![private, group_only, public]
    );
    assert_eq!(
        ids(notes::page(t.db.pool(), on_book, who(member), 1)
            .await
            .unwrap()),
        vec![group_only, public]
    );
    assert_eq!(
        ids(notes::page(t.db.pool(), on_book, who(stranger), 1)
            .await
            .unwrap()),
        vec![public]
    );
    assert_eq!(
        ids(notes::page(t.db.pool(), on_book, who(0), 1).await.unwrap()),
        vec![public],
        "visitors"
    );
    assert_eq!(
        ids(notes::page(t.db.pool(), in_group, who(member), 1)
            .await
            .unwrap()),
        vec![group_only]
    );
    let none = notes::page(t.db.pool(), in_group, who(stranger), 1)
        .await
        .unwrap();
    assert!(none.notes.is_empty() && none.total == 0);
    assert!(
        notes::visible(t.db.pool(), private, who(member))
            .await
            .unwrap()
            .is_none()
    );
    assert!(
        notes::visible(t.db.pool(), private, who(author))
            .await
            .unwrap()
            .is_some()
    );
    assert_eq!(
        notes::of_account(t.db.pool(), author).await.unwrap().len(),
        3
    );
    assert!(
        !notes::delete_own(t.db.pool(), public, stranger)
            .await
            .unwrap(),
        "only the author deletes"
    );
    assert!(
        notes::delete_own(t.db.pool(), public, author)
            .await
            .unwrap()
    );
    assert_eq!(notes::count(t.db.pool()).await.unwrap(), 2);
    t.drop_db().await;
}

async fn likes_count_once_per_person(b: Backend) {
    let t = TestDb::new(b).await;
    let book = t.book("活着", None).await;
    let a = t.account("la", "password-123", Role::Reader).await;
    let c = t.account("lc", "password-123", Role::Reader).await;
    let n = notes::insert(
        t.db.pool(),
        &NewNote {
            account_id: a,
            book_id: book,
            group_id: None,
            visibility: Visibility::Public,
            title: "t",
            body_md: "b",
            body_html: "<p>b</p>",
        },
        1,
    )
    .await
    .unwrap();
    let mut conn = t.db.pool().acquire().await.unwrap();
    assert_eq!(notes::set_like(&mut conn, n, c, true, 2).await.unwrap(), 1);
    assert_eq!(
        notes::set_like(&mut conn, n, c, true, 3).await.unwrap(),
        1,
        "twice counts once"
    );
    assert_eq!(notes::set_like(&mut conn, n, a, true, 4).await.unwrap(), 2);
    drop(conn);
    let seen = notes::visible(t.db.pool(), n, who(c))
        .await
        .unwrap()
        .unwrap();
    assert!(seen.liked);
    assert_eq!(seen.likes, 2);
    let mut conn = t.db.pool().acquire().await.unwrap();
    assert_eq!(notes::set_like(&mut conn, n, c, false, 5).await.unwrap(), 1);
    assert_eq!(notes::set_like(&mut conn, n, c, false, 6).await.unwrap(), 1);
    drop(conn);
    assert!(
        !notes::visible(t.db.pool(), n, who(c))
            .await
            .unwrap()
            .unwrap()
            .liked
    );
    t.drop_db().await;
}

//! Search on SQLite and PostgreSQL: the same fixed queries give the same
//! documents on both, Chinese words of any length are found, and nobody
//! finds what they may not read.

use app::accounts::Role;
use app::groups::{GroupRole, GroupVisibility};
use app::notes::Visibility;
use app::notes::queries::{self as notes, NewNote};
use app::search::SearchKind;
use app::search::queries::index;
use app::search::queries::{self, Filter, Searcher};
use app::search::tokens::Query;
use app::threads::queries::{self as threads, NewPost};
use shuxiang_tests::{Backend, GroupSpec, TestDb, bulk_posts, on_both_backends};

on_both_backends!(
    fixed_queries_find_the_same_documents,
    nobody_finds_what_they_may_not_read,
    changes_reach_the_index,
    kinds_dates_counts_and_pages,
    common_words_are_counted_up_to_the_cap,
);

async fn acct(t: &TestDb, name: &str, role: Role) -> i64 {
    app::accounts::queries::insert(t.db.pool(), name, name, "not-a-hash", role, 1)
        .await
        .expect("insert account")
}

async fn thread(t: &TestDb, group: i64, author: i64, title: &str, at: i64) -> i64 {
    let mut conn = t.db.pool().acquire().await.unwrap();
    threads::create_thread(&mut conn, group, None, author, title, at)
        .await
        .unwrap()
}

async fn post(t: &TestDb, thread: i64, author: i64, md: &str, at: i64) -> i64 {
    let mut conn = t.db.pool().acquire().await.unwrap();
    let html = platform::markdown::render(md);
    threads::add_post(
        &mut conn,
        &NewPost {
            thread_id: thread,
            account_id: author,
            quote_id: None,
            body_md: md,
            body_html: &html,
        },
        at,
    )
    .await
    .unwrap()
    .expect("thread open")
    .0
}

/// A note by `author` about `book`, shared as `visibility` (with `group`).
async fn note(
    t: &TestDb,
    (author, book, group): (i64, i64, Option<i64>),
    visibility: Visibility,
    (title, body): (&str, &str),
    at: i64,
) -> i64 {
    notes::insert(
        t.db.pool(),
        &NewNote {
            account_id: author,
            book_id: book,
            group_id: group,
            visibility,
            title,
            body_md: body,
            body_html: body,
        },
        at,
    )
    .await
    .unwrap()
}

async fn lecture(t: &TestDb, slug: &str, title: &str, state: &str, starts: i64) -> i64 {
    sqlx::query_scalar(
        "INSERT INTO lecture (slug, title, series, speaker, abstract_md, starts_at, ends_at, state, \
         checkin_key, created_at, updated_at) VALUES ($1, $2, '自我保健促健康', '李医生', \
         '讲讲**健康**生活', $3, $4, $5, 'k', 1, 1) RETURNING id",
    )
    .bind(slug)
    .bind(title)
    .bind(starts)
    .bind(starts + 3600)
    .bind(state)
    .fetch_one(t.db.pool())
    .await
    .unwrap()
}

/// The titles (or first 12 characters of the text) found for `q`, newest first.
async fn found(t: &TestDb, who: Searcher, q: &str, filter: Filter) -> Vec<(SearchKind, String)> {
    index::drain(&t.db).await.unwrap();
    let query = Query::parse(q);
    queries::page(&t.db, who, &query, filter, 100, 0)
        .await
        .unwrap()
        .into_iter()
        .map(|f| {
            let shown = if f.kind == SearchKind::Post {
                f.body.chars().take(12).collect()
            } else {
                f.title
            };
            (f.kind, shown)
        })
        .collect()
}

const VISITOR: Searcher = Searcher {
    viewer: platform::Viewer::Visitor,
    organiser: false,
};

/// A public group with one thread and posts, books, a lecture: the corpus
/// of the fixed queries.
async fn corpus(t: &TestDb) -> i64 {
    let alice = acct(t, "alice", Role::Member).await;
    let g = t
        .group(GroupSpec {
            slug: "sanwen",
            ..GroupSpec::default()
        })
        .await;
    t.add_to_group(g, alice, GroupRole::Member).await;
    let book = t.book("三体", None).await;
    t.book("红楼梦", None).await;
    t.book("Python 编程：从入门到实践", None).await;
    let th = thread(t, g, alice, "学习新思想 建功新时代", 100).await;
    post(
        t,
        th,
        alice,
        "我最近在读《三体问题》的续篇，很受启发。",
        101,
    )
    .await;
    post(t, th, alice, "读书会定在周六，大家一起**读书**。", 102).await;
    post(t, th, alice, "AI时代的阅读方式值得讨论", 103).await;
    post(t, th, alice, "The PYTHON book is great; 推荐给大家", 104).await;
    post(t, th, alice, "红楼 与 梦：两个词分开出现", 105).await;
    note(
        t,
        (alice, book, None),
        Visibility::Public,
        ("重读红楼梦", "宝黛的故事"),
        106,
    )
    .await;
    lecture(t, "jiankang", "健康讲座：AI 时代的养生", "published", 107).await;
    lecture(t, "caogao", "草稿讲座：三体", "draft", 108).await;
    alice
}

async fn fixed_queries_find_the_same_documents(b: Backend) {
    let t = TestDb::new(b).await;
    corpus(&t).await;
    let cases: Vec<(&str, Vec<(SearchKind, &str)>)> = vec![
        // Two characters, inside a longer word and as a title.
        (
            "三体",
            vec![
                (SearchKind::Post, "我最近在读《三体问题》的"),
                (SearchKind::Book, "三体"),
            ],
        ),
        ("读书", vec![(SearchKind::Post, "读书会定在周六，大家一起")]),
        // A longer word is a phrase: 红楼 and 梦 apart do not match.
        (
            "红楼梦",
            vec![
                (SearchKind::Note, "重读红楼梦"),
                (SearchKind::Book, "红楼梦"),
            ],
        ),
        (
            "学习新思想",
            vec![(SearchKind::Thread, "学习新思想 建功新时代")],
        ),
        // Mixed Chinese and English, with or without a space.
        (
            "AI 时代",
            vec![
                (SearchKind::Lecture, "健康讲座：AI 时代的养生"),
                (SearchKind::Post, "AI时代的阅读方式值得讨"),
            ],
        ),
        (
            "ai时代",
            vec![
                (SearchKind::Lecture, "健康讲座：AI 时代的养生"),
                (SearchKind::Post, "AI时代的阅读方式值得讨"),
            ],
        ),
        // English ignores case.
        (
            "python",
            vec![
                (SearchKind::Post, "The PYTHON b"),
                (SearchKind::Book, "Python 编程：从入门到实践"),
            ],
        ),
        // Several words: all must be there.
        (
            "三体 续篇",
            vec![(SearchKind::Post, "我最近在读《三体问题》的")],
        ),
        ("三体 红楼梦", vec![]),
        // One character finds words starting with it.
        ("宝", vec![(SearchKind::Note, "重读红楼梦")]),
        // The lecture's Markdown is searched as text; drafts never.
        (
            "健康 养生",
            vec![(SearchKind::Lecture, "健康讲座：AI 时代的养生")],
        ),
        ("草稿", vec![]),
        // Punctuation and operators are not search syntax.
        ("\"三体\" OR", vec![]),
        (
            "三体)*",
            vec![
                (SearchKind::Post, "我最近在读《三体问题》的"),
                (SearchKind::Book, "三体"),
            ],
        ),
    ];
    for (q, expected) in cases {
        let got = found(&t, VISITOR, q, Filter::default()).await;
        let expected: Vec<(SearchKind, String)> = expected
            .into_iter()
            .map(|(k, s)| (k, s.to_owned()))
            .collect();
        // Books are made "now" and sort before the fixed early timestamps.
        let key = |v: &[(SearchKind, String)]| {
            let mut v: Vec<(&str, String)> =
                v.iter().map(|(k, s)| (k.as_str(), s.clone())).collect();
            v.sort();
            v
        };
        let (got_sorted, expected_sorted) = (key(&got), key(&expected));
        assert_eq!(got_sorted, expected_sorted, "query {q:?} on {b:?}");
    }
    t.drop_db().await;
}

async fn nobody_finds_what_they_may_not_read(b: Backend) {
    let t = TestDb::new(b).await;
    let member = acct(&t, "member", Role::Member).await;
    let outsider = acct(&t, "outsider", Role::Reader).await;
    let boss = acct(&t, "boss", Role::Organiser).await;
    let closed = t
        .group(GroupSpec {
            slug: "neibu",
            visibility: GroupVisibility::Members,
            ..GroupSpec::default()
        })
        .await;
    t.add_to_group(closed, member, GroupRole::Member).await;
    let th = thread(&t, closed, member, "内部讨论机密", 10).await;
    post(&t, th, member, "机密内容：只给成员看", 11).await;
    let book = t.book("公开的书", None).await;
    note(
        &t,
        (member, book, None),
        Visibility::Private,
        ("私人机密笔记", "机密"),
        12,
    )
    .await;
    note(
        &t,
        (member, book, Some(closed)),
        Visibility::Group,
        ("群内机密心得", "机密"),
        13,
    )
    .await;
    let as_of = |id, organiser| Searcher {
        viewer: platform::Viewer::of((id != 0).then_some(id)),
        organiser,
    };
    let kinds = |v: Vec<(SearchKind, String)>| v.into_iter().map(|(k, _)| k).collect::<Vec<_>>();

    assert!(
        found(&t, VISITOR, "机密", Filter::default())
            .await
            .is_empty()
    );
    assert!(
        found(&t, as_of(outsider, false), "机密", Filter::default())
            .await
            .is_empty(),
        "a reader outside the group finds nothing"
    );
    assert_eq!(
        kinds(found(&t, as_of(member, false), "机密", Filter::default()).await),
        vec![
            SearchKind::Note,
            SearchKind::Note,
            SearchKind::Post,
            SearchKind::Thread
        ],
        "the member finds the group's threads and both their notes"
    );
    assert_eq!(
        kinds(found(&t, as_of(boss, true), "机密", Filter::default()).await),
        vec![SearchKind::Post, SearchKind::Thread],
        "organisers read every group's threads, but not others' notes"
    );
    // Counts follow the same rule.
    let q = Query::parse("机密");
    let counts = queries::counts(&t.db, as_of(outsider, false), &q, Filter::default())
        .await
        .unwrap();
    assert!(counts.is_empty());
    // Making the group public opens its threads, not the notes.
    sqlx::query("UPDATE reading_group SET visibility = 'public' WHERE id = $1")
        .bind(closed)
        .execute(t.db.pool())
        .await
        .unwrap();
    assert_eq!(
        kinds(found(&t, as_of(outsider, false), "机密", Filter::default()).await),
        vec![SearchKind::Post, SearchKind::Thread]
    );
    t.drop_db().await;
}

async fn changes_reach_the_index(b: Backend) {
    let t = TestDb::new(b).await;
    let alice = acct(&t, "alice", Role::Member).await;
    let g = t.group(GroupSpec::default()).await;
    t.add_to_group(g, alice, GroupRole::Member).await;
    let th = thread(&t, g, alice, "讨论", 1).await;
    let p = post(&t, th, alice, "原来的说法：荷塘月色", 2).await;
    assert_eq!(found(&t, VISITOR, "荷塘", Filter::default()).await.len(), 1);
    // An edit replaces the words.
    sqlx::query("UPDATE post SET body_md = '改过的说法：背影' WHERE id = $1")
        .bind(p)
        .execute(t.db.pool())
        .await
        .unwrap();
    assert!(
        found(&t, VISITOR, "荷塘", Filter::default())
            .await
            .is_empty()
    );
    assert_eq!(found(&t, VISITOR, "背影", Filter::default()).await.len(), 1);
    // Hidden and deleted posts leave the index; restored ones come back.
    for (set, expect) in [
        ("hidden_at = 5", 0),
        ("hidden_at = NULL", 1),
        ("deleted_at = 6", 0),
    ] {
        sqlx::query(&format!("UPDATE post SET {set} WHERE id = $1"))
            .bind(p)
            .execute(t.db.pool())
            .await
            .unwrap();
        assert_eq!(
            found(&t, VISITOR, "背影", Filter::default()).await.len(),
            expect,
            "{set}"
        );
    }
    // A lecture is found once published; a deleted book is gone.
    let l = lecture(&t, "x", "朱自清散文赏析", "draft", 50).await;
    assert!(
        found(&t, VISITOR, "散文", Filter::default())
            .await
            .is_empty()
    );
    sqlx::query("UPDATE lecture SET state = 'published' WHERE id = $1")
        .bind(l)
        .execute(t.db.pool())
        .await
        .unwrap();
    assert_eq!(found(&t, VISITOR, "散文", Filter::default()).await.len(), 1);
    let book = t.book("匆匆", None).await;
    assert_eq!(found(&t, VISITOR, "匆匆", Filter::default()).await.len(), 1);
    sqlx::query("DELETE FROM book WHERE id = $1")
        .bind(book)
        .execute(t.db.pool())
        .await
        .unwrap();
    assert!(
        found(&t, VISITOR, "匆匆", Filter::default())
            .await
            .is_empty()
    );
    // Views of a lecture change often and queue nothing.
    sqlx::query("UPDATE lecture SET views = views + 1 WHERE id = $1")
        .bind(l)
        .execute(t.db.pool())
        .await
        .unwrap();
    assert!(!index::pending(&t.db).await.unwrap());
    let docs: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM search_doc")
        .fetch_one(t.db.pool())
        .await
        .unwrap();
    // The group, the thread, the lecture (the post is deleted, the book gone).
    assert_eq!(docs, 3);
    t.drop_db().await;
}

async fn kinds_dates_counts_and_pages(b: Backend) {
    let t = TestDb::new(b).await;
    let alice = acct(&t, "alice", Role::Member).await;
    let g = t.group(GroupSpec::default()).await;
    t.add_to_group(g, alice, GroupRole::Member).await;
    let th = thread(&t, g, alice, "读书心得交流", 1_000).await;
    for i in 0..30 {
        post(&t, th, alice, &format!("第{i}楼：读书使人明智"), 2_000 + i).await;
    }
    index::drain(&t.db).await.unwrap();
    let q = Query::parse("读书");
    let all = Filter::default();
    assert_eq!(
        queries::counts(&t.db, VISITOR, &q, all).await.unwrap(),
        vec![(SearchKind::Thread, 1), (SearchKind::Post, 30)]
    );
    let posts = Filter {
        kind: Some(SearchKind::Post),
        ..all
    };
    let first = queries::page(&t.db, VISITOR, &q, posts, 20, 0)
        .await
        .unwrap();
    let second = queries::page(&t.db, VISITOR, &q, posts, 20, 20)
        .await
        .unwrap();
    assert_eq!((first.len(), second.len()), (20, 10));
    assert_eq!(first[0].created_at, 2_029, "newest first");
    assert_eq!(second[9].created_at, 2_000);
    assert!(first.iter().all(|f| f.kind == SearchKind::Post));
    // Dates: [from, to).
    let window = Filter {
        from: Some(2_010),
        to: Some(2_015),
        ..all
    };
    let got = queries::page(&t.db, VISITOR, &q, window, 100, 0)
        .await
        .unwrap();
    assert_eq!(
        got.iter().map(|f| f.created_at).collect::<Vec<_>>(),
        vec![2_014, 2_013, 2_012, 2_011, 2_010]
    );
    // The overview: at most 3 of each kind.
    let top = queries::top_of_each_kind(&t.db, VISITOR, &q, all, 3)
        .await
        .unwrap();
    assert_eq!(
        top.iter()
            .map(|f| (f.kind, f.created_at))
            .collect::<Vec<_>>(),
        vec![
            (SearchKind::Post, 2_029),
            (SearchKind::Post, 2_028),
            (SearchKind::Post, 2_027),
            (SearchKind::Thread, 1_000)
        ]
    );
    t.drop_db().await;
}

/// Posts over the cap: counts stop at `COUNT_CAP + 1` ("1000+"), each kind
/// on its own; what is below the cap, a date window or a rare word, is
/// counted exactly; the newest still come first and pages go on past the
/// cap; reading rights are applied as before.
async fn common_words_are_counted_up_to_the_cap(b: Backend) {
    use app::search::{COUNT_CAP, count_label};
    let t = TestDb::new(b).await;
    let alice = acct(&t, "alice", Role::Member).await;
    let g = t.group(GroupSpec::default()).await;
    let hidden = t
        .group(GroupSpec {
            slug: "neibu",
            visibility: GroupVisibility::Members,
            ..GroupSpec::default()
        })
        .await;
    t.add_to_group(g, alice, GroupRole::Member).await;
    t.add_to_group(hidden, alice, GroupRole::Member).await;
    let th = thread(&t, g, alice, "读书心得交流", 1_000).await;
    let n = COUNT_CAP + 10;
    let bodies: Vec<String> = (0..n).map(|i| format!("第{i}楼：读书使人明智")).collect();
    bulk_posts(&t.db, th, alice, &bodies, 1, 10_000).await;
    let inner = thread(&t, hidden, alice, "内部讨论", 1_001).await;
    let secret: Vec<String> = (0..5).map(|i| format!("第{i}楼：读书与雪花秘方")).collect();
    bulk_posts(&t.db, inner, alice, &secret, 1, 50_000).await;
    index::drain(&t.db).await.unwrap();

    let q = Query::parse("读书");
    let all = Filter::default();
    let capped = queries::counts(&t.db, VISITOR, &q, all).await.unwrap();
    assert_eq!(
        capped,
        vec![(SearchKind::Thread, 1), (SearchKind::Post, COUNT_CAP + 1)]
    );
    assert_eq!(count_label(capped[1].1), "1000+");
    assert_eq!(count_label(COUNT_CAP), "1000");
    assert_eq!(count_label(7), "7");
    // Below the cap, exact: a date window of 300 posts.
    let window = Filter {
        from: Some(10_100),
        to: Some(10_400),
        ..all
    };
    assert_eq!(
        queries::counts(&t.db, VISITOR, &q, window).await.unwrap(),
        vec![(SearchKind::Post, 300)]
    );
    // A rare word only members of the hidden group may read.
    let rare = Query::parse("雪花秘方");
    assert!(
        queries::counts(&t.db, VISITOR, &rare, all)
            .await
            .unwrap()
            .is_empty()
    );
    let member = Searcher {
        viewer: platform::Viewer::Account(alice),
        organiser: false,
    };
    assert_eq!(
        queries::counts(&t.db, member, &rare, all).await.unwrap(),
        vec![(SearchKind::Post, 5)]
    );
    // The newest of each kind, each with its own limit.
    let top = queries::top_of_each_kind(&t.db, VISITOR, &q, all, 3)
        .await
        .unwrap();
    let last = 10_000 + n - 1;
    assert_eq!(
        top.iter()
            .map(|f| (f.kind, f.created_at))
            .collect::<Vec<_>>(),
        vec![
            (SearchKind::Post, last),
            (SearchKind::Post, last - 1),
            (SearchKind::Post, last - 2),
            (SearchKind::Thread, 1_000)
        ]
    );
    let top = queries::top_of_each_kind(&t.db, member, &q, all, 2)
        .await
        .unwrap();
    assert_eq!(
        top.iter().map(|f| f.created_at).collect::<Vec<_>>(),
        vec![50_004, 50_003, 1_000],
        "the member's newest come from the hidden group"
    );
    // Pages of one kind go on past the cap, newest first.
    let posts = Filter {
        kind: Some(SearchKind::Post),
        ..all
    };
    let tail = queries::page(&t.db, VISITOR, &q, posts, 20, COUNT_CAP)
        .await
        .unwrap();
    assert_eq!(
        tail.iter().map(|f| f.created_at).collect::<Vec<_>>(),
        (10_000..10_010).rev().collect::<Vec<_>>()
    );
    t.drop_db().await;
}

//! Every thread, post, moderation, notification and like query of the
//! discussion threads, on SQLite and PostgreSQL.

use app::accounts::Role;
use app::groups::{GroupRole, GroupVisibility};
use app::notifications::NotificationKind;
use app::notifications::queries::{self as notes, NewNotification};
use app::threads::moderation;
use app::threads::queries::{self, NewPost, PostViewer, ThreadFlag};
use app::threads::{PostState, PostView};
use platform::Viewer;
use platform::likes;
use shuxiang_tests::{Backend, GroupSpec, TestDb, on_both_backends};

/// The viewer of an account id as the tests write it: 0 is a visitor.
fn who(id: i64) -> Viewer {
    Viewer::of((id != 0).then_some(id))
}

on_both_backends!(
    posts_are_numbered_and_locked_threads_refuse_them,
    posts_between_returns_exactly_the_range,
    viewers_see_only_what_they_may,
    quotes_name_their_source_and_forget_deleted_text,
    edits_keep_revisions_and_only_the_author_edits_or_deletes,
    likes_count_once_per_person,
    read_positions_never_move_back,
    group_threads_put_pinned_first_then_latest,
    book_threads_and_may_read_follow_group_visibility,
    posts_since_counts_recent_posts,
    mention_candidates_are_group_members,
    mention_candidates_ignore_case_on_both_backends,
    accounts_named_finds_active_accounts,
    notifications_insert_list_and_mark_read,
    moderation_reports_hidden_posts_and_log,
    concurrent_replies_get_distinct_numbers,
);

/// An account without the (slow) password hash; display name "测试<name>".
async fn acct(t: &TestDb, name: &str, role: Role) -> i64 {
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

async fn new_thread(
    t: &TestDb,
    group: i64,
    book: Option<i64>,
    author: i64,
    title: &str,
    now: i64,
) -> i64 {
    let mut conn = t.db.pool().acquire().await.unwrap();
    queries::create_thread(&mut conn, group, book, author, title, now)
        .await
        .unwrap()
}

/// Adds a post; `(post id, seq)`, or `None` when the thread is locked.
async fn post(
    t: &TestDb,
    thread: i64,
    author: i64,
    quote: Option<i64>,
    md: &str,
    now: i64,
) -> Option<(i64, i64)> {
    let html = format!("<p>{md}</p>");
    let mut conn = t.db.pool().acquire().await.unwrap();
    queries::add_post(
        &mut conn,
        &NewPost {
            thread_id: thread,
            account_id: author,
            quote_id: quote,
            body_md: md,
            body_html: &html,
        },
        now,
    )
    .await
    .unwrap()
}

async fn page(
    t: &TestDb,
    thread: i64,
    first: i64,
    last: i64,
    viewer: i64,
    sees_hidden: bool,
) -> Vec<PostView> {
    queries::posts_between(
        t.db.pool(),
        thread,
        first,
        last,
        PostViewer {
            viewer: who(viewer),
            sees_hidden,
            moderates: false,
        },
    )
    .await
    .unwrap()
}

async fn hide(t: &TestDb, post_id: i64, now: i64) {
    sqlx::query("UPDATE post SET hidden_at = $2 WHERE id = $1")
        .bind(post_id)
        .bind(now)
        .execute(t.db.pool())
        .await
        .unwrap();
}

/// A group with `author` as a member, and one of its threads.
async fn group_and_thread(t: &TestDb, author: i64) -> (i64, i64) {
    let gid = t.group(GroupSpec::default()).await;
    t.add_to_group(gid, author, GroupRole::Member).await;
    let tid = new_thread(t, gid, None, author, "第一章讨论", 100).await;
    (gid, tid)
}

async fn posts_are_numbered_and_locked_threads_refuse_them(b: Backend) {
    let t = TestDb::new(b).await;
    let a = acct(&t, "alice", Role::Reader).await;
    let (gid, tid) = group_and_thread(&t, a).await;
    let fresh = queries::thread(t.db.pool(), tid).await.unwrap().unwrap();
    assert_eq!(fresh.post_count, 0);
    assert_eq!(fresh.group_id, gid);
    assert_eq!(fresh.group_slug, "test-group");
    assert_eq!(fresh.title, "第一章讨论");
    assert_eq!(fresh.account_id, Some(a));
    assert!(!fresh.pinned && !fresh.locked);
    let mut seqs = Vec::new();
    for n in 0..3 {
        let (id, seq) = post(&t, tid, a, None, &format!("第{n}帖"), 200 + n)
            .await
            .unwrap();
        let rec = queries::post(t.db.pool(), id).await.unwrap().unwrap();
        assert_eq!((rec.thread_id, rec.group_id, rec.seq), (tid, gid, seq));
        assert_eq!(rec.body_md, format!("第{n}帖"));
        assert!(!rec.deleted && !rec.hidden);
        seqs.push(seq);
    }
    assert_eq!(seqs, vec![1, 2, 3]);
    let rec = queries::thread(t.db.pool(), tid).await.unwrap().unwrap();
    assert_eq!(rec.post_count, 3);
    let summary = queries::summary_of(t.db.pool(), tid, who(0))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(summary.last_post_at, 202);
    assert_eq!(summary.created_at, 100);

    assert!(
        queries::set_flag(t.db.pool(), tid, ThreadFlag::Locked, true)
            .await
            .unwrap()
    );
    assert!(
        !queries::set_flag(t.db.pool(), tid, ThreadFlag::Locked, true)
            .await
            .unwrap(),
        "no change the second time"
    );
    assert_eq!(post(&t, tid, a, None, "锁了还发", 300).await, None);
    let rec = queries::thread(t.db.pool(), tid).await.unwrap().unwrap();
    assert!(rec.locked);
    assert_eq!(rec.post_count, 3, "a refused post takes no number");
    let posts: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM post")
        .fetch_one(t.db.pool())
        .await
        .unwrap();
    assert_eq!(posts, 3);
    assert!(
        queries::set_flag(t.db.pool(), tid, ThreadFlag::Locked, false)
            .await
            .unwrap()
    );
    assert_eq!(
        post(&t, tid, a, None, "解锁了", 301).await.map(|p| p.1),
        Some(4)
    );
    assert!(
        queries::set_flag(t.db.pool(), tid, ThreadFlag::Pinned, true)
            .await
            .unwrap()
    );
    assert!(
        queries::thread(t.db.pool(), tid)
            .await
            .unwrap()
            .unwrap()
            .pinned
    );
    // Unknown threads and posts.
    assert!(queries::thread(t.db.pool(), 9999).await.unwrap().is_none());
    assert!(queries::post(t.db.pool(), 9999).await.unwrap().is_none());
    assert_eq!(post(&t, 9999, a, None, "无主", 302).await, None);
    assert!(
        !queries::set_flag(t.db.pool(), 9999, ThreadFlag::Pinned, true)
            .await
            .unwrap()
    );
    // Guided-reading marks.
    let first = page(&t, tid, 1, 1, a, false).await[0].id;
    assert!(queries::set_guide(t.db.pool(), first, true).await.unwrap());
    assert!(!queries::set_guide(t.db.pool(), first, true).await.unwrap());
    assert!(page(&t, tid, 1, 1, a, false).await[0].guide);
    assert!(queries::set_guide(t.db.pool(), first, false).await.unwrap());
    assert!(!page(&t, tid, 1, 1, a, false).await[0].guide);
    t.drop_db().await;
}

async fn posts_between_returns_exactly_the_range(b: Backend) {
    let t = TestDb::new(b).await;
    let a = acct(&t, "alice", Role::Reader).await;
    let (gid, tid) = group_and_thread(&t, a).await;
    // Another thread whose posts must never leak into this one.
    let other = new_thread(&t, gid, None, a, "另一个主题", 100).await;
    for n in 1..=12 {
        post(&t, tid, a, None, &format!("帖{n}"), 100 + n)
            .await
            .unwrap();
        post(&t, other, a, None, &format!("别处{n}"), 100 + n)
            .await
            .unwrap();
    }
    let seqs = |v: &[PostView]| v.iter().map(|p| p.seq).collect::<Vec<_>>();
    let mid = page(&t, tid, 3, 7, a, false).await;
    assert_eq!(seqs(&mid), vec![3, 4, 5, 6, 7]);
    assert_eq!(
        mid.iter().map(|p| p.body_html.as_str()).collect::<Vec<_>>(),
        vec![
            "<p>帖3</p>",
            "<p>帖4</p>",
            "<p>帖5</p>",
            "<p>帖6</p>",
            "<p>帖7</p>"
        ]
    );
    assert_eq!(mid[0].author, "测试alice");
    assert_eq!(mid[0].account_id, Some(a));
    assert_eq!(mid[0].created_at, 103);
    assert_eq!(mid[0].state, PostState::Visible);
    assert!(mid.iter().all(|p| p.quote.is_none()));
    assert_eq!(seqs(&page(&t, tid, 11, 20, a, false).await), vec![11, 12]);
    assert_eq!(seqs(&page(&t, tid, 1, 1, 0, false).await), vec![1]);
    assert!(page(&t, tid, 13, 40, a, false).await.is_empty());
    assert!(page(&t, 9999, 1, 20, a, false).await.is_empty());
    t.drop_db().await;
}

async fn viewers_see_only_what_they_may(b: Backend) {
    let t = TestDb::new(b).await;
    let author = acct(&t, "alice", Role::Reader).await;
    let member = acct(&t, "bob", Role::Reader).await;
    let boss = acct(&t, "boss", Role::Organiser).await;
    let (gid, tid) = group_and_thread(&t, author).await;
    t.add_to_group(gid, member, GroupRole::Member).await;
    post(&t, tid, author, None, "看得见", 1).await.unwrap();
    let (deleted, _) = post(&t, tid, author, None, "删掉的", 2).await.unwrap();
    let (hidden, _) = post(&t, tid, author, None, "被隐藏的", 3).await.unwrap();
    assert!(
        queries::delete_own(t.db.pool(), deleted, author, 10)
            .await
            .unwrap()
    );
    hide(&t, hidden, 11).await;
    let rec = queries::post(t.db.pool(), hidden).await.unwrap().unwrap();
    assert!(rec.hidden && !rec.deleted);
    assert!(
        queries::post(t.db.pool(), deleted)
            .await
            .unwrap()
            .unwrap()
            .deleted
    );

    // (viewer, sees_hidden) → (html of the three posts, body_md of the three)
    type Seen = (Vec<String>, Vec<Option<String>>);
    let look = |viewer: i64, sees: bool| {
        let t = &t;
        async move {
            let v = page(t, tid, 1, 3, viewer, sees).await;
            assert_eq!(
                v.iter().map(|p| p.state).collect::<Vec<_>>(),
                vec![PostState::Visible, PostState::Deleted, PostState::Hidden]
            );
            let seen: Seen = (
                v.iter().map(|p| p.body_html.to_string()).collect(),
                v.iter().map(|p| p.body_md.clone()).collect(),
            );
            seen
        }
    };
    let s = |x: &str| x.to_owned();
    // The author: their source only for the visible post; no hidden text.
    assert_eq!(
        look(author, false).await,
        (
            vec![s("<p>看得见</p>"), s(""), s("")],
            vec![Some(s("看得见")), None, None]
        )
    );
    // Another member.
    assert_eq!(
        look(member, false).await,
        (
            vec![s("<p>看得见</p>"), s(""), s("")],
            vec![None, None, None]
        )
    );
    // A visitor.
    assert_eq!(
        look(0, false).await,
        (
            vec![s("<p>看得见</p>"), s(""), s("")],
            vec![None, None, None]
        )
    );
    // An organiser sees hidden text, never deleted text, and no source.
    assert_eq!(
        look(boss, true).await,
        (
            vec![s("<p>看得见</p>"), s(""), s("<p>被隐藏的</p>")],
            vec![None, None, None]
        )
    );
    // Even an author who is allowed hidden text never sees deleted text.
    assert_eq!(look(author, true).await.0[1], "");
    t.drop_db().await;
}

async fn quotes_name_their_source_and_forget_deleted_text(b: Backend) {
    let t = TestDb::new(b).await;
    let alice = acct(&t, "alice", Role::Reader).await;
    let bob = acct(&t, "bob", Role::Reader).await;
    let boss = acct(&t, "boss", Role::Organiser).await;
    let (gid, tid) = group_and_thread(&t, alice).await;
    t.add_to_group(gid, bob, GroupRole::Member).await;
    let (first, _) = post(
        &t,
        tid,
        alice,
        None,
        "> 更早的引用\n**乡土**社会的`差序格局`",
        1,
    )
    .await
    .unwrap();
    let (second, _) = post(&t, tid, bob, Some(first), "同意", 2).await.unwrap();
    post(&t, tid, alice, Some(second), "谢谢", 3).await.unwrap();
    let v = page(&t, tid, 1, 3, bob, false).await;
    assert!(v[0].quote.is_none());
    let q = v[1].quote.clone().expect("quote");
    assert_eq!(
        (q.post_id, q.seq, q.author.as_str()),
        (first, 1, "测试alice")
    );
    assert_eq!(
        q.excerpt, "乡土社会的差序格局",
        "plain text, no quote of the quote"
    );
    let q = v[2].quote.clone().expect("quote");
    assert_eq!(
        (q.post_id, q.seq, q.author.as_str(), q.excerpt.as_str()),
        (second, 2, "测试bob", "同意")
    );
    // The quoted post is deleted: the quote stays, its text goes.
    assert!(
        queries::delete_own(t.db.pool(), first, alice, 10)
            .await
            .unwrap()
    );
    // The quoted post is hidden: the same for everyone, organisers too.
    hide(&t, second, 11).await;
    for (viewer, sees) in [(bob, false), (alice, false), (0, false), (boss, true)] {
        let v = page(&t, tid, 1, 3, viewer, sees).await;
        let q = v[1].quote.clone().expect("the quote stays");
        assert_eq!(
            (q.post_id, q.seq, q.author.as_str()),
            (first, 1, "测试alice")
        );
        assert_eq!(q.excerpt, "");
        let q = v[2].quote.clone().expect("the quote stays");
        assert_eq!((q.post_id, q.seq), (second, 2));
        assert_eq!(q.excerpt, "");
    }
    t.drop_db().await;
}

async fn edits_keep_revisions_and_only_the_author_edits_or_deletes(b: Backend) {
    let t = TestDb::new(b).await;
    let alice = acct(&t, "alice", Role::Reader).await;
    let bob = acct(&t, "bob", Role::Reader).await;
    let (_, tid) = group_and_thread(&t, alice).await;
    let (p, _) = post(&t, tid, alice, None, "第一版", 100).await.unwrap();
    let (other, _) = post(&t, tid, alice, None, "另一帖", 101).await.unwrap();
    let mut conn = t.db.pool().acquire().await.unwrap();
    assert!(
        queries::edit_own(&mut conn, p, alice, "第二版", "<p>第二版</p>", 200)
            .await
            .unwrap()
    );
    assert!(
        queries::edit_own(&mut conn, p, alice, "第三版", "<p>第三版</p>", 300)
            .await
            .unwrap()
    );
    assert!(
        !queries::edit_own(&mut conn, p, bob, "别人改", "<p>别人改</p>", 400)
            .await
            .unwrap(),
        "someone else's post"
    );
    assert!(
        !queries::edit_own(&mut conn, 9999, alice, "x", "<p>x</p>", 400)
            .await
            .unwrap()
    );
    assert!(
        queries::edit_own(&mut conn, other, alice, "另一帖改", "<p>另一帖改</p>", 500)
            .await
            .unwrap()
    );
    drop(conn);
    let v = page(&t, tid, 1, 1, alice, false).await;
    assert_eq!(v[0].body_html, "<p>第三版</p>");
    assert_eq!(v[0].body_md.as_deref(), Some("第三版"));
    assert_eq!((v[0].edits, v[0].edited_at), (2, Some(300)));
    let revs = queries::revisions_page(t.db.pool(), p, 10, 0)
        .await
        .unwrap();
    assert_eq!(
        revs.iter()
            .map(|r| (r.body_html.as_str(), r.written_at))
            .collect::<Vec<_>>(),
        vec![("<p>第二版</p>", 200), ("<p>第一版</p>", 100)],
        "old versions, newest first, dated when they were written"
    );
    let older = queries::revisions_page(t.db.pool(), p, 1, 1).await.unwrap();
    assert_eq!(older.len(), 1);
    assert_eq!(older[0].body_html, "<p>第一版</p>");
    assert_eq!(queries::revision_count(t.db.pool(), p).await.unwrap(), 2);
    assert_eq!(
        queries::revision_count(t.db.pool(), other).await.unwrap(),
        1
    );
    assert!(
        queries::revisions_page(t.db.pool(), 9999, 10, 0)
            .await
            .unwrap()
            .is_empty()
    );

    // Deleting: only the author, only once; a deleted post is not edited.
    assert!(!queries::delete_own(t.db.pool(), p, bob, 600).await.unwrap());
    assert_eq!(
        page(&t, tid, 1, 1, alice, false).await[0].state,
        PostState::Visible
    );
    assert!(
        queries::delete_own(t.db.pool(), p, alice, 601)
            .await
            .unwrap()
    );
    assert!(
        !queries::delete_own(t.db.pool(), p, alice, 602)
            .await
            .unwrap()
    );
    let mut conn = t.db.pool().acquire().await.unwrap();
    assert!(
        !queries::edit_own(&mut conn, p, alice, "复活", "<p>复活</p>", 700)
            .await
            .unwrap(),
        "deleted posts are not edited"
    );
    drop(conn);
    let v = page(&t, tid, 1, 1, alice, false).await;
    assert_eq!(v[0].state, PostState::Deleted);
    assert_eq!(v[0].edits, 2);
    assert_eq!(queries::revision_count(t.db.pool(), p).await.unwrap(), 2);
    // Hidden posts are not edited either.
    hide(&t, other, 800).await;
    let mut conn = t.db.pool().acquire().await.unwrap();
    assert!(
        !queries::edit_own(&mut conn, other, alice, "改隐藏的", "<p>x</p>", 801)
            .await
            .unwrap()
    );
    drop(conn);
    t.drop_db().await;
}

async fn likes_count_once_per_person(b: Backend) {
    let t = TestDb::new(b).await;
    let alice = acct(&t, "alice", Role::Reader).await;
    let bob = acct(&t, "bob", Role::Reader).await;
    let (_, tid) = group_and_thread(&t, alice).await;
    let (p, _) = post(&t, tid, alice, None, "点赞我", 1).await.unwrap();
    let (q, _) = post(&t, tid, alice, None, "别点", 2).await.unwrap();
    let mut conn = t.db.pool().acquire().await.unwrap();
    assert_eq!(
        likes::set(&mut conn, &likes::POST, p, bob, true, 3)
            .await
            .unwrap(),
        1
    );
    assert_eq!(
        likes::set(&mut conn, &likes::POST, p, bob, true, 4)
            .await
            .unwrap(),
        1,
        "twice counts once"
    );
    assert_eq!(
        likes::set(&mut conn, &likes::POST, p, alice, true, 5)
            .await
            .unwrap(),
        2
    );
    drop(conn);
    let v = page(&t, tid, 1, 2, bob, false).await;
    assert_eq!((v[0].likes, v[0].liked), (2, true));
    assert_eq!((v[1].likes, v[1].liked), (0, false));
    assert!(
        !page(&t, tid, 1, 1, 0, false).await[0].liked,
        "visitors like nothing"
    );
    let mut conn = t.db.pool().acquire().await.unwrap();
    assert_eq!(
        likes::set(&mut conn, &likes::POST, p, bob, false, 6)
            .await
            .unwrap(),
        1
    );
    assert_eq!(
        likes::set(&mut conn, &likes::POST, p, bob, false, 7)
            .await
            .unwrap(),
        1,
        "unliking twice takes one off"
    );
    assert_eq!(
        likes::set(&mut conn, &likes::POST, q, bob, false, 8)
            .await
            .unwrap(),
        0,
        "never below zero"
    );
    drop(conn);
    let v = page(&t, tid, 1, 1, bob, false).await;
    assert_eq!((v[0].likes, v[0].liked), (1, false));
    let rows: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM post_like")
        .fetch_one(t.db.pool())
        .await
        .unwrap();
    assert_eq!(rows, 1);
    t.drop_db().await;
}

async fn read_positions_never_move_back(b: Backend) {
    let t = TestDb::new(b).await;
    let alice = acct(&t, "alice", Role::Reader).await;
    let bob = acct(&t, "bob", Role::Reader).await;
    let (gid, tid) = group_and_thread(&t, alice).await;
    for n in 1..=10 {
        post(&t, tid, alice, None, "x", n).await.unwrap();
    }
    let unread = |viewer: i64| {
        let t = &t;
        async move {
            let s = queries::summary_of(t.db.pool(), tid, who(viewer))
                .await
                .unwrap()
                .unwrap();
            let listed = queries::group_threads(t.db.pool(), gid, who(viewer), 30, 0)
                .await
                .unwrap();
            assert_eq!(listed.len(), 1);
            assert_eq!(
                (listed[0].unread, listed[0].last_read_seq),
                (s.unread, s.last_read_seq)
            );
            (s.unread, s.last_read_seq)
        }
    };
    assert_eq!(unread(bob).await, (10, 0));
    assert_eq!(unread(0).await, (0, 0), "visitors have nothing unread");
    queries::mark_read(t.db.pool(), bob, tid, 5).await.unwrap();
    assert_eq!(unread(bob).await, (5, 5));
    queries::mark_read(t.db.pool(), bob, tid, 3).await.unwrap();
    assert_eq!(unread(bob).await, (5, 5), "never moves back");
    queries::mark_read(t.db.pool(), bob, tid, 8).await.unwrap();
    assert_eq!(unread(bob).await, (2, 8));
    assert_eq!(unread(alice).await, (10, 0), "per reader");
    post(&t, tid, alice, None, "新帖", 20).await.unwrap();
    assert_eq!(unread(bob).await, (3, 8));
    queries::mark_read(t.db.pool(), bob, tid, 11).await.unwrap();
    assert_eq!(unread(bob).await, (0, 11));
    // Batches of several readers at once (as page views are written).
    queries::mark_read_many(t.db.pool(), &[(bob, tid, 9), (alice, tid, 4)])
        .await
        .unwrap();
    assert_eq!(
        unread(bob).await,
        (0, 11),
        "a batch never moves back either"
    );
    assert_eq!(unread(alice).await, (7, 4));
    assert!(
        queries::summary_of(t.db.pool(), 9999, who(bob))
            .await
            .unwrap()
            .is_none()
    );
    t.drop_db().await;
}

async fn group_threads_put_pinned_first_then_latest(b: Backend) {
    let t = TestDb::new(b).await;
    let alice = acct(&t, "alice", Role::Reader).await;
    let gid = t.group(GroupSpec::default()).await;
    let other_group = t
        .group(GroupSpec {
            slug: "other",
            ..GroupSpec::default()
        })
        .await;
    let book = t.book("乡土中国", None).await;
    let old = new_thread(&t, gid, None, alice, "最早", 100).await;
    let mid = new_thread(&t, gid, Some(book), alice, "中间", 200).await;
    let new = new_thread(&t, gid, None, alice, "最新", 300).await;
    let pinned = new_thread(&t, gid, None, alice, "置顶的老帖", 50).await;
    new_thread(&t, other_group, None, alice, "别的群", 999).await;
    // A reply moves a thread up.
    post(&t, old, alice, None, "顶", 400).await.unwrap();
    queries::set_flag(t.db.pool(), pinned, ThreadFlag::Pinned, true)
        .await
        .unwrap();
    let ids = |v: Vec<app::threads::ThreadSummary>| v.into_iter().map(|s| s.id).collect::<Vec<_>>();
    let all = queries::group_threads(t.db.pool(), gid, who(alice), 30, 0)
        .await
        .unwrap();
    assert_eq!(all[0].title, "置顶的老帖");
    assert!(all[0].pinned);
    assert_eq!(ids(all.clone()), vec![pinned, old, new, mid]);
    let m = all.iter().find(|s| s.id == mid).unwrap();
    assert_eq!(m.book_title.as_deref(), Some("乡土中国"));
    assert_eq!(m.group_slug, "test-group");
    assert_eq!(m.group_name, "测试群 test-group");
    assert_eq!(m.author, "测试alice");
    assert_eq!(
        ids(queries::group_threads(t.db.pool(), gid, who(alice), 2, 1)
            .await
            .unwrap()),
        vec![old, new]
    );
    assert_eq!(
        queries::count_group_threads(t.db.pool(), gid)
            .await
            .unwrap(),
        4
    );
    assert_eq!(
        queries::count_group_threads(t.db.pool(), other_group)
            .await
            .unwrap(),
        1
    );
    t.drop_db().await;
}

async fn book_threads_and_may_read_follow_group_visibility(b: Backend) {
    let t = TestDb::new(b).await;
    let insider = acct(&t, "insider", Role::Reader).await;
    let outsider = acct(&t, "outsider", Role::Reader).await;
    let boss = acct(&t, "boss", Role::Organiser).await;
    let open = t
        .group(GroupSpec {
            slug: "open",
            ..GroupSpec::default()
        })
        .await;
    let closed = t
        .group(GroupSpec {
            slug: "closed",
            visibility: GroupVisibility::Members,
            ..GroupSpec::default()
        })
        .await;
    t.add_to_group(closed, insider, GroupRole::Member).await;
    let book = t.book("红楼梦", None).await;
    let other_book = t.book("围城", None).await;
    let public_thread = new_thread(&t, open, Some(book), insider, "公开讨论", 100).await;
    let secret_thread = new_thread(&t, closed, Some(book), insider, "群内讨论", 200).await;
    new_thread(&t, open, Some(other_book), insider, "别的书", 300).await;
    new_thread(&t, open, None, insider, "不关书的事", 400).await;
    let ids = |v: Vec<app::threads::ThreadSummary>| v.into_iter().map(|s| s.id).collect::<Vec<_>>();
    for (viewer, organiser, expected) in [
        (insider, false, vec![secret_thread, public_thread]),
        (outsider, false, vec![public_thread]),
        (0, false, vec![public_thread]),
        (boss, true, vec![secret_thread, public_thread]),
    ] {
        assert_eq!(
            ids(
                queries::book_threads(t.db.pool(), book, who(viewer), organiser)
                    .await
                    .unwrap()
            ),
            expected,
            "viewer {viewer}"
        );
    }
    for (group, viewer, expected) in [
        (open, insider, true),
        (open, outsider, true),
        (open, 0, true),
        (open, boss, true),
        (closed, insider, true),
        (closed, outsider, false),
        (closed, 0, false),
        (closed, boss, true),
        (9999, insider, false),
    ] {
        assert_eq!(
            queries::may_read(t.db.pool(), group, who(viewer))
                .await
                .unwrap(),
            expected,
            "group {group}, viewer {viewer}"
        );
    }
    t.drop_db().await;
}

async fn posts_since_counts_recent_posts(b: Backend) {
    let t = TestDb::new(b).await;
    let alice = acct(&t, "alice", Role::Reader).await;
    let bob = acct(&t, "bob", Role::Reader).await;
    let (_, tid) = group_and_thread(&t, alice).await;
    for at in [100, 150, 200, 250] {
        post(&t, tid, alice, None, "x", at).await.unwrap();
    }
    post(&t, tid, bob, None, "y", 200).await.unwrap();
    assert_eq!(
        queries::posts_since(t.db.pool(), alice, 150).await.unwrap(),
        3
    );
    assert_eq!(
        queries::posts_since(t.db.pool(), alice, 0).await.unwrap(),
        4
    );
    assert_eq!(
        queries::posts_since(t.db.pool(), alice, 251).await.unwrap(),
        0
    );
    assert_eq!(queries::posts_since(t.db.pool(), bob, 0).await.unwrap(), 1);
    assert_eq!(
        queries::oldest_post_since(t.db.pool(), alice, 120)
            .await
            .unwrap(),
        Some(150)
    );
    assert_eq!(
        queries::oldest_post_since(t.db.pool(), alice, 300)
            .await
            .unwrap(),
        None
    );
    t.drop_db().await;
}

/// Members with chosen display names, and people who must never appear.
async fn mention_group(t: &TestDb) -> i64 {
    let gid = t.group(GroupSpec::default()).await;
    for (user, display, member, disabled) in [
        ("liming", "李明", true, false),
        ("lisi", "李四", true, false),
        ("wangli", "王力", true, false),
        ("xiaoli", "小李子", true, false),
        ("aaron", "bili粉", true, false),
        ("zhang_san", "张三", true, false),
        ("li_out", "李外人", false, false),
        ("ligone", "李停用", true, true),
    ] {
        let id = acct(t, user, Role::Reader).await;
        sqlx::query("UPDATE account SET display_name = $1, disabled = $2 WHERE id = $3")
            .bind(display)
            .bind(i64::from(disabled))
            .bind(id)
            .execute(t.db.pool())
            .await
            .unwrap();
        if member {
            t.add_to_group(gid, id, GroupRole::Member).await;
        }
    }
    gid
}

async fn mention_candidates_are_group_members(b: Backend) {
    let t = TestDb::new(b).await;
    let gid = mention_group(&t).await;
    let names = |typed: &'static str, limit: i64| {
        let t = &t;
        async move {
            queries::mention_candidates(t.db.pool(), gid, typed, limit)
                .await
                .unwrap()
                .into_iter()
                .map(|(u, _)| u)
                .collect::<Vec<_>>()
        }
    };
    // A prefix of the user name ("wangli" contains "li" but does not start
    // with it, and "王力" does not contain it), or anywhere in the display
    // name ("bili粉"); user-name matches first.
    assert_eq!(names("li", 8).await, vec!["liming", "lisi", "aaron"]);
    assert_eq!(names("lim", 8).await, vec!["liming"]);
    // Anywhere in the display name.
    assert_eq!(names("李", 8).await, vec!["liming", "lisi", "xiaoli"]);
    assert_eq!(names("力", 8).await, vec!["wangli"]);
    assert_eq!(names("bi", 8).await, vec!["aaron"]);
    assert_eq!(names("z", 8).await, vec!["zhang_san"]);
    // Wildcards are literal.
    assert_eq!(names("%", 8).await, Vec::<String>::new());
    assert_eq!(names("_", 8).await, Vec::<String>::new());
    assert_eq!(names("zhang_", 8).await, vec!["zhang_san"]);
    // Nothing typed yet: every active member, up to the limit.
    assert_eq!(
        names("", 8).await,
        vec!["aaron", "liming", "lisi", "wangli", "xiaoli", "zhang_san"]
    );
    assert_eq!(names("", 2).await, vec!["aaron", "liming"]);
    let pairs = queries::mention_candidates(t.db.pool(), gid, "lis", 8)
        .await
        .unwrap();
    assert_eq!(pairs, vec![("lisi".to_owned(), "李四".to_owned())]);
    assert!(
        queries::mention_candidates(t.db.pool(), 9999, "", 8)
            .await
            .unwrap()
            .is_empty()
    );
    t.drop_db().await;
}

/// Mentions are case-insensitive (`@LiMing` mentions `liming`), so the
/// suggestions must be too, and the same on both backends.
async fn mention_candidates_ignore_case_on_both_backends(b: Backend) {
    let t = TestDb::new(b).await;
    let gid = mention_group(&t).await;
    let found = queries::mention_candidates(t.db.pool(), gid, "LiM", 8)
        .await
        .unwrap();
    assert_eq!(
        found,
        vec![("liming".to_owned(), "李明".to_owned())],
        "typing @LiM suggests liming"
    );
    t.drop_db().await;
}

async fn accounts_named_finds_active_accounts(b: Backend) {
    let t = TestDb::new(b).await;
    let alice = acct(&t, "alice", Role::Reader).await;
    let bob = acct(&t, "bob", Role::Reader).await;
    let gone = acct(&t, "gone", Role::Reader).await;
    sqlx::query("UPDATE account SET disabled = 1 WHERE id = $1")
        .bind(gone)
        .execute(t.db.pool())
        .await
        .unwrap();
    let names = |v: &[&str]| v.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
    let mut found =
        queries::accounts_named(t.db.pool(), &names(&["bob", "nobody", "alice", "gone"]))
            .await
            .unwrap();
    found.sort();
    assert_eq!(
        found,
        vec![(alice, "alice".to_owned()), (bob, "bob".to_owned())]
    );
    assert!(
        queries::accounts_named(t.db.pool(), &[])
            .await
            .unwrap()
            .is_empty()
    );
    assert!(
        queries::accounts_named(t.db.pool(), &names(&["nobody"]))
            .await
            .unwrap()
            .is_empty()
    );
    t.drop_db().await;
}

async fn notifications_insert_list_and_mark_read(b: Backend) {
    let t = TestDb::new(b).await;
    let alice = acct(&t, "alice", Role::Reader).await;
    let bob = acct(&t, "bob", Role::Reader).await;
    let (_, tid) = group_and_thread(&t, alice).await;
    let (p, _) = post(&t, tid, bob, None, "回复", 10).await.unwrap();
    let n = |who: i64, kind: NotificationKind, actor: Option<i64>, text: &'static str| {
        NewNotification {
            account_id: who,
            kind,
            actor_id: actor,
            post_id: Some(p),
            thread_id: Some(tid),
            text,
        }
    };
    for (i, (who, kind, actor, text)) in [
        (alice, NotificationKind::Reply, Some(bob), "《第一章讨论》"),
        (alice, NotificationKind::Quote, Some(bob), "《第一章讨论》"),
        (
            alice,
            NotificationKind::Mention,
            Some(bob),
            "《第一章讨论》",
        ),
        (
            alice,
            NotificationKind::Moderation,
            None,
            "你的帖子已被管理员隐藏",
        ),
        (
            bob,
            NotificationKind::Mention,
            Some(alice),
            "《第一章讨论》",
        ),
    ]
    .into_iter()
    .enumerate()
    {
        notes::insert(t.db.pool(), &n(who, kind, actor, text), 100 + i as i64)
            .await
            .unwrap();
    }
    assert_eq!(notes::unread_count(t.db.pool(), alice).await.unwrap(), 4);
    assert_eq!(notes::unread_count(t.db.pool(), bob).await.unwrap(), 1);
    assert_eq!(notes::count(t.db.pool(), alice).await.unwrap(), 4);
    let list = notes::list(t.db.pool(), alice, 30, 0).await.unwrap();
    assert_eq!(
        list.iter().map(|n| n.kind).collect::<Vec<_>>(),
        vec![
            NotificationKind::Moderation,
            NotificationKind::Mention,
            NotificationKind::Quote,
            NotificationKind::Reply
        ],
        "newest first"
    );
    assert_eq!(list[0].actor, None);
    assert_eq!(list[0].text, "你的帖子已被管理员隐藏");
    assert_eq!(list[3].actor.as_deref(), Some("测试bob"));
    assert_eq!((list[3].post_id, list[3].thread_id), (Some(p), Some(tid)));
    assert_eq!(list[3].created_at, 100);
    assert!(list.iter().all(|n| !n.read));
    let paged = notes::list(t.db.pool(), alice, 2, 2).await.unwrap();
    assert_eq!(
        paged.iter().map(|n| n.id).collect::<Vec<_>>(),
        vec![list[2].id, list[3].id]
    );
    // Someone else's notification: nothing happens.
    let bobs = notes::list(t.db.pool(), bob, 30, 0).await.unwrap()[0].id;
    notes::mark_read(t.db.pool(), alice, bobs, 200)
        .await
        .unwrap();
    assert_eq!(notes::unread_count(t.db.pool(), bob).await.unwrap(), 1);
    assert!(!notes::list(t.db.pool(), bob, 30, 0).await.unwrap()[0].read);
    // One's own.
    notes::mark_read(t.db.pool(), alice, list[1].id, 201)
        .await
        .unwrap();
    notes::mark_read(t.db.pool(), alice, list[1].id, 202)
        .await
        .unwrap();
    assert_eq!(notes::unread_count(t.db.pool(), alice).await.unwrap(), 3);
    let again = notes::list(t.db.pool(), alice, 30, 0).await.unwrap();
    assert_eq!(
        again.iter().map(|n| n.read).collect::<Vec<_>>(),
        vec![false, true, false, false]
    );
    let read_at: Option<i64> = sqlx::query_scalar("SELECT read_at FROM notification WHERE id = $1")
        .bind(list[1].id)
        .fetch_one(t.db.pool())
        .await
        .unwrap();
    assert_eq!(read_at, Some(201), "the first reading counts");
    assert_eq!(
        notes::mark_all_read(t.db.pool(), alice, 300).await.unwrap(),
        3
    );
    assert_eq!(
        notes::mark_all_read(t.db.pool(), alice, 301).await.unwrap(),
        0
    );
    assert_eq!(notes::unread_count(t.db.pool(), alice).await.unwrap(), 0);
    assert_eq!(
        notes::unread_count(t.db.pool(), bob).await.unwrap(),
        1,
        "only one's own"
    );
    t.drop_db().await;
}

async fn moderation_reports_hidden_posts_and_log(b: Backend) {
    let t = TestDb::new(b).await;
    let alice = acct(&t, "alice", Role::Reader).await;
    let bob = acct(&t, "bob", Role::Reader).await;
    let carol = acct(&t, "carol", Role::Reader).await;
    let boss = acct(&t, "boss", Role::Organiser).await;
    let (_, tid) = group_and_thread(&t, alice).await;
    let (once, _) = post(&t, tid, alice, None, "被举报一次", 1).await.unwrap();
    let (twice, _) = post(&t, tid, alice, None, "被举报两次", 2).await.unwrap();
    let (hidden, _) = post(&t, tid, alice, None, "已隐藏", 3).await.unwrap();
    let (resolved, _) = post(&t, tid, alice, None, "举报已处理", 4).await.unwrap();
    for (p, who, reason, status, at) in [
        (once, bob, "广告", "open", 10),
        (twice, bob, "人身攻击", "open", 11),
        (twice, carol, "骂人", "open", 12),
        (resolved, bob, "旧的", "resolved", 13),
    ] {
        sqlx::query(
            "INSERT INTO post_report (post_id, account_id, reason, status, created_at) \
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(p)
        .bind(who)
        .bind(reason)
        .bind(status)
        .bind(at)
        .execute(t.db.pool())
        .await
        .unwrap();
    }
    hide(&t, hidden, 20).await;
    hide(&t, resolved, 21).await;
    let mut conn = t.db.pool().acquire().await.unwrap();
    let reported = moderation::reported_posts(&mut conn).await.unwrap();
    assert_eq!(
        reported.iter().map(|q| q.post_id).collect::<Vec<_>>(),
        vec![twice, once],
        "most reported first, resolved reports left out"
    );
    assert_eq!(reported[0].thread_title, "第一章讨论");
    assert_eq!(reported[0].group_name, "测试群 test-group");
    assert_eq!(reported[0].author, "测试alice");
    assert_eq!(reported[0].body_html, "<p>被举报两次</p>");
    assert!(!reported[0].hidden && !reported[0].deleted);
    assert_eq!(
        reported[0]
            .reports
            .iter()
            .map(|r| (r.reporter.as_str(), r.reason.as_str(), r.created_at))
            .collect::<Vec<_>>(),
        vec![("测试bob", "人身攻击", 11), ("测试carol", "骂人", 12)]
    );
    let hidden_list = moderation::hidden_posts(&mut *conn).await.unwrap();
    assert_eq!(
        hidden_list.iter().map(|q| q.post_id).collect::<Vec<_>>(),
        vec![resolved, hidden],
        "most recently hidden first"
    );
    assert!(hidden_list.iter().all(|q| q.hidden));
    assert_eq!(
        hidden_list[1].body_html, "<p>已隐藏</p>",
        "organisers see the text"
    );
    // A hidden post with an open report is in the reported list, not here.
    hide(&t, once, 30).await;
    let hidden_list = moderation::hidden_posts(&mut *conn).await.unwrap();
    assert!(!hidden_list.iter().any(|q| q.post_id == once));
    let reported = moderation::reported_posts(&mut conn).await.unwrap();
    assert!(reported.iter().any(|q| q.post_id == once && q.hidden));

    moderation::log_action(
        &mut conn,
        boss,
        moderation::ModerationAction::Hide,
        Some(tid),
        Some(once),
        "广告",
        40,
    )
    .await
    .unwrap();
    moderation::log_action(
        &mut conn,
        boss,
        moderation::ModerationAction::Pin,
        Some(tid),
        None,
        "",
        41,
    )
    .await
    .unwrap();
    moderation::log_action(
        &mut conn,
        alice,
        moderation::ModerationAction::Lock,
        None,
        None,
        "",
        42,
    )
    .await
    .unwrap();
    let log = moderation::moderation_log(&mut *conn, 2).await.unwrap();
    assert_eq!(log.len(), 2, "the limit holds");
    assert_eq!(log[0].action, "lock");
    assert_eq!(log[0].actor, "测试alice");
    assert_eq!(log[0].thread_title, None);
    assert_eq!(log[1].action, "pin");
    let log = moderation::moderation_log(&mut *conn, 50).await.unwrap();
    assert_eq!(
        log.iter()
            .map(|e| (
                e.actor.as_str(),
                e.action.as_str(),
                e.thread_title.as_deref(),
                e.post_id,
                e.note.as_str(),
                e.at
            ))
            .collect::<Vec<_>>(),
        vec![
            ("测试alice", "lock", None, None, "", 42),
            ("测试boss", "pin", Some("第一章讨论"), None, "", 41),
            (
                "测试boss",
                "hide",
                Some("第一章讨论"),
                Some(once),
                "广告",
                40
            ),
        ]
    );
    assert_eq!(moderation::action_label("hide"), "隐藏帖子");
    drop(conn);
    t.drop_db().await;
}

async fn concurrent_replies_get_distinct_numbers(b: Backend) {
    let t = TestDb::new(b).await;
    let alice = acct(&t, "alice", Role::Reader).await;
    let (_, tid) = group_and_thread(&t, alice).await;
    const N: usize = 20;
    // Start them together; the barrier comes before taking a connection so
    // tasks waiting for one of the pool's connections cannot block it.
    let start = std::sync::Arc::new(tokio::sync::Barrier::new(N));
    let mut tasks = Vec::new();
    for n in 0..N {
        let pool = t.db.pool().clone();
        let start = start.clone();
        tasks.push(tokio::spawn(async move {
            start.wait().await;
            let body = format!("并发回复 {n}");
            let html = format!("<p>{body}</p>");
            let mut tx = pool.begin().await.expect("begin");
            let got = queries::add_post(
                &mut tx,
                &NewPost {
                    thread_id: tid,
                    account_id: alice,
                    quote_id: None,
                    body_md: &body,
                    body_html: &html,
                },
                1000 + n as i64,
            )
            .await
            .expect("add_post")
            .expect("thread not locked");
            tx.commit().await.expect("commit");
            got
        }));
    }
    let mut seqs = Vec::new();
    let mut ids = Vec::new();
    for task in tasks {
        let (id, seq) = task.await.expect("task");
        ids.push(id);
        seqs.push(seq);
    }
    seqs.sort_unstable();
    assert_eq!(seqs, (1..=N as i64).collect::<Vec<_>>());
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), N);
    let rec = queries::thread(t.db.pool(), tid).await.unwrap().unwrap();
    assert_eq!(rec.post_count, N as i64);
    let stored: Vec<i64> =
        sqlx::query_scalar("SELECT seq FROM post WHERE thread_id = $1 ORDER BY seq")
            .bind(tid)
            .fetch_all(t.db.pool())
            .await
            .unwrap();
    assert_eq!(stored, (1..=N as i64).collect::<Vec<_>>());
    assert_eq!(page(&t, tid, 1, 20, alice, false).await.len(), N);
    t.drop_db().await;
}

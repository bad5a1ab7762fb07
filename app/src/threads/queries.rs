//! SQL of threads and posts. A page of a thread is a range of `post.seq`
//! on the `(thread_id, seq)` index, so page 500 of a long thread costs what
//! page 1 does. Reads that depend on who asks take a [`Viewer`], bound as
//! `$1` with [`Viewer::sql_id`].

use std::sync::LazyLock;

use sqlx::AnyConnection;

use super::{PostState, PostView, QuoteView, REVISIONS_KEPT, Revision, ThreadSummary, excerpt};
use crate::groups::readers;
use platform::db::{Flag, IsSet};
use platform::{Exec, Viewer};

/// Shown where an account no longer exists.
pub const GONE_ACCOUNT: &str = "已注销用户";

/// The thread's readers (the group rule of [`readers`]) over the group `g`:
/// `$1` is the viewer, `$2` 1 for an organiser.
static READABLE: LazyLock<String> = LazyLock::new(|| readers::sql("g", "$1", "$2"));

/// [`readers`] for an account id alone (`$1`), over the group `g`.
static READABLE_BY_ACCOUNT: LazyLock<String> =
    LazyLock::new(|| readers::sql_for_account("g", "$1"));

const SUMMARY_COLUMNS: &str = "t.id, g.slug, g.name AS group_name, t.title, t.book_id, \
     b.title AS book_title, a.display_name, t.pinned, t.locked, t.post_count, t.last_post_at, \
     t.created_at, COALESCE(r.last_seq, 0) AS last_seq";

const SUMMARY_FROM: &str = "FROM thread t JOIN reading_group g ON g.id = t.group_id \
     LEFT JOIN book b ON b.id = t.book_id LEFT JOIN account a ON a.id = t.account_id \
     LEFT JOIN thread_read r ON r.thread_id = t.id AND r.account_id = $1";

/// A row of [`SUMMARY_COLUMNS`].
#[derive(sqlx::FromRow)]
struct SummaryRow {
    id: i64,
    slug: String,
    group_name: String,
    title: String,
    book_id: Option<i64>,
    book_title: Option<String>,
    display_name: Option<String>,
    #[sqlx(try_from = "Flag")]
    pinned: bool,
    #[sqlx(try_from = "Flag")]
    locked: bool,
    post_count: i64,
    last_post_at: i64,
    created_at: i64,
    last_seq: i64,
}

impl SummaryRow {
    fn summary(self, viewer: Viewer) -> ThreadSummary {
        ThreadSummary {
            id: self.id,
            group_slug: self.slug,
            group_name: self.group_name,
            title: self.title,
            book_id: self.book_id,
            book_title: self.book_title,
            author: self.display_name.unwrap_or_else(|| GONE_ACCOUNT.to_owned()),
            pinned: self.pinned,
            locked: self.locked,
            post_count: self.post_count,
            last_post_at: self.last_post_at,
            created_at: self.created_at,
            unread: if viewer != Viewer::Visitor {
                (self.post_count - self.last_seq).max(0)
            } else {
                0
            },
            last_read_seq: self.last_seq,
        }
    }
}

/// A thread with what the server functions check.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ThreadRecord {
    pub id: i64,
    pub group_id: i64,
    #[sqlx(rename = "slug")]
    pub group_slug: String,
    pub title: String,
    pub account_id: Option<i64>,
    #[sqlx(try_from = "Flag")]
    pub pinned: bool,
    #[sqlx(try_from = "Flag")]
    pub locked: bool,
    pub post_count: i64,
}

pub async fn thread(e: impl Exec<'_>, id: i64) -> Result<Option<ThreadRecord>, sqlx::Error> {
    sqlx::query_as(
        "SELECT t.id, t.group_id, g.slug, t.title, t.account_id, t.pinned, t.locked, t.post_count \
         FROM thread t JOIN reading_group g ON g.id = t.group_id WHERE t.id = $1",
    )
    .bind(id)
    .fetch_optional(e)
    .await
}

/// One thread as a list shows it, with the viewer's read position.
pub async fn summary_of(
    e: impl Exec<'_>,
    thread_id: i64,
    viewer: Viewer,
) -> Result<Option<ThreadSummary>, sqlx::Error> {
    let sql = format!("SELECT {SUMMARY_COLUMNS} {SUMMARY_FROM} WHERE t.id = $2");
    let row: Option<SummaryRow> = sqlx::query_as(&sql)
        .bind(viewer.sql_id())
        .bind(thread_id)
        .fetch_optional(e)
        .await?;
    Ok(row.map(|r| r.summary(viewer)))
}

/// A page of a group's threads: pinned first, then by latest post.
pub async fn group_threads(
    e: impl Exec<'_>,
    group_id: i64,
    viewer: Viewer,
    limit: i64,
    offset: i64,
) -> Result<Vec<ThreadSummary>, sqlx::Error> {
    let sql = format!(
        "SELECT {SUMMARY_COLUMNS} {SUMMARY_FROM} WHERE t.group_id = $2 \
         ORDER BY t.pinned DESC, t.last_post_at DESC, t.id DESC LIMIT $3 OFFSET $4"
    );
    let rows: Vec<SummaryRow> = sqlx::query_as(&sql)
        .bind(viewer.sql_id())
        .bind(group_id)
        .bind(limit)
        .bind(offset)
        .fetch_all(e)
        .await?;
    Ok(rows.into_iter().map(|r| r.summary(viewer)).collect())
}

pub async fn count_group_threads(e: impl Exec<'_>, group_id: i64) -> Result<i64, sqlx::Error> {
    let sql = "SELECT COUNT(*) FROM thread WHERE group_id = $1";
    platform::db::count_of(e, sql, group_id).await
}

/// Threads about a book in every group the viewer may read, latest first.
pub async fn book_threads(
    e: impl Exec<'_>,
    book_id: i64,
    viewer: Viewer,
    organiser: bool,
) -> Result<Vec<ThreadSummary>, sqlx::Error> {
    let sql = format!(
        "SELECT {SUMMARY_COLUMNS} {SUMMARY_FROM} WHERE t.book_id = $3 AND {readable} \
         ORDER BY t.last_post_at DESC, t.id DESC LIMIT 50",
        readable = *READABLE
    );
    let rows: Vec<SummaryRow> = sqlx::query_as(&sql)
        .bind(viewer.sql_id())
        .bind(i64::from(organiser))
        .bind(book_id)
        .fetch_all(e)
        .await?;
    Ok(rows.into_iter().map(|r| r.summary(viewer)).collect())
}

/// Whether an account may read a group's threads.
pub async fn may_read(
    e: impl Exec<'_>,
    group_id: i64,
    viewer: Viewer,
) -> Result<bool, sqlx::Error> {
    let sql = format!(
        "SELECT COUNT(*) FROM reading_group g WHERE g.id = $2 AND {}",
        &*READABLE_BY_ACCOUNT
    );
    let n: i64 = sqlx::query_scalar(&sql)
        .bind(viewer.sql_id())
        .bind(group_id)
        .fetch_one(e)
        .await?;
    Ok(n > 0)
}

/// Starts a thread (without posts: add its first post with [`add_post`]).
pub async fn create_thread(
    conn: &mut AnyConnection,
    group_id: i64,
    book_id: Option<i64>,
    account_id: i64,
    title: &str,
    now: i64,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "INSERT INTO thread (group_id, book_id, account_id, title, last_post_at, created_at) \
         VALUES ($1, $2, $3, $4, $5, $5) RETURNING id",
    )
    .bind(group_id)
    .bind(book_id)
    .bind(account_id)
    .bind(title)
    .bind(now)
    .fetch_one(&mut *conn)
    .await
}

/// A new post.
pub struct NewPost<'a> {
    pub thread_id: i64,
    pub account_id: i64,
    pub quote_id: Option<i64>,
    pub body_md: &'a str,
    pub body_html: &'a str,
}

/// Appends a post; `None` when the thread is locked (or gone). The thread
/// row's update takes its lock, so concurrent replies get distinct numbers.
pub async fn add_post(
    conn: &mut AnyConnection,
    p: &NewPost<'_>,
    now: i64,
) -> Result<Option<(i64, i64)>, sqlx::Error> {
    let seq: Option<i64> = sqlx::query_scalar(
        "UPDATE thread SET post_count = post_count + 1, last_post_at = $2 \
         WHERE id = $1 AND locked = 0 RETURNING post_count",
    )
    .bind(p.thread_id)
    .bind(now)
    .fetch_optional(&mut *conn)
    .await?;
    let Some(seq) = seq else { return Ok(None) };
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO post (thread_id, seq, account_id, quote_id, body_md, body_html, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
    )
    .bind(p.thread_id)
    .bind(seq)
    .bind(p.account_id)
    .bind(p.quote_id)
    .bind(p.body_md)
    .bind(p.body_html)
    .bind(now)
    .fetch_one(&mut *conn)
    .await?;
    Ok(Some((id, seq)))
}

/// A post with where it lives, for checks and permalinks.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct PostRecord {
    pub id: i64,
    pub thread_id: i64,
    pub group_id: i64,
    #[sqlx(rename = "slug")]
    pub group_slug: String,
    pub seq: i64,
    pub account_id: Option<i64>,
    pub author: String,
    pub body_md: String,
    #[sqlx(rename = "deleted_at", try_from = "IsSet")]
    pub deleted: bool,
    #[sqlx(rename = "hidden_at", try_from = "IsSet")]
    pub hidden: bool,
    pub edits: i64,
    pub edited_at: Option<i64>,
}

pub async fn post(e: impl Exec<'_>, id: i64) -> Result<Option<PostRecord>, sqlx::Error> {
    sqlx::query_as(
        "SELECT p.id, p.thread_id, t.group_id, g.slug, p.seq, p.account_id, \
         COALESCE(a.display_name, $2) AS author, \
         p.body_md, p.deleted_at, p.hidden_at, p.edits, p.edited_at \
         FROM post p JOIN thread t ON t.id = p.thread_id \
         JOIN reading_group g ON g.id = t.group_id LEFT JOIN account a ON a.id = p.account_id \
         WHERE p.id = $1",
    )
    .bind(id)
    .bind(GONE_ACCOUNT)
    .fetch_optional(e)
    .await
}

/// Who looks at posts, for what they may see of them.
#[derive(Debug, Clone, Copy)]
pub struct PostViewer {
    pub viewer: Viewer,
    /// Organisers see the text of hidden posts (to restore them).
    pub sees_hidden: bool,
    /// Leaders and organisers get every post's source (to edit it).
    pub moderates: bool,
}

/// One page of a thread: `$1` viewer, `$2` thread, `$3..=$4` sequence
/// numbers. Public so the benchmark can show its plan (`make bench`).
pub const POSTS_PAGE_SQL: &str = "SELECT p.id, p.seq, p.account_id, a.display_name, \
     p.body_md, p.body_html, p.guide, p.likes, p.edits, p.edited_at, p.deleted_at, p.hidden_at, \
     p.created_at, p.quote_id, q.seq AS q_seq, qa.display_name AS q_author, q.body_md AS q_md, \
     q.deleted_at AS q_deleted, q.hidden_at AS q_hidden, \
     CASE WHEN l.post_id IS NULL THEN 0 ELSE 1 END AS liked \
     FROM post p LEFT JOIN account a ON a.id = p.account_id \
     LEFT JOIN post q ON q.id = p.quote_id LEFT JOIN account qa ON qa.id = q.account_id \
     LEFT JOIN post_like l ON l.post_id = p.id AND l.account_id = $1 \
     WHERE p.thread_id = $2 AND p.seq BETWEEN $3 AND $4 ORDER BY p.seq";

/// Posts `first..=last` (sequence numbers) of a thread, in order.
pub async fn posts_between(
    e: impl Exec<'_>,
    thread_id: i64,
    first: i64,
    last: i64,
    viewer: PostViewer,
) -> Result<Vec<PostView>, sqlx::Error> {
    let rows: Vec<PostRow> = sqlx::query_as(POSTS_PAGE_SQL)
        .bind(viewer.viewer.sql_id())
        .bind(thread_id)
        .bind(first)
        .bind(last)
        .fetch_all(e)
        .await?;
    Ok(rows.into_iter().map(|r| r.view(viewer)).collect())
}

/// A row of [`POSTS_PAGE_SQL`]. The quoted post's columns are NULL when
/// there is no quote.
#[derive(sqlx::FromRow)]
struct PostRow {
    id: i64,
    seq: i64,
    account_id: Option<i64>,
    display_name: Option<String>,
    body_md: String,
    body_html: String,
    #[sqlx(try_from = "Flag")]
    guide: bool,
    likes: i64,
    edits: i64,
    edited_at: Option<i64>,
    #[sqlx(rename = "deleted_at", try_from = "IsSet")]
    deleted: bool,
    #[sqlx(rename = "hidden_at", try_from = "IsSet")]
    hidden: bool,
    created_at: i64,
    quote_id: Option<i64>,
    q_seq: Option<i64>,
    q_author: Option<String>,
    q_md: Option<String>,
    #[sqlx(try_from = "IsSet")]
    q_deleted: bool,
    #[sqlx(try_from = "IsSet")]
    q_hidden: bool,
    #[sqlx(try_from = "Flag")]
    liked: bool,
}

impl PostRow {
    fn view(self, viewer: PostViewer) -> PostView {
        let state = if self.deleted {
            PostState::Deleted
        } else if self.hidden {
            PostState::Hidden
        } else {
            PostState::Visible
        };
        let mine = self.account_id.is_some() && self.account_id == viewer.viewer.account();
        let shows_text = match state {
            PostState::Visible => true,
            PostState::Hidden => viewer.sees_hidden,
            PostState::Deleted => false,
        };
        let quote_gone = self.q_deleted || self.q_hidden;
        let quote = self.quote_id.map(|post_id| QuoteView {
            post_id,
            seq: self.q_seq.unwrap_or_default(),
            author: self.q_author.unwrap_or_else(|| GONE_ACCOUNT.to_owned()),
            excerpt: if quote_gone {
                String::new()
            } else {
                excerpt(self.q_md.as_deref().unwrap_or_default(), 120)
            },
        });
        PostView {
            id: self.id,
            seq: self.seq,
            account_id: self.account_id,
            author: self.display_name.unwrap_or_else(|| GONE_ACCOUNT.to_owned()),
            state,
            body_html: if shows_text {
                platform::SafeHtml::from_stored(self.body_html)
            } else {
                platform::SafeHtml::default()
            },
            body_md: ((mine || viewer.moderates) && state == PostState::Visible)
                .then_some(self.body_md),
            guide: self.guide,
            likes: self.likes,
            liked: self.liked,
            edits: self.edits,
            edited_at: self.edited_at,
            created_at: self.created_at,
            quote,
        }
    }
}

/// A page of a post's earlier versions, newest first.
pub async fn revisions_page(
    e: impl Exec<'_>,
    post_id: i64,
    limit: i64,
    offset: i64,
) -> Result<Vec<Revision>, sqlx::Error> {
    let rows: Vec<(String, i64)> = sqlx::query_as(
        "SELECT body_html, written_at FROM post_revision WHERE post_id = $1 \
         ORDER BY id DESC LIMIT $2 OFFSET $3",
    )
    .bind(post_id)
    .bind(limit)
    .bind(offset)
    .fetch_all(e)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(body_html, written_at)| Revision {
            body_html: platform::SafeHtml::from_stored(body_html),
            written_at,
        })
        .collect())
}

/// How many earlier versions of a post are kept.
pub async fn revision_count(e: impl Exec<'_>, post_id: i64) -> Result<i64, sqlx::Error> {
    let sql = "SELECT COUNT(*) FROM post_revision WHERE post_id = $1";
    platform::db::count_of(e, sql, post_id).await
}

/// What becomes of the text an edit replaces.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Previous {
    /// Kept in the history (the most recent [`REVISIONS_KEPT`] versions).
    Kept,
    /// A moderator removed it: the post's history is emptied, earlier
    /// versions included, as they usually carry the same text.
    Redacted,
}

/// Replaces a visible post. With `only_author`, only that author's post
/// (someone else's: nothing). The old text becomes a revision, and the
/// oldest revisions beyond [`REVISIONS_KEPT`] go, or with
/// [`Previous::Redacted`] the post's history is emptied.
pub async fn edit(
    conn: &mut AnyConnection,
    post_id: i64,
    only_author: Option<i64>,
    body_md: &str,
    body_html: &str,
    now: i64,
    previous: Previous,
) -> Result<bool, sqlx::Error> {
    const EDITABLE: &str = "id = $1 AND ($2 = 0 OR account_id = $2) \
         AND deleted_at IS NULL AND hidden_at IS NULL";
    if previous == Previous::Kept {
        let kept = sqlx::query(&format!(
            "INSERT INTO post_revision (post_id, body_md, body_html, written_at) \
             SELECT id, body_md, body_html, COALESCE(edited_at, created_at) FROM post \
             WHERE {EDITABLE}"
        ))
        .bind(post_id)
        .bind(only_author.unwrap_or(0))
        .execute(&mut *conn)
        .await?;
        if kept.rows_affected() != 1 {
            return Ok(false);
        }
    }
    let done = sqlx::query(&format!(
        "UPDATE post SET body_md = $3, body_html = $4, edits = edits + 1, edited_at = $5 \
         WHERE {EDITABLE}"
    ))
    .bind(post_id)
    .bind(only_author.unwrap_or(0))
    .bind(body_md)
    .bind(body_html)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    if done.rows_affected() != 1 {
        return Ok(false);
    }
    match previous {
        Previous::Kept => sqlx::query(
            "DELETE FROM post_revision WHERE post_id = $1 AND id NOT IN \
             (SELECT id FROM post_revision WHERE post_id = $1 ORDER BY id DESC LIMIT $2)",
        )
        .bind(post_id)
        .bind(REVISIONS_KEPT),
        Previous::Redacted => {
            sqlx::query("DELETE FROM post_revision WHERE post_id = $1").bind(post_id)
        }
    }
    .execute(&mut *conn)
    .await?;
    Ok(true)
}

/// Replaces one's own visible post (see [`edit`]).
pub async fn edit_own(
    conn: &mut AnyConnection,
    post_id: i64,
    account_id: i64,
    body_md: &str,
    body_html: &str,
    now: i64,
) -> Result<bool, sqlx::Error> {
    edit(
        conn,
        post_id,
        Some(account_id),
        body_md,
        body_html,
        now,
        Previous::Kept,
    )
    .await
}

/// Marks a post deleted; its place and the replies stay. With
/// `only_author`, only that author's post.
pub async fn delete(
    e: impl Exec<'_>,
    post_id: i64,
    only_author: Option<i64>,
    now: i64,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE post SET deleted_at = $3 WHERE id = $1 AND ($2 = 0 OR account_id = $2) \
         AND deleted_at IS NULL",
    )
    .bind(post_id)
    .bind(only_author.unwrap_or(0))
    .bind(now)
    .execute(e)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Marks one's own post deleted (see [`delete`]).
pub async fn delete_own(
    e: impl Exec<'_>,
    post_id: i64,
    account_id: i64,
    now: i64,
) -> Result<bool, sqlx::Error> {
    delete(e, post_id, Some(account_id), now).await
}

platform::labelled_enum!(
    /// A thread flag a leader, guide or organiser switches; the value is
    /// its column of `thread`.
    ThreadFlag {
        Pinned = "pinned", "置顶";
        Locked = "locked", "锁定";
    }
);

/// Sets a thread flag; true when it changed.
pub async fn set_flag(
    e: impl Exec<'_>,
    thread_id: i64,
    flag: ThreadFlag,
    on: bool,
) -> Result<bool, sqlx::Error> {
    let column = flag.as_str();
    let sql = format!("UPDATE thread SET {column} = $2 WHERE id = $1 AND {column} <> $2");
    let done = sqlx::query(&sql)
        .bind(thread_id)
        .bind(i64::from(on))
        .execute(e)
        .await?;
    Ok(done.rows_affected() == 1)
}

/// Marks a post as a guided reading (导读) or not; true when it changed.
pub async fn set_guide(e: impl Exec<'_>, post_id: i64, on: bool) -> Result<bool, sqlx::Error> {
    let done = sqlx::query("UPDATE post SET guide = $2 WHERE id = $1 AND guide <> $2")
        .bind(post_id)
        .bind(i64::from(on))
        .execute(e)
        .await?;
    Ok(done.rows_affected() == 1)
}

/// Remembers that a reader has read up to `seq` (never moves back).
pub async fn mark_read(
    e: impl Exec<'_>,
    account_id: i64,
    thread_id: i64,
    seq: i64,
) -> Result<(), sqlx::Error> {
    mark_read_many(e, &[(account_id, thread_id, seq)]).await
}

/// Rows [`mark_read_many`] writes in one statement at most.
pub const READS_PER_STATEMENT: usize = 300;

/// Remembers read positions, `(account, thread, seq)` each (never moving
/// one back); at most [`READS_PER_STATEMENT`], each (account, thread) once.
pub async fn mark_read_many(
    e: impl Exec<'_>,
    marks: &[(i64, i64, i64)],
) -> Result<(), sqlx::Error> {
    if marks.is_empty() {
        return Ok(());
    }
    let values: Vec<String> = (0..marks.len())
        .map(|i| format!("(${}, ${}, ${})", 3 * i + 1, 3 * i + 2, 3 * i + 3))
        .collect();
    let sql = format!(
        "INSERT INTO thread_read (account_id, thread_id, last_seq) VALUES {} \
         ON CONFLICT (account_id, thread_id) DO UPDATE SET last_seq = \
         CASE WHEN excluded.last_seq > thread_read.last_seq THEN excluded.last_seq \
         ELSE thread_read.last_seq END",
        values.join(", ")
    );
    let mut q = sqlx::query(&sql);
    for &(account, thread, seq) in marks {
        q = q.bind(account).bind(thread).bind(seq);
    }
    q.execute(e).await?;
    Ok(())
}

/// How many posts someone wrote since `since` (the posting rate limit).
pub async fn posts_since(
    e: impl Exec<'_>,
    account_id: i64,
    since: i64,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar("SELECT COUNT(*) FROM post WHERE account_id = $1 AND created_at >= $2")
        .bind(account_id)
        .bind(since)
        .fetch_one(e)
        .await
}

/// The oldest of someone's posts since `since` (when the limit lifts).
pub async fn oldest_post_since(
    e: impl Exec<'_>,
    account_id: i64,
    since: i64,
) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT MIN(created_at) FROM post WHERE account_id = $1 AND created_at >= $2",
    )
    .bind(account_id)
    .bind(since)
    .fetch_one(e)
    .await
}

/// Members of a group whose user or display name starts with or contains
/// `typed`, for @mention suggestions: `(username, display name)`.
pub async fn mention_candidates(
    e: impl Exec<'_>,
    group_id: i64,
    typed: &str,
    limit: i64,
) -> Result<Vec<(String, String)>, sqlx::Error> {
    // `%typed%`; without its first character, `typed%`. LIKE ignores case
    // on SQLite but not on PostgreSQL, so both sides are lower-cased.
    let contains = platform::db::like_pattern(&typed.to_lowercase());
    sqlx::query_as(
        "SELECT a.username, a.display_name FROM group_member m JOIN account a ON a.id = m.account_id \
         WHERE m.group_id = $1 AND a.disabled = 0 \
         AND (LOWER(a.username) LIKE $2 ESCAPE '\\' OR LOWER(a.display_name) LIKE $3 ESCAPE '\\') \
         ORDER BY CASE WHEN LOWER(a.username) LIKE $2 ESCAPE '\\' THEN 0 ELSE 1 END, a.username LIMIT $4",
    )
    .bind(group_id)
    .bind(&contains[1..])
    .bind(&contains)
    .bind(limit)
    .fetch_all(e)
    .await
}

/// Active accounts with these user names: `(id, username)`.
pub async fn accounts_named(
    e: impl Exec<'_>,
    names: &[String],
) -> Result<Vec<(i64, String)>, sqlx::Error> {
    if names.is_empty() {
        return Ok(Vec::new());
    }
    let marks = (1..=names.len())
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(", ");
    let sql =
        format!("SELECT id, username FROM account WHERE disabled = 0 AND username IN ({marks})");
    let mut q = sqlx::query_as(&sql);
    for n in names {
        q = q.bind(n.as_str());
    }
    q.fetch_all(e).await
}

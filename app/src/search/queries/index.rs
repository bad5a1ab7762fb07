//! Keeping `search_doc` up to date.
//!
//! Triggers put every changed row's kind and id into `search_queue`. [`drain`]
//! takes queued entries in batches, in a transaction, and rewrites each one's
//! document from the row as it is now (or drops it: a deleted or hidden post,
//! a draft lecture). Several servers may drain at once: PostgreSQL hands each
//! entry to one of them (`SKIP LOCKED`), SQLite runs one writer at a time.

use sqlx::AnyConnection;
use sqlx::any::AnyRow;

use crate::search::SearchKind;
use crate::search::tokens::push_tokens;
use platform::Db;
use platform::db::{Backend, IsSet};
use platform::markdown::plain_text;

/// Queue entries handled per transaction.
const BATCH: i64 = 200;
/// A drain of at least this many documents refreshes PostgreSQL's
/// statistics of the index table (0.5 s at 100,000 documents).
const ANALYZE_AFTER: usize = 1000;
/// Characters of plain text kept for excerpts.
const BODY_MAX: usize = 20_000;

/// Who may find a document (see the migration).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Access {
    Public,
    Group,
    NoteGroup,
    Private,
}

impl Access {
    fn as_str(self) -> &'static str {
        match self {
            Access::Public => "public",
            Access::Group => "group",
            Access::NoteGroup => "note_group",
            Access::Private => "private",
        }
    }
}

struct Doc {
    access: Access,
    group_id: Option<i64>,
    owner_id: Option<i64>,
    title: String,
    body: String,
    context: String,
    url: String,
    created_at: i64,
    /// Indexed text besides the title (the title is always indexed).
    indexed: String,
    /// Whether the title is part of the index (a post shows its thread's
    /// title but is found by its own words only).
    title_indexed: bool,
}

/// Whether anything waits to be indexed (cheap; lets searches skip a write).
pub async fn pending(db: &Db) -> Result<bool, sqlx::Error> {
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM (SELECT 1 FROM search_queue LIMIT 1) q")
        .fetch_one(db.pool())
        .await?;
    Ok(n > 0)
}

/// How a drain treats queue entries another transaction is indexing
/// right now (PostgreSQL; SQLite has one writer at a time).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Others {
    /// Leave them to it: the background indexers of several servers share
    /// the queue.
    Skip,
    /// Wait until they are done: a search must find what was written
    /// before it, even while an indexer holds it.
    Wait,
}

/// Indexes everything queued, waiting for entries being indexed elsewhere;
/// returns how many entries were handled here.
pub async fn drain(db: &Db) -> Result<usize, sqlx::Error> {
    drain_with(db, Others::Wait).await
}

async fn drain_with(db: &Db, others: Others) -> Result<usize, sqlx::Error> {
    let mut total = 0;
    loop {
        let mut tx = db.pool().begin().await?;
        let claimed = claim(&mut tx, db.backend(), others).await?;
        for (kind, id) in &claimed {
            if let Some(kind) = SearchKind::parse(kind) {
                refresh(&mut tx, db.backend(), kind, *id).await?;
            }
        }
        tx.commit().await?;
        total += claimed.len();
        if (claimed.len() as i64) < BATCH {
            // After a bulk (re)index, PostgreSQL's planner needs statistics
            // of the new documents at once to pick an index per word.
            if db.backend() == Backend::Postgres
                && total >= ANALYZE_AFTER
                && let Err(e) = sqlx::query("ANALYZE search_doc").execute(db.pool()).await
            {
                tracing::warn!(error = %e, "statistics of the search index not refreshed");
            }
            return Ok(total);
        }
    }
}

/// Before a search: indexes what is queued if anything is, waiting for
/// entries another indexer holds; errors are logged, not returned (a
/// search still answers from the index as it is).
pub async fn catch_up(db: &Db) {
    catch_up_with(db, Others::Wait).await;
}

/// The background indexer's step ([`EVERY`]): what is queued and not
/// taken by another server's indexer.
pub async fn index_queued(db: &Db) {
    catch_up_with(db, Others::Skip).await;
}

async fn catch_up_with(db: &Db, others: Others) {
    match pending(db).await {
        Ok(false) => {}
        Ok(true) => {
            if let Err(e) = drain_with(db, others).await {
                tracing::warn!(error = %e, "search indexing failed");
            }
        }
        Err(e) => tracing::warn!(error = %e, "search queue check failed"),
    }
}

/// How often the indexer looks at the queue.
pub const EVERY: std::time::Duration = std::time::Duration::from_secs(1);

async fn claim(
    conn: &mut AnyConnection,
    backend: Backend,
    others: Others,
) -> Result<Vec<(String, i64)>, sqlx::Error> {
    let sql = match (backend, others) {
        (Backend::Sqlite, _) => {
            "DELETE FROM search_queue WHERE rowid IN (SELECT rowid FROM search_queue LIMIT $1) \
             RETURNING kind, ref_id"
        }
        (Backend::Postgres, Others::Skip) => {
            "DELETE FROM search_queue WHERE (kind, ref_id) IN (SELECT kind, ref_id FROM search_queue \
             LIMIT $1 FOR UPDATE SKIP LOCKED) RETURNING kind, ref_id"
        }
        // Blocks on entries another transaction holds; once it commits they
        // are gone from the queue and their documents are visible.
        (Backend::Postgres, Others::Wait) => {
            "DELETE FROM search_queue WHERE (kind, ref_id) IN (SELECT kind, ref_id FROM search_queue \
             LIMIT $1 FOR UPDATE) RETURNING kind, ref_id"
        }
    };
    sqlx::query_as(sql).bind(BATCH).fetch_all(conn).await
}

/// Rewrites (or removes) the document of one row.
pub async fn refresh(
    conn: &mut AnyConnection,
    backend: Backend,
    kind: SearchKind,
    id: i64,
) -> Result<(), sqlx::Error> {
    if backend == Backend::Sqlite {
        sqlx::query(
            "DELETE FROM search_fts WHERE rowid IN \
             (SELECT id FROM search_doc WHERE kind = $1 AND ref_id = $2)",
        )
        .bind(kind.as_str())
        .bind(id)
        .execute(&mut *conn)
        .await?;
    }
    sqlx::query("DELETE FROM search_doc WHERE kind = $1 AND ref_id = $2")
        .bind(kind.as_str())
        .bind(id)
        .execute(&mut *conn)
        .await?;
    let Some(doc) = load(conn, kind, id).await? else {
        return Ok(());
    };
    let mut tokens = String::new();
    let mut count = 0;
    if doc.title_indexed {
        push_tokens(&doc.title, &mut tokens, &mut count);
    }
    push_tokens(&doc.indexed, &mut tokens, &mut count);
    let body: String = doc.body.chars().take(BODY_MAX).collect();
    let tsv = match backend {
        Backend::Sqlite => "",
        Backend::Postgres => ", tsv",
    };
    let tsv_value = match backend {
        Backend::Sqlite => "",
        Backend::Postgres => ", to_tsvector('simple', $12)",
    };
    let sql = format!(
        "INSERT INTO search_doc (id, kind, ref_id, access, group_id, owner_id, title, body, \
         context, url, created_at{tsv}) \
         VALUES ($11, $1, $2, $3, $4, $5, $6, $7, $8, $9, $10{tsv_value}) \
         ON CONFLICT (id) DO NOTHING RETURNING id"
    );
    // The id orders documents by kind and age (see `queries::doc_id`); on
    // the rare clash with another row's, the next free one.
    let mut doc_id = super::doc_id(kind, doc.created_at, id);
    let mut tries = 0;
    let doc_id = loop {
        let mut insert = sqlx::query_scalar::<_, i64>(&sql)
            .bind(kind.as_str())
            .bind(id)
            .bind(doc.access.as_str())
            .bind(doc.group_id)
            .bind(doc.owner_id)
            .bind(&doc.title)
            .bind(&body)
            .bind(&doc.context)
            .bind(&doc.url)
            .bind(doc.created_at)
            .bind(doc_id);
        if backend == Backend::Postgres {
            insert = insert.bind(&tokens);
        }
        let inserted = insert.fetch_optional(&mut *conn).await?;
        match inserted {
            Some(id) => break id,
            None if tries < 64 => {
                tries += 1;
                doc_id += 1;
            }
            None => return Err(sqlx::Error::RowNotFound),
        }
    };
    if backend == Backend::Sqlite {
        sqlx::query("INSERT INTO search_fts (rowid, tokens) VALUES ($1, $2)")
            .bind(doc_id)
            .bind(&tokens)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

/// A public document ([`Access::Public`]): books, groups, lectures.
fn public(title: String, body: String, context: String, url: String, at: i64) -> Doc {
    Doc {
        access: Access::Public,
        group_id: None,
        owner_id: None,
        indexed: body.clone(),
        title,
        body,
        context,
        url,
        created_at: at,
        title_indexed: true,
    }
}

/// The row of a book in [`load`]. Text columns are read as `Option` and
/// taken as empty when NULL.
#[derive(sqlx::FromRow)]
struct BookRow {
    title: Option<String>,
    author: Option<String>,
    publisher: Option<String>,
    summary: Option<String>,
    created_at: i64,
}

impl BookRow {
    fn doc(self, id: i64) -> Doc {
        let author = self.author.unwrap_or_default();
        let body = format!(
            "{author} {}\n{}",
            self.publisher.unwrap_or_default(),
            self.summary.unwrap_or_default()
        );
        public(
            self.title.unwrap_or_default(),
            body,
            author,
            format!("/books/{id}"),
            self.created_at,
        )
    }
}

/// The row of a group in [`load`].
#[derive(sqlx::FromRow)]
struct GroupRow {
    slug: Option<String>,
    name: Option<String>,
    theme: Option<String>,
    description_md: Option<String>,
    created_at: i64,
}

impl GroupRow {
    fn doc(self) -> Doc {
        let theme = self.theme.unwrap_or_default();
        let body = format!(
            "{theme}\n{}",
            plain_text(&self.description_md.unwrap_or_default())
        );
        public(
            self.name.unwrap_or_default(),
            body,
            theme,
            format!("/groups/{}", self.slug.unwrap_or_default()),
            self.created_at,
        )
    }
}

/// The row of a thread in [`load`].
#[derive(sqlx::FromRow)]
struct ThreadRow {
    title: Option<String>,
    group_id: i64,
    account_id: Option<i64>,
    created_at: i64,
    slug: Option<String>,
    group_name: Option<String>,
}

impl ThreadRow {
    fn doc(self, id: i64) -> Doc {
        Doc {
            access: Access::Group,
            group_id: Some(self.group_id),
            owner_id: self.account_id,
            title: self.title.unwrap_or_default(),
            body: String::new(),
            context: self.group_name.unwrap_or_default(),
            url: format!("/groups/{}/threads/{id}", self.slug.unwrap_or_default()),
            created_at: self.created_at,
            indexed: String::new(),
            title_indexed: true,
        }
    }
}

/// The row of a post in [`load`].
#[derive(sqlx::FromRow)]
struct PostRow {
    body_md: Option<String>,
    account_id: Option<i64>,
    created_at: i64,
    #[sqlx(rename = "deleted_at", try_from = "IsSet")]
    deleted: bool,
    #[sqlx(rename = "hidden_at", try_from = "IsSet")]
    hidden: bool,
    title: Option<String>,
    group_id: i64,
    group_name: Option<String>,
}

impl PostRow {
    /// `None` for a deleted or hidden post.
    fn doc(self, id: i64) -> Option<Doc> {
        if self.deleted || self.hidden {
            return None;
        }
        let body = plain_text(&self.body_md.unwrap_or_default());
        Some(Doc {
            access: Access::Group,
            group_id: Some(self.group_id),
            owner_id: self.account_id,
            title: self.title.unwrap_or_default(),
            indexed: body.clone(),
            body,
            context: self.group_name.unwrap_or_default(),
            url: format!("/posts/{id}"),
            created_at: self.created_at,
            title_indexed: false,
        })
    }
}

/// The row of a note in [`load`].
#[derive(sqlx::FromRow)]
struct NoteRow {
    title: Option<String>,
    body_md: Option<String>,
    visibility: Option<String>,
    group_id: Option<i64>,
    account_id: i64,
    book_id: i64,
    created_at: i64,
    book_title: Option<String>,
}

impl NoteRow {
    fn doc(self, id: i64) -> Doc {
        let access = match self.visibility.unwrap_or_default().as_str() {
            "public" => Access::Public,
            "group" => Access::NoteGroup,
            _ => Access::Private,
        };
        let body = plain_text(&self.body_md.unwrap_or_default());
        Doc {
            access,
            group_id: self.group_id,
            owner_id: Some(self.account_id),
            title: self.title.unwrap_or_default(),
            indexed: body.clone(),
            body,
            context: format!("《{}》", self.book_title.unwrap_or_default()),
            url: format!("/books/{}#note-{id}", self.book_id),
            created_at: self.created_at,
            title_indexed: true,
        }
    }
}

/// The row of a lecture in [`load`].
#[derive(sqlx::FromRow)]
struct LectureRow {
    slug: Option<String>,
    title: Option<String>,
    series: Option<String>,
    speaker: Option<String>,
    abstract_md: Option<String>,
    state: Option<String>,
    starts_at: i64,
}

impl LectureRow {
    /// `None` for a draft.
    fn doc(self) -> Option<Doc> {
        if self.state.unwrap_or_default() == "draft" {
            return None;
        }
        let series = self.series.unwrap_or_default();
        let body = format!(
            "{} {series}\n{}",
            self.speaker.unwrap_or_default(),
            plain_text(&self.abstract_md.unwrap_or_default())
        );
        Some(public(
            self.title.unwrap_or_default(),
            body,
            series,
            format!("/lectures/{}", self.slug.unwrap_or_default()),
            self.starts_at,
        ))
    }
}

/// The one row of `sql` with `id` bound as `$1`, if there is one.
async fn row_of<T>(conn: &mut AnyConnection, sql: &str, id: i64) -> Result<Option<T>, sqlx::Error>
where
    T: for<'r> sqlx::FromRow<'r, AnyRow> + Send + Unpin,
{
    sqlx::query_as(sql).bind(id).fetch_optional(conn).await
}

/// The document of one row as it is now; `None` when it is not searchable.
async fn load(
    conn: &mut AnyConnection,
    kind: SearchKind,
    id: i64,
) -> Result<Option<Doc>, sqlx::Error> {
    Ok(match kind {
        SearchKind::Book => row_of::<BookRow>(
            conn,
            "SELECT title, author, publisher, summary, created_at FROM book WHERE id = $1",
            id,
        )
        .await?
        .map(|r| r.doc(id)),
        SearchKind::Group => row_of::<GroupRow>(
            conn,
            "SELECT slug, name, theme, description_md, created_at FROM reading_group WHERE id = $1",
            id,
        )
        .await?
        .map(GroupRow::doc),
        SearchKind::Thread => row_of::<ThreadRow>(
            conn,
            "SELECT t.title, t.group_id, t.account_id, t.created_at, g.slug, g.name AS group_name \
             FROM thread t JOIN reading_group g ON g.id = t.group_id WHERE t.id = $1",
            id,
        )
        .await?
        .map(|r| r.doc(id)),
        SearchKind::Post => row_of::<PostRow>(
            conn,
            "SELECT p.body_md, p.account_id, p.created_at, p.deleted_at, p.hidden_at, t.title, \
             t.group_id, g.name AS group_name FROM post p JOIN thread t ON t.id = p.thread_id \
             JOIN reading_group g ON g.id = t.group_id WHERE p.id = $1",
            id,
        )
        .await?
        .and_then(|r| r.doc(id)),
        SearchKind::Note => row_of::<NoteRow>(
            conn,
            "SELECT n.title, n.body_md, n.visibility, n.group_id, n.account_id, n.book_id, \
             n.created_at, b.title AS book_title FROM note n JOIN book b ON b.id = n.book_id \
             WHERE n.id = $1",
            id,
        )
        .await?
        .map(|r| r.doc(id)),
        SearchKind::Lecture => row_of::<LectureRow>(
            conn,
            "SELECT slug, title, series, speaker, abstract_md, state, starts_at FROM lecture \
             WHERE id = $1",
            id,
        )
        .await?
        .and_then(LectureRow::doc),
    })
}

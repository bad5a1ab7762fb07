//! Keeping `search_doc` up to date.
//!
//! Triggers put every changed row's kind and id into `search_queue`. [`drain`]
//! takes queued entries in batches, in a transaction, and rewrites each one's
//! document from the row as it is now (or drops it: a deleted or hidden post,
//! a draft lecture). Several servers may drain at once: PostgreSQL hands each
//! entry to one of them (`SKIP LOCKED`), SQLite runs one writer at a time.

use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

use crate::search::SearchKind;
use crate::search::tokens::push_tokens;
use platform::Db;
use platform::db::Backend;
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

fn text(r: &AnyRow, col: &str) -> String {
    r.get::<Option<String>, _>(col).unwrap_or_default()
}

/// The document of one row as it is now; `None` when it is not searchable.
async fn load(
    conn: &mut AnyConnection,
    kind: SearchKind,
    id: i64,
) -> Result<Option<Doc>, sqlx::Error> {
    let sql = match kind {
        SearchKind::Book => {
            "SELECT title, author, publisher, summary, created_at FROM book WHERE id = $1"
        }
        SearchKind::Group => {
            "SELECT slug, name, theme, description_md, created_at FROM reading_group WHERE id = $1"
        }
        SearchKind::Thread => {
            "SELECT t.title, t.group_id, t.account_id, t.created_at, g.slug, g.name AS group_name \
             FROM thread t JOIN reading_group g ON g.id = t.group_id WHERE t.id = $1"
        }
        SearchKind::Post => {
            "SELECT p.body_md, p.account_id, p.created_at, p.deleted_at, p.hidden_at, t.title, \
             t.group_id, g.name AS group_name FROM post p JOIN thread t ON t.id = p.thread_id \
             JOIN reading_group g ON g.id = t.group_id WHERE p.id = $1"
        }
        SearchKind::Note => {
            "SELECT n.title, n.body_md, n.visibility, n.group_id, n.account_id, n.book_id, \
             n.created_at, b.title AS book_title FROM note n JOIN book b ON b.id = n.book_id \
             WHERE n.id = $1"
        }
        SearchKind::Lecture => {
            "SELECT slug, title, series, speaker, abstract_md, state, starts_at FROM lecture \
             WHERE id = $1"
        }
    };
    let Some(r) = sqlx::query(sql).bind(id).fetch_optional(conn).await? else {
        return Ok(None);
    };
    let public = |title: String, body: String, context: String, url: String, at: i64| Doc {
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
    };
    let doc = match kind {
        SearchKind::Book => {
            let author = text(&r, "author");
            let body = format!(
                "{author} {}\n{}",
                text(&r, "publisher"),
                text(&r, "summary")
            );
            public(
                text(&r, "title"),
                body,
                author,
                format!("/books/{id}"),
                r.get("created_at"),
            )
        }
        SearchKind::Group => {
            let theme = text(&r, "theme");
            let body = format!("{theme}\n{}", plain_text(&text(&r, "description_md")));
            public(
                text(&r, "name"),
                body,
                theme,
                format!("/groups/{}", text(&r, "slug")),
                r.get("created_at"),
            )
        }
        SearchKind::Thread => Doc {
            access: Access::Group,
            group_id: Some(r.get("group_id")),
            owner_id: r.get("account_id"),
            title: text(&r, "title"),
            body: String::new(),
            context: text(&r, "group_name"),
            url: format!("/groups/{}/threads/{id}", text(&r, "slug")),
            created_at: r.get("created_at"),
            indexed: String::new(),
            title_indexed: true,
        },
        SearchKind::Post => {
            let gone = r.get::<Option<i64>, _>("deleted_at").is_some()
                || r.get::<Option<i64>, _>("hidden_at").is_some();
            if gone {
                return Ok(None);
            }
            let body = plain_text(&text(&r, "body_md"));
            Doc {
                access: Access::Group,
                group_id: Some(r.get("group_id")),
                owner_id: r.get("account_id"),
                title: text(&r, "title"),
                indexed: body.clone(),
                body,
                context: text(&r, "group_name"),
                url: format!("/posts/{id}"),
                created_at: r.get("created_at"),
                title_indexed: false,
            }
        }
        SearchKind::Note => {
            let access = match text(&r, "visibility").as_str() {
                "public" => Access::Public,
                "group" => Access::NoteGroup,
                _ => Access::Private,
            };
            let body = plain_text(&text(&r, "body_md"));
            Doc {
                access,
                group_id: r.get("group_id"),
                owner_id: Some(r.get("account_id")),
                title: text(&r, "title"),
                indexed: body.clone(),
                body,
                context: format!("《{}》", text(&r, "book_title")),
                url: format!("/books/{}#note-{id}", r.get::<i64, _>("book_id")),
                created_at: r.get("created_at"),
                title_indexed: true,
            }
        }
        SearchKind::Lecture => {
            if text(&r, "state") == "draft" {
                return Ok(None);
            }
            let series = text(&r, "series");
            let body = format!(
                "{} {series}\n{}",
                text(&r, "speaker"),
                plain_text(&text(&r, "abstract_md"))
            );
            public(
                text(&r, "title"),
                body,
                series,
                format!("/lectures/{}", text(&r, "slug")),
                r.get("starts_at"),
            )
        }
    };
    Ok(Some(doc))
}

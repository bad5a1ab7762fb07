//! The search query. The reader's rights are part of the SQL, so nothing
//! they may not read leaves the database for them:
//! - books, groups, published lectures and public notes: everyone;
//! - threads and posts: as the group's threads (public groups, or members
//!   and organisers of members-only ones);
//! - notes shared with a group: its members and the author;
//! - private notes: the author only.

use sqlx::Row;

use super::SearchKind;
use super::tokens::Query;
use crate::server::Db;
use crate::server::db::Backend;

/// Who is searching: an account id (0 for a visitor) and whether an organiser.
#[derive(Debug, Clone, Copy)]
pub struct Searcher {
    pub id: i64,
    pub organiser: bool,
}

/// What to look for besides the words: a kind and a time range `[from, to)`.
#[derive(Debug, Clone, Copy, Default)]
pub struct Filter {
    pub kind: Option<SearchKind>,
    pub from: Option<i64>,
    pub to: Option<i64>,
}

/// One found document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    pub kind: SearchKind,
    pub ref_id: i64,
    pub title: String,
    pub body: String,
    pub context: String,
    pub url: String,
    pub created_at: i64,
}

const VISIBLE: &str = "(d.access = 'public' \
     OR (d.access = 'group' AND (g.visibility = 'public' OR $2 = 1 OR EXISTS \
        (SELECT 1 FROM group_member gm WHERE gm.group_id = d.group_id AND gm.account_id = $1))) \
     OR (d.access = 'note_group' AND (d.owner_id = $1 OR EXISTS \
        (SELECT 1 FROM group_member gm WHERE gm.group_id = d.group_id AND gm.account_id = $1))) \
     OR (d.access = 'private' AND d.owner_id = $1))";

/// `FROM … WHERE …` with $1 searcher, $2 organiser, $3 the match, $4 from,
/// $5 to, and $6 the kind ('' for all).
fn from_where(backend: Backend) -> String {
    let matches = match backend {
        Backend::Sqlite => "d.id IN (SELECT rowid FROM search_fts WHERE search_fts MATCH $3)",
        Backend::Postgres => "d.tsv @@ to_tsquery('simple', $3)",
    };
    format!(
        "FROM search_doc d LEFT JOIN reading_group g ON g.id = d.group_id \
         WHERE {matches} AND {VISIBLE} AND d.created_at >= $4 AND d.created_at < $5 \
         AND ($6 = '' OR d.kind = $6)"
    )
}

fn match_text(backend: Backend, query: &Query) -> String {
    match backend {
        Backend::Sqlite => query.fts5(),
        Backend::Postgres => query.tsquery(),
    }
}

macro_rules! bind_filter {
    ($q:expr, $who:expr, $m:expr, $f:expr) => {
        $q.bind($who.id)
            .bind(i64::from($who.organiser))
            .bind($m)
            .bind($f.from.unwrap_or(i64::MIN / 2))
            .bind($f.to.unwrap_or(i64::MAX / 2))
            .bind($f.kind.map(SearchKind::as_str).unwrap_or(""))
    };
}

/// How many documents of each kind match, in [`SearchKind::ALL`] order,
/// leaving out kinds without any.
pub async fn counts(
    db: &Db,
    who: Searcher,
    query: &Query,
    filter: Filter,
) -> Result<Vec<(SearchKind, i64)>, sqlx::Error> {
    if query.is_empty() {
        return Ok(Vec::new());
    }
    let sql = format!(
        "SELECT d.kind, COUNT(*) AS n {} GROUP BY d.kind",
        from_where(db.backend())
    );
    let m = match_text(db.backend(), query);
    let rows = bind_filter!(sqlx::query(&sql), who, &m, filter)
        .fetch_all(db.pool())
        .await?;
    let mut counts: Vec<(SearchKind, i64)> = rows
        .iter()
        .filter_map(|r| {
            SearchKind::parse(&r.get::<String, _>("kind")).map(|k| (k, r.get::<i64, _>("n")))
        })
        .collect();
    counts.sort_by_key(|(k, _)| SearchKind::ALL.iter().position(|a| a == k));
    Ok(counts)
}

fn found(r: &sqlx::any::AnyRow) -> Option<Found> {
    Some(Found {
        kind: SearchKind::parse(&r.get::<String, _>("kind"))?,
        ref_id: r.get("ref_id"),
        title: r.get("title"),
        body: r.get("body"),
        context: r.get("context"),
        url: r.get("url"),
        created_at: r.get("created_at"),
    })
}

const COLUMNS: &str = "d.id, d.kind, d.ref_id, d.title, d.body, d.context, d.url, d.created_at";

/// The newest `per_kind` matches of every kind.
pub async fn top_of_each_kind(
    db: &Db,
    who: Searcher,
    query: &Query,
    filter: Filter,
    per_kind: i64,
) -> Result<Vec<Found>, sqlx::Error> {
    if query.is_empty() {
        return Ok(Vec::new());
    }
    let sql = format!(
        "SELECT * FROM (SELECT {COLUMNS}, ROW_NUMBER() OVER (PARTITION BY d.kind \
         ORDER BY d.created_at DESC, d.id DESC) AS rn {}) x WHERE rn <= $7 \
         ORDER BY created_at DESC, id DESC",
        from_where(db.backend())
    );
    let m = match_text(db.backend(), query);
    let rows = bind_filter!(sqlx::query(&sql), who, &m, filter)
        .bind(per_kind)
        .fetch_all(db.pool())
        .await?;
    Ok(rows.iter().filter_map(found).collect())
}

/// One page of matches (newest first), of the filter's kind or of all.
pub async fn page(
    db: &Db,
    who: Searcher,
    query: &Query,
    filter: Filter,
    limit: i64,
    offset: i64,
) -> Result<Vec<Found>, sqlx::Error> {
    if query.is_empty() {
        return Ok(Vec::new());
    }
    let sql = format!(
        "SELECT {COLUMNS} {} ORDER BY d.created_at DESC, d.id DESC LIMIT $7 OFFSET $8",
        from_where(db.backend())
    );
    let m = match_text(db.backend(), query);
    let rows = bind_filter!(sqlx::query(&sql), who, &m, filter)
        .bind(limit)
        .bind(offset)
        .fetch_all(db.pool())
        .await?;
    Ok(rows.iter().filter_map(found).collect())
}

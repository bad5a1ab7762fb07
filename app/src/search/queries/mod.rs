//! The search query. The reader's rights are part of the SQL, so nothing
//! they may not read leaves the database for them:
//! - books, groups, published lectures and public notes: everyone;
//! - threads and posts: as the group's threads (public groups, or members
//!   and organisers of members-only ones);
//! - notes shared with a group: its members and the author;
//! - private notes: the author only.

pub mod index;

use std::sync::LazyLock;

use crate::groups::readers;
use crate::search::SearchKind;
use crate::search::tokens::Query;
use platform::Db;
use platform::db::Backend;

/// Who is searching, and whether an organiser.
#[derive(Debug, Clone, Copy)]
pub struct Searcher {
    pub viewer: platform::Viewer,
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

/// Which documents the searcher (`$1`, `$2` 1 for an organiser) may see;
/// threads and posts follow the group rule of [`readers`] over `g`.
static VISIBLE: LazyLock<String> = LazyLock::new(|| {
    format!(
        "(d.access = 'public' \
         OR (d.access = 'group' AND {group}) \
         OR (d.access = 'note_group' AND (d.owner_id = $1 OR EXISTS \
            (SELECT 1 FROM group_member gm WHERE gm.group_id = d.group_id AND gm.account_id = $1))) \
         OR (d.access = 'private' AND d.owner_id = $1))",
        group = readers::sql("g", "$1", "$2")
    )
});

/// `FROM … WHERE …` with $1 searcher, $2 organiser, $3 the match, $4 from,
/// $5 to, $6 the kind ('' for all), and $7..=$8 the range of document ids
/// (see [`doc_id`]): with one kind and a time range, the ids of exactly
/// those documents, newest last. SQLite reads the full-text index in id
/// order within the range, so a common word costs only the documents
/// looked at until a `LIMIT` is reached; PostgreSQL chooses between the
/// primary key walked backwards and the kind's GIN index by how common the
/// word is. That choice needs the actual values, so the statements are not
/// kept prepared (`persistent(false)`): a generic plan of a kept statement cannot
/// know the word, filters every document of the kind with it, and took
/// 0.4–1.6 s at 100,000 posts.
fn from_where(backend: Backend) -> String {
    match backend {
        Backend::Sqlite => format!(
            "FROM search_fts f CROSS JOIN search_doc d ON d.id = f.rowid \
             LEFT JOIN reading_group g ON g.id = d.group_id \
             WHERE search_fts MATCH $3 AND f.rowid >= $7 AND f.rowid <= $8 AND {visible} \
             AND d.created_at >= $4 AND d.created_at < $5 AND ($6 = '' OR d.kind = $6)",
            visible = *VISIBLE
        ),
        Backend::Postgres => format!(
            "FROM search_doc d CROSS JOIN to_tsquery('simple', $3) AS q \
             LEFT JOIN reading_group g ON g.id = d.group_id \
             WHERE d.tsv @@ q AND d.id >= $7 AND d.id <= $8 AND {visible} \
             AND d.created_at >= $4 AND d.created_at < $5 AND ($6 = '' OR d.kind = $6)",
            visible = *VISIBLE
        ),
    }
}

/// Newest first within one kind (the document id orders them, see [`doc_id`]).
fn order(backend: Backend) -> &'static str {
    match backend {
        Backend::Sqlite => "ORDER BY f.rowid DESC",
        Backend::Postgres => "ORDER BY d.id DESC",
    }
}

fn match_text(backend: Backend, query: &Query) -> String {
    match backend {
        Backend::Sqlite => query.fts5(),
        Backend::Postgres => query.tsquery(),
    }
}

/// Bits of a document id below the creation time.
const REF_BITS: u32 = 22;
/// Bits of the creation time (seconds up to the year 3058).
const TIME_BITS: u32 = 35;
const TIME_MAX: i64 = (1 << TIME_BITS) - 1;
const REF_MASK: i64 = (1 << REF_BITS) - 1;

fn kind_bits(kind: SearchKind) -> i64 {
    let n = SearchKind::ALL
        .iter()
        .position(|k| *k == kind)
        .expect("a listed kind");
    (n as i64 + 1) << (REF_BITS + TIME_BITS)
}

/// The id of a document: its kind, then its creation time, then the low
/// bits of its row's id. Documents of a kind thus have ids in a range of
/// their own, ordered by age, which is what lets a search take the newest
/// of a kind, or count up to a cap, without visiting every match.
/// `search_doc`'s own `UNIQUE (kind, ref_id)` still holds each row once;
/// two rows of a kind created in the same second with row ids 4,194,304
/// apart would share an id, and the indexer then takes the next free one.
pub fn doc_id(kind: SearchKind, created_at: i64, ref_id: i64) -> i64 {
    kind_bits(kind) | (created_at.clamp(0, TIME_MAX) << REF_BITS) | (ref_id & REF_MASK)
}

/// The ids of the documents of `kind` created in `[from, to)`.
fn id_range(kind: Option<SearchKind>, filter: Filter) -> (i64, i64) {
    let Some(kind) = kind else {
        return (i64::MIN, i64::MAX);
    };
    let from = filter.from.unwrap_or(0).clamp(0, TIME_MAX);
    let last = filter
        .to
        .map_or(TIME_MAX, |to| to.saturating_sub(1))
        .clamp(0, TIME_MAX);
    let k = kind_bits(kind);
    (k | (from << REF_BITS), k | (last << REF_BITS) | REF_MASK)
}

macro_rules! bind_filter {
    ($q:expr, $who:expr, $m:expr, $f:expr, $kind:expr) => {{
        let (lo, hi) = id_range($kind, $f);
        $q.bind($who.viewer.sql_id())
            .bind(i64::from($who.organiser))
            .bind($m)
            .bind($f.from.unwrap_or(i64::MIN / 2))
            .bind($f.to.unwrap_or(i64::MAX / 2))
            .bind($kind.map(SearchKind::as_str).unwrap_or(""))
            .bind(lo)
            .bind(hi)
    }};
}

/// Counts above this are shown as "1000+": counting every match of a
/// common word would cost as much as the corpus is large.
pub const COUNT_CAP: i64 = crate::search::COUNT_CAP;

/// How many documents of each kind match, in [`SearchKind::ALL`] order,
/// leaving out kinds without any; a kind with more than [`COUNT_CAP`]
/// says `COUNT_CAP + 1`. Each kind is counted on its own, up to the cap.
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
        "SELECT COUNT(*) FROM (SELECT 1 {} LIMIT $9) x",
        from_where(db.backend())
    );
    let m = match_text(db.backend(), query);
    let mut counts = Vec::new();
    for &kind in SearchKind::ALL {
        if filter.kind.is_some_and(|k| k != kind) {
            continue;
        }
        let n: i64 = bind_filter!(
            sqlx::query_scalar(&sql).persistent(false),
            who,
            &m,
            filter,
            Some(kind)
        )
        .bind(COUNT_CAP + 1)
        .fetch_one(db.pool())
        .await?;
        if n > 0 {
            counts.push((kind, n));
        }
    }
    Ok(counts)
}

/// A row of [`COLUMNS`] (`d.id` is not read).
#[derive(sqlx::FromRow)]
struct FoundRow {
    kind: String,
    ref_id: i64,
    title: String,
    body: String,
    context: String,
    url: String,
    created_at: i64,
}

impl FoundRow {
    fn found(self) -> Option<Found> {
        Some(Found {
            kind: SearchKind::parse(&self.kind)?,
            ref_id: self.ref_id,
            title: self.title,
            body: self.body,
            context: self.context,
            url: self.url,
            created_at: self.created_at,
        })
    }
}

const COLUMNS: &str = "d.id, d.kind, d.ref_id, d.title, d.body, d.context, d.url, d.created_at";

/// The newest `per_kind` matches of every kind (of the filter's kind when
/// it has one), newest first; each kind is its own query with its own
/// `LIMIT`.
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
        "SELECT {COLUMNS} {} {} LIMIT $9",
        from_where(db.backend()),
        order(db.backend())
    );
    let m = match_text(db.backend(), query);
    let mut all = Vec::new();
    for &kind in SearchKind::ALL {
        if filter.kind.is_some_and(|k| k != kind) {
            continue;
        }
        let rows: Vec<FoundRow> = bind_filter!(
            sqlx::query_as(&sql).persistent(false),
            who,
            &m,
            filter,
            Some(kind)
        )
        .bind(per_kind)
        .fetch_all(db.pool())
        .await?;
        all.extend(rows.into_iter().filter_map(FoundRow::found));
    }
    all.sort_by_key(|d| std::cmp::Reverse(d.created_at));
    Ok(all)
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
    let order = match filter.kind {
        Some(_) => order(db.backend()),
        None => "ORDER BY d.created_at DESC, d.id DESC",
    };
    let sql = format!(
        "SELECT {COLUMNS} {} {order} LIMIT $9 OFFSET $10",
        from_where(db.backend())
    );
    let m = match_text(db.backend(), query);
    let rows: Vec<FoundRow> = bind_filter!(
        sqlx::query_as(&sql).persistent(false),
        who,
        &m,
        filter,
        filter.kind
    )
    .bind(limit)
    .bind(offset)
    .fetch_all(db.pool())
    .await?;
    Ok(rows.into_iter().filter_map(FoundRow::found).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn document_ids_order_kinds_apart_and_by_age() {
        let post = |t, r| doc_id(SearchKind::Post, t, r);
        assert!(post(1_700_000_001, 1) > post(1_700_000_000, 9_999_999));
        assert!(post(1_700_000_000, 2) > post(1_700_000_000, 1));
        let note = doc_id(SearchKind::Note, 0, 0);
        assert!(note > post(TIME_MAX + 5, REF_MASK), "kinds do not overlap");
        assert!(doc_id(SearchKind::Book, -5, 1) > 0);
        let all = Filter::default();
        let (lo, hi) = id_range(Some(SearchKind::Post), all);
        assert!(lo <= post(0, 0) && post(TIME_MAX, REF_MASK) <= hi);
        assert!(hi < note);
        let window = Filter {
            kind: None,
            from: Some(1_000),
            to: Some(2_000),
        };
        let (lo, hi) = id_range(Some(SearchKind::Post), window);
        assert!(lo <= post(1_000, 0) && post(1_999, REF_MASK) <= hi);
        assert!(post(999, REF_MASK) < lo && post(2_000, 0) > hi);
        assert_eq!(id_range(None, all), (i64::MIN, i64::MAX));
    }
}

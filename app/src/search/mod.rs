//! Search across books, groups, threads and posts, notes and lectures.
//!
//! Documents are kept in `search_doc` (see the `0005_search` migrations),
//! built from queued changes by [`index`]; [`queries`] finds them with the
//! reader's rights applied in SQL; the page is `/search`.

pub mod api;
pub mod page;
#[cfg(feature = "ssr")]
pub mod queries;
#[cfg(feature = "ssr")]
pub mod tokens;

use serde::{Deserialize, Serialize};

platform::labelled_enum! {
    /// What a search result is.
    SearchKind {
        Book = "book", "图书";
        Group = "group", "读书群";
        Thread = "thread", "讨论主题";
        Post = "post", "帖子";
        Note = "note", "读书心得";
        Lecture = "lecture", "讲座";
    }
}

/// A query longer than this is cut (characters).
pub const MAX_QUERY: usize = 100;
/// Results per kind on the overview; per page when one kind is chosen.
pub const PER_KIND: i64 = 5;
pub const PER_PAGE: i64 = 20;
/// Matches are counted up to this many per kind; more are shown as "1000+".
pub const COUNT_CAP: i64 = 1000;

/// A count of results as the page shows it: "1000+" above the cap.
pub fn count_label(n: i64) -> String {
    if n > COUNT_CAP {
        format!("{COUNT_CAP}+")
    } else {
        n.to_string()
    }
}

/// A piece of shown text, marked when it matched the query.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Piece {
    pub text: String,
    pub hit: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Hit {
    pub kind: SearchKind,
    pub url: String,
    pub title: Vec<Piece>,
    pub excerpt: Vec<Piece>,
    /// Where it is: the group, the book, the series.
    pub context: String,
    pub created_at: i64,
}

/// The results of one kind: how many in all, and the first of them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KindResults {
    pub kind: SearchKind,
    pub total: i64,
    pub hits: Vec<Hit>,
}

/// What the reader asked: the words, a kind, a date range (Beijing dates,
/// both ends included), a page when one kind is shown.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct SearchRequest {
    pub q: String,
    pub kind: Option<SearchKind>,
    pub from: Option<String>,
    pub to: Option<String>,
    pub page: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SearchResults {
    pub request: SearchRequest,
    /// Every kind with at least one result, in [`SearchKind::ALL`] order.
    pub kinds: Vec<KindResults>,
    pub total: i64,
    /// Pages of the chosen kind.
    pub pages: i64,
    /// Why nothing was searched (empty query, bad date), in Chinese.
    pub notice: Option<String>,
    /// Milliseconds the search took on the server.
    pub took_ms: u64,
}

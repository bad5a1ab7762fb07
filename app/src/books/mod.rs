//! Books: the catalogue, covers, CSV import and export, recommendations (荐书).

pub mod api;
pub mod isbn;
pub mod pages;
pub mod validate;

#[cfg(feature = "ssr")]
pub mod catalogue_csv;
#[cfg(feature = "ssr")]
pub mod queries;
#[cfg(feature = "ssr")]
pub mod routes;

use serde::{Deserialize, Serialize};

/// A book's descriptive fields, validated (see `validate::book_fields`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BookFields {
    pub title: String,
    pub author: String,
    /// Empty when unknown.
    pub publisher: String,
    pub year: Option<i64>,
    /// Normalised ISBN-13 digits (no hyphens), when known.
    pub isbn: Option<String>,
    pub pages: Option<i64>,
    /// Plain text, may be empty.
    pub summary: String,
}

/// A catalogue entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BookSummary {
    pub id: i64,
    pub fields: BookFields,
    pub cover_id: Option<i64>,
}

impl BookSummary {
    /// The cover's address, full size or thumbnail.
    pub fn cover_url(&self, thumb: bool) -> Option<String> {
        self.cover_id.map(|id| cover_url(id, thumb))
    }
}

/// Where a stored cover is served. The id never changes for an image, so
/// the response can be cached for good.
pub fn cover_url(image_id: i64, thumb: bool) -> String {
    if thumb {
        format!("/covers/{image_id}/thumb")
    } else {
        format!("/covers/{image_id}")
    }
}

platform::labelled_enum!(
    /// Where a recommendation stands.
    RecommendationStatus {
        Pending = "pending", "待审核";
        Approved = "approved", "已通过";
        Declined = "declined", "未通过";
    }
);

/// A recommendation (荐书): a book, who recommends it and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Recommendation {
    pub id: i64,
    pub book_id: i64,
    pub title: String,
    pub author: String,
    pub cover_id: Option<i64>,
    pub account_id: i64,
    pub recommender: String,
    pub reason: String,
    pub status: RecommendationStatus,
    pub review_comment: String,
    pub reviewed_at: Option<i64>,
    pub created_at: i64,
}

//! Progress (想读/在读/读完 with page or percent), daily check-ins (打卡)
//! with streaks and a year's heatmap, and each person's data export.

pub mod api;
pub mod components;
pub mod streak;

#[cfg(feature = "ssr")]
pub mod export;
#[cfg(feature = "ssr")]
pub mod queries;

use serde::{Deserialize, Serialize};

platform::labelled_enum!(
    /// Where someone is with a book.
    ReadingStatus {
        Want = "want", "想读";
        Reading = "reading", "在读";
        Finished = "finished", "读完";
    }
);

/// Someone's progress on one book.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Progress {
    pub book_id: i64,
    pub title: String,
    pub status: ReadingStatus,
    pub page: Option<i64>,
    pub percent: Option<i64>,
    pub updated_at: i64,
}

impl Progress {
    /// Percent read: as recorded, or from the page and the book's length.
    pub fn percent_of(&self, pages: Option<i64>) -> Option<i64> {
        if self.status == ReadingStatus::Finished {
            return Some(100);
        }
        self.percent.or_else(|| match (self.page, pages) {
            (Some(p), Some(total)) if total > 0 => Some((p * 100 / total).clamp(0, 100)),
            _ => None,
        })
    }

    /// `读完`, `在读 · 45%`, `在读 · 第 120 页`, `想读`.
    pub fn describe(&self, pages: Option<i64>) -> String {
        match (self.status, self.percent_of(pages), self.page) {
            (ReadingStatus::Reading, Some(p), _) => format!("在读 · {p}%"),
            (ReadingStatus::Reading, None, Some(page)) => format!("在读 · 第 {page} 页"),
            (s, _, _) => s.label().to_owned(),
        }
    }
}

/// One check-in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckIn {
    pub group_id: i64,
    pub group_name: String,
    pub day: String,
    pub minutes: Option<i64>,
    pub pages: Option<i64>,
    pub line: String,
}

pub const LINE_MAX: usize = 140;
pub const MINUTES_MAX: i64 = 24 * 60;
pub const PAGES_MAX: i64 = 5000;

#[cfg(test)]
mod tests {
    use super::*;

    fn p(status: ReadingStatus, page: Option<i64>, percent: Option<i64>) -> Progress {
        Progress {
            book_id: 1,
            title: "三体".into(),
            status,
            page,
            percent,
            updated_at: 0,
        }
    }

    #[test]
    fn percent_from_pages_or_as_recorded() {
        assert_eq!(
            p(ReadingStatus::Reading, Some(150), None).percent_of(Some(300)),
            Some(50)
        );
        assert_eq!(
            p(ReadingStatus::Reading, Some(150), Some(20)).percent_of(Some(300)),
            Some(20)
        );
        assert_eq!(
            p(ReadingStatus::Reading, Some(150), None).percent_of(None),
            None
        );
        assert_eq!(
            p(ReadingStatus::Finished, None, None).percent_of(None),
            Some(100)
        );
        assert_eq!(
            p(ReadingStatus::Reading, None, Some(45)).describe(None),
            "在读 · 45%"
        );
        assert_eq!(
            p(ReadingStatus::Reading, Some(120), None).describe(None),
            "在读 · 第 120 页"
        );
        assert_eq!(p(ReadingStatus::Want, None, None).describe(None), "想读");
    }
}

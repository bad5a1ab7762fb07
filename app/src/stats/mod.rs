//! Statistics for organisers (`/admin/stats`) and the annual reading report
//! (`/report/{year}`): the figures committees publish, computed from the
//! platform's own records, with charts drawn on the server as SVG and every
//! table downloadable as CSV.

pub mod api;
#[cfg(feature = "ssr")]
pub mod cache;
pub mod chart;
#[cfg(feature = "ssr")]
pub mod collect;
#[cfg(feature = "ssr")]
pub mod csv;
pub mod page;
#[cfg(feature = "ssr")]
pub mod queries;
pub mod report;
#[cfg(feature = "ssr")]
pub mod trend;

use serde::{Deserialize, Serialize};

/// Headline figures of a time window.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Figures {
    pub groups_recruiting: i64,
    pub groups_active: i64,
    pub groups_ended: i64,
    /// People (委员 / 社会读者) with any reading activity in the window:
    /// a check-in, a post, a note, progress, a lecture attended or watched.
    pub active_members: i64,
    pub active_readers: i64,
    pub check_ins: i64,
    pub notes: i64,
    pub posts: i64,
    pub books_finished: i64,
    /// Published sessions that ended in the window.
    pub lectures_held: i64,
    /// Watch-page opens of those sessions.
    pub lecture_views: i64,
    /// Their audiences (each person once per session), added up.
    pub lecture_audience: i64,
}

/// Activity of one week or month.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TrendRow {
    /// `11月23日起` for a week, `2026年11月` for a month.
    pub label: String,
    pub check_ins: i64,
    pub posts: i64,
    pub notes: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SectorRow {
    pub sector: String,
    pub people: i64,
    pub check_ins: i64,
    pub notes: i64,
    pub posts: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct GroupRow {
    pub slug: String,
    pub name: String,
    pub members: i64,
    pub check_ins: i64,
    pub posts: i64,
    pub notes: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BookRow {
    pub id: i64,
    pub title: String,
    pub author: String,
    /// Finished in the window (most read) or recommendations approved (most recommended).
    pub count: i64,
    pub reading: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LectureRow {
    pub slug: String,
    pub title: String,
    pub starts_at: i64,
    pub views: i64,
    pub audience: i64,
}

/// Everything `/admin/stats` shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatsData {
    /// All time; the active people are those of the last 30 days.
    pub figures: Figures,
    pub weekly: Vec<TrendRow>,
    pub monthly: Vec<TrendRow>,
    pub sectors: Vec<SectorRow>,
    pub groups: Vec<GroupRow>,
    pub books: Vec<BookRow>,
    /// When the figures were computed (Unix seconds).
    pub at: i64,
    /// They are computed again when older than this (seconds).
    pub fresh_secs: i64,
}

/// Everything the annual report shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportData {
    pub year: i32,
    pub figures: Figures,
    pub monthly: Vec<TrendRow>,
    pub groups: Vec<GroupRow>,
    pub most_read: Vec<BookRow>,
    pub most_recommended: Vec<BookRow>,
    pub lectures: Vec<LectureRow>,
    /// The organisers' foreword, sanitised HTML ("" when none).
    pub foreword_html: platform::SafeHtml,
    pub foreword_md: String,
    pub brand: String,
    pub can_edit: bool,
    /// The figures are computed again when older than this (seconds).
    pub fresh_secs: i64,
}

/// How fresh the figures are, as the pages say it.
pub fn freshness_zh(fresh_secs: i64) -> String {
    match fresh_secs {
        s if s <= 0 => "数据实时统计".to_owned(),
        60 => "数据每分钟更新".to_owned(),
        s if s % 60 == 0 => format!("数据每 {} 分钟更新", s / 60),
        s => format!("数据每 {s} 秒更新"),
    }
}

/// The CSV tables of `/admin/stats`: file name and Chinese title.
pub const TABLES: [(&str, &str); 5] = [
    ("weekly", "每周趋势"),
    ("monthly", "每月趋势"),
    ("sectors", "分界别"),
    ("groups", "分读书群"),
    ("books", "最常读完的书"),
];

#[cfg(test)]
mod tests {
    use super::freshness_zh;

    #[test]
    fn freshness_is_said_in_chinese() {
        assert_eq!(freshness_zh(60), "数据每分钟更新");
        assert_eq!(freshness_zh(300), "数据每 5 分钟更新");
        assert_eq!(freshness_zh(45), "数据每 45 秒更新");
        assert_eq!(freshness_zh(0), "数据实时统计");
    }
}

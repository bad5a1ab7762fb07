//! 履职读书记录: each member's reading in a period — groups, books finished,
//! check-ins, notes, posts and lectures attended — because committees count
//! reading as part of a member's duties. `/admin/records` lists every
//! member (委员) with their figures; `/admin/records/{id}` shows one; both
//! download as CSV (organisers only).
//!
//! Only what the member shared counts: a private note is left out of both
//! the figure and the items. Its title is not the organisers' to read (no
//! other page shows them a private note), and counting it would still tell
//! them when the member wrote privately; a member who wants a note counted
//! makes it public or visible to a group.

mod api;
pub use api::*;

use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
use platform::error::AppError;

/// One member's figures in the period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct RecordRow {
    pub id: i64,
    pub display_name: String,
    pub username: String,
    pub sector: String,
    pub groups: i64,
    pub books_finished: i64,
    pub check_ins: i64,
    pub notes: i64,
    pub posts: i64,
    pub lectures: i64,
}

/// One line of a member's record: when, what kind, what.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordItem {
    pub at: i64,
    pub kind: String,
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberRecord {
    pub row: RecordRow,
    /// Groups the member belongs to now: name and role.
    pub groups: Vec<(String, String)>,
    pub items: Vec<RecordItem>,
}

/// The period asked for, as typed (Beijing dates, both included).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Period {
    pub from: String,
    pub to: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordList {
    pub period: Period,
    pub rows: Vec<RecordRow>,
}

#[cfg(feature = "ssr")]
pub mod queries;

/// Parses the period; empty ends mean this year so far.
#[cfg(feature = "ssr")]
pub fn window(from: &str, to: &str) -> Result<(Period, i64, i64), AppError> {
    use platform::time::{day_at, day_start, day_string, parse_day};
    let today = day_at(platform::now());
    let first =
        time::Date::from_calendar_date(today.year(), time::Month::January, 1).unwrap_or(today);
    let parse = |s: &str, default: time::Date| {
        if s.trim().is_empty() {
            Ok(default)
        } else {
            parse_day(s).map_err(AppError::message)
        }
    };
    let (from, to) = (parse(from, first)?, parse(to, today)?);
    if to < from {
        return Err(AppError::message("截止日期不能早于起始日期"));
    }
    Ok((
        Period {
            from: day_string(from),
            to: day_string(to),
        },
        day_start(from),
        day_start(to) + 86_400,
    ))
}

//! Putting the statistics and the annual report together from the queries.
//!
//! The queries are independent of one another, so they run side by side,
//! each on its own connection: on a large corpus a cold count is as slow
//! as its slowest query, not the sum of them.

use super::queries::{self, Activity};
use super::trend::{self, Daily};
use super::{ReportData, StatsData};
use futures::try_join;
use platform::Db;

/// Weeks and months in the trends of the stats page.
const WEEKS: i64 = 12;
const MONTHS: i64 = 12;
/// Rows in the rankings.
const TOP_GROUPS: i64 = 15;
const TOP_BOOKS: i64 = 10;

async fn daily_counts(
    db: &Db,
    from: i64,
    to: i64,
) -> Result<[std::collections::HashMap<i64, i64>; 3], sqlx::Error> {
    let e = db.pool();
    let (check_ins, posts, notes) = try_join!(
        queries::per_day(e, Activity::CheckIns, from, to),
        queries::per_day(e, Activity::Posts, from, to),
        queries::per_day(e, Activity::Notes, from, to),
    )?;
    Ok([check_ins, posts, notes])
}

/// Everything `/admin/stats` shows, as of `now`.
pub async fn stats(db: &Db, now: i64, today: &str) -> Result<StatsData, sqlx::Error> {
    let e = db.pool();
    let all = (i64::MIN / 2, i64::MAX / 2);
    let from = trend::day_start(trend::months_from(now, MONTHS).min(trend::weeks_from(now, WEEKS)));
    let (figures, [check_ins, posts, notes], sectors, groups, books) = try_join!(
        queries::figures(e, all, now - 30 * 86_400, today),
        daily_counts(db, from, all.1),
        queries::sectors(e, all.0, all.1),
        queries::groups(e, all.0, all.1, TOP_GROUPS),
        queries::most_read(e, all.0, all.1, TOP_BOOKS),
    )?;
    let daily = Daily {
        check_ins: &check_ins,
        posts: &posts,
        notes: &notes,
    };
    Ok(StatsData {
        figures,
        weekly: trend::weeks(now, WEEKS, &daily),
        monthly: trend::months(now, MONTHS, &daily),
        sectors,
        groups,
        books,
        at: now,
        fresh_secs: 0,
    })
}

/// The figures of a calendar year (Beijing time) for the annual report;
/// the foreword and who may edit it are filled in by the caller.
pub async fn report(db: &Db, year: i32, today: &str) -> Result<ReportData, sqlx::Error> {
    let e = db.pool();
    let (from, to) = trend::year_window(year);
    let (figures, [check_ins, posts, notes], groups, most_read, most_recommended, lectures) = try_join!(
        queries::figures(e, (from, to), from, today),
        daily_counts(db, from, to),
        queries::groups(e, from, to, 10),
        queries::most_read(e, from, to, TOP_BOOKS),
        queries::most_recommended(e, from, to, TOP_BOOKS),
        queries::lectures(e, from, to),
    )?;
    let daily = Daily {
        check_ins: &check_ins,
        posts: &posts,
        notes: &notes,
    };
    Ok(ReportData {
        year,
        figures,
        monthly: trend::months_of_year(year, &daily),
        groups,
        most_read,
        most_recommended,
        lectures,
        foreword_html: platform::SafeHtml::default(),
        foreword_md: String::new(),
        brand: String::new(),
        can_edit: false,
        fresh_secs: 0,
    })
}

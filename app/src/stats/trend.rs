//! Turning counts per Beijing day into weeks (Monday to Sunday) and
//! calendar months.

use std::collections::HashMap;

use time::{Date, Month};

use super::TrendRow;

const DAY: i64 = 86_400;
const BEIJING: i64 = platform::time::BEIJING_OFFSET_SECONDS as i64;
/// Julian day number of 1970-01-01.
const EPOCH_JULIAN: i64 = 2_440_588;

/// The Beijing day number (days since 1970-01-01) of a Unix time.
pub fn day_number(ts: i64) -> i64 {
    (ts + BEIJING).div_euclid(DAY)
}

/// The Unix time at which a Beijing day starts.
pub fn day_start(day: i64) -> i64 {
    day * DAY - BEIJING
}

fn date_of(day: i64) -> Date {
    Date::from_julian_day((day + EPOCH_JULIAN) as i32).unwrap_or(Date::MIN)
}

fn day_of(date: Date) -> i64 {
    i64::from(date.to_julian_day()) - EPOCH_JULIAN
}

/// The Monday starting the week of a day (1970-01-01 was a Thursday).
fn week_start(day: i64) -> i64 {
    day - (day + 3).rem_euclid(7)
}

/// The per-day counts of check-ins, posts and notes.
pub struct Daily<'a> {
    pub check_ins: &'a HashMap<i64, i64>,
    pub posts: &'a HashMap<i64, i64>,
    pub notes: &'a HashMap<i64, i64>,
}

impl Daily<'_> {
    fn row(&self, label: String, days: std::ops::Range<i64>) -> TrendRow {
        let sum = |m: &HashMap<i64, i64>| days.clone().filter_map(|d| m.get(&d)).sum();
        TrendRow {
            label,
            check_ins: sum(self.check_ins),
            posts: sum(self.posts),
            notes: sum(self.notes),
        }
    }
}

/// The first day of the `n` weeks ending with the one of `now`.
pub fn weeks_from(now: i64, n: i64) -> i64 {
    week_start(day_number(now)) - 7 * (n - 1)
}

/// The last `n` weeks up to the one of `now`, oldest first.
pub fn weeks(now: i64, n: i64, daily: &Daily) -> Vec<TrendRow> {
    let first = weeks_from(now, n);
    (0..n)
        .map(|i| {
            let start = first + 7 * i;
            let d = date_of(start);
            daily.row(
                format!("{}月{}日起", u8::from(d.month()), d.day()),
                start..start + 7,
            )
        })
        .collect()
}

/// (year, month) `back` months before the one of `day`.
fn month_back(day: i64, back: i64) -> (i32, Month) {
    let d = date_of(day);
    let index = i64::from(d.year()) * 12 + i64::from(u8::from(d.month())) - 1 - back;
    let month = Month::try_from((index.rem_euclid(12) + 1) as u8).unwrap_or(Month::January);
    (index.div_euclid(12) as i32, month)
}

fn month_days(year: i32, month: Month) -> std::ops::Range<i64> {
    let first = Date::from_calendar_date(year, month, 1).unwrap_or(Date::MIN);
    let next = match month {
        Month::December => Date::from_calendar_date(year + 1, Month::January, 1),
        m => Date::from_calendar_date(year, m.next(), 1),
    }
    .unwrap_or(Date::MAX);
    day_of(first)..day_of(next)
}

/// The first day of the `n` months ending with the one of `now`.
pub fn months_from(now: i64, n: i64) -> i64 {
    let (y, m) = month_back(day_number(now), n - 1);
    month_days(y, m).start
}

/// The last `n` calendar months up to the one of `now`, oldest first.
pub fn months(now: i64, n: i64, daily: &Daily) -> Vec<TrendRow> {
    (0..n)
        .rev()
        .map(|back| {
            let (y, m) = month_back(day_number(now), back);
            daily.row(format!("{y}年{}月", u8::from(m)), month_days(y, m))
        })
        .collect()
}

/// The twelve months of a year.
pub fn months_of_year(year: i32, daily: &Daily) -> Vec<TrendRow> {
    (1..=12u8)
        .filter_map(|m| Month::try_from(m).ok())
        .map(|m| daily.row(format!("{}月", u8::from(m)), month_days(year, m)))
        .collect()
}

/// `[start, end)` of a calendar year in Beijing, in Unix seconds.
pub fn year_window(year: i32) -> (i64, i64) {
    (
        day_start(month_days(year, Month::January).start),
        day_start(month_days(year, Month::December).end),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 2026-11-27 12:00 Beijing (a Friday).
    const NOW: i64 = 1_795_752_000;

    #[test]
    fn days_weeks_and_months_follow_beijing_time() {
        assert_eq!(date_of(day_number(NOW)).to_string(), "2026-11-27");
        // 23:30 UTC is already the next day in Beijing.
        assert_eq!(day_number(1_795_735_800), day_number(NOW));
        assert_eq!(date_of(weeks_from(NOW, 1)).to_string(), "2026-11-23");
        assert_eq!(date_of(weeks_from(NOW, 2)).to_string(), "2026-11-16");
        assert_eq!(date_of(months_from(NOW, 1)).to_string(), "2026-11-01");
        assert_eq!(date_of(months_from(NOW, 12)).to_string(), "2025-12-01");
        let (start, end) = year_window(2026);
        assert_eq!(start, 1_767_225_600 - BEIJING);
        assert_eq!(end - start, 365 * DAY);
    }

    #[test]
    fn counts_add_up_per_week_and_month() {
        let today = day_number(NOW);
        let mut check_ins = HashMap::new();
        check_ins.insert(today, 2);
        check_ins.insert(today - 4, 3); // Monday of this week
        check_ins.insert(today - 5, 7); // Sunday before
        check_ins.insert(today - 40, 1); // October
        let empty = HashMap::new();
        let daily = Daily {
            check_ins: &check_ins,
            posts: &empty,
            notes: &empty,
        };
        let w = weeks(NOW, 2, &daily);
        assert_eq!(
            w.iter()
                .map(|r| (r.label.as_str(), r.check_ins))
                .collect::<Vec<_>>(),
            [("11月16日起", 7), ("11月23日起", 5)]
        );
        let m = months(NOW, 2, &daily);
        assert_eq!(
            m.iter()
                .map(|r| (r.label.as_str(), r.check_ins))
                .collect::<Vec<_>>(),
            [("2026年10月", 1), ("2026年11月", 12)]
        );
        let y = months_of_year(2026, &daily);
        assert_eq!(y.len(), 12);
        assert_eq!(y[10].check_ins, 12);
        assert_eq!(y[0].label, "1月");
    }
}

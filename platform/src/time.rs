//! Dates as Chinese readers write them, in Beijing time.
//!
//! Calendar days (terms, schedules, check-ins) travel and are stored as
//! `YYYY-MM-DD` text; instants as Unix seconds.

use time::{Date, Month, OffsetDateTime, UtcOffset};

/// Asia/Shanghai: UTC+8 all year (no daylight saving since 1991).
pub const BEIJING: UtcOffset = match UtcOffset::from_hms(8, 0, 0) {
    Ok(o) => o,
    Err(_) => panic!("valid offset"),
};

/// [`BEIJING`] in seconds east of UTC, for SQL and other arithmetic.
pub const BEIJING_OFFSET_SECONDS: i32 = BEIJING.whole_seconds();

fn beijing(ts: i64) -> Option<OffsetDateTime> {
    OffsetDateTime::from_unix_timestamp(ts)
        .ok()
        .map(|t| t.to_offset(BEIJING))
}

/// `2026年11月27日`
pub fn date_zh(ts: i64) -> String {
    beijing(ts).map(|t| day_zh(t.date())).unwrap_or_default()
}

/// `2026-03-05T19:30:00+08:00`: RFC 3339 in Beijing time, as `<time
/// datetime>` takes it.
pub fn rfc3339(ts: i64) -> String {
    beijing(ts)
        .and_then(|t| {
            t.format(&time::format_description::well_known::Rfc3339)
                .ok()
        })
        .unwrap_or_default()
}

/// `2026年11月27日 08:05` (Beijing time).
pub fn datetime_zh(ts: i64) -> String {
    beijing(ts)
        .map(|t| format!("{} {:02}:{:02}", day_zh(t.date()), t.hour(), t.minute()))
        .unwrap_or_default()
}

/// `2026年11月27日` for a calendar day.
pub fn day_zh(d: Date) -> String {
    format!("{}年{}月{}日", d.year(), u8::from(d.month()), d.day())
}

/// `2026年11月27日` for a `YYYY-MM-DD` string (shown as given when malformed).
pub fn day_text_zh(day: &str) -> String {
    parse_day(day)
        .map(day_zh)
        .unwrap_or_else(|_| day.to_owned())
}

/// The calendar day in Beijing at Unix time `ts`.
pub fn day_at(ts: i64) -> Date {
    beijing(ts).map(|t| t.date()).unwrap_or(Date::MIN)
}

/// `YYYY-MM-DD`
pub fn day_string(d: Date) -> String {
    format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day())
}

/// Unix time of the first second of a calendar day in Beijing.
pub fn day_start(d: Date) -> i64 {
    d.midnight().assume_offset(BEIJING).unix_timestamp()
}

/// Parses `YYYY-MM-DD` (what `<input type="date">` sends).
pub fn parse_day(s: &str) -> Result<Date, String> {
    let bad = || {
        format!(
            "日期格式应为 年-月-日，例如 2026-03-01（收到：{}）",
            s.chars().take(20).collect::<String>()
        )
    };
    let mut parts = s.trim().splitn(3, '-');
    let (Some(y), Some(m), Some(d)) = (parts.next(), parts.next(), parts.next()) else {
        return Err(bad());
    };
    let (Ok(y), Ok(m), Ok(d)) = (y.parse::<i32>(), m.parse::<u8>(), d.parse::<u8>()) else {
        return Err(bad());
    };
    if !(1900..=2200).contains(&y) {
        return Err(bad());
    }
    let month = Month::try_from(m).map_err(|_| bad())?;
    Date::from_calendar_date(y, month, d).map_err(|_| format!("{y}年{m}月没有{d}日"))
}

/// The quarter a Unix time falls in, as `2026年第四季度`, and a sort key.
pub fn quarter_zh(ts: i64) -> (i32, u8, String) {
    let d = day_at(ts);
    let q = (u8::from(d.month()) - 1) / 3 + 1;
    let name = ["一", "二", "三", "四"][usize::from(q - 1)];
    (d.year(), q, format!("{}年第{}季度", d.year(), name))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_in_beijing_time() {
        // 2026-11-27T16:05:00Z is 2026-11-28 00:05 in Beijing.
        let ts = 1_795_795_500;
        assert_eq!(date_zh(ts), "2026年11月28日");
        assert_eq!(day_string(day_at(ts)), "2026-11-28");
        assert_eq!(rfc3339(ts), "2026-11-28T00:05:00+08:00");
        assert_eq!(rfc3339(1_772_710_200), "2026-03-05T19:30:00+08:00");
    }

    #[test]
    fn parses_days() {
        let d = parse_day("2026-03-01").unwrap();
        assert_eq!(day_string(d), "2026-03-01");
        assert_eq!(day_zh(d), "2026年3月1日");
        assert_eq!(day_text_zh("2026-12-31"), "2026年12月31日");
        assert!(parse_day("2026-02-30").unwrap_err().contains("没有30日"));
        for bad in [
            "",
            "2026",
            "2026-13-01",
            "26-01-01",
            "abcd-ef-gh",
            "2026/01/01",
        ] {
            assert!(parse_day(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn quarters() {
        assert_eq!(quarter_zh(1_795_795_500).2, "2026年第四季度");
        // 2026-01-01T00:00+08:00
        assert_eq!(quarter_zh(1_767_196_800).2, "2026年第一季度");
    }
}

//! Dates as Chinese readers write them, in Beijing time.

use time::{OffsetDateTime, UtcOffset};

/// Asia/Shanghai: UTC+8 all year (no daylight saving since 1991).
pub const BEIJING: UtcOffset = match UtcOffset::from_hms(8, 0, 0) {
    Ok(o) => o,
    Err(_) => panic!("valid offset"),
};

fn beijing(ts: i64) -> Option<OffsetDateTime> {
    OffsetDateTime::from_unix_timestamp(ts)
        .ok()
        .map(|t| t.to_offset(BEIJING))
}

/// `2026年11月27日`
pub fn date_zh(ts: i64) -> String {
    beijing(ts)
        .map(|t| format!("{}年{}月{}日", t.year(), u8::from(t.month()), t.day()))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_in_beijing_time() {
        // 2026-11-27T16:05:00Z is 2026-11-28 00:05 in Beijing.
        let ts = 1_795_795_500;
        assert_eq!(date_zh(ts), "2026年11月28日");
    }
}

//! Venue check-in (签到): each venue shows a QR code for the day; it leads
//! to a page where the signed-in attendee records attendance.
//!
//! The code is derived from the session's secret key, the venue and the
//! Beijing date, so yesterday's photo of the code does not work today and
//! nobody can compute another venue's code.

use sha2::{Digest, Sha256};

/// The check-in code of a venue on a day (`YYYY-MM-DD`): 20 hex digits.
pub fn code(checkin_key: &str, venue_id: i64, day: &str) -> String {
    let mut h = Sha256::new();
    h.update(checkin_key.as_bytes());
    h.update(b"\0");
    h.update(venue_id.to_le_bytes());
    h.update(day.as_bytes());
    h.finalize()
        .iter()
        .take(10)
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Whether `given` is the venue's code for `day`.
pub fn code_ok(checkin_key: &str, venue_id: i64, day: &str, given: &str) -> bool {
    platform::constant_time_eq(&code(checkin_key, venue_id, day), given)
}

/// The address the venue's QR code for `day` opens.
pub fn path(slug: &str, venue_id: i64, code: &str) -> String {
    format!("/lectures/{slug}/checkin?venue={venue_id}&code={code}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_differ_by_day_venue_and_key() {
        let c = code("k", 1, "2026-12-01");
        assert_eq!(c.len(), 20);
        assert_ne!(c, code("k", 1, "2026-12-02"));
        assert_ne!(c, code("k", 2, "2026-12-01"));
        assert_ne!(c, code("j", 1, "2026-12-01"));
        assert!(code_ok("k", 1, "2026-12-01", &c));
        assert!(!code_ok("k", 1, "2026-12-01", "00"));
    }
}

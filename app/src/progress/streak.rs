//! Check-in streaks and the calendar heatmap, computed from the days.

use serde::{Deserialize, Serialize};
use time::{Date, Duration};

use platform::time::{day_string, parse_day};

/// The current streak (consecutive days ending today, or yesterday when
/// today's check-in is still to come) and the longest one.
pub fn streaks(days: &[String], today: Date) -> (i64, i64) {
    let mut dates: Vec<Date> = days.iter().filter_map(|d| parse_day(d).ok()).collect();
    dates.sort();
    dates.dedup();
    let mut longest = 0;
    let mut run = 0;
    let mut previous: Option<Date> = None;
    for d in &dates {
        run = match previous {
            Some(p) if p + Duration::days(1) == *d => run + 1,
            _ => 1,
        };
        longest = longest.max(run);
        previous = Some(*d);
    }
    let current = match dates.last() {
        Some(last) if *last == today || *last + Duration::days(1) == today => run,
        _ => 0,
    };
    (current, longest)
}

/// A year of check-ins, a column per week (Monday first), for the heatmap.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Heatmap {
    /// `weeks[w][d]`: (day `YYYY-MM-DD`, check-ins that day), `None` outside the range.
    pub weeks: Vec<Vec<Option<(String, i64)>>>,
    pub total_days: i64,
    pub total: i64,
}

/// Builds the heatmap of the 53 weeks ending with today's week.
pub fn heatmap(counts: &[(String, i64)], today: Date) -> Heatmap {
    let start = today - Duration::days(364);
    let first_monday = start - Duration::days(i64::from(start.weekday().number_days_from_monday()));
    let mut weeks = Vec::new();
    let mut day = first_monday;
    while day <= today {
        let mut week = Vec::with_capacity(7);
        for _ in 0..7 {
            if day < start || day > today {
                week.push(None);
            } else {
                let key = day_string(day);
                let n = counts
                    .iter()
                    .find(|(d, _)| *d == key)
                    .map_or(0, |(_, n)| *n);
                week.push(Some((key, n)));
            }
            day += Duration::days(1);
        }
        weeks.push(week);
    }
    let in_range: Vec<_> = counts
        .iter()
        .filter(|(d, _)| parse_day(d).is_ok_and(|d| d >= start && d <= today))
        .collect();
    Heatmap {
        weeks,
        total_days: in_range.iter().filter(|(_, n)| *n > 0).count() as i64,
        total: in_range.iter().map(|(_, n)| n).sum(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Date {
        parse_day(s).unwrap()
    }

    fn days(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn streak_counts_consecutive_days() {
        let today = d("2026-03-10");
        assert_eq!(
            streaks(&days(&["2026-03-08", "2026-03-09", "2026-03-10"]), today),
            (3, 3)
        );
        // Today not yet checked in: yesterday's run still counts.
        assert_eq!(streaks(&days(&["2026-03-08", "2026-03-09"]), today), (2, 2));
        // A gap ends the current streak.
        assert_eq!(
            streaks(
                &days(&["2026-03-01", "2026-03-02", "2026-03-03", "2026-03-08"]),
                today
            ),
            (0, 3)
        );
        assert_eq!(streaks(&[], today), (0, 0));
        // Across a month end, with duplicates from several groups.
        assert_eq!(
            streaks(
                &days(&["2026-02-27", "2026-02-28", "2026-03-01", "2026-03-01"]),
                d("2026-03-01")
            ),
            (3, 3)
        );
    }

    #[test]
    fn heatmap_covers_a_year_in_weeks() {
        let today = d("2026-11-27");
        let h = heatmap(
            &[
                ("2026-11-27".into(), 2),
                ("2026-11-20".into(), 1),
                ("2020-01-01".into(), 5),
            ],
            today,
        );
        assert!(h.weeks.len() == 53 || h.weeks.len() == 54);
        assert!(h.weeks.iter().all(|w| w.len() == 7));
        assert_eq!(h.total_days, 2);
        assert_eq!(h.total, 3);
        let last = h.weeks.last().unwrap();
        assert!(
            last.iter()
                .flatten()
                .any(|(day, n)| day == "2026-11-27" && *n == 2)
        );
    }
}

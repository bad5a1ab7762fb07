//! Calendar files (iCalendar, RFC 5545) and the Atom feed (RFC 4287) of the
//! lecture hall (政协大讲堂), written with the `icalendar` and
//! `atom_syndication` crates. The HTTP handlers for `/lectures/{slug}.ics`,
//! `/calendar.ics` and `/lectures/feed.atom` load the sessions and call
//! [`calendar`] or [`atom`].
//!
//! What this module adds to the crates:
//!
//! * Text is cleaned before the crates escape it: CR is dropped (a CRLF in
//!   an abstract becomes one line break) and other control characters are
//!   removed, which neither format allows.
//! * Calendar times are UTC (`DTSTART:20260305T113000Z`), so no
//!   `VTIMEZONE` is needed; calendar apps show them in the reader's zone,
//!   and `X-WR-TIMEZONE` names Beijing's for those that ask.
//! * Calendar lines are folded again by [`fold_line`]. The crate folds at
//!   75 octets but may leave a space at the edge of a physical line, which
//!   parsers that trim lines (the `ical` crate, some desktop clients) drop;
//!   [`fold_line`] never splits a character or an escape and keeps blanks
//!   off the edges.
//! * Feed dates carry the Beijing offset (`2026-03-05T19:30:00+08:00`); an
//!   entry's summary is sanitised HTML, sent as `<summary type="html">`.

use atom_syndication::{Entry, Feed, FixedDateTime, Link, Person, Text};
use chrono::{DateTime, Duration, FixedOffset, Utc};
use icalendar::{Alarm, Calendar, Component, Event, EventLike, EventStatus, Property};

use platform::time::BEIJING_OFFSET_SECONDS;

/// The `PRODID` of every calendar produced here.
pub const PRODID: &str = "-//书香//政协大讲堂//ZH";

/// The time zone calendar apps are told the calendar belongs to
/// (`X-WR-TIMEZONE`); event times themselves are UTC.
pub const CALENDAR_TIMEZONE: &str = "Asia/Shanghai";

/// The feed-level `<author><name>` of every Atom feed produced here.
pub const FEED_AUTHOR: &str = "书香";

/// The longest physical iCalendar line, in octets, excluding the CRLF.
pub const MAX_LINE_OCTETS: usize = 75;

/// Timestamps are clamped to years 1–9999 so a date always has four digits.
const MIN_TIMESTAMP: i64 = -62_135_596_800;
const MAX_TIMESTAMP: i64 = 253_402_300_799 - BEIJING_OFFSET_SECONDS as i64;

/// One lecture session as a calendar event. Times are Unix seconds.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CalEvent {
    /// Globally unique and stable across updates, e.g. `lecture-12@shuxiang`.
    pub uid: String,
    /// `SUMMARY`: the lecture title.
    pub title: String,
    /// `DESCRIPTION`: plain text (the abstract); omitted when empty.
    pub description: String,
    /// `LOCATION`: the venue; omitted when empty.
    pub location: String,
    /// `URL`: absolute, ASCII (percent-encoded) link to the lecture page;
    /// omitted when empty.
    pub url: String,
    pub starts_at: i64,
    /// `DTEND` is omitted when it is not after `starts_at` (RFC 5545
    /// requires it to be later).
    pub ends_at: i64,
    /// Written as `LAST-MODIFIED`.
    pub updated_at: i64,
    /// `STATUS:CANCELLED` instead of `STATUS:CONFIRMED`; cancelled events
    /// get no reminder.
    pub cancelled: bool,
}

/// One entry of an Atom feed. Times are Unix seconds.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FeedEntry {
    /// A permanent IRI, e.g. `tag:shuxiang,2026:lecture-12` or the page URL.
    pub id: String,
    /// Plain-text title.
    pub title: String,
    /// Absolute link to the entry's page (`rel="alternate"`).
    pub url: String,
    /// Sanitised HTML, sent as `<summary type="html">`; omitted when empty.
    pub summary_html: String,
    pub updated_at: i64,
    pub published_at: i64,
    /// Entry author's name; when empty the feed-level author applies.
    pub author: String,
}

/// Builds a complete `VCALENDAR` named `name` holding `events`.
///
/// `now` becomes every event's `DTSTAMP`. With `reminder_minutes` set to
/// `Some(n)`, each event that is not cancelled gets a `VALARM` that shows a
/// reminder `n` minutes before it starts.
pub fn calendar(
    name: &str,
    events: &[CalEvent],
    now: i64,
    reminder_minutes: Option<u32>,
) -> String {
    let mut cal = Calendar::empty();
    for (key, value) in [
        ("VERSION", "2.0"),
        ("PRODID", PRODID),
        ("CALSCALE", "GREGORIAN"),
        ("METHOD", "PUBLISH"),
        ("X-WR-TIMEZONE", CALENDAR_TIMEZONE),
    ] {
        cal.append_property(Property::new(key, value));
    }
    // Not `Calendar::name`: it also writes `NAME`, which the crate does
    // not escape.
    cal.append_property(Property::new("X-WR-CALNAME", clean_line(name)));

    for e in events {
        let mut event = Event::new();
        event
            .uid(&clean_line(&e.uid))
            .timestamp(utc(now))
            .starts(utc(e.starts_at))
            .summary(&clean_text(&e.title))
            .last_modified(utc(e.updated_at))
            .status(if e.cancelled {
                EventStatus::Cancelled
            } else {
                EventStatus::Confirmed
            });
        if e.ends_at > e.starts_at {
            event.ends(utc(e.ends_at));
        }
        if !e.description.is_empty() {
            event.description(&clean_text(&e.description));
        }
        if !e.location.is_empty() {
            event.location(&clean_text(&e.location));
        }
        let url = clean_line(&e.url);
        if !url.is_empty() {
            event.url(&url);
        }
        if let (Some(minutes), false) = (reminder_minutes, e.cancelled) {
            event.alarm(reminder(&e.title, minutes));
        }
        cal.push(event.done());
    }

    let written = cal.done().to_string();
    let mut out = String::with_capacity(written.len() + written.len() / 16);
    let mut in_alarm = false;
    for line in written.replace("\r\n ", "").split_terminator("\r\n") {
        match line {
            "BEGIN:VALARM" => in_alarm = true,
            "END:VALARM" => in_alarm = false,
            // The crate gives every component a DTSTAMP and a random UID;
            // RFC 5545 has neither in VALARM, and a random one would change
            // the file on every request (and with it its ETag).
            _ if in_alarm && (line.starts_with("UID:") || line.starts_with("DTSTAMP:")) => {
                continue;
            }
            _ => {}
        }
        out.push_str(&fold_line(line));
        out.push_str("\r\n");
    }
    out
}

/// A display reminder `minutes` before the start.
fn reminder(title: &str, minutes: u32) -> Alarm {
    let text = if title.trim().is_empty() {
        "政协大讲堂即将开始".to_owned()
    } else {
        format!("即将开始：{}", clean_text(title))
    };
    let mut alarm = Alarm::display(&text, -Duration::minutes(minutes.into()));
    // chrono writes the duration in seconds (`-PT1800S`); clients that show
    // the raw value read minutes better.
    alarm.add_property("TRIGGER", format!("-PT{minutes}M"));
    alarm.done()
}

/// Builds a complete Atom 1.0 feed.
///
/// `feed_id` is the feed's permanent IRI, `self_url` the feed's own absolute
/// URL and `site_url` the page it mirrors; `updated_at` is the feed's
/// `<updated>` (normally the latest entry change).
pub fn atom(
    feed_id: &str,
    title: &str,
    self_url: &str,
    site_url: &str,
    entries: &[FeedEntry],
    updated_at: i64,
) -> String {
    let feed = Feed {
        id: xml_text(feed_id),
        title: Text::plain(xml_text(title)),
        updated: beijing(updated_at),
        lang: Some("zh-CN".to_owned()),
        links: vec![
            link("self", "application/atom+xml", self_url),
            link("alternate", "text/html", site_url),
        ],
        authors: vec![person(FEED_AUTHOR)],
        entries: entries.iter().map(entry).collect(),
        ..Feed::default()
    };
    let mut out = feed.to_string();
    out.push('\n');
    out
}

fn entry(e: &FeedEntry) -> Entry {
    Entry {
        id: xml_text(&e.id),
        title: Text::plain(xml_text(&e.title)),
        links: vec![link("alternate", "text/html", &e.url)],
        updated: beijing(e.updated_at),
        published: Some(beijing(e.published_at)),
        authors: if e.author.trim().is_empty() {
            Vec::new()
        } else {
            vec![person(&e.author)]
        },
        summary: (!e.summary_html.is_empty()).then(|| Text::html(xml_text(&e.summary_html))),
        ..Entry::default()
    }
}

fn link(rel: &str, media_type: &str, href: &str) -> Link {
    Link {
        rel: rel.to_owned(),
        mime_type: Some(media_type.to_owned()),
        href: xml_text(href),
        ..Link::default()
    }
}

fn person(name: &str) -> Person {
    Person {
        name: xml_text(name),
        ..Person::default()
    }
}

/// Text for an iCalendar TEXT value: CR dropped (so CRLF and LF both end a
/// line once), tab and LF kept, every other control character removed.
fn clean_text(value: &str) -> String {
    value
        .chars()
        .filter(|&c| c == '\n' || c == '\t' || !c.is_control())
        .collect()
}

/// A one-line value (a name, a UID, a URI): no control characters at all.
fn clean_line(value: &str) -> String {
    value.chars().filter(|c| !c.is_control()).collect()
}

/// Text XML 1.0 allows: C0 controls (but tab, LF and CR), DEL, C1 and the
/// non-characters U+FFFE/U+FFFF removed. The writer escapes the rest.
fn xml_text(value: &str) -> String {
    value
        .chars()
        .filter(|&c| {
            matches!(c, '\t' | '\n' | '\r')
                || !(c.is_control() || c == '\u{FFFE}' || c == '\u{FFFF}')
        })
        .collect()
}

fn utc(timestamp: i64) -> DateTime<Utc> {
    DateTime::from_timestamp(timestamp.clamp(MIN_TIMESTAMP, MAX_TIMESTAMP), 0).unwrap_or_default()
}

fn beijing(timestamp: i64) -> FixedDateTime {
    let offset = FixedOffset::east_opt(BEIJING_OFFSET_SECONDS).expect("+08:00 is a valid offset");
    utc(timestamp).with_timezone(&offset)
}

/// Folds one iCalendar content line (RFC 5545 §3.1) into physical lines of
/// at most [`MAX_LINE_OCTETS`] octets, joined by CRLF + space. The result has
/// no trailing CRLF; removing every "CRLF + space" restores `line`.
///
/// The octets of the whole line count, property name included, and the
/// leading space of a continuation line counts too. A fold is never placed
/// inside a UTF-8 character nor between a backslash and the character it
/// escapes, and is moved back (where possible) so that no physical line ends
/// with, and no continuation starts with, a space or tab.
///
/// `line` must not contain CR or LF (escaped TEXT values never do).
pub fn fold_line(line: &str) -> String {
    debug_assert!(
        !line.contains(['\r', '\n']),
        "content line with a line break"
    );
    if line.len() <= MAX_LINE_OCTETS {
        return line.to_owned();
    }

    // Byte offsets where a fold may go: between two characters, but not
    // right after the backslash of an escape sequence.
    let mut boundaries = Vec::with_capacity(line.len() / 2);
    let mut escaped = false;
    for (index, c) in line.char_indices() {
        if index > 0 && !escaped {
            boundaries.push(index);
        }
        escaped = !escaped && c == '\\';
    }
    boundaries.push(line.len());

    let is_blank = |c: Option<char>| matches!(c, Some(' ' | '\t'));
    let mut out = String::with_capacity(line.len() + line.len() / 24);
    let mut start = 0;
    let mut next = 0; // index into `boundaries` of the first one after `start`
    while start < line.len() {
        // The first physical line has 75 octets; continuations 74 plus the
        // leading space.
        let budget = if start == 0 {
            MAX_LINE_OCTETS
        } else {
            MAX_LINE_OCTETS - 1
        };
        let mut end = next;
        while end + 1 < boundaries.len() && boundaries[end + 1] - start <= budget {
            end += 1;
        }
        // `boundaries[next]` is at most 5 octets after `start` (a backslash
        // plus a 4-octet character), so it always fits the budget.
        let mut chosen = end;
        if boundaries[end] < line.len() {
            let good = |i: usize| {
                let at = boundaries[i];
                !is_blank(line[..at].chars().next_back()) && !is_blank(line[at..].chars().next())
            };
            if let Some(i) = (next..=end).rev().find(|&i| good(i)) {
                chosen = i;
            }
        }
        let stop = boundaries[chosen];
        if start > 0 {
            out.push_str("\r\n ");
        }
        out.push_str(&line[start..stop]);
        start = stop;
        next = chosen + 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Checks the folding invariants on the raw bytes of one folded line.
    fn assert_folded_ok(original: &str, folded: &str) {
        for (i, piece) in folded.as_bytes().split(|&b| b == b'\n').enumerate() {
            let piece = piece.strip_suffix(b"\r").unwrap_or(piece);
            assert!(piece.len() <= MAX_LINE_OCTETS, "line too long: {piece:?}");
            let text = std::str::from_utf8(piece).expect("physical line is valid UTF-8");
            assert!(!text.contains('\r'), "bare CR in {text:?}");
            if i > 0 {
                assert!(
                    text.starts_with(' ') && text.len() > 1,
                    "bad continuation {text:?}"
                );
            }
        }
        assert!(!folded.ends_with("\r\n"));
        assert_eq!(folded.replace("\r\n ", ""), original, "unfolding restores");
    }

    #[test]
    fn short_lines_are_not_folded() {
        assert_eq!(fold_line("SUMMARY:讲座"), "SUMMARY:讲座");
        let exact = format!("X:{}", "a".repeat(73));
        assert_eq!(exact.len(), 75);
        assert_eq!(fold_line(&exact), exact);
        let over = format!("X:{}", "a".repeat(74));
        assert_eq!(fold_line(&over), format!("X:{}\r\n a", "a".repeat(73)));
    }

    #[test]
    fn folding_never_splits_a_multibyte_character() {
        // Every alignment of 3- and 4-octet characters against the limit.
        for pad in 0..8 {
            for body in ["政协大讲堂", "📚读书𝄞", "é中😀a"] {
                let line = format!("SUMMARY:{}{}", "x".repeat(pad), body.repeat(40));
                let folded = fold_line(&line);
                assert_folded_ok(&line, &folded);
                // Folds are tight: a physical line is only cut short by less
                // than one character (at most 4 octets).
                let pieces: Vec<&str> = folded.split("\r\n").collect();
                for piece in &pieces[..pieces.len() - 1] {
                    assert!(piece.len() > MAX_LINE_OCTETS - 4, "{piece:?} is short");
                }
            }
        }
    }

    #[test]
    fn folding_pseudo_random_lines() {
        let alphabet: Vec<char> = "ab ,;\\\t中文书香政协😀𝄞é".chars().collect();
        let mut seed: u64 = 0x5eed;
        let mut next = || {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            seed >> 33
        };
        for _ in 0..500 {
            let len = next() % 300;
            let mut value = String::new();
            for _ in 0..len {
                value.push(alphabet[(next() % alphabet.len() as u64) as usize]);
            }
            // Escaped as the crate escapes TEXT.
            let escaped = value
                .replace('\\', "\\\\")
                .replace(',', "\\,")
                .replace(';', "\\;");
            let line = format!("DESCRIPTION:{escaped}");
            let folded = fold_line(&line);
            assert_folded_ok(&line, &folded);
            // No escape sequence is split: every non-final physical line
            // ends with an even run of backslashes.
            let pieces: Vec<&str> = folded.split("\r\n").collect();
            for piece in &pieces[..pieces.len() - 1] {
                let run = piece.chars().rev().take_while(|&c| c == '\\').count();
                assert_eq!(run % 2, 0, "escape split at end of {piece:?}");
            }
        }
    }

    #[test]
    fn folds_avoid_whitespace_at_line_edges() {
        let line = format!("SUMMARY:{} 书香 讲堂 {}", "政".repeat(22), "协".repeat(30));
        let folded = fold_line(&line);
        assert_folded_ok(&line, &folded);
        let pieces: Vec<&str> = folded.split("\r\n").collect();
        for piece in &pieces[..pieces.len() - 1] {
            assert!(!piece.ends_with(' '), "{piece:?} ends with a space");
        }
        for piece in &pieces[1..] {
            assert!(
                !piece[1..].starts_with(' '),
                "{piece:?} starts with a space"
            );
        }
        // A run of blanks longer than a line still folds (at the limit).
        let blanks = format!("X:{}", " ".repeat(200));
        assert_folded_ok(&blanks, &fold_line(&blanks));
    }

    #[test]
    fn control_characters_are_removed_before_escaping() {
        let event = CalEvent {
            uid: "lecture-1@shuxiang".into(),
            title: "讲\u{0}座\u{8}\r\n标\u{1f}题\u{7f}".into(),
            location: "会\u{c}场".into(),
            url: "\u{0}\n".into(),
            starts_at: 1_772_710_200,
            ends_at: 1_772_710_200,
            ..CalEvent::default()
        };
        let doc = calendar("讲\u{1b}堂\n", &[event], 1_772_352_005, None);
        let lines: Vec<&str> = doc.split("\r\n").collect();
        assert!(lines.contains(&"SUMMARY:讲座\\n标题"), "{doc}");
        assert!(lines.contains(&"LOCATION:会场"));
        assert!(lines.contains(&"X-WR-CALNAME:讲堂"));
        for absent in ["DTEND", "DESCRIPTION", "URL"] {
            assert!(!lines.iter().any(|l| l.starts_with(absent)), "{absent}");
        }
        assert!(!doc.replace("\r\n", "").chars().any(char::is_control));
        assert_eq!(
            xml_text("a\u{0}b\u{8}c\u{b}d\u{1f}e\u{7f}f\u{9f}g\u{fffe}h\ti\n"),
            "abcdefgh\ti\n"
        );
    }

    #[test]
    fn the_same_sessions_give_the_same_bytes() {
        let event = CalEvent {
            uid: "lecture-1@shuxiang".into(),
            title: "讲座".into(),
            starts_at: 1_772_710_200,
            ends_at: 1_772_717_400,
            ..CalEvent::default()
        };
        let first = calendar(
            "讲堂",
            std::slice::from_ref(&event),
            1_772_352_005,
            Some(30),
        );
        let again = calendar("讲堂", &[event], 1_772_352_005, Some(30));
        assert_eq!(first, again);
        assert_eq!(first.matches("UID:").count(), 1, "{first}");
        assert_eq!(first.matches("DTSTAMP:").count(), 1, "{first}");
    }

    #[test]
    fn out_of_range_times_are_clamped() {
        assert_eq!(utc(i64::MIN).to_rfc3339(), "0001-01-01T00:00:00+00:00");
        assert_eq!(beijing(i64::MAX).to_rfc3339(), "9999-12-31T23:59:59+08:00");
    }
}

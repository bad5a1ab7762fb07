//! iCalendar (RFC 5545) and Atom (RFC 4287) generators for the lecture hall
//! (政协大讲堂).
//!
//! Pure, framework-free functions: they take plain data and return the whole
//! document as a `String`. They depend only on `std` and `time`, so they
//! compile into both the server and the WebAssembly bundle; the HTTP handlers
//! for `/lectures/{slug}.ics`, `/calendar.ics` and `/lectures/feed.atom` only
//! load the sessions and call [`calendar`] or [`atom`].
//!
//! # iCalendar
//!
//! * Every line ends with CRLF; no bare LF or CR is ever written.
//! * TEXT values (`SUMMARY`, `DESCRIPTION`, `LOCATION`, `UID`, …) are escaped
//!   per RFC 5545 §3.3.11 by [`escape_text`]: backslash, semicolon, comma and
//!   newline are backslash-escaped, CR is dropped (so CRLF becomes `\n`) and
//!   other control characters are removed.
//! * Content lines longer than 75 octets are folded by [`fold_line`] (CRLF
//!   followed by one space). Folds are placed only between whole UTF-8
//!   characters, never inside a backslash escape, and — where possible — not
//!   next to a space or tab, because some real-world parsers trim the ends
//!   of physical lines.
//! * Times: `DTSTART`/`DTEND` are written in Beijing local time with
//!   `TZID=Asia/Shanghai`, referring to the `VTIMEZONE` included in every
//!   calendar; `DTSTAMP` and `LAST-MODIFIED` are written in UTC.
//!
//! # Atom
//!
//! * A well-formed XML 1.0 document in UTF-8; all text and attribute values
//!   go through [`xml_escape`], which escapes `& < > " '` and removes the
//!   characters XML 1.0 does not allow.
//! * Dates are RFC 3339 with the Beijing offset (`2026-03-05T19:30:00+08:00`).
//! * An entry's `summary_html` is sent as `<summary type="html">`, i.e. the
//!   HTML markup is escaped as XML text; feed readers unescape it once and
//!   render it as HTML. It must already be safe (sanitised) HTML.

use time::{OffsetDateTime, UtcOffset};

/// The time zone of every lecture, as written in `TZID` parameters.
pub const TZID: &str = "Asia/Shanghai";

/// The `PRODID` of every calendar produced here.
pub const PRODID: &str = "-//书香//政协大讲堂//ZH";

/// The feed-level `<author><name>` of every Atom feed produced here.
pub const FEED_AUTHOR: &str = "书香";

/// The longest physical iCalendar line, in octets, excluding the CRLF.
pub const MAX_LINE_OCTETS: usize = 75;

/// Beijing time is UTC+8 all year (no daylight saving time since 1991).
const BEIJING_OFFSET_SECONDS: i32 = 8 * 3600;

/// Earliest timestamp formatted as is: 0001-01-01T00:00:00Z. Earlier ones are
/// clamped so that the year always has four digits.
const MIN_TIMESTAMP: i64 = -62_135_596_800;

/// Latest timestamp formatted as is: 9999-12-31T23:59:59 in Beijing time.
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
    /// Start time. Written as Beijing local time.
    pub starts_at: i64,
    /// End time. `DTEND` is omitted when it is not after `starts_at`
    /// (RFC 5545 requires it to be later).
    pub ends_at: i64,
    /// Written as `LAST-MODIFIED` (UTC).
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
    /// `<updated>`.
    pub updated_at: i64,
    /// `<published>`.
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
    let mut out = String::with_capacity(1024 + events.len() * 768);
    let mut line = |name_and_params: &str, value: &str| {
        let mut content = String::with_capacity(name_and_params.len() + 1 + value.len());
        content.push_str(name_and_params);
        content.push(':');
        content.push_str(value);
        out.push_str(&fold_line(&content));
        out.push_str("\r\n");
    };

    line("BEGIN", "VCALENDAR");
    line("VERSION", "2.0");
    line("PRODID", &escape_text(PRODID));
    line("CALSCALE", "GREGORIAN");
    line("METHOD", "PUBLISH");
    line("X-WR-CALNAME", &escape_text(name));
    line("X-WR-TIMEZONE", TZID);

    line("BEGIN", "VTIMEZONE");
    line("TZID", TZID);
    line("BEGIN", "STANDARD");
    line("TZOFFSETFROM", "+0800");
    line("TZOFFSETTO", "+0800");
    line("TZNAME", "CST");
    line("DTSTART", "19700101T000000");
    line("END", "STANDARD");
    line("END", "VTIMEZONE");

    let local_param = format!(";TZID={TZID}");
    for event in events {
        line("BEGIN", "VEVENT");
        line("UID", &escape_text(&event.uid));
        line("DTSTAMP", &ical_utc(now));
        line(
            &format!("DTSTART{local_param}"),
            &ical_local(event.starts_at),
        );
        if event.ends_at > event.starts_at {
            line(&format!("DTEND{local_param}"), &ical_local(event.ends_at));
        }
        line("SUMMARY", &escape_text(&event.title));
        if !event.description.is_empty() {
            line("DESCRIPTION", &escape_text(&event.description));
        }
        if !event.location.is_empty() {
            line("LOCATION", &escape_text(&event.location));
        }
        let url = clean_value(&event.url);
        if !url.is_empty() {
            line("URL", &url);
        }
        line("LAST-MODIFIED", &ical_utc(event.updated_at));
        line(
            "STATUS",
            if event.cancelled {
                "CANCELLED"
            } else {
                "CONFIRMED"
            },
        );
        if let (Some(minutes), false) = (reminder_minutes, event.cancelled) {
            line("BEGIN", "VALARM");
            line("ACTION", "DISPLAY");
            let reminder = if event.title.trim().is_empty() {
                "政协大讲堂即将开始".to_owned()
            } else {
                format!("即将开始：{}", event.title)
            };
            line("DESCRIPTION", &escape_text(&reminder));
            line("TRIGGER", &format!("-PT{minutes}M"));
            line("END", "VALARM");
        }
        line("END", "VEVENT");
    }

    line("END", "VCALENDAR");
    out
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
    let mut out = String::with_capacity(1024 + entries.len() * 1024);
    out.push_str("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
    out.push_str("<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"zh-CN\">\n");
    push_element(&mut out, "  ", "id", feed_id);
    push_element(&mut out, "  ", "title", title);
    push_element(&mut out, "  ", "updated", &rfc3339(updated_at));
    push_link(&mut out, "  ", "self", "application/atom+xml", self_url);
    push_link(&mut out, "  ", "alternate", "text/html", site_url);
    push_author(&mut out, "  ", FEED_AUTHOR);

    for entry in entries {
        out.push_str("  <entry>\n");
        push_element(&mut out, "    ", "id", &entry.id);
        push_element(&mut out, "    ", "title", &entry.title);
        push_link(&mut out, "    ", "alternate", "text/html", &entry.url);
        push_element(&mut out, "    ", "updated", &rfc3339(entry.updated_at));
        push_element(&mut out, "    ", "published", &rfc3339(entry.published_at));
        if !entry.author.trim().is_empty() {
            push_author(&mut out, "    ", &entry.author);
        }
        if !entry.summary_html.is_empty() {
            out.push_str("    <summary type=\"html\">");
            out.push_str(&xml_escape(&entry.summary_html));
            out.push_str("</summary>\n");
        }
        out.push_str("  </entry>\n");
    }

    out.push_str("</feed>\n");
    out
}

/// Escapes an iCalendar TEXT value (RFC 5545 §3.3.11).
///
/// `\` → `\\`, `;` → `\;`, `,` → `\,`, LF → `\n`; CR is dropped (so both LF
/// and CRLF line breaks become `\n`); tab is kept; every other control
/// character (C0, DEL, C1) is removed.
pub fn escape_text(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + value.len() / 8);
    for c in value.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push('\t'),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// Removes every control character (including CR, LF and tab) from a
/// non-TEXT value such as a URI, which RFC 5545 does not escape.
fn clean_value(value: &str) -> String {
    value.chars().filter(|c| !c.is_control()).collect()
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

/// Escapes text for XML 1.0 content and attribute values.
///
/// `&`, `<`, `>`, `"` and `'` become entity references; CR becomes `&#13;`
/// (so it survives XML line-end normalisation); tab and LF are kept; other
/// C0 controls, DEL, C1 controls and the non-characters U+FFFE/U+FFFF are
/// removed (C0 controls and U+FFFE/U+FFFF are not allowed in XML 1.0, DEL
/// and C1 are discouraged).
pub fn xml_escape(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + value.len() / 8);
    for c in value.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\r' => out.push_str("&#13;"),
            '\t' | '\n' => out.push(c),
            '\u{FFFE}' | '\u{FFFF}' => {}
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// Formats a Unix timestamp as an iCalendar UTC DATE-TIME:
/// `YYYYMMDDTHHMMSSZ`.
pub fn ical_utc(timestamp: i64) -> String {
    let t = datetime(timestamp, UtcOffset::UTC);
    format!(
        "{:04}{:02}{:02}T{:02}{:02}{:02}Z",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second()
    )
}

/// Formats a Unix timestamp as an iCalendar local DATE-TIME in Beijing time:
/// `YYYYMMDDTHHMMSS` (to be used with `TZID=Asia/Shanghai`).
pub fn ical_local(timestamp: i64) -> String {
    let t = datetime(timestamp, beijing());
    format!(
        "{:04}{:02}{:02}T{:02}{:02}{:02}",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second()
    )
}

/// Formats a Unix timestamp as RFC 3339 in Beijing time:
/// `YYYY-MM-DDTHH:MM:SS+08:00`.
pub fn rfc3339(timestamp: i64) -> String {
    let t = datetime(timestamp, beijing());
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}+08:00",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second()
    )
}

fn beijing() -> UtcOffset {
    UtcOffset::from_whole_seconds(BEIJING_OFFSET_SECONDS).unwrap_or(UtcOffset::UTC)
}

/// The timestamp (clamped to years 1–9999) at the given offset.
fn datetime(timestamp: i64, offset: UtcOffset) -> OffsetDateTime {
    let clamped = timestamp.clamp(MIN_TIMESTAMP, MAX_TIMESTAMP);
    OffsetDateTime::from_unix_timestamp(clamped)
        .unwrap_or(OffsetDateTime::UNIX_EPOCH)
        .to_offset(offset)
}

fn push_element(out: &mut String, indent: &str, name: &str, text: &str) {
    out.push_str(indent);
    out.push('<');
    out.push_str(name);
    out.push('>');
    out.push_str(&xml_escape(text));
    out.push_str("</");
    out.push_str(name);
    out.push_str(">\n");
}

fn push_link(out: &mut String, indent: &str, rel: &str, media_type: &str, href: &str) {
    out.push_str(indent);
    out.push_str("<link rel=\"");
    out.push_str(rel);
    out.push_str("\" type=\"");
    out.push_str(media_type);
    out.push_str("\" href=\"");
    out.push_str(&xml_escape(href));
    out.push_str("\"/>\n");
}

fn push_author(out: &mut String, indent: &str, name: &str) {
    out.push_str(indent);
    out.push_str("<author><name>");
    out.push_str(&xml_escape(name));
    out.push_str("</name></author>\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 2026-03-05 19:30 in Beijing (11:30 UTC).
    const LECTURE_START: i64 = 1_772_710_200;
    /// 2026-03-01 08:00:05 UTC.
    const NOW: i64 = 1_772_352_005;

    fn sample_event() -> CalEvent {
        CalEvent {
            uid: "lecture-12@shuxiang".into(),
            title: "读书，明理；修身\n——政协委员谈《论语》".into(),
            description: "主讲：张三，李四；\n地点变更请留意\\通知。".into(),
            location: "政协会议中心三楼，第一报告厅".into(),
            url: "https://shuxiang.example/lectures/lunyu-2026".into(),
            starts_at: LECTURE_START,
            ends_at: LECTURE_START + 2 * 3600,
            updated_at: NOW - 3600,
            cancelled: false,
        }
    }

    /// Physical lines of a document (split on CRLF; the last, empty piece
    /// after the final CRLF dropped).
    fn physical_lines(doc: &str) -> Vec<&str> {
        let mut lines: Vec<&str> = doc.split("\r\n").collect();
        assert_eq!(lines.pop(), Some(""), "document must end with CRLF");
        lines
    }

    /// Logical content lines (unfolded).
    fn content_lines(doc: &str) -> Vec<String> {
        doc.replace("\r\n ", "")
            .split("\r\n")
            .filter(|l| !l.is_empty())
            .map(str::to_owned)
            .collect()
    }

    fn unescape(value: &str) -> String {
        let mut out = String::new();
        let mut chars = value.chars();
        while let Some(c) = chars.next() {
            if c == '\\' {
                match chars.next() {
                    Some('n' | 'N') => out.push('\n'),
                    Some(other) => out.push(other),
                    None => panic!("dangling backslash in {value:?}"),
                }
            } else {
                out.push(c);
            }
        }
        out
    }

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
        for _ in 0..500 {
            let mut line = String::new();
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let len = (seed >> 33) % 300;
            for _ in 0..len {
                seed = seed
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                line.push(alphabet[((seed >> 33) % alphabet.len() as u64) as usize]);
            }
            let line = format!("DESCRIPTION:{}", escape_text(&line));
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
    fn escaping_chinese_text() {
        assert_eq!(
            escape_text("读书，明理, 修身; 齐家；\n治国\\平天下"),
            "读书，明理\\, 修身\\; 齐家；\\n治国\\\\平天下"
        );
        assert_eq!(escape_text("一\r\n二\r三"), "一\\n二三");
        assert_eq!(escape_text("a\tb"), "a\tb");
        assert_eq!(
            escape_text("控\u{0}制\u{7}字\u{1b}符\u{7f}\u{85}"),
            "控制字符"
        );
    }

    #[test]
    fn calendar_structure_and_crlf() {
        let doc = calendar("政协大讲堂", &[sample_event()], NOW, None);
        assert!(
            !doc.replace("\r\n", "").contains(['\r', '\n']),
            "bare CR/LF"
        );
        for line in physical_lines(&doc) {
            assert!(line.len() <= MAX_LINE_OCTETS, "{line:?}");
            assert!(
                !line.chars().any(|c| c.is_control() && c != '\t'),
                "{line:?}"
            );
        }
        let lines = content_lines(&doc);
        for expected in [
            "BEGIN:VCALENDAR",
            "VERSION:2.0",
            "PRODID:-//书香//政协大讲堂//ZH",
            "CALSCALE:GREGORIAN",
            "METHOD:PUBLISH",
            "X-WR-CALNAME:政协大讲堂",
            "X-WR-TIMEZONE:Asia/Shanghai",
            "BEGIN:VTIMEZONE",
            "TZID:Asia/Shanghai",
            "BEGIN:STANDARD",
            "TZOFFSETFROM:+0800",
            "TZOFFSETTO:+0800",
            "TZNAME:CST",
            "DTSTART:19700101T000000",
            "END:STANDARD",
            "END:VTIMEZONE",
            "BEGIN:VEVENT",
            "UID:lecture-12@shuxiang",
            "URL:https://shuxiang.example/lectures/lunyu-2026",
            "STATUS:CONFIRMED",
            "END:VEVENT",
        ] {
            assert!(lines.iter().any(|l| l == expected), "missing {expected:?}");
        }
        assert_eq!(lines.first().map(String::as_str), Some("BEGIN:VCALENDAR"));
        assert_eq!(lines.last().map(String::as_str), Some("END:VCALENDAR"));
        assert!(!doc.contains("VALARM"), "no alarm without reminder_minutes");
    }

    #[test]
    fn calendar_times() {
        let doc = calendar("讲堂", &[sample_event()], NOW, None);
        let lines = content_lines(&doc);
        let has = |l: &str| lines.iter().any(|x| x == l);
        assert!(has("DTSTART;TZID=Asia/Shanghai:20260305T193000"));
        assert!(has("DTEND;TZID=Asia/Shanghai:20260305T213000"));
        assert!(has("DTSTAMP:20260301T080005Z"));
        assert!(has("LAST-MODIFIED:20260301T070005Z"));
        // Crossing midnight in Beijing but not in UTC.
        assert_eq!(ical_local(1_772_726_400 - 1), "20260305T235959");
        assert_eq!(ical_local(1_772_726_400), "20260306T000000");
        assert_eq!(ical_utc(1_772_726_400), "20260305T160000Z");
        // Out-of-range timestamps are clamped, never malformed.
        assert_eq!(ical_utc(i64::MIN), "00010101T000000Z");
        assert_eq!(ical_local(i64::MAX), "99991231T235959");
    }

    #[test]
    fn calendar_escapes_and_folds_text() {
        let event = sample_event();
        let doc = calendar(
            "讲堂，第一期；春季",
            std::slice::from_ref(&event),
            NOW,
            None,
        );
        let lines = content_lines(&doc);
        let value = |name: &str| {
            lines
                .iter()
                .find_map(|l| l.strip_prefix(name).and_then(|r| r.strip_prefix(':')))
                .unwrap_or_else(|| panic!("no {name}"))
                .to_owned()
        };
        assert_eq!(value("SUMMARY"), "读书，明理；修身\\n——政协委员谈《论语》");
        assert_eq!(unescape(&value("SUMMARY")), event.title);
        assert_eq!(unescape(&value("DESCRIPTION")), event.description);
        assert_eq!(value("LOCATION"), "政协会议中心三楼，第一报告厅");
        assert_eq!(value("X-WR-CALNAME"), "讲堂，第一期；春季");

        let long = CalEvent {
            title: "长标题，".repeat(40),
            ..event
        };
        let doc = calendar("讲堂", std::slice::from_ref(&long), NOW, None);
        for line in physical_lines(&doc) {
            assert!(line.len() <= MAX_LINE_OCTETS);
        }
        let summary = content_lines(&doc)
            .into_iter()
            .find_map(|l| l.strip_prefix("SUMMARY:").map(str::to_owned))
            .expect("SUMMARY");
        assert_eq!(unescape(&summary), long.title);
    }

    #[test]
    fn calendar_alarm() {
        let cancelled = CalEvent {
            uid: "lecture-13@shuxiang".into(),
            cancelled: true,
            ..sample_event()
        };
        let doc = calendar("讲堂", &[sample_event(), cancelled], NOW, Some(30));
        let lines = content_lines(&doc);
        let alarm_start = lines
            .iter()
            .position(|l| l == "BEGIN:VALARM")
            .expect("VALARM");
        assert_eq!(lines[alarm_start + 1], "ACTION:DISPLAY");
        assert!(lines[alarm_start + 2].starts_with("DESCRIPTION:即将开始：读书"));
        assert_eq!(lines[alarm_start + 3], "TRIGGER:-PT30M");
        assert_eq!(lines[alarm_start + 4], "END:VALARM");
        assert_eq!(lines[alarm_start + 5], "END:VEVENT");
        assert_eq!(lines.iter().filter(|l| *l == "BEGIN:VALARM").count(), 1);
    }

    #[test]
    fn calendar_cancelled_event() {
        let event = CalEvent {
            cancelled: true,
            ..sample_event()
        };
        let doc = calendar("讲堂", &[event], NOW, Some(15));
        let lines = content_lines(&doc);
        assert!(lines.iter().any(|l| l == "STATUS:CANCELLED"));
        assert!(!lines.iter().any(|l| l == "STATUS:CONFIRMED"));
        assert!(
            !doc.contains("VALARM"),
            "a cancelled lecture needs no reminder"
        );
    }

    #[test]
    fn calendar_optional_properties() {
        let bare = CalEvent {
            uid: "lecture-1@shuxiang".into(),
            title: "讲座".into(),
            starts_at: LECTURE_START,
            ends_at: LECTURE_START,
            url: "\u{0}\n".into(),
            ..CalEvent::default()
        };
        let doc = calendar("讲堂", &[bare], NOW, None);
        for absent in ["DTEND", "DESCRIPTION", "LOCATION", "URL"] {
            assert!(
                !content_lines(&doc).iter().any(|l| l.starts_with(absent)),
                "{absent} present"
            );
        }
        let empty = calendar("讲堂", &[], NOW, Some(10));
        assert!(!empty.contains("BEGIN:VEVENT"));
        assert!(empty.ends_with("END:VCALENDAR\r\n"));
    }

    #[test]
    fn calendar_removes_control_characters() {
        let event = CalEvent {
            title: "讲\u{0}座\u{8}\r\n标\u{1f}题\u{7f}".into(),
            location: "会\u{c}场".into(),
            ..sample_event()
        };
        let doc = calendar("讲\u{1b}堂", &[event], NOW, None);
        let lines = content_lines(&doc);
        assert!(lines.iter().any(|l| l == "SUMMARY:讲座\\n标题"));
        assert!(lines.iter().any(|l| l == "LOCATION:会场"));
        assert!(lines.iter().any(|l| l == "X-WR-CALNAME:讲堂"));
        assert!(
            !doc.chars()
                .any(|c| c.is_control() && c != '\r' && c != '\n')
        );
    }

    fn sample_entry() -> FeedEntry {
        FeedEntry {
            id: "tag:shuxiang,2026:lecture-12".into(),
            title: "<script>alert('x')</script> 读书 & \"明理\"".into(),
            url: "https://shuxiang.example/lectures/lunyu?a=1&b=2".into(),
            summary_html: "<p>主讲：张三 &amp; 李四</p><script>x()</script>".into(),
            updated_at: NOW,
            published_at: LECTURE_START - 86_400,
            author: "政协文史委".into(),
        }
    }

    fn sample_feed() -> String {
        atom(
            "tag:shuxiang,2026:lectures",
            "政协大讲堂 & 书香",
            "https://shuxiang.example/lectures/feed.atom",
            "https://shuxiang.example/lectures",
            &[sample_entry()],
            NOW,
        )
    }

    #[test]
    fn atom_structure() {
        let feed = sample_feed();
        assert!(feed.starts_with("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"zh-CN\">\n"));
        assert!(feed.ends_with("</feed>\n"));
        for expected in [
            "<id>tag:shuxiang,2026:lectures</id>",
            "<updated>2026-03-01T16:00:05+08:00</updated>",
            "<link rel=\"self\" type=\"application/atom+xml\" href=\"https://shuxiang.example/lectures/feed.atom\"/>",
            "<link rel=\"alternate\" type=\"text/html\" href=\"https://shuxiang.example/lectures\"/>",
            "<author><name>书香</name></author>",
            "<entry>",
            "<id>tag:shuxiang,2026:lecture-12</id>",
            "<published>2026-03-04T19:30:00+08:00</published>",
            "<author><name>政协文史委</name></author>",
            "href=\"https://shuxiang.example/lectures/lunyu?a=1&amp;b=2\"",
        ] {
            assert!(feed.contains(expected), "missing {expected:?}");
        }
        assert_eq!(rfc3339(LECTURE_START), "2026-03-05T19:30:00+08:00");
    }

    #[test]
    fn atom_escapes_markup() {
        let feed = sample_feed();
        assert!(feed.contains("<title>政协大讲堂 &amp; 书香</title>"));
        assert!(feed.contains(
            "<title>&lt;script&gt;alert(&apos;x&apos;)&lt;/script&gt; 读书 &amp; &quot;明理&quot;</title>"
        ));
        assert!(feed.contains(
            "<summary type=\"html\">&lt;p&gt;主讲：张三 &amp;amp; 李四&lt;/p&gt;&lt;script&gt;x()&lt;/script&gt;</summary>"
        ));
        assert!(!feed.contains("<script"));
        assert!(!feed.contains("<p>"));
    }

    #[test]
    fn atom_removes_control_characters() {
        assert_eq!(
            xml_escape("a\u{0}b\u{8}c\u{b}d\u{1f}e\u{7f}f\u{9f}g\u{fffe}h"),
            "abcdefgh"
        );
        assert_eq!(xml_escape("行\t一\n行二\r"), "行\t一\n行二&#13;");
        let entry = FeedEntry {
            title: "标\u{1}题".into(),
            summary_html: "<b>\u{0}粗</b>".into(),
            author: String::new(),
            ..sample_entry()
        };
        let feed = atom(
            "urn:x",
            "t\u{2}",
            "https://a/f",
            "https://a/",
            &[entry],
            NOW,
        );
        assert!(!feed.chars().any(|c| c.is_control() && c != '\n'));
        assert!(feed.contains("<title>标题</title>"));
        assert!(feed.contains("<title>t</title>"));
        assert!(feed.contains("&lt;b&gt;粗&lt;/b&gt;"));
        // No entry-level author when it is empty: the feed's applies.
        assert_eq!(feed.matches("<author>").count(), 1);
    }
}

//! The calendar (iCalendar, RFC 5545) and feed (Atom, RFC 4287) writers of
//! the lecture hall, read back by real parsers: `icalendar` and `ical` for
//! the calendar, `roxmltree` and `atom_syndication` for the feed.

use app::lectures::feeds::{
    CALENDAR_TIMEZONE, CalEvent, FEED_AUTHOR, FeedEntry, MAX_LINE_OCTETS, PRODID, atom, calendar,
};

use shuxiang_tests::ical_escaped as escape_text;

/// 2026-03-05 19:30 in Beijing (11:30 UTC).
const LECTURE_START: i64 = 1_772_710_200;
/// 2026-03-01 08:00:05 UTC.
const NOW: i64 = 1_772_352_005;

fn events() -> Vec<CalEvent> {
    vec![
        CalEvent {
            uid: "lecture-12@shuxiang".into(),
            title: "读书，明理；修身\n——政协委员谈《论语》, part 1; \\ 完".into(),
            description: format!("主讲：张三，李四；\n{}", "书香满政协，".repeat(30)),
            location: "政协会议中心三楼，第一报告厅; Room 1".into(),
            url: "https://shuxiang.example/lectures/lunyu-2026".into(),
            starts_at: LECTURE_START,
            ends_at: LECTURE_START + 5400,
            updated_at: NOW - 60,
            cancelled: false,
        },
        CalEvent {
            uid: "lecture-13@shuxiang".into(),
            // Long enough to fold, with 3- and 4-octet characters.
            title: format!("已取消：{}", "诗词鉴赏😀𝄞,".repeat(8)),
            description: String::new(),
            location: "线上".into(),
            url: String::new(),
            starts_at: LECTURE_START + 7 * 86_400,
            ends_at: LECTURE_START + 7 * 86_400 + 3600,
            updated_at: NOW,
            cancelled: true,
        },
    ]
}

fn sample_calendar(reminder: Option<u32>) -> String {
    calendar("政协大讲堂，春季；2026", &events(), NOW, reminder)
}

/// Logical content lines (unfolded).
fn content_lines(doc: &str) -> Vec<String> {
    doc.replace("\r\n ", "")
        .split("\r\n")
        .filter(|l| !l.is_empty())
        .map(str::to_owned)
        .collect()
}

/// The content lines of each VEVENT (without BEGIN/END).
fn event_blocks(doc: &str) -> Vec<Vec<String>> {
    let mut blocks = Vec::new();
    let mut current: Option<Vec<String>> = None;
    for line in content_lines(doc) {
        match line.as_str() {
            "BEGIN:VEVENT" => current = Some(Vec::new()),
            "END:VEVENT" => blocks.push(current.take().expect("END without BEGIN")),
            _ => {
                if let Some(c) = current.as_mut() {
                    c.push(line);
                }
            }
        }
    }
    blocks
}

/// Raw RFC 5545 checks on the bytes, before any parser is involved.
#[test]
fn calendar_lines_follow_rfc5545() {
    let doc = sample_calendar(Some(30));
    let bytes = doc.as_bytes();

    // Every line ends with CRLF; no bare CR or LF anywhere.
    assert!(doc.ends_with("\r\n"));
    for (i, &b) in bytes.iter().enumerate() {
        if b == b'\n' {
            assert!(i > 0 && bytes[i - 1] == b'\r', "bare LF at {i}");
        }
        if b == b'\r' {
            assert_eq!(bytes.get(i + 1), Some(&b'\n'), "bare CR at {i}");
        }
    }

    // Physical lines: at most 75 octets, each valid UTF-8 on its own (a fold
    // never splits a character), continuations start with one space.
    let mut physical: Vec<&[u8]> = bytes
        .split(|&b| b == b'\n')
        .map(|l| l.strip_suffix(b"\r").unwrap_or(l))
        .collect();
    assert_eq!(physical.pop(), Some(&b""[..]), "ends with CRLF");
    let mut folded = 0;
    for (i, line) in physical.iter().enumerate() {
        assert!(line.len() <= MAX_LINE_OCTETS, "{} octets", line.len());
        let text = std::str::from_utf8(line).expect("fold inside a UTF-8 character");
        if let Some(rest) = text.strip_prefix(' ') {
            folded += 1;
            assert!(!rest.is_empty() && !rest.starts_with([' ', '\t']));
            // Never between a backslash and the character it escapes.
            let trailing = physical[i - 1]
                .iter()
                .rev()
                .take_while(|&&b| b == b'\\')
                .count();
            assert_eq!(trailing % 2, 0, "fold splits an escape: {text:?}");
        }
    }
    assert!(folded >= 4, "the long lines are folded ({folded} folds)");

    // Escaping of TEXT in Chinese: ASCII , ; \ and newlines are escaped,
    // full-width punctuation is left alone.
    let lines = content_lines(&doc);
    assert!(lines.contains(
        &"SUMMARY:读书，明理；修身\\n——政协委员谈《论语》\\, part 1\\; \\\\ 完".to_owned()
    ));
    assert!(lines.contains(&"LOCATION:政协会议中心三楼，第一报告厅\\; Room 1".to_owned()));
    assert!(lines.contains(&"X-WR-CALNAME:政协大讲堂，春季；2026".to_owned()));
    let description = lines
        .iter()
        .find(|l| l.starts_with("DESCRIPTION:主讲"))
        .expect("description");
    assert!(description.starts_with("DESCRIPTION:主讲：张三，李四；\\n书香满政协，"));
    assert_eq!(description.matches("\\n").count(), 1);

    // The calendar: VERSION, PRODID; times are UTC, so no VTIMEZONE.
    assert_eq!(lines[0], "BEGIN:VCALENDAR");
    assert_eq!(lines.last().map(String::as_str), Some("END:VCALENDAR"));
    assert!(lines.contains(&"VERSION:2.0".to_owned()));
    assert!(lines.contains(&format!("PRODID:{PRODID}")));
    assert!(lines.contains(&format!("X-WR-TIMEZONE:{CALENDAR_TIMEZONE}")));
    assert!(
        !lines
            .iter()
            .any(|l| l == "BEGIN:VTIMEZONE" || l.contains("TZID"))
    );

    // Events: one UID each, distinct; DTSTAMP, DTSTART and DTEND in UTC;
    // VALARM only on the event not cancelled.
    let blocks = event_blocks(&doc);
    assert_eq!(blocks.len(), 2);
    let mut uids = Vec::new();
    for block in &blocks {
        let uid: Vec<&String> = block.iter().filter(|l| l.starts_with("UID:")).collect();
        assert_eq!(uid.len(), 1);
        uids.push(uid[0].clone());
        let stamps: Vec<&String> = block.iter().filter(|l| l.starts_with("DTSTAMP:")).collect();
        assert_eq!(stamps, [&"DTSTAMP:20260301T080005Z".to_owned()]);
        for name in ["DTSTART:", "DTEND:"] {
            assert!(
                block
                    .iter()
                    .any(|l| l.starts_with(name) && l.ends_with('Z')),
                "{name} in UTC: {block:?}"
            );
        }
    }
    assert_eq!(uids, ["UID:lecture-12@shuxiang", "UID:lecture-13@shuxiang"]);
    // 19:30 and 21:00 in Beijing.
    assert!(blocks[0].contains(&"DTSTART:20260305T113000Z".to_owned()));
    assert!(blocks[0].contains(&"DTEND:20260305T130000Z".to_owned()));
    assert!(blocks[0].contains(&"LAST-MODIFIED:20260301T075905Z".to_owned()));
    // The second title: ASCII commas escaped between 4-octet characters.
    assert!(blocks[1].contains(&format!("SUMMARY:已取消：{}", "诗词鉴赏😀𝄞\\,".repeat(8))));
    let alarm: Vec<&String> = blocks[0]
        .iter()
        .skip_while(|l| *l != "BEGIN:VALARM")
        .take_while(|l| *l != "END:VALARM")
        .collect();
    assert_eq!(alarm[0], "BEGIN:VALARM");
    assert!(alarm.contains(&&"ACTION:DISPLAY".to_owned()));
    assert!(alarm.contains(&&"TRIGGER:-PT30M".to_owned()));
    assert!(
        alarm
            .iter()
            .any(|l| l.starts_with("DESCRIPTION:即将开始：读书"))
    );
    assert!(!blocks[1].iter().any(|l| l == "BEGIN:VALARM"));
    assert!(blocks[1].contains(&"STATUS:CANCELLED".to_owned()));

    // Without a reminder, no VALARM at all.
    assert!(!sample_calendar(None).contains("VALARM"));
}

/// `icalendar` (nom-based; unfolds, unescapes TEXT values).
#[test]
fn icalendar_crate_parses_the_calendar() {
    use icalendar::parser::{read_calendar, unfold};

    let evs = events();
    let doc = sample_calendar(Some(30));
    let unfolded = unfold(&doc);
    let cal = read_calendar(&unfolded).expect("valid iCalendar");
    let prop = |c: &icalendar::parser::Component, name: &str| {
        c.find_prop(name)
            .unwrap_or_else(|| panic!("no {name}"))
            .val
            .as_str()
            .to_owned()
    };

    let cal_prop = |name: &str| {
        cal.properties
            .iter()
            .find(|p| p.name == name)
            .map(|p| p.val.as_str().to_owned())
    };
    assert_eq!(cal_prop("VERSION").as_deref(), Some("2.0"));
    assert_eq!(cal_prop("PRODID").as_deref(), Some(PRODID));
    assert_eq!(cal_prop("X-WR-TIMEZONE").as_deref(), Some("Asia/Shanghai"));
    assert_eq!(
        cal_prop("X-WR-CALNAME").as_deref(),
        Some("政协大讲堂，春季；2026")
    );

    let names: Vec<&str> = cal.components.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, ["VEVENT", "VEVENT"]);

    let first = &cal.components[0];
    assert_eq!(prop(first, "SUMMARY"), evs[0].title);
    assert_eq!(prop(first, "DESCRIPTION"), evs[0].description);
    assert_eq!(prop(first, "LOCATION"), evs[0].location);
    assert_eq!(prop(first, "UID"), "lecture-12@shuxiang");
    assert_eq!(prop(first, "URL"), evs[0].url);
    assert_eq!(prop(first, "DTSTAMP"), "20260301T080005Z");
    assert_eq!(prop(first, "STATUS"), "CONFIRMED");
    let dtstart = first.find_prop("DTSTART").expect("DTSTART");
    assert_eq!(dtstart.val.as_str(), "20260305T113000Z");
    assert!(dtstart.params.is_empty(), "UTC needs no TZID");
    assert_eq!(prop(first, "DTEND"), "20260305T130000Z");
    let alarm = &first.components[0];
    assert_eq!(alarm.name.as_str(), "VALARM");
    assert_eq!(prop(alarm, "ACTION"), "DISPLAY");
    assert_eq!(prop(alarm, "TRIGGER"), "-PT30M");
    assert_eq!(
        prop(alarm, "DESCRIPTION"),
        format!("即将开始：{}", evs[0].title)
    );

    let second = &cal.components[1];
    assert_eq!(prop(second, "SUMMARY"), evs[1].title);
    assert_eq!(prop(second, "UID"), "lecture-13@shuxiang");
    assert_eq!(prop(second, "STATUS"), "CANCELLED");
    assert!(
        second.components.is_empty(),
        "no alarm on a cancelled event"
    );

    // The typed API agrees.
    let typed: icalendar::Calendar = doc.parse().expect("typed parse");
    use icalendar::{CalendarDateTime, Component, DatePerhapsTime, EventLike};
    let ev = typed.components[0].as_event().expect("event");
    assert_eq!(ev.get_summary(), Some(evs[0].title.as_str()));
    assert_eq!(ev.get_location(), Some(evs[0].location.as_str()));
    assert_eq!(ev.get_uid(), Some("lecture-12@shuxiang"));
    assert_eq!(ev.get_timestamp().map(|t| t.timestamp()), Some(NOW));
    match ev.get_start() {
        Some(DatePerhapsTime::DateTime(CalendarDateTime::Utc(date_time))) => {
            assert_eq!(date_time.timestamp(), LECTURE_START);
        }
        other => panic!("unexpected DTSTART {other:?}"),
    }
    let cancelled = typed.components[1].as_event().expect("event");
    assert_eq!(cancelled.get_summary(), Some(evs[1].title.as_str()));
}

/// `ical` (line-based; trims physical lines, does not unescape).
#[test]
fn ical_crate_parses_the_calendar() {
    let evs = events();
    let doc = calendar("政协大讲堂", &evs, NOW, Some(30));
    let mut parser = ical::IcalParser::new(std::io::BufReader::new(doc.as_bytes()));
    let cal = parser
        .next()
        .expect("one calendar")
        .expect("valid iCalendar");
    assert!(parser.next().is_none());
    assert!(cal.timezones.is_empty(), "times are UTC");
    assert_eq!(cal.events.len(), 2);
    let value = |e: &ical::parser::ical::component::IcalEvent, name: &str| {
        e.properties
            .iter()
            .find(|p| p.name == name)
            .and_then(|p| p.value.clone())
            .unwrap_or_else(|| panic!("no {name}"))
    };
    let first = &cal.events[0];
    assert_eq!(value(first, "SUMMARY"), escape_text(&evs[0].title));
    assert_eq!(
        value(first, "DESCRIPTION"),
        escape_text(&evs[0].description)
    );
    assert_eq!(value(first, "UID"), "lecture-12@shuxiang");
    assert_eq!(value(first, "DTSTAMP"), "20260301T080005Z");
    let dtstart = first
        .properties
        .iter()
        .find(|p| p.name == "DTSTART")
        .unwrap();
    assert_eq!(dtstart.value.as_deref(), Some("20260305T113000Z"));
    assert_eq!(dtstart.params, None);
    assert_eq!(first.alarms.len(), 1);
    assert!(
        first.alarms[0]
            .properties
            .iter()
            .any(|p| p.name == "TRIGGER" && p.value.as_deref() == Some("-PT30M"))
    );
    let second = &cal.events[1];
    // Folded between 4-octet characters, and unfolded intact.
    assert_eq!(value(second, "SUMMARY"), escape_text(&evs[1].title));
    assert_eq!(second.alarms.len(), 0);
    assert_eq!(value(second, "STATUS"), "CANCELLED");
}

fn entries() -> Vec<FeedEntry> {
    vec![
        FeedEntry {
            id: "tag:shuxiang,2026:lecture-12".into(),
            title: "<script>alert(1)</script> 读书 & \"明理\" '修身'".into(),
            url: "https://shuxiang.example/lectures/lunyu?a=1&b=2".into(),
            summary_html: "<p>主讲：张三 &amp; 李四</p>\n<p>地点：第一报告厅</p>".into(),
            updated_at: NOW,
            published_at: LECTURE_START - 86_400,
            author: "政协文史委".into(),
        },
        FeedEntry {
            id: "tag:shuxiang,2026:lecture-13".into(),
            title: "诗词\u{1}鉴赏]]>".into(),
            url: "https://shuxiang.example/lectures/shici".into(),
            summary_html: String::new(),
            updated_at: NOW - 10,
            published_at: NOW - 20,
            author: String::new(),
        },
    ]
}

fn feed() -> String {
    atom(
        "tag:shuxiang,2026:lectures",
        "政协大讲堂 & 书香",
        "https://shuxiang.example/lectures/feed.atom",
        "https://shuxiang.example/lectures",
        &entries(),
        NOW,
    )
}

/// `roxmltree`: strict XML 1.0 well-formedness and namespaces.
#[test]
fn roxmltree_parses_the_feed() {
    const NS: &str = "http://www.w3.org/2005/Atom";
    let xml = feed();
    let doc = roxmltree::Document::parse(&xml).expect("well-formed XML");
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "feed");
    assert_eq!(root.tag_name().namespace(), Some(NS));
    assert_eq!(
        root.attribute(("http://www.w3.org/XML/1998/namespace", "lang")),
        Some("zh-CN")
    );
    let child_text = |node: roxmltree::Node, name: &str| {
        node.children()
            .find(|c| c.has_tag_name((NS, name)))
            .and_then(|c| c.text())
            .map(str::to_owned)
    };
    assert_eq!(
        child_text(root, "title").as_deref(),
        Some("政协大讲堂 & 书香")
    );
    assert_eq!(
        child_text(root, "updated").as_deref(),
        Some("2026-03-01T16:00:05+08:00")
    );
    let entries_xml: Vec<_> = root
        .children()
        .filter(|c| c.has_tag_name((NS, "entry")))
        .collect();
    assert_eq!(entries_xml.len(), 2);
    let src = entries();
    assert_eq!(
        child_text(entries_xml[0], "title"),
        Some(src[0].title.clone())
    );
    assert_eq!(
        child_text(entries_xml[1], "title").as_deref(),
        Some("诗词鉴赏]]>")
    );
    assert_eq!(
        child_text(entries_xml[0], "summary"),
        Some(src[0].summary_html.clone())
    );
    let link = entries_xml[0]
        .children()
        .find(|c| c.has_tag_name((NS, "link")))
        .expect("link");
    assert_eq!(link.attribute("href"), Some(src[0].url.as_str()));
    assert_eq!(link.attribute("rel"), Some("alternate"));
    assert!(!root.descendants().any(|n| n.has_tag_name("script")));
}

/// `atom_syndication`: Atom semantics (dates, links, authors).
#[test]
fn atom_syndication_parses_the_feed() {
    let xml = feed();
    let parsed: atom_syndication::Feed = xml.parse().expect("valid Atom");
    assert_eq!(parsed.id(), "tag:shuxiang,2026:lectures");
    assert_eq!(parsed.title().as_str(), "政协大讲堂 & 书香");
    assert_eq!(parsed.updated().timestamp(), NOW);
    assert_eq!(parsed.lang(), Some("zh-CN"));
    assert!(parsed.links().iter().any(|l| l.rel() == "self"
        && l.mime_type() == Some("application/atom+xml")
        && l.href() == "https://shuxiang.example/lectures/feed.atom"));
    assert_eq!(parsed.authors()[0].name(), FEED_AUTHOR);
    let src = entries();
    assert_eq!(parsed.entries().len(), src.len());
    for (got, want) in parsed.entries().iter().zip(&src) {
        assert_eq!(got.id(), want.id);
        let title: String = want.title.chars().filter(|c| !c.is_control()).collect();
        assert_eq!(got.title().as_str(), title);
        assert_eq!(got.updated().timestamp(), want.updated_at);
        assert_eq!(
            got.published().map(|p| p.timestamp()),
            Some(want.published_at)
        );
        assert_eq!(got.links()[0].href(), want.url);
    }
    let first = &parsed.entries()[0];
    let summary = first.summary().expect("summary");
    assert_eq!(summary.r#type, atom_syndication::TextType::Html);
    assert_eq!(summary.as_str(), src[0].summary_html);
    assert_eq!(first.authors()[0].name(), "政协文史委");
    assert!(parsed.entries()[1].summary().is_none());
}

//! Checks of the session form, shared by the server and the browser.

use time::{Date, PrimitiveDateTime, Time};

use super::*;
use crate::groups::validate::slug as group_slug;
use platform::time::{BEIJING, parse_day};
use platform::validate::{chars, text};

/// The session form's text fields exactly as typed: the argument of
/// `save_lecture`, flattened, so the form's field names are these names.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct LectureText {
    pub slug: String,
    pub title: String,
    pub series: String,
    pub speaker: String,
    pub speaker_bio: String,
    pub abstract_md: String,
    pub starts_at: String,
    pub ends_at: String,
    pub replay_url: String,
    pub group_id: String,
    pub book_id: String,
}

impl LectureText {
    /// The whole form for [`lecture_fields`].
    pub fn with<'a>(&'a self, venues: &'a [VenueInput], streams: &'a [String]) -> RawLecture<'a> {
        RawLecture {
            slug: &self.slug,
            title: &self.title,
            series: &self.series,
            speaker: &self.speaker,
            speaker_bio: &self.speaker_bio,
            abstract_md: &self.abstract_md,
            starts_at: &self.starts_at,
            ends_at: &self.ends_at,
            venues,
            streams,
            replay_url: &self.replay_url,
            group_id: &self.group_id,
            book_id: &self.book_id,
        }
    }

    /// Puts what was typed back into a form's errors, so the form shows it.
    #[cfg(feature = "ssr")]
    pub fn keep(&self, f: platform::FormErrors) -> platform::FormErrors {
        [
            ("slug", &self.slug),
            ("title", &self.title),
            ("series", &self.series),
            ("speaker", &self.speaker),
            ("speaker_bio", &self.speaker_bio),
            ("abstract_md", &self.abstract_md),
            ("starts_at", &self.starts_at),
            ("ends_at", &self.ends_at),
            ("replay_url", &self.replay_url),
            ("group_id", &self.group_id),
            ("book_id", &self.book_id),
        ]
        .into_iter()
        .fold(f, |f, (name, value)| f.keep(name, value))
    }
}

/// The session form exactly as typed.
pub struct RawLecture<'a> {
    pub slug: &'a str,
    pub title: &'a str,
    pub series: &'a str,
    pub speaker: &'a str,
    pub speaker_bio: &'a str,
    pub abstract_md: &'a str,
    pub starts_at: &'a str,
    pub ends_at: &'a str,
    pub venues: &'a [VenueInput],
    pub streams: &'a [String],
    pub replay_url: &'a str,
    pub group_id: &'a str,
    pub book_id: &'a str,
}

fn long_text(s: &str, max: usize, what: &str) -> Result<String, String> {
    if chars(s) > max {
        return Err(format!("{what}不能超过 {max} 个字"));
    }
    if s.contains('\0') {
        return Err(format!("{what}包含无法保存的字符"));
    }
    Ok(s.trim().to_owned())
}

/// Parses `YYYY-MM-DDTHH:MM` (what `<input type="datetime-local">` sends,
/// seconds allowed) as Beijing time, into Unix seconds.
pub fn parse_beijing(s: &str) -> Result<i64, String> {
    let s = s.trim();
    let bad = || {
        format!(
            "时间格式应为 年-月-日 时:分，例如 2026-12-01T19:30（收到：{}）",
            s.chars().take(20).collect::<String>()
        )
    };
    let (day, clock) = s.split_once(['T', ' ']).ok_or_else(bad)?;
    let date: Date = parse_day(day)?;
    let mut parts = clock.split(':');
    let hour = parts.next().and_then(|h| h.parse::<u8>().ok());
    let minute = parts.next().and_then(|m| m.parse::<u8>().ok());
    let second = match parts.next() {
        None => Some(0),
        Some(sec) => sec.split('.').next().and_then(|s| s.parse::<u8>().ok()),
    };
    let (Some(h), Some(m), Some(sec), None) = (hour, minute, second, parts.next()) else {
        return Err(bad());
    };
    let time = Time::from_hms(h, m, sec).map_err(|_| bad())?;
    Ok(PrimitiveDateTime::new(date, time)
        .assume_offset(BEIJING)
        .unix_timestamp())
}

/// Unix seconds as `YYYY-MM-DDTHH:MM` in Beijing, for a datetime-local input.
pub fn beijing_input(ts: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp(ts)
        .map(|t| {
            let t = t.to_offset(BEIJING);
            format!(
                "{:04}-{:02}-{:02}T{:02}:{:02}",
                t.year(),
                u8::from(t.month()),
                t.day(),
                t.hour(),
                t.minute()
            )
        })
        .unwrap_or_default()
}

/// A watch or replay address: `http(s)://host/…`, or a path of this site's
/// own media (`/media/…`). Nothing else — no `javascript:`, no `data:`.
pub fn stream_url(s: &str) -> Result<String, String> {
    let t = s.trim();
    if chars(t) > URL_MAX {
        return Err(format!("链接不能超过 {URL_MAX} 个字符"));
    }
    if t.chars().any(|c| c.is_control() || c.is_whitespace()) {
        return Err("链接不能包含空格或控制字符".into());
    }
    let lower = t.to_ascii_lowercase();
    if let Some(path) = t.strip_prefix("/media/") {
        let safe = path
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '/'));
        if !path.is_empty() && safe && !path.contains("..") && !path.contains("//") {
            return Ok(t.to_owned());
        }
        return Err("本站媒体路径只能包含字母、数字和 - _ . /".into());
    }
    let rest = lower
        .strip_prefix("https://")
        .or_else(|| lower.strip_prefix("http://"));
    match rest {
        Some(rest) => {
            let host = rest.split(['/', '?', '#']).next().unwrap_or("");
            let host = host.rsplit('@').next().unwrap_or("");
            if host.is_empty() || host.starts_with(':') {
                Err("链接缺少网站地址".into())
            } else {
                Ok(t.to_owned())
            }
        }
        None => Err("只接受 http:// 或 https:// 开头的链接".into()),
    }
}

fn optional_id(s: &str, what: &str) -> Result<Option<i64>, String> {
    match s.trim() {
        "" => Ok(None),
        t => match t.parse::<i64>() {
            Ok(id) if id > 0 => Ok(Some(id)),
            _ => Err(format!("请选择有效的{what}")),
        },
    }
}

fn venue(row: &VenueInput, main: bool) -> Result<Option<VenueFields>, String> {
    let blank =
        row.name.trim().is_empty() && row.address.trim().is_empty() && row.seats.trim().is_empty();
    if blank && !main {
        return Ok(None);
    }
    let what = if main { "主会场" } else { "分会场" };
    let name = text(&row.name, VENUE_NAME_MAX, &format!("{what}名称"), true)?;
    let address = text(
        &row.address,
        VENUE_ADDRESS_MAX,
        &format!("{what}地址"),
        false,
    )?;
    let seats = match row.seats.trim().parse::<i64>() {
        Ok(n) if (0..=VENUE_SEATS_MAX).contains(&n) => n,
        _ => {
            return Err(format!(
                "{what}“{name}”的座位数应为 0 到 {VENUE_SEATS_MAX} 之间的整数"
            ));
        }
    };
    let id = row.id.trim().parse::<i64>().ok().filter(|id| *id > 0);
    Ok(Some(VenueFields {
        id,
        name,
        address,
        seats,
    }))
}

/// Validates the whole form, collecting every field's problem.
pub fn lecture_fields(raw: &RawLecture) -> Result<LectureFields, Vec<(&'static str, String)>> {
    let mut errors: Vec<(&'static str, String)> = Vec::new();
    let mut check = |field: &'static str, r: Result<String, String>| match r {
        Ok(v) => Some(v),
        Err(m) => {
            errors.push((field, m));
            None
        }
    };
    let slug = check("slug", group_slug(raw.slug));
    let title = check("title", text(raw.title, TITLE_MAX, "标题", true));
    let series = check("series", text(raw.series, SERIES_MAX, "系列", false));
    let speaker = check("speaker", text(raw.speaker, SPEAKER_MAX, "主讲人", true));
    let speaker_bio = check(
        "speaker_bio",
        long_text(raw.speaker_bio, BIO_MAX, "主讲人简介"),
    );
    let abstract_md = check(
        "abstract_md",
        long_text(raw.abstract_md, ABSTRACT_MAX, "讲座简介"),
    );
    let replay_url = match raw.replay_url.trim() {
        "" => Some(String::new()),
        u => check(
            "replay_url",
            stream_url(u).map_err(|m| format!("回放链接：{m}")),
        ),
    };
    let starts = parse_beijing(raw.starts_at)
        .map_err(|m| errors.push(("starts_at", format!("开始时间：{m}"))))
        .ok();
    let ends = parse_beijing(raw.ends_at)
        .map_err(|m| errors.push(("ends_at", format!("结束时间：{m}"))))
        .ok();
    if let (Some(s), Some(e)) = (starts, ends) {
        if e <= s {
            errors.push(("ends_at", "结束时间应晚于开始时间".into()));
        } else if e - s > 24 * 3600 {
            errors.push(("ends_at", "一场讲座不能超过 24 小时".into()));
        }
    }

    let mut venues = Vec::new();
    let main_row = raw.venues.first().cloned().unwrap_or_default();
    for (i, row) in std::iter::once(&main_row)
        .chain(raw.venues.iter().skip(1))
        .enumerate()
    {
        match venue(row, i == 0) {
            Ok(Some(v)) => venues.push(v),
            Ok(None) => {}
            Err(m) => errors.push(("venues", m)),
        }
    }
    if venues.len() > VENUES_MAX {
        errors.push(("venues", format!("会场最多 {VENUES_MAX} 个")));
    }

    let mut streams = Vec::new();
    for s in raw.streams.iter().filter(|s| !s.trim().is_empty()) {
        match stream_url(s) {
            Ok(u) => streams.push(u),
            Err(m) => errors.push(("streams", format!("直播链接：{m}"))),
        }
    }
    if streams.len() > STREAMS_MAX {
        errors.push(("streams", format!("直播链接最多 {STREAMS_MAX} 个")));
    }
    let group_id = optional_id(raw.group_id, "读书群")
        .map_err(|m| errors.push(("group_id", m)))
        .ok();
    let book_id = optional_id(raw.book_id, "图书")
        .map_err(|m| errors.push(("book_id", m)))
        .ok();

    match (
        slug,
        title,
        series,
        speaker,
        speaker_bio,
        abstract_md,
        replay_url,
        starts,
        ends,
        group_id,
        book_id,
    ) {
        (
            Some(slug),
            Some(title),
            Some(series),
            Some(speaker),
            Some(speaker_bio),
            Some(abstract_md),
            Some(replay_url),
            Some(starts_at),
            Some(ends_at),
            Some(group_id),
            Some(book_id),
        ) if errors.is_empty() => Ok(LectureFields {
            slug,
            title,
            series,
            speaker,
            speaker_bio,
            abstract_md,
            starts_at,
            ends_at,
            venues,
            streams,
            replay_url,
            group_id,
            book_id,
        }),
        _ => Err(errors),
    }
}

/// The Chinese name of a form field, for messages.
pub fn field_label(field: &str) -> Option<&'static str> {
    Some(match field {
        "slug" => "网址名",
        "title" => "标题",
        "series" => "系列",
        "speaker" => "主讲人",
        "speaker_bio" => "主讲人简介",
        "abstract_md" => "讲座简介",
        "starts_at" => "开始时间",
        "ends_at" => "结束时间",
        "venues" => "会场",
        "streams" => "直播链接",
        "replay_url" => "回放链接",
        "group_id" => "读书群",
        "book_id" => "图书",
        _ => return None,
    })
}

/// A live question: 1 to `QUESTION_MAX` characters, no control characters
/// but line breaks.
pub fn question(s: &str) -> Result<String, String> {
    let t = s.trim();
    if t.is_empty() {
        return Err("请先写下你的问题".into());
    }
    if chars(t) > QUESTION_MAX {
        return Err(format!("问题不能超过 {QUESTION_MAX} 个字"));
    }
    if t.chars().any(|c| c.is_control() && c != '\n') {
        return Err("问题不能包含控制字符".into());
    }
    Ok(t.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn beijing_times_round_trip() {
        let ts = parse_beijing("2026-12-01T19:30").unwrap();
        // 19:30 in Beijing is 11:30 UTC.
        assert_eq!(ts % 86_400, 11 * 3600 + 30 * 60);
        assert_eq!(beijing_input(ts), "2026-12-01T19:30");
        assert_eq!(parse_beijing("2026-12-01 19:30:15").unwrap(), ts + 15);
        assert!(parse_beijing("2026-12-01").is_err());
        assert!(parse_beijing("2026-12-01T25:00").is_err());
        assert!(parse_beijing("2026-02-30T10:00").is_err());
    }

    #[test]
    fn only_web_and_own_media_addresses_pass() {
        for ok in [
            "https://live.example.cn/room/1",
            "http://example.com/a.m3u8?token=1",
            "/media/demo/index.m3u8",
        ] {
            assert!(stream_url(ok).is_ok(), "{ok}");
        }
        for bad in [
            "javascript:alert(1)",
            "JaVaScRiPt:alert(1)",
            "data:text/html,<script>",
            "ftp://example.com/x",
            "rtmp://live.example.cn/x",
            "//evil.example/x",
            "/media/../secret",
            "/media/a b",
            "https://",
            "https:///path",
            "http://exa mple.com",
            "/etc/passwd",
        ] {
            assert!(stream_url(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn hls_is_told_by_the_path() {
        assert_eq!(
            StreamKind::of("https://a.cn/live/x.M3U8?t=1"),
            StreamKind::Hls
        );
        assert_eq!(StreamKind::of("https://a.cn/m3u8/room"), StreamKind::Link);
    }

    fn raw<'a>(venues: &'a [VenueInput], streams: &'a [String]) -> RawLecture<'a> {
        RawLecture {
            slug: "jiankang-1",
            title: "青少年心理健康",
            series: "青少年身心健康",
            speaker: "王医生",
            speaker_bio: "",
            abstract_md: "简介",
            starts_at: "2026-12-01T19:00",
            ends_at: "2026-12-01T21:00",
            venues,
            streams,
            replay_url: "",
            group_id: "",
            book_id: "",
        }
    }

    fn row(name: &str, seats: &str) -> VenueInput {
        VenueInput {
            name: name.into(),
            seats: seats.into(),
            ..VenueInput::default()
        }
    }

    #[test]
    fn blank_branch_rows_are_skipped_but_the_main_venue_is_required() {
        let venues = [row("主会场", "100"), row("", ""), row("分会场一", "30")];
        let f = lecture_fields(&raw(&venues, &[])).unwrap();
        assert_eq!(f.venues.len(), 2);
        assert_eq!(f.venues[1].seats, 30);

        let errs = lecture_fields(&raw(&[row("", "")], &[])).unwrap_err();
        assert!(errs.iter().any(|(f, _)| *f == "venues"));
        let errs = lecture_fields(&raw(&[row("主会场", "-1")], &[])).unwrap_err();
        assert!(errs[0].1.contains("座位数"));
    }

    #[test]
    fn bad_streams_and_times_are_reported() {
        let streams = ["javascript:alert(1)".to_owned()];
        let mut r = raw(&[], &streams);
        r.ends_at = "2026-12-01T18:00";
        let errs = lecture_fields(&r).unwrap_err();
        let fields: Vec<_> = errs.iter().map(|(f, _)| *f).collect();
        assert!(fields.contains(&"streams"));
        assert!(fields.contains(&"ends_at"));
        assert!(fields.contains(&"venues"));
    }
}

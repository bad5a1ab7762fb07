//! Checks of the organisers' group form, shared by the server and the browser.

use super::{GroupFields, GroupKind, GroupVisibility, JoinPolicy};
use platform::time::parse_day;
use platform::validate::{chars, text};

pub const SLUG_MAX: usize = 40;
pub const NAME_MAX: usize = 40;
pub const THEME_MAX: usize = 40;
pub const COMMITTEE_MAX: usize = 40;
pub const DESCRIPTION_MAX: usize = 20_000;
pub const SEATS_MAX: i64 = 10_000;

/// The organisers' group form as posted: the argument of `save_group`,
/// flattened, so the form's field names are these names.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct GroupInput {
    pub slug: String,
    pub name: String,
    pub theme: String,
    pub description_md: String,
    pub kind: String,
    pub sector_id: String,
    pub committee: String,
    pub starts_on: String,
    pub ends_on: String,
    pub join_policy: String,
    /// Empty means public (forms written before the setting existed).
    #[serde(default)]
    pub visibility: String,
    pub member_seats: String,
    pub reader_seats: String,
    /// The leader's and the guides' user names.
    pub leader: String,
    pub guides: String,
}

impl GroupInput {
    /// The fields [`group_fields`] checks.
    pub fn raw(&self) -> RawGroup<'_> {
        RawGroup {
            slug: &self.slug,
            name: &self.name,
            theme: &self.theme,
            description_md: &self.description_md,
            kind: &self.kind,
            sector_id: &self.sector_id,
            committee: &self.committee,
            starts_on: &self.starts_on,
            ends_on: &self.ends_on,
            join_policy: &self.join_policy,
            visibility: &self.visibility,
            member_seats: &self.member_seats,
            reader_seats: &self.reader_seats,
        }
    }

    /// Every field by its name, to put what was typed back into the form.
    pub fn typed(&self) -> [(&'static str, &str); 15] {
        [
            ("slug", &self.slug),
            ("name", &self.name),
            ("theme", &self.theme),
            ("description_md", &self.description_md),
            ("kind", &self.kind),
            ("sector_id", &self.sector_id),
            ("committee", &self.committee),
            ("starts_on", &self.starts_on),
            ("ends_on", &self.ends_on),
            ("join_policy", &self.join_policy),
            ("visibility", &self.visibility),
            ("member_seats", &self.member_seats),
            ("reader_seats", &self.reader_seats),
            ("leader", &self.leader),
            ("guides", &self.guides),
        ]
    }
}

/// The group form exactly as typed.
pub struct RawGroup<'a> {
    pub slug: &'a str,
    pub name: &'a str,
    pub theme: &'a str,
    pub description_md: &'a str,
    pub kind: &'a str,
    pub sector_id: &'a str,
    pub committee: &'a str,
    pub starts_on: &'a str,
    pub ends_on: &'a str,
    pub join_policy: &'a str,
    /// Empty means public (forms written before the setting existed).
    pub visibility: &'a str,
    pub member_seats: &'a str,
    pub reader_seats: &'a str,
}

/// A web address part: lower-case letters, digits and single hyphens.
pub fn slug(s: &str) -> Result<String, String> {
    let s = s.trim().to_lowercase();
    if s.is_empty() {
        return Err("请填写网址名".into());
    }
    let ok_chars = s
        .chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    if !ok_chars
        || !s.starts_with(|c: char| c.is_ascii_lowercase())
        || s.ends_with('-')
        || s.contains("--")
    {
        return Err("网址名只能用小写英文字母、数字和连字符，以字母开头，例如 xuexi-2026".into());
    }
    if chars(&s) < 3 || chars(&s) > SLUG_MAX {
        return Err(format!("网址名应为 3 到 {SLUG_MAX} 个字符"));
    }
    if matches!(s.as_str(), "new" | "edit" | "manage" | "join" | "threads") {
        return Err("这个网址名是保留字，请换一个".into());
    }
    Ok(s)
}

fn seats(s: &str, what: &str) -> Result<i64, String> {
    let t = s.trim();
    if t.is_empty() {
        return Ok(0);
    }
    match t.parse::<i64>() {
        Ok(n) if (0..=SEATS_MAX).contains(&n) => Ok(n),
        _ => Err(format!("{what}应为 0 到 {SEATS_MAX} 之间的整数")),
    }
}

/// Validates the whole form, collecting every field's problem.
pub fn group_fields(raw: &RawGroup) -> Result<GroupFields, Vec<(&'static str, String)>> {
    let mut errors = Vec::new();
    let mut check = |field: &'static str, r: Result<String, String>| match r {
        Ok(v) => Some(v),
        Err(m) => {
            errors.push((field, m));
            None
        }
    };
    let slug = check("slug", slug(raw.slug));
    let name = check("name", text(raw.name, NAME_MAX, "群名称", true));
    let theme = check("theme", text(raw.theme, THEME_MAX, "主题", false));
    let committee = check(
        "committee",
        text(raw.committee, COMMITTEE_MAX, "专委会", false),
    );
    let description = if chars(raw.description_md) > DESCRIPTION_MAX {
        check(
            "description_md",
            Err(format!("简介不能超过 {DESCRIPTION_MAX} 个字")),
        )
    } else {
        Some(raw.description_md.trim().to_owned())
    };
    let kind = GroupKind::parse(raw.kind);
    if kind.is_none() {
        errors.push(("kind", "请选择群类型".into()));
    }
    let join_policy = JoinPolicy::parse(raw.join_policy);
    if join_policy.is_none() {
        errors.push(("join_policy", "请选择加入方式".into()));
    }
    let visibility = match raw.visibility {
        "" => Some(GroupVisibility::Public),
        v => GroupVisibility::parse(v),
    };
    if visibility.is_none() {
        errors.push(("visibility", "请选择讨论区谁可以看".into()));
    }
    let sector_id = match raw.sector_id.trim() {
        "" => Some(None),
        s => match s.parse::<i64>() {
            Ok(id) if id > 0 => Some(Some(id)),
            _ => {
                errors.push(("sector_id", "请选择有效的界别".into()));
                None
            }
        },
    };
    let starts = parse_day(raw.starts_on)
        .map_err(|m| errors.push(("starts_on", format!("开始日期：{m}"))))
        .ok();
    let ends = parse_day(raw.ends_on)
        .map_err(|m| errors.push(("ends_on", format!("结束日期：{m}"))))
        .ok();
    if let (Some(s), Some(e)) = (starts, ends)
        && e < s
    {
        errors.push(("ends_on", "结束日期不能早于开始日期".into()));
    }
    let member_seats = seats(raw.member_seats, "委员名额")
        .map_err(|m| errors.push(("member_seats", m)))
        .ok();
    let reader_seats = seats(raw.reader_seats, "读者名额")
        .map_err(|m| errors.push(("reader_seats", m)))
        .ok();
    if member_seats == Some(0) && reader_seats == Some(0) {
        errors.push(("member_seats", "委员名额和读者名额不能都为 0".into()));
    }
    match (
        slug,
        name,
        theme,
        committee,
        description,
        kind,
        join_policy,
        sector_id,
        starts,
        ends,
        member_seats,
        reader_seats,
    ) {
        (
            Some(slug),
            Some(name),
            Some(theme),
            Some(committee),
            Some(description_md),
            Some(kind),
            Some(join_policy),
            Some(sector_id),
            Some(starts),
            Some(ends),
            Some(member_seats),
            Some(reader_seats),
        ) if errors.is_empty() => Ok(GroupFields {
            slug,
            name,
            theme,
            description_md,
            kind,
            sector_id,
            committee,
            starts_on: platform::time::day_string(starts),
            ends_on: platform::time::day_string(ends),
            join_policy,
            visibility: visibility.unwrap_or(GroupVisibility::Public),
            member_seats,
            reader_seats,
        }),
        _ => Err(errors),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raw<'a>() -> RawGroup<'a> {
        RawGroup {
            slug: "xuexi-2026",
            name: "学习新思想读书群",
            theme: "学习新思想、建功新时代",
            description_md: "**共读**",
            kind: "member_group",
            sector_id: "",
            committee: "",
            starts_on: "2026-03-01",
            ends_on: "2026-04-30",
            join_policy: "open",
            visibility: "",
            member_seats: "10",
            reader_seats: "130",
        }
    }

    #[test]
    fn a_good_form_passes() {
        let g = group_fields(&raw()).unwrap();
        assert_eq!(g.slug, "xuexi-2026");
        assert_eq!(g.kind, GroupKind::MemberGroup);
        assert_eq!(g.reader_seats, 130);
        assert_eq!(g.sector_id, None);
    }

    #[test]
    fn every_problem_is_reported() {
        let r = RawGroup {
            slug: "新",
            name: "",
            kind: "club",
            join_policy: "",
            visibility: "secret",
            starts_on: "2026-05-01",
            ends_on: "2026-04-01",
            member_seats: "-1",
            reader_seats: "abc",
            sector_id: "x",
            ..raw()
        };
        let errors = group_fields(&r).unwrap_err();
        let fields: Vec<_> = errors.iter().map(|(f, _)| *f).collect();
        for f in [
            "slug",
            "name",
            "kind",
            "join_policy",
            "ends_on",
            "member_seats",
            "reader_seats",
            "sector_id",
            "visibility",
        ] {
            assert!(fields.contains(&f), "{f} missing in {errors:?}");
        }
    }

    #[test]
    fn slugs() {
        assert_eq!(slug(" Book-Club-1 ").unwrap(), "book-club-1");
        for bad in [
            "ab",
            "1abc",
            "a--b",
            "abc-",
            "a b c",
            "new",
            "群组",
            &"a".repeat(41),
        ] {
            assert!(slug(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn zero_seats_everywhere_is_refused() {
        let r = RawGroup {
            member_seats: "0",
            reader_seats: "",
            ..raw()
        };
        assert!(group_fields(&r).is_err());
    }
}

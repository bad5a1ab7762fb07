//! Server functions of reading groups. Each loads the group with the
//! caller (`GroupAccess`) and checks rights there before changing anything.
// Server functions take one argument per form field, and the generated
// browser-side functions cannot carry an `allow` of their own.
#![allow(clippy::too_many_arguments)]

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use super::reading_list::ListItem;
use super::{GroupFields, GroupMember, GroupRole, GroupSummary, JoinRequest, Seat};
use crate::error::AppError;
use crate::notes::NotePage;

/// How many groups the directory shows at most.
pub const DIRECTORY_MAX: i64 = 300;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupDirectory {
    pub groups: Vec<GroupSummary>,
    pub themes: Vec<String>,
    pub sectors: Vec<(i64, String)>,
    pub can_create: bool,
}

/// One member's row of the progress board.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BoardRow {
    pub display_name: String,
    pub role: GroupRole,
    /// Per reading-list book, in list order: e.g. `在读 · 45%`, or `None`.
    pub cells: Vec<Option<String>>,
    pub streak: i64,
    pub longest_streak: i64,
}

/// The signed-in person's place in the group.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MyPlace {
    pub role: Option<GroupRole>,
    /// The quota this person would join on.
    pub seat: Seat,
    pub pending_request: bool,
    pub checked_in_today: bool,
    pub can_manage: bool,
    pub can_guide: bool,
    /// Organisers edit the group itself (term, seats, staff).
    pub can_edit: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupPage {
    pub summary: GroupSummary,
    pub description_html: crate::SafeHtml,
    pub today: String,
    /// Whether the viewer may see the group's people: when false (a
    /// members-only group seen from outside) `members` and `board` are
    /// empty and the page shows only the member count.
    pub people_visible: bool,
    pub members: Vec<GroupMember>,
    pub items: Vec<ListItem>,
    pub board: Vec<BoardRow>,
    /// The latest notes (the rest: `/groups/{slug}/notes`).
    pub notes: NotePage,
    pub me: Option<MyPlace>,
    pub viewer: Option<i64>,
    /// The invitation address, shown to those who manage the group.
    pub invite_path: Option<String>,
    /// The latest discussion threads; `None` when the viewer may not read them.
    pub threads: Option<Vec<crate::threads::ThreadSummary>>,
}

/// What the manage page needs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ManagePage {
    pub summary: GroupSummary,
    pub items: Vec<ListItem>,
    pub requests: Vec<JoinRequest>,
    pub invite_path: String,
    /// Catalogue books to add: (id, `书名 · 作者`).
    pub books: Vec<(i64, String)>,
    pub can_manage: bool,
}

/// The organisers' form, filled for editing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupFormData {
    pub fields: Option<GroupFields>,
    pub leader: String,
    pub guides: String,
    pub sectors: Vec<(i64, String)>,
}

#[cfg(feature = "ssr")]
mod ssr {
    pub use super::super::access::{GroupAccess, seat_for};
    pub use super::super::queries::{self, SeatOutcome};
    pub use super::super::{GroupRole, JoinPolicy, Seat, list_queries};
    pub use crate::accounts::Role;
    pub use crate::accounts::session::{current_user, require_role};
    pub use crate::error::FormErrors;
    pub use crate::server::{ctx, now, respond, today_string};

    pub async fn load(slug: &str) -> Result<GroupAccess, crate::error::AppError> {
        GroupAccess::load(&ctx()?.db, slug, &today_string()).await
    }

    /// "名额已满" for the quota someone would take.
    pub fn full_message(seat: Seat) -> String {
        match seat {
            Seat::Member => "委员名额已满，无法加入".to_owned(),
            _ => "读者名额已满，无法加入".to_owned(),
        }
    }
}

#[server(prefix = "/api", endpoint = "groups")]
pub async fn list_groups(
    theme: String,
    kind: String,
    sector: String,
    status: String,
) -> Result<GroupDirectory, AppError> {
    use ssr::*;
    respond(async move {
        let ctx = ctx()?;
        let filter = super::GroupFilter {
            theme: Some(theme.trim().chars().take(40).collect::<String>())
                .filter(|t| !t.is_empty()),
            kind: super::GroupKind::parse(&kind),
            sector_id: sector.parse().ok(),
            status: super::GroupStatus::parse(&status),
        };
        let groups =
            queries::list(ctx.db.pool(), &filter, &today_string(), DIRECTORY_MAX, 0).await?;
        Ok(GroupDirectory {
            groups,
            themes: queries::themes(ctx.db.pool()).await?,
            sectors: crate::site::queries::sectors(ctx.db.pool()).await?,
            can_create: current_user().await?.is_some_and(|u| u.is_organiser()),
        })
    })
    .await
}

#[server(prefix = "/api", endpoint = "group")]
pub async fn get_group(slug: String) -> Result<GroupPage, AppError> {
    use ssr::*;
    respond(async move {
        let ctx = ctx()?;
        let db = ctx.db.pool();
        let access = load(&slug).await?;
        let today = today_string();
        let gid = access.id();
        let people_visible = access.can_see_people();
        let items = list_queries::items(db, gid).await?;
        let (members, board) = if people_visible {
            let members = queries::members(db, gid).await?;
            let board = board(&ctx.db, gid, &members, &items, &today).await?;
            (members, board)
        } else {
            (Vec::new(), Vec::new())
        };
        let viewer = access.user.as_ref().map_or(0, |u| u.id);
        let notes =
            crate::notes::queries::page(db, crate::notes::queries::NotesOf::Group(gid), viewer, 1)
                .await?;
        let me = match &access.user {
            Some(u) => Some(MyPlace {
                role: access.role(),
                seat: seat_for(u.role),
                pending_request: queries::has_pending_request(db, gid, u.id).await?,
                checked_in_today: crate::progress::queries::checked_in(db, gid, u.id, &today)
                    .await?,
                can_manage: access.can_manage(),
                can_guide: access.can_guide(),
                can_edit: access.is_organiser(),
            }),
            None => None,
        };
        let invite_path = access
            .can_manage()
            .then(|| invite_path(&access.group.summary.slug, &access.group.invite_token));
        let threads = if access.can_read_threads() {
            let viewer = access.user.as_ref().map_or(0, |u| u.id);
            Some(
                crate::threads::queries::group_threads(ctx.db.pool(), access.id(), viewer, 5, 0)
                    .await?,
            )
        } else {
            None
        };
        Ok(GroupPage {
            summary: access.group.summary,
            description_html: access.group.description_html,
            today,
            people_visible,
            members,
            items,
            board,
            notes,
            me,
            viewer: access.user.as_ref().map(|u| u.id),
            invite_path,
            threads,
        })
    })
    .await
}

pub fn invite_path(slug: &str, token: &str) -> String {
    format!("/groups/{slug}?invite={token}")
}

/// The progress board: each member's progress on each book, and streaks.
#[cfg(feature = "ssr")]
async fn board(
    db: &crate::server::Db,
    group_id: i64,
    members: &[GroupMember],
    items: &[ListItem],
    today: &str,
) -> Result<Vec<BoardRow>, AppError> {
    use crate::progress::streak::streaks;
    let progress = crate::progress::queries::board(db.pool(), group_id).await?;
    let today_date = crate::ui::time::parse_day(today).map_err(AppError::internal)?;
    let since = crate::ui::time::day_string(today_date - time::Duration::days(400));
    let days = crate::progress::queries::group_days(db.pool(), group_id, &since).await?;
    Ok(members
        .iter()
        .map(|m| {
            let cells = items
                .iter()
                .map(|item| {
                    progress
                        .iter()
                        .find(|(a, p)| *a == m.account_id && p.book_id == item.book_id)
                        .map(|(_, p)| p.describe(None))
                })
                .collect();
            let mine: Vec<String> = days
                .iter()
                .filter(|(a, _)| *a == m.account_id)
                .map(|(_, d)| d.clone())
                .collect();
            let (streak, longest_streak) = streaks(&mine, today_date);
            BoardRow {
                display_name: m.display_name.clone(),
                role: m.role,
                cells,
                streak,
                longest_streak,
            }
        })
        .collect())
}

pub const REQUEST_MESSAGE_MAX: usize = 200;

/// Joins a group: at once when it is open (or with the right invitation),
/// or by filing a request when it needs approval. Holds the seat quota.
#[server(prefix = "/api", endpoint = "group/join")]
pub async fn join_group(
    slug: String,
    invite: Option<String>,
    message: Option<String>,
) -> Result<String, AppError> {
    use ssr::*;
    respond(async move {
        let access = load(&slug).await?;
        let user = access.user()?.clone();
        access.require_open()?;
        if access.is_member() {
            return Ok("你已经是本群成员".to_owned());
        }
        let ctx = ctx()?;
        let gid = access.id();
        let group = &access.group;
        let invited = invite.as_deref().is_some_and(|t| {
            !t.is_empty() && crate::server::constant_time_eq(t, &group.invite_token)
        });
        match group.summary.join_policy {
            JoinPolicy::Approval if !invited => {
                let message: String = message
                    .unwrap_or_default()
                    .trim()
                    .chars()
                    .take(REQUEST_MESSAGE_MAX)
                    .collect();
                match queries::request_to_join(ctx.db.pool(), gid, user.id, &message, now()).await?
                {
                    Some(_) => {
                        crate::server::redirect_back();
                        Ok("已提交加入申请，请等待群主审核".to_owned())
                    }
                    None => Ok("你的申请正在等待审核".to_owned()),
                }
            }
            JoinPolicy::Invitation if !invited => Err(AppError::message(
                "本群仅限受邀加入，请使用群主分享的邀请链接",
            )),
            _ => {
                let seat = seat_for(user.role);
                let mut tx = ctx.db.pool().begin().await?;
                match queries::take_seat(&mut tx, gid, user.id, seat, now()).await? {
                    SeatOutcome::Joined => {
                        tx.commit().await?;
                        crate::server::redirect_back();
                        Ok(format!("已加入「{}」", group.summary.name))
                    }
                    SeatOutcome::AlreadyMember => Ok("你已经是本群成员".to_owned()),
                    SeatOutcome::Full => {
                        tx.rollback().await?;
                        Err(AppError::message(full_message(seat)))
                    }
                }
            }
        }
    })
    .await
}

/// Leaves a group and frees the seat. The leader cannot leave.
#[server(prefix = "/api", endpoint = "group/leave")]
pub async fn leave_group(slug: String) -> Result<String, AppError> {
    use ssr::*;
    respond(async move {
        let access = load(&slug).await?;
        let user = access.user()?.clone();
        access.require_open()?;
        match access.role() {
            None => return Err(AppError::message("你不是本群成员")),
            Some(GroupRole::Leader) => {
                return Err(AppError::message("群主不能退出本群，请先请管理员更换群主"));
            }
            Some(_) => {}
        }
        let ctx = ctx()?;
        let mut tx = ctx.db.pool().begin().await?;
        queries::leave(&mut tx, access.id(), user.id).await?;
        tx.commit().await?;
        crate::server::redirect_back();
        Ok("已退出本群".to_owned())
    })
    .await
}

#[server(prefix = "/api", endpoint = "group/withdraw-request")]
pub async fn withdraw_join_request(slug: String) -> Result<String, AppError> {
    use ssr::*;
    respond(async move {
        let access = load(&slug).await?;
        let user = access.user()?.clone();
        queries::withdraw_request(ctx()?.db.pool(), access.id(), user.id, now()).await?;
        crate::server::redirect_back();
        Ok("已撤回申请".to_owned())
    })
    .await
}

/// The leader (or an organiser) accepts or declines a join request.
/// Accepting takes a seat under the same quota rule as joining.
#[server(prefix = "/api", endpoint = "group/decide-request")]
pub async fn decide_join_request(
    slug: String,
    request_id: i64,
    decision: String,
) -> Result<String, AppError> {
    use ssr::*;
    respond(async move {
        let access = load(&slug).await?;
        let manager = access.require_manager()?.clone();
        access.require_open()?;
        let accept = match decision.as_str() {
            "accept" => true,
            "decline" => false,
            _ => return Err(AppError::message("请选择同意或拒绝")),
        };
        let ctx = ctx()?;
        let mut tx = ctx.db.pool().begin().await?;
        let status = if accept { "accepted" } else { "declined" };
        let Some((account_id, role)) = queries::decide_request(
            &mut tx,
            request_id,
            access.id(),
            status,
            Some(manager.id),
            now(),
        )
        .await?
        else {
            return Err(AppError::message("这条申请已处理过了"));
        };
        if accept {
            let seat = seat_for(role);
            if queries::take_seat(&mut tx, access.id(), account_id, seat, now()).await?
                == SeatOutcome::Full
            {
                tx.rollback().await?;
                return Err(AppError::message(
                    full_message(seat).replace("无法加入", "无法同意这条申请"),
                ));
            }
        }
        crate::admin::audit::note(
            &mut *tx,
            manager.id,
            crate::admin::audit::AuditAction::GroupRequest,
            &format!("group:{slug}"),
            Some("待审核"),
            if accept { "同意" } else { "拒绝" },
        )
        .await?;
        tx.commit().await?;
        crate::server::redirect_back();
        Ok(if accept {
            "已同意加入申请"
        } else {
            "已拒绝加入申请"
        }
        .to_owned())
    })
    .await
}

// ---- the organisers' group form ----

#[server(prefix = "/api", endpoint = "group/form")]
pub async fn group_form(slug: String) -> Result<GroupFormData, AppError> {
    use ssr::*;
    respond(async move {
        require_role(Role::Organiser).await?;
        let ctx = ctx()?;
        let sectors = crate::site::queries::sectors(ctx.db.pool()).await?;
        if slug.is_empty() {
            return Ok(GroupFormData {
                fields: None,
                leader: String::new(),
                guides: String::new(),
                sectors,
            });
        }
        let group = queries::by_slug(ctx.db.pool(), &slug, &today_string())
            .await?
            .ok_or(AppError::NotFound)?;
        let gid = group.summary.id;
        let leader = queries::staff_usernames(ctx.db.pool(), gid, GroupRole::Leader).await?;
        let guides = queries::staff_usernames(ctx.db.pool(), gid, GroupRole::Guide).await?;
        let s = &group.summary;
        Ok(GroupFormData {
            fields: Some(GroupFields {
                slug: s.slug.clone(),
                name: s.name.clone(),
                theme: s.theme.clone(),
                description_md: group.description_md.clone(),
                kind: s.kind,
                sector_id: group.sector_id,
                committee: s.committee.clone(),
                starts_on: s.starts_on.clone(),
                ends_on: s.ends_on.clone(),
                join_policy: s.join_policy,
                visibility: s.visibility,
                member_seats: s.member_seats,
                reader_seats: s.reader_seats,
            }),
            leader: leader.join(", "),
            guides: guides.join(", "),
            sectors,
        })
    })
    .await
}

/// Creates (`current_slug` empty) or edits a group, and appoints its
/// leader and guides by user name. Organisers only.
#[server(prefix = "/api", endpoint = "group/save")]
pub async fn save_group(
    current_slug: String,
    slug: String,
    name: String,
    theme: String,
    description_md: String,
    kind: String,
    sector_id: String,
    committee: String,
    starts_on: String,
    ends_on: String,
    join_policy: String,
    #[server(default)] visibility: String,
    member_seats: String,
    reader_seats: String,
    leader: String,
    guides: String,
) -> Result<String, AppError> {
    use super::validate::{RawGroup, group_fields};
    use ssr::*;
    respond(async move {
        let organiser = require_role(Role::Organiser).await?;
        let ctx = ctx()?;
        let raw = RawGroup {
            slug: &slug,
            name: &name,
            theme: &theme,
            description_md: &description_md,
            kind: &kind,
            sector_id: &sector_id,
            committee: &committee,
            starts_on: &starts_on,
            ends_on: &ends_on,
            join_policy: &join_policy,
            visibility: &visibility,
            member_seats: &member_seats,
            reader_seats: &reader_seats,
        };
        let mut errors = FormErrors::default();
        for (k, v) in [
            ("slug", &slug),
            ("name", &name),
            ("theme", &theme),
            ("description_md", &description_md),
            ("kind", &kind),
            ("sector_id", &sector_id),
            ("committee", &committee),
            ("starts_on", &starts_on),
            ("ends_on", &ends_on),
            ("join_policy", &join_policy),
            ("visibility", &visibility),
            ("member_seats", &member_seats),
            ("reader_seats", &reader_seats),
            ("leader", &leader),
            ("guides", &guides),
        ] {
            errors = errors.keep(
                k,
                &v.chars()
                    .take(super::validate::DESCRIPTION_MAX)
                    .collect::<String>(),
            );
        }
        let fields = group_fields(&raw).map_err(|errs| {
            let mut e = errors.clone();
            for (f, m) in errs {
                e.add(f, m);
            }
            AppError::Invalid(e.clone())
        });
        // Staff by user name: resolved before anything is written.
        let leader_id = match leader.trim() {
            "" => None,
            name => {
                match crate::accounts::queries::credentials(ctx.db.pool(), &name.to_lowercase())
                    .await?
                {
                    Some(c) => Some(c.id),
                    None => {
                        errors.add("leader", format!("找不到用户名为 {name} 的用户"));
                        None
                    }
                }
            }
        };
        let mut guide_ids = Vec::new();
        for g in guides
            .split([',', '，', ' ', '、'])
            .map(str::trim)
            .filter(|g| !g.is_empty())
            .take(20)
        {
            match crate::accounts::queries::credentials(ctx.db.pool(), &g.to_lowercase()).await? {
                Some(c) if Some(c.id) != leader_id => guide_ids.push(c.id),
                Some(_) => {}
                None => errors.add("guides", format!("找不到用户名为 {g} 的用户")),
            }
        }
        let fields = match fields {
            Ok(f) => f,
            Err(AppError::Invalid(mut e)) => {
                for (f, m) in errors.fields {
                    e.add(&f, m);
                }
                return Err(AppError::Invalid(e));
            }
            Err(other) => return Err(other),
        };
        errors.clone().into_result()?;

        let html = crate::markdown::render(&fields.description_md);
        let at = now();
        let mut tx = ctx.db.pool().begin().await?;
        let existing = if current_slug.is_empty() {
            None
        } else {
            Some(
                queries::by_slug(&mut *tx, &current_slug, &today_string())
                    .await?
                    .ok_or(AppError::NotFound)?,
            )
        };
        let saved = match &existing {
            None => {
                let token = crate::server::random_token();
                queries::insert(&mut *tx, &fields, &html, &token, Some(organiser.id), at)
                    .await
                    .map(|id| (id, true))
            }
            Some(g) => queries::update(&mut *tx, g.summary.id, &fields, &html)
                .await
                .map(|_| (g.summary.id, false)),
        };
        let (group_id, created) = match saved {
            Ok(v) => v,
            Err(e) if crate::server::is_unique_violation(&e) => {
                errors.add("slug", "这个网址名已被其他读书群使用");
                return Err(AppError::Invalid(errors));
            }
            Err(e) => return Err(e.into()),
        };
        // Staff: whoever is named is leader/guide; staff no longer named become members.
        let current = queries::members(&mut *tx, group_id).await?;
        for m in current.iter().filter(|m| m.role != GroupRole::Member) {
            let still = Some(m.account_id) == leader_id || guide_ids.contains(&m.account_id);
            if !still {
                queries::set_role(&mut tx, group_id, m.account_id, GroupRole::Member, at).await?;
            }
        }
        if let Some(id) = leader_id {
            queries::set_role(&mut tx, group_id, id, GroupRole::Leader, at).await?;
        }
        for id in &guide_ids {
            queries::set_role(&mut tx, group_id, *id, GroupRole::Guide, at).await?;
        }
        crate::admin::audit::record(
            &mut *tx,
            crate::admin::audit::Entry {
                actor_id: organiser.id,
                action: if created {
                    crate::admin::audit::AuditAction::GroupCreate
                } else {
                    crate::admin::audit::AuditAction::GroupUpdate
                },
                target: &format!("group:{group_id}"),
                before: existing.as_ref().map(|g| g.summary.slug.as_str()),
                after: Some(&fields.slug),
                at,
            },
        )
        .await?;
        tx.commit().await?;
        leptos_axum::redirect(&format!("/groups/{}", fields.slug));
        Ok(if created {
            "读书群已创建"
        } else {
            "已保存"
        }
        .to_owned())
    })
    .await
}

// ---- the reading list ----

#[server(prefix = "/api", endpoint = "group/manage")]
pub async fn manage_group(slug: String) -> Result<ManagePage, AppError> {
    use ssr::*;
    respond(async move {
        let access = load(&slug).await?;
        access.require_guide()?;
        let ctx = ctx()?;
        let db = ctx.db.pool();
        let gid = access.id();
        let books = crate::books::queries::search(db, "", 2000, 0)
            .await?
            .into_iter()
            .map(|b| (b.id, format!("{} · {}", b.fields.title, b.fields.author)))
            .collect();
        Ok(ManagePage {
            items: list_queries::items(db, gid).await?,
            requests: if access.can_manage() {
                queries::pending_requests(db, gid).await?
            } else {
                Vec::new()
            },
            invite_path: invite_path(&access.group.summary.slug, &access.group.invite_token),
            books,
            can_manage: access.can_manage(),
            summary: access.group.summary,
        })
    })
    .await
}

/// The schedule and guided reading of a list entry, checked.
#[cfg(feature = "ssr")]
fn list_fields(
    starts_on: &str,
    ends_on: &str,
    guide_md: &str,
) -> Result<(String, String, String, crate::SafeHtml), AppError> {
    use crate::ui::time::{day_string, parse_day};
    let mut f = FormErrors::default()
        .keep("starts_on", starts_on)
        .keep("ends_on", ends_on)
        .keep(
            "guide_md",
            &guide_md
                .chars()
                .take(crate::markdown::MAX_SOURCE)
                .collect::<String>(),
        );
    let s = parse_day(starts_on).map_err(|m| f.add("starts_on", m)).ok();
    let e = parse_day(ends_on).map_err(|m| f.add("ends_on", m)).ok();
    if let (Some(s), Some(e)) = (s, e)
        && e < s
    {
        f.add("ends_on", "结束日期不能早于开始日期");
    }
    if guide_md.chars().count() > crate::markdown::MAX_SOURCE {
        f.add(
            "guide_md",
            format!("导读不能超过 {} 个字", crate::markdown::MAX_SOURCE),
        );
    }
    f.into_result()?;
    let (s, e) = (s.expect("checked"), e.expect("checked"));
    let guide = guide_md.trim().to_owned();
    let html = crate::markdown::render(&guide);
    Ok((day_string(s), day_string(e), guide, html))
}

#[cfg(feature = "ssr")]
use ssr::FormErrors;

/// Adds a catalogue book to the reading list (leader or organiser).
#[server(prefix = "/api", endpoint = "group/list/add")]
pub async fn add_to_list(
    slug: String,
    book_id: String,
    starts_on: String,
    ends_on: String,
    guide_md: String,
) -> Result<String, AppError> {
    use ssr::*;
    respond(async move {
        let access = load(&slug).await?;
        let actor = access.require_manager()?.id;
        access.require_open()?;
        let Ok(book_id) = book_id.parse::<i64>() else {
            let mut f = FormErrors::default()
                .keep("starts_on", &starts_on)
                .keep("ends_on", &ends_on)
                .keep(
                    "guide_md",
                    &guide_md
                        .chars()
                        .take(crate::markdown::MAX_SOURCE)
                        .collect::<String>(),
                );
            f.add("book_id", "请选择图书");
            return Err(AppError::Invalid(f));
        };
        let (s, e, guide, html) = list_fields(&starts_on, &ends_on, &guide_md)?;
        let ctx = ctx()?;
        crate::books::queries::get(ctx.db.pool(), book_id)
            .await?
            .ok_or(AppError::NotFound)?;
        let mut tx = ctx.db.pool().begin().await?;
        let fields = list_queries::ItemFields {
            starts_on: &s,
            ends_on: &e,
            guide_md: &guide,
            guide_html: &html,
        };
        if list_queries::add(&mut tx, access.id(), book_id, &fields)
            .await?
            .is_none()
        {
            return Err(AppError::message("这本书已在本群书目中"));
        }
        let change = format!("加入书目：book:{book_id}");
        list_changed(&mut *tx, actor, &slug, &change).await?;
        tx.commit().await?;
        crate::server::redirect_back();
        Ok("已加入书目".to_owned())
    })
    .await
}

/// Changes an entry's dates and guided reading (leaders, guides, organisers).
#[server(prefix = "/api", endpoint = "group/list/update")]
pub async fn update_list_item(
    slug: String,
    item_id: i64,
    starts_on: String,
    ends_on: String,
    guide_md: String,
) -> Result<String, AppError> {
    use ssr::*;
    respond(async move {
        let access = load(&slug).await?;
        let actor = access.require_guide()?.id;
        access.require_open()?;
        let (s, e, guide, html) = list_fields(&starts_on, &ends_on, &guide_md)?;
        let fields = list_queries::ItemFields {
            starts_on: &s,
            ends_on: &e,
            guide_md: &guide,
            guide_html: &html,
        };
        let pool = ctx()?.db.pool().clone();
        if !list_queries::update(&pool, access.id(), item_id, &fields).await? {
            return Err(AppError::NotFound);
        }
        let change = format!("修改日期和导读：item:{item_id}");
        list_changed(&pool, actor, &slug, &change).await?;
        crate::server::redirect_back();
        Ok("已保存导读".to_owned())
    })
    .await
}

#[server(prefix = "/api", endpoint = "group/list/remove")]
pub async fn remove_from_list(slug: String, item_id: i64) -> Result<String, AppError> {
    use ssr::*;
    respond(async move {
        let access = load(&slug).await?;
        let actor = access.require_manager()?.id;
        access.require_open()?;
        let pool = ctx()?.db.pool().clone();
        if !list_queries::remove(&pool, access.id(), item_id).await? {
            return Err(AppError::NotFound);
        }
        list_changed(&pool, actor, &slug, &format!("移出书目：item:{item_id}")).await?;
        crate::server::redirect_back();
        Ok("已从书目中移除".to_owned())
    })
    .await
}

#[server(prefix = "/api", endpoint = "group/list/move")]
pub async fn move_in_list(
    slug: String,
    item_id: i64,
    direction: String,
) -> Result<String, AppError> {
    use ssr::*;
    respond(async move {
        let access = load(&slug).await?;
        let actor = access.require_manager()?.id;
        access.require_open()?;
        let up =
            super::ListMove::parse(&direction).ok_or(AppError::BadRequest)? == super::ListMove::Up;
        let ctx = ctx()?;
        let mut tx = ctx.db.pool().begin().await?;
        let moved = list_queries::move_item(&mut tx, access.id(), item_id, up).await?;
        if moved {
            let change = format!("调整顺序：item:{item_id}");
            list_changed(&mut *tx, actor, &slug, &change).await?;
        }
        tx.commit().await?;
        crate::server::redirect_back();
        Ok(if moved {
            "已调整顺序"
        } else {
            "已在最前或最后"
        }
        .to_owned())
    })
    .await
}

/// Records a change to a group's reading list in the audit log.
#[cfg(feature = "ssr")]
async fn list_changed(
    e: impl crate::server::Exec<'_>,
    actor: i64,
    slug: &str,
    change: &str,
) -> Result<(), sqlx::Error> {
    crate::admin::audit::note(
        e,
        actor,
        crate::admin::audit::AuditAction::GroupList,
        &format!("group:{slug}"),
        None,
        change,
    )
    .await
}

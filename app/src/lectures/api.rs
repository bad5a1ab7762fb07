//! Server functions of the lecture hall. Who may do what is decided here,
//! on the server: lecturers create sessions and edit their own; organisers
//! publish, edit and cancel any; signed-in people register and ask; the
//! session's lecturer and organisers answer and hide questions.
// Server functions take one argument per form field.
#![allow(clippy::too_many_arguments)]

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use super::{
    Audience, LectureFields, LectureSummary, MyRegistration, QuestionView, RegistrationSummary,
    StreamLink, VenueInput, VenueView,
};
use crate::error::AppError;

/// Sessions the listing shows at most.
pub const LIST_MAX: i64 = 500;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LectureList {
    pub live: Vec<LectureSummary>,
    pub upcoming: Vec<LectureSummary>,
    pub past: Vec<LectureSummary>,
    /// Drafts the viewer may see (their own; organisers all).
    pub drafts: Vec<LectureSummary>,
    pub series: Vec<String>,
    pub can_create: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LecturePage {
    pub summary: LectureSummary,
    pub speaker_bio: String,
    pub abstract_html: crate::SafeHtml,
    pub venues: Vec<VenueView>,
    pub streams: Vec<StreamLink>,
    pub replay_url: String,
    /// (slug, name) of the linked reading group.
    pub group: Option<(String, String)>,
    /// (id, title) of the linked book.
    pub book: Option<(i64, String)>,
    pub views: i64,
    pub audience: Audience,
    pub signed_in: bool,
    pub mine: Option<MyRegistration>,
    /// The lecturer of this session or an organiser.
    pub can_edit: bool,
    /// Organisers publish and cancel.
    pub can_publish: bool,
    pub questions: Vec<QuestionView>,
    pub my_votes: Vec<i64>,
    /// The follow-up thread, once the questions were turned into one.
    pub followup_path: Option<String>,
    /// Whether the questions can be turned into a thread now.
    pub can_make_followup: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LectureFormData {
    pub fields: Option<LectureFields>,
    pub state: Option<super::LectureState>,
    pub cover_id: Option<i64>,
    /// Reading groups to link: (id, name).
    pub groups: Vec<(i64, String)>,
    /// Books to link: (id, `书名 · 作者`).
    pub books: Vec<(i64, String)>,
    pub can_publish: bool,
}

/// The answer to a vote: which question, and whether the voter now votes
/// for it (the page marks its button at once).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct VoteOutcome {
    pub question_id: i64,
    pub voted: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckinPage {
    pub title: String,
    pub slug: String,
    pub venue: String,
    pub code_ok: bool,
    pub checked_in: bool,
    pub signed_in: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckinCode {
    pub venue: String,
    pub kind: String,
    pub url: String,
    pub qr_svg: crate::SafeHtml,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckinCodes {
    pub title: String,
    pub slug: String,
    pub day: String,
    pub codes: Vec<CheckinCode>,
}

#[cfg(feature = "ssr")]
pub use ssr::may_edit;

#[cfg(feature = "ssr")]
mod ssr {
    use super::super::queries::{self, LectureRecord};
    use super::super::{LectureState, Phase};
    use crate::accounts::{Role, SessionUser};
    use crate::error::AppError;
    use crate::server::{AppContext, ctx, now};

    /// The session's lecturer and organisers edit it.
    pub fn may_edit(user: &SessionUser, lecture: &LectureRecord) -> bool {
        user.is_organiser() || (user.role == Role::Lecturer && lecture.owner_id == Some(user.id))
    }

    /// Loads a session the viewer may see: drafts only for those who may edit them.
    pub async fn visible(
        ctx: &AppContext,
        slug: &str,
        user: Option<&SessionUser>,
    ) -> Result<LectureRecord, AppError> {
        let lecture = queries::by_slug(ctx.db.pool(), slug, now())
            .await?
            .ok_or(AppError::NotFound)?;
        if lecture.summary.state == LectureState::Draft
            && !user.is_some_and(|u| may_edit(u, &lecture))
        {
            return Err(AppError::NotFound);
        }
        Ok(lecture)
    }

    /// The viewer and the session, for actions that need a signed-in person.
    pub async fn signed_in(
        slug: &str,
    ) -> Result<(AppContext, SessionUser, LectureRecord), AppError> {
        let ctx = ctx()?;
        let user = crate::accounts::session::require_user().await?;
        let lecture = visible(&ctx, slug, Some(&user)).await?;
        Ok((ctx, user, lecture))
    }

    /// Whether the caller may start a thread in the group: the rule of the
    /// discussion pages (`GroupAccess::may_start_threads`). A group that
    /// does not exist is no place to post either.
    pub async fn may_post_in(ctx: &AppContext, group_id: i64) -> Result<bool, AppError> {
        use crate::groups::access::GroupAccess;
        match GroupAccess::load_id(&ctx.db, group_id, &crate::server::today_string()).await {
            Ok(access) => Ok(access.may_start_threads()),
            Err(AppError::NotFound) => Ok(false),
            Err(e) => Err(e),
        }
    }

    /// Registration is open until the session ends, unless it is cancelled.
    pub fn require_open(lecture: &LectureRecord) -> Result<(), AppError> {
        match lecture.summary.phase {
            Phase::Upcoming | Phase::Live => Ok(()),
            Phase::Cancelled => Err(AppError::message("讲座已取消")),
            Phase::Draft => Err(AppError::message("讲座尚未发布，暂不能报名")),
            Phase::Ended => Err(AppError::message("讲座已结束")),
        }
    }
}

#[server(prefix = "/api", endpoint = "lectures")]
pub async fn load_lectures(series: String) -> Result<LectureList, AppError> {
    use super::Phase;
    use super::queries::{self, DraftsOf};
    use crate::accounts::Role;
    use crate::accounts::session::current_user;
    use crate::server::{ctx, now, respond};
    respond(async move {
        let ctx = ctx()?;
        let user = current_user().await?;
        let drafts = match &user {
            Some(u) if u.is_organiser() => DraftsOf::Everyone,
            Some(u) if u.role == Role::Lecturer => DraftsOf::Owner(u.id),
            _ => DraftsOf::Nobody,
        };
        let series = series.trim();
        let filter = (!series.is_empty()).then_some(series);
        let all = queries::list(ctx.db.pool(), filter, drafts, now(), LIST_MAX).await?;
        let mut list = LectureList {
            live: Vec::new(),
            upcoming: Vec::new(),
            past: Vec::new(),
            drafts: Vec::new(),
            series: queries::series(ctx.db.pool()).await?,
            can_create: user
                .as_ref()
                .is_some_and(|u| u.is_organiser() || u.role == Role::Lecturer),
        };
        for l in all {
            match l.phase {
                Phase::Live => list.live.push(l),
                Phase::Upcoming => list.upcoming.push(l),
                Phase::Draft => list.drafts.push(l),
                // Cancelled sessions stay where their date puts them.
                Phase::Cancelled if l.ends_at > now() => list.upcoming.push(l),
                Phase::Ended | Phase::Cancelled => list.past.push(l),
            }
        }
        // Soonest first for what is ahead; latest first for what is past.
        list.upcoming.sort_by_key(|l| (l.starts_at, l.id));
        Ok(list)
    })
    .await
}

#[server(prefix = "/api", endpoint = "lectures/page")]
pub async fn load_lecture(slug: String) -> Result<LecturePage, AppError> {
    use super::{StreamKind, StreamLink, audience, qr, queries, questions, registration, viewer};
    use crate::accounts::session::current_user;
    use crate::server::{append_response_header, cookie, ctx, respond};
    use sqlx::Row;
    respond(async move {
        let ctx = ctx()?;
        let user = current_user().await?;
        let lecture = ssr::visible(&ctx, &slug, user.as_ref()).await?;
        let id = lecture.summary.id;
        let pool = ctx.db.pool();
        let can_edit = user.as_ref().is_some_and(|u| ssr::may_edit(u, &lecture));

        // The page only hands out the viewer id; the live channel counts
        // it when the browser brings it back (a GET writes nothing).
        let key = &ctx.settings.viewer_key;
        if cookie(viewer::COOKIE).is_none_or(|v| key.verify(&v).is_none()) {
            let set = viewer::set_cookie(&key.mint(), ctx.settings.secure_cookies);
            append_response_header(http::header::SET_COOKIE, &set);
        }

        let streams = queries::streams(pool, id)
            .await?
            .into_iter()
            .enumerate()
            .map(|(i, url)| {
                let kind = StreamKind::of(&url);
                StreamLink {
                    label: format!("直播链接 {}", i + 1),
                    qr_svg: (kind == StreamKind::Link).then(|| qr::svg(&url)).flatten(),
                    url,
                    kind,
                }
            })
            .collect();
        let group = match lecture.group_id {
            Some(g) => sqlx::query("SELECT slug, name FROM reading_group WHERE id = $1")
                .bind(g)
                .fetch_optional(pool)
                .await?
                .map(|r| (r.get("slug"), r.get("name"))),
            None => None,
        };
        let book = match lecture.book_id {
            Some(b) => sqlx::query("SELECT id, title FROM book WHERE id = $1")
                .bind(b)
                .fetch_optional(pool)
                .await?
                .map(|r| (r.get("id"), r.get("title"))),
            None => None,
        };
        let followup_path = match (lecture.followup_thread_id, &group) {
            (Some(t), Some((gslug, _))) => Some(format!("/groups/{gslug}/threads/{t}")),
            _ => None,
        };
        let mine = match &user {
            Some(u) => registration::mine(pool, id, u.id).await?,
            None => None,
        };
        let my_votes = match &user {
            Some(u) => questions::voted_by(pool, id, u.id).await?,
            None => Vec::new(),
        };
        let qs = questions::list(pool, id, can_edit).await?;
        let can_make_followup = match lecture.group_id {
            Some(g)
                if can_edit
                    && group.is_some()
                    && lecture.followup_thread_id.is_none()
                    && !qs.is_empty()
                    && lecture.summary.phase == super::Phase::Ended =>
            {
                ssr::may_post_in(&ctx, g).await?
            }
            _ => false,
        };
        Ok(LecturePage {
            can_make_followup,
            speaker_bio: lecture.speaker_bio.clone(),
            abstract_html: lecture.abstract_html.clone(),
            venues: queries::venues(pool, id).await?,
            streams,
            replay_url: lecture.replay_url.clone(),
            group,
            book,
            views: lecture.views,
            audience: audience::audience(pool, id).await?,
            signed_in: user.is_some(),
            mine,
            can_edit,
            can_publish: user.as_ref().is_some_and(|u| u.is_organiser()),
            questions: qs,
            my_votes,
            followup_path,
            summary: lecture.summary,
        })
    })
    .await
}

/// Registers the signed-in person for a venue (`venue` is its id) or for
/// online attendance (`venue` is `online`); answers with what happened.
#[server(prefix = "/api", endpoint = "lectures/register")]
pub async fn register_lecture(slug: String, venue: String) -> Result<String, AppError> {
    use super::queries;
    use super::registration::{self, Outcome};
    use crate::server::{now, redirect_back, respond};
    respond(async move {
        let (ctx, user, lecture) = ssr::signed_in(&slug).await?;
        ssr::require_open(&lecture)?;
        let id = lecture.summary.id;
        let venues = queries::venues(ctx.db.pool(), id).await?;
        let venue_id = match venue.trim() {
            "online" => None,
            v => Some(
                v.parse::<i64>()
                    .ok()
                    .filter(|v| venues.iter().any(|x| x.id == *v))
                    .ok_or_else(|| AppError::message("请选择本场讲座的会场"))?,
            ),
        };
        let name = venue_id
            .and_then(|v| venues.iter().find(|x| x.id == v))
            .map(|v| v.name.clone())
            .unwrap_or_else(|| "线上观看".to_owned());
        let mut tx = ctx.db.pool().begin().await?;
        let outcome = registration::register(&mut tx, id, user.id, venue_id, now()).await?;
        tx.commit().await?;
        ctx.live.audience_changed(id).await;
        redirect_back();
        Ok(match outcome {
            Outcome::Confirmed => format!("报名成功：{name}。"),
            Outcome::Waiting(place) => {
                format!("{name}座位已满，你已进入候补名单第 {place} 位；有人取消时自动递补。")
            }
            Outcome::Unchanged => format!("你已报名：{name}。"),
        })
    })
    .await
}

#[server(prefix = "/api", endpoint = "lectures/cancel-registration")]
pub async fn cancel_registration(slug: String) -> Result<String, AppError> {
    use super::registration;
    use crate::server::{now, redirect_back, respond};
    respond(async move {
        let (ctx, user, lecture) = ssr::signed_in(&slug).await?;
        let id = lecture.summary.id;
        let mut tx = ctx.db.pool().begin().await?;
        let cancelled = registration::cancel(&mut tx, id, user.id, now()).await?;
        tx.commit().await?;
        if !cancelled {
            return Err(AppError::message("你没有报名这场讲座"));
        }
        ctx.live.audience_changed(id).await;
        redirect_back();
        Ok("已取消报名。".to_owned())
    })
    .await
}

#[server(prefix = "/api", endpoint = "lectures/ask")]
pub async fn ask_question(slug: String, body: String) -> Result<i64, AppError> {
    use super::{Phase, questions, validate};
    use crate::error::FormErrors;
    use crate::server::{now, redirect_back, respond};
    respond(async move {
        let (ctx, user, lecture) = ssr::signed_in(&slug).await?;
        if matches!(lecture.summary.phase, Phase::Cancelled | Phase::Draft) {
            return Err(AppError::message("这场讲座现在不能提问"));
        }
        let body = match validate::question(&body) {
            Ok(b) => b,
            Err(m) => {
                let mut f = FormErrors::default()
                    .keep("body", &body.chars().take(1000).collect::<String>());
                f.add("body", m);
                return Err(AppError::Invalid(f));
            }
        };
        let id = lecture.summary.id;
        let mut tx = ctx.db.pool().begin().await?;
        let qid = questions::ask(&mut tx, id, user.id, &body, now()).await?;
        tx.commit().await?;
        let qid = qid.ok_or_else(|| {
            AppError::TooManyRequests(format!(
                "提问太频繁了：每分钟最多 {} 个问题，请稍后再试",
                questions::PER_MINUTE
            ))
        })?;
        ctx.live.questions_changed(id).await;
        redirect_back();
        Ok(qid)
    })
    .await
}

/// Votes for a question, or takes the vote back; answers whether the
/// person now votes for it.
#[server(prefix = "/api", endpoint = "lectures/vote")]
pub async fn vote_question(question_id: i64) -> Result<VoteOutcome, AppError> {
    use super::questions;
    use crate::server::{ctx, now, redirect_back, respond};
    respond(async move {
        let ctx = ctx()?;
        let user = crate::accounts::session::require_user().await?;
        let lecture_id = questions::lecture_of(ctx.db.pool(), question_id)
            .await?
            .ok_or(AppError::NotFound)?;
        let lecture = super::queries::by_id(ctx.db.pool(), lecture_id, now())
            .await?
            .ok_or(AppError::NotFound)?;
        ssr::visible(&ctx, &lecture.summary.slug, Some(&user)).await?;
        let mut tx = ctx.db.pool().begin().await?;
        let on = questions::toggle_vote(&mut tx, question_id, user.id, now()).await?;
        tx.commit().await?;
        ctx.live.questions_changed(lecture_id).await;
        redirect_back();
        Ok(VoteOutcome {
            question_id,
            voted: on,
        })
    })
    .await
}

/// The signed-in person's own watch page reports, once its live channel
/// is open, that they are watching: the browser's place in the online
/// audience is tied to their account, which puts the lecture in their
/// 履职读书记录. A POST (the usual cross-site rules apply), so no link from
/// another site can do it. Answers whether this was new.
#[server(prefix = "/api", endpoint = "lectures/watching")]
pub async fn report_watching(slug: String) -> Result<bool, AppError> {
    use super::{audience, viewer};
    use crate::server::{cookie, now, respond};
    respond(async move {
        let (ctx, user, lecture) = ssr::signed_in(&slug).await?;
        if lecture.summary.state == super::LectureState::Draft {
            return Err(AppError::NotFound);
        }
        let key = &ctx.settings.viewer_key;
        let value = cookie(viewer::COOKIE).ok_or(AppError::BadRequest)?;
        let browser = key.verify(&value).ok_or(AppError::BadRequest)?;
        let id = lecture.summary.id;
        let new = audience::record_viewer(ctx.db.pool(), id, browser, Some(user.id), now()).await?;
        if new {
            ctx.live.audience_changed(id).await;
        }
        Ok(new)
    })
    .await
}

/// The lecturer or an organiser marks a question: `answered`, `open`,
/// `hide` or `show`.
#[server(prefix = "/api", endpoint = "lectures/mark")]
pub async fn mark_question(question_id: i64, action: String) -> Result<(), AppError> {
    use super::questions::{self, Mark};
    use crate::server::{ctx, now, redirect_back, respond};
    respond(async move {
        let ctx = ctx()?;
        let user = crate::accounts::session::require_user().await?;
        let lecture_id = questions::lecture_of(ctx.db.pool(), question_id)
            .await?
            .ok_or(AppError::NotFound)?;
        let lecture = super::queries::by_id(ctx.db.pool(), lecture_id, now())
            .await?
            .ok_or(AppError::NotFound)?;
        if !ssr::may_edit(&user, &lecture) {
            return Err(AppError::Forbidden);
        }
        let mark = match super::QuestionMark::parse(&action).ok_or(AppError::BadRequest)? {
            super::QuestionMark::Answered => Mark::Answered(true),
            super::QuestionMark::Open => Mark::Answered(false),
            super::QuestionMark::Hide => Mark::Hidden(true),
            super::QuestionMark::Show => Mark::Hidden(false),
        };
        questions::mark(ctx.db.pool(), question_id, mark, now()).await?;
        ctx.live.questions_changed(lecture_id).await;
        redirect_back();
        Ok(())
    })
    .await
}

/// Turns the questions of an ended session into a thread of its linked
/// group, once; answers with the thread's address.
#[server(prefix = "/api", endpoint = "lectures/followup")]
pub async fn make_followup(slug: String) -> Result<String, AppError> {
    use super::{Phase, queries, questions};
    use crate::server::{now, redirect_to, respond};
    respond(async move {
        let (ctx, user, lecture) = ssr::signed_in(&slug).await?;
        if !ssr::may_edit(&user, &lecture) {
            return Err(AppError::Forbidden);
        }
        if lecture.summary.phase != Phase::Ended {
            return Err(AppError::message("讲座结束后才能把问题整理成讨论主题"));
        }
        let group_id = lecture
            .group_id
            .ok_or_else(|| AppError::message("这场讲座没有关联读书群"))?;
        // The thread is the caller's: only where they may start threads.
        if !ssr::may_post_in(&ctx, group_id).await? {
            return Err(AppError::message(
                "你不能在关联的读书群发起讨论（需是该群成员，且读书群尚未结束）",
            ));
        }
        let qs = questions::list(ctx.db.pool(), lecture.summary.id, false).await?;
        if qs.is_empty() {
            return Err(AppError::message("这场讲座还没有问题"));
        }
        let now = now();
        let title: String = format!("讲座问答：{}", lecture.summary.title)
            .chars()
            .take(crate::threads::TITLE_MAX)
            .collect();
        // Rendered before the transaction, which holds SQLite's write lock.
        let body = crate::threads::write::PostBody::render(questions::followup_markdown(
            &lecture.summary.title,
            &qs,
        ));
        let mut tx = ctx.db.pool().begin().await?;
        let thread_id = crate::threads::queries::create_thread(
            &mut tx,
            group_id,
            lecture.book_id,
            user.id,
            &title,
            now,
        )
        .await?;
        if !queries::set_followup_thread(&mut *tx, lecture.summary.id, thread_id).await? {
            return Err(AppError::message("已经整理过讨论主题了"));
        }
        let thread = crate::threads::queries::thread(&mut *tx, thread_id)
            .await?
            .ok_or(AppError::NotFound)?;
        crate::threads::write::publish(&mut tx, &thread, &user, None, &body, now).await?;
        let group_slug: String = sqlx::query_scalar("SELECT slug FROM reading_group WHERE id = $1")
            .bind(group_id)
            .fetch_one(&mut *tx)
            .await?;
        tx.commit().await?;
        let path = format!("/groups/{group_slug}/threads/{thread_id}");
        redirect_to(&path);
        Ok(path)
    })
    .await
}

#[server(prefix = "/api", endpoint = "lectures/form")]
pub async fn load_lecture_form(slug: String) -> Result<LectureFormData, AppError> {
    use crate::accounts::Role;
    use crate::accounts::session::require_user;
    use crate::server::{ctx, respond};
    use sqlx::Row;
    respond(async move {
        let ctx = ctx()?;
        let user = require_user().await?;
        if !(user.is_organiser() || user.role == Role::Lecturer) {
            return Err(AppError::Forbidden);
        }
        let pool = ctx.db.pool();
        let (fields, state, cover_id) = if slug.is_empty() {
            (None, None, None)
        } else {
            let l = ssr::visible(&ctx, &slug, Some(&user)).await?;
            if !ssr::may_edit(&user, &l) {
                return Err(AppError::Forbidden);
            }
            let venues = super::queries::venues(pool, l.summary.id)
                .await?
                .into_iter()
                .map(|v| super::VenueFields {
                    id: Some(v.id),
                    name: v.name,
                    address: v.address,
                    seats: v.seats,
                })
                .collect();
            let fields = LectureFields {
                slug: l.summary.slug.clone(),
                title: l.summary.title.clone(),
                series: l.summary.series.clone(),
                speaker: l.summary.speaker.clone(),
                speaker_bio: l.speaker_bio.clone(),
                abstract_md: l.abstract_md.clone(),
                starts_at: l.summary.starts_at,
                ends_at: l.summary.ends_at,
                venues,
                streams: super::queries::streams(pool, l.summary.id).await?,
                replay_url: l.replay_url.clone(),
                group_id: l.group_id,
                book_id: l.book_id,
            };
            (Some(fields), Some(l.summary.state), l.summary.cover_id)
        };
        // Only groups the lecture may be linked to (see `save_lecture`),
        // and the one it is linked to already.
        let today = crate::server::today_string();
        let mut groups = crate::groups::queries::open_for_threads(
            pool,
            (!user.is_organiser()).then_some(user.id),
            &today,
        )
        .await?;
        if let Some(linked) = fields.as_ref().and_then(|f| f.group_id)
            && !groups.iter().any(|(id, _)| *id == linked)
            && let Some(g) = crate::groups::queries::by_id(pool, linked, &today).await?
        {
            groups.push((linked, g.summary.name));
        }
        let books = sqlx::query("SELECT id, title, author FROM book ORDER BY title LIMIT 2000")
            .fetch_all(pool)
            .await?
            .iter()
            .map(|r| {
                (
                    r.get("id"),
                    format!(
                        "{} · {}",
                        r.get::<String, _>("title"),
                        r.get::<String, _>("author")
                    ),
                )
            })
            .collect();
        Ok(LectureFormData {
            fields,
            state,
            cover_id,
            groups,
            books,
            can_publish: user.is_organiser(),
        })
    })
    .await
}

/// Creates (`original` empty) or edits a session; answers with its address.
/// `publish`: organisers may publish at once (`1`); lecturers' new sessions
/// are drafts until an organiser publishes them.
#[server(prefix = "/api", endpoint = "lectures/save")]
pub async fn save_lecture(
    original: String,
    slug: String,
    title: String,
    series: String,
    speaker: String,
    speaker_bio: String,
    abstract_md: String,
    starts_at: String,
    ends_at: String,
    #[server(default)] venues: Vec<VenueInput>,
    #[server(default)] streams: Vec<String>,
    replay_url: String,
    group_id: String,
    book_id: String,
    #[server(default)] publish: String,
) -> Result<String, AppError> {
    use super::validate::{RawLecture, lecture_fields};
    use super::{LectureState, queries, registration};
    use crate::accounts::Role;
    use crate::accounts::session::require_user;
    use crate::error::FormErrors;
    use crate::server::{ctx, now, random_token, redirect_to, respond};
    respond(async move {
        let ctx = ctx()?;
        let user = require_user().await?;
        if !(user.is_organiser() || user.role == Role::Lecturer) {
            return Err(AppError::Forbidden);
        }
        let existing = if original.is_empty() {
            None
        } else {
            let l = ssr::visible(&ctx, &original, Some(&user)).await?;
            if !ssr::may_edit(&user, &l) {
                return Err(AppError::Forbidden);
            }
            Some(l)
        };
        let raw = RawLecture {
            slug: &slug,
            title: &title,
            series: &series,
            speaker: &speaker,
            speaker_bio: &speaker_bio,
            abstract_md: &abstract_md,
            starts_at: &starts_at,
            ends_at: &ends_at,
            venues: &venues,
            streams: &streams,
            replay_url: &replay_url,
            group_id: &group_id,
            book_id: &book_id,
        };
        let keep = |f: FormErrors| {
            let mut f = f
                .keep("slug", &slug)
                .keep("title", &title)
                .keep("series", &series)
                .keep("speaker", &speaker)
                .keep("speaker_bio", &speaker_bio)
                .keep("abstract_md", &abstract_md)
                .keep("starts_at", &starts_at)
                .keep("ends_at", &ends_at)
                .keep("replay_url", &replay_url)
                .keep("group_id", &group_id)
                .keep("book_id", &book_id);
            for (i, v) in venues.iter().enumerate().take(super::VENUES_MAX + 5) {
                f = f
                    .keep(&format!("venue_id_{i}"), &v.id)
                    .keep(&format!("venue_name_{i}"), &v.name)
                    .keep(&format!("venue_address_{i}"), &v.address)
                    .keep(&format!("venue_seats_{i}"), &v.seats);
            }
            for (i, s) in streams.iter().enumerate().take(super::STREAMS_MAX + 2) {
                f = f.keep(&format!("stream_{i}"), s);
            }
            f
        };
        let mut f = keep(FormErrors::default());
        let fields = match lecture_fields(&raw) {
            Ok(fields) => Some(fields),
            Err(errors) => {
                for (field, m) in errors {
                    f.add(field, m);
                }
                None
            }
        };
        if let Some(fields) = &fields {
            let except = existing.as_ref().map(|l| l.summary.id);
            if queries::slug_taken(ctx.db.pool(), &fields.slug, except).await? {
                f.add("slug", "这个网址名已被使用，请换一个");
            }
            // Questions become a thread of the linked group, written by
            // whoever turns them into one: only a group the saver may
            // start threads in can be newly linked (a link kept as it was
            // is checked again when the thread is made).
            let kept = existing.as_ref().and_then(|l| l.group_id);
            if let Some(g) = fields.group_id
                && Some(g) != kept
                && !ssr::may_post_in(&ctx, g).await?
            {
                f.add(
                    "group_id",
                    if user.is_organiser() {
                        "这个读书群已结束或不存在，不能关联"
                    } else {
                        "只能关联你所在且尚未结束的读书群"
                    },
                );
            }
        }
        f.into_result()?;
        let fields = fields.ok_or(AppError::BadRequest)?;
        let html = crate::markdown::render(&fields.abstract_md);
        let now = now();
        let mut tx = ctx.db.pool().begin().await?;
        let id = match &existing {
            None => {
                let state = if user.is_organiser() && publish == "1" {
                    LectureState::Published
                } else {
                    LectureState::Draft
                };
                queries::insert(
                    &mut tx,
                    &fields,
                    &html,
                    state,
                    user.id,
                    &random_token(),
                    now,
                )
                .await?
            }
            Some(l) => {
                if let Err(conflict) =
                    queries::update(&mut tx, l.summary.id, &fields, &html, now).await?
                {
                    let mut f = keep(FormErrors::default());
                    f.add("venues", conflict.message());
                    return Err(AppError::Invalid(f));
                }
                // More seats may let people off the waiting lists.
                for v in queries::venues(&mut *tx, l.summary.id).await? {
                    registration::promote(&mut tx, v.id, now).await?;
                }
                if user.is_organiser() && publish == "1" && l.summary.state == LectureState::Draft {
                    queries::set_state(&mut *tx, l.summary.id, LectureState::Published, now)
                        .await?;
                }
                l.summary.id
            }
        };
        crate::admin::audit::note(
            &mut *tx,
            user.id,
            crate::admin::audit::AuditAction::LectureSave,
            &fields.slug,
            (!original.is_empty()).then_some(original.as_str()),
            &fields.title,
        )
        .await?;
        tx.commit().await?;
        ctx.live.audience_changed(id).await;
        let path = format!("/lectures/{}", fields.slug);
        redirect_to(&path);
        Ok(path)
    })
    .await
}

/// Organisers publish, cancel or restore (publish again) a session.
#[server(prefix = "/api", endpoint = "lectures/state")]
pub async fn set_lecture_state(slug: String, state: String) -> Result<(), AppError> {
    use super::{LectureState, queries};
    use crate::server::{ctx, now, redirect_back, respond};
    respond(async move {
        let ctx = ctx()?;
        let user = crate::accounts::session::require_user().await?;
        if !user.is_organiser() {
            return Err(AppError::Forbidden);
        }
        let lecture = ssr::visible(&ctx, &slug, Some(&user)).await?;
        let state = match LectureState::parse(&state) {
            Some(s @ (LectureState::Published | LectureState::Cancelled)) => s,
            _ => return Err(AppError::BadRequest),
        };
        queries::set_state(ctx.db.pool(), lecture.summary.id, state, now()).await?;
        crate::admin::audit::record(
            ctx.db.pool(),
            crate::admin::audit::Entry {
                actor_id: user.id,
                action: match state {
                    LectureState::Cancelled => crate::admin::audit::AuditAction::LectureCancel,
                    _ => crate::admin::audit::AuditAction::LecturePublish,
                },
                target: &lecture.summary.slug,
                before: Some(lecture.summary.state.as_str()),
                after: Some(state.as_str()),
                at: now(),
            },
        )
        .await?;
        redirect_back();
        Ok(())
    })
    .await
}

#[server(prefix = "/api", endpoint = "lectures/checkin-page")]
pub async fn load_checkin(slug: String, venue: i64, code: String) -> Result<CheckinPage, AppError> {
    use super::checkin;
    use crate::accounts::session::current_user;
    use crate::server::{ctx, respond, today_string};
    use sqlx::Row;
    respond(async move {
        let ctx = ctx()?;
        let user = current_user().await?;
        let lecture = ssr::visible(&ctx, &slug, user.as_ref()).await?;
        let venue_name = sqlx::query("SELECT name FROM venue WHERE id = $1 AND lecture_id = $2")
            .bind(venue)
            .bind(lecture.summary.id)
            .fetch_optional(ctx.db.pool())
            .await?
            .map(|r| r.get::<String, _>("name"))
            .ok_or(AppError::NotFound)?;
        let checked_in = match &user {
            Some(u) => {
                sqlx::query_scalar::<_, i64>(
                    "SELECT COUNT(*) FROM attendance WHERE lecture_id = $1 AND account_id = $2",
                )
                .bind(lecture.summary.id)
                .bind(u.id)
                .fetch_one(ctx.db.pool())
                .await?
                    > 0
            }
            None => false,
        };
        Ok(CheckinPage {
            title: lecture.summary.title.clone(),
            slug: lecture.summary.slug.clone(),
            venue: venue_name,
            code_ok: checkin::code_ok(&lecture.checkin_key, venue, &today_string(), &code),
            checked_in,
            signed_in: user.is_some(),
        })
    })
    .await
}

#[server(prefix = "/api", endpoint = "lectures/checkin")]
pub async fn check_in(slug: String, venue: i64, code: String) -> Result<String, AppError> {
    use super::{Phase, checkin};
    use crate::server::{now, redirect_back, respond, today_string};
    respond(async move {
        let (ctx, user, lecture) = ssr::signed_in(&slug).await?;
        if !checkin::code_ok(&lecture.checkin_key, venue, &today_string(), &code) {
            return Err(AppError::message(
                "签到码无效或已过期：请扫描会场当天的签到二维码",
            ));
        }
        if matches!(lecture.summary.phase, Phase::Cancelled | Phase::Draft) {
            return Err(AppError::message("这场讲座不能签到"));
        }
        let venues = super::queries::venues(ctx.db.pool(), lecture.summary.id).await?;
        let name = venues
            .iter()
            .find(|v| v.id == venue)
            .map(|v| v.name.clone())
            .ok_or(AppError::NotFound)?;
        let new = checkin::record(ctx.db.pool(), lecture.summary.id, user.id, venue, now()).await?;
        ctx.live.audience_changed(lecture.summary.id).await;
        redirect_back();
        Ok(if new {
            format!("签到成功：{name}。欢迎参加！")
        } else {
            "你已经签到过了。".to_owned()
        })
    })
    .await
}

/// Today's check-in QR codes of every venue, for the session's lecturer
/// and organisers to print or show at the door.
#[server(prefix = "/api", endpoint = "lectures/checkin-codes")]
pub async fn load_checkin_codes(slug: String) -> Result<CheckinCodes, AppError> {
    use super::{checkin, qr, queries};
    use crate::server::{header, respond, today_string};
    respond(async move {
        let (ctx, user, lecture) = ssr::signed_in(&slug).await?;
        if !ssr::may_edit(&user, &lecture) {
            return Err(AppError::Forbidden);
        }
        let day = today_string();
        let origin = super::routes::origin(
            ctx.settings.public_url.as_deref(),
            header("host").as_deref(),
            header("x-forwarded-proto").as_deref(),
        );
        let codes = queries::venues(ctx.db.pool(), lecture.summary.id)
            .await?
            .into_iter()
            .map(|v| {
                let code = checkin::code(&lecture.checkin_key, v.id, &day);
                let url = format!(
                    "{origin}{}",
                    checkin::path(&lecture.summary.slug, v.id, &code)
                );
                CheckinCode {
                    kind: v.kind_label().to_owned(),
                    venue: v.name,
                    qr_svg: qr::svg(&url).unwrap_or_default(),
                    url,
                }
            })
            .collect();
        Ok(CheckinCodes {
            title: lecture.summary.title.clone(),
            slug: lecture.summary.slug.clone(),
            day,
            codes,
        })
    })
    .await
}

#[server(prefix = "/api", endpoint = "lectures/mine")]
pub async fn load_my_registrations() -> Result<Vec<RegistrationSummary>, AppError> {
    use crate::server::{ctx, now, respond};
    respond(async move {
        let ctx = ctx()?;
        let user = crate::accounts::session::require_user().await?;
        Ok(super::registration::of_account(ctx.db.pool(), user.id, now()).await?)
    })
    .await
}

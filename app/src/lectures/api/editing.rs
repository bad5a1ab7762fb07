// Server functions take one argument per form field.

#[cfg(feature = "ssr")]
use crate::lectures::live::LiveHub;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::lectures::validate::LectureText;
use crate::lectures::{LectureFields, VenueInput};
use platform::error::AppError;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LectureFormData {
    pub fields: Option<LectureFields>,
    pub state: Option<crate::lectures::LectureState>,
    pub cover_id: Option<i64>,
    /// Reading groups to link: (id, name).
    pub groups: Vec<(i64, String)>,
    /// Books to link: (id, `书名 · 作者`).
    pub books: Vec<(i64, String)>,
    pub can_publish: bool,
}

#[server(prefix = "/api", endpoint = "lectures/form")]
pub async fn load_lecture_form(slug: String) -> Result<LectureFormData, AppError> {
    use crate::accounts::Role;
    use crate::accounts::session::require_user;
    use platform::{ctx, respond};
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
            let l = super::guard::visible(&ctx, &slug, Some(&user)).await?;
            if !super::guard::may_edit(&user, &l) {
                return Err(AppError::Forbidden);
            }
            let venues = crate::lectures::queries::venues(pool, l.summary.id)
                .await?
                .into_iter()
                .map(|v| crate::lectures::VenueFields {
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
                streams: crate::lectures::queries::streams(pool, l.summary.id).await?,
                replay_url: l.replay_url.clone(),
                group_id: l.group_id,
                book_id: l.book_id,
            };
            (Some(fields), Some(l.summary.state), l.summary.cover_id)
        };
        // Only groups the lecture may be linked to (see `save_lecture`),
        // and the one it is linked to already.
        let today = platform::today_string();
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
        let books = crate::books::queries::choices(pool).await?;
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
    #[server(flatten)] text: LectureText,
    #[server(default)] venues: Vec<VenueInput>,
    #[server(default)] streams: Vec<String>,
    #[server(default)] publish: String,
) -> Result<String, AppError> {
    use crate::accounts::Role;
    use crate::accounts::session::require_user;
    use crate::lectures::LectureState;
    use crate::lectures::queries::{self, registration};
    use crate::lectures::validate::lecture_fields;
    use platform::error::FormErrors;
    use platform::{ctx, now, random_token, redirect_to, respond};
    respond(async move {
        let ctx = ctx()?;
        let user = require_user().await?;
        if !(user.is_organiser() || user.role == Role::Lecturer) {
            return Err(AppError::Forbidden);
        }
        let existing = if original.is_empty() {
            None
        } else {
            let l = super::guard::visible(&ctx, &original, Some(&user)).await?;
            if !super::guard::may_edit(&user, &l) {
                return Err(AppError::Forbidden);
            }
            Some(l)
        };
        let raw = text.with(&venues, &streams);
        let keep = |f: FormErrors| {
            let mut f = text.keep(f);
            for (i, v) in venues
                .iter()
                .enumerate()
                .take(crate::lectures::VENUES_MAX + 5)
            {
                f = f
                    .keep(&format!("venue_id_{i}"), &v.id)
                    .keep(&format!("venue_name_{i}"), &v.name)
                    .keep(&format!("venue_address_{i}"), &v.address)
                    .keep(&format!("venue_seats_{i}"), &v.seats);
            }
            for (i, s) in streams
                .iter()
                .enumerate()
                .take(crate::lectures::STREAMS_MAX + 2)
            {
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
                && !super::guard::may_post_in(&ctx, g).await?
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
        let html = platform::markdown::render(&fields.abstract_md);
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
        platform::audit::note(
            &mut *tx,
            user.id,
            platform::audit::AuditAction::LectureSave,
            &fields.slug,
            (!original.is_empty()).then_some(original.as_str()),
            &fields.title,
        )
        .await?;
        tx.commit().await?;
        ctx.feature::<LiveHub>()?.audience_changed(id).await;
        let path = format!("/lectures/{}", fields.slug);
        redirect_to(&path);
        Ok(path)
    })
    .await
}

/// Organisers publish, cancel or restore (publish again) a session.
#[server(prefix = "/api", endpoint = "lectures/state")]
pub async fn set_lecture_state(slug: String, state: String) -> Result<(), AppError> {
    use crate::lectures::{LectureState, queries};
    use platform::{ctx, now, redirect_back, respond};
    respond(async move {
        let ctx = ctx()?;
        let user = crate::accounts::session::require_user().await?;
        if !user.is_organiser() {
            return Err(AppError::Forbidden);
        }
        let lecture = super::guard::visible(&ctx, &slug, Some(&user)).await?;
        let state = match LectureState::parse(&state) {
            Some(s @ (LectureState::Published | LectureState::Cancelled)) => s,
            _ => return Err(AppError::BadRequest),
        };
        queries::set_state(ctx.db.pool(), lecture.summary.id, state, now()).await?;
        platform::audit::record(
            ctx.db.pool(),
            platform::audit::Entry {
                actor_id: user.id,
                action: match state {
                    LectureState::Cancelled => platform::audit::AuditAction::LectureCancel,
                    _ => platform::audit::AuditAction::LecturePublish,
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

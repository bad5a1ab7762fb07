#[cfg(feature = "ssr")]
use crate::lectures::live::LiveHub;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::lectures::{
    Audience, LectureSummary, MyRegistration, QuestionView, StreamLink, VenueView,
};
use platform::error::AppError;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LecturePage {
    pub summary: LectureSummary,
    pub speaker_bio: String,
    pub abstract_html: platform::SafeHtml,
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

#[server(prefix = "/api", endpoint = "lectures/page")]
pub async fn load_lecture(slug: String) -> Result<LecturePage, AppError> {
    use crate::accounts::session::current_user;
    use crate::lectures::queries::{self, audience, questions, registration};
    use crate::lectures::{StreamKind, StreamLink, viewer};
    use platform::qr;
    use platform::{append_response_header, cookie, ctx, respond};
    respond(async move {
        let ctx = ctx()?;
        let user = current_user().await?;
        let lecture = super::guard::visible(&ctx, &slug, user.as_ref()).await?;
        let id = lecture.summary.id;
        let pool = ctx.db.pool();
        let can_edit = user
            .as_ref()
            .is_some_and(|u| super::guard::may_edit(u, &lecture));

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
            Some(g) => crate::groups::queries::link(pool, g).await?,
            None => None,
        };
        let book = match lecture.book_id {
            Some(b) => crate::books::queries::get(pool, b)
                .await?
                .map(|book| (book.id, book.fields.title)),
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
                    && lecture.summary.phase == crate::lectures::Phase::Ended =>
            {
                super::guard::may_post_in(&ctx, g).await?
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

/// The signed-in person's own watch page reports, once its live channel
/// is open, that they are watching: the browser's place in the online
/// audience is tied to their account, which puts the lecture in their
/// 履职读书记录. A POST (the usual cross-site rules apply), so no link from
/// another site can do it. Answers whether this was new.
#[server(prefix = "/api", endpoint = "lectures/watching")]
pub async fn report_watching(slug: String) -> Result<bool, AppError> {
    use crate::lectures::queries::audience;
    use crate::lectures::viewer;
    use platform::{cookie, now, respond};
    respond(async move {
        let (ctx, user, lecture) = super::guard::signed_in(&slug).await?;
        if lecture.summary.state == crate::lectures::LectureState::Draft {
            return Err(AppError::NotFound);
        }
        let key = &ctx.settings.viewer_key;
        let value = cookie(viewer::COOKIE).ok_or(AppError::BadRequest)?;
        let browser = key.verify(&value).ok_or(AppError::BadRequest)?;
        let id = lecture.summary.id;
        let new = audience::record_viewer(ctx.db.pool(), id, browser, Some(user.id), now()).await?;
        if new {
            ctx.feature::<LiveHub>()?.audience_changed(id).await;
        }
        Ok(new)
    })
    .await
}

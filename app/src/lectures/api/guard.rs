use crate::accounts::{Role, SessionUser};
use crate::lectures::queries::{self, LectureRecord};
use crate::lectures::{LectureState, Phase};
use platform::error::AppError;
use platform::{AppContext, ctx, now};

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
    seen_by(lecture, user)
}

/// The session, unless it is a draft the viewer may not see.
pub fn seen_by(
    lecture: LectureRecord,
    user: Option<&SessionUser>,
) -> Result<LectureRecord, AppError> {
    if lecture.summary.state == LectureState::Draft && !user.is_some_and(|u| may_edit(u, &lecture))
    {
        return Err(AppError::NotFound);
    }
    Ok(lecture)
}

/// The signed-in viewer and the session a question belongs to (votes and
/// marks on questions; each applies its own rule on top).
pub async fn question_of(
    question_id: i64,
) -> Result<(AppContext, SessionUser, LectureRecord), AppError> {
    let ctx = ctx()?;
    let user = crate::accounts::session::require_user().await?;
    let lecture_id = crate::lectures::queries::questions::lecture_of(ctx.db.pool(), question_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let lecture = queries::by_id(ctx.db.pool(), lecture_id, now())
        .await?
        .ok_or(AppError::NotFound)?;
    Ok((ctx, user, lecture))
}

/// The viewer and the session, for actions that need a signed-in person.
pub async fn signed_in(slug: &str) -> Result<(AppContext, SessionUser, LectureRecord), AppError> {
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
    match GroupAccess::load_id(&ctx.db, group_id, &platform::today_string()).await {
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

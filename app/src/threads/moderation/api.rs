//! Server functions of moderation: reports, the queue and moderators' actions.

use super::*;

use leptos::prelude::*;
use platform::error::AppError;

/// Reports a post to the organisers, with a reason.
#[server(prefix = "/api", endpoint = "posts/report")]
pub async fn report_post(id: i64, reason: String) -> Result<String, AppError> {
    use super::super::REASON_MAX;
    use platform::error::FormErrors;
    use platform::{ctx, now, redirect_back, respond};
    respond(async move {
        let user = crate::accounts::session::require_user().await?;
        let db = ctx()?.db;
        let post = super::super::queries::post(db.pool(), id)
            .await?
            .ok_or(AppError::NotFound)?;
        if !super::super::queries::may_read(
            db.pool(),
            post.group_id,
            platform::Viewer::Account(user.id),
        )
        .await?
        {
            return Err(AppError::NotFound);
        }
        let reason = reason.trim();
        let mut f = FormErrors::default().keep(
            "reason",
            &reason.chars().take(REASON_MAX * 2).collect::<String>(),
        );
        if reason.is_empty() {
            f.add("reason", "请写明举报理由");
        } else if reason.chars().count() > REASON_MAX {
            f.add("reason", format!("举报理由不能超过 {REASON_MAX} 个字"));
        } else if reason.chars().any(char::is_control) {
            f.add("reason", "举报理由不能换行或包含控制字符");
        }
        f.into_result()?;
        let filed = queries::report(db.pool(), id, user.id, reason, now()).await?;
        redirect_back();
        Ok(if filed {
            "已举报，管理员会尽快处理。"
        } else {
            "你已经举报过这篇帖子，管理员会尽快处理。"
        }
        .to_owned())
    })
    .await
}

/// The moderation queue (organisers only).
#[server(prefix = "/api", endpoint = "moderation/queue")]
pub async fn load_moderation_queue() -> Result<ModerationQueue, AppError> {
    use crate::accounts::Role;
    use platform::{ctx, respond};
    respond(async move {
        crate::accounts::session::require_role(Role::Organiser).await?;
        let db = ctx()?.db;
        let mut conn = db.pool().acquire().await?;
        Ok(ModerationQueue {
            reported: queries::reported(&mut conn).await?,
            hidden: queries::hidden(&mut *conn).await?,
            log: queries::log(&mut *conn, 50).await?,
        })
    })
    .await
}

/// Hides (`hide`) or restores (`restore`) a post, or dismisses its reports
/// (`dismiss`); organisers only. `note` is the reason told to the author.
#[server(prefix = "/api", endpoint = "moderation/act")]
pub async fn moderate(id: i64, action: String, note: String) -> Result<String, AppError> {
    use crate::accounts::Role;
    use platform::{ctx, now, redirect_back, respond};
    respond(async move {
        let user = crate::accounts::session::require_role(Role::Organiser).await?;
        let db = ctx()?.db;
        let post = super::super::queries::post(db.pool(), id)
            .await?
            .ok_or(AppError::NotFound)?;
        let note: String = note.trim().chars().take(super::super::REASON_MAX).collect();
        let now = now();
        let mut tx = db.pool().begin().await?;
        let action = ModerationAction::parse(&action).ok_or(AppError::BadRequest)?;
        let (changed, done) = match action {
            ModerationAction::Hide => (
                queries::set_hidden(&mut *tx, id, true, now).await?,
                "帖子已隐藏",
            ),
            ModerationAction::Restore => (
                queries::set_hidden(&mut *tx, id, false, now).await?,
                "帖子已恢复",
            ),
            ModerationAction::Dismiss => (false, "举报已驳回，帖子保持原样"),
            _ => return Err(AppError::BadRequest),
        };
        let resolved = queries::resolve_reports(&mut *tx, id, user.id, now).await?;
        // A dismissal is an action only when there was something to dismiss.
        let changed = changed || (action == ModerationAction::Dismiss && resolved > 0);
        if changed {
            queries::log_action(
                &mut tx,
                user.id,
                action,
                Some(post.thread_id),
                Some(id),
                &note,
                now,
            )
            .await?;
        }
        if changed && action != ModerationAction::Dismiss {
            let what = if action == ModerationAction::Hide {
                "隐藏"
            } else {
                "恢复"
            };
            let text = if note.is_empty() {
                format!("你的帖子已被管理员{what}")
            } else {
                format!("你的帖子已被管理员{what}（{note}）")
            };
            queries::notify_author(&mut tx, &post, user.id, &text, now).await?;
        }
        tx.commit().await?;
        redirect_back();
        Ok(done.to_owned())
    })
    .await
}

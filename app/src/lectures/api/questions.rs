#[cfg(feature = "ssr")]
use crate::lectures::live::LiveHub;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use platform::error::AppError;

/// The answer to a vote: which question, and whether the voter now votes
/// for it (the page marks its button at once).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct VoteOutcome {
    pub question_id: i64,
    pub voted: bool,
}

#[server(prefix = "/api", endpoint = "lectures/ask")]
pub async fn ask_question(slug: String, body: String) -> Result<i64, AppError> {
    use crate::lectures::queries::questions;
    use crate::lectures::{Phase, validate};
    use platform::error::FormErrors;
    use platform::{now, redirect_back, respond};
    respond(async move {
        let (ctx, user, lecture) = super::guard::signed_in(&slug).await?;
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
        ctx.feature::<LiveHub>()?.questions_changed(id).await;
        redirect_back();
        Ok(qid)
    })
    .await
}

/// Votes for a question, or takes the vote back; answers whether the
/// person now votes for it.
#[server(prefix = "/api", endpoint = "lectures/vote")]
pub async fn vote_question(question_id: i64) -> Result<VoteOutcome, AppError> {
    use crate::lectures::queries::questions;
    use platform::{now, redirect_back, respond};
    respond(async move {
        let (ctx, user, lecture) = super::guard::question_of(question_id).await?;
        let lecture_id = super::guard::seen_by(lecture, Some(&user))?.summary.id;
        let mut tx = ctx.db.pool().begin().await?;
        let on = questions::toggle_vote(&mut tx, question_id, user.id, now()).await?;
        tx.commit().await?;
        ctx.feature::<LiveHub>()?
            .questions_changed(lecture_id)
            .await;
        redirect_back();
        Ok(VoteOutcome {
            question_id,
            voted: on,
        })
    })
    .await
}

/// The lecturer or an organiser marks a question: `answered`, `open`,
/// `hide` or `show`.
#[server(prefix = "/api", endpoint = "lectures/mark")]
pub async fn mark_question(question_id: i64, action: String) -> Result<(), AppError> {
    use crate::lectures::QuestionMark;
    use crate::lectures::queries::questions::{self, Mark};
    use platform::{now, redirect_back, respond};
    respond(async move {
        let (ctx, user, lecture) = super::guard::question_of(question_id).await?;
        let lecture_id = lecture.summary.id;
        if !super::guard::may_edit(&user, &lecture) {
            return Err(AppError::Forbidden);
        }
        let mark = match QuestionMark::parse(&action).ok_or(AppError::BadRequest)? {
            QuestionMark::Answered => Mark::Answered(true),
            QuestionMark::Open => Mark::Answered(false),
            QuestionMark::Hide => Mark::Hidden(true),
            QuestionMark::Show => Mark::Hidden(false),
        };
        questions::mark(ctx.db.pool(), question_id, mark, now()).await?;
        ctx.feature::<LiveHub>()?
            .questions_changed(lecture_id)
            .await;
        redirect_back();
        Ok(())
    })
    .await
}

/// Turns the questions of an ended session into a thread of its linked
/// group, once; answers with the thread's address.
#[server(prefix = "/api", endpoint = "lectures/followup")]
pub async fn make_followup(slug: String) -> Result<String, AppError> {
    use crate::lectures::Phase;
    use crate::lectures::queries::{self, questions};
    use platform::{now, redirect_to, respond};
    respond(async move {
        let (ctx, user, lecture) = super::guard::signed_in(&slug).await?;
        if !super::guard::may_edit(&user, &lecture) {
            return Err(AppError::Forbidden);
        }
        if lecture.summary.phase != Phase::Ended {
            return Err(AppError::message("讲座结束后才能把问题整理成讨论主题"));
        }
        let group_id = lecture
            .group_id
            .ok_or_else(|| AppError::message("这场讲座没有关联读书群"))?;
        // The thread is the caller's: only where they may start threads.
        if !super::guard::may_post_in(&ctx, group_id).await? {
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
        let body = crate::threads::write::PostBody::render(
            crate::lectures::followup::followup_markdown(&lecture.summary.title, &qs),
        );
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
        let (group_slug, _) = crate::groups::queries::link(&mut *tx, group_id)
            .await?
            .ok_or(AppError::NotFound)?;
        tx.commit().await?;
        let path = format!("/groups/{group_slug}/threads/{thread_id}");
        redirect_to(&path);
        Ok(path)
    })
    .await
}

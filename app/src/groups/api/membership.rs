use leptos::prelude::*;

use platform::error::AppError;

pub const REQUEST_MESSAGE_MAX: usize = 200;

/// Joins a group: at once when it is open (or with the right invitation),
/// or by filing a request when it needs approval. Holds the seat quota.
#[server(prefix = "/api", endpoint = "group/join")]
pub async fn join_group(
    slug: String,
    invite: Option<String>,
    message: Option<String>,
) -> Result<String, AppError> {
    use super::guard::*;
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
        let invited = invite
            .as_deref()
            .is_some_and(|t| !t.is_empty() && platform::constant_time_eq(t, &group.invite_token));
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
                        platform::redirect_back();
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
                        platform::redirect_back();
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
    use super::guard::*;
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
        platform::redirect_back();
        Ok("已退出本群".to_owned())
    })
    .await
}

#[server(prefix = "/api", endpoint = "group/withdraw-request")]
pub async fn withdraw_join_request(slug: String) -> Result<String, AppError> {
    use super::guard::*;
    respond(async move {
        let access = load(&slug).await?;
        let user = access.user()?.clone();
        queries::withdraw_request(ctx()?.db.pool(), access.id(), user.id, now()).await?;
        platform::redirect_back();
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
    use super::guard::*;
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
        platform::audit::note(
            &mut *tx,
            manager.id,
            platform::audit::AuditAction::GroupRequest,
            &format!("group:{slug}"),
            Some("待审核"),
            if accept { "同意" } else { "拒绝" },
        )
        .await?;
        tx.commit().await?;
        platform::redirect_back();
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

//! Server functions of account access: disabling, reset links, resetting a password.

#[cfg_attr(not(feature = "ssr"), allow(unused_imports))]
use super::*;

use leptos::prelude::*;
use platform::error::AppError;

/// Stops (`disabled` true) or restores an account (organisers).
#[server(prefix = "/api", endpoint = "admin/disable")]
pub async fn set_account_disabled(account_id: i64, disabled: bool) -> Result<String, AppError> {
    use crate::accounts::Role;
    use crate::accounts::session::require_role;
    use platform::audit::{Entry, record};
    use platform::{ctx, now, redirect_back, respond};
    use queries::DisableOutcome;
    respond(async move {
        let actor = require_role(Role::Organiser).await?;
        if actor.id == account_id && disabled {
            return Err(AppError::message("不能停用自己的账号"));
        }
        let ctx = ctx()?;
        let mut tx = ctx.db.pool().begin().await?;
        match queries::set_disabled(&mut tx, ctx.db.backend(), account_id, disabled).await? {
            DisableOutcome::NoSuchAccount => return Err(AppError::NotFound),
            DisableOutcome::LastOrganiser => {
                return Err(AppError::message("不能停用最后一位管理员"));
            }
            DisableOutcome::Unchanged => {}
            DisableOutcome::Changed => {
                let (before, after) = if disabled {
                    ("正常", "停用")
                } else {
                    ("停用", "正常")
                };
                record(
                    &mut *tx,
                    Entry {
                        actor_id: actor.id,
                        action: if disabled {
                            platform::audit::AuditAction::AccountDisable
                        } else {
                            platform::audit::AuditAction::AccountEnable
                        },
                        target: &format!("account:{account_id}"),
                        before: Some(before),
                        after: Some(after),
                        at: now(),
                    },
                )
                .await?;
            }
        }
        tx.commit().await?;
        redirect_back();
        Ok(if disabled {
            "账号已停用，该用户已被退出登录".to_owned()
        } else {
            "账号已恢复".to_owned()
        })
    })
    .await
}

/// Makes a one-time link to set a new password; the link is shown once.
#[server(prefix = "/api", endpoint = "admin/reset-link")]
pub async fn create_reset_link(account_id: i64) -> Result<String, AppError> {
    use crate::accounts::Role;
    use crate::accounts::session::require_role;
    use platform::audit::{Entry, record};
    use platform::{ctx, now, random_token, respond};
    respond(async move {
        let actor = require_role(Role::Organiser).await?;
        let ctx = ctx()?;
        let mut tx = ctx.db.pool().begin().await?;
        if !queries::is_active(&mut *tx, account_id).await? {
            return Err(AppError::message("该账号不存在或已停用"));
        }
        let token = random_token();
        queries::create_reset(&mut tx, account_id, actor.id, &token, now()).await?;
        record(
            &mut *tx,
            Entry {
                actor_id: actor.id,
                action: platform::audit::AuditAction::AccountReset,
                target: &format!("account:{account_id}"),
                before: None,
                after: Some("24 小时内有效"),
                at: now(),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(format!("/reset/{token}"))
    })
    .await
}

/// Whose password a link resets (the page shows the name), if it works.
#[server(prefix = "/api", endpoint = "reset/check")]
pub async fn check_reset_link(token: String) -> Result<String, AppError> {
    use platform::{ctx, now, respond};
    respond(async move {
        let token: String = token.chars().take(64).collect();
        queries::reset_target(ctx()?.db.pool(), &token, now())
            .await?
            .map(|(_, name)| name)
            .ok_or_else(|| AppError::message("这个链接无效或已过期，请联系管理员重新发送"))
    })
    .await
}

/// Sets a new password with a link.
#[server(prefix = "/api", endpoint = "reset")]
pub async fn reset_password(
    token: String,
    password: String,
    confirm: String,
) -> Result<(), AppError> {
    use crate::accounts::password;
    use crate::accounts::validate::check_new_password;
    use platform::error::FormErrors;
    use platform::{ctx, now, redirect_to, respond};
    respond(async move {
        let mut f = FormErrors::default();
        if let Err(e) = check_new_password(&password) {
            f.add("password", e);
        } else if password != confirm {
            f.add("confirm", "两次输入的密码不一致");
        }
        f.into_result()?;
        let ctx = ctx()?;
        let token: String = token.chars().take(64).collect();
        let invalid = || AppError::message("这个链接无效或已过期，请联系管理员重新发送");
        // A link that does not work costs no hash: anyone can post here.
        if queries::reset_target(ctx.db.pool(), &token, now())
            .await?
            .is_none()
        {
            return Err(invalid());
        }
        let hash = password::hash(password).await?;
        let mut tx = ctx.db.pool().begin().await?;
        // Taken only now, so two uses at once still leave exactly one winner.
        let Some(account) = queries::take_reset(&mut tx, &token, now()).await? else {
            return Err(invalid());
        };
        queries::set_password(&mut tx, account, &hash).await?;
        tx.commit().await?;
        redirect_to("/login?reset=1");
        Ok(())
    })
    .await
}

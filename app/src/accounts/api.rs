//! Server functions of accounts. Each one is a public endpoint: it checks
//! its input and caller itself.

use leptos::prelude::*;

use super::SessionUser;
use crate::error::AppError;

/// Longest typed value echoed back into a form after an error.
#[cfg(feature = "ssr")]
const ECHO_MAX: usize = 64;

#[cfg(feature = "ssr")]
fn clip(s: &str) -> String {
    s.chars().take(ECHO_MAX).collect()
}

/// Only same-site paths are followed after sign-in, never another host.
pub fn safe_next(next: Option<&str>) -> &str {
    match next {
        Some(n)
            if n.starts_with('/')
                && !n.starts_with("//")
                && !n.starts_with("/\\")
                && !n.contains(['\r', '\n']) =>
        {
            n
        }
        _ => "/me",
    }
}

/// The signed-in person, if any.
#[server(prefix = "/api", endpoint = "me")]
pub async fn current_user() -> Result<Option<SessionUser>, AppError> {
    crate::server::respond(super::session::current_user()).await
}

#[server(prefix = "/api", endpoint = "register")]
pub async fn register(
    username: String,
    display_name: String,
    password: String,
    password_confirm: String,
) -> Result<(), AppError> {
    use super::validate::{DisplayName, Username, check_new_password};
    use super::{Role, password as pw, queries, session};
    use crate::error::FormErrors;
    use crate::server::{ctx, is_unique_violation, now, respond};

    respond(async move {
        let ctx = ctx()?;
        let mut errors = FormErrors::default()
            .keep("username", &clip(&username))
            .keep("display_name", &clip(&display_name));
        let name = Username::parse(&username)
            .map_err(|m| errors.add("username", m))
            .ok();
        let shown = DisplayName::parse(&display_name)
            .map_err(|m| errors.add("display_name", m))
            .ok();
        if let Err(m) = check_new_password(&password) {
            errors.add("password", m);
        }
        if password_confirm.is_empty() {
            errors.add("password_confirm", "请再次输入密码");
        } else if password != password_confirm {
            errors.add("password_confirm", "两次输入的密码不一致");
        }
        if let Some(name) = &name
            && queries::username_taken(ctx.db.pool(), name.as_str()).await?
        {
            errors.add("username", "该用户名已被注册，请换一个");
        }
        let (Some(name), Some(shown)) = (name, shown) else {
            return Err(AppError::Invalid(errors));
        };
        errors.clone().into_result()?;

        let hash = pw::hash(password).await?;
        let id = match queries::insert(
            ctx.db.pool(),
            name.as_str(),
            shown.as_str(),
            &hash,
            Role::Reader,
            now(),
        )
        .await
        {
            Ok(id) => id,
            // Someone took the name between the check and the insert.
            Err(e) if is_unique_violation(&e) => {
                errors.add("username", "该用户名已被注册，请换一个");
                return Err(AppError::Invalid(errors));
            }
            Err(e) => return Err(e.into()),
        };
        tracing::info!(account_id = id, "account registered");
        session::sign_in(&crate::server::session().await?, id).await?;
        leptos_axum::redirect("/me");
        Ok(())
    })
    .await
}

#[server(prefix = "/api", endpoint = "login")]
pub async fn login(
    username: String,
    password: String,
    next: Option<String>,
) -> Result<(), AppError> {
    use super::{password as pw, queries, session, throttle};
    use crate::error::FormErrors;
    use crate::server::{client_key, ctx, now, respond};

    respond(async move {
        let ctx = ctx()?;
        let name = username.trim().to_lowercase();
        let mut errors = FormErrors::default().keep("username", &clip(username.trim()));
        if name.is_empty() {
            errors.add("username", "请填写用户名");
        }
        if password.is_empty() {
            errors.add("password", "请填写密码");
        }
        errors.clone().into_result()?;
        // Over-long input cannot match any account; do not hash megabytes.
        let name: String = name.chars().take(64).collect();
        let password: String = password.chars().take(1024).collect();

        let ip = client_key(&ctx.settings);
        let at = now();
        throttle::check(&ctx.db, &ctx.settings.login_limits, &name, &ip, at).await?;

        let creds = queries::credentials(ctx.db.pool(), &name).await?;
        let stored = creds.as_ref().map(|c| c.password_hash.clone());
        if !pw::verify(password, stored).await? {
            throttle::record_failure(ctx.db.pool(), &name, &ip, at).await?;
            tracing::info!("sign-in refused: wrong user name or password");
            errors.message = Some("用户名或密码错误".into());
            return Err(AppError::Invalid(errors));
        }
        let creds = creds.ok_or_else(|| AppError::internal("verified without an account"))?;
        if creds.disabled {
            errors.message = Some("该账号已被停用，请联系管理员".into());
            return Err(AppError::Invalid(errors));
        }
        throttle::clear(ctx.db.pool(), &name, &ip).await?;
        session::sign_in(&crate::server::session().await?, creds.id).await?;
        tracing::info!(account_id = creds.id, "signed in");
        leptos_axum::redirect(safe_next(next.as_deref()));
        Ok(())
    })
    .await
}

#[server(prefix = "/api", endpoint = "logout")]
pub async fn logout() -> Result<(), AppError> {
    crate::server::respond(async move {
        super::session::sign_out(&crate::server::session().await?).await?;
        leptos_axum::redirect("/");
        Ok(())
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::safe_next;

    #[test]
    fn next_stays_on_this_site() {
        assert_eq!(safe_next(Some("/groups/abc")), "/groups/abc");
        assert_eq!(safe_next(Some("//evil.example")), "/me");
        assert_eq!(safe_next(Some("https://evil.example")), "/me");
        assert_eq!(safe_next(Some("/\\evil.example")), "/me");
        assert_eq!(safe_next(None), "/me");
    }
}

//! Server functions of accounts. Each one is a public endpoint: it checks
//! its input and caller itself.

use leptos::prelude::*;

use super::SessionUser;
use platform::error::AppError;

/// Longest typed value echoed back into a form after an error.
#[cfg(feature = "ssr")]
const ECHO_MAX: usize = 64;

#[cfg(feature = "ssr")]
fn clip(s: &str) -> String {
    s.chars().take(ECHO_MAX).collect()
}

/// Longest `next` followed after sign-in.
const NEXT_MAX: usize = 512;

/// Where to go after sign-in: `next` when it is a path of this site, else
/// `/me`. Browsers drop tabs and line breaks from addresses and read `\` as
/// `/`, so `/<TAB>/evil.example` or `/\evil.example` would lead to another
/// host: any whitespace, control character or backslash refuses the value,
/// as does a second leading `/`. Other characters beyond ASCII are
/// percent-encoded, so the result is always a valid `Location`.
pub fn safe_next(next: Option<&str>) -> String {
    const HOME: &str = "/me";
    let Some(n) = next else {
        return HOME.to_owned();
    };
    let acceptable = n.starts_with('/')
        && !n.starts_with("//")
        && n.len() <= NEXT_MAX
        && !n
            .chars()
            .any(|c| c.is_control() || c.is_whitespace() || c == '\\');
    if !acceptable {
        return HOME.to_owned();
    }
    let mut out = String::with_capacity(n.len());
    for c in n.chars() {
        if c.is_ascii() {
            out.push(c);
        } else {
            let mut buf = [0u8; 4];
            for b in c.encode_utf8(&mut buf).bytes() {
                out.push_str(&format!("%{b:02X}"));
            }
        }
    }
    out
}

/// The signed-in person, if any.
#[server(prefix = "/api", endpoint = "me")]
pub async fn current_user() -> Result<Option<SessionUser>, AppError> {
    platform::respond(super::session::current_user()).await
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
    use platform::error::FormErrors;
    use platform::{client_key, ctx, is_unique_violation, now, rate, respond};

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

        // Only a form that would create an account counts (and costs a hash).
        let limits = &ctx.settings.register_limits;
        if let Err(full) = rate::hit(
            ctx.db.pool(),
            "register",
            &client_key(&ctx.settings),
            limits,
            now(),
        )
        .await?
        {
            tracing::info!("registration refused: too many from this address");
            return Err(AppError::TooManyRequests(format!(
                "注册太频繁了，请 {} 分钟后再试",
                full.minutes()
            )));
        }
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
        session::sign_in(&platform::session().await?, id).await?;
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
    use super::queries::throttle;
    use super::{password as pw, queries, session};
    use platform::error::FormErrors;
    use platform::{client_key, ctx, now, respond};

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
        session::sign_in(&platform::session().await?, creds.id).await?;
        tracing::info!(account_id = creds.id, "signed in");
        leptos_axum::redirect(&safe_next(next.as_deref()));
        Ok(())
    })
    .await
}

/// Changes the signed-in person's password. Every other session of the
/// account ends for good; this one continues under a new id.
#[server(prefix = "/api", endpoint = "password")]
pub async fn change_password(
    current: String,
    password: String,
    confirm: String,
) -> Result<String, AppError> {
    use super::queries::throttle;
    use super::validate::check_new_password;
    use super::{password as pw, queries, session};
    use platform::error::FormErrors;
    use platform::{client_key, ctx, now, respond};
    respond(async move {
        let ctx = ctx()?;
        let user = session::require_user().await?;
        let mut errors = FormErrors::default();
        if current.is_empty() {
            errors.add("current", "请填写现在的密码");
        }
        if let Err(m) = check_new_password(&password) {
            errors.add("password", m);
        } else if password != confirm {
            errors.add("confirm", "两次输入的密码不一致");
        }
        errors.clone().into_result()?;
        // A stolen session must not be a way to guess the password: wrong
        // guesses count like failed sign-ins.
        let ip = client_key(&ctx.settings);
        let at = now();
        throttle::check(&ctx.db, &ctx.settings.login_limits, &user.username, &ip, at).await?;
        let stored = queries::credentials(ctx.db.pool(), &user.username)
            .await?
            .map(|c| c.password_hash);
        let current: String = current.chars().take(1024).collect();
        if !pw::verify(current, stored).await? {
            throttle::record_failure(ctx.db.pool(), &user.username, &ip, at).await?;
            errors.add("current", "现在的密码不正确");
            return Err(AppError::Invalid(errors));
        }
        let hash = pw::hash(password).await?;
        let mut tx = ctx.db.pool().begin().await?;
        queries::set_password(&mut tx, user.id, &hash).await?;
        tx.commit().await?;
        session::sign_in(&platform::session().await?, user.id).await?;
        tracing::info!(
            account_id = user.id,
            "password changed; other sessions ended"
        );
        platform::redirect_back();
        Ok("密码已修改，其他设备上的登录已全部退出。".to_owned())
    })
    .await
}

#[server(prefix = "/api", endpoint = "logout")]
pub async fn logout() -> Result<(), AppError> {
    platform::respond(async move {
        super::session::sign_out(&platform::session().await?).await?;
        // Drafts kept in this browser belong to the person leaving (a
        // shared phone in a reading room): browsers that know this header
        // forget them even without WebAssembly.
        platform::append_response_header(
            http::HeaderName::from_static("clear-site-data"),
            "\"storage\"",
        );
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
        assert_eq!(
            safe_next(Some("/groups/g/threads/7?page=3#p41")),
            "/groups/g/threads/7?page=3#p41"
        );
        assert_eq!(
            safe_next(Some("/search?q=读书")),
            "/search?q=%E8%AF%BB%E4%B9%A6"
        );
        assert_eq!(safe_next(None), "/me");
        for bad in [
            "//evil.example",
            "https://evil.example",
            "/\\evil.example",
            "/\t/evil.example/phish",
            "/\n/evil.example",
            "/\r\n/evil.example",
            "/\u{1}",
            "/\u{7f}",
            "/\u{85}/evil.example",
            "/ /evil.example",
            "/\u{3000}/evil.example",
            "/a\\b",
            "evil.example",
            "",
        ] {
            assert_eq!(safe_next(Some(bad)), "/me", "{bad:?}");
        }
        assert_eq!(safe_next(Some(&format!("/{}", "a".repeat(600)))), "/me");
    }
}

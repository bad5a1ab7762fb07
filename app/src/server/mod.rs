//! Server-side plumbing shared by every feature's server functions: the
//! application context, the database handle, the session, the request.
//! Compiled only with `ssr`.

pub mod csv;
pub mod db;
pub mod likes;

use std::future::Future;
use std::sync::Arc;

use http::request::Parts;
use leptos::prelude::*;
use leptos_axum::ResponseOptions;

pub use db::{Backend, Db, Exec};

use crate::error::AppError;

/// Limits for sign-in attempts. Configurable so tests can use small numbers.
#[derive(Debug, Clone)]
pub struct LoginLimits {
    /// Failed attempts for one user name within the window before it is locked.
    pub per_account: i64,
    /// Failed attempts from one address within the window before it is locked.
    pub per_address: i64,
    /// The window, in seconds; a lock lasts until old failures leave it.
    pub window_secs: i64,
}

impl Default for LoginLimits {
    fn default() -> Self {
        LoginLimits {
            per_account: 5,
            per_address: 30,
            window_secs: 15 * 60,
        }
    }
}

/// The posting rate limit: at most `per_window` posts per person within
/// `window_secs` seconds.
#[derive(Debug, Clone)]
pub struct PostLimits {
    pub per_window: i64,
    pub window_secs: i64,
}

impl Default for PostLimits {
    fn default() -> Self {
        PostLimits {
            per_window: 6,
            window_secs: 60,
        }
    }
}

/// Settings the server functions need; built by the server from its config.
/// Holds no secret.
#[derive(Debug, Clone, Default)]
pub struct Settings {
    pub demo: bool,
    pub login_limits: LoginLimits,
    pub post_limits: PostLimits,
    /// Take the client address from `X-Forwarded-For` (behind a trusted proxy).
    pub trust_proxy: bool,
}

/// What every server function and page render gets as context.
#[derive(Clone)]
pub struct AppContext {
    pub db: Db,
    pub settings: Arc<Settings>,
    /// Live counts and questions of the watch pages on this server.
    pub live: Arc<crate::lectures::live::LiveHub>,
}

/// The application context of the current request.
pub fn ctx() -> Result<AppContext, AppError> {
    use_context::<AppContext>().ok_or_else(|| AppError::internal("AppContext missing"))
}

fn request_parts() -> Option<Parts> {
    use_context::<Parts>()
}

/// True when the request came from a plain HTML form (no WebAssembly): the
/// framework answers it with a redirect, so its status must stay a redirect.
fn is_plain_form_post() -> bool {
    request_parts()
        .and_then(|p| {
            p.headers
                .get(http::header::ACCEPT)
                .and_then(|v| v.to_str().ok())
                .map(|v| v.contains("text/html"))
        })
        .unwrap_or(false)
}

/// After a plain form post (no WebAssembly), sends the browser back to the
/// page the form was on. The framework does this too, but leaves a stray
/// `?` on the address; with WebAssembly nothing needs to happen.
pub fn redirect_back() {
    if !is_plain_form_post() {
        return;
    }
    let back = header("referer")
        .and_then(|r| same_site_path(&r, header("host").as_deref()))
        .unwrap_or_else(|| "/".to_owned());
    leptos_axum::redirect(&back);
}

/// After a plain form post (no WebAssembly), sends the browser to `path`
/// (a path of this site); with WebAssembly the page navigates itself.
pub fn redirect_to(path: &str) {
    if is_plain_form_post() && path.starts_with('/') && !path.starts_with("//") {
        leptos_axum::redirect(path);
    }
}

/// The path and query of a same-host URL, without an empty `?`.
fn same_site_path(url: &str, host: Option<&str>) -> Option<String> {
    let rest = url.split_once("://")?.1;
    let (authority, path) = rest.split_once('/').unwrap_or((rest, ""));
    if Some(authority) != host {
        return None;
    }
    let path = format!("/{path}");
    Some(path.strip_suffix('?').map(str::to_owned).unwrap_or(path))
}

/// Sets the response status of the current server function call.
pub fn set_status(code: u16) {
    if is_plain_form_post() {
        return;
    }
    if let (Some(res), Ok(status)) = (
        use_context::<ResponseOptions>(),
        http::StatusCode::from_u16(code),
    ) {
        res.set_status(status);
    }
}

/// Runs a server function body and answers its error with the right HTTP
/// status (403, 422…) instead of the framework's blanket 500.
pub async fn respond<T>(body: impl Future<Output = Result<T, AppError>>) -> Result<T, AppError> {
    let result = body.await;
    if let Err(e) = &result {
        set_status(e.status());
    }
    result
}

/// A request header as text.
pub fn header(name: &str) -> Option<String> {
    request_parts().and_then(|p| {
        p.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    })
}

/// A cookie of the current request.
pub fn cookie(name: &str) -> Option<String> {
    let raw = header("cookie")?;
    raw.split(';').find_map(|pair| {
        let (k, v) = pair.trim().split_once('=')?;
        (k == name).then(|| v.to_owned())
    })
}

/// Adds a header to the response of the current request.
pub fn append_response_header(name: http::HeaderName, value: &str) {
    if let (Some(res), Ok(value)) = (
        use_context::<ResponseOptions>(),
        http::HeaderValue::from_str(value),
    ) {
        res.append_header(name, value);
    }
}

/// The client's address: the socket peer, or the first `X-Forwarded-For`
/// hop when the server is configured to sit behind a trusted proxy.
pub fn client_ip(settings: &Settings) -> String {
    if settings.trust_proxy
        && let Some(fwd) = header("x-forwarded-for")
        && let Some(first) = fwd.split(',').next()
    {
        let first = first.trim();
        if !first.is_empty() {
            return first.chars().take(64).collect();
        }
    }
    request_parts()
        .and_then(|p| {
            p.extensions
                .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
                .map(|c| c.0.ip().to_string())
        })
        .unwrap_or_else(|| "unknown".to_owned())
}

/// The session of the current request.
pub async fn session() -> Result<tower_sessions::Session, AppError> {
    leptos_axum::extract::<tower_sessions::Session>()
        .await
        .map_err(|e| AppError::internal(format!("session layer missing: {e:?}")))
}

/// Seconds since the Unix epoch: every timestamp column stores this.
pub fn now() -> i64 {
    time::OffsetDateTime::now_utc().unix_timestamp()
}

/// A random URL-safe token (invitation links): 32 letters and digits.
pub fn random_token() -> String {
    use rand::distributions::{Alphanumeric, DistString};
    Alphanumeric.sample_string(&mut rand::rngs::OsRng, 32)
}

/// Compares secrets without stopping at the first difference.
pub fn constant_time_eq(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

/// Today's date in Beijing as `YYYY-MM-DD`.
pub fn today_string() -> String {
    crate::ui::time::day_string(crate::ui::time::day_at(now()))
}

/// Whether a database error is a unique-constraint violation (on either backend).
pub fn is_unique_violation(e: &sqlx::Error) -> bool {
    e.as_database_error()
        .map(|d| d.is_unique_violation())
        .unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use super::same_site_path;

    #[test]
    fn only_same_host_referers_are_followed() {
        let host = Some("127.0.0.1:3000");
        assert_eq!(
            same_site_path("http://127.0.0.1:3000/me?", host).as_deref(),
            Some("/me")
        );
        assert_eq!(
            same_site_path("http://127.0.0.1:3000/a?q=1", host).as_deref(),
            Some("/a?q=1")
        );
        assert_eq!(
            same_site_path("http://127.0.0.1:3000", host).as_deref(),
            Some("/")
        );
        assert_eq!(same_site_path("https://evil.example/me", host), None);
    }
}

//! The request being answered, for server functions and pages: the
//! application context, headers and cookies, the session, the client's
//! address, the response status and redirects after plain form posts.

use std::future::Future;

use http::request::Parts;
use leptos::prelude::*;
use leptos_axum::ResponseOptions;

use crate::context::{AppContext, Settings};
use crate::error::AppError;

/// The application context of the current request.
pub fn ctx() -> Result<AppContext, AppError> {
    use_context::<AppContext>().ok_or_else(|| AppError::internal("AppContext missing"))
}

fn request_parts() -> Option<Parts> {
    use_context::<Parts>()
}

/// True when the request came from a plain HTML form (no WebAssembly): the
/// framework answers it with a redirect, so its status must stay a redirect.
pub(crate) fn is_plain_form_post() -> bool {
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
pub fn same_site_path(url: &str, host: Option<&str>) -> Option<String> {
    let rest = url.split_once("://")?.1;
    let (authority, path) = rest.split_once('/').unwrap_or((rest, ""));
    if Some(authority) != host {
        return None;
    }
    let path = format!("/{path}");
    let Some((path, query)) = path.split_once('?') else {
        return Some(path);
    };
    // The last submission's error (`__path`, `__err`) is not carried on:
    // the next answer is about the next submission.
    let kept: Vec<(String, String)> = form_urlencoded::parse(query.as_bytes())
        .filter(|(k, _)| k != "__path" && k != "__err")
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    if kept.is_empty() {
        return Some(path.to_owned());
    }
    let query = form_urlencoded::Serializer::new(String::new())
        .extend_pairs(kept)
        .finish();
    Some(format!("{path}?{query}"))
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
/// status (403, 422…) instead of the framework's blanket 500, and keeps
/// a successful answer for the page a plain form post is sent on to
/// ([`crate::flash`]).
pub async fn respond<T: serde::Serialize>(
    body: impl Future<Output = Result<T, AppError>>,
) -> Result<T, AppError> {
    let result = body.await;
    match &result {
        Err(e) => set_status(e.status()),
        Ok(value) => crate::flash::give(value),
    }
    result
}

/// The path of the current request when it is a POST (a server function
/// called by a form; pages that call server functions are GETs).
pub(crate) fn posted_path() -> Option<String> {
    request_parts()
        .filter(|p| p.method == http::Method::POST)
        .map(|p| p.uri.path().to_owned())
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
    cookie_in(&request_parts()?.headers, name)
}

/// A cookie among request headers (for plain handlers and middleware).
pub fn cookie_in(headers: &http::HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(cookie::Cookie::split_parse)
        .filter_map(Result::ok)
        .find(|c| c.name() == name)
        .map(|c| c.value().to_owned())
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

/// The client's address (see [`client::client_addr`]).
pub fn client_addr(settings: &Settings) -> Option<std::net::IpAddr> {
    let parts = request_parts()?;
    let peer = parts
        .extensions
        .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
        .map(|c| c.0);
    crate::client::client_addr(&parts.headers, peer, settings.proxy)
}

/// The key rate limits count the client under (IPv6 by its /64).
pub fn client_key(settings: &Settings) -> String {
    crate::client::limit_key(client_addr(settings))
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
    use subtle::ConstantTimeEq;
    a.as_bytes().ct_eq(b.as_bytes()).into()
}

/// Today's date in Beijing as `YYYY-MM-DD`.
pub fn today_string() -> String {
    crate::time::day_string(crate::time::day_at(now()))
}

/// Whether a database error is a unique-constraint violation (on either backend).
pub fn is_unique_violation(e: &sqlx::Error) -> bool {
    e.as_database_error()
        .map(|d| d.is_unique_violation())
        .unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use super::{constant_time_eq, cookie_in, same_site_path};

    #[test]
    fn cookies_are_found_by_name_in_every_header() {
        let mut headers = http::HeaderMap::new();
        headers.append(
            http::header::COOKIE,
            "sx_font=large; shuxiang_session=abc=def".parse().unwrap(),
        );
        headers.append(http::header::COOKIE, " ;viewer=v1".parse().unwrap());
        assert_eq!(cookie_in(&headers, "sx_font").as_deref(), Some("large"));
        assert_eq!(
            cookie_in(&headers, "shuxiang_session").as_deref(),
            Some("abc=def"),
            "a value may hold ="
        );
        assert_eq!(cookie_in(&headers, "viewer").as_deref(), Some("v1"));
        assert_eq!(cookie_in(&headers, "sx_fon"), None);
        assert_eq!(cookie_in(&http::HeaderMap::new(), "sx_font"), None);
    }

    #[test]
    fn secrets_match_only_when_equal() {
        assert!(constant_time_eq("a1b2c3", "a1b2c3"));
        assert!(!constant_time_eq("a1b2c3", "a1b2c4"));
        assert!(!constant_time_eq("a1b2c3", "a1b2c"), "a prefix");
        assert!(!constant_time_eq("", "a"));
        assert!(constant_time_eq("", ""));
    }

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
        assert_eq!(
            same_site_path(
                "http://127.0.0.1:3000/me?__path=%2Fapi%2Fpassword&__err=x",
                host
            )
            .as_deref(),
            Some("/me")
        );
        assert_eq!(
            same_site_path("http://127.0.0.1:3000/g?page=2&__err=x", host).as_deref(),
            Some("/g?page=2")
        );
    }
}

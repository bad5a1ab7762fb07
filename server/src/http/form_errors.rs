//! Only this server can make a page show a form error.
//!
//! When a form posted without WebAssembly fails, Leptos sends the browser
//! back to the page with the error in the address (`?__path=…&__err=…`),
//! and the page shows its message and puts back what was typed. Anyone can
//! write such an address, so a link could make our page show a forged
//! warning ("账号异常，请访问 …") or a pre-filled reply. So the redirect that
//! carries a real error also gives this browser a short-lived cookie with a
//! digest of it, and a page address with an error but without the matching
//! cookie is sent on to the same address without it.

use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};

/// The cookie holding the digest of the error this browser was sent to.
pub const COOKIE: &str = "shuxiang_form";
/// Long enough to follow the redirect and reload once or twice.
const MAX_AGE_SECS: u32 = 600;
const PATH: &str = "__path";
const ERR: &str = "__err";

#[derive(Debug, Clone, Copy)]
pub struct FormErrorPolicy {
    pub secure_cookies: bool,
}

pub async fn guard(State(policy): State<FormErrorPolicy>, req: Request, next: Next) -> Response {
    if req.method() == Method::GET
        && let Some(query) = req.uri().query()
        && let Some(digest) = error_digest(query)
        && platform::cookie_in(req.headers(), COOKIE).as_deref() != Some(digest.as_str())
    {
        let clean = without_error(req.uri().path(), query);
        return (StatusCode::SEE_OTHER, [(header::LOCATION, clean)]).into_response();
    }
    let posted = req.method() == Method::POST;
    let mut res = next.run(req).await;
    if posted && res.status().is_redirection() {
        let digest = res
            .headers()
            .get(header::LOCATION)
            .and_then(|l| l.to_str().ok())
            .and_then(|l| l.split_once('?').map(|(_, q)| q.to_owned()))
            .and_then(|q| error_digest(&q));
        if let Some(digest) = digest {
            let secure = if policy.secure_cookies {
                "; Secure"
            } else {
                ""
            };
            let cookie = format!(
                "{COOKIE}={digest}; Path=/; Max-Age={MAX_AGE_SECS}; HttpOnly; SameSite=Strict{secure}"
            );
            if let Ok(v) = HeaderValue::from_str(&cookie) {
                res.headers_mut().append(header::SET_COOKIE, v);
            }
        }
    }
    res
}

/// The digest of the error a query carries, if it carries one.
fn error_digest(query: &str) -> Option<String> {
    let mut path = None;
    let mut err = None;
    for (k, v) in form_urlencoded::parse(query.as_bytes()) {
        match k.as_ref() {
            PATH => path = Some(v.into_owned()),
            ERR => err = Some(v.into_owned()),
            _ => {}
        }
    }
    if path.is_none() && err.is_none() {
        return None;
    }
    let mut h = Sha256::new();
    h.update(path.unwrap_or_default().as_bytes());
    h.update([0]);
    h.update(err.unwrap_or_default().as_bytes());
    Some(h.finalize().iter().map(|b| format!("{b:02x}")).collect())
}

/// `path?query` without the error parameters.
fn without_error(path: &str, query: &str) -> String {
    let kept: Vec<(String, String)> = form_urlencoded::parse(query.as_bytes())
        .filter(|(k, _)| k != PATH && k != ERR)
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    if kept.is_empty() {
        return path.to_owned();
    }
    let query = form_urlencoded::Serializer::new(String::new())
        .extend_pairs(kept)
        .finish();
    format!("{path}?{query}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_parameters_are_found_and_removed() {
        assert!(error_digest("page=2").is_none());
        let a = error_digest("__path=%2Fapi%2Flogin&__err=abc").unwrap();
        let b = error_digest("__err=abc&__path=/api/login&page=2").unwrap();
        assert_eq!(a, b, "order and encoding do not matter");
        assert_ne!(a, error_digest("__path=/api/login&__err=abd").unwrap());
        assert_eq!(without_error("/g", "__path=x&__err=y"), "/g");
        assert_eq!(
            without_error("/g", "page=2&__path=x&__err=y&q=%E8%AF%BB"),
            "/g?page=2&q=%E8%AF%BB"
        );
    }
}

//! The anonymous viewer cookie of watch pages.
//!
//! A browser gets its viewer id from the watch page and is counted only
//! when it brings the id back to the live channel, so a client that keeps
//! no cookies (a curl loop) counts nothing. The id is signed with the site's
//! key ([`platform::keys::SiteKey`]), which also hashes the client
//! addresses the live side stores.

use http::HeaderMap;

/// The cookie's name (a year; not a session, no personal data).
pub const COOKIE: &str = "shuxiang_viewer";
/// How long the browser keeps it.
const MAX_AGE_SECS: u32 = 365 * 24 * 3600;

/// The `Set-Cookie` value that gives a browser its viewer id; `Secure`
/// when the site is served over HTTPS, like the session cookie.
pub fn set_cookie(value: &str, secure: bool) -> String {
    format!(
        "{COOKIE}={value}; Path=/; Max-Age={MAX_AGE_SECS}; HttpOnly; SameSite=Lax{}",
        if secure { "; Secure" } else { "" }
    )
}

/// The viewer cookie's value among a request's cookies, as sent.
pub fn from_headers(headers: &HeaderMap) -> Option<String> {
    platform::cookie_in(headers, COOKIE)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cookie_is_secure_in_production_and_read_back() {
        let line = set_cookie("abc.def", true);
        assert!(line.starts_with("shuxiang_viewer=abc.def;"));
        assert!(line.contains("HttpOnly") && line.contains("SameSite=Lax"));
        assert!(line.ends_with("; Secure"));
        assert!(!set_cookie("abc.def", false).contains("Secure"));
        let mut h = HeaderMap::new();
        h.append("cookie", "a=1; shuxiang_viewer=xyz.01".parse().unwrap());
        assert_eq!(from_headers(&h).as_deref(), Some("xyz.01"));
        assert_eq!(from_headers(&HeaderMap::new()), None);
    }
}

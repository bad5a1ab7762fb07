//! Response headers set on everything: security headers, and caching rules
//! (hashed bundle files cached for a year, pages never by shared caches).

use axum::extract::{Request, State};
use axum::http::{HeaderValue, header};
use axum::middleware::Next;
use axum::response::Response;

#[derive(Debug, Clone, Copy)]
pub struct CachePolicy {
    /// Bundle file names carry a content hash (release builds).
    pub hashed_assets: bool,
    /// Tell browsers to use HTTPS only (production, served over HTTPS).
    pub hsts: bool,
}

const SECURITY: [(&str, &str); 3] = [
    ("x-content-type-options", "nosniff"),
    ("x-frame-options", "DENY"),
    ("referrer-policy", "strict-origin-when-cross-origin"),
];

/// The policy of everything that is not a rendered page (which sets its own,
/// with a nonce: `platform::csp`): nothing may run or load.
const DEFAULT_CSP: &str = "default-src 'none'; img-src 'self'; style-src 'self'; \
     object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

const HSTS: &str = "max-age=31536000";

pub async fn set(State(policy): State<CachePolicy>, req: Request, next: Next) -> Response {
    let is_bundle = req.uri().path().starts_with("/pkg/");
    let mut res = next.run(req).await;
    let headers = res.headers_mut();
    for (name, value) in SECURITY {
        headers.insert(name, HeaderValue::from_static(value));
    }
    if !headers.contains_key(header::CONTENT_SECURITY_POLICY) {
        headers.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(DEFAULT_CSP),
        );
    }
    if policy.hsts {
        headers.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static(HSTS),
        );
    }
    if headers.contains_key(header::CACHE_CONTROL) {
        return res;
    }
    let ok = res.status().is_success() || res.status() == axum::http::StatusCode::NOT_MODIFIED;
    let is_html = res
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    let rule = if is_bundle && ok && policy.hashed_assets {
        "public, max-age=31536000, immutable"
    } else if is_bundle || !ok || is_html {
        // Pages are per person; unhashed bundles change between builds.
        "no-cache, private"
    } else if res
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"application/json"))
    {
        "no-store"
    } else {
        "public, max-age=86400"
    };
    res.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static(rule));
    res
}

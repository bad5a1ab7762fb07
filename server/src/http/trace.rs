//! One log line per request: request id, method, path, status, latency.
//! Never headers, query strings or bodies, which can hold cookies, session
//! ids and form input; and never a secret that travels in a path (the
//! token of a one-time password link, `/reset/{token}`).

use std::time::Duration;

use axum::http::{Request, Response};
use tower_http::request_id::RequestId;
use tracing::Span;

pub fn make_span<B>(req: &Request<B>) -> Span {
    let id = req
        .extensions()
        .get::<RequestId>()
        .and_then(|id| id.header_value().to_str().ok())
        .unwrap_or("-");
    tracing::info_span!(
        "request",
        request_id = %id,
        method = %req.method(),
        path = %loggable_path(req.uri().path()),
    )
}

/// The path as logged: secrets in it replaced by `[redacted]`.
fn loggable_path(path: &str) -> std::borrow::Cow<'_, str> {
    match path.strip_prefix("/reset/") {
        Some(token) if !token.is_empty() => "/reset/[redacted]".into(),
        _ => path.into(),
    }
}

pub fn on_response<B>(res: &Response<B>, latency: Duration, _span: &Span) {
    tracing::info!(
        status = res.status().as_u16(),
        latency_ms = latency.as_secs_f64() * 1000.0,
        "response"
    );
}

#[cfg(test)]
mod tests {
    use super::loggable_path;

    #[test]
    fn reset_tokens_are_not_logged() {
        assert_eq!(loggable_path("/reset/AbC123xyz"), "/reset/[redacted]");
        assert_eq!(loggable_path("/reset/AbC/more"), "/reset/[redacted]");
        assert_eq!(loggable_path("/groups/abc"), "/groups/abc");
        assert_eq!(loggable_path("/reset/"), "/reset/");
    }
}

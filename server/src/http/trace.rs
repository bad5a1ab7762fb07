//! One log line per request: request id, method, path, status, latency.
//! Never headers, query strings or bodies, which can hold cookies, session
//! ids and form input.

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
        path = %req.uri().path(),
    )
}

pub fn on_response<B>(res: &Response<B>, latency: Duration, _span: &Span) {
    tracing::info!(
        status = res.status().as_u16(),
        latency_ms = latency.as_secs_f64() * 1000.0,
        "response"
    );
}

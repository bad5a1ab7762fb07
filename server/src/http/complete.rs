//! Leptos renders and server functions run to completion, even when the
//! browser goes away first.
//!
//! Dropping a Leptos render or server function in the middle (the client
//! closed the connection, a browser navigated on) leaves the reactive
//! owner's thread-local state behind on that worker thread: measured with
//! wrk bursts of 64 signed-in connections, each burst's cancelled requests
//! made a few of the next requests on those threads render without their
//! context (no request parts, no session, no CSP nonce, so a page whose
//! scripts the browser refused to run). Each such request therefore runs in
//! its own task, which the connection's end does not cancel, and a page is
//! read to its end inside that task (pages are rendered whole before they
//! are sent anyway: every route uses `SsrMode::Async`).

use axum::body::Body;
use axum::extract::Request;
use axum::http::header;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use platform::error::AppError;

/// The middleware; put it on the Leptos routes only (never on streams).
pub async fn layer(req: Request, next: Next) -> Response {
    let task = tokio::spawn(async move {
        let res = next.run(req).await;
        if !is_page(&res) {
            return res;
        }
        let (parts, body) = res.into_parts();
        match axum::body::to_bytes(body, usize::MAX).await {
            Ok(bytes) => Response::from_parts(parts, Body::from(bytes)),
            Err(e) => AppError::internal(format_args!("page body failed: {e}")).into_response(),
        }
    });
    match task.await {
        Ok(res) => res,
        // The panic layer outside turns it into the error page.
        Err(e) if e.is_panic() => std::panic::resume_unwind(e.into_panic()),
        Err(e) => AppError::internal(format_args!("request task failed: {e}")).into_response(),
    }
}

/// A rendered page (files from the site folder are streamed as they are).
pub(super) fn is_page(res: &Response) -> bool {
    res.headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|t| t.starts_with("text/html"))
}

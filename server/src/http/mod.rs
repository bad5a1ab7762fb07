//! The HTTP surface: routes that are not Leptos pages, and the middleware
//! every request passes through.

pub mod complete;
pub mod csrf;
pub mod form_errors;
pub mod headers;
pub mod health;
pub mod page_cache;
pub mod page_csp;
mod single_flight;
pub mod trace;

use axum::body::Body;
use axum::http::{Response, StatusCode, header};

/// What a request that panicked gets: a Chinese error page, no details.
pub fn panic_page(_panic: Box<dyn std::any::Any + Send + 'static>) -> Response<Body> {
    tracing::error!("request handler panicked");
    Response::builder()
        .status(StatusCode::INTERNAL_SERVER_ERROR)
        .header(header::CONTENT_TYPE, "text/html; charset=utf-8")
        .body(Body::from(
            "<!DOCTYPE html><html lang=\"zh-CN\"><meta charset=\"utf-8\"><title>出错了</title>\
             <p>服务器出错了，请稍后再试。</p><p><a href=\"/\">返回首页</a></p></html>",
        ))
        .expect("static response")
}

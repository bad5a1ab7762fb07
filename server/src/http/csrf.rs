//! Cross-site request forgery protection for every state-changing request.
//!
//! Browsers say where a request comes from: `Sec-Fetch-Site` (all current
//! browsers) or at least `Origin` on POST. A request that a browser marks
//! as coming from another site is refused unless that origin is trusted.
//! Requests with neither header do not come from a browser page, so they
//! carry no victim's cookies to abuse and pass. Session cookies are also
//! `SameSite=Lax`, which keeps them off cross-site POSTs in the first place.

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::{Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Response};

#[derive(Debug, Clone, Default)]
pub struct CsrfPolicy {
    /// Origins (`https://host[:port]`) trusted besides the site itself.
    pub trusted_origins: Vec<String>,
}

pub async fn guard(State(policy): State<Arc<CsrfPolicy>>, req: Request, next: Next) -> Response {
    if matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS)
        || allowed(&policy, &req)
    {
        return next.run(req).await;
    }
    tracing::warn!(path = %req.uri().path(), "cross-site request refused");
    (
        StatusCode::FORBIDDEN,
        Html(
            "<!DOCTYPE html><html lang=\"zh-CN\"><meta charset=\"utf-8\"><title>请求被拒绝</title>\
             <p>请求被拒绝：不接受从其他网站提交的表单。请回到本站页面后重新操作。</p>\
             <p><a href=\"/\">返回首页</a></p></html>",
        ),
    )
        .into_response()
}

fn allowed(policy: &CsrfPolicy, req: &Request) -> bool {
    let h = |name| req.headers().get(name).and_then(|v| v.to_str().ok());
    let origin = h(header::ORIGIN);
    let trusted = || origin.is_some_and(|o| policy.trusted_origins.iter().any(|t| t == o));
    match h(http::HeaderName::from_static("sec-fetch-site")) {
        Some("same-origin" | "none") => true,
        Some(_) => trusted(),
        None => match origin {
            None => true,
            Some(o) => same_host(o, h(header::HOST)) || trusted(),
        },
    }
}

/// Whether an `Origin` (`scheme://host[:port]`) names the requested host.
fn same_host(origin: &str, host: Option<&str>) -> bool {
    let Some(host) = host else { return false };
    origin
        .split_once("://")
        .is_some_and(|(_, authority)| authority.eq_ignore_ascii_case(host))
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::body::Body;

    fn req(headers: &[(&str, &str)]) -> Request {
        let mut b = Request::builder().method("POST").uri("/api/login");
        for (k, v) in headers {
            b = b.header(*k, *v);
        }
        b.body(Body::empty()).unwrap()
    }

    #[test]
    fn decides_by_fetch_metadata_then_origin() {
        let p = CsrfPolicy::default();
        assert!(allowed(&p, &req(&[("sec-fetch-site", "same-origin")])));
        assert!(!allowed(&p, &req(&[("sec-fetch-site", "cross-site")])));
        assert!(!allowed(&p, &req(&[("sec-fetch-site", "same-site")])));
        assert!(allowed(
            &p,
            &req(&[
                ("origin", "http://127.0.0.1:3000"),
                ("host", "127.0.0.1:3000")
            ])
        ));
        assert!(!allowed(
            &p,
            &req(&[
                ("origin", "http://evil.example"),
                ("host", "127.0.0.1:3000")
            ])
        ));
        assert!(!allowed(
            &p,
            &req(&[("origin", "null"), ("host", "127.0.0.1:3000")])
        ));
        assert!(allowed(&p, &req(&[])));
    }

    #[test]
    fn trusted_origins_pass() {
        let p = CsrfPolicy {
            trusted_origins: vec!["https://app.example".into()],
        };
        assert!(allowed(
            &p,
            &req(&[
                ("sec-fetch-site", "cross-site"),
                ("origin", "https://app.example")
            ])
        ));
    }
}

//! The policy header of rendered pages, with a nonce drawn here.
//!
//! The nonce goes into the request, where the render takes it
//! (`platform::csp::provide_request_nonce`), and the header is set from it
//! once the page is rendered. Setting the header from inside the render
//! (through Leptos's response options) failed about once in a hundred
//! pages of the end-to-end run: the page carried its nonce, the response
//! the stricter default policy, and the browser refused the page's scripts.

use axum::extract::Request;
use axum::http::{HeaderValue, header};
use axum::middleware::Next;
use axum::response::Response;
use leptos::nonce::Nonce;

/// The middleware; put it on the Leptos routes.
pub async fn layer(mut req: Request, next: Next) -> Response {
    let nonce = Nonce::new();
    req.extensions_mut().insert(nonce.clone());
    let mut res = next.run(req).await;
    if super::complete::is_page(&res)
        && let Ok(policy) = HeaderValue::from_str(&platform::csp::page_policy(&nonce))
    {
        res.headers_mut()
            .insert(header::CONTENT_SECURITY_POLICY, policy);
    }
    res
}

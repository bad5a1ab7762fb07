//! The Content-Security-Policy of rendered pages. Inline scripts run only
//! with this response's nonce (Leptos puts it on the hydration script and
//! on the data it streams); every other script must come from this site.
//! Responses that are not pages get the server's stricter default.
//!
//! The server draws the nonce before the render, puts it in the request,
//! and sets the policy header itself once the page is rendered; the render
//! takes the same nonce from the request ([`provide_request_nonce`]). So
//! the header never depends on the render reaching its response options.

use leptos::nonce::Nonce;
use leptos::prelude::*;
use leptos::reactive::owner::with_context;

/// The policy of a page whose inline scripts carry `nonce`.
pub fn page_policy(nonce: &str) -> String {
    format!(
        "default-src 'self'; \
         script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; \
         style-src 'self'; \
         img-src 'self' https:; \
         media-src 'self' https: blob:; \
         connect-src 'self' https:; \
         worker-src 'self' blob:; \
         object-src 'none'; \
         base-uri 'self'; \
         form-action 'self'; \
         frame-ancestors 'none'"
    )
}

/// Makes the nonce the server drew for this page the render's nonce (call
/// it where the request's context is provided, after the framework's).
pub fn provide_request_nonce() {
    // Read in place: the request's parts are not cloned for one value.
    let nonce =
        with_context(|parts: &http::request::Parts| parts.extensions.get::<Nonce>().cloned());
    if let Some(nonce) = nonce.flatten() {
        provide_context(nonce);
    }
}

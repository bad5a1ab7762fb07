//! The Content-Security-Policy of rendered pages. Inline scripts run only
//! with this response's nonce (Leptos puts it on the hydration script and
//! on the data it streams); every other script must come from this site.
//! Responses that are not pages get the server's stricter default.

use leptos::prelude::*;
use leptos_axum::ResponseOptions;

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

/// Sets the page policy on the response being rendered (call it from the
/// document shell, where the framework has already made the nonce).
pub fn set_page_policy() {
    let (Some(nonce), Some(res)) = (leptos::nonce::use_nonce(), use_context::<ResponseOptions>())
    else {
        return;
    };
    if let Ok(value) = http::HeaderValue::from_str(&page_policy(&nonce)) {
        res.insert_header(http::header::CONTENT_SECURITY_POLICY, value);
    }
}

//! What a form's server function answered, carried over its redirect.
//!
//! A form posted without WebAssembly (or by `layout/forms.js`) is answered
//! with a redirect to the page that shows the outcome. An error travels in
//! the address (the framework's `__err`); a success value, such as
//! "已加入读书群", would be lost. So the server function's `Ok` value is
//! put into a short-lived cookie with the function's path, and the next
//! page that creates a [`action`] for that function takes it out, shows it
//! as if the action had just run in the browser, and clears the cookie.
//! Only this server sets the cookie (`HttpOnly`, `SameSite=Strict`), and
//! what it carries is shown as text like any other value.

use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use serde::de::DeserializeOwned;

/// The cookie holding `path \n JSON of the value`.
pub const COOKIE: &str = "shuxiang_flash";

/// A [`ServerAction`] whose value, on the page a plain form post was sent
/// on to, is what that post's server function answered.
pub fn action<S>() -> ServerAction<S>
where
    S: ServerFn + Clone + Send + Sync + 'static,
    S::Output: DeserializeOwned + Send + Sync + 'static,
    S::Error: Send + Sync + 'static,
{
    let action = ServerAction::<S>::new();
    #[cfg(feature = "ssr")]
    if action.value().with_untracked(Option::is_none)
        && let Some(value) = server::take::<S::Output>(S::PATH)
    {
        action.value().set(Some(Ok(value)));
    }
    action
}

#[cfg(feature = "ssr")]
pub use server::give;

#[cfg(feature = "ssr")]
mod server {
    use http::HeaderValue;
    use http::header::SET_COOKIE;
    use leptos_axum::ResponseOptions;
    use serde::Serialize;
    use serde::de::DeserializeOwned;

    use super::COOKIE;
    use crate::request::{cookie, is_plain_form_post, posted_path};

    /// Values longer than this are not carried (a cookie holds about 4 KB).
    const MAX_BYTES: usize = 1024;
    /// Long enough to follow the redirect.
    const MAX_AGE_SECS: u32 = 60;

    fn set_cookie(value: &str, max_age: u32) {
        let Some(res) = leptos::prelude::use_context::<ResponseOptions>() else {
            return;
        };
        let secure = crate::request::ctx()
            .map(|c| c.settings.secure_cookies)
            .unwrap_or(false);
        let line = format!(
            "{COOKIE}={value}; Path=/; Max-Age={max_age}; HttpOnly; SameSite=Strict{}",
            if secure { "; Secure" } else { "" }
        );
        if let Ok(v) = HeaderValue::from_str(&line) {
            res.append_header(SET_COOKIE, v);
        }
    }

    /// After a successful plain form post: keeps the answer for the page
    /// the browser is sent on to (`()` too: some pages show that it worked).
    pub fn give<T: Serialize>(value: &T) {
        if !is_plain_form_post() {
            return;
        }
        let (Some(path), Ok(json)) = (posted_path(), serde_json::to_string(value)) else {
            return;
        };
        let raw = format!("{path}\n{json}");
        let encoded: String = form_urlencoded::byte_serialize(raw.as_bytes()).collect();
        if encoded.len() <= MAX_BYTES {
            set_cookie(&encoded, MAX_AGE_SECS);
        }
    }

    /// The answer of the server function at `path`, if this request carries
    /// it; the cookie is cleared in the response.
    pub fn take<T: DeserializeOwned>(path: &str) -> Option<T> {
        let raw = cookie(COOKIE)?;
        let decoded: String = form_urlencoded::parse(format!("v={raw}").as_bytes())
            .next()
            .map(|(_, v)| v.into_owned())?;
        let (from, json) = decoded.split_once('\n')?;
        if from != path {
            return None;
        }
        set_cookie("", 0);
        serde_json::from_str(json).ok()
    }

    #[cfg(test)]
    mod tests {
        #[test]
        fn a_value_survives_the_cookie_encoding() {
            let raw = "/api/join_group\n\"已加入读书群；欢迎 a=b, c\"";
            let encoded: String = form_urlencoded::byte_serialize(raw.as_bytes()).collect();
            assert!(
                encoded
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"%+-._*".contains(&b)),
                "{encoded}"
            );
            let back: String = form_urlencoded::parse(format!("v={encoded}").as_bytes())
                .next()
                .unwrap()
                .1
                .into_owned();
            assert_eq!(back, raw);
        }
    }
}

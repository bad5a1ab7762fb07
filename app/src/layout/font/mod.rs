//! The font-size switch (标准 / 大字体). The choice lives in a cookie, so it
//! holds on every page and the next visit, and the server renders the right
//! size before any script runs. Without WebAssembly the buttons post a form;
//! after hydration they switch at once, without a reload.

mod api;
pub use api::*;

use leptos::prelude::*;
use server_fn::ServerFn;

pub const COOKIE: &str = "sx_font";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FontSize {
    Standard,
    Large,
}

impl FontSize {
    pub fn parse(v: &str) -> Option<FontSize> {
        match v {
            "standard" => Some(FontSize::Standard),
            "large" => Some(FontSize::Large),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            FontSize::Standard => "standard",
            FontSize::Large => "large",
        }
    }

    /// The class on `<html>`.
    pub fn class(self) -> &'static str {
        match self {
            FontSize::Standard => "font-standard",
            FontSize::Large => "font-large",
        }
    }

    /// The `Set-Cookie` / `document.cookie` line of this size (a year).
    fn set_cookie_value(self) -> &'static str {
        match self {
            FontSize::Standard => "sx_font=standard; Path=/; Max-Age=31536000; SameSite=Lax",
            FontSize::Large => "sx_font=large; Path=/; Max-Age=31536000; SameSite=Lax",
        }
    }

    /// The size chosen earlier. The server reads the cookie (with the
    /// `cookie` crate, `platform::cookie`) and puts the size's class on
    /// `<html>`; the browser reads that class back, so it parses no cookie
    /// and hydration agrees with what the server rendered.
    pub fn from_request() -> FontSize {
        #[cfg(feature = "ssr")]
        let large = platform::cookie(COOKIE)
            .as_deref()
            .and_then(FontSize::parse)
            == Some(FontSize::Large);
        #[cfg(all(feature = "hydrate", not(feature = "ssr")))]
        let large = document()
            .document_element()
            .is_some_and(|root| root.class_list().contains(FontSize::Large.class()));
        #[cfg(not(any(feature = "ssr", feature = "hydrate")))]
        let large = false;
        if large {
            FontSize::Large
        } else {
            FontSize::Standard
        }
    }
}

/// An island: the rest of the header is server-rendered. The `<html>`
/// class is rendered by the server from the cookie and changed here directly.
#[island]
pub fn FontSwitch() -> impl IntoView {
    let font = RwSignal::new(FontSize::from_request());
    let choose = move |size: FontSize| {
        move |ev: leptos::ev::MouseEvent| {
            ev.prevent_default();
            font.set(size);
            #[cfg(all(feature = "hydrate", not(feature = "ssr")))]
            {
                use wasm_bindgen::JsCast;
                let doc = document().unchecked_into::<web_sys::HtmlDocument>();
                let _ = doc.set_cookie(size.set_cookie_value());
                if let Some(root) = doc.document_element() {
                    for s in [FontSize::Standard, FontSize::Large] {
                        let _ = root.class_list().remove_1(s.class());
                    }
                    let _ = root.class_list().add_1(size.class());
                }
            }
        }
    };
    let pressed = move |size: FontSize| move || if font.get() == size { "true" } else { "false" };
    view! {
        // A form may not take the role `group` (axe: aria-allowed-role): the
        // group is the element inside it.
        <form class="font-switch" method="post" action=SetFontSize::url()>
            <div class="font-switch-buttons" role="group" aria-label="字号">
                <button type="submit" name="size" value="standard"
                    aria-pressed=pressed(FontSize::Standard)
                    on:click=choose(FontSize::Standard)>"标准"</button>
                <button type="submit" name="size" value="large"
                    aria-pressed=pressed(FontSize::Large)
                    on:click=choose(FontSize::Large)>"大字体"</button>
            </div>
        </form>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cookie_values_parse_back() {
        for s in [FontSize::Standard, FontSize::Large] {
            assert_eq!(FontSize::parse(s.as_str()), Some(s));
            let line = s.set_cookie_value();
            assert!(line.starts_with(&format!("{COOKIE}={}; ", s.as_str())));
            assert!(line.contains("Max-Age=31536000") && line.contains("SameSite=Lax"));
        }
        assert_eq!(FontSize::parse("huge"), None);
    }
}

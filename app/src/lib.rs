//! 书香 — the Leptos application of the 书香政协 reading platform.
//!
//! Compiled twice: with `ssr` into the server, with `hydrate` into the
//! WebAssembly bundle. Organised by feature; each feature folder holds its
//! shared types, server functions, queries (`ssr` only) and pages.

#![recursion_limit = "256"]

/// Defines an enum stored as text, with its database value and Chinese label.
macro_rules! labelled_enum {
    ($(#[$m:meta])* $name:ident { $($variant:ident = $value:literal, $label:literal;)+ }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
        pub enum $name { $($variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $value),+ }
            }

            pub fn label(self) -> &'static str {
                match self { $($name::$variant => $label),+ }
            }

            pub fn parse(s: &str) -> Option<$name> {
                match s { $($value => Some($name::$variant),)+ _ => None }
            }
        }
    };
}
pub(crate) use labelled_enum;

pub mod accounts;
pub mod admin;
pub mod app;
pub mod books;
pub mod error;
pub mod groups;
pub mod home;
pub mod layout;
pub mod lectures;
#[cfg(feature = "ssr")]
pub mod markdown;
pub mod notes;
pub mod notifications;
pub mod progress;
pub mod search;
#[cfg(feature = "ssr")]
pub mod server;
pub mod site;
pub mod stats;
pub mod threads;
pub mod ui;

pub use app::{App, shell};
pub use ui::safe_html::SafeHtml;

#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    // Only the islands run in the browser; the pages stay server-rendered.
    leptos::mount::hydrate_islands();
    // End-to-end tests wait for this mark before they click.
    if let Some(root) = leptos::prelude::document().document_element() {
        let _ = root.set_attribute("data-hydrated", "");
    }
}

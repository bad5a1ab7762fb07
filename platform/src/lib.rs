//! The core of 书香 that knows no feature: the error type, Beijing time,
//! sanitised HTML, the flash of a form's answer, the labelled enums, and
//! (with `ssr`) the server plumbing — the application context, the
//! database, the request, rate limits, the audit log, background tasks.
//!
//! Features live in the `app` crate and use this one; this crate names no
//! feature, and the compiler keeps it so (it cannot see `app`).

/// Defines an enum stored as text, with its database value and Chinese label.
#[macro_export]
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

pub mod audit;
pub mod error;
pub mod flash;
pub mod html;
pub mod time;
pub mod validate;

#[cfg(feature = "ssr")]
pub mod bus;
#[cfg(feature = "ssr")]
pub mod client;
#[cfg(feature = "ssr")]
pub mod context;
#[cfg(feature = "ssr")]
pub mod csp;
#[cfg(feature = "ssr")]
pub mod csv;
#[cfg(feature = "ssr")]
pub mod db;
#[cfg(feature = "ssr")]
pub mod freshness;
#[cfg(feature = "ssr")]
pub mod keys;
#[cfg(feature = "ssr")]
pub mod likes;
#[cfg(feature = "ssr")]
pub mod markdown;
#[cfg(feature = "ssr")]
pub mod media;
#[cfg(feature = "ssr")]
pub mod qr;
#[cfg(feature = "ssr")]
pub mod rate;
#[cfg(feature = "ssr")]
pub mod request;
#[cfg(feature = "ssr")]
pub mod tasks;

pub use error::{AppError, FormErrors};
pub use html::SafeHtml;

#[cfg(feature = "ssr")]
pub use client::ProxyPolicy;
#[cfg(feature = "ssr")]
pub use context::*;
#[cfg(feature = "ssr")]
pub use db::{Backend, Db, Exec};
#[cfg(feature = "ssr")]
pub use request::*;

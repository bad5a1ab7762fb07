//! HTML that may be put into a page as it is (`inner_html`).
//!
//! Only three things make one, all on the server: the Markdown sanitiser
//! (`app::markdown`), the QR renderer, and reading a stored column that
//! one of them wrote ([`SafeHtml::from_stored`]). It travels to the
//! browser inside server-function results (as a plain JSON string) and can
//! be read back there, but no browser code can turn a `String` into one,
//! so user text cannot reach an `inner_html` sink by mistake: every sink
//! takes a `SafeHtml`.

use leptos::tachys::html::attribute::IntoAttributeValue;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct SafeHtml(String);

impl SafeHtml {
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// HTML read from a column this application fills only with the
    /// output of the sanitiser or the QR renderer (`*_html`).
    #[cfg(feature = "ssr")]
    pub fn from_stored(html: String) -> SafeHtml {
        SafeHtml(html)
    }

    /// The sanitiser's and the QR renderer's output.
    #[cfg(feature = "ssr")]
    pub(crate) fn trusted(html: String) -> SafeHtml {
        SafeHtml(html)
    }
}

/// Read-only access to the text (searching it, measuring it, binding it).
impl std::ops::Deref for SafeHtml {
    type Target = str;

    fn deref(&self) -> &str {
        &self.0
    }
}

impl PartialEq<str> for SafeHtml {
    fn eq(&self, other: &str) -> bool {
        self.0 == other
    }
}

impl PartialEq<&str> for SafeHtml {
    fn eq(&self, other: &&str) -> bool {
        self.0 == *other
    }
}

impl std::fmt::Display for SafeHtml {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// `inner_html=` (like every attribute in `view!`) takes its value through
/// this conversion.
impl IntoAttributeValue for SafeHtml {
    type Output = String;

    fn into_attribute_value(self) -> String {
        self.0
    }
}

//! The site itself: its brand and committee (stored settings), the demo
//! flag, and what every page's frame needs in one request.

mod api;
pub use api::*;

#[cfg(feature = "ssr")]
pub mod cache;
#[cfg(feature = "ssr")]
pub mod queries;

use serde::{Deserialize, Serialize};

use crate::accounts::SessionUser;

pub const DEFAULT_BRAND: &str = "书香政协";
pub const DEFAULT_SLOGAN: &str = "以书为媒 · 凝心聚力";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SiteInfo {
    /// The reading brand, e.g. 淄味悦读·书香政协.
    pub brand: String,
    /// The committee running this platform, e.g. 淄博市政协.
    pub committee: String,
    pub slogan: String,
    /// Running on demo data: every page says so.
    pub demo: bool,
}

/// The page frame's data: the site and who is signed in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShellInfo {
    pub site: SiteInfo,
    pub user: Option<SessionUser>,
    /// The signed-in person's unread notifications.
    pub unread_notifications: i64,
}

//! The audit log: who did what to whom, when, with the value before and
//! after. Organisers' actions are written here by the features that do them;
//! moderation actions have their own log, shown here too. `/admin/audit`
//! filters both by person, kind of action and dates, and downloads as CSV.

mod api;
pub use api::*;

use serde::{Deserialize, Serialize};

/// Kinds of action to filter by: the prefix of the action code and its label.
pub const KINDS: [(&str, &str); 7] = [
    ("account", "账号与角色"),
    ("group", "读书群"),
    ("book", "书目"),
    ("recommendation", "荐书审核"),
    ("lecture", "讲座"),
    ("report", "年度报告"),
    ("moderation", "内容审核"),
];

/// Entries per page, and at most in a download.
pub const PER_PAGE: i64 = 50;
pub const EXPORT_MAX: i64 = 50_000;

pub use platform::audit::AuditAction;

/// The Chinese name of a logged action code: an [`AuditAction`], or a
/// moderation action (`moderation.hide`) from the moderation log.
pub fn action_label(action: &str) -> String {
    if let Some(known) = AuditAction::parse(action) {
        return known.label().to_owned();
    }
    match action.strip_prefix("moderation.") {
        Some(m) => format!("审核：{}", crate::threads::moderation::action_label(m)),
        None => action.to_owned(),
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEntry {
    pub at: i64,
    pub actor: String,
    pub action: String,
    pub action_label: String,
    pub target: String,
    pub before: Option<String>,
    pub after: Option<String>,
}

/// The columns of the log, on the page and in the download.
pub const COLUMNS: [&str; 6] = ["时间", "操作人", "操作", "对象", "之前", "之后"];

impl AuditEntry {
    /// The entry's cells under [`COLUMNS`].
    pub fn cells(self) -> [String; 6] {
        [
            platform::time::datetime_zh(self.at),
            self.actor,
            self.action_label,
            self.target,
            self.before.unwrap_or_default(),
            self.after.unwrap_or_default(),
        ]
    }
}

/// What the page and the download filter by (all as typed).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditFilter {
    #[serde(default)]
    pub actor: String,
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub from: String,
    #[serde(default)]
    pub to: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditPage {
    pub entries: Vec<AuditEntry>,
    pub total: i64,
    pub page: i64,
}

#[cfg(feature = "ssr")]
pub use queries::*;

#[cfg(feature = "ssr")]
mod queries;

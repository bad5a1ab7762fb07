//! Reports and moderation: anyone signed in reports a post with a reason;
//! organisers see the queue at `/admin/moderation`, hide or restore posts
//! and dismiss reports. Every action is logged with who and when, and the
//! author of a hidden or restored post is notified.

mod api;
pub use api::*;

use serde::{Deserialize, Serialize};

/// One report of a post.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Report {
    pub reporter: String,
    pub reason: String,
    pub created_at: i64,
}

/// A post in the moderation queue, with its open reports.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueuedPost {
    pub post_id: i64,
    pub thread_title: String,
    pub group_name: String,
    pub author: String,
    /// The sanitised text, shown to organisers even when hidden; empty when
    /// its author deleted it (deleted text is never shown to anyone).
    pub body_html: platform::SafeHtml,
    pub hidden: bool,
    pub deleted: bool,
    pub reports: Vec<Report>,
}

/// One line of the moderation log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LogEntry {
    pub actor: String,
    pub action: String,
    pub thread_title: Option<String>,
    pub post_id: Option<i64>,
    pub note: String,
    pub at: i64,
}

/// What `/admin/moderation` shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ModerationQueue {
    /// Posts with open reports, most reported first.
    pub reported: Vec<QueuedPost>,
    /// Hidden posts without open reports (to restore).
    pub hidden: Vec<QueuedPost>,
    pub log: Vec<LogEntry>,
}

platform::labelled_enum!(
    /// What a moderator did, as written in the moderation log (`action`).
    ModerationAction {
        Hide = "hide", "隐藏帖子";
        Restore = "restore", "恢复帖子";
        Dismiss = "dismiss", "驳回举报";
        Pin = "pin", "置顶主题";
        Unpin = "unpin", "取消置顶";
        Lock = "lock", "锁定主题";
        Unlock = "unlock", "解除锁定";
        Edit = "edit", "编辑他人帖子";
        EditRedact = "edit_redact", "编辑他人帖子并删除原文";
        Delete = "delete", "删除他人帖子";
        Guide = "guide", "标为导读";
        Unguide = "unguide", "取消导读";
    }
);

/// The Chinese name of a logged action code.
pub fn action_label(action: &str) -> &'static str {
    ModerationAction::parse(action).map_or("其他操作", ModerationAction::label)
}

#[cfg(feature = "ssr")]
pub use queries::{log_action, notify_author};

#[cfg(feature = "ssr")]
mod queries;

#[cfg(feature = "ssr")]
pub use queries::{hidden as hidden_posts, log as moderation_log, reported as reported_posts};

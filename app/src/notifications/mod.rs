//! In-app notifications: replies to one's threads, quotes of one's posts,
//! mentions, and moderation of one's posts. The header shows the unread
//! count; `/me/notifications` lists them and marks them read.

mod api;
pub use api::*;

pub mod page;

#[cfg(feature = "ssr")]
pub mod queries;

use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
use platform::error::AppError;

platform::labelled_enum!(
    /// Why someone is notified.
    NotificationKind {
        Reply = "reply", "回复了你的主题";
        Quote = "quote", "引用了你的帖子";
        Mention = "mention", "提到了你";
        Moderation = "moderation", "管理员处理了你的帖子";
        Lecture = "lecture", "讲座通知";
    }
);

/// Notifications per page of `/me/notifications`.
pub const PER_PAGE: i64 = 30;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Notification {
    pub id: i64,
    pub kind: NotificationKind,
    /// Who did it (none for moderation, or an account that is gone).
    pub actor: Option<String>,
    pub post_id: Option<i64>,
    pub thread_id: Option<i64>,
    /// The session a lecture-hall notification is about.
    pub lecture_slug: Option<String>,
    pub text: String,
    pub created_at: i64,
    /// Read before this page was opened.
    pub read: bool,
}

impl Notification {
    /// The sentence shown for it.
    pub fn sentence(&self) -> String {
        let who = self.actor.clone().unwrap_or_else(|| "有人".to_owned());
        match self.kind {
            NotificationKind::Moderation | NotificationKind::Lecture => self.text.clone(),
            kind => format!("{who} {}：{}", kind.label(), self.text),
        }
    }

    /// Where it leads: the post's permalink (which marks it read), or the
    /// session's page.
    pub fn href(&self) -> Option<String> {
        match (&self.lecture_slug, self.post_id) {
            (Some(slug), _) => Some(format!("/lectures/{slug}")),
            (None, Some(p)) => Some(format!("/posts/{p}?n={}", self.id)),
            (None, None) => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NotificationPage {
    pub items: Vec<Notification>,
    pub page: i64,
    pub pages: i64,
}

/// How many unread notifications the signed-in person has (the header).
#[cfg(feature = "ssr")]
pub async fn unread_for(db: &platform::Db, account_id: i64) -> Result<i64, AppError> {
    Ok(queries::unread_count(db.pool(), account_id).await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sentences_name_who_and_what() {
        let n = Notification {
            id: 3,
            kind: NotificationKind::Quote,
            actor: Some("李明".into()),
            post_id: Some(9),
            thread_id: Some(1),
            lecture_slug: None,
            text: "《乡土中国》第一章".into(),
            created_at: 0,
            read: false,
        };
        assert_eq!(n.sentence(), "李明 引用了你的帖子：《乡土中国》第一章");
        assert_eq!(n.href().as_deref(), Some("/posts/9?n=3"));
        let seat = Notification {
            kind: NotificationKind::Lecture,
            actor: None,
            post_id: None,
            thread_id: None,
            lecture_slug: Some("jiangzuo".into()),
            text: "候补成功".into(),
            ..n
        };
        assert_eq!(seat.sentence(), "候补成功");
        assert_eq!(seat.href().as_deref(), Some("/lectures/jiangzuo"));
    }
}

//! Writing posts, shared by starting a thread, replying and editing: input
//! checks, rendering (before any transaction opens), the posting rate limits
//! (also for edits and notes, each with its own counter), and who gets
//! notified.

use std::collections::BTreeMap;

use sqlx::AnyConnection;

use super::mentions::mentioned_names;
use super::queries::{self, NewPost, PostRecord, ThreadRecord};
use super::{POST_MAX, TITLE_MAX};
use crate::accounts::SessionUser;
use crate::notifications::NotificationKind;
use crate::notifications::queries::{NewNotification, insert as notify};
use platform::error::{AppError, FormErrors};
use platform::{PostLimits, rate};

/// Checks a post's Markdown; adds a message for `field` when it is bad.
pub fn check_body(body: &str, field: &str, f: &mut FormErrors) {
    if body.trim().is_empty() {
        f.add(field, "请写下帖子内容");
    } else if body.contains('\0') {
        // PostgreSQL cannot store it; nobody types it on purpose.
        f.add(field, "内容里有无法保存的空字符，请删除后再发");
    } else if body.chars().count() > POST_MAX {
        f.add(
            field,
            format!(
                "帖子不能超过 {POST_MAX} 个字（现在 {} 个字）",
                body.chars().count()
            ),
        );
    }
}

/// Checks a thread title.
pub fn check_title(title: &str, f: &mut FormErrors) {
    if title.is_empty() {
        f.add("title", "请填写主题标题");
    } else if title.chars().count() > TITLE_MAX {
        f.add("title", format!("标题不能超过 {TITLE_MAX} 个字"));
    } else if title.chars().any(char::is_control) {
        f.add("title", "标题不能换行或包含控制字符");
    }
}

/// A post's Markdown with its sanitised HTML. Made before the posting
/// transaction opens, so that no database lock (SQLite's single writer
/// above all) is held while rendering.
#[derive(Debug, Clone)]
pub struct PostBody {
    pub md: String,
    pub html: platform::SafeHtml,
}

impl PostBody {
    /// Renders Markdown the application wrote itself.
    pub fn render(md: String) -> PostBody {
        let html = platform::markdown::render(&md);
        PostBody { md, html }
    }

    /// Checks and renders what someone typed into `field`; `None` after
    /// adding a message for `field` to `f`.
    pub fn checked(body: &str, field: &str, f: &mut FormErrors) -> Option<PostBody> {
        check_body(body, field, f);
        checked_markdown(body, field, f).map(|html| PostBody {
            md: body.to_owned(),
            html,
        })
    }
}

/// Renders Markdown someone typed into `field` unless `f` already holds a
/// message for it; refuses plain `http:` images (see `platform::markdown`).
pub fn checked_markdown(body: &str, field: &str, f: &mut FormErrors) -> Option<platform::SafeHtml> {
    if f.field(field).is_some() {
        return None;
    }
    let rendered = platform::markdown::render_checked(body);
    if rendered.http_image {
        f.add(field, platform::markdown::HTTP_IMAGE_MESSAGE);
        return None;
    }
    Some(rendered.html)
}

/// What was typed, cut to what a form may carry back.
pub fn kept(text: &str) -> String {
    text.chars().take(POST_MAX + 100).collect()
}

/// Refuses a post when its author has posted too often lately. Run it in
/// the posting transaction (see [`platform::db::lock_account`]).
pub async fn check_rate(
    conn: &mut AnyConnection,
    user_id: i64,
    limits: &PostLimits,
    now: i64,
) -> Result<(), AppError> {
    platform::db::lock_account(conn, user_id).await?;
    let since = now - limits.window_secs;
    let recent = queries::posts_since(&mut *conn, user_id, since).await?;
    let oldest = if recent < limits.per_window {
        now // under the limit: the oldest post does not matter
    } else {
        queries::oldest_post_since(&mut *conn, user_id, since)
            .await?
            .unwrap_or(now)
    };
    let Err(exhausted) = rate::verdict((recent, oldest), 0, &limits.rate(), now) else {
        return Ok(());
    };
    let wait = exhausted.wait_secs;
    Err(AppError::TooManyRequests(format!(
        "发帖太频繁了，请 {wait} 秒后再发（每 {} 秒最多 {} 帖）",
        limits.window_secs, limits.per_window
    )))
}

/// Writing that the posting rate limit covers besides posts, each with a
/// counter of its own: a post edited a thousand times, or a thousand notes,
/// would otherwise make its pages as heavy as a thousand posts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Throttled {
    /// Editing a post (one's own, or as a moderator).
    Edit,
    /// Writing a reading note.
    Note,
}

impl Throttled {
    fn bucket(self) -> &'static str {
        match self {
            Throttled::Edit => "post_edit",
            Throttled::Note => "note_write",
        }
    }

    fn refusal(self, wait: i64, limits: &PostLimits) -> String {
        let (window, most) = (limits.window_secs, limits.per_window);
        match self {
            Throttled::Edit => {
                format!("修改太频繁了，请 {wait} 秒后再改（每 {window} 秒最多改 {most} 次）")
            }
            Throttled::Note => {
                format!("写心得太频繁了，请 {wait} 秒后再发（每 {window} 秒最多 {most} 篇）")
            }
        }
    }
}

/// Refuses an edit or a note when its writer has done that too often
/// lately, and otherwise counts this one. Run it in the transaction that
/// writes, so that a write that fails later is not counted either.
pub async fn check_and_count(
    conn: &mut AnyConnection,
    user_id: i64,
    what: Throttled,
    limits: &PostLimits,
    now: i64,
) -> Result<(), AppError> {
    platform::db::lock_account(conn, user_id).await?;
    let key = user_id.to_string();
    let limit = limits.rate();
    if let Err(exhausted) = rate::check(&mut *conn, what.bucket(), &key, &limit, now).await? {
        return Err(AppError::TooManyRequests(
            what.refusal(exhausted.wait_secs, limits),
        ));
    }
    rate::record(&mut *conn, what.bucket(), &key, now).await?;
    Ok(())
}

/// Appends a post to a thread and notifies the people it concerns who may
/// still read the thread, in the caller's transaction. Fails when the
/// thread is locked.
pub async fn publish(
    conn: &mut AnyConnection,
    thread: &ThreadRecord,
    author: &SessionUser,
    quote: Option<&PostRecord>,
    body: &PostBody,
    now: i64,
) -> Result<(i64, i64), AppError> {
    let new = NewPost {
        thread_id: thread.id,
        account_id: author.id,
        quote_id: quote.map(|q| q.id),
        body_md: &body.md,
        body_html: &body.html,
    };
    let Some((post_id, seq)) = queries::add_post(conn, &new, now).await? else {
        return Err(AppError::message("本主题已锁定，不能再回复"));
    };
    let mut recipients: BTreeMap<i64, NotificationKind> = BTreeMap::new();
    // Least specific first: a later, more specific reason replaces it.
    if seq > 1
        && let Some(owner) = thread.account_id
    {
        recipients.insert(owner, NotificationKind::Reply);
    }
    let names = mentioned_names(&body.md);
    for (id, _) in queries::accounts_named(&mut *conn, &names).await? {
        recipients.insert(id, NotificationKind::Mention);
    }
    if let Some(q) = quote
        && let Some(owner) = q.account_id
    {
        recipients.insert(owner, NotificationKind::Quote);
    }
    recipients.remove(&author.id);
    // Someone who has left a members-only group no longer hears of it.
    let mut readers = BTreeMap::new();
    for (account_id, kind) in recipients {
        if queries::may_read(
            &mut *conn,
            thread.group_id,
            platform::Viewer::Account(account_id),
        )
        .await?
        {
            readers.insert(account_id, kind);
        }
    }
    let text = format!("《{}》", thread.title);
    for (account_id, kind) in readers {
        let n = NewNotification {
            account_id,
            kind,
            actor_id: Some(author.id),
            post_id: Some(post_id),
            thread_id: Some(thread.id),
            text: &text,
        };
        notify(&mut *conn, &n, now).await?;
    }
    Ok((post_id, seq))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bodies_and_titles_get_chinese_messages() {
        let mut f = FormErrors::default();
        check_body("  ", "body", &mut f);
        check_title("", &mut f);
        assert_eq!(f.field("body"), Some("请写下帖子内容"));
        assert_eq!(f.field("title"), Some("请填写主题标题"));
        let mut f = FormErrors::default();
        check_body(&"字".repeat(POST_MAX + 1), "body", &mut f);
        check_title(&"题".repeat(TITLE_MAX + 1), &mut f);
        assert!(f.field("body").unwrap().starts_with("帖子不能超过"));
        assert!(f.field("title").unwrap().starts_with("标题不能超过"));
        let mut f = FormErrors::default();
        check_body(&"字".repeat(POST_MAX), "body", &mut f);
        check_title("读《乡土中国》", &mut f);
        assert!(f.is_empty());
    }
}

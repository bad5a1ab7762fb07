//! Writing posts, shared by starting a thread and replying: input checks,
//! the posting rate limit, rendering, and who gets notified.

use std::collections::BTreeMap;

use sqlx::AnyConnection;

use super::mentions::mentioned_names;
use super::queries::{self, NewPost, PostRecord, ThreadRecord};
use super::{POST_MAX, TITLE_MAX};
use crate::accounts::SessionUser;
use crate::error::{AppError, FormErrors};
use crate::notifications::NotificationKind;
use crate::notifications::queries::{NewNotification, insert as notify};
use crate::server::PostLimits;

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

/// What was typed, cut to what a form may carry back.
pub fn kept(text: &str) -> String {
    text.chars().take(POST_MAX + 100).collect()
}

/// Refuses a post when its author has posted too often lately. Run it in
/// the posting transaction: it first locks the author's account row, so
/// posts sent at the same moment are counted one after another.
pub async fn check_rate(
    conn: &mut AnyConnection,
    user_id: i64,
    limits: &PostLimits,
    now: i64,
) -> Result<(), AppError> {
    sqlx::query("UPDATE account SET id = id WHERE id = $1")
        .bind(user_id)
        .execute(&mut *conn)
        .await?;
    let since = now - limits.window_secs;
    let recent = queries::posts_since(&mut *conn, user_id, since).await?;
    if recent < limits.per_window {
        return Ok(());
    }
    let oldest = queries::oldest_post_since(&mut *conn, user_id, since)
        .await?
        .unwrap_or(now);
    let wait = (oldest + limits.window_secs - now).max(1);
    Err(AppError::TooManyRequests(format!(
        "发帖太频繁了，请 {wait} 秒后再发（每 {} 秒最多 {} 帖）",
        limits.window_secs, limits.per_window
    )))
}

/// Appends a post to a thread and notifies the people it concerns, in the
/// caller's transaction. Fails when the thread is locked.
pub async fn publish(
    conn: &mut AnyConnection,
    thread: &ThreadRecord,
    author: &SessionUser,
    quote: Option<&PostRecord>,
    body_md: &str,
    now: i64,
) -> Result<(i64, i64), AppError> {
    let body_html = crate::markdown::render(body_md);
    let new = NewPost {
        thread_id: thread.id,
        account_id: author.id,
        quote_id: quote.map(|q| q.id),
        body_md,
        body_html: &body_html,
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
    let names = mentioned_names(body_md);
    for (id, _) in queries::accounts_named(&mut *conn, &names).await? {
        if queries::may_read(&mut *conn, thread.group_id, id).await? {
            recipients.insert(id, NotificationKind::Mention);
        }
    }
    if let Some(q) = quote
        && let Some(owner) = q.account_id
    {
        recipients.insert(owner, NotificationKind::Quote);
    }
    recipients.remove(&author.id);
    let text = format!("《{}》", thread.title);
    for (account_id, kind) in recipients {
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

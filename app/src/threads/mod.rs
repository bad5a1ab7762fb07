//! Discussion threads (讨论区) in reading groups: Markdown posts, replies
//! with quotes and @mentions, likes, edits with a history on its own page,
//! deletion, pinning and locking, guided-reading posts, reports and
//! moderation, read positions. Notifications live in `crate::notifications`.

pub mod api;
pub mod mentions;
pub mod moderation;
pub mod pages;

#[cfg(feature = "ssr")]
pub mod queries;
#[cfg(feature = "ssr")]
pub mod reads;
#[cfg(feature = "ssr")]
pub mod routes;
#[cfg(feature = "ssr")]
pub mod write;

use serde::{Deserialize, Serialize};

/// Posts per page of a thread.
pub const PAGE_SIZE: i64 = 20;
/// Threads per page of a group's thread list.
pub const THREADS_PER_PAGE: i64 = 30;
/// Longest thread title, in characters.
pub const TITLE_MAX: usize = 80;
/// Longest post, in characters of Markdown.
pub const POST_MAX: usize = 10_000;
/// Longest report reason, in characters.
pub const REASON_MAX: usize = 200;
/// Earlier versions kept of each post (older ones go at the next edit).
pub const REVISIONS_KEPT: i64 = 50;
/// Earlier versions per page of a post's history.
pub const HISTORY_PAGE_SIZE: i64 = 10;

/// The page (1-based) a post with sequence number `seq` is on.
pub fn page_of(seq: i64) -> i64 {
    (seq.max(1) - 1) / PAGE_SIZE + 1
}

/// How many pages `posts` posts fill (at least one).
pub fn page_count(posts: i64) -> i64 {
    page_of(posts.max(1))
}

/// A thread as a list shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ThreadSummary {
    pub id: i64,
    pub group_slug: String,
    pub group_name: String,
    pub title: String,
    pub book_id: Option<i64>,
    pub book_title: Option<String>,
    pub author: String,
    pub pinned: bool,
    pub locked: bool,
    pub post_count: i64,
    pub last_post_at: i64,
    pub created_at: i64,
    /// Posts the viewer has not read yet (0 for visitors).
    pub unread: i64,
    /// The last post the viewer has read (0: none).
    pub last_read_seq: i64,
}

impl ThreadSummary {
    pub fn path(&self) -> String {
        format!("/groups/{}/threads/{}", self.group_slug, self.id)
    }

    /// Counts in a read position not written yet (see
    /// `crate::threads::reads`); a position behind the stored one changes nothing.
    pub fn read_up_to(&mut self, seq: i64) {
        if seq > self.last_read_seq {
            self.last_read_seq = seq;
            self.unread = (self.post_count - seq).max(0);
        }
    }

    /// Where a reader continues: the first unread post, or the start.
    pub fn continue_path(&self) -> String {
        if self.unread > 0 && self.last_read_seq > 0 {
            let seq = self.last_read_seq + 1;
            format!("{}?page={}#p{seq}", self.path(), page_of(seq))
        } else {
            self.path()
        }
    }
}

/// What became of a post.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum PostState {
    Visible,
    /// Deleted by its author: shows as 已删除, replies stay.
    Deleted,
    /// Hidden by an organiser.
    Hidden,
}

/// The post a reply quotes, as shown above the reply.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuoteView {
    pub post_id: i64,
    pub seq: i64,
    pub author: String,
    /// Plain text, shortened; empty when the quoted post is gone.
    pub excerpt: String,
}

/// An earlier version of an edited post.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Revision {
    pub body_html: platform::SafeHtml,
    pub written_at: i64,
}

/// A page of a post's edit history (`/posts/{id}/history`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PostHistory {
    pub post_id: i64,
    pub seq: i64,
    pub author: String,
    pub thread_title: String,
    /// The post's place in its thread (`/groups/…/threads/…?page=N#pS`).
    pub post_path: String,
    /// Edits ever made; the history keeps the latest [`REVISIONS_KEPT`].
    pub edits: i64,
    pub edited_at: Option<i64>,
    /// Earlier versions kept (fewer than `edits` when old ones were
    /// dropped or a moderator removed them).
    pub kept: i64,
    /// This page's versions, newest first.
    pub revisions: Vec<Revision>,
    pub page: i64,
}

/// A post as a reader sees it. `body_html` is empty when the reader may
/// not see the text (deleted, or hidden and the reader is not an organiser).
/// Earlier versions are not part of it: the history has its own page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PostView {
    pub id: i64,
    pub seq: i64,
    pub account_id: Option<i64>,
    pub author: String,
    pub state: PostState,
    pub body_html: platform::SafeHtml,
    /// The source, only for the author (to edit it).
    pub body_md: Option<String>,
    pub guide: bool,
    pub likes: i64,
    pub liked: bool,
    pub edits: i64,
    pub edited_at: Option<i64>,
    pub created_at: i64,
    pub quote: Option<QuoteView>,
}

impl PostView {
    /// The page of this post's edit history.
    pub fn history_path(&self) -> String {
        format!("/posts/{}/history", self.id)
    }
}

/// Everything the thread page shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ThreadPage {
    pub thread: ThreadSummary,
    pub group_closed: bool,
    /// Only members (and organisers) read this group's threads.
    pub members_only: bool,
    pub posts: Vec<PostView>,
    pub page: i64,
    pub pages: i64,
    pub viewer: Option<i64>,
    /// May reply (member or organiser, group open, thread not locked).
    pub can_post: bool,
    /// Why the viewer may not reply, when they may not.
    pub cannot_post_reason: Option<String>,
    /// May pin, lock and mark guided readings (leader, guide, organiser).
    pub can_steer: bool,
    /// May edit and delete anyone's posts (the group's leader, organisers).
    pub can_manage: bool,
    pub is_organiser: bool,
    /// The first post the viewer had not read when the page was loaded.
    pub first_unread_seq: Option<i64>,
    /// The post being quoted by the reply form (`?quote=`).
    pub quoting: Option<QuoteView>,
}

/// A group's thread list page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ThreadList {
    pub group_slug: String,
    pub group_name: String,
    pub threads: Vec<ThreadSummary>,
    pub page: i64,
    pub pages: i64,
    pub signed_in: bool,
    /// The signed-in reader's account (whose drafts the form keeps).
    pub viewer: Option<i64>,
    /// Only members (and organisers) read this group's threads.
    pub members_only: bool,
    /// May start a thread (member or organiser, group open).
    pub can_post: bool,
    pub cannot_post_reason: Option<String>,
    /// The group's reading list, to tie a new thread to a book.
    pub books: Vec<(i64, String)>,
}

/// Plain text of a post's Markdown, shortened for quotes and notifications.
pub fn excerpt(markdown: &str, max_chars: usize) -> String {
    let mut out = String::new();
    let mut count = 0;
    let mut last_space = true;
    for line in markdown.lines() {
        // Quotes of quotes are dropped; code fences and markup characters
        // are left out of the plain text.
        let line = line.trim();
        if line.starts_with('>') || line.starts_with("```") {
            continue;
        }
        for c in line.chars().chain(std::iter::once(' ')) {
            let c = if c.is_whitespace() { ' ' } else { c };
            if matches!(c, '*' | '_' | '`' | '#' | '~' | '|') || (c == ' ' && last_space) {
                continue;
            }
            if count == max_chars {
                let trimmed = out.trim_end().to_owned();
                return format!("{trimmed}…");
            }
            out.push(c);
            count += 1;
            last_space = c == ' ';
        }
    }
    out.trim_end().to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_follow_sequence_numbers() {
        assert_eq!(page_of(1), 1);
        assert_eq!(page_of(PAGE_SIZE), 1);
        assert_eq!(page_of(PAGE_SIZE + 1), 2);
        assert_eq!(page_count(0), 1);
        assert_eq!(page_count(10_000), 10_000 / PAGE_SIZE);
        assert_eq!(page_count(10_001), 10_000 / PAGE_SIZE + 1);
    }

    #[test]
    fn excerpts_are_plain_and_short() {
        assert_eq!(
            excerpt("> 旧的引用\n**重点**：读 `书`\n\n# 标题", 50),
            "重点：读 书 标题"
        );
        assert_eq!(excerpt("一二三四五六", 4), "一二三四…");
        assert_eq!(excerpt("", 4), "");
    }

    #[test]
    fn continue_path_points_at_the_first_unread_post() {
        let mut t = ThreadSummary {
            id: 7,
            group_slug: "g".into(),
            group_name: "群".into(),
            title: "t".into(),
            book_id: None,
            book_title: None,
            author: "a".into(),
            pinned: false,
            locked: false,
            post_count: 45,
            last_post_at: 0,
            created_at: 0,
            unread: 5,
            last_read_seq: 40,
        };
        assert_eq!(t.continue_path(), "/groups/g/threads/7?page=3#p41");
        t.unread = 0;
        assert_eq!(t.continue_path(), "/groups/g/threads/7");
    }
}

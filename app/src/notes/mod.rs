//! Reading notes (读书心得): Markdown attached to a book and optionally a
//! group, visible to everyone, to the group or only to the author; likes.

pub mod api;
pub mod components;

#[cfg(feature = "ssr")]
pub mod queries;

use serde::{Deserialize, Serialize};

crate::labelled_enum!(
    /// Who may read a note.
    Visibility {
        Public = "public", "所有人可见";
        Group = "group", "仅本群成员可见";
        Private = "private", "仅自己可见";
    }
);

pub const TITLE_MAX: usize = 60;

/// A note as a reader sees it (only notes they may read are ever built).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NoteView {
    pub id: i64,
    pub account_id: i64,
    pub author: String,
    pub book_id: i64,
    pub book_title: String,
    pub group_slug: Option<String>,
    pub group_name: Option<String>,
    pub visibility: Visibility,
    pub title: String,
    pub body_md: String,
    pub body_html: String,
    pub likes: i64,
    pub liked: bool,
    pub created_at: i64,
}

//! Reading notes (读书心得): Markdown attached to a book and optionally a
//! group, visible to everyone, to the group or only to the author; likes.
//! The book and group pages show the latest notes, a page of them; the rest
//! are on `/books/{id}/notes` and `/groups/{slug}/notes`. Only the
//! sanitised HTML goes to the browser: the Markdown source leaves the
//! server only in the author's own data export.

pub mod api;
pub mod components;
pub mod pages;

#[cfg(feature = "ssr")]
pub mod queries;

use serde::{Deserialize, Serialize};

platform::labelled_enum!(
    /// Who may read a note.
    Visibility {
        Public = "public", "所有人可见";
        Group = "group", "仅本群成员可见";
        Private = "private", "仅自己可见";
    }
);

pub const TITLE_MAX: usize = 60;
/// Notes per page on book and group pages and their note lists.
pub const NOTES_PER_PAGE: i64 = 20;

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
    pub body_html: platform::SafeHtml,
    pub likes: i64,
    pub liked: bool,
    pub created_at: i64,
}

/// One page of the notes on a book or in a group, newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NotePage {
    pub notes: Vec<NoteView>,
    pub page: i64,
    /// Notes the viewer may read there, on every page.
    pub total: i64,
}

impl NotePage {
    pub fn pages(&self) -> i64 {
        ((self.total + NOTES_PER_PAGE - 1) / NOTES_PER_PAGE).max(1)
    }

    pub fn has_more(&self) -> bool {
        self.page < self.pages()
    }
}

/// A list page of notes: on a book (`/books/{id}/notes`) or in a group
/// (`/groups/{slug}/notes`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NoteListPage {
    /// What the notes are about: `《书名》` or the group's name.
    pub title: String,
    /// The book's or the group's page.
    pub back: String,
    /// This list's address (without `?page=`).
    pub path: String,
    /// Show each note's book (in a group's list).
    pub show_book: bool,
    pub notes: NotePage,
    pub viewer: Option<i64>,
}

/// Where the notes of a book are listed.
pub fn book_notes_path(book_id: i64) -> String {
    format!("/books/{book_id}/notes")
}

/// Where the notes of a group are listed.
pub fn group_notes_path(slug: &str) -> String {
    format!("/groups/{slug}/notes")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn note_pages_count_twenty_a_page() {
        let page = |page, total| NotePage {
            notes: Vec::new(),
            page,
            total,
        };
        assert_eq!(page(1, 0).pages(), 1);
        assert!(!page(1, 20).has_more());
        assert!(page(1, 21).has_more());
        assert!(!page(2, 21).has_more());
    }
}

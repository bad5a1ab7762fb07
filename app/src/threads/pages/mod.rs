//! Pages of the discussion: a group's thread list, one thread, a post's
//! edit history, the organisers' moderation queue.

mod editor;
mod history;
mod list;
mod moderation;
mod post;
mod thread;

pub use editor::clear_all_drafts;
pub use history::PostHistoryPage;
pub use list::{ThreadListPage, ThreadRows};
pub use moderation::ModerationPage;
pub use thread::ThreadPage;

use leptos::prelude::*;

use crate::threads::api::{DeletePost, EditPost, SetPostGuide, SetThreadFlag};
use crate::threads::moderation::ReportPost;

/// The actions of a thread page: any of them reloads the page's data.
#[derive(Clone, Copy)]
pub struct ThreadActions {
    pub edit: ServerAction<EditPost>,
    pub delete: ServerAction<DeletePost>,
    pub report: ServerAction<ReportPost>,
    pub flag: ServerAction<SetThreadFlag>,
    pub guide: ServerAction<SetPostGuide>,
}

impl ThreadActions {
    fn new() -> ThreadActions {
        ThreadActions {
            edit: platform::flash::action(),
            delete: platform::flash::action(),
            report: platform::flash::action(),
            flag: platform::flash::action(),
            guide: platform::flash::action(),
        }
    }

    /// Changes whenever one of them completes.
    fn versions(&self) -> (usize, usize, usize, usize, usize) {
        (
            self.edit.version().get(),
            self.delete.version().get(),
            self.report.version().get(),
            self.flag.version().get(),
            self.guide.version().get(),
        )
    }

    /// The outcome of the latest one, as (is error, message).
    fn outcome(&self) -> Signal<Option<(bool, String)>> {
        let a = *self;
        Signal::derive(move || {
            let pick = |v: Option<Result<String, platform::error::AppError>>| {
                v.map(|r| match r {
                    Ok(m) => (false, m),
                    Err(e) => (true, e.to_string()),
                })
            };
            pick(a.report.value().get())
                .or_else(|| pick(a.edit.value().get()))
                .or_else(|| pick(a.delete.value().get()))
                .or_else(|| pick(a.flag.value().get()))
                .or_else(|| pick(a.guide.value().get()))
        })
    }
}

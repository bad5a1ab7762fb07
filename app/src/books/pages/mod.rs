//! The catalogue pages: /books, /books/{id}, the organisers' book form,
//! /books/recommended, /books/import, and the recommendation queue.

mod detail;
mod form;
mod import;
mod list;
mod recommended;

pub use detail::BookPage;
pub use form::{EditBookPage, NewBookPage};
pub use import::ImportPage;
pub use list::BooksPage;
pub use recommended::{RecommendationQueuePage, RecommendedPage};

use leptos::prelude::*;

use super::BookSummary;

/// A cover, or a plain placeholder with the title.
#[component]
pub fn Cover(book: BookSummary, #[prop(default = true)] thumb: bool) -> impl IntoView {
    match book.cover_url(thumb) {
        Some(url) => view! {
            <img class=if thumb { "cover thumb" } else { "cover" } src=url
                alt=format!("《{}》封面", book.fields.title) loading="lazy"/>
        }
        .into_any(),
        None => view! {
            <div class=if thumb { "cover thumb placeholder" } else { "cover placeholder" } aria-hidden="true">
                <span>{book.fields.title.clone()}</span>
            </div>
        }
        .into_any(),
    }
}

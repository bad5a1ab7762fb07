//! `/books/{id}/notes` and `/groups/{slug}/notes`: every note on a book or
//! in a group that the reader may read, twenty a page (`?page=N`), for
//! when the book or group page's latest ones are not enough.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

use super::api::{load_book_notes, load_group_notes};
use super::components::NoteList;
use super::{NOTES_PER_PAGE, NoteListPage};
use crate::layout::NotFound;
use crate::ui::pager::Pager;
use platform::error::AppError;

/// The `?page=` of the address (1 when absent).
fn page_number() -> Memo<i64> {
    let query = use_query_map();
    Memo::new(move |_| {
        query
            .with(|q| q.get("page"))
            .and_then(|p| p.parse().ok())
            .unwrap_or(1)
    })
}

#[component]
pub fn BookNotesPage() -> impl IntoView {
    let id = crate::ui::params::id_param();
    let page = page_number();
    let data = Resource::new(
        move || (id.get(), page.get()),
        |(id, page)| load_book_notes(id, page),
    );
    view! { <Notes data/> }
}

#[component]
pub fn GroupNotesPage() -> impl IntoView {
    let params = use_params_map();
    let slug = Memo::new(move |_| params.with(|p| p.get("slug")).unwrap_or_default());
    let page = page_number();
    let data = Resource::new(
        move || (slug.get(), page.get()),
        |(slug, page)| load_group_notes(slug, page),
    );
    view! { <Notes data/> }
}

#[component]
fn Notes(data: Resource<Result<NoteListPage, AppError>>) -> impl IntoView {
    view! {
        <Transition fallback=|| view! { <p class="loading">"正在加载读书心得…"</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(list) => view! { <NoteListView list/> }.into_any(),
                    Err(AppError::NotFound) => view! { <NotFound/> }.into_any(),
                    Err(e) => view! { <p class="form-alert" role="alert">{e.to_string()}</p> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn NoteListView(list: NoteListPage) -> impl IntoView {
    let NoteListPage {
        title,
        back,
        path,
        show_book,
        notes,
        viewer,
    } = list;
    view! {
        <Title text=format!("{title} · 读书心得")/>
        <nav class="breadcrumb" aria-label="位置">
            <a href=back>{title.clone()}</a>
            " › 读书心得"
        </nav>
        <h1>{format!("读书心得（{} 篇）", notes.total)}</h1>
        // The notes' titles are third-level headings, as on the book page.
        <h2 class="visually-hidden">{format!("第 {} 页", notes.page)}</h2>
        <NoteList notes=notes.notes me=viewer show_book empty="还没有读书心得。"/>
        <Pager page=notes.page total=notes.total per_page=NOTES_PER_PAGE base=path query=vec![]/>
    }
}

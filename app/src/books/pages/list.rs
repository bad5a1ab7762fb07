use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::Form;
use leptos_router::hooks::use_query_map;

use super::Cover;
use crate::books::api::{PER_PAGE, list_books};
use crate::ui::Pager;

#[component]
pub fn BooksPage() -> impl IntoView {
    let query = use_query_map();
    let q = Memo::new(move |_| query.with(|m| m.get("q")).unwrap_or_default());
    let page = Memo::new(move |_| {
        query
            .with(|m| m.get("page"))
            .and_then(|p| p.parse().ok())
            .unwrap_or(1i64)
    });
    let books = Resource::new(
        move || (q.get(), page.get()),
        |(q, page)| list_books(q, page),
    );
    view! {
        <Title text="书目"/>
        <div class="page-head">
            <h1>"书目"</h1>
            <p class="page-links">
                <a href="/books/recommended">"推荐书目"</a>
                <Transition fallback=|| ()>
                    {move || books.get().and_then(Result::ok).filter(|p| p.can_edit).map(|_| view! {
                        <a class="button small" href="/books/new">"添加图书"</a>
                        <a class="button small" href="/books/import">"导入 CSV"</a>
                        <a class="button small" href="/books/export.csv" download="shuxiang-books.csv" rel="external">"导出 CSV"</a>
                    })}
                </Transition>
            </p>
        </div>
        <Form method="GET" action="" attr:class="search-form" attr:role="search" attr:aria-label="查找图书">
            <label for="book-search">"查找图书"</label>
            <input id="book-search" type="search" name="q" value=move || q.get() placeholder="书名、作者或 ISBN"/>
            <button type="submit" class="button">"查找"</button>
        </Form>
        <Transition fallback=|| view! { <p class="loading">"正在加载…"</p> }>
            {move || books.get().map(|r| match r {
                Err(e) => view! { <p class="form-alert" role="alert">{e.to_string()}</p> }.into_any(),
                Ok(p) if p.books.is_empty() => view! { <p class="empty">"没有找到图书。"</p> }.into_any(),
                Ok(p) => view! {
                    <p class="muted">{format!("共 {} 本", p.total)}</p>
                    <ul class="book-grid">
                        {p.books.into_iter().map(|b| {
                            let href = format!("/books/{}", b.id);
                            view! {
                                <li class="book-card">
                                    <a href=href.clone() tabindex="-1" aria-hidden="true"><Cover book=b.clone()/></a>
                                    <div>
                                        <h2 class="book-title"><a href=href>{b.fields.title.clone()}</a></h2>
                                        <p class="muted">{b.fields.author.clone()}</p>
                                        {(!b.fields.publisher.is_empty()).then(|| view! {
                                            <p class="muted small">{b.fields.publisher.clone()}{b.fields.year.map(|y| format!(" · {y}"))}</p>
                                        })}
                                    </div>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                    <Pager page=p.page total=p.total per_page=PER_PAGE base="/books".to_owned() query=vec![("q".to_owned(), q.get_untracked())]/>
                }.into_any(),
            })}
        </Transition>
    }
}

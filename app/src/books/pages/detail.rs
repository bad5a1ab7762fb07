use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use super::Cover;
use crate::books::api::{BookDetail, RecommendBook, get_book};
use crate::books::isbn::hyphenless_isbn10;
use crate::groups::pages::GroupCards;
use crate::layout::NotFound;
use crate::notes::book_notes_path;
use crate::notes::components::{LatestNotes, NoteForm};
use crate::progress::components::ProgressForm;
use crate::threads::pages::ThreadRows;
use crate::ui::form::{field_error, form_error, kept_value, success_message};
use crate::ui::{FormAlert, Notice, SubmitButton, TextArea};

#[component]
pub fn BookPage() -> impl IntoView {
    let params = use_params_map();
    let id = Memo::new(move |_| {
        params
            .with(|p| p.get("id"))
            .and_then(|s| s.parse::<i64>().ok())
    });
    let version = RwSignal::new(0u64);
    let detail = Resource::new(
        move || (id.get(), version.get()),
        |(id, _)| async move {
            match id {
                Some(id) => get_book(id).await.map(Some),
                None => Ok(None),
            }
        },
    );
    let refresh = Callback::new(move |_| version.update(|v| *v += 1));
    view! {
        <Transition fallback=|| view! { <p class="loading">"正在加载…"</p> }>
            {move || Suspend::new(async move {
                match detail.await {
                    Ok(Some(d)) => view! { <BookView detail=d refresh/> }.into_any(),
                    Ok(None) | Err(platform::error::AppError::NotFound) => view! { <NotFound/> }.into_any(),
                    Err(e) => view! { <p class="form-alert" role="alert">{e.to_string()}</p> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn BookView(detail: BookDetail, refresh: Callback<()>) -> impl IntoView {
    let BookDetail {
        book,
        groups,
        notes,
        threads,
        my_progress,
        my_groups,
        viewer: me,
        can_edit,
        can_recommend,
    } = detail;
    let f = book.fields.clone();
    let isbn10 = f.isbn.as_deref().and_then(hyphenless_isbn10);
    let next = format!("/login?next=/books/{}", book.id);
    view! {
        <Title text=format!("《{}》", f.title)/>
        <article class="book">
            <div class="book-head">
                <Cover book=book.clone() thumb=false/>
                <div>
                    <h1>{format!("《{}》", f.title)}</h1>
                    <dl class="facts">
                        <dt>"作者"</dt><dd>{f.author.clone()}</dd>
                        {(!f.publisher.is_empty()).then(|| view! { <dt>"出版社"</dt><dd>{f.publisher.clone()}</dd> })}
                        {f.year.map(|y| view! { <dt>"出版年份"</dt><dd>{y}</dd> })}
                        {f.pages.map(|p| view! { <dt>"页数"</dt><dd>{p}</dd> })}
                        {f.isbn.clone().map(|i| view! { <dt>"ISBN"</dt><dd>{i}{isbn10.map(|t| format!("（ISBN-10：{t}）"))}</dd> })}
                    </dl>
                    {can_edit.then(|| view! { <p><a class="button small" href=format!("/books/{}/edit", book.id)>"编辑图书信息"</a></p> })}
                </div>
            </div>
            {(!f.summary.is_empty()).then(|| view! { <section class="panel"><h2>"内容简介"</h2><p class="summary">{f.summary.clone()}</p></section> })}

            <section class="panel" aria-labelledby="my-reading">
                <h2 id="my-reading">"我的阅读"</h2>
                {match my_groups.is_some() {
                    true => view! { <ProgressForm book_id=book.id current=my_progress/> }.into_any(),
                    false => view! { <p><a href=next.clone()>"登录"</a>"后记录阅读进度。"</p> }.into_any(),
                }}
            </section>

            {can_recommend.then(|| view! { <RecommendForm book_id=book.id/> })}

            <section class="panel" aria-labelledby="reading-groups">
                <h2 id="reading-groups">"正在共读这本书的读书群"</h2>
                <GroupCards groups empty="还没有读书群把这本书列入书目。"/>
            </section>

            <section class="panel" aria-labelledby="book-threads">
                <h2 id="book-threads">"讨论"</h2>
                <ThreadRows threads show_group=true empty="还没有关于这本书的讨论。"/>
            </section>
            <section class="panel" aria-labelledby="notes">
                <h2 id="notes">"读书心得"</h2>
                <LatestNotes notes path=book_notes_path(book.id) me empty="还没有人写这本书的读书心得。"/>
                {match my_groups {
                    Some(groups) => view! {
                        <h3>"写心得"</h3>
                        <NoteForm book_id=book.id groups on_saved=refresh/>
                    }.into_any(),
                    None => view! { <p><a href=next>"登录"</a>"后写读书心得。"</p> }.into_any(),
                }}
            </section>
        </article>
    }
}

#[component]
fn RecommendForm(book_id: i64) -> impl IntoView {
    let action = platform::flash::action::<RecommendBook>();
    let value = action.value();
    view! {
        <section class="panel" aria-labelledby="recommend">
            <h2 id="recommend">"荐书"</h2>
            <p class="muted">"向全体读者推荐这本书。管理员审核通过后，它会出现在推荐书目中。"</p>
            <ActionForm action attr:class="form" attr:novalidate=true>
                <input type="hidden" name="book_id" value=book_id/>
                <TextArea label="推荐理由" name="reason" rows=3 required=true
                    error=field_error(value, "reason") value=kept_value(value, "reason")/>
                <FormAlert message=form_error(value)/>
                <Notice message=success_message(value)/>
                <SubmitButton label="提交推荐" busy_label="正在提交…" pending=action.pending()/>
            </ActionForm>
        </section>
    }
}

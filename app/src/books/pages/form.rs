use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::admin::OrganisersOnly;
use crate::books::BookFields;
use crate::books::api::{CreateBook, UpdateBook, get_book};
use crate::ui::form::{field_error, form_error, kept_value, success_message};
use crate::ui::{FormAlert, Notice, SubmitButton, TextArea, TextField};
use platform::error::AppError;

fn num(n: Option<i64>) -> String {
    n.map(|n| n.to_string()).unwrap_or_default()
}

/// The book's fields as a form, prefilled from `initial` unless the last
/// submission failed (then what was typed is shown).
#[component]
fn BookInputs<T, S>(value: S, initial: Option<BookFields>) -> impl IntoView
where
    S: With<Value = Option<Result<T, AppError>>> + Copy + Send + Sync + 'static,
    T: Send + Sync + 'static,
{
    let field = move |k: &'static str, f: fn(&BookFields) -> String| {
        let initial = initial.clone();
        Signal::derive(move || {
            kept_value(value, k)
                .get()
                .or_else(|| initial.as_ref().map(f))
        })
    };
    view! {
        <TextField label="书名" name="title" error=field_error(value, "title") value=field("title", |b| b.title.clone())/>
        <TextField label="作者" name="author" error=field_error(value, "author") value=field("author", |b| b.author.clone())/>
        <div class="field-row">
            <TextField label="出版社" name="publisher" required=false error=field_error(value, "publisher")
                value=field("publisher", |b| b.publisher.clone())/>
            <TextField label="出版年份" name="year" required=false input_type=Signal::stored("number")
                error=field_error(value, "year") value=field("year", |b| num(b.year))/>
        </div>
        <div class="field-row">
            <TextField label="ISBN" name="isbn" required=false error=field_error(value, "isbn")
                value=field("isbn", |b| b.isbn.clone().unwrap_or_default()) hint="10 位或 13 位，可带连字符"/>
            <TextField label="页数" name="pages" required=false input_type=Signal::stored("number")
                error=field_error(value, "pages") value=field("pages", |b| num(b.pages))/>
        </div>
        <TextArea label="内容简介" name="summary" rows=5 error=field_error(value, "summary")
            value=field("summary", |b| b.summary.clone())/>
    }
}

#[component]
pub fn NewBookPage() -> impl IntoView {
    let action = platform::flash::action::<CreateBook>();
    let value = action.value();
    view! {
        <Title text="添加图书"/>
        <OrganisersOnly>
            <section class="form-card">
                <h1>"添加图书"</h1>
                <ActionForm action attr:class="form" attr:novalidate=true>
                    <BookInputs value initial=None/>
                    <FormAlert message=form_error(value)/>
                    <SubmitButton label="保存" busy_label="正在保存…" pending=action.pending()/>
                </ActionForm>
            </section>
        </OrganisersOnly>
    }
}

#[component]
pub fn EditBookPage() -> impl IntoView {
    let query = use_query_map();
    let id = crate::ui::params::id_param();
    let action = platform::flash::action::<UpdateBook>();
    let book = Resource::new(
        move || (id.get(), action.version().get()),
        |(id, _)| get_book(id),
    );
    let cover_message = Memo::new(move |_| query.with(|q| q.get("cover")));
    view! {
        <Title text="编辑图书"/>
        <OrganisersOnly>
            <Suspense fallback=|| view! { <p class="loading">"正在加载…"</p> }>
                {move || Suspend::new(async move {
                    match book.await {
                        Ok(d) => {
                            let value = action.value();
                            let book = d.book;
                            let id = book.id;
                            let title = book.fields.title.clone();
                            let fields = book.fields.clone();
                            view! {
                                <section class="form-card">
                                    <h1>{format!("编辑《{title}》")}</h1>
                                    <p><a href=format!("/books/{id}")>"返回图书页面"</a></p>
                                    <ActionForm action attr:class="form" attr:novalidate=true>
                                        <input type="hidden" name="id" value=id/>
                                        <BookInputs value initial=Some(fields)/>
                                        <FormAlert message=form_error(value)/>
                                        <Notice message=success_message(value)/>
                                        <SubmitButton label="保存" busy_label="正在保存…" pending=action.pending()/>
                                    </ActionForm>
                                </section>
                                <section class="form-card">
                                    <h2>"封面"</h2>
                                    <super::Cover book thumb=false/>
                                    {move || cover_message.get().map(|m| {
                                        let ok = m == "ok";
                                        view! {
                                            <p class=if ok { "notice" } else { "form-alert" } role=if ok { "status" } else { "alert" }>
                                                {if ok { "封面已更新".to_owned() } else { m }}
                                            </p>
                                        }
                                    })}
                                    <form class="form" method="post" action=format!("/books/{id}/cover") enctype="multipart/form-data">
                                        <div class="field">
                                            <label for="cover-file">"上传封面"</label>
                                            <input id="cover-file" type="file" name="cover" accept="image/jpeg,image/png,image/webp"
                                                aria-describedby="cover-hint"/>
                                            <p class="field-hint" id="cover-hint">"JPEG、PNG 或 WebP，不超过 5 MB；会自动裁成合适的大小"</p>
                                        </div>
                                        <button type="submit" class="button">"上传封面"</button>
                                    </form>
                                </section>
                            }
                            .into_any()
                        }
                        Err(e) => view! { <p class="form-alert" role="alert">{e.to_string()}</p> }.into_any(),
                    }
                })}
            </Suspense>
        </OrganisersOnly>
    }
}

//! Showing notes (with likes) and writing one.

use leptos::prelude::*;

use super::api::{DeleteNote, LikeNote, WriteNote};
use super::{NotePage, NoteView, Visibility};
use crate::ui::form::{field_error, form_error, kept_value, success_message};
use crate::ui::like::{LikeFields, Likes};
use crate::ui::{FormAlert, Notice, SelectField, SubmitButton, TextArea, TextField};
use platform::time::date_zh;

/// A list of notes, newest first; `me` is the viewer's account id.
#[component]
pub fn NoteList(
    notes: Vec<NoteView>,
    me: Option<i64>,
    /// Show which book each note is about (on pages not about one book).
    #[prop(default = false)]
    show_book: bool,
    #[prop(into)] empty: String,
) -> impl IntoView {
    if notes.is_empty() {
        return view! { <p class="empty">{empty}</p> }.into_any();
    }
    view! {
        <ul class="note-list">
            {notes.into_iter().map(|n| view! { <NoteItem note=n me show_book/> }).collect_view()}
        </ul>
    }
    .into_any()
}

/// The latest notes on a book or group page, with a link to the rest
/// (`path?page=2`).
#[component]
pub fn LatestNotes(
    notes: NotePage,
    /// The full list's address.
    path: String,
    me: Option<i64>,
    #[prop(default = false)] show_book: bool,
    #[prop(into)] empty: String,
) -> impl IntoView {
    let more = notes.has_more().then(|| {
        view! {
            <p><a class="button small" href=format!("{path}?page=2")>
                {format!("更多心得（共 {} 篇）", notes.total)}
            </a></p>
        }
    });
    view! {
        <NoteList notes=notes.notes me show_book empty/>
        {more}
    }
}

#[component]
fn NoteItem(note: NoteView, me: Option<i64>, show_book: bool) -> impl IntoView {
    let like = platform::flash::action::<LikeNote>();
    let delete = platform::flash::action::<DeleteNote>();
    let likes = Likes::follow(note.likes, note.liked, like.value());
    let deleted = move || matches!(delete.value().get(), Some(Ok(_)));
    let mine = me == Some(note.account_id);
    let id = note.id;
    let heading_id = format!("note-{id}");
    view! {
        <li class="note" id=heading_id.clone() hidden=deleted aria-labelledby=format!("{heading_id}-title")>
            <h3 class="note-title" id=format!("{heading_id}-title")>{note.title.clone()}</h3>
            <p class="note-meta">
                <span>{note.author.clone()}</span>
                " · " <span>{date_zh(note.created_at)}</span>
                {show_book.then(|| view! { " · 《" <a href=format!("/books/{}", note.book_id)>{note.book_title.clone()}</a> "》" })}
                {note.group_name.clone().zip(note.group_slug.clone()).map(|(name, slug)| view! {
                    " · " <a href=format!("/groups/{slug}")>{name}</a>
                })}
                {(note.visibility != Visibility::Public).then(|| view! { " · " <span class="tag">{note.visibility.label()}</span> })}
            </p>
            // Sanitised when written (see platform::markdown); never raw user HTML.
            <div class="prose" inner_html=note.body_html.clone()></div>
            <div class="note-actions">
                {match me {
                    Some(_) => view! {
                        <ActionForm action=like attr:class="inline-form">
                            <LikeFields id likes/>
                        </ActionForm>
                    }.into_any(),
                    None => view! { <span class="muted">"赞 " {likes.count}</span> }.into_any(),
                }}
                {mine.then(|| view! {
                    <ActionForm action=delete attr:class="inline-form">
                        <input type="hidden" name="id" value=id/>
                        <button type="submit" class="button small link">"删除"</button>
                    </ActionForm>
                })}
            </div>
        </li>
    }
}

/// Writing a note on a book; `groups` are the writer's groups.
#[component]
pub fn NoteForm(book_id: i64, groups: Vec<(i64, String)>, on_saved: Callback<()>) -> impl IntoView {
    let action = platform::flash::action::<WriteNote>();
    let value = action.value();
    let form = NodeRef::<leptos::html::Form>::new();
    Effect::new(move |_| {
        if matches!(value.get(), Some(Ok(_))) {
            // Published: start the next note from an empty form.
            if let Some(f) = form.get() {
                f.reset();
            }
            on_saved.run(());
        }
    });
    let mut group_options = vec![(String::new(), "不关联读书群".to_owned())];
    group_options.extend(groups.into_iter().map(|(id, name)| (id.to_string(), name)));
    let visibility_options = Visibility::ALL
        .iter()
        .map(|v| (v.as_str().to_owned(), v.label().to_owned()))
        .collect();
    let visibility = Signal::derive(move || {
        kept_value(value, "visibility")
            .get()
            .or(Some("public".to_owned()))
    });
    view! {
        <ActionForm action node_ref=form attr:class="form note-form" attr:novalidate=true>
            <input type="hidden" name="book_id" value=book_id/>
            <TextField label="标题" name="title" error=field_error(value, "title") value=kept_value(value, "title")/>
            <TextArea label="读书心得" name="body" rows=8 required=true error=field_error(value, "body")
                value=kept_value(value, "body") hint="支持 Markdown：**加粗**、> 引用、- 列表"/>
            <div class="field-row">
                <SelectField label="关联读书群" name="group_id" options=group_options
                    error=field_error(value, "group_id") value=kept_value(value, "group_id")/>
                <SelectField label="谁可以看到" name="visibility" options=visibility_options
                    error=field_error(value, "visibility") value=visibility/>
            </div>
            <FormAlert message=form_error(value)/>
            <Notice message=success_message(value)/>
            <SubmitButton label="发布心得" busy_label="正在发布…" pending=action.pending()/>
        </ActionForm>
    }
}

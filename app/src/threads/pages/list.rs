//! `/groups/{slug}/threads`: a group's threads (pinned first, unread
//! marked) and the form to start one; the short lists on group and book
//! pages.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_navigate, use_params_map, use_query_map};

use super::editor::{MarkdownEditor, clear_draft, thread_draft_key};
use crate::layout::NotFound;
use crate::threads::api::{CreateThread, load_thread_list};
use crate::threads::{THREADS_PER_PAGE, ThreadList, ThreadSummary};
use crate::ui::form::{field_error, form_error, kept_value};
use crate::ui::pager::Pager;
use crate::ui::{FormAlert, SelectField, SubmitButton, TextField};
use platform::error::AppError;
use platform::time::datetime_zh;

#[component]
pub fn ThreadListPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let slug = Memo::new(move |_| params.with(|p| p.get("slug")).unwrap_or_default());
    let page = Memo::new(move |_| {
        query
            .with(|q| q.get("page"))
            .and_then(|p| p.parse().ok())
            .unwrap_or(1)
    });
    let create = platform::flash::action::<CreateThread>();
    let data = Resource::new(
        move || (slug.get(), page.get()),
        |(s, p)| load_thread_list(s, p),
    );
    let navigate = use_navigate();
    Effect::new(move |_| {
        if let Some(Ok(path)) = create.value().get() {
            let me = data
                .get_untracked()
                .and_then(|l| l.ok())
                .and_then(|l| l.viewer);
            clear_draft(thread_draft_key(me, &slug.get_untracked()).as_deref());
            navigate(&path, Default::default());
        }
    });
    view! {
        <Transition fallback=|| view! { <p class="loading">"正在加载讨论区…"</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(list) => view! { <ListView list create/> }.into_any(),
                    Err(AppError::NotFound) => view! { <NotFound/> }.into_any(),
                    Err(e) => view! { <p class="form-alert" role="alert">{e.to_string()}</p> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn ListView(list: ThreadList, create: ServerAction<CreateThread>) -> impl IntoView {
    let total = list.pages * THREADS_PER_PAGE;
    let base = format!("/groups/{}/threads", list.group_slug);
    view! {
        <Title text=format!("{} · 讨论区", list.group_name)/>
        <nav class="breadcrumb" aria-label="位置">
            <a href=format!("/groups/{}", list.group_slug)>{list.group_name.clone()}</a>
            " › 讨论区"
        </nav>
        <h1>"讨论区"</h1>
        {list.members_only.then(|| view! { <p class="muted">"本群讨论仅群成员和管理员可见。"</p> })}
        <ThreadRows threads=list.threads.clone() show_group=false empty="还没有讨论，来发起第一个话题吧。"/>
        <Pager page=list.page total per_page=THREADS_PER_PAGE base query=vec![]/>
        <section class="panel" id="new-thread" aria-labelledby="new-thread-title">
            <h2 id="new-thread-title">"发起新话题"</h2>
            {if list.can_post {
                view! { <NewThreadForm list=list.clone() create/> }.into_any()
            } else {
                view! {
                    <p class="muted">{list.cannot_post_reason.clone().unwrap_or_default()}</p>
                    {(!list.signed_in).then(|| view! {
                        <p><a class="button primary" href=format!("/login?next=/groups/{}/threads", list.group_slug)>"登录"</a></p>
                    })}
                }.into_any()
            }}
        </section>
    }
}

#[component]
fn NewThreadForm(list: ThreadList, create: ServerAction<CreateThread>) -> impl IntoView {
    let value = create.value();
    let sent = Signal::derive(move || {
        if matches!(value.get(), Some(Ok(_))) {
            create.version().get()
        } else {
            0
        }
    });
    let mut books = vec![(String::new(), "不关联图书".to_owned())];
    books.extend(
        list.books
            .iter()
            .map(|(id, title)| (id.to_string(), format!("《{title}》"))),
    );
    view! {
        <ActionForm action=create attr:class="form" attr:novalidate=true>
            <input type="hidden" name="slug" value=list.group_slug.clone()/>
            <TextField label="标题" name="title" error=field_error(value, "title") value=kept_value(value, "title")/>
            <SelectField label="关于哪本书" name="book_id" options=books error=field_error(value, "book_id")
                value=kept_value(value, "book_id")/>
            <MarkdownEditor label="内容" name="body" error=field_error(value, "body") kept=kept_value(value, "body")
                draft_key=thread_draft_key(list.viewer, &list.group_slug) mention_group=list.group_slug.clone() sent/>
            <FormAlert message=form_error(value)/>
            <SubmitButton label="发布话题" busy_label="正在发布…" pending=create.pending()/>
        </ActionForm>
    }
}

/// Threads as rows: pinned, locked, unread, replies, last activity.
#[component]
pub fn ThreadRows(
    threads: Vec<ThreadSummary>,
    /// Show which group each thread is in (on pages not about one group).
    show_group: bool,
    #[prop(into)] empty: String,
) -> impl IntoView {
    if threads.is_empty() {
        return view! { <p class="empty">{empty}</p> }.into_any();
    }
    view! {
        <ul class="thread-list">
            {threads.into_iter().map(|t| {
                let unread = t.unread > 0;
                view! {
                    <li class="thread-row" class:thread-unread=unread>
                        <p class="thread-row-title">
                            {t.pinned.then(|| view! { <span class="badge pinned">"置顶"</span> " " })}
                            {t.locked.then(|| view! { <span class="badge locked">"已锁定"</span> " " })}
                            <a href=t.continue_path()>{t.title.clone()}</a>
                            {unread.then(|| view! {
                                " " <span class="badge unread">{if t.last_read_seq == 0 { "新".to_owned() } else { format!("{} 条未读", t.unread) }}</span>
                            })}
                        </p>
                        <p class="muted small">
                            {show_group.then(|| format!("{} · ", t.group_name))}
                            {format!("{} 发起 · {} 帖 · 最后回复 {}", t.author, t.post_count, datetime_zh(t.last_post_at))}
                            {t.book_title.clone().map(|b| format!(" · 《{b}》"))}
                        </p>
                    </li>
                }
            }).collect_view()}
        </ul>
    }
    .into_any()
}

//! `/groups/{slug}/threads/{id}`: one thread, a page of its posts (`?page=N`),
//! and the reply form (`?quote=ID` quotes a post).

use std::sync::Arc;

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

use super::ThreadActions;
use super::editor::{MarkdownEditor, reply_draft_key};
use super::post::PostItem;
use crate::layout::NotFound;
use crate::threads::api::{Reply, load_thread_page};
use crate::threads::{PAGE_SIZE, ThreadPage as Page};
use crate::ui::form::{field_error, form_error, kept_value};
use crate::ui::pager::Pager;
use crate::ui::{FormAlert, SubmitButton};
use platform::error::AppError;

#[component]
pub fn ThreadPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let slug = Memo::new(move |_| params.with(|p| p.get("slug")).unwrap_or_default());
    let id = crate::ui::params::id_param();
    let page_no = Memo::new(move |_| query.with(|q| q.get("page")).and_then(|p| p.parse().ok()));
    let quote = Memo::new(move |_| query.with(|q| q.get("quote")).and_then(|p| p.parse().ok()));
    let actions = ThreadActions::new();
    let reply = platform::flash::action::<Reply>();
    let data = Resource::new(
        move || {
            (
                slug.get(),
                id.get(),
                page_no.get(),
                quote.get(),
                actions.versions(),
                reply.version().get(),
            )
        },
        |(slug, id, page, quote, ..)| load_thread_page(slug, id, page, quote),
    );
    view! {
        <Transition fallback=|| view! { <p class="loading">"正在加载讨论…"</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(p) => view! { <ThreadView page=p actions reply/> }.into_any(),
                    Err(AppError::NotFound) => view! { <NotFound/> }.into_any(),
                    Err(e) => view! { <p class="form-alert" role="alert">{e.to_string()}</p> }.into_any(),
                }
            })}
        </Transition>
    }
}

/// Scrolls to the post named in the address (`#p12`), else to the first
/// unread one, once the page is on screen: an island without a view.
#[island]
fn ScrollToPost(first_unread: Option<i64>) -> impl IntoView {
    Effect::new(move |_| scroll_to_post(first_unread));
}

fn scroll_to_post(first_unread: Option<i64>) {
    #[cfg(feature = "hydrate")]
    {
        let hash = window().location().hash().unwrap_or_default();
        let target = match hash.strip_prefix('#') {
            Some(h) if !h.is_empty() => Some(h.to_owned()),
            _ => first_unread.map(|s| format!("p{s}")),
        };
        if let Some(el) = target.and_then(|t| document().get_element_by_id(&t)) {
            el.scroll_into_view();
        }
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = first_unread;
}

#[component]
fn ThreadView(mut page: Page, actions: ThreadActions, reply: ServerAction<Reply>) -> impl IntoView {
    // The posts go to their items; the rest is shared by them, not copied.
    let posts = std::mem::take(&mut page.posts);
    let page = Arc::new(page);
    let t = page.thread.clone();
    let first_unread = page.first_unread_seq;
    let outcome = actions.outcome();
    let base = t.path();
    view! {
        <Title text=t.title.clone()/>
        {first_unread.map(|seq| view! { <ScrollToPost first_unread=Some(seq)/> })}
        <article class="thread">
            <nav class="breadcrumb" aria-label="位置">
                <a href=format!("/groups/{}", t.group_slug)>{t.group_name.clone()}</a>
                " › "
                <a href=format!("/groups/{}/threads", t.group_slug)>"讨论区"</a>
            </nav>
            <header class="thread-head">
                <h1>
                    {t.pinned.then(|| view! { <span class="badge pinned">"置顶"</span> " " })}
                    {t.locked.then(|| view! { <span class="badge locked">"已锁定"</span> " " })}
                    {t.title.clone()}
                </h1>
                <p class="muted">
                    {format!("{} 发起 · 共 {} 帖", t.author, t.post_count)}
                    {t.book_id.zip(t.book_title.clone()).map(|(b, title)| view! {
                        " · 关于 " <a href=format!("/books/{b}")>{format!("《{title}》")}</a>
                    })}
                </p>
                {page.members_only.then(|| view! { <p class="muted small">"本群讨论仅群成员和管理员可见。"</p> })}
                {page.can_steer.then(|| view! { <SteerBar page=Arc::clone(&page) actions/> })}
            </header>
            <div role="status" aria-live="polite">
                {move || outcome.get().map(|(bad, m)| view! {
                    <p class=if bad { "form-alert" } else { "notice" }>{m}</p>
                })}
            </div>
            <Pager page=page.page total=t.post_count per_page=PAGE_SIZE base=base.clone() query=vec![]/>
            <ol class="post-list">
                {posts.into_iter().map(|p| view! { <PostItem post=p page=Arc::clone(&page) actions/> }).collect_view()}
            </ol>
            <Pager page=page.page total=t.post_count per_page=PAGE_SIZE base=base.clone() query=vec![]/>
            <section class="panel" id="reply" aria-labelledby="reply-title">
                <h2 id="reply-title">"回复"</h2>
                {if page.can_post {
                    view! { <ReplyForm page=Arc::clone(&page) reply/> }.into_any()
                } else {
                    let reason = page.cannot_post_reason.clone().unwrap_or_default();
                    let login = page.viewer.is_none();
                    view! {
                        <p class="muted">{reason}</p>
                        {login.then(|| view! {
                            <p><a class="button primary" href=format!("/login?next={}", t.path())>"登录"</a></p>
                        })}
                    }.into_any()
                }}
            </section>
        </article>
    }
}

/// Pin and lock, for leaders, guides and organisers.
#[component]
fn SteerBar(page: Arc<Page>, actions: ThreadActions) -> impl IntoView {
    let t = page.thread.clone();
    let flag = move |name: &'static str, on: bool, label: &'static str| {
        view! {
            <ActionForm action=actions.flag attr:class="inline-form">
                <input type="hidden" name="id" value=t.id/>
                <input type="hidden" name="flag" value=name/>
                <input type="hidden" name="on" value=if on { "1" } else { "0" }/>
                <button type="submit" class="button small">{label}</button>
            </ActionForm>
        }
    };
    view! {
        <div class="steer-bar" role="group" aria-label="管理本主题">
            {if t.pinned { flag("pinned", false, "取消置顶") } else { flag("pinned", true, "置顶") }}
            {if t.locked { flag("locked", false, "解除锁定") } else { flag("locked", true, "锁定") }}
        </div>
    }
}

#[component]
fn ReplyForm(page: Arc<Page>, reply: ServerAction<Reply>) -> impl IntoView {
    let value = reply.value();
    let sent = Signal::derive(move || {
        if matches!(value.get(), Some(Ok(_))) {
            reply.version().get()
        } else {
            0
        }
    });
    let quoting = page.quoting.clone();
    let slug = page.thread.group_slug.clone();
    view! {
        <ActionForm action=reply attr:class="form reply-form" attr:novalidate=true>
            <input type="hidden" name="thread_id" value=page.thread.id/>
            <input type="hidden" name="quote_id" value=quoting.as_ref().map(|q| q.post_id.to_string()).unwrap_or_default()/>
            {quoting.map(|q| view! {
                <blockquote class="post-quote">
                    <p class="small">{format!("引用 {} 在 #{} 楼的帖子：", q.author, q.seq)}</p>
                    <p>{q.excerpt}</p>
                    <a class="small" href=page.thread.path()>"不引用了"</a>
                </blockquote>
            })}
            <MarkdownEditor label="回复内容" name="body" error=field_error(value, "body") kept=kept_value(value, "body")
                draft_key=reply_draft_key(page.viewer, page.thread.id) mention_group=slug sent/>
            <FormAlert message=form_error(value)/>
            <SubmitButton label="发表回复" busy_label="正在发表…" pending=reply.pending()/>
        </ActionForm>
    }
}

//! `/me/notifications`: replies, quotes, mentions and moderation, newest
//! first; opening the page marks them read.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::Redirect;
use leptos_router::hooks::use_query_map;

use super::{NotificationPage, PER_PAGE, my_notifications};
use crate::ui::pager::Pager;
use platform::error::AppError;
use platform::time::datetime_zh;

#[component]
pub fn NotificationsPage() -> impl IntoView {
    let query = use_query_map();
    let page = Memo::new(move |_| {
        query
            .with(|q| q.get("page"))
            .and_then(|p| p.parse().ok())
            .unwrap_or(1)
    });
    let data = Resource::new(move || page.get(), my_notifications);
    view! {
        <Title text="通知"/>
        <h1>"通知"</h1>
        <Transition fallback=|| view! { <p class="loading">"正在加载…"</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(p) => view! { <NotificationList page=p/> }.into_any(),
                    Err(AppError::Unauthenticated) => view! { <Redirect path="/login?next=/me/notifications"/> }.into_any(),
                    Err(e) => view! { <p class="form-alert" role="alert">{e.to_string()}</p> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn NotificationList(page: NotificationPage) -> impl IntoView {
    if page.items.is_empty() {
        return view! { <p class="empty">"还没有通知。有人回复你的话题、引用你的帖子或 @ 你时，会在这里告诉你。"</p> }.into_any();
    }
    let total = page.pages * PER_PAGE;
    view! {
        <ul class="notification-list">
            {page.items.into_iter().map(|n| {
                let sentence = n.sentence();
                let href = n.href();
                view! {
                    <li class="notification" class:notification-new=!n.read>
                        {(!n.read).then(|| view! { <span class="badge unread">"新"</span> " " })}
                        {match href {
                            Some(h) => view! { <a href=h rel="external">{sentence}</a> }.into_any(),
                            None => view! { <span>{sentence}</span> }.into_any(),
                        }}
                        <span class="muted small">" · " {datetime_zh(n.created_at)}</span>
                    </li>
                }
            }).collect_view()}
        </ul>
        <Pager page=page.page total per_page=PER_PAGE base="/me/notifications".to_owned() query=vec![]/>
    }
    .into_any()
}

//! `/posts/{id}/history`: the earlier versions of an edited post, newest
//! first, a page at a time (`?page=N`). The thread page only links here, so
//! it weighs the same however often a post was edited. Server-rendered: it
//! works without WebAssembly.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::layout::NotFound;
use crate::threads::api::load_post_history;
use crate::threads::{HISTORY_PAGE_SIZE, PostHistory, REVISIONS_KEPT};
use crate::ui::pager::Pager;
use platform::error::AppError;
use platform::time::datetime_zh;

#[component]
pub fn PostHistoryPage() -> impl IntoView {
    let query = use_query_map();
    let id = crate::ui::params::id_param();
    let page = Memo::new(move |_| {
        query
            .with(|q| q.get("page"))
            .and_then(|p| p.parse().ok())
            .unwrap_or(1)
    });
    let data = Resource::new(
        move || (id.get(), page.get()),
        |(id, page)| load_post_history(id, page),
    );
    view! {
        <Transition fallback=|| view! { <p class="loading">"正在加载编辑历史…"</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(h) => view! { <HistoryView history=h/> }.into_any(),
                    Err(AppError::NotFound) => view! { <NotFound/> }.into_any(),
                    Err(e) => view! { <p class="form-alert" role="alert">{e.to_string()}</p> }.into_any(),
                }
            })}
        </Transition>
    }
}

/// The name of version `n` of a post (1 is the text first posted).
fn version_name(n: i64) -> String {
    if n <= 1 {
        "原文".to_owned()
    } else {
        format!("第 {n} 版")
    }
}

#[component]
fn HistoryView(history: PostHistory) -> impl IntoView {
    let h = history;
    // The kept versions are the most recent ones, so the newest is version
    // `edits` (the current text is version `edits + 1`).
    let first = h.edits - (h.page - 1) * HISTORY_PAGE_SIZE;
    let summary = format!(
        "{} 在 #{} 楼的帖子已编辑 {} 次{}。",
        h.author,
        h.seq,
        h.edits,
        h.edited_at
            .map(|t| format!("，最后于 {}", datetime_zh(t)))
            .unwrap_or_default()
    );
    let missing = if h.kept == 0 {
        Some("早先的版本已不再保留（可能已被管理员从历史中删除）。".to_owned())
    } else if h.kept < h.edits {
        Some(format!(
            "只保留最近的 {} 个早先版本（最多 {REVISIONS_KEPT} 个）。",
            h.kept
        ))
    } else {
        None
    };
    view! {
        <Title text=format!("编辑历史 · {}", h.thread_title)/>
        <nav class="breadcrumb" aria-label="位置">
            <a href=h.post_path.clone()>{format!("《{}》#{} 楼", h.thread_title, h.seq)}</a>
            " › 编辑历史"
        </nav>
        <h1>"编辑历史"</h1>
        <p class="muted">{summary}</p>
        {missing.map(|m| view! { <p class="muted small">{m}</p> })}
        <ol class="history-list" aria-label="早先的版本，最新的在前">
            {h.revisions.iter().enumerate().map(|(i, r)| {
                let n = first - i as i64;
                view! {
                    <li class="revision" aria-label=version_name(n)>
                        <p class="muted small">
                            <strong>{version_name(n)}</strong>
                            {format!(" · {} 写", datetime_zh(r.written_at))}
                        </p>
                        // Sanitised when the version was written.
                        <div class="prose" inner_html=r.body_html.clone()></div>
                    </li>
                }
            }).collect_view()}
        </ol>
        <Pager page=h.page total=h.kept per_page=HISTORY_PAGE_SIZE
            base=format!("/posts/{}/history", h.post_id) query=vec![]/>
        <p><a class="button small" href=h.post_path>"返回帖子"</a></p>
    }
}

#[cfg(test)]
mod tests {
    use super::version_name;

    #[test]
    fn versions_are_named_from_the_first() {
        assert_eq!(version_name(1), "原文");
        assert_eq!(version_name(3), "第 3 版");
    }
}

//! The Markdown box of posts: what is typed is kept as a draft in the
//! browser (it survives a reload), a preview shows the rendered text before
//! posting, and typing `@` suggests members of the group. Without
//! WebAssembly it is a plain text box that still posts.
//!
//! Drafts belong to the signed-in account (its id is part of the key, and a
//! visitor keeps none), and signing out forgets them all
//! ([`clear_all_drafts`]): on a shared phone the next person must not find
//! someone else's unsent reply, least of all one in a members-only group.

use leptos::prelude::*;

use crate::threads::POST_MAX;
use crate::threads::api::{preview_post, suggest_mentions};
use crate::threads::mentions::typing_mention;

#[cfg(feature = "hydrate")]
mod storage {
    fn store() -> Option<leptos::web_sys::Storage> {
        leptos::prelude::window().local_storage().ok().flatten()
    }

    pub fn load(key: &str) -> Option<String> {
        store()?
            .get_item(key)
            .ok()
            .flatten()
            .filter(|s| !s.is_empty())
    }

    pub fn save(key: &str, text: &str) {
        if let Some(s) = store() {
            let _ = if text.trim().is_empty() {
                s.remove_item(key)
            } else {
                s.set_item(key, text)
            };
        }
    }

    /// Forgets the draft `key` when the form holding `area` is sent: the
    /// page the server answers with shows the post, or the text again with
    /// the error if it failed.
    pub fn forget_on_submit(area: leptos::web_sys::HtmlTextAreaElement, key: String) {
        use leptos::wasm_bindgen::JsCast;
        let handle = leptos::prelude::window_event_listener(leptos::ev::submit, move |ev| {
            let form = ev
                .target()
                .and_then(|t| t.dyn_into::<leptos::web_sys::Node>().ok());
            if form.is_some_and(|f| f.contains(Some(&area))) {
                save(&key, "");
            }
        });
        // The listener lives as long as the page.
        std::mem::forget(handle);
    }

    pub fn remove_all(prefix: &str) {
        let Some(s) = store() else { return };
        let count = s.length().unwrap_or(0);
        // Collected first: removing while walking the indices skips keys.
        let keys: Vec<String> = (0..count)
            .filter_map(|i| s.key(i).ok().flatten())
            .filter(|k| k.starts_with(prefix))
            .collect();
        for k in keys {
            let _ = s.remove_item(&k);
        }
    }
}

#[cfg(not(feature = "hydrate"))]
mod storage {
    pub fn load(_key: &str) -> Option<String> {
        None
    }

    pub fn save(_key: &str, _text: &str) {}

    pub fn forget_on_submit<T>(_area: T, _key: String) {}

    pub fn remove_all(_prefix: &str) {}
}

/// What every draft's key starts with.
const DRAFT_PREFIX: &str = "shuxiang:draft:";

/// Forgets a draft (after it was posted).
pub fn clear_draft(key: Option<&str>) {
    if let Some(key) = key {
        storage::save(key, "");
    }
}

/// Forgets every draft kept in this browser, whoever wrote it (at sign-out).
pub fn clear_all_drafts() {
    storage::remove_all(DRAFT_PREFIX);
}

/// Where `account`'s draft of a reply to a thread is kept (a visitor keeps
/// no drafts).
pub fn reply_draft_key(account: Option<i64>, thread_id: i64) -> Option<String> {
    account.map(|a| format!("{DRAFT_PREFIX}{a}:reply:{thread_id}"))
}

/// Where `account`'s draft of a new thread in a group is kept.
pub fn thread_draft_key(account: Option<i64>, slug: &str) -> Option<String> {
    account.map(|a| format!("{DRAFT_PREFIX}{a}:thread:{slug}"))
}

/// The text before a cursor given in UTF-16 code units (what browsers count).
fn before_cursor(text: &str, utf16_pos: u32) -> &str {
    let mut units = 0u32;
    for (i, c) in text.char_indices() {
        if units >= utf16_pos {
            return &text[..i];
        }
        units += c.len_utf16() as u32;
    }
    text
}

#[component]
pub fn MarkdownEditor(
    #[prop(into)] label: String,
    name: &'static str,
    #[prop(into)] error: Signal<Option<String>>,
    /// What was typed before a failed submit (shown again).
    #[prop(into)]
    kept: Signal<Option<String>>,
    /// Where the draft is kept in the browser (`None`: nowhere).
    draft_key: Option<String>,
    /// The group whose members are suggested after `@`.
    mention_group: String,
    /// Changes after a successful post. With islands the page is rendered
    /// again after a post, so the box starts empty anyway.
    #[prop(into)]
    sent: Signal<usize>,
    #[prop(default = 8)] rows: u32,
) -> impl IntoView {
    let _ = sent;
    view! {
        <MarkdownEditorIsland label name=name.to_owned() error=error.get_untracked()
            kept=kept.get_untracked() draft_key mention_group rows/>
    }
}

/// The interactive part of [`MarkdownEditor`]: an island, with props the
/// server hands to the browser (the last failed submission's error and text).
#[island]
pub fn MarkdownEditorIsland(
    label: String,
    name: String,
    error: Option<String>,
    kept: Option<String>,
    draft_key: Option<String>,
    mention_group: String,
    rows: u32,
) -> impl IntoView {
    let error = RwSignal::new(error);
    let id = format!("field-{name}");
    let error_id = format!("{id}-error");
    let hint_id = format!("{id}-hint");
    let area = NodeRef::<leptos::html::Textarea>::new();
    let text = RwSignal::new(kept.clone().unwrap_or_default());
    let hydrated = RwSignal::new(false);
    let restored = RwSignal::new(false);
    let previewing = RwSignal::new(false);
    let suggestions = RwSignal::new(Vec::<(String, String)>::new());
    let preview = Action::new(|body: &String| preview_post(body.clone()));

    // After hydration: bring back a draft if the box is empty, and forget
    // it once the form is sent.
    let key = draft_key.clone();
    Effect::new(move |_| {
        hydrated.set(true);
        if let (Some(key), Some(el)) = (key.clone(), area.get_untracked()) {
            storage::forget_on_submit(el, key);
        }
        if text.get_untracked().trim().is_empty()
            && let Some(draft) = key.as_deref().and_then(storage::load)
            && let Some(el) = area.get_untracked()
        {
            el.set_value(&draft);
            text.set(draft);
            restored.set(true);
        }
    });
    let key = draft_key.clone();
    let group = mention_group.clone();
    let on_input = move |_| {
        let Some(el) = area.get_untracked() else {
            return;
        };
        let value = el.value();
        if let Some(key) = &key {
            storage::save(key, &value);
        }
        let cursor = el.selection_start().ok().flatten().unwrap_or(0);
        let typed = typing_mention(before_cursor(&value, cursor)).map(str::to_owned);
        text.set(value);
        match typed {
            Some(typed) => {
                let group = group.clone();
                leptos::task::spawn_local(async move {
                    let found = suggest_mentions(group, typed).await.unwrap_or_default();
                    suggestions.set(found);
                });
            }
            None => suggestions.set(Vec::new()),
        }
    };

    let key = draft_key.clone();
    let insert_mention = Callback::new(move |username: String| {
        let Some(el) = area.get_untracked() else {
            return;
        };
        let value = el.value();
        let cursor = el.selection_start().ok().flatten().unwrap_or(0);
        let before = before_cursor(&value, cursor);
        let Some(at) = before.rfind('@') else { return };
        let after = &value[before.len()..];
        let new_value = format!("{}@{username} {after}", &before[..at]);
        let caret =
            (before[..at].encode_utf16().count() + username.encode_utf16().count() + 2) as u32;
        el.set_value(&new_value);
        let _ = el.set_selection_range(caret, caret);
        let _ = el.focus();
        if let Some(key) = &key {
            storage::save(key, &new_value);
        }
        text.set(new_value);
        suggestions.set(Vec::new());
    });

    let show_preview = move |_| {
        previewing.set(true);
        preview.dispatch(text.get_untracked());
    };

    view! {
        <div class="field editor" class:field-invalid=move || error.with(Option::is_some)>
            <div class="editor-head">
                <label for=id.clone()>{label}</label>
                <Show when=move || hydrated.get()>
                    <div class="editor-tabs" role="group" aria-label="编辑或预览">
                        <button type="button" class="button small" aria-pressed=move || (!previewing.get()).to_string()
                            on:click=move |_| previewing.set(false)>"编辑"</button>
                        <button type="button" class="button small" aria-pressed=move || previewing.get().to_string()
                            on:click=show_preview>"预览"</button>
                    </div>
                </Show>
            </div>
            <textarea
                id=id.clone()
                name=name
                rows=rows
                node_ref=area
                hidden=move || previewing.get()
                aria-required="true"
                aria-invalid=move || error.with(Option::is_some).then_some("true")
                aria-describedby=format!("{error_id} {hint_id}")
                on:input=on_input
            >
                {kept.unwrap_or_default()}
            </textarea>
            <Show when=move || previewing.get()>
                <div class="editor-preview" aria-live="polite">
                    {move || match preview.value().get() {
                        None => view! { <p class="loading">"正在生成预览…"</p> }.into_any(),
                        Some(Ok(html)) if html.trim().is_empty() => view! { <p class="empty">"还没有内容可以预览。"</p> }.into_any(),
                        // Rendered and sanitised by the server, exactly as it will be stored.
                        Some(Ok(html)) => view! { <div class="prose" inner_html=html></div> }.into_any(),
                        Some(Err(e)) => view! { <p class="form-alert" role="alert">{e.to_string()}</p> }.into_any(),
                    }}
                </div>
            </Show>
            <Show when=move || !suggestions.with(Vec::is_empty)>
                <ul class="mention-list" aria-label="提到的人">
                    {move || suggestions.get().into_iter().map(|(username, display)| {
                        let pick = username.clone();
                        view! {
                            <li>
                                <button type="button" class="mention-option" on:click=move |_| insert_mention.run(pick.clone())>
                                    {display} " " <span class="muted">"@" {username}</span>
                                </button>
                            </li>
                        }
                    }).collect_view()}
                </ul>
            </Show>
            <p class="field-error" id=error_id.clone() role="alert" hidden=move || error.with(Option::is_none)>
                {move || error.get()}
            </p>
            <p class="field-hint" id=hint_id.clone()>
                {format!("支持 Markdown：**加粗**、> 引用、- 列表、[链接](https://…)；输入 @用户名 可以提到群成员；最多 {POST_MAX} 字。")}
                <Show when=move || restored.get()>
                    " " <span class="notice-inline">"已恢复上次未发送的草稿。"</span>
                </Show>
            </p>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::{before_cursor, reply_draft_key, thread_draft_key};

    #[test]
    fn drafts_belong_to_an_account() {
        assert_eq!(
            reply_draft_key(Some(7), 12).as_deref(),
            Some("shuxiang:draft:7:reply:12")
        );
        assert_eq!(
            thread_draft_key(Some(7), "g").as_deref(),
            Some("shuxiang:draft:7:thread:g")
        );
        assert_ne!(reply_draft_key(Some(7), 12), reply_draft_key(Some(8), 12));
        assert_eq!(reply_draft_key(None, 12), None);
        assert_eq!(thread_draft_key(None, "g"), None);
    }

    #[test]
    fn cursor_positions_count_utf16_units() {
        assert_eq!(before_cursor("读书@li", 3), "读书@");
        assert_eq!(before_cursor("𝄞ab", 2), "𝄞");
        assert_eq!(before_cursor("ab", 10), "ab");
    }
}

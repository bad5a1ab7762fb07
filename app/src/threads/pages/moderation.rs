//! `/admin/moderation`: reported posts, hidden posts and the moderation log.

use leptos::prelude::*;
use leptos_meta::Title;

use crate::admin::OrganisersOnly;
use crate::threads::moderation::{
    Moderate, ModerationQueue, QueuedPost, action_label, load_moderation_queue,
};
use platform::time::datetime_zh;

#[component]
pub fn ModerationPage() -> impl IntoView {
    let act = platform::flash::action::<Moderate>();
    let data = Resource::new(move || act.version().get(), |_| load_moderation_queue());
    let outcome = move || {
        act.value().get().map(|r| match r {
            Ok(m) => view! { <p class="notice">{m}</p> }.into_any(),
            Err(e) => view! { <p class="form-alert">{e.to_string()}</p> }.into_any(),
        })
    };
    view! {
        <Title text="内容审核"/>
        <OrganisersOnly>
            <h1>"内容审核"</h1>
            <div role="status" aria-live="polite">{outcome}</div>
            <Transition fallback=|| view! { <p class="loading">"正在加载…"</p> }>
                {move || Suspend::new(async move {
                    match data.await {
                        Ok(q) => view! { <QueueView queue=q act/> }.into_any(),
                        Err(e) => view! { <p class="form-alert" role="alert">{e.to_string()}</p> }.into_any(),
                    }
                })}
            </Transition>
        </OrganisersOnly>
    }
}

#[component]
fn QueueView(queue: ModerationQueue, act: ServerAction<Moderate>) -> impl IntoView {
    view! {
        <section class="panel" aria-labelledby="reported">
            <h2 id="reported">{format!("待处理的举报（{} 篇帖子）", queue.reported.len())}</h2>
            {if queue.reported.is_empty() {
                view! { <p class="empty">"没有待处理的举报。"</p> }.into_any()
            } else {
                view! {
                    <ul class="queue">
                        {queue.reported.into_iter().map(|p| view! { <QueuedItem post=p act/> }).collect_view()}
                    </ul>
                }.into_any()
            }}
        </section>
        <section class="panel" aria-labelledby="hidden-posts">
            <h2 id="hidden-posts">"已隐藏的帖子"</h2>
            {if queue.hidden.is_empty() {
                view! { <p class="empty">"没有被隐藏的帖子。"</p> }.into_any()
            } else {
                view! {
                    <ul class="queue">
                        {queue.hidden.into_iter().map(|p| view! { <QueuedItem post=p act/> }).collect_view()}
                    </ul>
                }.into_any()
            }}
        </section>
        <section class="panel" aria-labelledby="mod-log">
            <h2 id="mod-log">"审核记录"</h2>
            {if queue.log.is_empty() {
                view! { <p class="empty">"还没有审核记录。"</p> }.into_any()
            } else {
                view! {
                    <div class="table-wrap">
                        <table class="data-table">
                            <thead><tr>
                                <th scope="col">"时间"</th><th scope="col">"操作人"</th>
                                <th scope="col">"操作"</th><th scope="col">"对象"</th><th scope="col">"说明"</th>
                            </tr></thead>
                            <tbody>
                                {queue.log.into_iter().map(|e| view! {
                                    <tr>
                                        <td>{datetime_zh(e.at)}</td>
                                        <td>{e.actor}</td>
                                        <td>{action_label(&e.action)}</td>
                                        <td>
                                            {e.thread_title.map(|t| format!("《{t}》"))}
                                            {e.post_id.map(|p| view! { " " <a href=format!("/posts/{p}") rel="external">"查看帖子"</a> })}
                                        </td>
                                        <td>{e.note}</td>
                                    </tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                    </div>
                }.into_any()
            }}
        </section>
    }
}

#[component]
fn QueuedItem(post: QueuedPost, act: ServerAction<Moderate>) -> impl IntoView {
    let id = post.post_id;
    let note_id = format!("mod-note-{id}");
    let button = move |action: &'static str, label: &'static str| {
        view! {
            <button type="submit" name="action" value=action class="button small">{label}</button>
        }
    };
    view! {
        <li class="queue-item">
            <p>
                <strong>{post.author.clone()}</strong>
                {format!(" 在「{}」《{}》中的帖子", post.group_name, post.thread_title)}
                " " <a href=format!("/posts/{id}") rel="external">"查看原帖"</a>
                {post.hidden.then(|| view! { " " <span class="badge locked">"已隐藏"</span> })}
                {post.deleted.then(|| view! { " " <span class="badge">"作者已删除"</span> })}
            </p>
            {if post.deleted {
                view! { <p class="post-gone">"作者已删除此帖，原文不再显示。"</p> }.into_any()
            } else {
                // Sanitised when written.
                view! { <div class="prose quoted" inner_html=post.body_html.clone()></div> }.into_any()
            }}
            {(!post.reports.is_empty()).then(|| view! {
                <ul class="reports">
                    {post.reports.iter().map(|r| view! {
                        <li>{format!("{}（{}）：{}", r.reporter, datetime_zh(r.created_at), r.reason)}</li>
                    }).collect_view()}
                </ul>
            })}
            <ActionForm action=act attr:class="form moderation-form">
                <input type="hidden" name="id" value=id/>
                <label for=note_id.clone()>"处理说明（会告知作者，可选）"</label>
                <input id=note_id type="text" name="note" maxlength=200/>
                <div class="button-row">
                    {if post.hidden { button("restore", "恢复帖子") } else { button("hide", "隐藏帖子") }}
                    {(!post.reports.is_empty()).then(|| button("dismiss", "驳回举报"))}
                </div>
            </ActionForm>
        </li>
    }
}

//! One post of a thread, with what the viewer may do to it.

use std::sync::Arc;

use leptos::prelude::*;

use super::ThreadActions;
use crate::threads::{PostState, PostView, REASON_MAX, ThreadPage};
use crate::ui::like::{LikeFields, Likes};
use platform::time::datetime_zh;

#[component]
pub fn PostItem(post: PostView, page: Arc<ThreadPage>, actions: ThreadActions) -> impl IntoView {
    let me = page.viewer;
    let mine = me.is_some() && post.account_id == me;
    // Authors change their own posts; leaders and organisers anyone's.
    let deletable = (mine || page.can_manage) && !page.group_closed;
    // In a locked thread only leaders and organisers still edit.
    let editable = deletable && (!page.thread.locked || page.can_manage);
    let visible = post.state == PostState::Visible;
    let unread = page.first_unread_seq.is_some_and(|s| post.seq >= s);
    let id = post.id;
    let anchor = format!("p{}", post.seq);
    let quote_href = format!("{}?page={}&quote={id}#reply", page.thread.path(), page.page);
    let likes = post.likes;
    let body = match post.state {
        PostState::Visible => {
            view! { <div class="prose" inner_html=post.body_html.clone()></div> }.into_any()
        }
        PostState::Deleted => view! { <p class="post-gone">"此帖已删除。"</p> }.into_any(),
        PostState::Hidden if post.body_html.is_empty() => {
            view! { <p class="post-gone">"此帖已被管理员隐藏。"</p> }.into_any()
        }
        PostState::Hidden => view! {
            <p class="post-gone">"此帖已被管理员隐藏（仅管理员可见原文）："</p>
            <div class="prose hidden-text" inner_html=post.body_html.clone()></div>
        }
        .into_any(),
    };
    view! {
        <li class="post" id=anchor.clone() class:post-guide=post.guide class:post-unread=unread
            aria-labelledby=format!("{anchor}-head")>
            <header class="post-head" id=format!("{anchor}-head")>
                <span class="post-author">{post.author.clone()}</span>
                {post.guide.then(|| view! { <span class="badge guide">"导读"</span> })}
                {unread.then(|| view! { <span class="badge unread">"未读"</span> })}
                <span class="muted small">{datetime_zh(post.created_at)}</span>
                <a class="post-link muted small" href=format!("/posts/{id}") rel="external"
                    aria-label=format!("第 {} 楼的固定链接", post.seq)>{format!("#{}", post.seq)}</a>
            </header>
            {post.quote.clone().map(|q| view! {
                <blockquote class="post-quote">
                    <a href=format!("/posts/{}", q.post_id) rel="external">{format!("{} 在 #{} 楼说：", q.author, q.seq)}</a>
                    {if q.excerpt.is_empty() {
                        view! { <p class="muted">"（原帖已删除或隐藏）"</p> }.into_any()
                    } else {
                        view! { <p>{q.excerpt.clone()}</p> }.into_any()
                    }}
                </blockquote>
            })}
            {body}
            {(post.edits > 0 && !post.body_html.is_empty()).then(|| view! {
                // The earlier versions open on their own page, so this page
                // weighs the same however often the post was edited.
                <p class="post-edited muted small">
                    {format!("已编辑 {} 次", post.edits)}
                    {post.edited_at.map(|t| format!("（最后于 {}）", datetime_zh(t)))}
                    " · "
                    <a href=post.history_path()>"查看编辑历史"</a>
                </p>
            })}
            <div class="post-actions">
                {(visible && me.is_some() && !page.group_closed).then(|| view! {
                    <LikeButton id likes liked=post.liked/>
                })}
                {(visible && (me.is_none() || page.group_closed)).then(|| view! { <span class="muted small">"赞 " {likes}</span> })}
                {(visible && page.can_post).then(|| view! {
                    <a class="button small" href=quote_href.clone()>"引用回复"</a>
                })}
                {(visible && page.can_steer).then(|| view! {
                    <ActionForm action=actions.guide attr:class="inline-form">
                        <input type="hidden" name="id" value=id/>
                        <input type="hidden" name="on" value=if post.guide { "0" } else { "1" }/>
                        <button type="submit" class="button small">{if post.guide { "取消导读" } else { "标为导读" }}</button>
                    </ActionForm>
                })}
            </div>
            {(editable && visible).then(|| {
                let source = post.body_md.clone().unwrap_or_default();
                view! {
                    <details class="post-edit">
                        <summary>"编辑"</summary>
                        <ActionForm action=actions.edit attr:class="form">
                            <input type="hidden" name="id" value=id/>
                            <label class="visually-hidden" for=format!("edit-{id}")>"修改帖子内容"</label>
                            <textarea id=format!("edit-{id}") name="body" rows=6>{source}</textarea>
                            {(!mine).then(|| view! {
                                <div class="field checkbox">
                                    <label><input type="checkbox" name="redact" value="1"/>
                                        " 从历史中删除原文（作者会收到通知，此操作记入审核记录）"</label>
                                </div>
                            })}
                            <button type="submit" class="button primary small">"保存修改"</button>
                        </ActionForm>
                    </details>
                }
            })}
            {(deletable && visible).then(|| view! {
                // Two steps, so a slip of the finger deletes nothing (works
                // without WebAssembly too).
                <details class="post-delete">
                    <summary>"删除"</summary>
                    <ActionForm action=actions.delete attr:class="inline-form">
                        <input type="hidden" name="id" value=id/>
                        <span class="muted small">{if mine { "删除后显示为“此帖已删除”，回复会保留。" } else { "将删除他人的帖子，作者会收到通知。" }}</span>
                        " "
                        <button type="submit" class="button small">"确认删除"</button>
                    </ActionForm>
                </details>
            })}
            {(visible && !mine && me.is_some()).then(|| view! {
                <details class="post-report">
                    <summary>"举报"</summary>
                    <ActionForm action=actions.report attr:class="form">
                        <input type="hidden" name="id" value=id/>
                        <label for=format!("report-{id}")>"举报理由"</label>
                        <input id=format!("report-{id}") type="text" name="reason" maxlength=REASON_MAX required=true
                            placeholder="例如：广告、人身攻击、与读书无关"/>
                        <button type="submit" class="button small">"提交举报"</button>
                    </ActionForm>
                </details>
            })}
        </li>
    }
}

/// The like button: an island, so the count changes in place without
/// fetching the page again. Without WebAssembly it is a form that posts.
#[island]
fn LikeButton(id: i64, likes: i64, liked: bool) -> impl IntoView {
    let like = ServerAction::<crate::threads::api::LikePost>::new();
    let likes = Likes::follow(likes, liked, like.value());
    view! {
        <ActionForm action=like attr:class="inline-form">
            <LikeFields id likes/>
        </ActionForm>
    }
}

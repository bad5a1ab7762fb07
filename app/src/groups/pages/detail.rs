use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

use super::{StatusBadge, seats_text, term_text};
use crate::groups::api::{
    GroupPage as Page, JoinGroup, LeaveGroup, MyPlace, WithdrawJoinRequest, get_group,
};
use crate::groups::{GroupRole, GroupStatus, JoinPolicy, Seat};
use crate::layout::NotFound;
use crate::notes::components::LatestNotes;
use crate::notes::group_notes_path;
use crate::progress::components::{CheckInForm, CheckedIn};
use crate::threads::pages::ThreadRows;
use crate::ui::form::{form_error, success_message};
use crate::ui::{FormAlert, Notice};
use platform::error::AppError;
use platform::time::day_text_zh;

#[component]
pub fn GroupPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let slug = Memo::new(move |_| params.with(|p| p.get("slug")).unwrap_or_default());
    let invite = Memo::new(move |_| query.with(|q| q.get("invite")));
    let join = platform::flash::action::<JoinGroup>();
    let leave = platform::flash::action::<LeaveGroup>();
    let withdraw = platform::flash::action::<WithdrawJoinRequest>();
    let version = RwSignal::new(0u64);
    let page = Resource::new(
        move || {
            (
                slug.get(),
                version.get(),
                join.version().get(),
                leave.version().get(),
                withdraw.version().get(),
            )
        },
        |(slug, ..)| get_group(slug),
    );
    let refresh = Callback::new(move |_| version.update(|v| *v += 1));
    let actions = JoinActions {
        join,
        leave,
        withdraw,
    };
    view! {
        <Transition fallback=|| view! { <p class="loading">"正在加载…"</p> }>
            {move || Suspend::new(async move {
                match page.await {
                    Ok(p) => view! { <GroupView page=p invite=invite.get_untracked() actions refresh/> }.into_any(),
                    Err(AppError::NotFound) => view! { <NotFound/> }.into_any(),
                    Err(e) => view! { <p class="form-alert" role="alert">{e.to_string()}</p> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[derive(Clone, Copy)]
struct JoinActions {
    join: ServerAction<JoinGroup>,
    leave: ServerAction<LeaveGroup>,
    withdraw: ServerAction<WithdrawJoinRequest>,
}

#[component]
fn GroupView(
    page: Page,
    invite: Option<String>,
    actions: JoinActions,
    refresh: Callback<()>,
) -> impl IntoView {
    let g = page.summary.clone();
    let slug = g.slug.clone();
    let viewer = page.viewer;
    let current: Vec<_> = page
        .items
        .iter()
        .filter(|i| i.is_current(&page.today))
        .cloned()
        .collect();
    let leader = page
        .members
        .iter()
        .find(|m| m.role == GroupRole::Leader)
        .map(|m| m.display_name.clone());
    view! {
        <Title text=g.name.clone()/>
        <article class="group">
            <header class="group-head">
                <p class="group-card-top">
                    <StatusBadge status=g.status/>
                    <span class="tag">{g.kind.label()}</span>
                    {g.sector.clone().map(|s| view! { <span class="tag">{s}</span> })}
                    {(!g.committee.is_empty()).then(|| view! { <span class="tag">{g.committee.clone()}</span> })}
                </p>
                <h1>{g.name.clone()}</h1>
                {(!g.theme.is_empty()).then(|| view! { <p class="group-theme">{format!("主题：{}", g.theme)}</p> })}
                <dl class="facts">
                    <dt>"期次"</dt><dd>{term_text(&g)}</dd>
                    <dt>"加入方式"</dt><dd>{g.join_policy.label()}</dd>
                    <dt>"名额"</dt><dd>{seats_text(&g)}</dd>
                    {leader.map(|l| view! { <dt>"群主"</dt><dd>{l}</dd> })}
                </dl>
                <JoinPanel page=page.clone() invite actions/>
            </header>

            {(!page.description_html.is_empty()).then(|| view! {
                <section class="panel">
                    <h2>"简介"</h2>
                    // Sanitised when saved (platform::markdown).
                    <div class="prose" inner_html=page.description_html.clone()></div>
                </section>
            })}

            {page.me.clone().filter(|m| m.role.is_some() && g.status == GroupStatus::Active).map(|m| view! {
                <section class="panel" aria-labelledby="check-in">
                    <h2 id="check-in">"今日打卡"</h2>
                    {if m.checked_in_today {
                        view! { <CheckedIn/> }.into_any()
                    } else {
                        view! { <CheckInForm slug=slug.clone() on_saved=refresh/> }.into_any()
                    }}
                </section>
            })}

            <section class="panel" aria-labelledby="reading-list">
                <h2 id="reading-list">"书目"</h2>
                {(!current.is_empty()).then(|| view! {
                    <p class="now-reading">"正在共读：" {current.iter().map(|i| format!("《{}》", i.title)).collect::<Vec<_>>().join("、")}</p>
                })}
                {if page.items.is_empty() {
                    view! { <p class="empty">"书目还没有安排。"</p> }.into_any()
                } else {
                    view! {
                        <ol class="reading-list">
                            {page.items.iter().map(|i| {
                                let now = i.is_current(&page.today);
                                view! {
                                    <li class:current=now>
                                        <h3>
                                            <a href=format!("/books/{}", i.book_id)>{format!("《{}》", i.title)}</a>
                                            " " <span class="muted">{i.author.clone()}</span>
                                            {now.then(|| view! { " " <span class="badge status-active">"本期在读"</span> })}
                                        </h3>
                                        <p class="muted small">{format!("{} 至 {}", day_text_zh(&i.starts_on), day_text_zh(&i.ends_on))}</p>
                                        {(!i.guide_html.is_empty()).then(|| view! {
                                            <details open=now>
                                                <summary>"导读"</summary>
                                                <div class="prose" inner_html=i.guide_html.clone()></div>
                                            </details>
                                        })}
                                    </li>
                                }
                            }).collect_view()}
                        </ol>
                    }.into_any()
                }}
                {page.me.as_ref().filter(|m| m.can_guide).map(|_| view! {
                    <p><a class="button small" href=format!("/groups/{}/manage", g.slug)>"管理书目与导读"</a></p>
                })}
            </section>

            {if page.people_visible {
                view! {
                    <section class="panel" aria-labelledby="progress-board">
                        <h2 id="progress-board">"阅读进度"</h2>
                        <ProgressBoard page=page.clone()/>
                    </section>
                    <section class="panel" aria-labelledby="members">
                        <h2 id="members">{format!("成员（{} 人）", g.members)}</h2>
                        <ul class="member-list">
                            {page.members.iter().map(|m| view! {
                                <li>
                                    <span class="member-name">{m.display_name.clone()}</span>
                                    {(m.role != GroupRole::Member).then(|| view! { <span class="badge role">{m.role.label()}</span> })}
                                    <span class="muted small">{m.account_role.label()}</span>
                                </li>
                            }).collect_view()}
                        </ul>
                    </section>
                }.into_any()
            } else {
                view! {
                    <section class="panel" aria-labelledby="members">
                        <h2 id="members">{format!("成员（{} 人）", g.members)}</h2>
                        <p class="muted">"本群仅成员可见：成员名单和阅读进度只对本群成员显示。"</p>
                    </section>
                }.into_any()
            }}

            <section class="panel" aria-labelledby="group-notes">
                <h2 id="group-notes">"读书心得"</h2>
                <LatestNotes notes=page.notes.clone() path=group_notes_path(&g.slug) me=viewer show_book=true
                    empty="还没有与本群相关的读书心得。"/>
                {viewer.map(|_| view! { <p class="muted small">"在书目中的图书页面可以写心得，并选择关联到本群。"</p> })}
            </section>

            <section class="panel" aria-labelledby="threads">
                <h2 id="threads">"讨论区"</h2>
                {match page.threads.clone() {
                    Some(threads) => view! {
                        <ThreadRows threads show_group=false empty="还没有讨论。"/>
                        <p><a class="button small" href=format!("/groups/{}/threads", g.slug)>"进入讨论区"</a></p>
                    }.into_any(),
                    None => view! { <p class="muted">"本群讨论区仅群成员可见。"</p> }.into_any(),
                }}
            </section>
        </article>
    }
}

/// Join, request, withdraw or leave, with what stands in the way.
#[component]
fn JoinPanel(page: Page, invite: Option<String>, actions: JoinActions) -> impl IntoView {
    let g = page.summary.clone();
    let slug = g.slug.clone();
    let outcome = Signal::derive(move || {
        success_message(actions.join.value())
            .get()
            .or_else(|| success_message(actions.leave.value()).get())
            .or_else(|| success_message(actions.withdraw.value()).get())
    });
    let failure = Signal::derive(move || {
        form_error(actions.join.value())
            .get()
            .or_else(|| form_error(actions.leave.value()).get())
    });
    let body = match (&page.me, g.status) {
        (_, GroupStatus::Ended) => view! { <p class="muted">"本群已结束，内容仅供查看。"</p> }.into_any(),
        (None, _) => view! {
            <p><a class="button primary" href=format!("/login?next=/groups/{slug}")>"登录后加入"</a></p>
        }.into_any(),
        (Some(MyPlace { role: Some(role), .. }), _) => view! {
            <p class="notice">{format!("你是本群{}", if *role == GroupRole::Member { "成员".to_owned() } else { role.label().to_owned() })}</p>
            {(*role != GroupRole::Leader).then(|| view! {
                <ActionForm action=actions.leave attr:class="inline-form">
                    <input type="hidden" name="slug" value=slug.clone()/>
                    <button type="submit" class="button small">"退出本群"</button>
                </ActionForm>
            })}
        }.into_any(),
        (Some(MyPlace { pending_request: true, .. }), _) => view! {
            <p class="notice">"已提交加入申请，等待群主审核。"</p>
            <ActionForm action=actions.withdraw attr:class="inline-form">
                <input type="hidden" name="slug" value=slug.clone()/>
                <button type="submit" class="button small">"撤回申请"</button>
            </ActionForm>
        }.into_any(),
        (Some(me), _) => {
            let left = match me.seat {
                Seat::Member => g.member_seats_left(),
                _ => g.reader_seats_left(),
            };
            let seat_name = if me.seat == Seat::Member { "委员" } else { "读者" };
            let invited = invite.is_some();
            match g.join_policy {
                JoinPolicy::Invitation if !invited => view! {
                    <p class="muted">"本群仅限受邀加入，请使用群主分享的邀请链接。"</p>
                }.into_any(),
                _ if left <= 0 => view! {
                    <p class="form-alert" role="status">{format!("{seat_name}名额已满，暂时无法加入。")}</p>
                }.into_any(),
                JoinPolicy::Approval if !invited => view! {
                    <ActionForm action=actions.join attr:class="form join-form">
                        <input type="hidden" name="slug" value=slug.clone()/>
                        <div class="field">
                            <label for="join-message">"申请留言（可选）"</label>
                            <input id="join-message" type="text" name="message" maxlength=200/>
                        </div>
                        <button type="submit" class="button primary">"申请加入"</button>
                    </ActionForm>
                    <p class="muted small">{format!("{seat_name}名额剩余 {left} 个，群主同意后加入。")}</p>
                }.into_any(),
                _ => view! {
                    <ActionForm action=actions.join attr:class="inline-form">
                        <input type="hidden" name="slug" value=slug.clone()/>
                        <input type="hidden" name="invite" value=invite.clone().unwrap_or_default()/>
                        <button type="submit" class="button primary">"加入读书群"</button>
                    </ActionForm>
                    <p class="muted small">{format!("{seat_name}名额剩余 {left} 个")}</p>
                }.into_any(),
            }
        }
    };
    view! {
        <div class="join-panel">
            {body}
            <FormAlert message=failure/>
            <Notice message=outcome/>
            {page.invite_path.clone().map(|p| view! {
                <p class="muted small">"邀请链接（发给要邀请的人）：" <code class="invite-link">{p}</code></p>
            })}
            {page.me.as_ref().filter(|m| m.can_manage).map(|m| view! {
                <p class="page-links">
                    <a class="button small" href=format!("/groups/{}/manage", g.slug)>"管理本群"</a>
                    {m.can_edit.then(|| view! {
                        <a class="button small" href=format!("/groups/{}/edit", g.slug)>"编辑读书群信息"</a>
                    })}
                </p>
            })}
        </div>
    }
}

/// Each member's progress on each book of the list, and check-in streaks.
#[component]
fn ProgressBoard(page: Page) -> impl IntoView {
    if page.board.is_empty() {
        return view! { <p class="empty">"还没有成员。"</p> }.into_any();
    }
    view! {
        <div class="table-wrap">
            <table class="data-table board">
                <caption class="visually-hidden">"成员阅读进度与连续打卡天数"</caption>
                <thead><tr>
                    <th scope="col">"成员"</th>
                    {page.items.iter().map(|i| view! { <th scope="col">{format!("《{}》", i.title)}</th> }).collect_view()}
                    <th scope="col">"连续打卡"</th>
                    <th scope="col">"最长连续"</th>
                </tr></thead>
                <tbody>
                    {page.board.iter().map(|row| view! {
                        <tr>
                            <th scope="row">{row.display_name.clone()}</th>
                            {row.cells.iter().map(|c| view! { <td>{c.clone().unwrap_or_else(|| "—".to_owned())}</td> }).collect_view()}
                            <td>{format!("{} 天", row.streak)}</td>
                            <td>{format!("{} 天", row.longest_streak)}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </div>
        <p class="muted small">{format!("统计截至 {}", day_text_zh(&page.today))}</p>
    }
    .into_any()
}

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::Redirect;

use crate::groups::pages::GroupCards;
use crate::layout::ShellState;
use crate::notes::components::NoteList;
use crate::progress::api::my_reading;
use crate::progress::components::CheckInHeatmap;
use platform::time::date_zh;

/// My page: who I am, and (as features land) my groups, progress and notes.
#[component]
pub fn MePage() -> impl IntoView {
    let shell = expect_context::<ShellState>();
    view! {
        <Title text="我的"/>
        <Suspense fallback=|| view! { <p class="loading">"正在加载…"</p> }>
            {move || Suspend::new(async move {
                match shell.info.await {
                    Ok(info) => match info.user {
                        Some(user) => view! {
                            <section class="profile">
                                <h1>{user.display_name.clone()}</h1>
                                <dl class="facts">
                                    <dt>"用户名"</dt><dd>{user.username.clone()}</dd>
                                    <dt>"身份"</dt><dd class="role-badge">{user.role.label()}</dd>
                                    <dt>"界别"</dt><dd>{user.sector.clone().unwrap_or_else(|| "未设置".into())}</dd>
                                    <dt>"注册时间"</dt><dd>{date_zh(user.joined_at)}</dd>
                                </dl>
                                {user.is_organiser().then(|| view! {
                                    <p><a class="button" href="/admin">"进入管理后台"</a></p>
                                })}
                            </section>
                            <MyReading me=user.id/>
                            <crate::lectures::pages::MyRegistrations/>
                            <super::password::ChangePasswordForm/>
                        }
                        .into_any(),
                        None => view! { <Redirect path="/login?next=/me"/> }.into_any(),
                    },
                    Err(e) => view! { <p class="form-alert" role="alert">{e.to_string()}</p> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// My groups, progress, check-ins and notes, and my data export.
#[component]
fn MyReading(me: i64) -> impl IntoView {
    let reading = Resource::new(|| (), |_| my_reading());
    view! {
        <Transition fallback=|| view! { <p class="loading">"正在加载…"</p> }>
            {move || reading.get().map(|r| match r {
                Err(e) => view! { <p class="form-alert" role="alert">{e.to_string()}</p> }.into_any(),
                Ok(r) => view! {
                    <section class="panel" aria-labelledby="my-groups">
                        <h2 id="my-groups">"我的读书群"</h2>
                        <GroupCards groups=r.groups.iter().map(|(g, _)| g.clone()).collect() empty="还没有加入读书群。去“读书群”看看吧。"/>
                    </section>
                    <section class="panel" aria-labelledby="my-checkins">
                        <h2 id="my-checkins">"打卡日历"</h2>
                        <p class="streaks">
                            <span>"当前连续打卡 " <strong>{r.streak}</strong> " 天"</span>
                            <span>"最长连续 " <strong>{r.longest_streak}</strong> " 天"</span>
                        </p>
                        <CheckInHeatmap heatmap=r.heatmap.clone()/>
                    </section>
                    <section class="panel" aria-labelledby="my-progress">
                        <h2 id="my-progress">"阅读进度"</h2>
                        {if r.progress.is_empty() {
                            view! { <p class="empty">"还没有记录阅读进度。在图书页面可以标记想读、在读或读完。"</p> }.into_any()
                        } else {
                            view! {
                                <ul class="progress-list">
                                    {r.progress.iter().map(|p| view! {
                                        <li>
                                            <a href=format!("/books/{}", p.book_id)>{format!("《{}》", p.title)}</a>
                                            " " <span class="badge">{p.describe(None)}</span>
                                            " " <span class="muted small">{format!("更新于 {}", date_zh(p.updated_at))}</span>
                                        </li>
                                    }).collect_view()}
                                </ul>
                            }.into_any()
                        }}
                    </section>
                    <section class="panel" aria-labelledby="my-notes">
                        <h2 id="my-notes">"我的读书心得"</h2>
                        <NoteList notes=r.notes.clone() me=Some(me) show_book=true empty="还没有写过读书心得。"/>
                    </section>
                    <section class="panel" aria-labelledby="my-export">
                        <h2 id="my-export">"导出我的阅读数据"</h2>
                        <p>"包括阅读进度、打卡记录和读书心得。"</p>
                        <p class="button-row">
                            <a class="button" href="/me/export.json" download="my-reading.json" rel="external">"导出 JSON"</a>
                            <a class="button" href="/me/export.csv" download="my-reading.csv" rel="external">"导出 CSV（可用 Excel 打开）"</a>
                        </p>
                    </section>
                }.into_any(),
            })}
        </Transition>
    }
}

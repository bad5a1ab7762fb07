use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::Redirect;

use crate::layout::ShellState;
use crate::ui::time::date_zh;

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
                            <section class="panel">
                                <h2>"我的读书群"</h2>
                                <p class="empty">"读书群功能正在建设中，上线后这里会列出你加入的读书群。"</p>
                            </section>
                            <section class="panel">
                                <h2>"阅读进度与读书心得"</h2>
                                <p class="empty">"打卡、阅读进度和读书心得功能正在建设中。"</p>
                            </section>
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

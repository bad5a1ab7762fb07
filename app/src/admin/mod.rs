//! The organisers' console at /admin. Every server function here checks
//! that the caller is an organiser; the pages only mirror that check.

pub mod access;
pub mod audit;
#[cfg(feature = "ssr")]
pub mod export;
pub mod pages;
pub mod record;
pub mod reset_page;
pub mod users;

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::Redirect;
use leptos_router::hooks::use_location;

use crate::layout::{Forbidden, ShellState};

/// Shows its children to organisers; sends others to sign in, or says no.
///
/// The guard re-renders its children whenever the frame's data reloads, so
/// pages create their resources and actions outside it and pass them in.
#[component]
pub fn OrganisersOnly(children: ChildrenFn) -> impl IntoView {
    let shell = expect_context::<ShellState>();
    let location = use_location();
    let children = StoredValue::new(children);
    view! {
        <Suspense fallback=|| view! { <p class="loading">"正在加载…"</p> }>
            {move || Suspend::new(async move {
                let user = shell.info.await.ok().and_then(|i| i.user);
                match user {
                    None => {
                        let next = location.pathname.get_untracked();
                        view! { <Redirect path=format!("/login?next={next}")/> }.into_any()
                    }
                    Some(u) if !u.is_organiser() => view! { <Forbidden/> }.into_any(),
                    Some(_) => children.with_value(|c| c()).into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
pub fn AdminPage() -> impl IntoView {
    view! {
        <Title text="管理后台"/>
        <OrganisersOnly>
            <h1>"管理后台"</h1>
            <ul class="card-list">
                <li class="card">
                    <h2><a href="/admin/users">"用户与角色"</a></h2>
                    <p>"查找用户，设置委员、主讲人、管理员身份；停用账号，生成重设密码的一次性链接。"</p>
                </li>
                <li class="card">
                    <h2><a href="/admin/recommendations">"荐书审核"</a></h2>
                    <p>"审核委员推荐的图书，通过后进入推荐书目。"</p>
                </li>
                <li class="card">
                    <h2><a href="/groups">"读书群"</a></h2>
                    <p>"全部读书群（招募中、进行中、已结束），进入群页面编辑、管理成员和书目。"</p>
                </li>
                <li class="card">
                    <h2><a href="/groups/new">"新建读书群"</a></h2>
                    <p>"设置主题、类型、期次、名额，任命群主和导读人。"</p>
                </li>
                <li class="card">
                    <h2><a href="/books">"书目管理"</a></h2>
                    <p>"添加、编辑图书和封面，从 CSV 导入或导出书目。"</p>
                </li>
                <li class="card">
                    <h2><a href="/admin/moderation">"内容审核"</a></h2>
                    <p>"处理举报，隐藏或恢复讨论区的帖子；查看审核记录。"</p>
                </li>
                <li class="card">
                    <h2><a href="/admin/records">"履职读书记录"</a></h2>
                    <p>"每位委员在一段时间内的读书群、读完的书、打卡、心得、发帖和讲座，可下载 CSV。"</p>
                </li>
                <li class="card">
                    <h2><a href="/admin/audit">"操作记录"</a></h2>
                    <p>"每一次管理操作的操作人、内容、时间和修改前后，可筛选、可下载。"</p>
                </li>
                <li class="card">
                    <h2><a href="/admin/stats">"统计"</a></h2>
                    <p>"读书群、打卡、心得、讨论、讲座观众的数据和趋势，可下载 CSV；年度读书报告。"</p>
                </li>
            </ul>
        </OrganisersOnly>
    }
}

use leptos::prelude::*;
use leptos_router::components::A;
use server_fn::ServerFn;

use super::ShellState;
use super::font::FontSwitch;
use crate::accounts::api::Logout;
use crate::site::DEFAULT_BRAND;

/// The link to one's notifications, with the unread count.
#[component]
fn NotificationLink(count: i64) -> impl IntoView {
    let label = if count > 0 {
        format!("通知，{count} 条未读")
    } else {
        "通知".to_owned()
    };
    view! {
        <a class="notification-link" href="/me/notifications" aria-label=label>
            "通知"
            {(count > 0).then(|| view! { <span class="count" aria-hidden="true">{if count > 99 { "99+".to_owned() } else { count.to_string() }}</span> })}
        </a>
    }
}

/// Signing out, an island only so that it forgets this browser's drafts
/// first; `layout/forms.js` posts the form and shows the page it leads to.
#[island]
pub fn SignOut() -> impl IntoView {
    view! {
        <form class="inline-form" method="post" action=Logout::url()
            on:submit=|_| crate::threads::pages::clear_all_drafts()>
            <button type="submit" class="button small">"退出"</button>
        </form>
    }
}

#[component]
pub fn Header() -> impl IntoView {
    let shell = expect_context::<ShellState>();
    let brand = move || {
        shell
            .site()
            .map(|s| s.brand)
            .unwrap_or_else(|| DEFAULT_BRAND.to_owned())
    };

    let demo = move || shell.site().is_some_and(|s| s.demo);

    view! {
        <header class="site-header">
            <Transition fallback=|| ()>
                <Show when=demo>
                    <p class="demo-banner" role="note">
                        <strong>"演示模式"</strong>
                        "：这里的账号、读书群和内容都是示例数据，请勿填写真实个人信息。"
                    </p>
                </Show>
            </Transition>
            <div class="container header-bar">
                <a class="brand" href="/">
                    <span class="brand-seal" aria-hidden="true">"书"</span>
                    <span class="brand-name">
                        <Transition fallback=|| DEFAULT_BRAND>{brand}</Transition>
                    </span>
                </a>
                <crate::search::page::HeaderSearch/>
                <div class="header-tools">
                    <FontSwitch/>
                    <Transition fallback=|| ()>
                        {move || match shell.user() {
                            Some(user) => view! {
                                <div class="user-menu">
                                    <a class="user-name" href="/me" title="我的">{user.display_name.clone()}</a>
                                    <NotificationLink count=shell.unread_notifications()/>
                                    {user.is_organiser().then(|| view! { <a href="/admin">"管理"</a> })}
                                    // Drafts kept in this browser go with the account.
                                    <SignOut/>
                                </div>
                            }
                            .into_any(),
                            None => view! {
                                <div class="user-menu">
                                    <a href="/login">"登录"</a>
                                    <a class="button small primary" href="/register">"注册"</a>
                                </div>
                            }
                            .into_any(),
                        }}
                    </Transition>
                </div>
            </div>
            <nav class="main-nav" aria-label="主导航">
                <div class="container">
                    <A href="/" exact=true>"首页"</A>
                    <A href="/groups">"读书群"</A>
                    <A href="/books">"书目"</A>
                    <A href="/lectures">"大讲堂"</A>
                    <A href="/me">"我的"</A>
                </div>
            </nav>
        </header>
    }
}

//! /admin/users: find accounts and change their roles.

mod api;
pub use api::*;

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::Form;
use leptos_router::hooks::use_query_map;
use serde::{Deserialize, Serialize};

use super::OrganisersOnly;
use super::access::{CreateResetLink, SetAccountDisabled};
use crate::accounts::{AccountSummary, Role};
use crate::ui::Pager;
use platform::error::AppError;
use platform::time::date_zh;

pub const PER_PAGE: i64 = 50;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountPage {
    pub accounts: Vec<AccountSummary>,
    pub total: i64,
    pub page: i64,
}

#[component]
pub fn UsersPage() -> impl IntoView {
    // Created here, outside the access guard, so that the guard re-rendering
    // never drops a request in flight or the outcome of a role change.
    let query = use_query_map();
    let q = Memo::new(move |_| query.with(|m| m.get("q")).unwrap_or_default());
    let page = Memo::new(move |_| {
        query
            .with(|m| m.get("page"))
            .and_then(|p| p.parse::<i64>().ok())
            .unwrap_or(1)
    });
    let change = platform::flash::action::<ChangeRole>();
    let actions = AccountActions {
        disable: platform::flash::action::<SetAccountDisabled>(),
        reset: platform::flash::action::<CreateResetLink>(),
    };
    let accounts = Resource::new(
        move || {
            (
                q.get(),
                page.get(),
                change.version().get(),
                actions.disable.version().get(),
            )
        },
        |(q, page, _, _)| list_accounts(q, page),
    );
    view! {
        <Title text="用户与角色"/>
        <OrganisersOnly>
            <UsersConsole q accounts change actions/>
        </OrganisersOnly>
    }
}

/// Stopping accounts and making password links, from the users table.
#[derive(Clone, Copy)]
struct AccountActions {
    disable: ServerAction<SetAccountDisabled>,
    reset: ServerAction<CreateResetLink>,
}

#[component]
fn UsersConsole(
    q: Memo<String>,
    accounts: Resource<Result<AccountPage, AppError>>,
    change: ServerAction<ChangeRole>,
    actions: AccountActions,
) -> impl IntoView {
    let outcome = move || {
        let shown = |r: Option<Result<String, AppError>>| match r {
            Some(Ok(msg)) => Some(("notice", msg)),
            Some(Err(e)) => Some(("form-alert", e.to_string())),
            None => None,
        };
        shown(change.value().get()).or_else(|| shown(actions.disable.value().get()))
    };
    let link = move || match actions.reset.value().get() {
        Some(Ok(path)) => Some(
            view! {
                <p class="notice">
                    "请把这个链接发给该用户（24 小时内有效，只能使用一次，页面刷新后不再显示）："
                    <a href=path.clone() class="reset-link">{path.clone()}</a>
                </p>
            }
            .into_any(),
        ),
        Some(Err(e)) => Some(view! { <p class="form-alert">{e.to_string()}</p> }.into_any()),
        None => None,
    };

    view! {
        <h1>"用户与角色"</h1>
        <Form method="GET" action="" attr:class="search-form" attr:role="search" attr:aria-label="查找用户">
            <label for="user-search">"查找用户"</label>
            <input id="user-search" type="search" name="q" value=move || q.get() placeholder="用户名或显示名称"/>
            <button type="submit" class="button">"查找"</button>
        </Form>
        <div role="status" aria-live="polite">
            {move || outcome().map(|(class, msg)| view! { <p class=class>{msg}</p> })}
            {link}
        </div>
        <Transition fallback=|| view! { <p class="loading">"正在加载…"</p> }>
            {move || accounts.get().map(|r| match r {
                Err(e) => view! { <p class="form-alert" role="alert">{e.to_string()}</p> }.into_any(),
                Ok(p) if p.accounts.is_empty() => view! { <p class="empty">"没有找到匹配的用户。"</p> }.into_any(),
                Ok(p) => view! {
                    <p class="muted">{format!("共 {} 位用户", p.total)}</p>
                    <div class="table-wrap">
                        <table class="data-table">
                            <caption class="visually-hidden">"用户列表"</caption>
                            <thead><tr>
                                <th scope="col">"显示名称"</th>
                                <th scope="col">"用户名"</th>
                                <th scope="col">"界别"</th>
                                <th scope="col">"注册时间"</th>
                                <th scope="col">"角色"</th>
                                <th scope="col">"账号"</th>
                            </tr></thead>
                            <tbody>
                                {p.accounts.into_iter().map(|a| view! { <AccountRow account=a action=change actions/> }).collect_view()}
                            </tbody>
                        </table>
                    </div>
                    <Pager page=p.page total=p.total per_page=PER_PAGE base="/admin/users".to_owned()
                        query=vec![("q".to_owned(), q.get_untracked())]/>
                }.into_any(),
            })}
        </Transition>
    }
}

#[component]
fn AccountRow(
    account: AccountSummary,
    action: ServerAction<ChangeRole>,
    actions: AccountActions,
) -> impl IntoView {
    let select_id = format!("role-{}", account.id);
    let (stop_label, stop_value) = if account.disabled {
        ("恢复", "false")
    } else {
        ("停用", "true")
    };
    let stop_aria = format!("{stop_label}{}的账号", account.display_name);
    let reset_aria = format!("为{}生成重设密码链接", account.display_name);
    view! {
        <tr>
            <td>{account.display_name.clone()}{account.disabled.then_some(" （已停用）")}</td>
            <td>{account.username.clone()}</td>
            <td>{account.sector.clone().unwrap_or_default()}</td>
            <td>{date_zh(account.created_at)}</td>
            <td>
                <ActionForm action attr:class="role-form">
                    <input type="hidden" name="account_id" value=account.id/>
                    <label class="visually-hidden" for=select_id.clone()>{format!("{}的角色", account.display_name)}</label>
                    <select id=select_id name="role">
                        {Role::ALL.into_iter().map(|r| view! {
                            <option value=r.as_str() selected=r == account.role>{r.label()}</option>
                        }).collect_view()}
                    </select>
                    <button type="submit" class="button small">"保存"</button>
                </ActionForm>
            </td>
            <td class="account-actions">
                <ActionForm action=actions.disable attr:class="inline-form">
                    <input type="hidden" name="account_id" value=account.id/>
                    <input type="hidden" name="disabled" value=stop_value/>
                    <button type="submit" class="button small" aria-label=stop_aria>{stop_label}</button>
                </ActionForm>
                {(!account.disabled).then(|| view! {
                    <ActionForm action=actions.reset attr:class="inline-form">
                        <input type="hidden" name="account_id" value=account.id/>
                        <button type="submit" class="button small" aria-label=reset_aria.clone()>"重设密码链接"</button>
                    </ActionForm>
                })}
            </td>
        </tr>
    }
}

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use crate::groups::ListMove;
use crate::groups::api::{
    AddToList, DecideJoinRequest, ManagePage, MoveInList, RemoveFromList, UpdateListItem,
    manage_group,
};
use crate::groups::reading_list::ListItem;
use crate::layout::{Forbidden, NotFound};
use crate::ui::form::{field_error, form_error, kept_value, success_message};
use crate::ui::{FormAlert, Notice, SelectField, SubmitButton, TextArea, TextField};
use platform::error::AppError;
use platform::time::date_zh;

/// Actions of the management page, shared by its parts.
#[derive(Clone, Copy)]
struct Actions {
    add: ServerAction<AddToList>,
    update: ServerAction<UpdateListItem>,
    remove: ServerAction<RemoveFromList>,
    reorder: ServerAction<MoveInList>,
    decide: ServerAction<DecideJoinRequest>,
}

#[component]
pub fn ManageGroupPage() -> impl IntoView {
    let params = use_params_map();
    let slug = Memo::new(move |_| params.with(|p| p.get("slug")).unwrap_or_default());
    let actions = Actions {
        add: platform::flash::action(),
        update: platform::flash::action(),
        remove: platform::flash::action(),
        reorder: platform::flash::action(),
        decide: platform::flash::action(),
    };
    let page = Resource::new(
        move || {
            (
                slug.get(),
                actions.add.version().get(),
                actions.update.version().get(),
                actions.remove.version().get(),
                actions.reorder.version().get(),
                actions.decide.version().get(),
            )
        },
        |(slug, ..)| manage_group(slug),
    );
    view! {
        <Title text="管理读书群"/>
        <Transition fallback=|| view! { <p class="loading">"正在加载…"</p> }>
            {move || page.get().map(|r| match r {
                Ok(p) => view! { <ManageView page=p actions/> }.into_any(),
                Err(AppError::NotFound) => view! { <NotFound/> }.into_any(),
                Err(AppError::Forbidden) => view! { <Forbidden/> }.into_any(),
                Err(AppError::Unauthenticated) => view! {
                    <leptos_router::components::Redirect path=format!("/login?next=/groups/{}/manage", slug.get_untracked())/>
                }.into_any(),
                Err(e) => view! { <p class="form-alert" role="alert">{e.to_string()}</p> }.into_any(),
            })}
        </Transition>
    }
}

#[component]
fn ManageView(page: ManagePage, actions: Actions) -> impl IntoView {
    let slug = page.summary.slug.clone();
    let outcome = Signal::derive(move || {
        success_message(actions.add.value())
            .get()
            .or_else(|| success_message(actions.update.value()).get())
            .or_else(|| success_message(actions.remove.value()).get())
            .or_else(|| success_message(actions.reorder.value()).get())
            .or_else(|| success_message(actions.decide.value()).get())
    });
    let failure = Signal::derive(move || {
        form_error(actions.update.value())
            .get()
            .or_else(|| form_error(actions.remove.value()).get())
            .or_else(|| form_error(actions.reorder.value()).get())
            .or_else(|| form_error(actions.decide.value()).get())
    });
    let books: Vec<(String, String)> = std::iter::once((String::new(), "请选择图书".to_owned()))
        .chain(page.books.iter().map(|(id, t)| (id.to_string(), t.clone())))
        .collect();
    let add_value = actions.add.value();
    let count = page.items.len();
    let requests = page.requests.clone();
    let items = page.items.clone();
    let can_manage = page.can_manage;
    let invite_path = page.invite_path.clone();
    let (slug_requests, slug_list, slug_add) = (slug.clone(), slug.clone(), slug.clone());
    view! {
        <h1>{format!("管理：{}", page.summary.name)}</h1>
        <p><a href=format!("/groups/{slug}")>"返回读书群"</a></p>
        <div class="sticky-messages">
            <FormAlert message=failure/>
            <Notice message=outcome/>
        </div>

        {can_manage.then(move || view! {
            <section class="panel" aria-labelledby="requests">
                <h2 id="requests">{format!("加入申请（{}）", requests.len())}</h2>
                {if requests.is_empty() {
                    view! { <p class="empty">"没有待处理的申请。"</p> }.into_any()
                } else {
                    view! {
                        <ul class="request-list">
                            {requests.into_iter().map(|r| { let slug = slug_requests.clone(); view! {
                                <li class="request">
                                    <p><strong>{r.display_name.clone()}</strong>" · " {r.account_role.label()} " · " {date_zh(r.created_at)}</p>
                                    {(!r.message.is_empty()).then(|| view! { <p class="muted">{format!("留言：{}", r.message)}</p> })}
                                    <ActionForm action=actions.decide attr:class="inline-form">
                                        <input type="hidden" name="slug" value=slug/>
                                        <input type="hidden" name="request_id" value=r.id/>
                                        <button type="submit" name="decision" value="accept" class="button small primary">
                                            {format!("同意 {}", r.display_name)}
                                        </button>
                                        " "
                                        <button type="submit" name="decision" value="decline" class="button small">
                                            {format!("拒绝 {}", r.display_name)}
                                        </button>
                                    </ActionForm>
                                </li>
                            }}).collect_view()}
                        </ul>
                    }.into_any()
                }}
                <p class="muted small">"邀请链接：" <code class="invite-link">{invite_path.clone()}</code></p>
            </section>
        })}

        <section class="panel" aria-labelledby="list">
            <h2 id="list">"书目与导读"</h2>
            {if items.is_empty() {
                view! { <p class="empty">"书目还是空的。"</p> }.into_any()
            } else {
                view! {
                    <ol class="manage-list">
                        {items.into_iter().enumerate().map(|(n, item)| view! {
                            <ListItemEditor slug=slug_list.clone() item first=n == 0 last=n + 1 == count
                                can_manage actions/>
                        }).collect_view()}
                    </ol>
                }.into_any()
            }}
        </section>

        {can_manage.then(move || view! {
            <section class="panel" aria-labelledby="add">
                <h2 id="add">"加入书目"</h2>
                <ActionForm action=actions.add attr:class="form" attr:novalidate=true>
                    <input type="hidden" name="slug" value=slug_add/>
                    <SelectField label="图书" name="book_id" options=books error=field_error(add_value, "book_id")
                        value=kept_value(add_value, "book_id") hint="书目里没有的书，请管理员先在“书目”中添加"/>
                    <div class="field-row">
                        <TextField label="开始日期" name="starts_on" input_type=Signal::stored("date")
                            error=field_error(add_value, "starts_on") value=kept_value(add_value, "starts_on")/>
                        <TextField label="结束日期" name="ends_on" input_type=Signal::stored("date")
                            error=field_error(add_value, "ends_on") value=kept_value(add_value, "ends_on")/>
                    </div>
                    <TextArea label="导读（可选）" name="guide_md" rows=5 error=field_error(add_value, "guide_md")
                        value=kept_value(add_value, "guide_md") hint="支持 Markdown"/>
                    <FormAlert message=form_error(add_value)/>
                    <SubmitButton label="加入书目" busy_label="正在保存…" pending=actions.add.pending()/>
                </ActionForm>
            </section>
        })}
    }
}

#[component]
fn ListItemEditor(
    slug: String,
    item: ListItem,
    first: bool,
    last: bool,
    can_manage: bool,
    actions: Actions,
) -> impl IntoView {
    let id = item.id;
    let start_id = format!("start-{id}");
    let end_id = format!("end-{id}");
    let (slug_move, slug_remove) = (slug.clone(), slug.clone());
    let guide_id = format!("guide-{id}");
    view! {
        <li class="manage-item">
            <h3>{format!("《{}》", item.title)} " " <span class="muted">{item.author.clone()}</span></h3>
            <ActionForm action=actions.update attr:class="form">
                <input type="hidden" name="slug" value=slug.clone()/>
                <input type="hidden" name="item_id" value=id/>
                <div class="field-row">
                    <div class="field">
                        <label for=start_id.clone()>"开始日期"</label>
                        <input id=start_id type="date" name="starts_on" value=item.starts_on.clone()/>
                    </div>
                    <div class="field">
                        <label for=end_id.clone()>"结束日期"</label>
                        <input id=end_id type="date" name="ends_on" value=item.ends_on.clone()/>
                    </div>
                </div>
                <div class="field">
                    <label for=guide_id.clone()>"导读"</label>
                    <textarea id=guide_id name="guide_md" rows=4>{item.guide_md.clone()}</textarea>
                </div>
                <button type="submit" class="button small">"保存日期与导读"</button>
            </ActionForm>
            {can_manage.then(move || view! {
                <div class="button-row">
                    <ActionForm action=actions.reorder attr:class="inline-form">
                        <input type="hidden" name="slug" value=slug_move/>
                        <input type="hidden" name="item_id" value=id/>
                        <button type="submit" name="direction" value=ListMove::Up.as_str() class="button small" disabled=first>{ListMove::Up.label()}</button>
                        <button type="submit" name="direction" value=ListMove::Down.as_str() class="button small" disabled=last>{ListMove::Down.label()}</button>
                    </ActionForm>
                    <ActionForm action=actions.remove attr:class="inline-form">
                        <input type="hidden" name="slug" value=slug_remove/>
                        <input type="hidden" name="item_id" value=id/>
                        <button type="submit" class="button small">"移出书目"</button>
                    </ActionForm>
                </div>
            })}
        </li>
    }
}

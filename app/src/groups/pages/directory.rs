use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::Form;
use leptos_router::hooks::use_query_map;

use super::GroupCards;
use crate::groups::api::list_groups;
use crate::groups::{GroupKind, GroupStatus};

#[component]
pub fn GroupsPage() -> impl IntoView {
    let query = use_query_map();
    let param =
        move |k: &'static str| Memo::new(move |_| query.with(|q| q.get(k)).unwrap_or_default());
    let (theme, kind, sector, status) = (
        param("theme"),
        param("kind"),
        param("sector"),
        param("status"),
    );
    let directory = Resource::new(
        move || (theme.get(), kind.get(), sector.get(), status.get()),
        |(t, k, s, st)| list_groups(t, k, s, st),
    );
    let option = |value: String, label: String, current: Memo<String>| {
        let selected = value == current.get_untracked();
        view! { <option value=value selected=selected>{label}</option> }
    };
    view! {
        <Title text="读书群"/>
        <div class="page-head">
            <h1>"读书群"</h1>
            <Transition fallback=|| ()>
                {move || directory.get().and_then(Result::ok).filter(|d| d.can_create).map(|_| view! {
                    <p class="page-links"><a class="button small" href="/groups/new">"新建读书群"</a></p>
                })}
            </Transition>
        </div>
        <Transition fallback=|| view! { <p class="loading">"正在加载…"</p> }>
            {move || directory.get().map(|r| match r {
                Err(e) => view! { <p class="form-alert" role="alert">{e.to_string()}</p> }.into_any(),
                Ok(d) => view! {
                    <Form method="GET" action="" attr:class="filter-form" attr:aria-label="筛选读书群">
                        <div class="field">
                            <label for="filter-theme">"主题"</label>
                            <select id="filter-theme" name="theme">
                                {option(String::new(), "全部主题".into(), theme)}
                                {d.themes.iter().map(|t| option(t.clone(), t.clone(), theme)).collect_view()}
                            </select>
                        </div>
                        <div class="field">
                            <label for="filter-kind">"类型"</label>
                            <select id="filter-kind" name="kind">
                                {option(String::new(), "全部类型".into(), kind)}
                                {GroupKind::ALL.iter().map(|k| option(k.as_str().into(), k.label().into(), kind)).collect_view()}
                            </select>
                        </div>
                        <div class="field">
                            <label for="filter-sector">"界别"</label>
                            <select id="filter-sector" name="sector">
                                {option(String::new(), "全部界别".into(), sector)}
                                {d.sectors.iter().map(|(id, n)| option(id.to_string(), n.clone(), sector)).collect_view()}
                            </select>
                        </div>
                        <div class="field">
                            <label for="filter-status">"状态"</label>
                            <select id="filter-status" name="status">
                                {option(String::new(), "全部状态".into(), status)}
                                {GroupStatus::ALL.iter().map(|s| option(s.as_str().into(), s.label().into(), status)).collect_view()}
                            </select>
                        </div>
                        <button type="submit" class="button">"筛选"</button>
                    </Form>
                    // The cards' names are third-level headings (as on the
                    // home page): the list needs a heading between them and
                    // the page's (axe: heading-order).
                    <h2 class="visually-hidden">"读书群列表"</h2>
                    <p class="muted" role="status">{format!("共 {} 个读书群", d.groups.len())}</p>
                    <GroupCards groups=d.groups empty="没有符合条件的读书群。"/>
                }.into_any(),
            })}
        </Transition>
    }
}

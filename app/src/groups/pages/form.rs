use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use crate::admin::OrganisersOnly;
use crate::groups::api::{GroupFormData, SaveGroup, group_form};
use crate::groups::{GroupFields, GroupKind, GroupVisibility, JoinPolicy};
use crate::ui::form::{field_error, form_error, kept_value};
use crate::ui::{FormAlert, SelectField, SubmitButton, TextArea, TextField};

#[component]
pub fn NewGroupPage() -> impl IntoView {
    view! {
        <Title text="新建读书群"/>
        <OrganisersOnly>
            <GroupFormLoader slug=String::new()/>
        </OrganisersOnly>
    }
}

#[component]
pub fn EditGroupPage() -> impl IntoView {
    let params = use_params_map();
    let slug = params.with_untracked(|p| p.get("slug")).unwrap_or_default();
    view! {
        <Title text="编辑读书群"/>
        <OrganisersOnly>
            <GroupFormLoader slug=slug.clone()/>
        </OrganisersOnly>
    }
}

#[component]
fn GroupFormLoader(slug: String) -> impl IntoView {
    let form = Resource::new(move || slug.clone(), group_form);
    view! {
        <Suspense fallback=|| view! { <p class="loading">"正在加载…"</p> }>
            {move || Suspend::new(async move {
                match form.await {
                    Ok(f) => view! { <GroupFormView form=f/> }.into_any(),
                    Err(e) => view! { <p class="form-alert" role="alert">{e.to_string()}</p> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn GroupFormView(form: GroupFormData) -> impl IntoView {
    let action = platform::flash::action::<SaveGroup>();
    let value = action.value();
    let editing = form.fields.as_ref().map(|f| f.slug.clone());
    let initial = form.fields.clone();
    let staff = (form.leader.clone(), form.guides.clone());
    // What was typed (after an error), else the stored value.
    let field = move |k: &'static str, f: fn(&GroupFields) -> String| {
        let initial = initial.clone();
        Signal::derive(move || {
            kept_value(value, k)
                .get()
                .or_else(|| initial.as_ref().map(f))
        })
    };
    let kinds = GroupKind::ALL
        .iter()
        .map(|k| (k.as_str().to_owned(), k.label().to_owned()))
        .collect();
    let policies = JoinPolicy::ALL
        .iter()
        .map(|p| (p.as_str().to_owned(), p.label().to_owned()))
        .collect();
    let visibilities = GroupVisibility::ALL
        .iter()
        .map(|v| (v.as_str().to_owned(), v.label().to_owned()))
        .collect();
    let mut sectors = vec![(String::new(), "不属于某个界别".to_owned())];
    sectors.extend(
        form.sectors
            .iter()
            .map(|(id, n)| (id.to_string(), n.clone())),
    );
    let leader =
        Signal::derive(move || kept_value(value, "leader").get().or(Some(staff.0.clone())));
    let guides =
        Signal::derive(move || kept_value(value, "guides").get().or(Some(staff.1.clone())));
    view! {
        <section class="form-card wide">
            <h1>{if editing.is_some() { "编辑读书群" } else { "新建读书群" }}</h1>
            <ActionForm action attr:class="form" attr:novalidate=true>
                <input type="hidden" name="current_slug" value=editing.clone().unwrap_or_default()/>
                <TextField label="群名称" name="name" error=field_error(value, "name") value=field("name", |g| g.name.clone())/>
                <TextField label="网址名" name="slug" error=field_error(value, "slug") value=field("slug", |g| g.slug.clone())
                    hint="用于网址 /groups/网址名：小写英文字母、数字和连字符，例如 xuexi-2026"/>
                <TextField label="主题" name="theme" required=false error=field_error(value, "theme")
                    value=field("theme", |g| g.theme.clone()) hint="例如：学习新思想、建功新时代"/>
                <div class="field-row">
                    <SelectField label="群类型" name="kind" options=kinds error=field_error(value, "kind")
                        value=field("kind", |g| g.kind.as_str().to_owned())/>
                    <SelectField label="加入方式" name="join_policy" options=policies error=field_error(value, "join_policy")
                        value=field("join_policy", |g| g.join_policy.as_str().to_owned())/>
                    <SelectField label="讨论区" name="visibility" options=visibilities error=field_error(value, "visibility")
                        value=field("visibility", |g| g.visibility.as_str().to_owned())
                        hint="“仅本群成员可见”时，讨论帖只有群成员和管理员能看到"/>
                </div>
                <div class="field-row">
                    <SelectField label="界别" name="sector_id" options=sectors error=field_error(value, "sector_id")
                        value=field("sector_id", |g| g.sector_id.map(|s| s.to_string()).unwrap_or_default())/>
                    <TextField label="专委会" name="committee" required=false error=field_error(value, "committee")
                        value=field("committee", |g| g.committee.clone())/>
                </div>
                <div class="field-row">
                    <TextField label="开始日期" name="starts_on" input_type=Signal::stored("date")
                        error=field_error(value, "starts_on") value=field("starts_on", |g| g.starts_on.clone())/>
                    <TextField label="结束日期" name="ends_on" input_type=Signal::stored("date")
                        error=field_error(value, "ends_on") value=field("ends_on", |g| g.ends_on.clone())/>
                </div>
                <div class="field-row">
                    <TextField label="委员名额" name="member_seats" input_type=Signal::stored("number")
                        error=field_error(value, "member_seats") value=field("member_seats", |g| g.member_seats.to_string())/>
                    <TextField label="读者名额" name="reader_seats" input_type=Signal::stored("number")
                        error=field_error(value, "reader_seats") value=field("reader_seats", |g| g.reader_seats.to_string())/>
                </div>
                <div class="field-row">
                    <TextField label="群主（用户名）" name="leader" required=false error=field_error(value, "leader") value=leader/>
                    <TextField label="导读人（用户名，多个用逗号分隔）" name="guides" required=false
                        error=field_error(value, "guides") value=guides/>
                </div>
                <TextArea label="简介" name="description_md" rows=8 error=field_error(value, "description_md")
                    value=field("description_md", |g| g.description_md.clone()) hint="支持 Markdown"/>
                <FormAlert message=form_error(value)/>
                <SubmitButton label="保存" busy_label="正在保存…" pending=action.pending()/>
            </ActionForm>
        </section>
    }
}

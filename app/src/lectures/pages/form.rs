//! `/lectures/new` and `/lectures/{slug}/edit`: the session form — details,
//! times, the main venue and branch venues, livestream links, the replay,
//! the linked group and book; the cover upload when editing.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::Redirect;
use leptos_router::hooks::{use_navigate, use_params_map, use_query_map};

use crate::lectures::api::{LectureFormData, SaveLecture, load_lecture_form};
use crate::lectures::validate::beijing_input;
use crate::lectures::{LectureFields, SPARE_VENUE_ROWS, STREAMS_MAX, VenueFields};
use crate::ui::form::{field_error, form_error, kept_value, kept_value_named};
use crate::ui::{FormAlert, Notice, SelectField, SubmitButton, TextArea, TextField};
use platform::error::AppError;

#[component]
pub fn NewLecturePage() -> impl IntoView {
    view! {
        <Title text="新建讲座"/>
        <FormLoader slug=String::new()/>
    }
}

#[component]
pub fn EditLecturePage() -> impl IntoView {
    let params = use_params_map();
    let slug = params.with_untracked(|p| p.get("slug")).unwrap_or_default();
    view! {
        <Title text="编辑讲座"/>
        <FormLoader slug/>
    }
}

#[component]
fn FormLoader(slug: String) -> impl IntoView {
    let next = if slug.is_empty() {
        "/lectures/new".to_owned()
    } else {
        format!("/lectures/{slug}/edit")
    };
    let form = Resource::new(move || slug.clone(), load_lecture_form);
    view! {
        <Suspense fallback=|| view! { <p class="loading">"正在加载…"</p> }>
            {move || {
                let next = next.clone();
                Suspend::new(async move {
                    match form.await {
                        Ok(f) => view! { <FormView form=f/> }.into_any(),
                        Err(AppError::Unauthenticated) => view! { <Redirect path=format!("/login?next={next}")/> }.into_any(),
                        Err(AppError::Forbidden) => view! {
                            <p class="form-alert" role="alert">"只有主讲人和管理员可以创建讲座；主讲人只能编辑自己的讲座。"</p>
                        }.into_any(),
                        Err(e) => view! { <p class="form-alert" role="alert">{e.to_string()}</p> }.into_any(),
                    }
                })
            }}
        </Suspense>
    }
}

#[component]
fn FormView(form: LectureFormData) -> impl IntoView {
    let action = platform::flash::action::<SaveLecture>();
    let value = action.value();
    let navigate = use_navigate();
    Effect::new(move |_| {
        if let Some(Ok(path)) = value.get() {
            navigate(&path, Default::default());
        }
    });
    let editing = form.fields.as_ref().map(|f| f.slug.clone());
    let initial = form.fields.clone();
    let field = {
        let initial = initial.clone();
        move |k: &'static str, f: fn(&LectureFields) -> String| {
            let initial = initial.clone();
            Signal::derive(move || {
                kept_value(value, k)
                    .get()
                    .or_else(|| initial.as_ref().map(f))
            })
        }
    };
    let venues: Vec<VenueFields> = initial
        .as_ref()
        .map(|f| f.venues.clone())
        .unwrap_or_default();
    let rows = venues.len().max(1) + SPARE_VENUE_ROWS;
    let streams: Vec<String> = initial
        .as_ref()
        .map(|f| f.streams.clone())
        .unwrap_or_default();
    let mut groups = vec![(String::new(), "不关联读书群".to_owned())];
    groups.extend(
        form.groups
            .iter()
            .map(|(id, n)| (id.to_string(), n.clone())),
    );
    let mut books = vec![(String::new(), "不关联图书".to_owned())];
    books.extend(form.books.iter().map(|(id, n)| (id.to_string(), n.clone())));
    let heading = if editing.is_some() {
        "编辑讲座"
    } else {
        "新建讲座"
    };
    let original = editing.clone().unwrap_or_default();
    let query = use_query_map();
    let cover_message = Signal::derive(move || {
        query.with(|q| q.get("cover")).map(|c| {
            if c == "ok" {
                "封面已更新。".to_owned()
            } else {
                c
            }
        })
    });
    view! {
        <section class="form-card wide">
            <h1>{heading}</h1>
            {(!form.can_publish).then(|| view! {
                <p class="muted">"主讲人创建的讲座先保存为草稿，由管理员发布后观众才能看到。"</p>
            })}
            <ActionForm action attr:class="form" attr:novalidate=true>
                <input type="hidden" name="original" value=original/>
                <TextField label="讲座标题" name="title" error=field_error(value, "title") value=field("title", |f| f.title.clone())/>
                <TextField label="网址名" name="slug" error=field_error(value, "slug") value=field("slug", |f| f.slug.clone())
                    hint="用于网址 /lectures/网址名：小写英文字母、数字和连字符，例如 jiankang-2026-12"/>
                <div class="field-row">
                    <TextField label="系列" name="series" required=false error=field_error(value, "series")
                        value=field("series", |f| f.series.clone()) hint="例如：青少年身心健康、自我保健促健康"/>
                    <TextField label="主讲人" name="speaker" error=field_error(value, "speaker") value=field("speaker", |f| f.speaker.clone())/>
                </div>
                <TextArea label="主讲人简介" name="speaker_bio" rows=3 error=field_error(value, "speaker_bio")
                    value=field("speaker_bio", |f| f.speaker_bio.clone())/>
                <div class="field-row">
                    <TextField label="开始时间（北京时间）" name="starts_at" input_type=Signal::stored("datetime-local")
                        error=field_error(value, "starts_at") value=field("starts_at", |f| beijing_input(f.starts_at))/>
                    <TextField label="结束时间（北京时间）" name="ends_at" input_type=Signal::stored("datetime-local")
                        error=field_error(value, "ends_at") value=field("ends_at", |f| beijing_input(f.ends_at))/>
                </div>
                <fieldset class="venue-rows">
                    <legend>"会场（第一行为主会场，其余为分会场；留空的分会场行不保存）"</legend>
                    {move || field_error(value, "venues").get().map(|m| view! { <p class="field-error" role="alert">{m}</p> })}
                    {(0..rows).map(|i| {
                        let v = venues.get(i).cloned();
                        let kept = move |k: &str, stored: Option<String>| {
                            let typed = kept_value_named(value, format!("venue_{k}_{i}"));
                            Signal::derive(move || typed.get().or_else(|| stored.clone()).unwrap_or_default())
                        };
                        let id = v.as_ref().and_then(|v| v.id).map(|id| id.to_string()).unwrap_or_default();
                        let name = kept("name", v.as_ref().map(|v| v.name.clone()));
                        let address = kept("address", v.as_ref().map(|v| v.address.clone()));
                        let seats = kept("seats", v.as_ref().map(|v| v.seats.to_string()));
                        let label = if i == 0 { "主会场".to_owned() } else { format!("分会场 {i} ") };
                        view! {
                            <div class="field-row venue-row">
                                <input type="hidden" name=format!("venues[{i}][id]") value=id/>
                                <div class="field">
                                    <label for=format!("venue-name-{i}")>{format!("{label}名称")}</label>
                                    <input id=format!("venue-name-{i}") name=format!("venues[{i}][name]") type="text" value=name/>
                                </div>
                                <div class="field">
                                    <label for=format!("venue-address-{i}")>{format!("{label}地址")}</label>
                                    <input id=format!("venue-address-{i}") name=format!("venues[{i}][address]") type="text" value=address/>
                                </div>
                                <div class="field narrow">
                                    <label for=format!("venue-seats-{i}")>{format!("{label}座位数")}</label>
                                    <input id=format!("venue-seats-{i}") name=format!("venues[{i}][seats]") type="number" min="0" inputmode="numeric" value=seats/>
                                </div>
                            </div>
                        }
                    }).collect_view()}
                </fieldset>
                <fieldset>
                    <legend>"直播链接（http 或 https；.m3u8 直播流在页面内播放，其他链接显示“去观看”按钮和二维码）"</legend>
                    {move || field_error(value, "streams").get().map(|m| view! { <p class="field-error" role="alert">{m}</p> })}
                    {(0..STREAMS_MAX.min(3).max(streams.len())).map(|i| {
                        let stored = streams.get(i).cloned();
                        let typed = kept_value_named(value, format!("stream_{i}"));
                        let v = Signal::derive(move || typed.get().or_else(|| stored.clone()).unwrap_or_default());
                        view! {
                            <div class="field">
                                <label for=format!("stream-{i}")>{format!("直播链接 {}", i + 1)}</label>
                                <input id=format!("stream-{i}") name=format!("streams[{i}]") type="url" inputmode="url" value=v/>
                            </div>
                        }
                    }).collect_view()}
                </fieldset>
                <TextField label="回放链接" name="replay_url" required=false error=field_error(value, "replay_url")
                    value=field("replay_url", |f| f.replay_url.clone()) hint="讲座结束后填写；.m3u8 回放在页面内播放"/>
                <div class="field-row">
                    <SelectField label="关联读书群" name="group_id" options=groups error=field_error(value, "group_id")
                        value=field("group_id", |f| f.group_id.map(|g| g.to_string()).unwrap_or_default())
                        hint="只列出你可以发起讨论的读书群（尚未结束；讲师须是群成员）。讲座结束后，现场问题可一键整理为该群的讨论主题"/>
                    <SelectField label="关联图书" name="book_id" options=books error=field_error(value, "book_id")
                        value=field("book_id", |f| f.book_id.map(|b| b.to_string()).unwrap_or_default())/>
                </div>
                <TextArea label="讲座简介" name="abstract_md" rows=8 error=field_error(value, "abstract_md")
                    value=field("abstract_md", |f| f.abstract_md.clone()) hint="支持 Markdown"/>
                {form.can_publish.then(|| view! {
                    <div class="field checkbox">
                        <label><input type="checkbox" name="publish" value="1" checked=form.state.is_none()/>
                            " 保存后发布（观众可见）"</label>
                    </div>
                })}
                <FormAlert message=form_error(value)/>
                <SubmitButton label="保存" busy_label="正在保存…" pending=action.pending()/>
            </ActionForm>
            {editing.clone().map(|slug| view! {
                <section class="panel" aria-labelledby="cover-title">
                    <h2 id="cover-title">"封面图片"</h2>
                    {form.cover_id.map(|c| view! { <img class="lecture-cover" src=format!("/covers/{c}/thumb") alt="当前封面"/> })}
                    <Notice message=cover_message/>
                    <form method="post" action=format!("/lectures/{slug}/cover") enctype="multipart/form-data" class="form">
                        <div class="field">
                            <label for="cover-file">"选择图片（JPEG、PNG 或 WebP）"</label>
                            <input id="cover-file" type="file" name="cover" accept="image/jpeg,image/png,image/webp" required/>
                        </div>
                        <button type="submit" class="button">"上传封面"</button>
                    </form>
                </section>
            })}
        </section>
    }
}

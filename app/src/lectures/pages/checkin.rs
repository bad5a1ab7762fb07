//! Venue check-in: `/lectures/{slug}/checkin?venue=…&code=…` is what the
//! venue's QR code opens on an attendee's phone; `/lectures/{slug}/codes`
//! shows the lecturer and organisers today's codes to print or display.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

use crate::layout::NotFound;
use crate::lectures::api::{CheckIn, load_checkin, load_checkin_codes};
use crate::ui::form::{form_error, success_message};
use crate::ui::{FormAlert, Notice, SubmitButton};
use platform::error::AppError;
use platform::time::day_text_zh;

#[component]
pub fn CheckinPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let slug = params.with_untracked(|p| p.get("slug")).unwrap_or_default();
    let venue: i64 = query
        .with_untracked(|q| q.get("venue"))
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    let code = query.with_untracked(|q| q.get("code")).unwrap_or_default();
    let action = platform::flash::action::<CheckIn>();
    let data = Resource::new(
        {
            let (slug, code) = (slug.clone(), code.clone());
            move || (slug.clone(), code.clone(), action.version().get())
        },
        move |(s, c, _)| load_checkin(s, venue, c),
    );
    let value = action.value();
    view! {
        <Title text="会场签到"/>
        <section class="form-card">
            <h1>"会场签到"</h1>
            <Transition fallback=|| view! { <p class="loading">"正在加载…"</p> }>
                {move || {
                    let (slug, code) = (slug.clone(), code.clone());
                    Suspend::new(async move {
                        match data.await {
                            Ok(p) => view! {
                                <p class="lead">{p.title.clone()}</p>
                                <p>{format!("会场：{}", p.venue)}</p>
                                {if !p.code_ok {
                                    view! { <p class="form-alert" role="alert">"签到码无效或已过期：请扫描会场当天的签到二维码。"</p> }.into_any()
                                } else if p.checked_in {
                                    view! { <p class="notice" role="status">"你已签到，欢迎参加！"</p> }.into_any()
                                } else if !p.signed_in {
                                    let next = format!("/lectures/{slug}/checkin?venue={venue}&code={code}");
                                    view! {
                                        <p>"请先登录再签到。"</p>
                                        <p><a class="button primary" href=format!("/login?next={}", crate::ui::pager::encode(&next))>"登录后签到"</a></p>
                                    }.into_any()
                                } else {
                                    view! {
                                        <ActionForm action attr:class="form">
                                            <input type="hidden" name="slug" value=slug.clone()/>
                                            <input type="hidden" name="venue" value=venue.to_string()/>
                                            <input type="hidden" name="code" value=code.clone()/>
                                            <SubmitButton label="确认签到" busy_label="正在签到…" pending=action.pending()/>
                                        </ActionForm>
                                    }.into_any()
                                }}
                                <Notice message=success_message(value)/>
                                <FormAlert message=form_error(value)/>
                                <p><a href=format!("/lectures/{}", p.slug)>"返回讲座页面"</a></p>
                            }.into_any(),
                            Err(AppError::NotFound) => view! { <NotFound/> }.into_any(),
                            Err(e) => view! { <p class="form-alert" role="alert">{e.to_string()}</p> }.into_any(),
                        }
                    })
                }}
            </Transition>
        </section>
    }
}

#[component]
pub fn CheckinCodesPage() -> impl IntoView {
    let params = use_params_map();
    let slug = params.with_untracked(|p| p.get("slug")).unwrap_or_default();
    let data = Resource::new(move || slug.clone(), load_checkin_codes);
    view! {
        <Title text="会场签到二维码"/>
        <Suspense fallback=|| view! { <p class="loading">"正在加载…"</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(c) => view! {
                        <nav class="breadcrumb" aria-label="位置"><a href=format!("/lectures/{}", c.slug)>{c.title.clone()}</a> " › 签到二维码"</nav>
                        <h1>"会场签到二维码"</h1>
                        <p class="lead">{format!("{} 当天有效。请打印或在会场入口展示，观众用手机扫码签到。", day_text_zh(&c.day))}</p>
                        <ul class="card-list qr-cards">
                            {c.codes.into_iter().map(|code| view! {
                                <li class="card">
                                    <h2>{format!("{}：{}", code.kind, code.venue)}</h2>
                                    <div class="qr" role="img" aria-label=format!("{}签到二维码", code.venue) inner_html=code.qr_svg.clone()></div>
                                    <p class="muted small break-all">{code.url.clone()}</p>
                                </li>
                            }).collect_view()}
                        </ul>
                    }.into_any(),
                    Err(AppError::Unauthenticated) => view! { <p class="form-alert" role="alert">"请先登录。"</p> }.into_any(),
                    Err(AppError::NotFound) => view! { <NotFound/> }.into_any(),
                    Err(e) => view! { <p class="form-alert" role="alert">{e.to_string()}</p> }.into_any(),
                }
            })}
        </Suspense>
    }
}

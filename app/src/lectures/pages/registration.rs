//! Registration on the watch page (a seat at a venue, or online), and the
//! list of one's registrations on `/me`.

use leptos::prelude::*;

use crate::lectures::api::{CancelRegistration, RegisterLecture, load_my_registrations};
use crate::lectures::{MyRegistration, RegistrationStatus, VenueView};
use crate::ui::form::{form_error, success_message};
use crate::ui::{FormAlert, Notice};
use platform::error::AppError;
use platform::time::datetime_zh;

#[derive(Clone, Copy)]
pub struct RegistrationActions {
    pub register: ServerAction<RegisterLecture>,
    pub cancel: ServerAction<CancelRegistration>,
    /// The answer of whichever of the two was used last.
    last: RwSignal<Option<Result<String, AppError>>>,
}

impl RegistrationActions {
    /// Made once per page (not in the parts that re-render), so `last`
    /// follows the order the answers came in.
    pub fn new() -> RegistrationActions {
        let register = platform::flash::action::<RegisterLecture>();
        let cancel = platform::flash::action::<CancelRegistration>();
        // On the server (and so after a form post), the answer carried
        // over the redirect; in an island, whichever came last.
        let last = RwSignal::new(
            register
                .value()
                .get_untracked()
                .or_else(|| cancel.value().get_untracked()),
        );
        Effect::new(move |_| {
            if let Some(r) = register.value().get() {
                last.set(Some(r));
            }
        });
        Effect::new(move |_| {
            if let Some(r) = cancel.value().get() {
                last.set(Some(r));
            }
        });
        RegistrationActions {
            register,
            cancel,
            last,
        }
    }
}

/// The venues with their seats, and the buttons to register.
#[component]
pub fn Venues(
    slug: String,
    venues: Vec<VenueView>,
    mine: Option<MyRegistration>,
    signed_in: bool,
    open: bool,
    actions: RegistrationActions,
) -> impl IntoView {
    let message = success_message(actions.last);
    let error = form_error(actions.last);
    let login = format!("/login?next=/lectures/{slug}");
    let mine_venue = mine.as_ref().map(|m| m.venue_id);
    let form_slug = StoredValue::new(slug.clone());
    let button = {
        move |venue: String, label: String, current: bool| {
            if current {
                return view! { <span class="badge">"已选此项"</span> }.into_any();
            }
            view! {
                <ActionForm action=actions.register attr:class="inline-form">
                    <input type="hidden" name="slug" value=form_slug.get_value()/>
                    <input type="hidden" name="venue" value=venue/>
                    <button type="submit" class="button primary small" disabled=move || actions.register.pending().get()>{label}</button>
                </ActionForm>
            }
            .into_any()
        }
    };
    view! {
        <section class="panel" aria-labelledby="venues-title">
            <h2 id="venues-title">"会场与报名"</h2>
            {mine.clone().map(|m| view! {
                <p class="my-registration">
                    <strong>{match m.status {
                        RegistrationStatus::Waiting => format!("你在“{}”的候补名单第 {} 位", m.venue_name, m.waiting_place.unwrap_or(0)),
                        _ => format!("你已报名：{}", m.venue_name),
                    }}</strong>
                    {m.checked_in.then_some(" · 已签到")}
                </p>
                <ActionForm action=actions.cancel attr:class="inline-form">
                    <input type="hidden" name="slug" value=slug.clone()/>
                    <button type="submit" class="button small">"取消报名"</button>
                </ActionForm>
            })}
            <Notice message/>
            <FormAlert message=error/>
            <ul class="venue-list">
                {venues.into_iter().map(|v| {
                    let full = v.seats_left() == 0;
                    let label = if full { "加入候补".to_owned() } else { "报名此会场".to_owned() };
                    let current = mine_venue == Some(Some(v.id));
                    view! {
                        <li class="venue">
                            <p class="venue-name"><span class="badge">{v.kind_label()}</span> " " <strong>{v.name.clone()}</strong></p>
                            {(!v.address.is_empty()).then(|| view! { <p class="muted small">{v.address.clone()}</p> })}
                            <p class="venue-seats">
                                {format!("剩余 {} / 共 {} 座", v.seats_left(), v.seats)}
                                {(v.waiting > 0).then(|| format!("（候补 {} 人）", v.waiting))}
                            </p>
                            {(signed_in && open).then(|| button(v.id.to_string(), label, current))}
                        </li>
                    }
                }).collect_view()}
                <li class="venue">
                    <p class="venue-name"><span class="badge">"线上"</span> " " <strong>"线上观看"</strong></p>
                    <p class="muted small">"在本页收看直播，名额不限"</p>
                    {(signed_in && open).then(|| button("online".to_owned(), "报名线上观看".to_owned(), mine_venue == Some(None)))}
                </li>
            </ul>
            {(!signed_in && open).then(|| view! { <p class="muted">"登录后即可报名。" <a href=login>"登录"</a></p> })}
            {(!open).then(|| view! { <p class="muted">"报名已结束。"</p> })}
        </section>
    }
}

/// `/me`: the sessions one registered for.
#[component]
pub fn MyRegistrations() -> impl IntoView {
    let data = Resource::new(|| (), |_| load_my_registrations());
    view! {
        <section class="panel" aria-labelledby="my-lectures-title">
            <h2 id="my-lectures-title">"我的讲座报名"</h2>
            <Transition fallback=|| view! { <p class="loading">"正在加载…"</p> }>
                {move || Suspend::new(async move {
                    match data.await {
                        Ok(list) if list.is_empty() => view! {
                            <p class="empty">"还没有报名讲座。" <a href="/lectures">"去看看政协大讲堂"</a></p>
                        }.into_any(),
                        Ok(list) => view! {
                            <ul class="plain-list registration-list">
                                {list.into_iter().map(|r| view! {
                                    <li>
                                        <a href=r.lecture.path()>{r.lecture.title.clone()}</a>
                                        <span class="muted small">{format!(" · {} · ", datetime_zh(r.lecture.starts_at))}</span>
                                        <span class=r.lecture.phase.class()>{r.lecture.phase.label()}</span>
                                        <span>{match r.status {
                                            RegistrationStatus::Waiting => format!(" {} · 候补第 {} 位", r.venue_name, r.waiting_place.unwrap_or(0)),
                                            _ => format!(" {} · 已报名", r.venue_name),
                                        }}</span>
                                        {r.checked_in.then_some(" · 已签到")}
                                    </li>
                                }).collect_view()}
                            </ul>
                        }.into_any(),
                        Err(e) => view! { <p class="form-alert" role="alert">{e.to_string()}</p> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

//! `/lectures`: live now, upcoming and past sessions, filterable by series.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::lectures::api::{LectureList, load_lectures};
use crate::lectures::{LectureSummary, Phase};
use platform::time::datetime_zh;

#[component]
pub fn LecturesPage() -> impl IntoView {
    let query = use_query_map();
    let series = Memo::new(move |_| query.with(|q| q.get("series")).unwrap_or_default());
    let data = Resource::new(move || series.get(), load_lectures);
    view! {
        <Title text="政协大讲堂"/>
        <h1>"政协大讲堂"</h1>
        <p class="lead">"主会场、分会场和线上同步开讲：报名入场、观看直播、提问互动，往期讲座可看回放。"</p>
        <Transition fallback=|| view! { <p class="loading">"正在加载讲座…"</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(list) => view! { <ListView list current=series.get_untracked()/> }.into_any(),
                    Err(e) => view! { <p class="form-alert" role="alert">{e.to_string()}</p> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn ListView(list: LectureList, current: String) -> impl IntoView {
    let options = list.series.clone();
    view! {
        <div class="toolbar">
            <form method="get" action="/lectures" class="filter-form">
                <label for="series-filter">"系列"</label>
                <select id="series-filter" name="series">
                    <option value="" selected=current.is_empty()>"全部系列"</option>
                    {options.into_iter().map(|s| {
                        let selected = s == current;
                        view! { <option value=s.clone() selected=selected>{s.clone()}</option> }
                    }).collect_view()}
                </select>
                <button type="submit" class="button">"筛选"</button>
            </form>
            <p class="toolbar-links">
                <a href="/calendar.ics">"订阅日历（.ics）"</a>
                " · "
                <a href="/lectures/feed.atom">"订阅更新（Atom）"</a>
                {list.can_create.then(|| view! { " " <a class="button primary" href="/lectures/new">"新建讲座"</a> })}
            </p>
        </div>
        {(!list.drafts.is_empty()).then(|| view! {
            <section aria-labelledby="drafts-title">
                <h2 id="drafts-title">"草稿（待发布）"</h2>
                <LectureCards lectures=list.drafts.clone() empty=""/>
            </section>
        })}
        <section aria-labelledby="live-title">
            <h2 id="live-title">"正在直播"</h2>
            <LectureCards lectures=list.live.clone() empty="现在没有正在直播的讲座。"/>
        </section>
        <section aria-labelledby="upcoming-title">
            <h2 id="upcoming-title">"即将开讲"</h2>
            <LectureCards lectures=list.upcoming.clone() empty="暂无讲座预告。"/>
        </section>
        <section aria-labelledby="past-title">
            <h2 id="past-title">"往期讲座"</h2>
            <LectureCards lectures=list.past.clone() empty="还没有往期讲座。"/>
        </section>
    }
}

/// Sessions as cards: status, title, speaker, time, main venue, replay.
#[component]
pub fn LectureCards(lectures: Vec<LectureSummary>, #[prop(into)] empty: String) -> impl IntoView {
    if lectures.is_empty() {
        return view! { <p class="empty">{empty}</p> }.into_any();
    }
    view! {
        <ul class="card-list lecture-cards">
            {lectures.into_iter().map(|l| {
                let path = l.path();
                view! {
                    <li class="card lecture-card">
                        {l.cover_id.map(|c| view! {
                            <img class="lecture-cover" src=format!("/covers/{c}/thumb") alt="" loading="lazy"/>
                        })}
                        <p><span class=l.phase.class()>{l.phase.label()}</span>
                            {(!l.series.is_empty()).then(|| view! { " " <span class="muted small">{l.series.clone()}</span> })}
                        </p>
                        <h3><a href=path>{l.title.clone()}</a></h3>
                        <p class="muted">{format!("主讲人：{}", l.speaker)}</p>
                        <p class="muted small">
                            <time datetime=platform::time::rfc3339(l.starts_at)>{datetime_zh(l.starts_at)}</time>
                            {l.main_venue.clone().map(|v| format!(" · {v}"))}
                        </p>
                        {(l.phase == Phase::Ended && l.has_replay).then(|| view! { <p><span class="badge">"可看回放"</span></p> })}
                    </li>
                }
            }).collect_view()}
        </ul>
    }
    .into_any()
}

//! The home page: the brand, live and upcoming lectures, active groups,
//! recommended books and headline figures. Sections whose features have
//! not landed yet say so.

mod api;
pub use api::*;

use leptos::prelude::*;
use leptos_meta::Title;
use serde::{Deserialize, Serialize};

use crate::books::Recommendation;
use crate::groups::GroupSummary;
use crate::groups::pages::GroupCards;
use crate::layout::ShellState;

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Figures {
    pub readers: i64,
    pub members: i64,
    pub groups: i64,
    pub books: i64,
    pub notes: i64,
    pub sectors: i64,
}

/// What the home page lists besides the figures.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Home {
    pub figures: Figures,
    pub groups: Vec<GroupSummary>,
    pub recommended: Vec<Recommendation>,
    /// Sessions live now and coming up, soonest first.
    pub lectures: Vec<crate::lectures::LectureSummary>,
}

/// How many groups and recommendations the home page shows.
#[cfg(feature = "ssr")]
const HOME_GROUPS: usize = 6;
#[cfg(feature = "ssr")]
const HOME_BOOKS: usize = 6;
#[cfg(feature = "ssr")]
const HOME_LECTURES: i64 = 4;

#[component]
pub fn HomePage() -> impl IntoView {
    let shell = expect_context::<ShellState>();
    let home = Resource::new(|| (), |_| home_data());
    let site = move || shell.site();

    view! {
        <Title text="首页"/>
        <section class="hero">
            <Transition fallback=|| ()>
                {move || site().map(|s| view! {
                    <h1 class="hero-title">{s.brand.clone()}</h1>
                    <p class="hero-slogan">{s.slogan.clone()}</p>
                    {(!s.committee.is_empty()).then(|| view! { <p class="hero-committee">{s.committee.clone()}" 读书学习平台"</p> })}
                })}
            </Transition>
            <p class="hero-text">"委员和社会读者在这里一起读书：加入读书群、按书目共读、每日打卡、写读书心得、参与讨论，收看政协大讲堂。"</p>
            <Transition fallback=|| ()>
                {move || shell.user().is_none().then(|| view! {
                    <p class="hero-actions">
                        <a class="button primary large" href="/register">"注册加入"</a>
                        <a class="button large" href="/login">"登录"</a>
                    </p>
                })}
            </Transition>
        </section>

        <Transition fallback=|| view! { <p class="loading">"正在加载…"</p> }>
            {move || home.get().map(|r| match r {
                Err(e) => view! { <p class="form-alert" role="alert">{e.to_string()}</p> }.into_any(),
                Ok(h) => view! { <HomeSections home=h/> }.into_any(),
            })}
        </Transition>
    }
}

#[component]
fn HomeSections(home: Home) -> impl IntoView {
    let f = home.figures;
    view! {
        <section class="figures" aria-labelledby="figures-title">
            <h2 id="figures-title">"数据概览"</h2>
            <ul class="figure-list">
                <li><span class="figure">{f.groups}</span><span class="figure-label">"读书群"</span></li>
                <li><span class="figure">{f.readers}</span><span class="figure-label">"注册读者"</span></li>
                <li><span class="figure">{f.members}</span><span class="figure-label">"委员"</span></li>
                <li><span class="figure">{f.books}</span><span class="figure-label">"书目图书"</span></li>
                <li><span class="figure">{f.notes}</span><span class="figure-label">"读书心得"</span></li>
                <li><span class="figure">{f.sectors}</span><span class="figure-label">"界别"</span></li>
            </ul>
        </section>

        <section class="panel" aria-labelledby="lectures-title">
            <h2 id="lectures-title">"政协大讲堂 · 直播与预告"</h2>
            <crate::lectures::pages::LectureCards lectures=home.lectures empty="暂无直播或即将开讲的讲座。"/>
            <p><a href="/lectures">"进入政协大讲堂"</a></p>
        </section>
        <section class="panel" aria-labelledby="groups-title">
            <h2 id="groups-title">"活跃读书群"</h2>
            <GroupCards groups=home.groups empty="还没有进行中或招募中的读书群。"/>
            <p><a href="/groups">"查看全部读书群"</a></p>
        </section>
        <section class="panel" aria-labelledby="books-title">
            <h2 id="books-title">"推荐书目"</h2>
            {if home.recommended.is_empty() {
                view! { <p class="empty">"还没有推荐书目。"</p> }.into_any()
            } else {
                view! {
                    <ul class="rec-strip">
                        {home.recommended.into_iter().map(|r| view! {
                            <li>
                                <a href=format!("/books/{}", r.book_id)>{format!("《{}》", r.title)}</a>
                                <span class="muted small">{format!("{} 推荐", r.recommender)}</span>
                            </li>
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
            <p><a href="/books/recommended">"查看推荐书目"</a></p>
        </section>
    }
}

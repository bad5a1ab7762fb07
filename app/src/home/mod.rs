//! The home page: the brand, live and upcoming lectures, active groups,
//! recommended books and headline figures. Sections whose features have
//! not landed yet say so.

use leptos::prelude::*;
use leptos_meta::Title;
use serde::{Deserialize, Serialize};

use crate::error::AppError;
use crate::layout::ShellState;

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Figures {
    pub readers: i64,
    pub members: i64,
    pub lecturers: i64,
    pub sectors: i64,
}

#[server(prefix = "/api", endpoint = "home-figures")]
pub async fn home_figures() -> Result<Figures, AppError> {
    use crate::accounts::Role;
    crate::server::respond(async move {
        let ctx = crate::server::ctx()?;
        let by_role = crate::accounts::queries::count_by_role(ctx.db.pool()).await?;
        let count = |role| {
            by_role
                .iter()
                .find(|(r, _)| *r == role)
                .map_or(0, |(_, n)| *n)
        };
        let sectors: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM sector")
            .fetch_one(ctx.db.pool())
            .await?;
        Ok(Figures {
            readers: by_role.iter().map(|(_, n)| n).sum(),
            members: count(Role::Member),
            lecturers: count(Role::Lecturer),
            sectors,
        })
    })
    .await
}

#[component]
pub fn HomePage() -> impl IntoView {
    let shell = expect_context::<ShellState>();
    let figures = Resource::new(|| (), |_| home_figures());
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

        <section class="figures" aria-labelledby="figures-title">
            <h2 id="figures-title">"数据概览"</h2>
            <Transition fallback=|| view! { <p class="loading">"正在统计…"</p> }>
                {move || figures.get().map(|r| match r {
                    Ok(f) => view! {
                        <ul class="figure-list">
                            <li><span class="figure">{f.readers}</span><span class="figure-label">"注册用户"</span></li>
                            <li><span class="figure">{f.members}</span><span class="figure-label">"委员"</span></li>
                            <li><span class="figure">{f.lecturers}</span><span class="figure-label">"主讲人"</span></li>
                            <li><span class="figure">{f.sectors}</span><span class="figure-label">"界别"</span></li>
                        </ul>
                    }.into_any(),
                    Err(e) => view! { <p class="form-alert" role="alert">{e.to_string()}</p> }.into_any(),
                })}
            </Transition>
        </section>

        <div class="home-grid">
            <section class="panel" aria-labelledby="lectures-title">
                <h2 id="lectures-title">"政协大讲堂 · 直播与预告"</h2>
                <p class="empty">"暂无直播或即将开讲的讲座。大讲堂功能正在建设中，上线后这里会显示正在直播和即将开讲的场次。"</p>
            </section>
            <section class="panel" aria-labelledby="groups-title">
                <h2 id="groups-title">"活跃读书群"</h2>
                <p class="empty">"还没有读书群。读书群功能正在建设中。"</p>
            </section>
            <section class="panel" aria-labelledby="books-title">
                <h2 id="books-title">"推荐书目"</h2>
                <p class="empty">"还没有推荐书目。荐书功能正在建设中。"</p>
            </section>
        </div>
    }
}

/// A section of the site whose feature has not landed yet: an honest page
/// instead of a dead link.
#[component]
pub fn UnderConstruction(title: &'static str, what: &'static str) -> impl IntoView {
    view! {
        <Title text=title/>
        <section class="panel">
            <h1>{title}</h1>
            <p class="empty">{what}</p>
            <p><a href="/">"返回首页"</a></p>
        </section>
    }
}

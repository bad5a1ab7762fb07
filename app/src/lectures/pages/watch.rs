//! `/lectures/{slug}`: a session's page and watch page — details, the
//! player or the watch button with its QR code, live counts, venues and
//! registration, live questions, and the tools of its lecturer and the
//! organisers.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use super::live_client::{self, LinkState, LiveSignals};
use super::questions::{QuestionActions, Questions};
use super::registration::{RegistrationActions, Venues};
use crate::layout::NotFound;
use crate::lectures::api::{
    LecturePage as PageData, MakeFollowup, ReportWatching, SetLectureState, load_lecture,
};
use crate::lectures::{Audience, LectureState, Phase, QuestionView, StreamKind, StreamLink};
use crate::ui::FormAlert;
use crate::ui::form::form_error;
use platform::error::AppError;
use platform::time::datetime_zh;

#[derive(Clone, Copy)]
struct EditorActions {
    state: ServerAction<SetLectureState>,
    followup: ServerAction<MakeFollowup>,
}

#[component]
pub fn LecturePage() -> impl IntoView {
    let params = use_params_map();
    let slug = Memo::new(move |_| params.with(|p| p.get("slug")).unwrap_or_default());
    let registration = RegistrationActions::new();
    let editor = EditorActions {
        state: platform::flash::action(),
        followup: platform::flash::action(),
    };
    let data = Resource::new(
        move || {
            (
                slug.get(),
                registration.register.version().get(),
                registration.cancel.version().get(),
                editor.state.version().get(),
                editor.followup.version().get(),
            )
        },
        |(s, ..)| load_lecture(s),
    );
    view! {
        <Transition fallback=|| view! { <p class="loading">"正在加载讲座…"</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(page) => view! { <Watch page registration editor/> }.into_any(),
                    Err(AppError::NotFound) => view! { <NotFound/> }.into_any(),
                    Err(e) => view! { <p class="form-alert" role="alert">{e.to_string()}</p> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn Watch(
    page: PageData,
    registration: RegistrationActions,
    editor: EditorActions,
) -> impl IntoView {
    let s = page.summary.clone();
    let slug = s.slug.clone();
    let open = matches!(s.phase, Phase::Upcoming | Phase::Live);
    let can_ask = matches!(s.phase, Phase::Upcoming | Phase::Live | Phase::Ended);
    // The island's children are a closure that owns what it renders.
    let player_page = page.clone();
    let venue_slug = slug.clone();
    let (venues, mine, signed_in) = (page.venues.clone(), page.mine.clone(), page.signed_in);
    view! {
        <Title text=s.title.clone()/>
        <nav class="breadcrumb" aria-label="位置"><a href="/lectures">"政协大讲堂"</a> " › " {s.series.clone()}</nav>
        <header class="lecture-head">
            <p><span class=s.phase.class()>{s.phase.label()}</span>
                {(!s.series.is_empty()).then(|| view! { " " <span class="muted">{format!("系列：{}", s.series)}</span> })}</p>
            <h1>{s.title.clone()}</h1>
            <p class="lead">{format!("主讲人：{}", s.speaker)}</p>
            <p>
                <time datetime=platform::time::rfc3339(s.starts_at)>{datetime_zh(s.starts_at)}</time>
                " 至 "
                <time datetime=platform::time::rfc3339(s.ends_at)>{datetime_zh(s.ends_at)}</time>
                " （北京时间）"
            </p>
            {(s.phase == Phase::Cancelled).then(|| view! {
                <p class="form-alert" role="status">"本场讲座已取消。"</p>
            })}
            <p class="toolbar-links">
                <a href=format!("/lectures/{slug}.ics")>"加入日历（含提前 30 分钟提醒）"</a>
            </p>
        </header>
        {page.can_edit.then(|| view! { <EditorTools page=page.clone() editor/> })}
        <LivePanel slug=slug.clone() audience=page.audience questions=page.questions.clone()
            my_votes=page.my_votes.clone() signed_in=page.signed_in can_moderate=page.can_edit can_ask>
            <Player page=player_page.clone()/>
            <Venues slug=venue_slug.clone() venues=venues.clone() mine=mine.clone() signed_in open actions=registration/>
        </LivePanel>
        {page.followup_path.clone().map(|p| view! {
            <p class="panel">"本场问题已整理为讨论主题：" <a href=p>"前往读书群讨论"</a></p>
        })}
        <section class="panel" aria-labelledby="about-title">
            <h2 id="about-title">"讲座简介"</h2>
            <div class="prose" inner_html=page.abstract_html.clone()></div>
            {(!page.speaker_bio.is_empty()).then(|| view! {
                <h3>"主讲人简介"</h3>
                <p class="pre-line">{page.speaker_bio.clone()}</p>
            })}
            {page.group.clone().map(|(gslug, name)| view! {
                <p>"关联读书群：" <a href=format!("/groups/{gslug}")>{name}</a></p>
            })}
            {page.book.clone().map(|(id, title)| view! {
                <p>"关联图书：" <a href=format!("/books/{id}")>{format!("《{title}》")}</a></p>
            })}
        </section>
    }
}

/// The live part of a watch page, an island: the figures and the questions,
/// fed by the live channel, which opens once the island runs in the
/// browser. The player and the venues between them are server-rendered
/// children.
#[island]
#[allow(clippy::too_many_arguments)]
pub fn LivePanel(
    slug: String,
    audience: Audience,
    questions: Vec<QuestionView>,
    my_votes: Vec<i64>,
    signed_in: bool,
    can_moderate: bool,
    can_ask: bool,
    children: Children,
) -> impl IntoView {
    let live = LiveSignals::new();
    let actions = QuestionActions::new();
    let my_votes = RwSignal::new(my_votes);
    let first_audience = audience;
    let audience = Signal::derive(move || {
        live.counts
            .get()
            .map(|c| c.audience)
            .unwrap_or(first_audience)
    });
    let watching = Signal::derive(move || live.counts.get().map(|c| c.watching));
    if signed_in {
        report_watching(slug.clone(), live.link);
    }
    let channel = slug.clone();
    Effect::new(move |_| live_client::connect(channel.clone(), live));
    view! {
        <LiveFigures audience watching link=live.link/>
        {children()}
        <Questions slug initial=questions my_votes signed_in can_moderate can_ask live actions/>
    }
}

/// Tells the server, once the live channel is open, that the signed-in
/// person watches (their record counts it then; opening a link does not).
/// Runs only in the browser.
fn report_watching(slug: String, link: RwSignal<LinkState>) {
    let report = platform::flash::action::<ReportWatching>();
    let reported = StoredValue::new(false);
    Effect::new(move |_| {
        if link.get() == LinkState::Open && !reported.get_value() {
            reported.set_value(true);
            report.dispatch(ReportWatching { slug: slug.clone() });
        }
    });
}

/// Watching now and the total audience, updated live, with how they are counted.
#[component]
fn LiveFigures(
    audience: Signal<Audience>,
    watching: Signal<Option<i64>>,
    link: RwSignal<LinkState>,
) -> impl IntoView {
    view! {
        <section class="panel live-figures" aria-labelledby="figures-title">
            <h2 id="figures-title" class="visually-hidden">"观看人数"</h2>
            <dl class="figures">
                <div>
                    <dt>"正在观看"</dt>
                    <dd data-testid="watching">{move || watching.get().map(|w| w.to_string()).unwrap_or_else(|| "—".to_owned())}</dd>
                </div>
                <div>
                    <dt>"累计观众"</dt>
                    <dd data-testid="audience">{move || audience.get().total}</dd>
                </div>
            </dl>
            <p class="muted small">{move || {
                let a = audience.get();
                format!(
                    "累计观众按人计算：线上观看 {} 人、会场签到 {} 人、报名 {} 人，同一人只计一次（登录用户按账号，未登录观众按浏览器；需开启网页脚本和 Cookie）。",
                    a.online, a.checked_in, a.registered
                )
            }}</p>
            <p class="muted small" role="status">{move || match link.get() {
                LinkState::Connecting => "正在连接实时数据…",
                LinkState::Open => "实时更新中",
                LinkState::Reconnecting => "实时连接中断，正在重新连接…",
            }}</p>
        </section>
    }
}

/// The player for an HLS stream, or watch buttons and QR codes; the replay
/// once the session is over.
#[component]
fn Player(page: PageData) -> impl IntoView {
    let phase = page.summary.phase;
    let hls: Option<StreamLink> = page
        .streams
        .iter()
        .find(|s| s.kind == StreamKind::Hls)
        .cloned();
    let links: Vec<StreamLink> = page
        .streams
        .iter()
        .filter(|s| s.kind == StreamKind::Link)
        .cloned()
        .collect();
    let replay = (!page.replay_url.is_empty()).then(|| page.replay_url.clone());
    if phase == Phase::Cancelled || phase == Phase::Draft && page.streams.is_empty() {
        return ().into_any();
    }
    let replay_is_hls = replay
        .as_deref()
        .is_some_and(|r| StreamKind::of(r) == StreamKind::Hls);
    // During and before the session the live stream; afterwards the replay.
    let play = match phase {
        Phase::Ended => replay.clone().filter(|_| replay_is_hls),
        _ => hls.as_ref().map(|h| h.url.clone()),
    };
    view! {
        <section class="panel player" aria-labelledby="player-title">
            <h2 id="player-title">{if phase == Phase::Ended { "讲座回放" } else { "直播" }}</h2>
            {play.map(|url| view! {
                <div class="video-frame">
                    <video controls playsinline preload="metadata" data-hls=url.clone()
                        aria-label=if phase == Phase::Ended { "讲座回放视频" } else { "讲座直播视频" }></video>
                </div>
                <p class="muted small" data-player-status="">{if phase == Phase::Upcoming { "直播开始后点击播放。" } else { "" }}</p>
                <script defer src="/player.js"></script>
            })}
            {(phase != Phase::Ended).then(|| links.into_iter().map(|l| view! {
                <div class="watch-link">
                    <a class="button primary" href=l.url.clone() rel="noopener nofollow" target="_blank">"去观看"</a>
                    {l.qr_svg.clone().map(|svg| view! {
                        <figure class="qr">
                            <div role="img" aria-label="用手机扫码观看直播" inner_html=svg></div>
                            <figcaption class="muted small">"手机扫码观看"</figcaption>
                        </figure>
                    })}
                </div>
            }).collect_view())}
            {(phase == Phase::Ended).then(|| match replay.clone() {
                Some(r) if !replay_is_hls => view! {
                    <p><a class="button primary" href=r rel="noopener nofollow" target="_blank">"观看回放"</a></p>
                }.into_any(),
                Some(_) => ().into_any(),
                None => view! { <p class="muted">"回放整理中，敬请期待。"</p> }.into_any(),
            })}
        </section>
    }
    .into_any()
}

#[component]
fn EditorTools(page: PageData, editor: EditorActions) -> impl IntoView {
    let slug = page.summary.slug.clone();
    let state = page.summary.state;
    let form_slug = StoredValue::new(slug.clone());
    let state_form = {
        move |to: LectureState, label: &'static str| {
            view! {
                <ActionForm action=editor.state attr:class="inline-form">
                    <input type="hidden" name="slug" value=form_slug.get_value()/>
                    <input type="hidden" name="state" value=to.as_str()/>
                    <button type="submit" class="button small">{label}</button>
                </ActionForm>
            }
        }
    };
    let error = Signal::derive(move || {
        form_error(editor.state.value())
            .get()
            .or_else(|| form_error(editor.followup.value()).get())
    });
    view! {
        <section class="panel editor-tools" aria-label="讲座管理">
            <p class="tool-row">
                <a class="button small" href=format!("/lectures/{slug}/edit")>"编辑讲座"</a>
                " "
                <a class="button small" href=format!("/lectures/{slug}/codes")>"会场签到二维码"</a>
                " "
                {(page.can_publish && state != LectureState::Published).then(|| state_form(LectureState::Published, "发布"))}
                {(page.can_publish && state == LectureState::Published).then(|| state_form(LectureState::Cancelled, "取消讲座"))}
                {page.can_make_followup.then(|| view! {
                    <ActionForm action=editor.followup attr:class="inline-form">
                        <input type="hidden" name="slug" value=slug.clone()/>
                        <button type="submit" class="button small">"把问题整理成讨论主题"</button>
                    </ActionForm>
                })}
            </p>
            {(state == LectureState::Draft).then(|| view! {
                <p class="muted small">{if page.can_publish { "草稿：发布后观众才能看到。" } else { "草稿：等待管理员发布后观众才能看到。" }}</p>
            })}
            <p class="muted small">{format!("观看页打开 {} 次", page.views)}</p>
            <FormAlert message=error/>
        </section>
    }
}

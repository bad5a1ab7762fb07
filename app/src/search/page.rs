//! `/search`: the search form and the results grouped by kind. The form is
//! a GET form, so results have addresses and work without WebAssembly.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::Form;
use leptos_router::hooks::use_query_map;

use super::api::search;
use super::{COUNT_CAP, Hit, Piece, SearchKind, SearchResults, count_label};
use crate::ui::pager::{Pager, page_href};
use platform::time::date_zh;

/// The search box of the page header.
#[component]
pub fn HeaderSearch() -> impl IntoView {
    view! {
        <Form method="GET" action="/search" attr:class="header-search" attr:role="search" attr:aria-label="全站搜索">
            <label for="header-q" class="visually-hidden">"搜索全站"</label>
            <input id="header-q" type="search" name="q" maxlength="100"
                placeholder="搜索书目、讨论、心得、讲座" autocomplete="off"/>
            <button type="submit" class="button small">"搜索"</button>
        </Form>
    }
}

/// Text with the matched words marked.
fn marked(pieces: Vec<Piece>) -> impl IntoView {
    pieces
        .into_iter()
        .map(|p| {
            if p.hit {
                view! { <mark>{p.text}</mark> }.into_any()
            } else {
                p.text.into_any()
            }
        })
        .collect_view()
}

fn hit_view(hit: Hit) -> impl IntoView {
    let prefix = (hit.kind == SearchKind::Post).then_some("回复：");
    view! {
        <li class="search-hit">
            <p class="search-hit-title">
                // A post's address is a server redirect to its page, not a route.
                <a href=hit.url rel=prefix.map(|_| "external")>{prefix}{marked(hit.title)}</a>
            </p>
            {(!hit.excerpt.is_empty()).then(|| view! { <p class="search-excerpt">{marked(hit.excerpt)}</p> })}
            <p class="muted small">
                {(!hit.context.is_empty()).then(|| format!("{} · ", hit.context))}
                {date_zh(hit.created_at)}
            </p>
        </li>
    }
}

#[component]
pub fn SearchPage() -> impl IntoView {
    let query = use_query_map();
    let param =
        move |k: &'static str| Memo::new(move |_| query.with(|q| q.get(k)).unwrap_or_default());
    let (q, kind, from, to, page) = (
        param("q"),
        param("kind"),
        param("from"),
        param("to"),
        param("page"),
    );
    let results = Resource::new(
        move || (q.get(), kind.get(), from.get(), to.get(), page.get()),
        |(q, k, f, t, p)| search(q, k, f, t, p),
    );
    view! {
        <Title text="搜索"/>
        <h1>"搜索"</h1>
        <Form method="GET" action="" attr:class="filter-form site-search-form" attr:role="search" attr:aria-label="搜索条件">
            <div class="field search-words">
                <label for="search-q">"查找"</label>
                <input id="search-q" type="search" name="q" maxlength="100" value=q
                    placeholder="例如：三体、学习新思想、AI 时代"/>
            </div>
            <div class="field">
                <label for="search-kind">"范围"</label>
                <select id="search-kind" name="kind">
                    <option value="" selected=move || kind.get().is_empty()>"全部"</option>
                    {SearchKind::ALL.iter().map(|k| {
                        let value = k.as_str();
                        view! { <option value=value selected=move || kind.get() == value>{k.label()}</option> }
                    }).collect_view()}
                </select>
            </div>
            <div class="field">
                <label for="search-from">"起始日期"</label>
                <input id="search-from" type="date" name="from" value=from/>
            </div>
            <div class="field">
                <label for="search-to">"截止日期"</label>
                <input id="search-to" type="date" name="to" value=to/>
            </div>
            <button type="submit" class="button primary">"搜索"</button>
        </Form>
        <Transition fallback=|| view! { <p class="loading">"正在搜索…"</p> }>
            {move || results.get().map(|r| match r {
                Err(e) => view! { <p class="form-alert" role="alert">{e.to_string()}</p> }.into_any(),
                Ok(r) => results_view(r).into_any(),
            })}
        </Transition>
    }
}

fn results_view(r: SearchResults) -> impl IntoView {
    if let Some(notice) = r.notice.clone() {
        return view! { <p class="form-alert" role="alert">{notice}</p> }.into_any();
    }
    if r.request.q.is_empty() {
        return view! { <p class="muted">"输入书名、作者、话题或讲座名称，查找全站内容。两个字的词（如“三体”“读书”）也能找到。"</p> }.into_any();
    }
    if r.total == 0 {
        return view! {
            <p role="status">{format!("没有找到与“{}”相关的内容。", r.request.q)}</p>
            <p class="muted">"可以换个说法、减少字词，或放宽日期范围。"</p>
        }
        .into_any();
    }
    let base_query = |kind: Option<SearchKind>| {
        vec![
            ("q".to_owned(), r.request.q.clone()),
            (
                "kind".to_owned(),
                kind.map(|k| k.as_str().to_owned()).unwrap_or_default(),
            ),
            (
                "from".to_owned(),
                r.request.from.clone().unwrap_or_default(),
            ),
            ("to".to_owned(), r.request.to.clone().unwrap_or_default()),
        ]
    };
    let tab_href = |kind: Option<SearchKind>| {
        page_href("/search", &base_query(kind), 1)
            .trim_end_matches("page=1")
            .trim_end_matches('&')
            .to_owned()
    };
    let chosen = r.request.kind;
    let tabs = view! {
        <nav class="search-tabs" aria-label="按类型查看">
            <a href=tab_href(None) aria-current=chosen.is_none().then_some("page")>
                {format!("全部 {}", count_label(r.total))}
            </a>
            {r.kinds.iter().map(|k| view! {
                <a href=tab_href(Some(k.kind)) aria-current=(chosen == Some(k.kind)).then_some("page")>
                    {format!("{} {}", k.kind.label(), count_label(k.total))}
                </a>
            }).collect_view()}
        </nav>
    };
    let mut summary = format!("找到 {} 条结果（{} 毫秒）", count_label(r.total), r.took_ms);
    if r.total > COUNT_CAP {
        summary.push_str(&format!(
            "。结果超过 {COUNT_CAP} 条时只显示“{COUNT_CAP}+”，可以加上更多字词或限定日期缩小范围"
        ));
    }
    let body = match chosen {
        Some(kind) => {
            let of_kind = r.kinds.iter().find(|k| k.kind == kind).cloned();
            let total = of_kind.as_ref().map_or(0, |k| k.total);
            let hits = of_kind.map(|k| k.hits).unwrap_or_default();
            view! {
                <section class="search-kind" aria-labelledby="search-kind-title">
                    <h2 id="search-kind-title">{format!("{}（{}）", kind.label(), count_label(total))}</h2>
                    {if hits.is_empty() {
                        view! { <p class="muted">"这一类没有结果。"</p> }.into_any()
                    } else {
                        view! { <ol class="search-hits">{hits.into_iter().map(hit_view).collect_view()}</ol> }.into_any()
                    }}
                    <Pager page=r.request.page total=total per_page=super::PER_PAGE
                        base="/search".to_owned() query=base_query(Some(kind))/>
                </section>
            }
            .into_any()
        }
        None => r
            .kinds
            .into_iter()
            .map(|k| {
                let id = format!("search-{}", k.kind.as_str());
                let labelled_by = id.clone();
                let more = (k.total > k.hits.len() as i64).then(|| {
                    view! {
                        <p><a href=tab_href(Some(k.kind))>{format!("查看全部 {} 条{}", count_label(k.total), k.kind.label())}</a></p>
                    }
                });
                view! {
                    <section class="search-kind" aria-labelledby=labelled_by>
                        <h2 id=id>{format!("{}（{}）", k.kind.label(), count_label(k.total))}</h2>
                        <ol class="search-hits">{k.hits.into_iter().map(hit_view).collect_view()}</ol>
                        {more}
                    </section>
                }
            })
            .collect_view()
            .into_any(),
    };
    view! {
        <p class="muted" role="status">{summary}</p>
        {tabs}
        {body}
    }
    .into_any()
}

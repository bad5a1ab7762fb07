//! `/admin/stats`: headline figures, trends, breakdowns and rankings, each
//! chart with its table and its CSV download.

use leptos::prelude::*;
use leptos_meta::Title;

use super::api::load_stats;
use super::chart::{BarChart, ColumnChart};
use super::{BookRow, Figures, GroupRow, SectorRow, StatsData, TrendRow};
use crate::admin::OrganisersOnly;
use platform::time::datetime_zh;

/// The headline figures as a list of big numbers.
#[component]
pub fn FigureList(figures: Figures, active_label: &'static str) -> impl IntoView {
    let f = figures;
    let items: Vec<(i64, String)> = vec![
        (f.groups_active, "进行中的读书群".into()),
        (f.groups_recruiting, "招募中的读书群".into()),
        (f.groups_ended, "已结束的读书群".into()),
        (f.active_members, format!("{active_label}活跃委员")),
        (f.active_readers, format!("{active_label}活跃读者")),
        (f.check_ins, "读书打卡".into()),
        (f.notes, "读书心得".into()),
        (f.posts, "讨论帖子".into()),
        (f.books_finished, "读完的书（人次）".into()),
        (f.lectures_held, "举办讲座".into()),
        (f.lecture_audience, "讲座观众（人次）".into()),
        (f.lecture_views, "讲座观看次数".into()),
    ];
    view! {
        <ul class="figure-list">
            {items.into_iter().map(|(n, label)| view! {
                <li><span class="figure">{n}</span><span class="figure-label">{label}</span></li>
            }).collect_view()}
        </ul>
    }
}

/// A table with a caption; `rows` are already formatted cells.
#[component]
pub fn DataTable(
    caption: String,
    headers: Vec<&'static str>,
    rows: Vec<Vec<String>>,
) -> impl IntoView {
    view! {
        <div class="table-wrap">
            <table class="data-table compact">
                <caption>{caption}</caption>
                <thead><tr>{headers.into_iter().map(|h| view! { <th scope="col">{h}</th> }).collect_view()}</tr></thead>
                <tbody>
                    {rows.into_iter().map(|row| view! {
                        <tr>{row.into_iter().enumerate().map(|(i, cell)| if i == 0 {
                            view! { <th scope="row">{cell}</th> }.into_any()
                        } else {
                            view! { <td>{cell}</td> }.into_any()
                        }).collect_view()}</tr>
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}

/// Trend rows as chart series (打卡, 帖子, 心得) and as table rows.
pub fn trend_series(rows: &[TrendRow]) -> (Vec<String>, Vec<(String, Vec<i64>)>) {
    (
        rows.iter().map(|r| r.label.clone()).collect(),
        vec![
            ("打卡".into(), rows.iter().map(|r| r.check_ins).collect()),
            ("帖子".into(), rows.iter().map(|r| r.posts).collect()),
            ("读书心得".into(), rows.iter().map(|r| r.notes).collect()),
        ],
    )
}

pub fn trend_rows(rows: &[TrendRow]) -> Vec<Vec<String>> {
    rows.iter()
        .map(|r| {
            vec![
                r.label.clone(),
                r.check_ins.to_string(),
                r.posts.to_string(),
                r.notes.to_string(),
            ]
        })
        .collect()
}

pub fn group_rows(rows: &[GroupRow]) -> Vec<Vec<String>> {
    rows.iter()
        .map(|g| {
            vec![
                g.name.clone(),
                g.members.to_string(),
                g.check_ins.to_string(),
                g.posts.to_string(),
                g.notes.to_string(),
            ]
        })
        .collect()
}

pub fn book_rows(rows: &[BookRow], with_reading: bool) -> Vec<Vec<String>> {
    rows.iter()
        .map(|b| {
            let mut row = vec![
                format!("《{}》", b.title),
                b.author.clone(),
                b.count.to_string(),
            ];
            if with_reading {
                row.push(b.reading.to_string());
            }
            row
        })
        .collect()
}

fn sector_rows(rows: &[SectorRow]) -> Vec<Vec<String>> {
    rows.iter()
        .map(|s| {
            vec![
                s.sector.clone(),
                s.people.to_string(),
                s.check_ins.to_string(),
                s.notes.to_string(),
                s.posts.to_string(),
            ]
        })
        .collect()
}

fn csv_link(name: &'static str) -> impl IntoView {
    let title = super::TABLES
        .iter()
        .find(|(n, _)| *n == name)
        .map_or("", |(_, t)| *t);
    view! {
        <p class="no-print"><a class="button small" href=format!("/admin/stats/{name}.csv") download="">
            {format!("下载 CSV：{title}")}
        </a></p>
    }
}

#[component]
pub fn StatsPage() -> impl IntoView {
    let stats = Resource::new(|| (), |_| load_stats());
    view! {
        <Title text="统计"/>
        <OrganisersOnly>
            <h1>"统计"</h1>
            <Transition fallback=|| view! { <p class="loading">"正在统计…"</p> }>
                {move || stats.get().map(|r| match r {
                    Err(e) => view! { <p class="form-alert" role="alert">{e.to_string()}</p> }.into_any(),
                    Ok(data) => stats_view(data).into_any(),
                })}
            </Transition>
        </OrganisersOnly>
    }
}

fn stats_view(d: StatsData) -> impl IntoView {
    let (weeks, weekly_series) = trend_series(&d.weekly);
    let (months, monthly_series) = trend_series(&d.monthly);
    let sector_chart: Vec<(String, i64)> = d
        .sectors
        .iter()
        .map(|s| (s.sector.clone(), s.check_ins + s.notes + s.posts))
        .collect();
    let group_chart: Vec<(String, i64)> = d
        .groups
        .iter()
        .map(|g| (g.name.clone(), g.check_ins + g.posts + g.notes))
        .collect();
    let book_chart: Vec<(String, i64)> = d
        .books
        .iter()
        .map(|b| (format!("《{}》", b.title), b.count))
        .collect();
    view! {
        <p class="muted">{format!("统计时间：{}（北京时间），{}。活跃指近 30 天内有打卡、发帖、心得、阅读进度或参加讲座。", datetime_zh(d.at), super::freshness_zh(d.fresh_secs))}</p>
        <p class="page-links no-print">
            <a href=format!("/report/{}", platform::time::day_at(d.at).year())>"年度读书报告"</a>
        </p>
        <section class="figures" aria-labelledby="stats-figures">
            <h2 id="stats-figures">"总体数据"</h2>
            <FigureList figures=d.figures active_label="近30天"/>
        </section>
        <section class="panel stats-section" aria-labelledby="stats-weekly">
            <h2 id="stats-weekly">"每周趋势（近 12 周）"</h2>
            <ColumnChart id="chart-weekly" title="每周打卡、帖子和读书心得".into() categories=weeks series=weekly_series/>
            <DataTable caption="每周趋势".into() headers=vec!["周", "打卡", "帖子", "读书心得"] rows=trend_rows(&d.weekly)/>
            {csv_link("weekly")}
        </section>
        <section class="panel stats-section" aria-labelledby="stats-monthly">
            <h2 id="stats-monthly">"每月趋势（近 12 个月）"</h2>
            <ColumnChart id="chart-monthly" title="每月打卡、帖子和读书心得".into() categories=months series=monthly_series/>
            <DataTable caption="每月趋势".into() headers=vec!["月份", "打卡", "帖子", "读书心得"] rows=trend_rows(&d.monthly)/>
            {csv_link("monthly")}
        </section>
        <section class="panel stats-section" aria-labelledby="stats-sectors">
            <h2 id="stats-sectors">"分界别"</h2>
            <BarChart id="chart-sectors" title="各界别的打卡、心得和帖子合计".into() rows=sector_chart/>
            <DataTable caption="分界别".into() headers=vec!["界别", "人数", "打卡", "读书心得", "帖子"] rows=sector_rows(&d.sectors)/>
            {csv_link("sectors")}
        </section>
        <section class="panel stats-section" aria-labelledby="stats-groups">
            <h2 id="stats-groups">"最活跃的读书群"</h2>
            <BarChart id="chart-groups" title="各读书群的打卡、帖子和心得合计".into() rows=group_chart/>
            <DataTable caption="分读书群".into() headers=vec!["读书群", "成员", "打卡", "帖子", "读书心得"] rows=group_rows(&d.groups)/>
            {csv_link("groups")}
        </section>
        <section class="panel stats-section" aria-labelledby="stats-books">
            <h2 id="stats-books">"最常读完的书"</h2>
            <BarChart id="chart-books" title="读完人数最多的书".into() rows=book_chart/>
            <DataTable caption="最常读完的书".into() headers=vec!["书名", "作者", "读完人数", "在读人数"] rows=book_rows(&d.books, true)/>
            {csv_link("books")}
        </section>
    }
}

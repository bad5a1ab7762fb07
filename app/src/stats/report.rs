//! `/report/{year}`: the annual reading report (年度读书报告), in the form
//! committees publish: a foreword, the year in figures, the months, the
//! most active groups, the most read and most recommended books and the
//! lectures with their audiences. It prints on clean A4 pages.

use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use super::ReportData;
use super::api::{FOREWORD_MAX, SaveForeword, load_report};
use super::chart::{BarChart, ColumnChart};
use super::page::{DataTable, FigureList, book_rows, group_rows, trend_rows, trend_series};
use crate::layout::NotFound;
use platform::time::date_zh;

#[component]
pub fn ReportPage() -> impl IntoView {
    let params = use_params_map();
    let year = move || {
        params
            .with(|p| p.get("year"))
            .and_then(|y| y.parse::<i32>().ok())
    };
    let report = Resource::new(year, |y| async move {
        match y {
            Some(y) => load_report(y).await.map(Some),
            None => Ok(None),
        }
    });
    let save = platform::flash::action::<SaveForeword>();
    Effect::new(move |_| {
        if let Some(Ok(())) = save.value().get() {
            report.refetch();
        }
    });
    view! {
        <Transition fallback=|| view! { <p class="loading">"正在生成报告…"</p> }>
            {move || report.get().map(|r| match r {
                Ok(Some(data)) => report_view(data, save).into_any(),
                Ok(None) | Err(platform::error::AppError::NotFound) => view! { <NotFound/> }.into_any(),
                Err(e) => view! { <p class="form-alert" role="alert">{e.to_string()}</p> }.into_any(),
            })}
        </Transition>
    }
}

fn report_view(d: ReportData, save: ServerAction<SaveForeword>) -> impl IntoView {
    let year = d.year;
    let f = d.figures.clone();
    let (months, series) = trend_series(&d.monthly);
    let audience: i64 = d.lectures.iter().map(|l| l.audience).sum();
    let lecture_rows: Vec<Vec<String>> = d
        .lectures
        .iter()
        .map(|l| {
            vec![
                l.title.clone(),
                date_zh(l.starts_at),
                l.views.to_string(),
                l.audience.to_string(),
            ]
        })
        .collect();
    let group_chart: Vec<(String, i64)> = d
        .groups
        .iter()
        .map(|g| (g.name.clone(), g.check_ins + g.posts + g.notes))
        .collect();
    let summary = format!(
        "{year}年，平台上共有 {} 个读书群在进行或已结束，{} 位委员和 {} 位社会读者参与阅读；\
         全年读书打卡 {} 次，写下读书心得 {} 篇、讨论帖子 {} 条，读完图书 {} 人次；\
         举办政协大讲堂 {} 场，观众 {} 人次，观看 {} 次。",
        f.groups_active + f.groups_ended,
        f.active_members,
        f.active_readers,
        f.check_ins,
        f.notes,
        f.posts,
        f.books_finished,
        f.lectures_held,
        audience,
        f.lecture_views
    );
    let foreword_md = d.foreword_md.clone();
    view! {
        <Title text=format!("{year}年度读书报告")/>
        <article class="report">
            <header class="report-cover">
                <p class="report-brand">{d.brand.clone()}</p>
                <h1>{format!("{year}年度读书报告")}</h1>
                <p class="muted">{format!("根据平台记录自动生成，{}", super::freshness_zh(d.fresh_secs))}</p>
                <nav class="page-links no-print" aria-label="其他年份">
                    <a href=format!("/report/{}", year - 1)>{format!("{}年", year - 1)}</a>
                    <button type="button" class="button small" data-print="">"打印 / 导出 PDF"</button>
                </nav>
            </header>
            {(!d.foreword_html.is_empty()).then(|| view! {
                <section class="report-section" aria-labelledby="report-foreword">
                    <h2 id="report-foreword">"前言"</h2>
                    <div class="prose" inner_html=d.foreword_html.clone()></div>
                </section>
            })}
            {d.can_edit.then(|| view! {
                <details class="panel no-print">
                    <summary>{if foreword_md.is_empty() { "添加前言（管理员）" } else { "修改前言（管理员）" }}</summary>
                    <ActionForm action=save attr:class="stacked-form">
                        <input type="hidden" name="year" value=year/>
                        <label for="foreword">{format!("前言（Markdown，最多 {FOREWORD_MAX} 字）")}</label>
                        <textarea id="foreword" name="foreword" rows="8" maxlength=FOREWORD_MAX.to_string()>{foreword_md.clone()}</textarea>
                        {move || save.value().get().and_then(Result::err).map(|e| view! {
                            <p class="form-alert" role="alert">{e.form().and_then(|f| f.field("foreword")).map(str::to_owned).unwrap_or_else(|| e.to_string())}</p>
                        })}
                        <button type="submit" class="button primary">"保存前言"</button>
                    </ActionForm>
                </details>
            })}
            <section class="report-section" aria-labelledby="report-figures">
                <h2 id="report-figures">"全年概览"</h2>
                <p>{summary}</p>
                <FigureList figures=d.figures active_label="全年"/>
            </section>
            <section class="report-section" aria-labelledby="report-months">
                <h2 id="report-months">"逐月阅读"</h2>
                <ColumnChart id="report-chart-months" title=format!("{year}年每月打卡、帖子和读书心得") categories=months series=series/>
                <DataTable caption="逐月阅读".into() headers=vec!["月份", "打卡", "帖子", "读书心得"] rows=trend_rows(&d.monthly)/>
            </section>
            <section class="report-section" aria-labelledby="report-groups">
                <h2 id="report-groups">"最活跃的读书群"</h2>
                <BarChart id="report-chart-groups" title="各读书群全年打卡、帖子和心得合计".into() rows=group_chart/>
                <DataTable caption="最活跃的读书群".into() headers=vec!["读书群", "成员", "打卡", "帖子", "读书心得"] rows=group_rows(&d.groups)/>
            </section>
            <section class="report-section" aria-labelledby="report-books">
                <h2 id="report-books">"书目"</h2>
                {if d.most_read.is_empty() {
                    view! { <p class="muted">"这一年还没有读完的书的记录。"</p> }.into_any()
                } else {
                    view! { <DataTable caption="读完人数最多的书".into() headers=vec!["书名", "作者", "读完人数"] rows=book_rows(&d.most_read, false)/> }.into_any()
                }}
                {if d.most_recommended.is_empty() {
                    view! { <p class="muted">"这一年还没有通过审核的荐书。"</p> }.into_any()
                } else {
                    view! { <DataTable caption="推荐最多的书".into() headers=vec!["书名", "作者", "推荐次数"] rows=book_rows(&d.most_recommended, false)/> }.into_any()
                }}
            </section>
            <section class="report-section" aria-labelledby="report-lectures">
                <h2 id="report-lectures">"政协大讲堂"</h2>
                {if lecture_rows.is_empty() {
                    view! { <p class="muted">"这一年没有已举办的讲座。"</p> }.into_any()
                } else {
                    view! { <DataTable caption=format!("全年举办 {} 场讲座", lecture_rows.len()) headers=vec!["讲座", "日期", "观看次数", "观众（人次）"] rows=lecture_rows/> }.into_any()
                }}
                <p class="muted small">"观众按人计：线上观看、现场签到和报名的人，每场每人只计一次。"</p>
            </section>
        </article>
    }
}

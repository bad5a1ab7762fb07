//! Console pages: the audit log and the members' reading records.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::Form;
use leptos_router::hooks::{use_params_map, use_query_map};

use super::OrganisersOnly;
use super::audit::{AuditPage, KINDS, PER_PAGE, load_audit};
use super::record::{MemberRecord, Period, RecordList, load_record, load_records};
use crate::stats::page::DataTable;
use crate::ui::pager::{Pager, encode};
use platform::time::date_zh;

fn query_param(k: &'static str) -> Memo<String> {
    let query = use_query_map();
    Memo::new(move |_| query.with(|q| q.get(k)).unwrap_or_default())
}

fn error_view(e: platform::error::AppError) -> AnyView {
    view! { <p class="form-alert" role="alert">{e.to_string()}</p> }.into_any()
}

#[component]
pub fn AuditLogPage() -> impl IntoView {
    let (actor, kind, from, to, page) = (
        query_param("actor"),
        query_param("kind"),
        query_param("from"),
        query_param("to"),
        query_param("page"),
    );
    let log = Resource::new(
        move || (actor.get(), kind.get(), from.get(), to.get(), page.get()),
        |(a, k, f, t, p)| load_audit(a, k, f, t, p),
    );
    let export = move || {
        format!(
            "/admin/export/audit.csv?actor={}&kind={}&from={}&to={}",
            encode(&actor.get()),
            encode(&kind.get()),
            encode(&from.get()),
            encode(&to.get())
        )
    };
    view! {
        <Title text="操作记录"/>
        <OrganisersOnly>
            <h1>"操作记录"</h1>
            <p class="muted">"管理员和群主的每一次管理操作：谁、做了什么、何时、修改前后的内容。"</p>
            <Form method="GET" action="" attr:class="filter-form" attr:aria-label="筛选操作记录">
                <div class="field">
                    <label for="audit-actor">"操作人"</label>
                    <input id="audit-actor" name="actor" type="search" maxlength="50" value=actor/>
                </div>
                <div class="field">
                    <label for="audit-kind">"类别"</label>
                    <select id="audit-kind" name="kind">
                        <option value="" selected=move || kind.get().is_empty()>"全部"</option>
                        {KINDS.iter().map(|(k, label)| view! {
                            <option value=*k selected=move || kind.get() == *k>{*label}</option>
                        }).collect_view()}
                    </select>
                </div>
                <div class="field">
                    <label for="audit-from">"起始日期"</label>
                    <input id="audit-from" name="from" type="date" value=from/>
                </div>
                <div class="field">
                    <label for="audit-to">"截止日期"</label>
                    <input id="audit-to" name="to" type="date" value=to/>
                </div>
                <button type="submit" class="button">"筛选"</button>
            </Form>
            <p><a class="button small" href=export download="">"下载 CSV"</a></p>
            <Transition fallback=|| view! { <p class="loading">"正在加载…"</p> }>
                {move || log.get().map(|r| match r {
                    Err(e) => error_view(e),
                    Ok(p) => audit_table(p, vec![
                        ("actor".into(), actor.get_untracked()),
                        ("kind".into(), kind.get_untracked()),
                        ("from".into(), from.get_untracked()),
                        ("to".into(), to.get_untracked()),
                    ]).into_any(),
                })}
            </Transition>
        </OrganisersOnly>
    }
}

fn audit_table(p: AuditPage, query: Vec<(String, String)>) -> impl IntoView {
    if p.entries.is_empty() {
        return view! { <p class="empty">"没有符合条件的操作记录。"</p> }.into_any();
    }
    let rows = p.entries.into_iter().map(|e| e.cells().to_vec()).collect();
    view! {
        <p class="muted" role="status">{format!("共 {} 条", p.total)}</p>
        <DataTable caption="操作记录".into() headers=super::audit::COLUMNS.to_vec() rows=rows/>
        <Pager page=p.page total=p.total per_page=PER_PAGE base="/admin/audit".to_owned() query=query/>
    }
    .into_any()
}

/// The period form shared by the two record pages.
#[component]
fn PeriodForm(from: Memo<String>, to: Memo<String>) -> impl IntoView {
    view! {
        <Form method="GET" action="" attr:class="filter-form" attr:aria-label="统计期间">
            <div class="field">
                <label for="period-from">"起始日期"</label>
                <input id="period-from" name="from" type="date" value=from/>
            </div>
            <div class="field">
                <label for="period-to">"截止日期"</label>
                <input id="period-to" name="to" type="date" value=to/>
            </div>
            <button type="submit" class="button">"查看"</button>
        </Form>
    }
}

fn period_text(p: &Period) -> String {
    format!(
        "统计期间：{} 至 {}",
        platform::time::day_text_zh(&p.from),
        platform::time::day_text_zh(&p.to)
    )
}

#[component]
pub fn RecordsPage() -> impl IntoView {
    let (from, to) = (query_param("from"), query_param("to"));
    let list = Resource::new(move || (from.get(), to.get()), |(f, t)| load_records(f, t));
    view! {
        <Title text="履职读书记录"/>
        <OrganisersOnly>
            <h1>"履职读书记录"</h1>
            <p class="muted">"每位委员在统计期间内的读书情况，可作为履职记录。默认统计今年。"</p>
            <PeriodForm from=from to=to/>
            <Transition fallback=|| view! { <p class="loading">"正在统计…"</p> }>
                {move || list.get().map(|r| match r {
                    Err(e) => error_view(e),
                    Ok(l) => records_table(l).into_any(),
                })}
            </Transition>
        </OrganisersOnly>
    }
}

fn records_table(l: RecordList) -> impl IntoView {
    let export = format!(
        "/admin/export/records.csv?from={}&to={}",
        l.period.from, l.period.to
    );
    let query = format!("?from={}&to={}", l.period.from, l.period.to);
    view! {
        <p role="status">{period_text(&l.period)}{format!("，共 {} 位委员。", l.rows.len())}</p>
        <p><a class="button small" href=export download="">"下载 CSV"</a></p>
        <div class="table-wrap">
            <table class="data-table compact">
                <caption>"委员读书情况"</caption>
                <thead><tr>
                    <th scope="col">"委员"</th><th scope="col">"界别"</th><th scope="col">"读书群"</th>
                    <th scope="col">"读完的书"</th><th scope="col">"打卡"</th><th scope="col">"读书心得"</th>
                    <th scope="col">"讨论发帖"</th><th scope="col">"参加讲座"</th>
                </tr></thead>
                <tbody>
                    {l.rows.into_iter().map(|r| view! {
                        <tr>
                            <th scope="row"><a href=format!("/admin/records/{}{query}", r.id)>{r.display_name}</a></th>
                            <td>{r.sector}</td><td>{r.groups}</td><td>{r.books_finished}</td>
                            <td>{r.check_ins}</td><td>{r.notes}</td><td>{r.posts}</td><td>{r.lectures}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}

#[component]
pub fn RecordPage() -> impl IntoView {
    let params = use_params_map();
    let id = Memo::new(move |_| {
        params
            .with(|p| p.get("id"))
            .and_then(|v| v.parse::<i64>().ok())
            .unwrap_or(0)
    });
    let (from, to) = (query_param("from"), query_param("to"));
    let record = Resource::new(
        move || (id.get(), from.get(), to.get()),
        |(i, f, t)| load_record(i, f, t),
    );
    view! {
        <Title text="个人履职读书记录"/>
        <OrganisersOnly>
            <p class="breadcrumb"><a href="/admin/records">"履职读书记录"</a></p>
            <Transition fallback=|| view! { <p class="loading">"正在统计…"</p> }>
                {move || record.get().map(|r| match r {
                    Err(e) => error_view(e),
                    Ok((period, rec)) => record_view(id.get_untracked(), period, rec).into_any(),
                })}
            </Transition>
            <PeriodForm from=from to=to/>
        </OrganisersOnly>
    }
}

fn record_view(id: i64, period: Period, r: MemberRecord) -> impl IntoView {
    let export = format!(
        "/admin/export/records/{id}?from={}&to={}",
        period.from, period.to
    );
    let row = r.row;
    let summary = format!(
        "读完 {} 本书，打卡 {} 次，写读书心得 {} 篇，讨论发帖 {} 条，参加讲座 {} 场。",
        row.books_finished, row.check_ins, row.notes, row.posts, row.lectures
    );
    let items = r
        .items
        .into_iter()
        .map(|i| vec![date_zh(i.at), i.kind, i.text])
        .collect();
    view! {
        <h1>{format!("{}的履职读书记录", row.display_name)}</h1>
        <p>{period_text(&period)}{if row.sector.is_empty() { String::new() } else { format!(" · {}", row.sector) }}</p>
        <p role="status">{summary}</p>
        <p><a class="button small" href=export download="">"下载 CSV"</a></p>
        <h2>"所在读书群"</h2>
        {if r.groups.is_empty() {
            view! { <p class="empty">"没有加入读书群。"</p> }.into_any()
        } else {
            view! { <ul>{r.groups.into_iter().map(|(name, role)| view! { <li>{format!("{name}（{role}）")}</li> }).collect_view()}</ul> }.into_any()
        }}
        <h2>"明细"</h2>
        <DataTable caption="期间内的读书活动".into() headers=vec!["日期", "类别", "内容"] rows=items/>
    }
}

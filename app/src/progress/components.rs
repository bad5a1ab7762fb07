//! The progress form, the check-in form and the check-in heatmap.

use leptos::prelude::*;

use super::api::{CheckIn as CheckInAction, SetProgress};
use super::streak::Heatmap;
use super::{Progress, ReadingStatus};
use crate::ui::form::{field_error, form_error, kept_value, success_message};
use crate::ui::{FormAlert, Notice, SubmitButton, TextField};

/// 想读 / 在读 / 读完 with page or percent, for one book.
#[component]
pub fn ProgressForm(book_id: i64, current: Option<Progress>) -> impl IntoView {
    let action = platform::flash::action::<SetProgress>();
    let value = action.value();
    let status = current.as_ref().map(|p| p.status);
    let page = current.as_ref().and_then(|p| p.page).map(|p| p.to_string());
    let percent = current
        .as_ref()
        .and_then(|p| p.percent)
        .map(|p| p.to_string());
    let page_value =
        Signal::derive(move || kept_value(value, "page").get().or_else(|| page.clone()));
    let percent_value = Signal::derive(move || {
        kept_value(value, "percent")
            .get()
            .or_else(|| percent.clone())
    });
    view! {
        <ActionForm action attr:class="form progress-form" attr:novalidate=true>
            <input type="hidden" name="book_id" value=book_id/>
            <fieldset class="choice-row">
                <legend>"我的阅读状态"</legend>
                {ReadingStatus::ALL.iter().map(|s| view! {
                    <label class="choice">
                        <input type="radio" name="status" value=s.as_str() checked=status == Some(*s)/>
                        {s.label()}
                    </label>
                }).collect_view()}
            </fieldset>
            <div class="field-row">
                <TextField label="读到第几页" name="page" input_type=Signal::stored("number")
                    error=field_error(value, "page") value=page_value required=false/>
                <TextField label="或读了百分之几" name="percent" input_type=Signal::stored("number")
                    error=field_error(value, "percent") value=percent_value required=false hint="0–100"/>
            </div>
            <FormAlert message=form_error(value)/>
            <Notice message=success_message(value)/>
            <SubmitButton label="保存进度" busy_label="正在保存…" pending=action.pending()/>
        </ActionForm>
    }
}

/// Today's check-in is done: says so, with the answer to the check-in just
/// sent (its message, or why a second one today was refused).
#[component]
pub fn CheckedIn() -> impl IntoView {
    let value = platform::flash::action::<CheckInAction>().value();
    view! {
        <p class="notice">"今天已打卡 ✓ 明天继续！"</p>
        <FormAlert message=form_error(value)/>
        <Notice message=success_message(value)/>
    }
}

/// Today's check-in for a group.
#[component]
pub fn CheckInForm(slug: String, on_saved: Callback<()>) -> impl IntoView {
    let action = platform::flash::action::<CheckInAction>();
    let value = action.value();
    Effect::new(move |_| {
        if matches!(value.get(), Some(Ok(_))) {
            on_saved.run(());
        }
    });
    view! {
        <ActionForm action attr:class="form checkin-form" attr:novalidate=true>
            <input type="hidden" name="slug" value=slug/>
            <div class="field-row">
                <TextField label="今天读了多少分钟" name="minutes" input_type=Signal::stored("number")
                    error=field_error(value, "minutes") value=kept_value(value, "minutes") required=false/>
                <TextField label="读了多少页" name="pages" input_type=Signal::stored("number")
                    error=field_error(value, "pages") value=kept_value(value, "pages") required=false/>
            </div>
            <TextField label="一句话感想（可选）" name="line" error=field_error(value, "line")
                value=kept_value(value, "line") required=false hint="最多 140 个字"/>
            <FormAlert message=form_error(value)/>
            <Notice message=success_message(value)/>
            <SubmitButton label="打卡" busy_label="正在打卡…" pending=action.pending()/>
        </ActionForm>
    }
}

/// A year of check-ins as an accessible SVG grid (a column per week).
#[component]
pub fn CheckInHeatmap(heatmap: Heatmap) -> impl IntoView {
    const CELL: usize = 11;
    const GAP: usize = 3;
    let width = heatmap.weeks.len() * (CELL + GAP) + 30;
    let height = 7 * (CELL + GAP) + 4;
    let summary = format!(
        "过去一年共打卡 {} 次，涉及 {} 天",
        heatmap.total, heatmap.total_days
    );
    let cells = heatmap
        .weeks
        .iter()
        .enumerate()
        .flat_map(|(w, week)| {
            week.iter().enumerate().filter_map(move |(d, cell)| {
                cell.as_ref().map(|(day, n)| {
                    let level = match n {
                        0 => "l0",
                        1 => "l1",
                        2 => "l2",
                        _ => "l3",
                    };
                    let label = format!("{}：{}", platform::time::day_text_zh(day), if *n == 0 { "未打卡".to_owned() } else { format!("打卡 {n} 次") });
                    view! {
                        <rect class=format!("heat {level}") x=30 + w * (CELL + GAP) y=d * (CELL + GAP)
                            width=CELL height=CELL rx=2><title>{label}</title></rect>
                    }
                })
            })
        })
        .collect_view();
    view! {
        <figure class="heatmap">
            <svg role="img" aria-labelledby="heatmap-title heatmap-desc" viewBox=format!("0 0 {width} {height}")
                width="100%" preserveAspectRatio="xMinYMin meet">
                <title id="heatmap-title">"打卡日历"</title>
                <desc id="heatmap-desc">{summary.clone()}</desc>
                <text x=0 y=CELL class="heat-label">"一"</text>
                <text x=0 y=3 * (CELL + GAP) + CELL class="heat-label">"四"</text>
                <text x=0 y=6 * (CELL + GAP) + CELL class="heat-label">"日"</text>
                {cells}
            </svg>
            <figcaption>{summary}</figcaption>
        </figure>
    }
}

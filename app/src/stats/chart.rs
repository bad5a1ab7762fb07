//! Charts drawn on the server as SVG: grouped columns for trends, horizontal
//! bars for rankings. Each is an image with a title and a text alternative
//! (`role="img"`, `<title>`, `<desc>`), scales with the page but never below
//! a width where its text stays readable (narrow screens scroll the chart), and
//! uses colours that stay apart in grey when printed; the numbers are also
//! in a table next to every chart.

use leptos::prelude::*;

/// Series colours: dark red, gold, slate — different in lightness too.
const COLOURS: [&str; 3] = ["#9b1c1c", "#d4a017", "#3b4a5a"];
const WIDTH: f64 = 720.0;

/// A round step for the value axis: 1, 2 or 5 times a power of ten.
fn nice_step(max: i64, ticks: i64) -> i64 {
    let raw = (max.max(1) as f64 / ticks as f64).ceil() as i64;
    let mut p = 1;
    while p * 10 <= raw {
        p *= 10;
    }
    [1, 2, 5, 10]
        .into_iter()
        .map(|m| m * p)
        .find(|s| *s >= raw)
        .unwrap_or(10 * p)
}

/// The text alternative: each series' total and its highest point.
pub fn summary(categories: &[String], series: &[(String, Vec<i64>)]) -> String {
    series
        .iter()
        .map(|(name, values)| {
            let total: i64 = values.iter().sum();
            let top = values
                .iter()
                .enumerate()
                .max_by_key(|(i, v)| (**v, std::cmp::Reverse(*i)))
                .filter(|(_, v)| **v > 0);
            match top {
                Some((i, v)) => format!(
                    "{name}合计 {total}，最多为{}（{v}）",
                    categories.get(i).map(String::as_str).unwrap_or("")
                ),
                None => format!("{name}合计 0"),
            }
        })
        .collect::<Vec<_>>()
        .join("；")
}

/// Grouped columns: one group per category, one column per series.
#[component]
pub fn ColumnChart(
    id: &'static str,
    title: String,
    categories: Vec<String>,
    series: Vec<(String, Vec<i64>)>,
) -> impl IntoView {
    let height = 340.0;
    let (left, right, top, bottom) = (56.0, 12.0, 44.0, 78.0);
    let plot_w = WIDTH - left - right;
    let plot_h = height - top - bottom;
    let max = series
        .iter()
        .flat_map(|(_, v)| v.iter().copied())
        .max()
        .unwrap_or(0);
    let step = nice_step(max, 4);
    let axis_max = (step * ((max + step - 1) / step).max(1)) as f64;
    let n = categories.len().max(1) as f64;
    let group_w = plot_w / n;
    let bar_w = (group_w * 0.8 / series.len().max(1) as f64).min(28.0);
    let y = move |v: f64| top + plot_h - plot_h * v / axis_max;
    let desc = summary(&categories, &series);
    let title_id = format!("{id}-title");
    let desc_id = format!("{id}-desc");
    let labelled_by = format!("{title_id} {desc_id}");
    let grid = (0..=((axis_max as i64) / step))
        .map(|k| {
            let v = (k * step) as f64;
            view! {
                <line x1=left x2=WIDTH - right y1=y(v) y2=y(v) class="chart-grid"/>
                <text x=left - 8.0 y=y(v) + 5.0 text-anchor="end" class="chart-axis">{k * step}</text>
            }
        })
        .collect_view();
    let legend = series
        .iter()
        .enumerate()
        .map(|(i, (name, _))| {
            let x = left + 150.0 * i as f64;
            view! {
                <rect x=x y=8.0 width=16.0 height=16.0 fill=COLOURS[i % 3]/>
                <text x=x + 22.0 y=22.0 class="chart-label">{name.clone()}</text>
            }
        })
        .collect_view();
    let bars = categories
        .iter()
        .enumerate()
        .map(|(c, label)| {
            let group_x = left + group_w * c as f64;
            let first = group_x + (group_w - bar_w * series.len() as f64) / 2.0;
            let columns = series
                .iter()
                .enumerate()
                .map(|(s, (name, values))| {
                    let v = values.get(c).copied().unwrap_or(0);
                    let h = plot_h * v as f64 / axis_max;
                    view! {
                        <rect class="chart-bar" x=first + bar_w * s as f64 y=top + plot_h - h width=bar_w - 1.0
                            height=h fill=COLOURS[s % 3]>
                            <title>{format!("{label} {name}：{v}")}</title>
                        </rect>
                    }
                })
                .collect_view();
            let lx = group_x + group_w / 2.0;
            let ly = top + plot_h + 16.0;
            view! {
                {columns}
                <text x=lx y=ly text-anchor="end" class="chart-axis"
                    transform=format!("rotate(-40 {lx} {ly})")>{label.clone()}</text>
            }
        })
        .collect_view();
    view! {
        <div class="chart-wrap" tabindex="0">
        <svg class="chart" viewBox=format!("0 0 {WIDTH} {height}") role="img"
            aria-labelledby=labelled_by preserveAspectRatio="xMidYMid meet">
            <title id=title_id>{title}</title>
            <desc id=desc_id>{desc}</desc>
            {legend}
            {grid}
            {bars}
            <line x1=left x2=WIDTH - right y1=top + plot_h y2=top + plot_h class="chart-baseline"/>
        </svg>
        </div>
    }
}

/// Horizontal bars, one per row, largest first as given.
#[component]
pub fn BarChart(id: &'static str, title: String, rows: Vec<(String, i64)>) -> impl IntoView {
    let row_h = 30.0;
    let (label_w, right, top) = (200.0, 60.0, 8.0);
    let height = top * 2.0 + row_h * rows.len().max(1) as f64;
    let max = rows.iter().map(|(_, v)| *v).max().unwrap_or(0).max(1) as f64;
    let plot_w = WIDTH - label_w - right;
    let categories: Vec<String> = rows.iter().map(|(l, _)| l.clone()).collect();
    let desc = summary(
        &categories,
        &[(String::new(), rows.iter().map(|(_, v)| *v).collect())],
    );
    let title_id = format!("{id}-title");
    let desc_id = format!("{id}-desc");
    let labelled_by = format!("{title_id} {desc_id}");
    let bars = rows
        .into_iter()
        .enumerate()
        .map(|(i, (label, v))| {
            let y = top + row_h * i as f64;
            let w = plot_w * v as f64 / max;
            let shown: String = if label.chars().count() > 12 {
                label.chars().take(11).chain(['…']).collect()
            } else {
                label.clone()
            };
            view! {
                <text x=label_w - 8.0 y=y + 20.0 text-anchor="end" class="chart-label">
                    <title>{label}</title>
                    {shown}
                </text>
                <rect class="chart-bar" x=label_w y=y + 5.0 width=w height=row_h - 10.0 fill=COLOURS[0]/>
                <text x=label_w + w + 6.0 y=y + 20.0 class="chart-label">{v}</text>
            }
        })
        .collect_view();
    view! {
        <div class="chart-wrap" tabindex="0">
        <svg class="chart" viewBox=format!("0 0 {WIDTH} {height}") role="img"
            aria-labelledby=labelled_by>
            <title id=title_id>{title}</title>
            <desc id=desc_id>{desc}</desc>
            {bars}
        </svg>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn steps_are_round() {
        assert_eq!(nice_step(0, 4), 1);
        assert_eq!(nice_step(7, 4), 2);
        assert_eq!(nice_step(37, 4), 10);
        assert_eq!(nice_step(1_000_000, 4), 500_000);
    }

    #[test]
    fn the_text_alternative_names_totals_and_peaks() {
        let cats = vec!["1月".to_owned(), "2月".to_owned()];
        let s = summary(
            &cats,
            &[
                ("打卡".to_owned(), vec![3, 9]),
                ("帖子".to_owned(), vec![0, 0]),
            ],
        );
        assert_eq!(s, "打卡合计 12，最多为2月（9）；帖子合计 0");
    }
}

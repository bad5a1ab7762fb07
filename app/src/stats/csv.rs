//! The statistics tables as CSV: `/admin/stats/{table}.csv` (organisers).

use axum::Router;
use axum::extract::{Path, State};
use axum::response::Response;
use axum::routing::get;

use super::{StatsData, TrendRow};
use crate::accounts::extract::Organiser;
use crate::books::routes::csv_download;
use platform::AppContext;
use platform::csv::table;
use platform::error::AppError;

pub fn router(ctx: AppContext) -> Router {
    Router::new()
        .route("/admin/stats/{file}", get(download))
        .with_state(ctx)
}

fn trend(rows: &[TrendRow], period: &str) -> String {
    table(
        &[period, "打卡", "帖子", "读书心得"],
        rows.iter().map(|r| {
            [
                r.label.clone(),
                r.check_ins.to_string(),
                r.posts.to_string(),
                r.notes.to_string(),
            ]
        }),
    )
}

/// One table of the stats page as CSV; `None` for an unknown name.
pub fn write(data: &StatsData, name: &str) -> Option<String> {
    Some(match name {
        "weekly" => trend(&data.weekly, "周"),
        "monthly" => trend(&data.monthly, "月份"),
        "sectors" => table(
            &["界别", "人数", "打卡", "读书心得", "帖子"],
            data.sectors.iter().map(|r| {
                [
                    r.sector.clone(),
                    r.people.to_string(),
                    r.check_ins.to_string(),
                    r.notes.to_string(),
                    r.posts.to_string(),
                ]
            }),
        ),
        "groups" => table(
            &["读书群", "地址", "成员", "打卡", "帖子", "读书心得"],
            data.groups.iter().map(|r| {
                [
                    r.name.clone(),
                    format!("/groups/{}", r.slug),
                    r.members.to_string(),
                    r.check_ins.to_string(),
                    r.posts.to_string(),
                    r.notes.to_string(),
                ]
            }),
        ),
        "books" => table(
            &["书名", "作者", "读完人数", "在读人数"],
            data.books.iter().map(|r| {
                [
                    r.title.clone(),
                    r.author.clone(),
                    r.count.to_string(),
                    r.reading.to_string(),
                ]
            }),
        ),
        _ => return None,
    })
}

async fn download(
    State(ctx): State<AppContext>,
    _: Organiser,
    Path(file): Path<String>,
) -> Result<Response, AppError> {
    let name = file
        .strip_suffix(".csv")
        .filter(|n| super::TABLES.iter().any(|(t, _)| t == n))
        .ok_or(AppError::NotFound)?;
    let data = ctx
        .feature::<super::cache::StatsCache>()?
        .stats(&ctx.db, ctx.settings.stats_fresh_secs)
        .await?;
    let body = write(&data, name).ok_or(AppError::NotFound)?;
    Ok(csv_download(body, &format!("shuxiang-stats-{name}.csv")))
}

//! Downloads of the console (organisers only): members' reading records and
//! the audit log, as CSV, for the same filters as their pages.

use axum::Router;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use axum::routing::get;
use serde::Deserialize;

use super::audit::{self, AuditFilter};
use super::record::{self, queries};
use crate::accounts::extract::Organiser;
use crate::books::routes::csv_download;
use platform::AppContext;
use platform::csv::table;
use platform::error::AppError;
use platform::time::datetime_zh;

pub fn router(ctx: AppContext) -> Router {
    Router::new()
        .route("/admin/export/records.csv", get(records))
        .route("/admin/export/records/{id}", get(one_record))
        .route("/admin/export/audit.csv", get(audit_log))
        .with_state(ctx)
}

#[derive(Deserialize, Default)]
struct PeriodQuery {
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
}

async fn records(
    State(ctx): State<AppContext>,
    _: Organiser,
    Query(q): Query<PeriodQuery>,
) -> Result<Response, AppError> {
    let (period, from, to) = record::window(&q.from, &q.to)?;
    let rows = queries::members(ctx.db.pool(), from, to).await?;
    Ok(csv_download(
        table(
            &[
                "姓名",
                "用户名",
                "界别",
                "所在读书群",
                "读完的书",
                "打卡",
                "读书心得",
                "讨论发帖",
                "参加讲座",
            ],
            rows.into_iter().map(|r| {
                [
                    r.display_name,
                    r.username,
                    r.sector,
                    r.groups.to_string(),
                    r.books_finished.to_string(),
                    r.check_ins.to_string(),
                    r.notes.to_string(),
                    r.posts.to_string(),
                    r.lectures.to_string(),
                ]
            }),
        ),
        &format!("reading-records-{}-{}.csv", period.from, period.to),
    ))
}

async fn one_record(
    State(ctx): State<AppContext>,
    _: Organiser,
    Path(id): Path<i64>,
    Query(q): Query<PeriodQuery>,
) -> Result<Response, AppError> {
    let (period, from, to) = record::window(&q.from, &q.to)?;
    let r = queries::member(ctx.db.pool(), id, from, to)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(csv_download(
        table(
            &["时间", "类别", "内容"],
            r.items
                .into_iter()
                .map(|i| [datetime_zh(i.at), i.kind, i.text]),
        ),
        &format!(
            "reading-record-{}-{}-{}.csv",
            r.row.username, period.from, period.to
        ),
    ))
}

async fn audit_log(
    State(ctx): State<AppContext>,
    _: Organiser,
    Query(filter): Query<AuditFilter>,
) -> Result<Response, AppError> {
    let window = filter.window()?;
    let entries = audit::list(ctx.db.pool(), &filter, window, audit::EXPORT_MAX, 0).await?;
    Ok(csv_download(
        table(
            &audit::COLUMNS,
            entries.into_iter().map(audit::AuditEntry::cells),
        ),
        "audit-log.csv",
    ))
}

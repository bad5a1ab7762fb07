//! Downloads of the console (organisers only): members' reading records and
//! the audit log, as CSV, for the same filters as their pages.

use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use serde::Deserialize;
use tower_sessions::Session;

use super::audit::{self, AuditFilter};
use super::record::{self, queries};
use crate::accounts::session::user_of;
use crate::books::routes::csv_download;
use crate::server::AppContext;
use crate::server::csv::table;
use crate::ui::time::datetime_zh;

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

/// `None` when the caller is an organiser, else the answer to send:
/// 403 for others, the sign-in page (then `back`) for visitors.
pub(crate) async fn refuse(ctx: &AppContext, session: &Session, back: &str) -> Option<Response> {
    match user_of(session, &ctx.db).await {
        Ok(Some(u)) if u.is_organiser() => None,
        Ok(Some(_)) => Some((StatusCode::FORBIDDEN, "没有权限执行此操作").into_response()),
        Ok(None) => Some(Redirect::to(&format!("/login?next={back}")).into_response()),
        Err(_) => Some(StatusCode::INTERNAL_SERVER_ERROR.into_response()),
    }
}

fn failed(e: impl std::fmt::Display) -> Response {
    tracing::error!(error = %e, "console export failed");
    StatusCode::INTERNAL_SERVER_ERROR.into_response()
}

async fn records(
    State(ctx): State<AppContext>,
    session: Session,
    Query(q): Query<PeriodQuery>,
) -> Response {
    if let Some(no) = refuse(&ctx, &session, "/admin/records").await {
        return no;
    }
    let (period, from, to) = match record::window(&q.from, &q.to) {
        Ok(w) => w,
        Err(e) => return (StatusCode::UNPROCESSABLE_ENTITY, e.to_string()).into_response(),
    };
    match queries::members(ctx.db.pool(), from, to).await {
        Ok(rows) => csv_download(
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
        ),
        Err(e) => failed(e),
    }
}

async fn one_record(
    State(ctx): State<AppContext>,
    session: Session,
    Path(id): Path<i64>,
    Query(q): Query<PeriodQuery>,
) -> Response {
    if let Some(no) = refuse(&ctx, &session, "/admin/records").await {
        return no;
    }
    let (period, from, to) = match record::window(&q.from, &q.to) {
        Ok(w) => w,
        Err(e) => return (StatusCode::UNPROCESSABLE_ENTITY, e.to_string()).into_response(),
    };
    match queries::member(ctx.db.pool(), id, from, to).await {
        Ok(Some(r)) => csv_download(
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
        ),
        Ok(None) => (StatusCode::NOT_FOUND, "未找到该用户").into_response(),
        Err(e) => failed(e),
    }
}

async fn audit_log(
    State(ctx): State<AppContext>,
    session: Session,
    Query(filter): Query<AuditFilter>,
) -> Response {
    if let Some(no) = refuse(&ctx, &session, "/admin/audit").await {
        return no;
    }
    let window = match filter.window() {
        Ok(w) => w,
        Err(e) => return (StatusCode::UNPROCESSABLE_ENTITY, e.to_string()).into_response(),
    };
    match audit::list(ctx.db.pool(), &filter, window, audit::EXPORT_MAX, 0).await {
        Ok(entries) => csv_download(
            table(
                &["时间", "操作人", "操作", "对象", "之前", "之后"],
                entries.into_iter().map(|e| {
                    [
                        datetime_zh(e.at),
                        e.actor,
                        e.action_label,
                        e.target,
                        e.before.unwrap_or_default(),
                        e.after.unwrap_or_default(),
                    ]
                }),
            ),
            "audit-log.csv",
        ),
        Err(e) => failed(e),
    }
}

//! Each person's own reading data, as JSON and as CSV: progress,
//! check-ins and notes. Only ever the signed-in person's own.

use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde::Serialize;

use super::{CheckIn, Progress};
use crate::accounts::SessionUser;
use crate::accounts::extract::SignedIn;
use crate::notes::NoteView;
use platform::AppContext;
use platform::error::AppError;

pub fn router(ctx: AppContext) -> Router {
    Router::new()
        .route("/me/export.json", get(json))
        .route("/me/export.csv", get(csv))
        .with_state(ctx)
}

#[derive(Serialize)]
struct ExportedNote {
    book: String,
    group: Option<String>,
    visibility: &'static str,
    title: String,
    markdown: String,
    likes: i64,
    created_at: i64,
}

#[derive(Serialize)]
struct Export {
    username: String,
    display_name: String,
    exported_at: i64,
    progress: Vec<Progress>,
    check_ins: Vec<CheckIn>,
    notes: Vec<ExportedNote>,
}

async fn collect(ctx: &AppContext, user: &SessionUser) -> Result<Export, sqlx::Error> {
    let db = ctx.db.pool();
    let notes = crate::notes::queries::exported(db, user.id)
        .await?
        .into_iter()
        .map(|(n, markdown): (NoteView, String)| ExportedNote {
            book: n.book_title,
            group: n.group_name,
            visibility: n.visibility.as_str(),
            title: n.title,
            markdown,
            likes: n.likes,
            created_at: n.created_at,
        })
        .collect();
    Ok(Export {
        username: user.username.clone(),
        display_name: user.display_name.clone(),
        exported_at: platform::now(),
        progress: super::queries::of_account(db, user.id).await?,
        check_ins: super::queries::check_ins_of(db, user.id).await?,
        notes,
    })
}

async fn json(
    State(ctx): State<AppContext>,
    SignedIn(user): SignedIn,
) -> Result<Response, AppError> {
    let export = collect(&ctx, &user).await?;
    Ok((
        [
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"my-reading.json\"",
            ),
            (header::CACHE_CONTROL, "no-store"),
        ],
        Json(export),
    )
        .into_response())
}

/// One table, a row per record: 类型 says which kind it is.
fn to_csv(e: &Export) -> String {
    let num = |n: Option<i64>| n.map(|n| n.to_string()).unwrap_or_default();
    let date = |ts: i64| platform::time::day_string(platform::time::day_at(ts));
    let mut rows: Vec<[String; 11]> = Vec::new();
    let mut row = |cols: [String; 11]| rows.push(cols);
    for p in &e.progress {
        row([
            "阅读进度".into(),
            date(p.updated_at),
            p.title.clone(),
            String::new(),
            p.status.label().into(),
            num(p.page),
            num(p.percent),
            String::new(),
            String::new(),
            String::new(),
            String::new(),
        ]);
    }
    for c in &e.check_ins {
        row([
            "打卡".into(),
            c.day.clone(),
            String::new(),
            c.group_name.clone(),
            String::new(),
            String::new(),
            String::new(),
            num(c.minutes),
            num(c.pages),
            String::new(),
            c.line.clone(),
        ]);
    }
    for n in &e.notes {
        row([
            "读书心得".into(),
            date(n.created_at),
            n.book.clone(),
            n.group.clone().unwrap_or_default(),
            crate::notes::Visibility::parse(n.visibility)
                .map(|v| v.label())
                .unwrap_or("")
                .into(),
            String::new(),
            String::new(),
            String::new(),
            String::new(),
            n.title.clone(),
            n.markdown.clone(),
        ]);
    }
    platform::csv::table(
        &[
            "类型",
            "日期",
            "书名",
            "读书群",
            "状态",
            "页码",
            "百分比",
            "分钟",
            "页数",
            "标题",
            "内容",
        ],
        rows,
    )
}

async fn csv(
    State(ctx): State<AppContext>,
    SignedIn(user): SignedIn,
) -> Result<Response, AppError> {
    let export = collect(&ctx, &user).await?;
    Ok(crate::books::routes::csv_download(
        to_csv(&export),
        "my-reading.csv",
    ))
}

//! Server functions of the catalogue, recommendations and CSV import.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use super::validate::BookInput;
use super::{BookSummary, Recommendation};
use crate::groups::GroupSummary;
use crate::notes::NotePage;
use crate::progress::Progress;
use platform::error::AppError;

pub const PER_PAGE: i64 = 24;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BookPage {
    pub books: Vec<BookSummary>,
    pub total: i64,
    pub page: i64,
    pub can_edit: bool,
}

/// Everything the book page shows, for this viewer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BookDetail {
    pub book: BookSummary,
    pub groups: Vec<GroupSummary>,
    /// The latest notes (the rest: `/books/{id}/notes`).
    pub notes: NotePage,
    /// Discussion threads about the book in groups the viewer may read.
    pub threads: Vec<crate::threads::ThreadSummary>,
    pub my_progress: Option<Progress>,
    /// The viewer's groups (for attaching a note), `None` when signed out.
    pub my_groups: Option<Vec<(i64, String)>>,
    pub viewer: Option<i64>,
    pub can_edit: bool,
    pub can_recommend: bool,
}

/// One quarter of the public recommended list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Quarter {
    pub label: String,
    pub recommendations: Vec<Recommendation>,
}

/// A CSV row as the import preview shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportRow {
    pub line: usize,
    pub title: String,
    pub author: String,
    pub isbn: String,
    pub errors: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportPreview {
    pub rows: Vec<ImportRow>,
    pub valid: usize,
    pub invalid: usize,
}

#[cfg(feature = "ssr")]
mod ssr {
    pub use crate::accounts::Role;
    pub use crate::accounts::session::{current_user, require_role};
    pub use crate::books::{queries, validate};
    pub use platform::error::FormErrors;
    pub use platform::{ctx, now, respond, today_string};

    /// The current year in Beijing, for checking publication years.
    pub fn this_year() -> i64 {
        i64::from(platform::time::day_at(now()).year())
    }

    pub fn clip(s: &str) -> String {
        s.chars().take(2000).collect()
    }
}

#[server(prefix = "/api", endpoint = "books")]
pub async fn list_books(q: String, page: i64) -> Result<BookPage, AppError> {
    use ssr::*;
    respond(async move {
        let ctx = ctx()?;
        let q: String = q.trim().chars().take(50).collect();
        let page = page.clamp(1, 100_000);
        let books = queries::search(ctx.db.pool(), &q, PER_PAGE, (page - 1) * PER_PAGE).await?;
        let total = queries::count_matching(ctx.db.pool(), &q).await?;
        let can_edit = current_user().await?.is_some_and(|u| u.is_organiser());
        Ok(BookPage {
            books,
            total,
            page,
            can_edit,
        })
    })
    .await
}

#[server(prefix = "/api", endpoint = "book")]
pub async fn get_book(id: i64) -> Result<BookDetail, AppError> {
    use ssr::*;
    respond(async move {
        let ctx = ctx()?;
        let db = ctx.db.pool();
        let book = queries::get(db, id).await?.ok_or(AppError::NotFound)?;
        let user = current_user().await?;
        let viewer = platform::Viewer::of(user.as_ref().map(|u| u.id));
        let today = today_string();
        let groups = crate::groups::queries::reading_book(db, id, &today).await?;
        let notes =
            crate::notes::queries::page(db, crate::notes::queries::NotesOf::Book(id), viewer, 1)
                .await?;
        let (my_progress, my_groups) = match &user {
            Some(u) => {
                let progress = crate::progress::queries::of_book(db, u.id, id).await?;
                let groups = crate::groups::queries::of_account(db, u.id, &today)
                    .await?
                    .into_iter()
                    .map(|(g, _)| (g.id, g.name))
                    .collect();
                (progress, Some(groups))
            }
            None => (None, None),
        };
        let threads = crate::threads::queries::book_threads(
            ctx.db.pool(),
            id,
            platform::Viewer::of(user.as_ref().map(|u| u.id)),
            user.as_ref().is_some_and(|u| u.is_organiser()),
        )
        .await?;
        Ok(BookDetail {
            book,
            groups,
            notes,
            threads,
            my_progress,
            my_groups,
            viewer: user.as_ref().map(|u| u.id),
            can_edit: user.as_ref().is_some_and(|u| u.is_organiser()),
            can_recommend: user
                .as_ref()
                .is_some_and(|u| matches!(u.role, Role::Member | Role::Organiser)),
        })
    })
    .await
}

/// What was typed into the book form, to show again after an error.
#[cfg(feature = "ssr")]
fn kept(raw: &super::validate::RawBook) -> platform::error::FormErrors {
    let mut f = platform::error::FormErrors::default();
    for (k, v) in [
        ("title", raw.title),
        ("author", raw.author),
        ("publisher", raw.publisher),
        ("year", raw.year),
        ("isbn", raw.isbn),
        ("pages", raw.pages),
        ("summary", raw.summary),
    ] {
        f = f.keep(k, &ssr::clip(v));
    }
    f
}

/// Form fields of a book, checked; errors name the fields and keep the input.
#[cfg(feature = "ssr")]
fn checked_fields(raw: &super::validate::RawBook) -> Result<super::BookFields, AppError> {
    use ssr::*;
    validate::book_fields(raw, this_year()).map_err(|errors| {
        let mut f = kept(raw);
        for (field, msg) in errors {
            f.add(field, msg);
        }
        AppError::Invalid(f)
    })
}

#[cfg(feature = "ssr")]
fn duplicate_isbn(raw: &super::validate::RawBook) -> AppError {
    let mut f = kept(raw);
    f.add("isbn", "书目中已有这个 ISBN 的图书");
    AppError::Invalid(f)
}

/// Saves a new book (organisers); the ISBN must not be in the catalogue yet.
#[server(prefix = "/api", endpoint = "book/create")]
pub async fn create_book(#[server(flatten)] book: BookInput) -> Result<i64, AppError> {
    use ssr::*;
    respond(async move {
        let user = require_role(Role::Organiser).await?;
        let raw = book.raw();
        let fields = checked_fields(&raw)?;
        let ctx = ctx()?;
        match queries::insert(ctx.db.pool(), &fields, Some(user.id), now()).await {
            Ok(id) => {
                audit_book(
                    &ctx,
                    user.id,
                    platform::audit::AuditAction::BookCreate,
                    &format!("book:{id}"),
                    None,
                    &fields.title,
                )
                .await?;
                leptos_axum::redirect(&format!("/books/{id}"));
                Ok(id)
            }
            Err(e) if platform::is_unique_violation(&e) => Err(duplicate_isbn(&raw)),
            Err(e) => Err(e.into()),
        }
    })
    .await
}

#[server(prefix = "/api", endpoint = "book/update")]
pub async fn update_book(id: i64, #[server(flatten)] book: BookInput) -> Result<String, AppError> {
    use ssr::*;
    respond(async move {
        let user = require_role(Role::Organiser).await?;
        let raw = book.raw();
        let fields = checked_fields(&raw)?;
        let ctx = ctx()?;
        let before = queries::get(ctx.db.pool(), id)
            .await?
            .map(|b| b.fields.title);
        match queries::update(ctx.db.pool(), id, &fields).await {
            Ok(true) => {
                let target = format!("book:{id}");
                audit_book(
                    &ctx,
                    user.id,
                    platform::audit::AuditAction::BookUpdate,
                    &target,
                    before.as_deref(),
                    &fields.title,
                )
                .await?;
                platform::redirect_back();
                Ok("已保存".to_owned())
            }
            Ok(false) => Err(AppError::NotFound),
            Err(e) if platform::is_unique_violation(&e) => Err(duplicate_isbn(&raw)),
            Err(e) => Err(e.into()),
        }
    })
    .await
}

pub const REASON_MAX: usize = 500;

/// A member recommends a catalogue book, with a reason.
#[server(prefix = "/api", endpoint = "book/recommend")]
pub async fn recommend_book(book_id: i64, reason: String) -> Result<String, AppError> {
    use ssr::*;
    respond(async move {
        let user = crate::accounts::session::require_user().await?;
        if !matches!(user.role, Role::Member | Role::Organiser) {
            return Err(AppError::Forbidden);
        }
        let reason = reason.trim();
        let mut f = FormErrors::default().keep("reason", &clip(reason));
        if reason.is_empty() {
            f.add("reason", "请写下推荐理由");
        } else if reason.chars().count() > REASON_MAX {
            f.add("reason", format!("推荐理由不能超过 {REASON_MAX} 个字"));
        }
        f.into_result()?;
        let ctx = ctx()?;
        queries::get(ctx.db.pool(), book_id)
            .await?
            .ok_or(AppError::NotFound)?;
        queries::recommend(ctx.db.pool(), book_id, user.id, reason, now()).await?;
        platform::redirect_back();
        Ok("已提交推荐，等待管理员审核".to_owned())
    })
    .await
}

/// Approved recommendations, grouped by the quarter they were approved in.
#[server(prefix = "/api", endpoint = "books/recommended")]
pub async fn recommended_books() -> Result<Vec<Quarter>, AppError> {
    use super::RecommendationStatus;
    use ssr::*;
    respond(async move {
        let ctx = ctx()?;
        let approved =
            queries::recommendations(ctx.db.pool(), RecommendationStatus::Approved).await?;
        let mut quarters: Vec<Quarter> = Vec::new();
        for r in approved {
            let (_, _, label) = platform::time::quarter_zh(r.reviewed_at.unwrap_or(r.created_at));
            match quarters.last_mut() {
                Some(q) if q.label == label => q.recommendations.push(r),
                _ => quarters.push(Quarter {
                    label,
                    recommendations: vec![r],
                }),
            }
        }
        Ok(quarters)
    })
    .await
}

#[server(prefix = "/api", endpoint = "admin/recommendations")]
pub async fn pending_recommendations() -> Result<Vec<Recommendation>, AppError> {
    use super::RecommendationStatus;
    use ssr::*;
    respond(async move {
        require_role(Role::Organiser).await?;
        Ok(queries::recommendations(ctx()?.db.pool(), RecommendationStatus::Pending).await?)
    })
    .await
}

/// Approves or declines a recommendation (organisers), with a comment.
#[server(prefix = "/api", endpoint = "admin/review-recommendation")]
pub async fn review_recommendation(
    id: i64,
    decision: String,
    comment: String,
) -> Result<String, AppError> {
    use super::RecommendationStatus;
    use ssr::*;
    respond(async move {
        let user = require_role(Role::Organiser).await?;
        let status = match decision.as_str() {
            "approve" => RecommendationStatus::Approved,
            "decline" => RecommendationStatus::Declined,
            _ => return Err(AppError::message("请选择通过或不通过")),
        };
        let comment = comment.trim();
        if comment.chars().count() > REASON_MAX {
            return Err(AppError::message(format!(
                "审核意见不能超过 {REASON_MAX} 个字"
            )));
        }
        let ctx = ctx()?;
        let mut tx = ctx.db.pool().begin().await?;
        if !queries::review(&mut *tx, id, status, comment, user.id, now()).await? {
            return Err(AppError::message("这条推荐已经审核过了"));
        }
        platform::audit::record(
            &mut *tx,
            platform::audit::Entry {
                actor_id: user.id,
                action: platform::audit::AuditAction::RecommendationReview,
                target: &format!("recommendation:{id}"),
                before: Some("pending"),
                after: Some(status.as_str()),
                at: now(),
            },
        )
        .await?;
        tx.commit().await?;
        platform::redirect_back();
        Ok(format!(
            "已{}",
            if status == RecommendationStatus::Approved {
                "通过"
            } else {
                "退回"
            }
        ))
    })
    .await
}

/// Checks a CSV file without changing anything (organisers).
#[server(prefix = "/api", endpoint = "books/import-preview")]
pub async fn preview_import(csv: String) -> Result<ImportPreview, AppError> {
    use ssr::*;
    respond(async move {
        require_role(Role::Organiser).await?;
        let ctx = ctx()?;
        let rows = check_import(&ctx.db, &csv).await?;
        let invalid = rows.iter().filter(|r| !r.errors.is_empty()).count();
        Ok(ImportPreview {
            valid: rows.len() - invalid,
            invalid,
            rows,
        })
    })
    .await
}

/// Imports a CSV file: every row, or none when any row has a problem.
#[server(prefix = "/api", endpoint = "books/import")]
pub async fn import_books(csv: String) -> Result<String, AppError> {
    use ssr::*;
    respond(async move {
        let user = require_role(Role::Organiser).await?;
        let ctx = ctx()?;
        let checks =
            crate::books::catalogue_csv::check(&csv, this_year()).map_err(AppError::message)?;
        let preview = check_import(&ctx.db, &csv).await?;
        let bad = preview.iter().filter(|r| !r.errors.is_empty()).count();
        if bad > 0 {
            return Err(AppError::message(format!(
                "有 {bad} 行存在问题，没有导入任何图书。请先预览并修正。"
            )));
        }
        let at = now();
        let mut tx = ctx.db.pool().begin().await?;
        let mut imported = 0;
        for row in &checks {
            let Some(book) = &row.book else { continue };
            match queries::insert(&mut *tx, book, Some(user.id), at).await {
                Ok(_) => imported += 1,
                // Added by someone else since the preview: roll everything back.
                Err(e) if platform::is_unique_violation(&e) => {
                    return Err(AppError::message(format!(
                        "第 {} 行的 ISBN 已在书目中，没有导入任何图书",
                        row.line
                    )));
                }
                Err(e) => return Err(e.into()),
            }
        }
        tx.commit().await?;
        tracing::info!(actor = user.id, imported, "books imported");
        audit_book(
            &ctx,
            user.id,
            platform::audit::AuditAction::BookImport,
            "books",
            None,
            &format!("导入 {imported} 本"),
        )
        .await?;
        Ok(format!("已导入 {imported} 本图书"))
    })
    .await
}

/// Row checks of a CSV file, including ISBNs already in the catalogue.
#[cfg(feature = "ssr")]
async fn check_import(db: &platform::Db, csv: &str) -> Result<Vec<ImportRow>, AppError> {
    use ssr::*;
    let checks = crate::books::catalogue_csv::check(csv, this_year()).map_err(AppError::message)?;
    let mut rows = Vec::with_capacity(checks.len());
    for c in checks {
        let mut errors = c.errors.clone();
        if let Some(isbn) = c.book.as_ref().and_then(|b| b.isbn.as_deref())
            && queries::by_isbn(db.pool(), isbn).await?.is_some()
        {
            errors.push("ISBN：书目中已有这本书".to_owned());
        }
        let cell = |name: &str| {
            c.raw
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.clone())
                .unwrap_or_default()
        };
        rows.push(ImportRow {
            line: c.line,
            title: cell("title"),
            author: cell("author"),
            isbn: cell("isbn"),
            errors,
        });
    }
    Ok(rows)
}

/// Records an organiser's change to the catalogue in the audit log.
#[cfg(feature = "ssr")]
async fn audit_book(
    ctx: &platform::AppContext,
    actor_id: i64,
    action: platform::audit::AuditAction,
    target: &str,
    before: Option<&str>,
    after: &str,
) -> Result<(), AppError> {
    platform::audit::record(
        ctx.db.pool(),
        platform::audit::Entry {
            actor_id,
            action,
            target,
            before,
            after: Some(after),
            at: platform::now(),
        },
    )
    .await?;
    Ok(())
}

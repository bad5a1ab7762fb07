//! Server functions of notes and likes, and the paged note lists.

use leptos::prelude::*;

use super::NoteListPage;
use platform::error::AppError;

/// Writes a note on a book. A group is optional; "group only" needs one,
/// and only a member of that group may attach it there. Notes obey the
/// posting rate limit, counted apart from posts.
#[server(prefix = "/api", endpoint = "note/write")]
pub async fn write_note(
    book_id: i64,
    group_id: String,
    visibility: String,
    title: String,
    body: String,
) -> Result<String, AppError> {
    use super::queries::{self, NewNote};
    use super::{TITLE_MAX, Visibility};
    use crate::threads::write::Throttled;
    use platform::error::FormErrors;
    use platform::{ctx, now, respond};
    respond(async move {
        let user = crate::accounts::session::require_user().await?;
        let ctx = ctx()?;
        let db = ctx.db.pool();
        let title = title.trim();
        let body = body.trim();
        let mut f = FormErrors::default()
            .keep(
                "title",
                &title.chars().take(TITLE_MAX * 2).collect::<String>(),
            )
            .keep(
                "body",
                &body
                    .chars()
                    .take(platform::markdown::MAX_SOURCE)
                    .collect::<String>(),
            )
            .keep("visibility", &visibility)
            .keep("group_id", &group_id);
        if title.is_empty() {
            f.add("title", "请填写标题");
        } else if title.chars().count() > TITLE_MAX {
            f.add("title", format!("标题不能超过 {TITLE_MAX} 个字"));
        } else if title.chars().any(char::is_control) {
            f.add("title", "标题不能换行或包含控制字符");
        }
        if body.is_empty() {
            f.add("body", "请写下读书心得");
        } else if body.contains('\0') {
            f.add("body", "内容里有无法保存的空字符，请删除后再发");
        } else if body.chars().count() > platform::markdown::MAX_SOURCE {
            f.add(
                "body",
                format!("心得不能超过 {} 个字", platform::markdown::MAX_SOURCE),
            );
        }
        // Rendered here, before the transaction below opens.
        let html = crate::threads::write::checked_markdown(body, "body", &mut f);
        let visibility_parsed = Visibility::parse(&visibility);
        if visibility_parsed.is_none() {
            f.add("visibility", "请选择谁可以看到这篇心得");
        }
        let group = match group_id.trim() {
            "" => None,
            g => match g.parse::<i64>() {
                Ok(id) => Some(id),
                Err(_) => {
                    f.add("group_id", "请选择有效的读书群");
                    None
                }
            },
        };
        if visibility_parsed == Some(Visibility::Group) && group.is_none() {
            f.add("group_id", "“仅本群成员可见”需要选择一个读书群");
        }
        f.into_result()?;
        crate::books::queries::get(db, book_id)
            .await?
            .ok_or(AppError::NotFound)?;
        if let Some(g) = group {
            if crate::groups::queries::membership(db, g, user.id)
                .await?
                .is_none()
            {
                return Err(AppError::Forbidden);
            }
            // A group whose term is over is read-only.
            let ends = crate::groups::queries::ends_on(db, g)
                .await?
                .ok_or(AppError::NotFound)?;
            if ends < platform::today_string() {
                return Err(AppError::message("这个读书群已结束，不能再关联新的心得"));
            }
        }
        let html = html.expect("checked");
        let note = NewNote {
            account_id: user.id,
            book_id,
            group_id: group,
            visibility: visibility_parsed.expect("checked"),
            title,
            body_md: body,
            body_html: &html,
        };
        let now = now();
        let mut tx = db.begin().await?;
        let limits = &ctx.settings.post_limits;
        crate::threads::write::check_and_count(&mut tx, user.id, Throttled::Note, limits, now)
            .await?;
        queries::insert(&mut *tx, &note, now).await?;
        tx.commit().await?;
        platform::redirect_back();
        Ok("心得已发布".to_owned())
    })
    .await
}

#[server(prefix = "/api", endpoint = "note/delete")]
pub async fn delete_note(id: i64) -> Result<String, AppError> {
    use platform::{ctx, respond};
    respond(async move {
        let user = crate::accounts::session::require_user().await?;
        if !super::queries::delete_own(ctx()?.db.pool(), id, user.id).await? {
            // Someone else's, or gone: do not say which.
            return Err(AppError::NotFound);
        }
        platform::redirect_back();
        Ok("已删除".to_owned())
    })
    .await
}

/// Likes (`like` = "1") or unlikes a note the caller may read; returns the count.
#[server(prefix = "/api", endpoint = "note/like")]
pub async fn like_note(id: i64, like: String) -> Result<i64, AppError> {
    use platform::{ctx, now, respond};
    respond(async move {
        let user = crate::accounts::session::require_user().await?;
        let ctx = ctx()?;
        super::queries::visible(ctx.db.pool(), id, platform::Viewer::Account(user.id))
            .await?
            .ok_or(AppError::NotFound)?;
        let mut tx = ctx.db.pool().begin().await?;
        let n = super::queries::set_like(&mut tx, id, user.id, like == "1", now()).await?;
        tx.commit().await?;
        platform::redirect_back();
        Ok(n)
    })
    .await
}

/// A page of the notes on a book that the caller may read.
#[server(prefix = "/api", endpoint = "notes/book")]
pub async fn load_book_notes(book_id: i64, page: i64) -> Result<NoteListPage, AppError> {
    use super::queries::{self, NotesOf};
    use platform::{ctx, respond};
    respond(async move {
        let db = ctx()?.db;
        let book = crate::books::queries::get(db.pool(), book_id)
            .await?
            .ok_or(AppError::NotFound)?;
        let viewer = crate::accounts::session::current_user()
            .await?
            .map(|u| u.id);
        Ok(NoteListPage {
            title: format!("《{}》", book.fields.title),
            back: format!("/books/{book_id}"),
            path: super::book_notes_path(book_id),
            show_book: false,
            notes: queries::page(
                db.pool(),
                NotesOf::Book(book_id),
                platform::Viewer::of(viewer),
                page,
            )
            .await?,
            viewer,
        })
    })
    .await
}

/// A page of the notes in a group that the caller may read.
#[server(prefix = "/api", endpoint = "notes/group")]
pub async fn load_group_notes(slug: String, page: i64) -> Result<NoteListPage, AppError> {
    use super::queries::{self, NotesOf};
    use platform::{ctx, respond, today_string};
    respond(async move {
        let db = ctx()?.db;
        let access = crate::groups::access::GroupAccess::load(&db, &slug, &today_string()).await?;
        let viewer = access.user.as_ref().map(|u| u.id);
        let summary = &access.group.summary;
        Ok(NoteListPage {
            title: summary.name.clone(),
            back: format!("/groups/{}", summary.slug),
            path: super::group_notes_path(&summary.slug),
            show_book: true,
            notes: queries::page(
                db.pool(),
                NotesOf::Group(access.id()),
                platform::Viewer::of(viewer),
                page,
            )
            .await?,
            viewer,
        })
    })
    .await
}

//! Server functions of threads and posts. Every one checks on the server
//! who may read, write or steer; a hidden button is never the check.

use leptos::prelude::*;

use super::{ThreadList, ThreadPage};
use platform::error::AppError;

#[cfg(feature = "ssr")]
mod guard {
    use super::super::queries::{self, PostRecord, ThreadRecord};
    use crate::groups::access::GroupAccess;
    use platform::error::AppError;
    use platform::{AppContext, ctx, today_string};

    /// A group the caller may read, or 404 (members-only groups do not
    /// admit that they exist to outsiders).
    pub async fn readable_group(slug: &str) -> Result<(AppContext, GroupAccess), AppError> {
        let ctx = ctx()?;
        let access = GroupAccess::load(&ctx.db, slug, &today_string()).await?;
        if !access.can_read_threads() {
            return Err(AppError::NotFound);
        }
        Ok((ctx, access))
    }

    /// A thread the caller may read, with its group.
    pub async fn readable_thread(
        thread_id: i64,
    ) -> Result<(AppContext, GroupAccess, ThreadRecord), AppError> {
        let db = ctx()?.db;
        let thread = queries::thread(db.pool(), thread_id)
            .await?
            .ok_or(AppError::NotFound)?;
        let (ctx, access) = readable_group(&thread.group_slug).await?;
        Ok((ctx, access, thread))
    }

    /// A post the caller may read, with its thread and group.
    pub async fn readable_post(
        post_id: i64,
    ) -> Result<(AppContext, GroupAccess, ThreadRecord, PostRecord), AppError> {
        let db = ctx()?.db;
        let post = queries::post(db.pool(), post_id)
            .await?
            .ok_or(AppError::NotFound)?;
        let (ctx, access, thread) = readable_thread(post.thread_id).await?;
        Ok((ctx, access, thread, post))
    }

    /// Why the caller may not write in this group, if they may not.
    pub fn cannot_write(access: &GroupAccess) -> Option<String> {
        if access.user.is_none() {
            Some("登录并加入本群后可以参与讨论。".to_owned())
        } else if access.is_closed() {
            Some("本群已结束，讨论区只能查看。".to_owned())
        } else if !access.can_write_threads() {
            Some("加入本群后可以发帖和回复。".to_owned())
        } else {
            None
        }
    }

    /// Refuses unless the caller may write in the group.
    pub fn require_writer(access: &GroupAccess) -> Result<&crate::accounts::SessionUser, AppError> {
        let user = access.user()?;
        if access.is_closed() {
            return Err(AppError::message("本群已结束，讨论区只能查看"));
        }
        if !access.can_write_threads() {
            return Err(AppError::Forbidden);
        }
        Ok(user)
    }
}

/// A page of a group's threads.
#[server(prefix = "/api", endpoint = "threads/list")]
pub async fn load_thread_list(slug: String, page: i64) -> Result<ThreadList, AppError> {
    use super::{THREADS_PER_PAGE, queries};
    use platform::{Viewer, respond};
    respond(async move {
        let (ctx, access) = guard::readable_group(&slug).await?;
        let db = ctx.db.pool();
        let viewer = Viewer::of(access.user.as_ref().map(|u| u.id));
        let total = queries::count_group_threads(db, access.id()).await?;
        let pages = ((total + THREADS_PER_PAGE - 1) / THREADS_PER_PAGE).max(1);
        let page = page.clamp(1, pages);
        let mut threads = queries::group_threads(
            db,
            access.id(),
            viewer,
            THREADS_PER_PAGE,
            (page - 1) * THREADS_PER_PAGE,
        )
        .await?;
        if let Some(account) = viewer.account() {
            let marks = ctx.feature::<crate::threads::reads::ReadMarks>()?;
            for t in &mut threads {
                if let Some(seq) = marks.thread_position(account, t.id) {
                    t.read_up_to(seq);
                }
            }
        }
        let books = crate::groups::queries::reading_list::items(db, access.id())
            .await?
            .into_iter()
            .map(|i| (i.book_id, i.title))
            .collect();
        let cannot_post_reason = guard::cannot_write(&access);
        Ok(ThreadList {
            group_slug: access.group.summary.slug.clone(),
            group_name: access.group.summary.name.clone(),
            threads,
            page,
            pages,
            signed_in: access.user.is_some(),
            viewer: access.user.as_ref().map(|u| u.id),
            members_only: access.threads_members_only(),
            can_post: cannot_post_reason.is_none(),
            cannot_post_reason,
            books,
        })
    })
    .await
}

/// One page of a thread. Without a page number a signed-in reader gets
/// the page of their first unread post. Reading moves their read position.
/// `slug`, when given, must be the thread's group (the page's address).
#[server(prefix = "/api", endpoint = "threads/page")]
pub async fn load_thread_page(
    #[server(default)] slug: String,
    id: i64,
    page: Option<i64>,
    quote: Option<i64>,
) -> Result<ThreadPage, AppError> {
    use super::queries::{self, PostViewer};
    use super::{PAGE_SIZE, PostState, QuoteView, page_count, page_of};
    use platform::{Viewer, respond};
    respond(async move {
        // The thread as its list shows it carries what the access check
        // needs (its group) too: one query, not shown before the check.
        let viewer = Viewer::of(
            crate::accounts::session::current_user()
                .await?
                .map(|u| u.id),
        );
        let mut summary = queries::summary_of(platform::ctx()?.db.pool(), id, viewer)
            .await?
            .ok_or(AppError::NotFound)?;
        if !slug.is_empty() && slug != summary.group_slug {
            return Err(AppError::NotFound);
        }
        let (ctx, access) = guard::readable_group(&summary.group_slug).await?;
        let db = ctx.db.pool();
        // Read positions not written yet (signed-in readers only).
        let marks = match viewer.account() {
            Some(account) => Some((account, ctx.feature::<crate::threads::reads::ReadMarks>()?)),
            None => None,
        };
        if let Some((account, marks)) = &marks
            && let Some(seq) = marks.thread_position(*account, id)
        {
            summary.read_up_to(seq);
        }
        let pages = page_count(summary.post_count);
        let first_unread_seq =
            (viewer != Viewer::Visitor && summary.unread > 0).then_some(summary.last_read_seq + 1);
        let page = match (page, first_unread_seq) {
            (Some(p), _) => p.clamp(1, pages),
            (None, Some(seq)) => page_of(seq),
            (None, None) => 1,
        };
        let first = (page - 1) * PAGE_SIZE + 1;
        let sees_hidden = access.is_organiser();
        // Earlier versions of edited posts are not loaded: however often a
        // post was edited, the page weighs what an unedited one does (the
        // history has its own page, `load_post_history`).
        let posts = queries::posts_between(
            db,
            id,
            first,
            first + PAGE_SIZE - 1,
            PostViewer {
                viewer,
                sees_hidden,
                moderates: access.can_manage(),
            },
        )
        .await?;
        // Written with the next batch: reading writes nothing on the request path.
        if let Some((account, marks)) = &marks
            && let Some(last) = posts.last()
        {
            marks.thread_read(*account, id, last.seq);
        }
        let quoting = match quote {
            Some(q) => queries::post(db, q)
                .await?
                .filter(|p| p.thread_id == id && !p.deleted && !p.hidden)
                .map(|p| QuoteView {
                    post_id: p.id,
                    seq: p.seq,
                    author: p.author.clone(),
                    excerpt: super::excerpt(&p.body_md, 120),
                }),
            None => None,
        };
        let mut cannot_post_reason = guard::cannot_write(&access);
        if cannot_post_reason.is_none() && summary.locked {
            cannot_post_reason = Some("本主题已锁定，不能再回复。".to_owned());
        }
        // Deleted posts never carry text, whoever looks.
        debug_assert!(
            posts
                .iter()
                .all(|p| p.state != PostState::Deleted || p.body_html.is_empty())
        );
        Ok(ThreadPage {
            thread: summary,
            group_closed: access.is_closed(),
            members_only: access.threads_members_only(),
            posts,
            page,
            pages,
            viewer: viewer.account(),
            can_post: cannot_post_reason.is_none(),
            cannot_post_reason,
            can_steer: access.can_guide(),
            can_manage: access.can_manage(),
            is_organiser: access.is_organiser(),
            first_unread_seq,
            quoting,
        })
    })
    .await
}

/// Starts a thread; answers with the new thread's address.
#[server(prefix = "/api", endpoint = "threads/create")]
pub async fn create_thread(
    slug: String,
    title: String,
    body: String,
    book_id: String,
) -> Result<String, AppError> {
    use super::{queries, write};
    use platform::error::FormErrors;
    use platform::{now, redirect_to, respond};
    respond(async move {
        let (ctx, access) = guard::readable_group(&slug).await?;
        let user = guard::require_writer(&access)?.clone();
        let title = title.trim();
        let mut f = FormErrors::default()
            .keep(
                "title",
                &title.chars().take(super::TITLE_MAX * 2).collect::<String>(),
            )
            .keep("body", &write::kept(&body))
            .keep("book_id", &book_id);
        write::check_title(title, &mut f);
        let post = write::PostBody::checked(&body, "body", &mut f);
        let book = match book_id.trim() {
            "" => None,
            b => {
                let listed =
                    crate::groups::queries::reading_list::items(ctx.db.pool(), access.id())
                        .await?
                        .into_iter()
                        .map(|i| i.book_id)
                        .find(|id| Some(*id) == b.parse().ok());
                if listed.is_none() {
                    f.add("book_id", "请选择本群书目中的图书");
                }
                listed
            }
        };
        f.into_result()?;
        let post = post.expect("checked");
        let now = now();
        let mut tx = ctx.db.pool().begin().await?;
        write::check_rate(&mut tx, user.id, &ctx.settings.post_limits, now).await?;
        let thread_id =
            queries::create_thread(&mut tx, access.id(), book, user.id, title, now).await?;
        let thread = queries::thread(&mut *tx, thread_id)
            .await?
            .ok_or(AppError::NotFound)?;
        write::publish(&mut tx, &thread, &user, None, &post, now).await?;
        tx.commit().await?;
        let path = format!("/groups/{}/threads/{thread_id}", access.group.summary.slug);
        redirect_to(&path);
        Ok(path)
    })
    .await
}

/// Replies to a thread, optionally quoting one of its posts; answers with
/// the new post's address.
#[server(prefix = "/api", endpoint = "threads/reply")]
pub async fn reply(thread_id: i64, body: String, quote_id: String) -> Result<String, AppError> {
    use super::{page_of, queries, write};
    use platform::error::FormErrors;
    use platform::{now, redirect_to, respond};
    respond(async move {
        let (ctx, access, thread) = guard::readable_thread(thread_id).await?;
        let user = guard::require_writer(&access)?.clone();
        let mut f = FormErrors::default()
            .keep("body", &write::kept(&body))
            .keep("quote_id", &quote_id);
        let post = write::PostBody::checked(&body, "body", &mut f);
        f.into_result()?;
        let post = post.expect("checked");
        let quote = match quote_id.trim() {
            "" => None,
            q => {
                let id: i64 = q.parse().map_err(|_| AppError::BadRequest)?;
                let p = queries::post(ctx.db.pool(), id)
                    .await?
                    .filter(|p| p.thread_id == thread_id && !p.deleted && !p.hidden)
                    .ok_or_else(|| AppError::message("要引用的帖子已不存在"))?;
                Some(p)
            }
        };
        if thread.locked {
            return Err(AppError::message("本主题已锁定，不能再回复"));
        }
        let now = now();
        let mut tx = ctx.db.pool().begin().await?;
        write::check_rate(&mut tx, user.id, &ctx.settings.post_limits, now).await?;
        let (_, seq) = write::publish(&mut tx, &thread, &user, quote.as_ref(), &post, now).await?;
        tx.commit().await?;
        let path = format!(
            "/groups/{}/threads/{thread_id}?page={}#p{seq}",
            thread.group_slug,
            page_of(seq)
        );
        redirect_to(&path);
        Ok(path)
    })
    .await
}

/// Edits a post: one's own, or as the group's leader or an organiser
/// (logged, and the author is told). The earlier text is kept as history,
/// unless a moderator ticks `redact` ("1"): then the post's history is
/// emptied (logged as `edit_redact`). In a locked thread only the group's
/// leader and organisers edit, as staff may in a closed Discourse topic;
/// authors may not. Edits obey the posting rate limit, counted apart.
#[server(prefix = "/api", endpoint = "posts/edit")]
pub async fn edit_post(
    id: i64,
    body: String,
    #[server(default)] redact: String,
) -> Result<String, AppError> {
    use super::moderation::{ModerationAction, log_action, notify_author};
    use super::queries::Previous;
    use super::{queries, write};
    use platform::error::FormErrors;
    use platform::{now, redirect_back, respond};
    respond(async move {
        let (ctx, access, thread, post) = guard::readable_post(id).await?;
        let user = guard::require_writer(&access)?.clone();
        let own = post.account_id == Some(user.id);
        if !own && !access.can_manage() {
            return Err(AppError::Forbidden);
        }
        let redact = redact == "1";
        // Redacting is a moderator's tool for someone else's words.
        if redact && own {
            return Err(AppError::Forbidden);
        }
        if thread.locked && !access.can_manage() {
            return Err(AppError::message("本主题已锁定，不能再编辑"));
        }
        let mut f = FormErrors::default().keep("body", &write::kept(&body));
        let new = write::PostBody::checked(&body, "body", &mut f);
        f.into_result()?;
        let new = new.expect("checked");
        let now = now();
        let mut tx = ctx.db.pool().begin().await?;
        let limits = &ctx.settings.post_limits;
        write::check_and_count(&mut tx, user.id, write::Throttled::Edit, limits, now).await?;
        let only_author = own.then_some(user.id);
        let previous = if redact {
            Previous::Redacted
        } else {
            Previous::Kept
        };
        if !queries::edit(&mut tx, id, only_author, &new.md, &new.html, now, previous).await? {
            return Err(AppError::message("这篇帖子已删除或被隐藏，不能再编辑"));
        }
        if !own {
            let action = if redact {
                ModerationAction::EditRedact
            } else {
                ModerationAction::Edit
            };
            log_action(&mut tx, user.id, action, Some(thread.id), Some(id), "", now).await?;
            let text = format!(
                "你在《{}》中的帖子被{}编辑了",
                thread.title, user.display_name
            );
            notify_author(&mut tx, &post, user.id, &text, now).await?;
        }
        tx.commit().await?;
        redirect_back();
        Ok("已保存修改".to_owned())
    })
    .await
}

/// A page of a post's earlier versions, newest first, for whoever may read
/// the post: never for a deleted post, for a hidden one only organisers
/// (the rules of the thread page).
#[server(prefix = "/api", endpoint = "posts/history")]
pub async fn load_post_history(id: i64, page: i64) -> Result<super::PostHistory, AppError> {
    use super::{HISTORY_PAGE_SIZE, PostHistory, page_of, queries};
    use platform::respond;
    respond(async move {
        let (ctx, access, thread, post) = guard::readable_post(id).await?;
        if post.deleted || (post.hidden && !access.is_organiser()) {
            return Err(AppError::NotFound);
        }
        let db = ctx.db.pool();
        let kept = queries::revision_count(db, id).await?;
        let pages = ((kept + HISTORY_PAGE_SIZE - 1) / HISTORY_PAGE_SIZE).max(1);
        let page = page.clamp(1, pages);
        let revisions =
            queries::revisions_page(db, id, HISTORY_PAGE_SIZE, (page - 1) * HISTORY_PAGE_SIZE)
                .await?;
        Ok(PostHistory {
            post_id: id,
            seq: post.seq,
            author: post.author,
            thread_title: thread.title,
            post_path: format!(
                "/groups/{}/threads/{}?page={}#p{}",
                thread.group_slug,
                thread.id,
                page_of(post.seq),
                post.seq
            ),
            edits: post.edits,
            edited_at: post.edited_at,
            kept,
            revisions,
            page,
        })
    })
    .await
}

/// Deletes a post (it shows as 已删除; replies stay): one's own, or as the
/// group's leader or an organiser (logged, and the author is told).
#[server(prefix = "/api", endpoint = "posts/delete")]
pub async fn delete_post(id: i64) -> Result<String, AppError> {
    use super::moderation::{ModerationAction, log_action, notify_author};
    use super::queries;
    use platform::{now, redirect_back, respond};
    respond(async move {
        let (ctx, access, thread, post) = guard::readable_post(id).await?;
        let user = access.user()?.clone();
        let own = post.account_id == Some(user.id);
        if !own && !access.can_manage() {
            return Err(AppError::Forbidden);
        }
        access.require_open()?;
        let now = now();
        let mut tx = ctx.db.pool().begin().await?;
        let deleted = queries::delete(&mut *tx, id, own.then_some(user.id), now).await?;
        if deleted && !own {
            log_action(
                &mut tx,
                user.id,
                ModerationAction::Delete,
                Some(thread.id),
                Some(id),
                "",
                now,
            )
            .await?;
            let text = format!(
                "你在《{}》中的帖子被{}删除了",
                thread.title, user.display_name
            );
            notify_author(&mut tx, &post, user.id, &text, now).await?;
        }
        tx.commit().await?;
        redirect_back();
        Ok("帖子已删除".to_owned())
    })
    .await
}

/// Likes (`like` = "1") or unlikes a post; answers with the new count.
#[server(prefix = "/api", endpoint = "posts/like")]
pub async fn like_post(id: i64, like: String) -> Result<i64, AppError> {
    use platform::{likes, now, redirect_back, respond};
    respond(async move {
        let (ctx, access, _thread, post) = guard::readable_post(id).await?;
        let user = access.user()?;
        if post.deleted || post.hidden {
            return Err(AppError::message("这篇帖子已不可见"));
        }
        access.require_open()?;
        let mut tx = ctx.db.pool().begin().await?;
        let n = likes::set(&mut tx, &likes::POST, id, user.id, like == "1", now()).await?;
        tx.commit().await?;
        redirect_back();
        Ok(n)
    })
    .await
}

/// Pins or locks a thread (`flag`: "pinned" or "locked"; `on`: "1"/"0").
#[server(prefix = "/api", endpoint = "threads/flag")]
pub async fn set_thread_flag(id: i64, flag: String, on: String) -> Result<String, AppError> {
    use super::moderation::{ModerationAction, log_action};
    use super::queries::{self, ThreadFlag};
    use platform::{now, redirect_back, respond};
    respond(async move {
        let (ctx, access, _thread) = guard::readable_thread(id).await?;
        let user = access.require_guide()?.clone();
        let on = on == "1";
        let flag = ThreadFlag::parse(&flag).ok_or(AppError::BadRequest)?;
        let (action, done) = match (flag, on) {
            (ThreadFlag::Pinned, true) => (ModerationAction::Pin, "已置顶"),
            (ThreadFlag::Pinned, false) => (ModerationAction::Unpin, "已取消置顶"),
            (ThreadFlag::Locked, true) => (ModerationAction::Lock, "已锁定，不能再回复"),
            (ThreadFlag::Locked, false) => (ModerationAction::Unlock, "已解除锁定"),
        };
        let mut tx = ctx.db.pool().begin().await?;
        if queries::set_flag(&mut *tx, id, flag, on).await? {
            log_action(&mut tx, user.id, action, Some(id), None, "", now()).await?;
        }
        tx.commit().await?;
        redirect_back();
        Ok(done.to_owned())
    })
    .await
}

/// Marks a post as a guided reading (导读) or takes the mark off.
#[server(prefix = "/api", endpoint = "posts/guide")]
pub async fn set_post_guide(id: i64, on: String) -> Result<String, AppError> {
    use super::moderation::{ModerationAction, log_action};
    use super::queries;
    use platform::{now, redirect_back, respond};
    respond(async move {
        let (ctx, access, thread, _post) = guard::readable_post(id).await?;
        let user = access.require_guide()?.clone();
        let on = on == "1";
        let mut tx = ctx.db.pool().begin().await?;
        if queries::set_guide(&mut *tx, id, on).await? {
            let action = if on {
                ModerationAction::Guide
            } else {
                ModerationAction::Unguide
            };
            log_action(
                &mut tx,
                user.id,
                action,
                Some(thread.id),
                Some(id),
                "",
                now(),
            )
            .await?;
        }
        tx.commit().await?;
        redirect_back();
        Ok(if on {
            "已标为导读"
        } else {
            "已取消导读标记"
        }
        .to_owned())
    })
    .await
}

/// The rendered, sanitised HTML of a draft (the preview before posting),
/// refused for what posting would refuse.
#[server(prefix = "/api", endpoint = "posts/preview")]
pub async fn preview_post(body: String) -> Result<platform::SafeHtml, AppError> {
    use platform::respond;
    respond(async move {
        crate::accounts::session::require_user().await?;
        let mut f = platform::error::FormErrors::default();
        match super::write::PostBody::checked(&body, "body", &mut f) {
            Some(post) => Ok(post.html),
            None => Err(AppError::message(f.field("body").unwrap_or_default())),
        }
    })
    .await
}

/// Members of the group whose names match what is typed after `@`:
/// `(user name, display name)`, at most eight.
#[server(prefix = "/api", endpoint = "threads/mentions")]
pub async fn suggest_mentions(
    slug: String,
    typed: String,
) -> Result<Vec<(String, String)>, AppError> {
    use platform::respond;
    respond(async move {
        let (ctx, access) = guard::readable_group(&slug).await?;
        access.user()?;
        let typed: String = typed.chars().take(32).collect();
        Ok(super::queries::mention_candidates(ctx.db.pool(), access.id(), &typed, 8).await?)
    })
    .await
}

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
use super::invite_path;
use crate::groups::reading_list::ListItem;
use crate::groups::{GroupSummary, JoinRequest};
use platform::error::AppError;

/// What the manage page needs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ManagePage {
    pub summary: GroupSummary,
    pub items: Vec<ListItem>,
    pub requests: Vec<JoinRequest>,
    pub invite_path: String,
    /// Catalogue books to add: (id, `书名 · 作者`).
    pub books: Vec<(i64, String)>,
    pub can_manage: bool,
}

#[server(prefix = "/api", endpoint = "group/manage")]
pub async fn manage_group(slug: String) -> Result<ManagePage, AppError> {
    use super::guard::*;
    respond(async move {
        let access = load(&slug).await?;
        access.require_guide()?;
        let ctx = ctx()?;
        let db = ctx.db.pool();
        let gid = access.id();
        let books = crate::books::queries::search(db, "", 2000, 0)
            .await?
            .into_iter()
            .map(|b| (b.id, format!("{} · {}", b.fields.title, b.fields.author)))
            .collect();
        Ok(ManagePage {
            items: queries::reading_list::items(db, gid).await?,
            requests: if access.can_manage() {
                queries::pending_requests(db, gid).await?
            } else {
                Vec::new()
            },
            invite_path: invite_path(&access.group.summary.slug, &access.group.invite_token),
            books,
            can_manage: access.can_manage(),
            summary: access.group.summary,
        })
    })
    .await
}

/// The schedule and guided reading of a list entry, checked.
#[cfg(feature = "ssr")]
fn list_fields(
    starts_on: &str,
    ends_on: &str,
    guide_md: &str,
) -> Result<(String, String, String, platform::SafeHtml), AppError> {
    use platform::time::{day_string, parse_day};
    let mut f = FormErrors::default()
        .keep("starts_on", starts_on)
        .keep("ends_on", ends_on)
        .keep(
            "guide_md",
            &guide_md
                .chars()
                .take(platform::markdown::MAX_SOURCE)
                .collect::<String>(),
        );
    let s = parse_day(starts_on).map_err(|m| f.add("starts_on", m)).ok();
    let e = parse_day(ends_on).map_err(|m| f.add("ends_on", m)).ok();
    if let (Some(s), Some(e)) = (s, e)
        && e < s
    {
        f.add("ends_on", "结束日期不能早于开始日期");
    }
    if guide_md.chars().count() > platform::markdown::MAX_SOURCE {
        f.add(
            "guide_md",
            format!("导读不能超过 {} 个字", platform::markdown::MAX_SOURCE),
        );
    }
    f.into_result()?;
    let (s, e) = (s.expect("checked"), e.expect("checked"));
    let guide = guide_md.trim().to_owned();
    let html = platform::markdown::render(&guide);
    Ok((day_string(s), day_string(e), guide, html))
}

#[cfg(feature = "ssr")]
use super::guard::FormErrors;

/// Adds a catalogue book to the reading list (leader or organiser).
#[server(prefix = "/api", endpoint = "group/list/add")]
pub async fn add_to_list(
    slug: String,
    book_id: String,
    starts_on: String,
    ends_on: String,
    guide_md: String,
) -> Result<String, AppError> {
    use super::guard::*;
    respond(async move {
        let (access, actor) = open_list(&slug, false).await?;
        let Ok(book_id) = book_id.parse::<i64>() else {
            let mut f = FormErrors::default()
                .keep("starts_on", &starts_on)
                .keep("ends_on", &ends_on)
                .keep(
                    "guide_md",
                    &guide_md
                        .chars()
                        .take(platform::markdown::MAX_SOURCE)
                        .collect::<String>(),
                );
            f.add("book_id", "请选择图书");
            return Err(AppError::Invalid(f));
        };
        let (s, e, guide, html) = list_fields(&starts_on, &ends_on, &guide_md)?;
        let ctx = ctx()?;
        crate::books::queries::get(ctx.db.pool(), book_id)
            .await?
            .ok_or(AppError::NotFound)?;
        let mut tx = ctx.db.pool().begin().await?;
        let fields = queries::reading_list::ItemFields {
            starts_on: &s,
            ends_on: &e,
            guide_md: &guide,
            guide_html: &html,
        };
        if queries::reading_list::add(&mut tx, access.id(), book_id, &fields)
            .await?
            .is_none()
        {
            return Err(AppError::message("这本书已在本群书目中"));
        }
        let change = format!("加入书目：book:{book_id}");
        list_changed(&mut *tx, actor, &slug, &change).await?;
        tx.commit().await?;
        platform::redirect_back();
        Ok("已加入书目".to_owned())
    })
    .await
}

/// Changes an entry's dates and guided reading (leaders, guides, organisers).
#[server(prefix = "/api", endpoint = "group/list/update")]
pub async fn update_list_item(
    slug: String,
    item_id: i64,
    starts_on: String,
    ends_on: String,
    guide_md: String,
) -> Result<String, AppError> {
    use super::guard::*;
    respond(async move {
        let (access, actor) = open_list(&slug, true).await?;
        let (s, e, guide, html) = list_fields(&starts_on, &ends_on, &guide_md)?;
        let fields = queries::reading_list::ItemFields {
            starts_on: &s,
            ends_on: &e,
            guide_md: &guide,
            guide_html: &html,
        };
        let pool = ctx()?.db.pool().clone();
        let found = queries::reading_list::update(&pool, access.id(), item_id, &fields).await?;
        entry_changed(&pool, found, actor, &slug, ("修改日期和导读", item_id)).await?;
        Ok("已保存导读".to_owned())
    })
    .await
}

#[server(prefix = "/api", endpoint = "group/list/remove")]
pub async fn remove_from_list(slug: String, item_id: i64) -> Result<String, AppError> {
    use super::guard::*;
    respond(async move {
        let (access, actor) = open_list(&slug, false).await?;
        let pool = ctx()?.db.pool().clone();
        let found = queries::reading_list::remove(&pool, access.id(), item_id).await?;
        entry_changed(&pool, found, actor, &slug, ("移出书目", item_id)).await?;
        Ok("已从书目中移除".to_owned())
    })
    .await
}

#[server(prefix = "/api", endpoint = "group/list/move")]
pub async fn move_in_list(
    slug: String,
    item_id: i64,
    direction: String,
) -> Result<String, AppError> {
    use super::guard::*;
    respond(async move {
        let (access, actor) = open_list(&slug, false).await?;
        let up = crate::groups::ListMove::parse(&direction).ok_or(AppError::BadRequest)?
            == crate::groups::ListMove::Up;
        let ctx = ctx()?;
        let mut tx = ctx.db.pool().begin().await?;
        let moved = queries::reading_list::move_item(&mut tx, access.id(), item_id, up).await?;
        if moved {
            let change = format!("调整顺序：item:{item_id}");
            list_changed(&mut *tx, actor, &slug, &change).await?;
        }
        tx.commit().await?;
        platform::redirect_back();
        Ok(if moved {
            "已调整顺序"
        } else {
            "已在最前或最后"
        }
        .to_owned())
    })
    .await
}

/// The group whose list is changed, which must still be open, and who
/// changes it: a manager, or with `guides` also a guide (dates and guided
/// reading).
#[cfg(feature = "ssr")]
async fn open_list(
    slug: &str,
    guides: bool,
) -> Result<(crate::groups::access::GroupAccess, i64), AppError> {
    let access = super::guard::load(slug).await?;
    let actor = if guides {
        access.require_guide()?.id
    } else {
        access.require_manager()?.id
    };
    access.require_open()?;
    Ok((access, actor))
}

/// After a change to one entry of the list: not found when there was no
/// such entry; otherwise the change (what, which item) is logged and the
/// plain form sent back.
#[cfg(feature = "ssr")]
async fn entry_changed(
    pool: &sqlx::AnyPool,
    found: bool,
    actor: i64,
    slug: &str,
    (what, item_id): (&str, i64),
) -> Result<(), AppError> {
    if !found {
        return Err(AppError::NotFound);
    }
    list_changed(pool, actor, slug, &format!("{what}：item:{item_id}")).await?;
    platform::redirect_back();
    Ok(())
}

/// Records a change to a group's reading list in the audit log.
#[cfg(feature = "ssr")]
async fn list_changed(
    e: impl platform::Exec<'_>,
    actor: i64,
    slug: &str,
    change: &str,
) -> Result<(), sqlx::Error> {
    platform::audit::note(
        e,
        actor,
        platform::audit::AuditAction::GroupList,
        &format!("group:{slug}"),
        None,
        change,
    )
    .await
}

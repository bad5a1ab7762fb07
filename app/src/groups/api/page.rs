use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::groups::reading_list::ListItem;
use crate::groups::{GroupMember, GroupRole, GroupSummary, Seat};
use crate::notes::NotePage;
use platform::error::AppError;

/// One member's row of the progress board.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BoardRow {
    pub display_name: String,
    pub role: GroupRole,
    /// Per reading-list book, in list order: e.g. `在读 · 45%`, or `None`.
    pub cells: Vec<Option<String>>,
    pub streak: i64,
    pub longest_streak: i64,
}

/// The signed-in person's place in the group.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MyPlace {
    pub role: Option<GroupRole>,
    /// The quota this person would join on.
    pub seat: Seat,
    pub pending_request: bool,
    pub checked_in_today: bool,
    pub can_manage: bool,
    pub can_guide: bool,
    /// Organisers edit the group itself (term, seats, staff).
    pub can_edit: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupPage {
    pub summary: GroupSummary,
    pub description_html: platform::SafeHtml,
    pub today: String,
    /// Whether the viewer may see the group's people: when false (a
    /// members-only group seen from outside) `members` and `board` are
    /// empty and the page shows only the member count.
    pub people_visible: bool,
    pub members: Vec<GroupMember>,
    pub items: Vec<ListItem>,
    pub board: Vec<BoardRow>,
    /// The latest notes (the rest: `/groups/{slug}/notes`).
    pub notes: NotePage,
    pub me: Option<MyPlace>,
    pub viewer: Option<i64>,
    /// The invitation address, shown to those who manage the group.
    pub invite_path: Option<String>,
    /// The latest discussion threads; `None` when the viewer may not read them.
    pub threads: Option<Vec<crate::threads::ThreadSummary>>,
}

#[server(prefix = "/api", endpoint = "group")]
pub async fn get_group(slug: String) -> Result<GroupPage, AppError> {
    use super::guard::*;
    respond(async move {
        let ctx = ctx()?;
        let db = ctx.db.pool();
        let access = load(&slug).await?;
        let today = today_string();
        let gid = access.id();
        let people_visible = access.can_see_people();
        let items = queries::reading_list::items(db, gid).await?;
        let (members, board) = if people_visible {
            let members = queries::members(db, gid).await?;
            let board = board(&ctx.db, gid, &members, &items, &today).await?;
            (members, board)
        } else {
            (Vec::new(), Vec::new())
        };
        let viewer = platform::Viewer::of(access.user.as_ref().map(|u| u.id));
        let notes =
            crate::notes::queries::page(db, crate::notes::queries::NotesOf::Group(gid), viewer, 1)
                .await?;
        let me = match &access.user {
            Some(u) => Some(MyPlace {
                role: access.role(),
                seat: seat_for(u.role),
                pending_request: queries::has_pending_request(db, gid, u.id).await?,
                checked_in_today: crate::progress::queries::checked_in(db, gid, u.id, &today)
                    .await?,
                can_manage: access.can_manage(),
                can_guide: access.can_guide(),
                can_edit: access.is_organiser(),
            }),
            None => None,
        };
        let invite_path = access
            .can_manage()
            .then(|| invite_path(&access.group.summary.slug, &access.group.invite_token));
        let threads = if access.can_read_threads() {
            let viewer = platform::Viewer::of(access.user.as_ref().map(|u| u.id));
            Some(
                crate::threads::queries::group_threads(ctx.db.pool(), access.id(), viewer, 5, 0)
                    .await?,
            )
        } else {
            None
        };
        Ok(GroupPage {
            summary: access.group.summary,
            description_html: access.group.description_html,
            today,
            people_visible,
            members,
            items,
            board,
            notes,
            me,
            viewer: access.user.as_ref().map(|u| u.id),
            invite_path,
            threads,
        })
    })
    .await
}

pub fn invite_path(slug: &str, token: &str) -> String {
    format!("/groups/{slug}?invite={token}")
}

/// The progress board: each member's progress on each book, and streaks.
#[cfg(feature = "ssr")]
async fn board(
    db: &platform::Db,
    group_id: i64,
    members: &[GroupMember],
    items: &[ListItem],
    today: &str,
) -> Result<Vec<BoardRow>, AppError> {
    use crate::progress::streak::streaks;
    let progress = crate::progress::queries::board(db.pool(), group_id).await?;
    let today_date = platform::time::parse_day(today).map_err(AppError::internal)?;
    let since = platform::time::day_string(today_date - time::Duration::days(400));
    let days = crate::progress::queries::group_days(db.pool(), group_id, &since).await?;
    Ok(members
        .iter()
        .map(|m| {
            let cells = items
                .iter()
                .map(|item| {
                    progress
                        .iter()
                        .find(|(a, p)| *a == m.account_id && p.book_id == item.book_id)
                        .map(|(_, p)| p.describe(None))
                })
                .collect();
            let mine: Vec<String> = days
                .iter()
                .filter(|(a, _)| *a == m.account_id)
                .map(|(_, d)| d.clone())
                .collect();
            let (streak, longest_streak) = streaks(&mine, today_date);
            BoardRow {
                display_name: m.display_name.clone(),
                role: m.role,
                cells,
                streak,
                longest_streak,
            }
        })
        .collect())
}

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::lectures::{LectureSummary, RegistrationSummary};
use platform::error::AppError;

/// Sessions the listing shows at most.
pub const LIST_MAX: i64 = 500;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LectureList {
    pub live: Vec<LectureSummary>,
    pub upcoming: Vec<LectureSummary>,
    pub past: Vec<LectureSummary>,
    /// Drafts the viewer may see (their own; organisers all).
    pub drafts: Vec<LectureSummary>,
    pub series: Vec<String>,
    pub can_create: bool,
}

#[server(prefix = "/api", endpoint = "lectures")]
pub async fn load_lectures(series: String) -> Result<LectureList, AppError> {
    use crate::accounts::Role;
    use crate::accounts::session::current_user;
    use crate::lectures::Phase;
    use crate::lectures::queries::{self, DraftsOf};
    use platform::{ctx, now, respond};
    respond(async move {
        let ctx = ctx()?;
        let user = current_user().await?;
        let drafts = match &user {
            Some(u) if u.is_organiser() => DraftsOf::Everyone,
            Some(u) if u.role == Role::Lecturer => DraftsOf::Owner(u.id),
            _ => DraftsOf::Nobody,
        };
        let series = series.trim();
        let filter = (!series.is_empty()).then_some(series);
        let all = queries::list(ctx.db.pool(), filter, drafts, now(), LIST_MAX).await?;
        let mut list = LectureList {
            live: Vec::new(),
            upcoming: Vec::new(),
            past: Vec::new(),
            drafts: Vec::new(),
            series: queries::series(ctx.db.pool()).await?,
            can_create: user
                .as_ref()
                .is_some_and(|u| u.is_organiser() || u.role == Role::Lecturer),
        };
        for l in all {
            match l.phase {
                Phase::Live => list.live.push(l),
                Phase::Upcoming => list.upcoming.push(l),
                Phase::Draft => list.drafts.push(l),
                // Cancelled sessions stay where their date puts them.
                Phase::Cancelled if l.ends_at > now() => list.upcoming.push(l),
                Phase::Ended | Phase::Cancelled => list.past.push(l),
            }
        }
        // Soonest first for what is ahead; latest first for what is past.
        list.upcoming.sort_by_key(|l| (l.starts_at, l.id));
        Ok(list)
    })
    .await
}

#[server(prefix = "/api", endpoint = "lectures/mine")]
pub async fn load_my_registrations() -> Result<Vec<RegistrationSummary>, AppError> {
    use platform::{ctx, now, respond};
    respond(async move {
        let ctx = ctx()?;
        let user = crate::accounts::session::require_user().await?;
        Ok(
            crate::lectures::queries::registration::of_account(ctx.db.pool(), user.id, now())
                .await?,
        )
    })
    .await
}

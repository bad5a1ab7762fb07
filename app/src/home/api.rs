//! Server functions of the home page.

use super::*;

use leptos::prelude::*;
use platform::error::AppError;

#[server(prefix = "/api", endpoint = "home")]
pub async fn home_data() -> Result<Home, AppError> {
    use crate::accounts::Role;
    use crate::books::RecommendationStatus;
    use crate::groups::{GroupFilter, GroupStatus};
    platform::respond(async move {
        let ctx = platform::ctx()?;
        let db = ctx.db.pool();
        let by_role = crate::accounts::queries::count_by_role(db).await?;
        let count = |role| {
            by_role
                .iter()
                .find(|(r, _)| *r == role)
                .map_or(0, |(_, n)| *n)
        };
        let sectors = crate::site::queries::sector_count(db).await?;
        let today = platform::today_string();
        // Running groups first, then those recruiting.
        let mut groups = Vec::new();
        for status in [GroupStatus::Active, GroupStatus::Recruiting] {
            let filter = GroupFilter {
                status: Some(status),
                ..GroupFilter::default()
            };
            groups.extend(
                crate::groups::queries::list(db, &filter, &today, HOME_GROUPS as i64, 0).await?,
            );
        }
        groups.truncate(HOME_GROUPS);
        let mut recommended =
            crate::books::queries::recommendations(db, RecommendationStatus::Approved).await?;
        recommended.truncate(HOME_BOOKS);
        let lectures = crate::lectures::queries::upcoming(db, platform::now(), HOME_LECTURES)
            .await?
            .into_iter()
            .map(|l| l.summary)
            .collect();
        Ok(Home {
            lectures,
            figures: Figures {
                readers: by_role.iter().map(|(_, n)| n).sum(),
                members: count(Role::Member),
                groups: crate::groups::queries::count(db).await?,
                books: crate::books::queries::count(db).await?,
                notes: crate::notes::queries::count(db).await?,
                sectors,
            },
            groups,
            recommended,
        })
    })
    .await
}

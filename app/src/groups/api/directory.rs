use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::groups::GroupSummary;
use platform::error::AppError;

/// How many groups the directory shows at most.
pub const DIRECTORY_MAX: i64 = 300;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupDirectory {
    pub groups: Vec<GroupSummary>,
    pub themes: Vec<String>,
    pub sectors: Vec<(i64, String)>,
    pub can_create: bool,
}

#[server(prefix = "/api", endpoint = "groups")]
pub async fn list_groups(
    theme: String,
    kind: String,
    sector: String,
    status: String,
) -> Result<GroupDirectory, AppError> {
    use super::guard::*;
    respond(async move {
        let ctx = ctx()?;
        let filter = crate::groups::GroupFilter {
            theme: Some(theme.trim().chars().take(40).collect::<String>())
                .filter(|t| !t.is_empty()),
            kind: crate::groups::GroupKind::parse(&kind),
            sector_id: sector.parse().ok(),
            status: crate::groups::GroupStatus::parse(&status),
        };
        let groups =
            queries::list(ctx.db.pool(), &filter, &today_string(), DIRECTORY_MAX, 0).await?;
        Ok(GroupDirectory {
            groups,
            themes: queries::themes(ctx.db.pool()).await?,
            sectors: crate::site::queries::sectors(ctx.db.pool()).await?,
            can_create: current_user().await?.is_some_and(|u| u.is_organiser()),
        })
    })
    .await
}

//! Server functions of members' reading records.

use super::*;

use leptos::prelude::*;
use platform::error::AppError;

#[server(prefix = "/api", endpoint = "admin/records")]
pub async fn load_records(from: String, to: String) -> Result<RecordList, AppError> {
    use crate::accounts::Role;
    use crate::accounts::session::require_role;
    use platform::{ctx, respond};
    respond(async move {
        require_role(Role::Organiser).await?;
        let (period, start, end) = super::window(&from, &to)?;
        let rows = queries::members(ctx()?.db.pool(), start, end).await?;
        Ok(RecordList { period, rows })
    })
    .await
}

#[server(prefix = "/api", endpoint = "admin/record")]
pub async fn load_record(
    id: i64,
    from: String,
    to: String,
) -> Result<(Period, MemberRecord), AppError> {
    use crate::accounts::Role;
    use crate::accounts::session::require_role;
    use platform::{ctx, respond};
    respond(async move {
        require_role(Role::Organiser).await?;
        let (period, start, end) = super::window(&from, &to)?;
        let record = queries::member(ctx()?.db.pool(), id, start, end)
            .await?
            .ok_or(AppError::NotFound)?;
        Ok((period, record))
    })
    .await
}

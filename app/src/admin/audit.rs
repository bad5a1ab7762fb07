//! The audit log: who did what to whom, when, with the value before and after.

use crate::server::Exec;

pub struct Entry<'a> {
    pub actor_id: i64,
    pub action: &'a str,
    pub target: &'a str,
    pub before: Option<&'a str>,
    pub after: Option<&'a str>,
    pub at: i64,
}

pub async fn record(e: impl Exec<'_>, entry: Entry<'_>) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO audit_log (actor_id, action, target, before_value, after_value, at) \
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(entry.actor_id)
    .bind(entry.action)
    .bind(entry.target)
    .bind(entry.before)
    .bind(entry.after)
    .bind(entry.at)
    .execute(e)
    .await?;
    Ok(())
}

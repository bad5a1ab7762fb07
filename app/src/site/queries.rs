//! Stored site settings (key/value).

use super::{DEFAULT_BRAND, DEFAULT_SLOGAN, SiteInfo};
use platform::Exec;

pub const BRAND: &str = "brand";
pub const COMMITTEE: &str = "committee";
pub const SLOGAN: &str = "slogan";

pub async fn site_info(e: impl Exec<'_>, demo: bool) -> Result<SiteInfo, sqlx::Error> {
    let rows: Vec<(String, String)> =
        sqlx::query_as("SELECT key, value FROM site_setting WHERE key IN ($1, $2, $3)")
            .bind(BRAND)
            .bind(COMMITTEE)
            .bind(SLOGAN)
            .fetch_all(e)
            .await?;
    let get = |k: &str| {
        rows.iter()
            .find(|(key, _)| key == k)
            .map(|(_, value)| value.clone())
    };
    Ok(SiteInfo {
        brand: get(BRAND).unwrap_or_else(|| DEFAULT_BRAND.to_owned()),
        committee: get(COMMITTEE).unwrap_or_default(),
        slogan: get(SLOGAN).unwrap_or_else(|| DEFAULT_SLOGAN.to_owned()),
        demo,
    })
}

/// One stored setting.
pub async fn get(e: impl Exec<'_>, key: &str) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar("SELECT value FROM site_setting WHERE key = $1")
        .bind(key)
        .fetch_optional(e)
        .await
}

pub async fn set(e: impl Exec<'_>, key: &str, value: &str) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO site_setting (key, value) VALUES ($1, $2) \
         ON CONFLICT (key) DO UPDATE SET value = excluded.value",
    )
    .bind(key)
    .bind(value)
    .execute(e)
    .await?;
    Ok(())
}

/// The sectors (界别), in their display order.
pub async fn sectors(e: impl Exec<'_>) -> Result<Vec<(i64, String)>, sqlx::Error> {
    sqlx::query_as("SELECT id, name FROM sector ORDER BY position, id")
        .fetch_all(e)
        .await
}

/// How many sectors there are.
pub async fn sector_count(e: impl Exec<'_>) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar("SELECT COUNT(*) FROM sector")
        .fetch_one(e)
        .await
}

use sha2::{Digest, Sha256};
use sqlx::AnyConnection;

use platform::Exec;

pub fn token_hash(token: &str) -> String {
    Sha256::digest(token.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Stores a new link for an account; earlier unused links stop working.
pub async fn create_reset(
    conn: &mut AnyConnection,
    account_id: i64,
    created_by: i64,
    token: &str,
    now: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM password_reset WHERE account_id = $1")
        .bind(account_id)
        .execute(&mut *conn)
        .await?;
    sqlx::query(
        "INSERT INTO password_reset (token_hash, account_id, created_by, created_at, expires_at) \
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(token_hash(token))
    .bind(account_id)
    .bind(created_by)
    .bind(now)
    .bind(now + super::RESET_VALID_SECS)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// The account a working link belongs to (display name for the page).
pub async fn reset_target(
    e: impl Exec<'_>,
    token: &str,
    now: i64,
) -> Result<Option<(i64, String)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT a.id, a.display_name FROM password_reset r JOIN account a ON a.id = r.account_id \
         WHERE r.token_hash = $1 AND r.expires_at > $2 AND a.disabled = 0",
    )
    .bind(token_hash(token))
    .bind(now)
    .fetch_optional(e)
    .await
}

/// Uses a link: removes it and returns its account, or `None` when it
/// does not work (any more). Two uses at once: one wins.
pub async fn take_reset(
    conn: &mut AnyConnection,
    token: &str,
    now: i64,
) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query_scalar(
        "DELETE FROM password_reset WHERE token_hash = $1 AND expires_at > $2 RETURNING account_id",
    )
    .bind(token_hash(token))
    .bind(now)
    .fetch_optional(conn)
    .await
}

pub use crate::accounts::queries::{end_sessions, set_password};

pub enum DisableOutcome {
    NoSuchAccount,
    Unchanged,
    LastOrganiser,
    Changed,
}

/// Stops or restores an account; never stops the last active organiser.
pub async fn set_disabled(
    conn: &mut AnyConnection,
    backend: platform::Backend,
    account_id: i64,
    disabled: bool,
) -> Result<DisableOutcome, sqlx::Error> {
    if backend == platform::Backend::Postgres {
        sqlx::query("SELECT id FROM account WHERE role = 'organiser' FOR UPDATE")
            .fetch_all(&mut *conn)
            .await?;
    }
    let Some((role, was)): Option<(String, i64)> =
        sqlx::query_as("SELECT role, disabled FROM account WHERE id = $1")
            .bind(account_id)
            .fetch_optional(&mut *conn)
            .await?
    else {
        return Ok(DisableOutcome::NoSuchAccount);
    };
    if (was != 0) == disabled {
        return Ok(DisableOutcome::Unchanged);
    }
    if disabled && role == "organiser" {
        let active: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM account WHERE role = 'organiser' AND disabled = 0",
        )
        .fetch_one(&mut *conn)
        .await?;
        if active <= 1 {
            return Ok(DisableOutcome::LastOrganiser);
        }
    }
    sqlx::query("UPDATE account SET disabled = $1 WHERE id = $2")
        .bind(i64::from(disabled))
        .bind(account_id)
        .execute(&mut *conn)
        .await?;
    if disabled {
        end_sessions(conn, account_id).await?;
    }
    Ok(DisableOutcome::Changed)
}

/// Whether an account exists and is not disabled.
pub async fn is_active(e: impl Exec<'_>, account_id: i64) -> Result<bool, sqlx::Error> {
    let found: Option<i64> =
        sqlx::query_scalar("SELECT id FROM account WHERE id = $1 AND disabled = 0")
            .bind(account_id)
            .fetch_optional(e)
            .await?;
    Ok(found.is_some())
}

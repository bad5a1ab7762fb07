//! SQL for accounts. Runs unchanged on SQLite and PostgreSQL.

pub mod throttle;

use sqlx::AnyConnection;

use super::{AccountSummary, Role, SessionUser};
use platform::db::{Flag, like_pattern};
use platform::{Backend, Exec};

/// What sign-in needs to know about an account. No serde: it holds the hash.
#[derive(sqlx::FromRow)]
pub struct Credentials {
    pub id: i64,
    pub password_hash: String,
    #[sqlx(try_from = "Flag")]
    pub disabled: bool,
}

/// A row of [`session_account`].
#[derive(sqlx::FromRow)]
struct SessionRow {
    id: i64,
    username: String,
    display_name: String,
    role: String,
    sector: Option<String>,
    created_at: i64,
    session_epoch: i64,
}

/// A row of [`list`] (`AccountSummary` is also built for the browser,
/// which has no sqlx).
#[derive(sqlx::FromRow)]
struct SummaryRow {
    id: i64,
    username: String,
    display_name: String,
    role: String,
    sector: Option<String>,
    #[sqlx(try_from = "Flag")]
    disabled: bool,
    created_at: i64,
}

fn role_of(s: &str) -> Role {
    // The CHECK constraint keeps other strings out of the column.
    Role::parse(s).unwrap_or(Role::Reader)
}

pub async fn insert(
    e: impl Exec<'_>,
    username: &str,
    display_name: &str,
    password_hash: &str,
    role: Role,
    now: i64,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "INSERT INTO account (username, display_name, password_hash, role, created_at) \
         VALUES ($1, $2, $3, $4, $5) RETURNING id",
    )
    .bind(username)
    .bind(display_name)
    .bind(password_hash)
    .bind(role.as_str())
    .bind(now)
    .fetch_one(e)
    .await
}

pub async fn username_taken(e: impl Exec<'_>, username: &str) -> Result<bool, sqlx::Error> {
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM account WHERE username = $1")
        .bind(username)
        .fetch_one(e)
        .await?;
    Ok(n > 0)
}

pub async fn credentials(
    e: impl Exec<'_>,
    username: &str,
) -> Result<Option<Credentials>, sqlx::Error> {
    sqlx::query_as("SELECT id, password_hash, disabled FROM account WHERE username = $1")
        .bind(username)
        .fetch_optional(e)
        .await
}

/// The account behind a session, unless it has been disabled since.
pub async fn session_user(e: impl Exec<'_>, id: i64) -> Result<Option<SessionUser>, sqlx::Error> {
    Ok(session_account(e, id).await?.map(|(user, _)| user))
}

/// An active account with its session epoch (see `accounts::session`).
pub async fn session_account(
    e: impl Exec<'_>,
    id: i64,
) -> Result<Option<(SessionUser, i64)>, sqlx::Error> {
    let row: Option<SessionRow> = sqlx::query_as(
        "SELECT a.id, a.username, a.display_name, a.role, s.name AS sector, a.created_at, \
         a.session_epoch FROM account a LEFT JOIN sector s ON s.id = a.sector_id \
         WHERE a.id = $1 AND a.disabled = 0",
    )
    .bind(id)
    .fetch_optional(e)
    .await?;
    Ok(row.map(|r| {
        let user = SessionUser {
            id: r.id,
            username: r.username,
            display_name: r.display_name,
            role: role_of(&r.role),
            sector: r.sector,
            joined_at: r.created_at,
        };
        (user, r.session_epoch)
    }))
}

/// The account's session epoch now (it moves on when the password changes).
pub async fn session_epoch(e: impl Exec<'_>, id: i64) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar("SELECT session_epoch FROM account WHERE id = $1")
        .bind(id)
        .fetch_one(e)
        .await
}

/// Accounts whose user name or display name contains `search`, newest first.
pub async fn list(
    e: impl Exec<'_>,
    search: &str,
    limit: i64,
    offset: i64,
) -> Result<Vec<AccountSummary>, sqlx::Error> {
    let pattern = like_pattern(search);
    let rows: Vec<SummaryRow> = sqlx::query_as(
        "SELECT a.id, a.username, a.display_name, a.role, s.name AS sector, a.disabled, a.created_at \
         FROM account a LEFT JOIN sector s ON s.id = a.sector_id \
         WHERE a.username LIKE $1 ESCAPE '\\' OR a.display_name LIKE $1 ESCAPE '\\' \
         ORDER BY a.id DESC LIMIT $2 OFFSET $3",
    )
    .bind(&pattern)
    .bind(limit)
    .bind(offset)
    .fetch_all(e)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| AccountSummary {
            id: r.id,
            username: r.username,
            display_name: r.display_name,
            role: role_of(&r.role),
            sector: r.sector,
            disabled: r.disabled,
            created_at: r.created_at,
        })
        .collect())
}

pub async fn count_matching(e: impl Exec<'_>, search: &str) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT COUNT(*) FROM account \
         WHERE username LIKE $1 ESCAPE '\\' OR display_name LIKE $1 ESCAPE '\\'",
    )
    .bind(like_pattern(search))
    .fetch_one(e)
    .await
}

/// Number of accounts per role.
pub async fn count_by_role(e: impl Exec<'_>) -> Result<Vec<(Role, i64)>, sqlx::Error> {
    let rows: Vec<(String, i64)> =
        sqlx::query_as("SELECT role, COUNT(*) AS n FROM account WHERE disabled = 0 GROUP BY role")
            .fetch_all(e)
            .await?;
    Ok(rows
        .into_iter()
        .map(|(role, n)| (role_of(&role), n))
        .collect())
}

pub async fn role_of_account(e: impl Exec<'_>, id: i64) -> Result<Option<Role>, sqlx::Error> {
    let role: Option<String> = sqlx::query_scalar("SELECT role FROM account WHERE id = $1")
        .bind(id)
        .fetch_optional(e)
        .await?;
    Ok(role.as_deref().map(role_of))
}

/// Why a role change did not happen.
#[derive(Debug, PartialEq, Eq)]
pub enum RoleChange {
    Changed {
        before: Role,
    },
    Unchanged,
    NoSuchAccount,
    /// It would leave the platform without an active organiser.
    LastOrganiser,
}

/// Changes an account's role inside the caller's transaction. The check
/// that one active organiser remains and the update happen together: on
/// PostgreSQL the organiser rows are locked first, SQLite has one writer.
pub async fn change_role(
    conn: &mut AnyConnection,
    backend: Backend,
    id: i64,
    role: Role,
) -> Result<RoleChange, sqlx::Error> {
    if backend == Backend::Postgres {
        sqlx::query("SELECT id FROM account WHERE role = 'organiser' FOR UPDATE")
            .fetch_all(&mut *conn)
            .await?;
    }
    let Some(before) = role_of_account(&mut *conn, id).await? else {
        return Ok(RoleChange::NoSuchAccount);
    };
    if before == role {
        return Ok(RoleChange::Unchanged);
    }
    if before == Role::Organiser {
        let organisers: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM account WHERE role = 'organiser' AND disabled = 0",
        )
        .fetch_one(&mut *conn)
        .await?;
        if organisers <= 1 {
            return Ok(RoleChange::LastOrganiser);
        }
    }
    sqlx::query("UPDATE account SET role = $1 WHERE id = $2")
        .bind(role.as_str())
        .bind(id)
        .execute(&mut *conn)
        .await?;
    Ok(RoleChange::Changed { before })
}

pub async fn set_sector(
    e: impl Exec<'_>,
    id: i64,
    sector_id: Option<i64>,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE account SET sector_id = $1 WHERE id = $2")
        .bind(sector_id)
        .bind(id)
        .execute(e)
        .await?;
    Ok(())
}

/// Sets the password and ends every session of the account for good:
/// the rows go, and the account's session epoch moves on, so a session
/// that a request in flight writes back is refused all the same.
pub async fn set_password(
    conn: &mut AnyConnection,
    account_id: i64,
    hash: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE account SET password_hash = $1, session_epoch = session_epoch + 1 WHERE id = $2",
    )
    .bind(hash)
    .bind(account_id)
    .execute(&mut *conn)
    .await?;
    end_sessions(conn, account_id).await
}

/// Sessions store the account id in their JSON data as `"account_id":N`
/// followed by `,` or `}` (so 5 does not match 50).
pub async fn end_sessions(conn: &mut AnyConnection, account_id: i64) -> Result<(), sqlx::Error> {
    let key = format!("%\"account_id\":{account_id}");
    sqlx::query("DELETE FROM session WHERE data LIKE $1 OR data LIKE $2")
        .bind(format!("{key},%"))
        .bind(format!("{key}}}%"))
        .execute(conn)
        .await?;
    Ok(())
}

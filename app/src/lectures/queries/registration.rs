//! Registrations: a seat at a venue or online attendance, and the venues'
//! waiting lists.
//!
//! Seats are counted in `venue.taken`, raised only by a conditional update
//! while it is below `venue.seats`, so concurrent registrations never
//! overbook a venue on either backend. A cancelled seat goes to the oldest
//! waiting registration of the venue in the same transaction.

use sqlx::AnyConnection;

use crate::lectures::{LectureSummary, MyRegistration, RegistrationStatus, RegistrationSummary};
use platform::Exec;

/// What a registration attempt came to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Confirmed,
    /// The venue was full: on its waiting list, at this place (1 = next).
    Waiting(i64),
    /// Already registered exactly so.
    Unchanged,
}

struct Current {
    id: i64,
    venue_id: Option<i64>,
    status: RegistrationStatus,
}

/// A row of [`current`].
#[derive(sqlx::FromRow)]
struct CurrentRow {
    id: i64,
    venue_id: Option<i64>,
    status: String,
}

impl From<CurrentRow> for Current {
    fn from(r: CurrentRow) -> Current {
        Current {
            id: r.id,
            venue_id: r.venue_id,
            status: RegistrationStatus::parse(&r.status).unwrap_or(RegistrationStatus::Cancelled),
        }
    }
}

async fn current(
    conn: &mut AnyConnection,
    lecture_id: i64,
    account_id: i64,
) -> Result<Option<Current>, sqlx::Error> {
    // An update, not a select: it waits for (and then sees) a concurrent
    // change of the row, such as a promotion from the waiting list.
    let row: Option<CurrentRow> = sqlx::query_as(
        "UPDATE registration SET id = id WHERE lecture_id = $1 AND account_id = $2 \
         RETURNING id, venue_id, status",
    )
    .bind(lecture_id)
    .bind(account_id)
    .fetch_optional(&mut *conn)
    .await?;
    Ok(row.map(Current::from))
}

/// Serialises one person's registration changes: their account row is
/// locked first (and on SQLite the write lock taken), so two simultaneous
/// requests of the same person cannot both take a seat.
async fn take_seat(conn: &mut AnyConnection, venue_id: i64) -> Result<bool, sqlx::Error> {
    let r = sqlx::query("UPDATE venue SET taken = taken + 1 WHERE id = $1 AND taken < seats")
        .bind(venue_id)
        .execute(&mut *conn)
        .await?;
    Ok(r.rows_affected() == 1)
}

async fn free_seat(conn: &mut AnyConnection, venue_id: i64) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE venue SET taken = taken - 1 WHERE id = $1 AND taken > 0")
        .bind(venue_id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// A venue's waiting-list place of a registration (1 = next).
pub async fn waiting_place<'c>(
    db: impl Exec<'c>,
    venue_id: i64,
    registration_id: i64,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT COUNT(*) FROM registration w, registration me \
         WHERE me.id = $2 AND w.venue_id = $1 AND w.status = 'waiting' \
         AND (w.queued_at < me.queued_at OR (w.queued_at = me.queued_at AND w.id <= me.id))",
    )
    .bind(venue_id)
    .bind(registration_id)
    .fetch_one(db)
    .await
}

/// Registers someone for a venue of the session (`None`: online), inside
/// the caller's transaction. Moving to another venue gives up the old seat
/// first. `venue_id` must belong to the session (the caller checks).
pub async fn register(
    conn: &mut AnyConnection,
    lecture_id: i64,
    account_id: i64,
    venue_id: Option<i64>,
    now: i64,
) -> Result<Outcome, sqlx::Error> {
    platform::db::lock_account(conn, account_id).await?;
    let existing = current(conn, lecture_id, account_id).await?;
    if let Some(c) = &existing
        && c.status != RegistrationStatus::Cancelled
    {
        if c.venue_id == venue_id {
            return Ok(Outcome::Unchanged);
        }
        release(conn, c, now).await?;
    }
    let status = match venue_id {
        None => RegistrationStatus::Confirmed,
        Some(v) if take_seat(conn, v).await? => RegistrationStatus::Confirmed,
        Some(_) => RegistrationStatus::Waiting,
    };
    // A fresh row, so a fresh id: whoever comes back joins the end of a
    // waiting list (places tie-break on the id within a second).
    if existing.is_some() {
        sqlx::query("DELETE FROM registration WHERE lecture_id = $1 AND account_id = $2")
            .bind(lecture_id)
            .bind(account_id)
            .execute(&mut *conn)
            .await?;
    }
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO registration (lecture_id, account_id, venue_id, status, queued_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $5) RETURNING id",
    )
    .bind(lecture_id)
    .bind(account_id)
    .bind(venue_id)
    .bind(status.as_str())
    .bind(now)
    .fetch_one(&mut *conn)
    .await?;
    Ok(match (status, venue_id) {
        (RegistrationStatus::Waiting, Some(v)) => {
            Outcome::Waiting(waiting_place(&mut *conn, v, id).await?)
        }
        _ => Outcome::Confirmed,
    })
}

/// Marks a registration cancelled and, if it held a seat, gives the seat
/// to the venue's waiting list.
async fn release(conn: &mut AnyConnection, c: &Current, now: i64) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE registration SET status = 'cancelled', updated_at = $1 WHERE id = $2")
        .bind(now)
        .bind(c.id)
        .execute(&mut *conn)
        .await?;
    if c.status == RegistrationStatus::Confirmed
        && let Some(v) = c.venue_id
    {
        free_seat(conn, v).await?;
        promote(conn, v, now).await?;
    }
    Ok(())
}

/// Cancels someone's registration, inside the caller's transaction.
/// False when there was none to cancel.
pub async fn cancel(
    conn: &mut AnyConnection,
    lecture_id: i64,
    account_id: i64,
    now: i64,
) -> Result<bool, sqlx::Error> {
    platform::db::lock_account(conn, account_id).await?;
    match current(conn, lecture_id, account_id).await? {
        Some(c) if c.status != RegistrationStatus::Cancelled => {
            release(conn, &c, now).await?;
            Ok(true)
        }
        _ => Ok(false),
    }
}

/// The oldest waiting registration of a venue, in [`promote`].
#[derive(sqlx::FromRow)]
struct NextWaiting {
    id: i64,
    account_id: i64,
}

/// Gives free seats of a venue to its waiting list, oldest first; returns
/// the accounts that got one. Called after a seat is freed or added.
pub async fn promote(
    conn: &mut AnyConnection,
    venue_id: i64,
    now: i64,
) -> Result<Vec<i64>, sqlx::Error> {
    let mut promoted = Vec::new();
    loop {
        let next: Option<NextWaiting> = sqlx::query_as(
            "SELECT id, account_id FROM registration WHERE venue_id = $1 AND status = 'waiting' \
             ORDER BY queued_at, id LIMIT 1",
        )
        .bind(venue_id)
        .fetch_optional(&mut *conn)
        .await?;
        let Some(next) = next else { break };
        if !take_seat(conn, venue_id).await? {
            break;
        }
        let id = next.id;
        let moved = sqlx::query(
            "UPDATE registration SET status = 'confirmed', updated_at = $1 \
             WHERE id = $2 AND status = 'waiting' AND venue_id = $3",
        )
        .bind(now)
        .bind(id)
        .bind(venue_id)
        .execute(&mut *conn)
        .await?;
        if moved.rows_affected() == 1 {
            let account_id = next.account_id;
            tell_promoted(conn, venue_id, account_id, now).await?;
            promoted.push(account_id);
        } else {
            // Meanwhile someone else promoted them, or they cancelled or
            // moved to another venue: the seat goes back.
            free_seat(conn, venue_id).await?;
        }
    }
    Ok(promoted)
}

/// The session and venue of a seat given from the waiting list.
#[derive(sqlx::FromRow)]
struct PromotedTo {
    id: i64,
    title: String,
    name: String,
}

/// Tells someone their place on a waiting list became a seat.
async fn tell_promoted(
    conn: &mut AnyConnection,
    venue_id: i64,
    account_id: i64,
    now: i64,
) -> Result<(), sqlx::Error> {
    let r: PromotedTo = sqlx::query_as(
        "SELECT l.id, l.title, v.name FROM venue v JOIN lecture l ON l.id = v.lecture_id WHERE v.id = $1",
    )
    .bind(venue_id)
    .fetch_one(&mut *conn)
    .await?;
    let text = format!("候补成功：你已获得讲座《{}》“{}”的座位。", r.title, r.name);
    crate::notifications::queries::insert_lecture(&mut *conn, account_id, r.id, &text, now).await
}

/// A row of [`mine`].
#[derive(sqlx::FromRow)]
struct MineRow {
    id: i64,
    venue_id: Option<i64>,
    status: String,
    venue_name: Option<String>,
    checked_in: i64,
}

/// The signed-in person's registration for a session.
pub async fn mine<'c, E>(
    db: E,
    lecture_id: i64,
    account_id: i64,
) -> Result<Option<MyRegistration>, sqlx::Error>
where
    E: Exec<'c> + Copy,
{
    let row: Option<MineRow> = sqlx::query_as(
        "SELECT r.id, r.venue_id, r.status, v.name AS venue_name, \
         (SELECT COUNT(*) FROM attendance a WHERE a.lecture_id = r.lecture_id AND a.account_id = r.account_id) AS checked_in \
         FROM registration r LEFT JOIN venue v ON v.id = r.venue_id \
         WHERE r.lecture_id = $1 AND r.account_id = $2 AND r.status <> 'cancelled'",
    )
    .bind(lecture_id)
    .bind(account_id)
    .fetch_optional(db)
    .await?;
    let Some(r) = row else { return Ok(None) };
    let status = RegistrationStatus::parse(&r.status).unwrap_or(RegistrationStatus::Confirmed);
    let venue_id = r.venue_id;
    let waiting_place = match (status, venue_id) {
        (RegistrationStatus::Waiting, Some(v)) => Some(waiting_place(db, v, r.id).await?),
        _ => None,
    };
    Ok(Some(MyRegistration {
        status,
        venue_id,
        venue_name: r.venue_name.unwrap_or_else(|| "线上观看".to_owned()),
        waiting_place,
        checked_in: r.checked_in > 0,
    }))
}

/// Everyone's registrations of a person, latest session first (`/me`).
pub async fn of_account<'c, E>(
    db: E,
    account_id: i64,
    now: i64,
) -> Result<Vec<RegistrationSummary>, sqlx::Error>
where
    E: Exec<'c> + Copy,
{
    let slugs: Vec<String> = sqlx::query_scalar(
        "SELECT l.slug FROM registration r JOIN lecture l ON l.id = r.lecture_id \
         WHERE r.account_id = $1 AND r.status <> 'cancelled' AND l.state <> 'draft' \
         ORDER BY l.starts_at DESC LIMIT 100",
    )
    .bind(account_id)
    .fetch_all(db)
    .await?;
    let mut out = Vec::with_capacity(slugs.len());
    for slug in slugs {
        let Some(lecture) = super::by_slug(db, &slug, now).await? else {
            continue;
        };
        let Some(mine) = mine(db, lecture.summary.id, account_id).await? else {
            continue;
        };
        out.push(RegistrationSummary {
            lecture: LectureSummary { ..lecture.summary },
            status: mine.status,
            venue_name: mine.venue_name,
            waiting_place: mine.waiting_place,
            checked_in: mine.checked_in,
        });
    }
    Ok(out)
}

//! SQL for sessions, their venues and livestream links.

pub mod audience;
pub mod checkin;
pub mod questions;
pub mod registration;

use sqlx::AnyConnection;

use crate::lectures::{LectureFields, LectureState, LectureSummary, Phase, VenueFields, VenueView};
use platform::Exec;

/// Everything stored about a session. No serde: it holds the check-in key.
#[derive(Debug, Clone)]
pub struct LectureRecord {
    pub summary: LectureSummary,
    pub speaker_bio: String,
    pub abstract_md: String,
    pub abstract_html: platform::SafeHtml,
    pub replay_url: String,
    pub group_id: Option<i64>,
    pub book_id: Option<i64>,
    pub owner_id: Option<i64>,
    pub views: i64,
    pub checkin_key: String,
    pub followup_thread_id: Option<i64>,
    pub updated_at: i64,
}

const SUMMARY_COLUMNS: &str = "l.id, l.slug, l.title, l.series, l.speaker, l.starts_at, l.ends_at, \
     l.state, l.cover_id, l.replay_url, \
     (SELECT v.name FROM venue v WHERE v.lecture_id = l.id AND v.position = 0) AS main_venue";

/// A row of [`SUMMARY_COLUMNS`].
#[derive(sqlx::FromRow)]
struct SummaryRow {
    id: i64,
    slug: String,
    title: String,
    series: String,
    speaker: String,
    starts_at: i64,
    ends_at: i64,
    state: String,
    cover_id: Option<i64>,
    replay_url: String,
    main_venue: Option<String>,
}

impl SummaryRow {
    fn summary(self, now: i64) -> LectureSummary {
        let state = LectureState::parse(&self.state).unwrap_or(LectureState::Draft);
        LectureSummary {
            id: self.id,
            slug: self.slug,
            title: self.title,
            series: self.series,
            speaker: self.speaker,
            starts_at: self.starts_at,
            ends_at: self.ends_at,
            state,
            phase: Phase::of(state, self.starts_at, self.ends_at, now),
            cover_id: self.cover_id,
            has_replay: !self.replay_url.is_empty(),
            main_venue: self.main_venue,
        }
    }
}

/// A new session and its venues and links, inside the caller's transaction.
pub async fn insert(
    conn: &mut AnyConnection,
    f: &LectureFields,
    abstract_html: &str,
    state: LectureState,
    owner_id: i64,
    checkin_key: &str,
    now: i64,
) -> Result<i64, sqlx::Error> {
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO lecture (slug, title, series, speaker, speaker_bio, abstract_md, abstract_html, \
         starts_at, ends_at, replay_url, group_id, book_id, state, owner_id, checkin_key, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $16) RETURNING id",
    )
    .bind(&f.slug)
    .bind(&f.title)
    .bind(&f.series)
    .bind(&f.speaker)
    .bind(&f.speaker_bio)
    .bind(&f.abstract_md)
    .bind(abstract_html)
    .bind(f.starts_at)
    .bind(f.ends_at)
    .bind(&f.replay_url)
    .bind(f.group_id)
    .bind(f.book_id)
    .bind(state.as_str())
    .bind(owner_id)
    .bind(checkin_key)
    .bind(now)
    .fetch_one(&mut *conn)
    .await?;
    replace_venues(conn, id, &f.venues)
        .await?
        .map_err(|_| sqlx::Error::Protocol("a new session cannot have taken seats".into()))?;
    replace_streams(conn, id, &f.streams).await?;
    Ok(id)
}

/// Saves the edited fields (not the state, owner or cover).
pub async fn update(
    conn: &mut AnyConnection,
    id: i64,
    f: &LectureFields,
    abstract_html: &str,
    now: i64,
) -> Result<Result<(), VenueConflict>, sqlx::Error> {
    sqlx::query(
        "UPDATE lecture SET slug = $1, title = $2, series = $3, speaker = $4, speaker_bio = $5, \
         abstract_md = $6, abstract_html = $7, starts_at = $8, ends_at = $9, replay_url = $10, \
         group_id = $11, book_id = $12, updated_at = $13 WHERE id = $14",
    )
    .bind(&f.slug)
    .bind(&f.title)
    .bind(&f.series)
    .bind(&f.speaker)
    .bind(&f.speaker_bio)
    .bind(&f.abstract_md)
    .bind(abstract_html)
    .bind(f.starts_at)
    .bind(f.ends_at)
    .bind(&f.replay_url)
    .bind(f.group_id)
    .bind(f.book_id)
    .bind(now)
    .bind(id)
    .execute(&mut *conn)
    .await?;
    if let Err(c) = replace_venues(conn, id, &f.venues).await? {
        return Ok(Err(c));
    }
    replace_streams(conn, id, &f.streams).await?;
    Ok(Ok(()))
}

/// Why the venues of a session could not be saved as given.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VenueConflict {
    /// Fewer seats than people already seated there.
    SeatsBelowTaken { name: String, taken: i64 },
    /// A venue people registered for was left out.
    RemovedWithRegistrations { name: String },
}

impl VenueConflict {
    pub fn message(&self) -> String {
        match self {
            VenueConflict::SeatsBelowTaken { name, taken } => {
                format!("“{name}”已有 {taken} 人报名，座位数不能少于 {taken}")
            }
            VenueConflict::RemovedWithRegistrations { name } => {
                format!("“{name}”已有人报名或候补，不能删除")
            }
        }
    }
}

/// Makes the session's venues those of the form, in its order: rows with an
/// id of this session are updated, the others added, the missing removed.
/// Seats never drop below those taken; venues with registrations stay.
pub async fn replace_venues(
    conn: &mut AnyConnection,
    lecture_id: i64,
    venues: &[VenueFields],
) -> Result<Result<(), VenueConflict>, sqlx::Error> {
    let existing: Vec<(i64, String, i64)> =
        sqlx::query_as("SELECT id, name, taken FROM venue WHERE lecture_id = $1")
            .bind(lecture_id)
            .fetch_all(&mut *conn)
            .await?;
    for (id, name, _) in &existing {
        if venues.iter().any(|v| v.id == Some(*id)) {
            continue;
        }
        let registrations: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM registration WHERE venue_id = $1 AND status <> 'cancelled'",
        )
        .bind(id)
        .fetch_one(&mut *conn)
        .await?;
        if registrations > 0 {
            return Ok(Err(VenueConflict::RemovedWithRegistrations {
                name: name.clone(),
            }));
        }
        sqlx::query("DELETE FROM venue WHERE id = $1")
            .bind(id)
            .execute(&mut *conn)
            .await?;
    }
    // Out of the way of UNIQUE (lecture_id, position) while renumbering.
    sqlx::query("UPDATE venue SET position = -1 - position WHERE lecture_id = $1")
        .bind(lecture_id)
        .execute(&mut *conn)
        .await?;
    for (position, v) in venues.iter().enumerate() {
        let position = position as i64;
        let known =
            v.id.and_then(|id| existing.iter().find(|(e, _, _)| *e == id));
        match known {
            Some((id, _, _)) => {
                // Checked in the update itself: a registration committed
                // since the read above counts too.
                let updated = sqlx::query(
                    "UPDATE venue SET position = $1, name = $2, address = $3, seats = $4 \
                     WHERE id = $5 AND taken <= $4",
                )
                .bind(position)
                .bind(&v.name)
                .bind(&v.address)
                .bind(v.seats)
                .bind(id)
                .execute(&mut *conn)
                .await?;
                if updated.rows_affected() == 0 {
                    let taken: i64 = sqlx::query_scalar("SELECT taken FROM venue WHERE id = $1")
                        .bind(id)
                        .fetch_one(&mut *conn)
                        .await?;
                    return Ok(Err(VenueConflict::SeatsBelowTaken {
                        name: v.name.clone(),
                        taken,
                    }));
                }
            }
            None => {
                sqlx::query(
                    "INSERT INTO venue (lecture_id, position, name, address, seats) VALUES ($1, $2, $3, $4, $5)",
                )
                .bind(lecture_id)
                .bind(position)
                .bind(&v.name)
                .bind(&v.address)
                .bind(v.seats)
                .execute(&mut *conn)
                .await?;
            }
        }
    }
    Ok(Ok(()))
}

async fn replace_streams(
    conn: &mut AnyConnection,
    lecture_id: i64,
    urls: &[String],
) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM lecture_stream WHERE lecture_id = $1")
        .bind(lecture_id)
        .execute(&mut *conn)
        .await?;
    for (position, url) in urls.iter().enumerate() {
        sqlx::query("INSERT INTO lecture_stream (lecture_id, position, url) VALUES ($1, $2, $3)")
            .bind(lecture_id)
            .bind(position as i64)
            .bind(url)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

pub async fn set_state<'c>(
    db: impl Exec<'c>,
    id: i64,
    state: LectureState,
    now: i64,
) -> Result<bool, sqlx::Error> {
    let r = sqlx::query("UPDATE lecture SET state = $1, updated_at = $2 WHERE id = $3")
        .bind(state.as_str())
        .bind(now)
        .bind(id)
        .execute(db)
        .await?;
    Ok(r.rows_affected() == 1)
}

pub async fn set_cover<'c>(db: impl Exec<'c>, id: i64, image_id: i64) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE lecture SET cover_id = $1 WHERE id = $2")
        .bind(image_id)
        .bind(id)
        .execute(db)
        .await?;
    Ok(())
}

pub async fn set_followup_thread<'c>(
    db: impl Exec<'c>,
    id: i64,
    thread_id: i64,
) -> Result<bool, sqlx::Error> {
    let r = sqlx::query(
        "UPDATE lecture SET followup_thread_id = $1 WHERE id = $2 AND followup_thread_id IS NULL",
    )
    .bind(thread_id)
    .bind(id)
    .execute(db)
    .await?;
    Ok(r.rows_affected() == 1)
}

/// A row of [`SUMMARY_COLUMNS`] and [`RECORD_COLUMNS`].
#[derive(sqlx::FromRow)]
struct RecordRow {
    #[sqlx(flatten)]
    summary: SummaryRow,
    speaker_bio: String,
    abstract_md: String,
    abstract_html: String,
    group_id: Option<i64>,
    book_id: Option<i64>,
    owner_id: Option<i64>,
    views: i64,
    checkin_key: String,
    followup_thread_id: Option<i64>,
    updated_at: i64,
}

impl RecordRow {
    fn record(self, now: i64) -> LectureRecord {
        let replay_url = self.summary.replay_url.clone();
        LectureRecord {
            summary: self.summary.summary(now),
            speaker_bio: self.speaker_bio,
            abstract_md: self.abstract_md,
            abstract_html: platform::SafeHtml::from_stored(self.abstract_html),
            replay_url,
            group_id: self.group_id,
            book_id: self.book_id,
            owner_id: self.owner_id,
            views: self.views,
            checkin_key: self.checkin_key,
            followup_thread_id: self.followup_thread_id,
            updated_at: self.updated_at,
        }
    }
}

const RECORD_COLUMNS: &str = "l.speaker_bio, l.abstract_md, l.abstract_html, l.group_id, l.book_id, \
     l.owner_id, l.views, l.checkin_key, l.followup_thread_id, l.updated_at";

pub async fn by_slug<'c>(
    db: impl Exec<'c>,
    slug: &str,
    now: i64,
) -> Result<Option<LectureRecord>, sqlx::Error> {
    let sql =
        format!("SELECT {SUMMARY_COLUMNS}, {RECORD_COLUMNS} FROM lecture l WHERE l.slug = $1");
    let row: Option<RecordRow> = sqlx::query_as(&sql).bind(slug).fetch_optional(db).await?;
    Ok(row.map(|r| r.record(now)))
}

pub async fn by_id<'c>(
    db: impl Exec<'c>,
    id: i64,
    now: i64,
) -> Result<Option<LectureRecord>, sqlx::Error> {
    let sql = format!("SELECT {SUMMARY_COLUMNS}, {RECORD_COLUMNS} FROM lecture l WHERE l.id = $1");
    let row: Option<RecordRow> = sqlx::query_as(&sql).bind(id).fetch_optional(db).await?;
    Ok(row.map(|r| r.record(now)))
}

pub async fn slug_taken<'c>(
    db: impl Exec<'c>,
    slug: &str,
    except: Option<i64>,
) -> Result<bool, sqlx::Error> {
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM lecture WHERE slug = $1 AND id <> $2")
        .bind(slug)
        .bind(except.unwrap_or(0))
        .fetch_one(db)
        .await?;
    Ok(n > 0)
}

/// Who sees drafts in listings: their lecturer, and organisers (all).
#[derive(Debug, Clone, Copy)]
pub enum DraftsOf {
    Nobody,
    Owner(i64),
    Everyone,
}

/// The listing: published and cancelled sessions (and the drafts the viewer
/// may see), optionally of one series, latest start first.
pub async fn list<'c>(
    db: impl Exec<'c>,
    series: Option<&str>,
    drafts: DraftsOf,
    now: i64,
    limit: i64,
) -> Result<Vec<LectureSummary>, sqlx::Error> {
    let sql = format!(
        "SELECT {SUMMARY_COLUMNS} FROM lecture l \
         WHERE (l.state <> 'draft' OR $1 = 1 OR l.owner_id = $2) AND ($3 = '' OR l.series = $3) \
         ORDER BY l.starts_at DESC, l.id DESC LIMIT $4"
    );
    let (all, owner) = match drafts {
        DraftsOf::Nobody => (0, 0),
        DraftsOf::Owner(id) => (0, id),
        DraftsOf::Everyone => (1, 0),
    };
    let rows: Vec<SummaryRow> = sqlx::query_as(&sql)
        .bind(all)
        .bind(owner)
        .bind(series.unwrap_or(""))
        .bind(limit)
        .fetch_all(db)
        .await?;
    Ok(rows.into_iter().map(|r| r.summary(now)).collect())
}

/// Published sessions that have not ended, soonest first (calendar, home).
pub async fn upcoming<'c>(
    db: impl Exec<'c>,
    now: i64,
    limit: i64,
) -> Result<Vec<LectureRecord>, sqlx::Error> {
    records(
        db,
        "l.state = 'published' AND l.ends_at > $1 ORDER BY l.starts_at, l.id LIMIT $2",
        &[now, limit],
        now,
    )
    .await
}

/// The newest published or cancelled sessions by last change (the feed).
pub async fn recently_changed<'c>(
    db: impl Exec<'c>,
    now: i64,
    limit: i64,
) -> Result<Vec<LectureRecord>, sqlx::Error> {
    records(
        db,
        "l.state <> 'draft' ORDER BY l.updated_at DESC, l.id DESC LIMIT $1",
        &[limit],
        now,
    )
    .await
}

/// Whole records, as of `now`: `rest` is the condition, the order and the
/// limit, with `binds` as `$1`, `$2`….
async fn records<'c>(
    db: impl Exec<'c>,
    rest: &str,
    binds: &[i64],
    now: i64,
) -> Result<Vec<LectureRecord>, sqlx::Error> {
    let sql = format!("SELECT {SUMMARY_COLUMNS}, {RECORD_COLUMNS} FROM lecture l WHERE {rest}");
    let query = binds
        .iter()
        .fold(sqlx::query_as(&sql), |query, value| query.bind(*value));
    let rows: Vec<RecordRow> = query.fetch_all(db).await?;
    Ok(rows.into_iter().map(|r| r.record(now)).collect())
}

/// The series names in use, for the filter.
pub async fn series<'c>(db: impl Exec<'c>) -> Result<Vec<String>, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT DISTINCT series FROM lecture WHERE series <> '' AND state <> 'draft' ORDER BY series",
    )
    .fetch_all(db)
    .await
}

/// A row of [`venues`] (`VenueView` is also built for the browser, which
/// has no sqlx).
#[derive(sqlx::FromRow)]
struct VenueRow {
    id: i64,
    position: i64,
    name: String,
    address: String,
    seats: i64,
    taken: i64,
    waiting: i64,
}

impl From<VenueRow> for VenueView {
    fn from(r: VenueRow) -> VenueView {
        VenueView {
            id: r.id,
            position: r.position,
            name: r.name,
            address: r.address,
            seats: r.seats,
            taken: r.taken,
            waiting: r.waiting,
        }
    }
}

pub async fn venues<'c>(db: impl Exec<'c>, lecture_id: i64) -> Result<Vec<VenueView>, sqlx::Error> {
    let rows: Vec<VenueRow> = sqlx::query_as(
        "SELECT v.id, v.position, v.name, v.address, v.seats, v.taken, \
         (SELECT COUNT(*) FROM registration r WHERE r.venue_id = v.id AND r.status = 'waiting') AS waiting \
         FROM venue v WHERE v.lecture_id = $1 ORDER BY v.position",
    )
    .bind(lecture_id)
    .fetch_all(db)
    .await?;
    Ok(rows.into_iter().map(VenueView::from).collect())
}

pub async fn streams<'c>(db: impl Exec<'c>, lecture_id: i64) -> Result<Vec<String>, sqlx::Error> {
    sqlx::query_scalar("SELECT url FROM lecture_stream WHERE lecture_id = $1 ORDER BY position")
        .bind(lecture_id)
        .fetch_all(db)
        .await
}

/// Adds watch-page opens counted in memory since the last flush.
pub async fn add_views<'c>(db: impl Exec<'c>, id: i64, views: i64) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE lecture SET views = views + $1 WHERE id = $2")
        .bind(views)
        .bind(id)
        .execute(db)
        .await?;
    Ok(())
}

/// The name of one of a lecture's venues.
pub async fn venue_name<'c>(
    db: impl Exec<'c>,
    lecture_id: i64,
    venue_id: i64,
) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar("SELECT name FROM venue WHERE id = $1 AND lecture_id = $2")
        .bind(venue_id)
        .bind(lecture_id)
        .fetch_optional(db)
        .await
}

/// Whether a person checked in at the session.
pub async fn attended<'c>(
    db: impl Exec<'c>,
    lecture_id: i64,
    account_id: i64,
) -> Result<bool, sqlx::Error> {
    let n: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM attendance WHERE lecture_id = $1 AND account_id = $2",
    )
    .bind(lecture_id)
    .bind(account_id)
    .fetch_one(db)
    .await?;
    Ok(n > 0)
}

//! SQL of the statistics. Every query takes a time window `[from, to)` in
//! Unix seconds and reads the records themselves (no counters to drift).
//! Deleted posts are left out; hidden ones count (they were written).

use std::collections::HashMap;

use super::{BookRow, Figures, GroupRow, LectureRow, SectorRow};
use platform::Exec;

/// Seconds from UTC to Beijing time: day numbers are Beijing days.
const BEIJING: i64 = platform::time::BEIJING_OFFSET_SECONDS as i64;

/// The people active in `[from, to)`: any check-in, post, note, progress,
/// attendance or watching with an account.
const ACTIVE: &str = "SELECT account_id FROM check_in WHERE created_at >= $1 AND created_at < $2 \
     UNION SELECT account_id FROM post WHERE created_at >= $1 AND created_at < $2 AND account_id IS NOT NULL \
     UNION SELECT account_id FROM note WHERE created_at >= $1 AND created_at < $2 \
     UNION SELECT account_id FROM reading_progress WHERE updated_at >= $1 AND updated_at < $2 \
     UNION SELECT account_id FROM attendance WHERE checked_in_at >= $1 AND checked_in_at < $2 \
     UNION SELECT account_id FROM lecture_viewer WHERE first_seen >= $1 AND first_seen < $2 AND account_id IS NOT NULL";

/// Groups by where they stand on a day.
#[derive(sqlx::FromRow)]
struct GroupStages {
    recruiting: i64,
    active: i64,
    ended: i64,
}

/// Active people of one role.
#[derive(sqlx::FromRow)]
struct RoleCount {
    role: String,
    n: i64,
}

/// Sessions held, and their views.
#[derive(sqlx::FromRow)]
struct Held {
    n: i64,
    views: i64,
}

async fn count(e: impl Exec<'_>, sql: &str, from: i64, to: i64) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(sql)
        .bind(from)
        .bind(to)
        .fetch_one(e)
        .await
}

/// Headline figures; `active_from` starts the window of the active people
/// (the stats page counts the last 30 days, the report its year).
pub async fn figures<'c, E: Exec<'c> + Copy>(
    e: E,
    (from, to): (i64, i64),
    active_from: i64,
    today: &str,
) -> Result<Figures, sqlx::Error> {
    let groups = async {
        sqlx::query_as::<_, GroupStages>(
            "SELECT \
             COALESCE(SUM(CASE WHEN starts_on > $1 THEN 1 ELSE 0 END), 0) AS recruiting, \
             COALESCE(SUM(CASE WHEN starts_on <= $1 AND ends_on >= $1 THEN 1 ELSE 0 END), 0) AS active, \
             COALESCE(SUM(CASE WHEN ends_on < $1 THEN 1 ELSE 0 END), 0) AS ended \
             FROM reading_group",
        )
        .bind(today)
        .fetch_one(e)
        .await
    };
    let people = async {
        sqlx::query_as::<_, RoleCount>(&format!(
            "SELECT a.role, COUNT(*) AS n FROM account a WHERE a.id IN ({ACTIVE}) GROUP BY a.role"
        ))
        .bind(active_from)
        .bind(to)
        .fetch_all(e)
        .await
    };
    let held = "FROM lecture l WHERE l.state = 'published' AND l.ends_at >= $1 AND l.ends_at < $2 \
                AND l.ends_at <= $3";
    let lectures = async {
        sqlx::query_as::<_, Held>(&format!(
            "SELECT COUNT(*) AS n, CAST(COALESCE(SUM(l.views), 0) AS BIGINT) AS views {held}"
        ))
        .bind(from)
        .bind(to)
        .bind(platform::now())
        .fetch_one(e)
        .await
    };
    // Each session's audience, each person once (as on the session's page).
    let audience = async {
        sqlx::query_scalar::<_, i64>(&format!(
            "SELECT COUNT(*) FROM ( \
             SELECT v.lecture_id, COALESCE('a' || CAST(v.account_id AS TEXT), 'c' || v.viewer) AS who \
               FROM lecture_viewer v WHERE v.lecture_id IN (SELECT l.id {held}) \
             UNION SELECT t.lecture_id, 'a' || CAST(t.account_id AS TEXT) FROM attendance t \
               WHERE t.lecture_id IN (SELECT l.id {held}) \
             UNION SELECT r.lecture_id, 'a' || CAST(r.account_id AS TEXT) FROM registration r \
               WHERE r.status <> 'cancelled' AND r.lecture_id IN (SELECT l.id {held})) people"
        ))
        .bind(from)
        .bind(to)
        .bind(platform::now())
        .fetch_one(e)
        .await
    };
    let in_window = |sql: &'static str| count(e, sql, from, to);
    // Independent of one another: side by side, each on its own connection.
    let (groups, people, lectures, audience, check_ins, notes, posts, books_finished) = futures::try_join!(
        groups,
        people,
        lectures,
        audience,
        in_window("SELECT COUNT(*) FROM check_in WHERE created_at >= $1 AND created_at < $2"),
        in_window("SELECT COUNT(*) FROM note WHERE created_at >= $1 AND created_at < $2"),
        in_window(
            "SELECT COUNT(*) FROM post WHERE created_at >= $1 AND created_at < $2 \
                 AND deleted_at IS NULL"
        ),
        in_window(
            "SELECT COUNT(*) FROM reading_progress WHERE status = 'finished' \
                 AND updated_at >= $1 AND updated_at < $2"
        ),
    )?;
    let role_count = |role: &str| people.iter().find(|r| r.role == role).map_or(0, |r| r.n);
    Ok(Figures {
        groups_recruiting: groups.recruiting,
        groups_active: groups.active,
        groups_ended: groups.ended,
        active_members: role_count("member"),
        active_readers: role_count("reader"),
        check_ins,
        notes,
        posts,
        books_finished,
        lectures_held: lectures.n,
        lecture_views: lectures.views,
        lecture_audience: audience,
    })
}

/// What is counted per day for the trends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Activity {
    CheckIns,
    Posts,
    Notes,
}

/// Counts per Beijing day number (days since 1970-01-01) in `[from, to)`.
pub async fn per_day(
    e: impl Exec<'_>,
    what: Activity,
    from: i64,
    to: i64,
) -> Result<HashMap<i64, i64>, sqlx::Error> {
    let (table, extra) = match what {
        Activity::CheckIns => ("check_in", ""),
        Activity::Posts => ("post", " AND deleted_at IS NULL"),
        Activity::Notes => ("note", ""),
    };
    let rows: Vec<(i64, i64)> = sqlx::query_as(&format!(
        "SELECT (created_at + {BEIJING}) / 86400 AS d, COUNT(*) AS n FROM {table} \
         WHERE created_at >= $1 AND created_at < $2{extra} GROUP BY (created_at + {BEIJING}) / 86400"
    ))
    .bind(from)
    .bind(to)
    .fetch_all(e)
    .await?;
    Ok(rows.into_iter().collect())
}

/// Per sector (界别): accounts, and their check-ins, notes and posts in the
/// window. People without a sector are one row, "未设界别", last.
pub async fn sectors<'c, E: Exec<'c> + Copy>(
    e: E,
    from: i64,
    to: i64,
) -> Result<Vec<SectorRow>, sqlx::Error> {
    let names = crate::site::queries::sectors(e).await?;
    let by_sector = |sql: String| async move {
        let rows: Vec<(Option<i64>, i64)> = sqlx::query_as(&sql)
            .bind(from)
            .bind(to)
            .fetch_all(e)
            .await?;
        Ok::<HashMap<Option<i64>, i64>, sqlx::Error>(rows.into_iter().collect())
    };
    let activity = |table: &str, extra: &str| {
        format!(
            "SELECT a.sector_id, COUNT(*) FROM {table} x JOIN account a ON a.id = x.account_id \
             WHERE x.created_at >= $1 AND x.created_at < $2{extra} GROUP BY a.sector_id"
        )
    };
    let people = by_sector(
        "SELECT sector_id, COUNT(*) FROM account WHERE disabled = 0 AND $1 <= $2 GROUP BY sector_id"
            .to_owned(),
    )
    .await?;
    let check_ins = by_sector(activity("check_in", "")).await?;
    let notes = by_sector(activity("note", "")).await?;
    let posts = by_sector(activity("post", " AND x.deleted_at IS NULL")).await?;
    let row = |id: Option<i64>, name: String| SectorRow {
        sector: name,
        people: people.get(&id).copied().unwrap_or(0),
        check_ins: check_ins.get(&id).copied().unwrap_or(0),
        notes: notes.get(&id).copied().unwrap_or(0),
        posts: posts.get(&id).copied().unwrap_or(0),
    };
    let mut rows: Vec<SectorRow> = names
        .into_iter()
        .map(|(id, name)| row(Some(id), name))
        .collect();
    let none = row(None, "未设界别".to_owned());
    if none.people + none.check_ins + none.notes + none.posts > 0 {
        rows.push(none);
    }
    Ok(rows)
}

/// The most active groups in the window (check-ins, posts and notes added
/// up), at most `limit`.
pub async fn groups(
    e: impl Exec<'_>,
    from: i64,
    to: i64,
    limit: i64,
) -> Result<Vec<GroupRow>, sqlx::Error> {
    // Each count is one grouped pass over its table (a correlated count
    // per group read every post once per group: 1.2 s at 100,000 posts
    // on PostgreSQL, 55 ms this way); posts are counted per thread first.
    sqlx::query_as(
        "SELECT * FROM (SELECT g.id, g.slug, g.name, \
         COALESCE(m.n, 0) AS members, COALESCE(c.n, 0) AS check_ins, \
         COALESCE(p.n, 0) AS posts, COALESCE(n.n, 0) AS notes \
         FROM reading_group g \
         LEFT JOIN (SELECT group_id, COUNT(*) AS n FROM group_member GROUP BY group_id) m \
           ON m.group_id = g.id \
         LEFT JOIN (SELECT group_id, COUNT(*) AS n FROM check_in \
           WHERE created_at >= $1 AND created_at < $2 GROUP BY group_id) c ON c.group_id = g.id \
         LEFT JOIN (SELECT t.group_id, CAST(SUM(pt.n) AS BIGINT) AS n \
           FROM (SELECT thread_id, COUNT(*) AS n FROM post \
             WHERE deleted_at IS NULL AND created_at >= $1 AND created_at < $2 \
             GROUP BY thread_id) pt \
           JOIN thread t ON t.id = pt.thread_id GROUP BY t.group_id) p ON p.group_id = g.id \
         LEFT JOIN (SELECT group_id, COUNT(*) AS n FROM note \
           WHERE created_at >= $1 AND created_at < $2 GROUP BY group_id) n ON n.group_id = g.id) x \
         ORDER BY check_ins + posts + notes DESC, members DESC, id LIMIT $3",
    )
    .bind(from)
    .bind(to)
    .bind(limit)
    .fetch_all(e)
    .await
}

/// The books most often finished in the window, with how many read them now.
pub async fn most_read(
    e: impl Exec<'_>,
    from: i64,
    to: i64,
    limit: i64,
) -> Result<Vec<BookRow>, sqlx::Error> {
    let rows: Vec<FinishedRow> = sqlx::query_as(
        "SELECT * FROM (SELECT b.id, b.title, b.author, \
         SUM(CASE WHEN rp.status = 'finished' AND rp.updated_at >= $1 AND rp.updated_at < $2 \
             THEN 1 ELSE 0 END) AS finished, \
         SUM(CASE WHEN rp.status = 'reading' THEN 1 ELSE 0 END) AS reading \
         FROM reading_progress rp JOIN book b ON b.id = rp.book_id \
         GROUP BY b.id, b.title, b.author) x \
         WHERE finished > 0 ORDER BY finished DESC, reading DESC, id LIMIT $3",
    )
    .bind(from)
    .bind(to)
    .bind(limit)
    .fetch_all(e)
    .await?;
    Ok(rows.into_iter().map(BookRow::from).collect())
}

/// The books with the most recommendations approved in the window.
pub async fn most_recommended(
    e: impl Exec<'_>,
    from: i64,
    to: i64,
    limit: i64,
) -> Result<Vec<BookRow>, sqlx::Error> {
    let rows: Vec<RecommendedRow> = sqlx::query_as(
        "SELECT b.id, b.title, b.author, COUNT(*) AS recommended, 0 AS reading \
         FROM recommendation r JOIN book b ON b.id = r.book_id \
         WHERE r.status = 'approved' AND r.created_at >= $1 AND r.created_at < $2 \
         GROUP BY b.id, b.title, b.author ORDER BY recommended DESC, b.id LIMIT $3",
    )
    .bind(from)
    .bind(to)
    .bind(limit)
    .fetch_all(e)
    .await?;
    Ok(rows.into_iter().map(BookRow::from).collect())
}

/// A row of [`most_read`]: the count is the `finished` column.
#[derive(sqlx::FromRow)]
struct FinishedRow {
    id: i64,
    title: String,
    author: String,
    finished: i64,
    reading: i64,
}

impl From<FinishedRow> for BookRow {
    fn from(r: FinishedRow) -> Self {
        BookRow {
            id: r.id,
            title: r.title,
            author: r.author,
            count: r.finished,
            reading: r.reading,
        }
    }
}

/// A row of [`most_recommended`]: the count is the `recommended` column.
#[derive(sqlx::FromRow)]
struct RecommendedRow {
    id: i64,
    title: String,
    author: String,
    recommended: i64,
    reading: i64,
}

impl From<RecommendedRow> for BookRow {
    fn from(r: RecommendedRow) -> Self {
        BookRow {
            id: r.id,
            title: r.title,
            author: r.author,
            count: r.recommended,
            reading: r.reading,
        }
    }
}

/// A session of [`lectures`], before its audience is counted.
#[derive(sqlx::FromRow)]
struct HeldLecture {
    id: i64,
    slug: String,
    title: String,
    starts_at: i64,
    views: i64,
}

/// Published sessions held in the window, in order, with views and audience.
pub async fn lectures<'c, E: Exec<'c> + Copy>(
    e: E,
    from: i64,
    to: i64,
) -> Result<Vec<LectureRow>, sqlx::Error> {
    let rows: Vec<HeldLecture> = sqlx::query_as(
        "SELECT id, slug, title, starts_at, views FROM lecture WHERE state = 'published' \
         AND starts_at >= $1 AND starts_at < $2 AND ends_at <= $3 ORDER BY starts_at, id",
    )
    .bind(from)
    .bind(to)
    .bind(platform::now())
    .fetch_all(e)
    .await?;
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        let audience = crate::lectures::queries::audience::audience(e, r.id).await?;
        out.push(LectureRow {
            slug: r.slug,
            title: r.title,
            starts_at: r.starts_at,
            views: r.views,
            audience: audience.total,
        });
    }
    Ok(out)
}

//! SQL for reading groups, their members and join requests.

pub mod reading_list;

use sqlx::{AnyConnection, Row};

use crate::accounts::Role;
use crate::groups::{
    GroupFields, GroupFilter, GroupKind, GroupMember, GroupRole, GroupStatus, GroupSummary,
    GroupVisibility, JoinPolicy, JoinRequest, Seat,
};
use platform::Exec;

/// Everything stored about a group. No serde: it holds the invitation token.
#[derive(Debug, Clone)]
pub struct GroupRecord {
    pub summary: GroupSummary,
    pub description_md: String,
    pub description_html: platform::SafeHtml,
    pub sector_id: Option<i64>,
    pub invite_token: String,
}

const SUMMARY_COLUMNS: &str = "g.id, g.slug, g.name, g.theme, g.kind, s.name AS sector, g.committee, \
     g.starts_on, g.ends_on, g.join_policy, g.visibility, g.member_seats, g.reader_seats, g.member_taken, \
     g.reader_taken, (SELECT COUNT(*) FROM group_member m WHERE m.group_id = g.id) AS members";

/// A row of [`SUMMARY_COLUMNS`].
#[derive(sqlx::FromRow)]
struct SummaryRow {
    id: i64,
    slug: String,
    name: String,
    theme: String,
    kind: String,
    sector: Option<String>,
    committee: String,
    starts_on: String,
    ends_on: String,
    join_policy: String,
    visibility: String,
    member_seats: i64,
    reader_seats: i64,
    member_taken: i64,
    reader_taken: i64,
    members: i64,
}

impl SummaryRow {
    fn summary(self, today: &str) -> GroupSummary {
        GroupSummary {
            id: self.id,
            slug: self.slug,
            name: self.name,
            theme: self.theme,
            kind: GroupKind::parse(&self.kind).unwrap_or(GroupKind::ReaderGroup),
            sector: self.sector,
            committee: self.committee,
            status: GroupStatus::of_term(&self.starts_on, &self.ends_on, today),
            starts_on: self.starts_on,
            ends_on: self.ends_on,
            join_policy: JoinPolicy::parse(&self.join_policy).unwrap_or(JoinPolicy::Approval),
            visibility: GroupVisibility::parse(&self.visibility)
                .unwrap_or(GroupVisibility::Members),
            member_seats: self.member_seats,
            reader_seats: self.reader_seats,
            member_taken: self.member_taken,
            reader_taken: self.reader_taken,
            members: self.members,
        }
    }
}

type AnyQuery<'q> = sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>;

/// Binds a group's fields as `$1`…`$13`, in the column order both the
/// insert and the update below use.
fn bind_fields<'q>(q: AnyQuery<'q>, f: &'q GroupFields, description_html: &'q str) -> AnyQuery<'q> {
    q.bind(&f.slug)
        .bind(&f.name)
        .bind(&f.theme)
        .bind(&f.description_md)
        .bind(description_html)
        .bind(f.kind.as_str())
        .bind(f.sector_id)
        .bind(&f.committee)
        .bind(&f.starts_on)
        .bind(&f.ends_on)
        .bind(f.join_policy.as_str())
        .bind(f.member_seats)
        .bind(f.reader_seats)
}

pub async fn insert(
    e: impl Exec<'_>,
    f: &GroupFields,
    description_html: &str,
    invite_token: &str,
    created_by: Option<i64>,
    now: i64,
) -> Result<i64, sqlx::Error> {
    let q = sqlx::query(
        "INSERT INTO reading_group (slug, name, theme, description_md, description_html, kind, sector_id, \
         committee, starts_on, ends_on, join_policy, member_seats, reader_seats, invite_token, created_by, created_at, visibility) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17) RETURNING id",
    );
    let row = bind_fields(q, f, description_html)
        .bind(invite_token)
        .bind(created_by)
        .bind(now)
        .bind(f.visibility.as_str())
        .fetch_one(e)
        .await?;
    Ok(row.get(0))
}

pub async fn update(
    e: impl Exec<'_>,
    id: i64,
    f: &GroupFields,
    description_html: &str,
) -> Result<bool, sqlx::Error> {
    let q = sqlx::query(
        "UPDATE reading_group SET slug = $1, name = $2, theme = $3, description_md = $4, description_html = $5, \
         kind = $6, sector_id = $7, committee = $8, starts_on = $9, ends_on = $10, join_policy = $11, \
         member_seats = $12, reader_seats = $13, visibility = $15 WHERE id = $14",
    );
    let done = bind_fields(q, f, description_html)
        .bind(id)
        .bind(f.visibility.as_str())
        .execute(e)
        .await?;
    Ok(done.rows_affected() == 1)
}

/// A group, the way `by_slug` and `by_id` name it.
#[derive(Debug, Clone, Copy)]
pub enum GroupKey<'a> {
    Slug(&'a str),
    Id(i64),
}

/// A group with the part `account_id` has in it (`None` for a non-member,
/// and for 0, nobody), in one query: what `GroupAccess` loads on every
/// group and thread page (`by_slug` and `by_id` are it for nobody).
pub async fn with_membership(
    e: impl Exec<'_>,
    key: GroupKey<'_>,
    account_id: i64,
    today: &str,
) -> Result<Option<(GroupRecord, Option<(GroupRole, Seat)>)>, sqlx::Error> {
    let filter = match key {
        GroupKey::Slug(_) => "g.slug = $1",
        GroupKey::Id(_) => "g.id = $1",
    };
    let sql = format!(
        "SELECT {SUMMARY_COLUMNS}, g.description_md, g.description_html, g.sector_id, \
         g.invite_token, me.role AS my_role, me.seat AS my_seat \
         FROM reading_group g LEFT JOIN sector s ON s.id = g.sector_id \
         LEFT JOIN group_member me ON me.group_id = g.id AND me.account_id = $2 WHERE {filter}"
    );
    let query = match key {
        GroupKey::Slug(slug) => sqlx::query_as(&sql).bind(slug),
        GroupKey::Id(id) => sqlx::query_as(&sql).bind(id),
    };
    let row: Option<RecordRow> = query.bind(account_id).fetch_optional(e).await?;
    Ok(row.map(|r| {
        let membership = (r.my_role.as_deref())
            .zip(r.my_seat.as_deref())
            .map(|(role, seat)| member_part(role, seat));
        (r.record(today), membership)
    }))
}

/// A membership row's role and seat.
fn member_part(role: &str, seat: &str) -> (GroupRole, Seat) {
    (
        GroupRole::parse(role).unwrap_or(GroupRole::Member),
        Seat::parse(seat).unwrap_or(Seat::Staff),
    )
}

/// A row of [`with_membership`]: the summary, what only organisers see,
/// and the asker's membership.
#[derive(sqlx::FromRow)]
struct RecordRow {
    #[sqlx(flatten)]
    summary: SummaryRow,
    description_md: String,
    description_html: String,
    sector_id: Option<i64>,
    invite_token: String,
    my_role: Option<String>,
    my_seat: Option<String>,
}

impl RecordRow {
    fn record(self, today: &str) -> GroupRecord {
        GroupRecord {
            summary: self.summary.summary(today),
            description_md: self.description_md,
            description_html: platform::SafeHtml::from_stored(self.description_html),
            sector_id: self.sector_id,
            invite_token: self.invite_token,
        }
    }
}

pub async fn by_slug(
    e: impl Exec<'_>,
    slug: &str,
    today: &str,
) -> Result<Option<GroupRecord>, sqlx::Error> {
    let found = with_membership(e, GroupKey::Slug(slug), 0, today).await?;
    Ok(found.map(|(group, _)| group))
}

pub async fn by_id(
    e: impl Exec<'_>,
    id: i64,
    today: &str,
) -> Result<Option<GroupRecord>, sqlx::Error> {
    let found = with_membership(e, GroupKey::Id(id), 0, today).await?;
    Ok(found.map(|(group, _)| group))
}

/// Groups someone may start threads in, `(id, name)` by name: those whose
/// term is not over, and of them, unless `account_id` is `None` (an
/// organiser), only the ones they belong to. The list form of
/// `GroupAccess::may_start_threads`.
pub async fn open_for_threads(
    e: impl Exec<'_>,
    account_id: Option<i64>,
    today: &str,
) -> Result<Vec<(i64, String)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT g.id, g.name FROM reading_group g WHERE g.ends_on >= $1 \
         AND ($2 = 0 OR EXISTS (SELECT 1 FROM group_member m WHERE m.group_id = g.id AND m.account_id = $2)) \
         ORDER BY g.name, g.id LIMIT 500",
    )
    .bind(today)
    .bind(account_id.unwrap_or(0))
    .fetch_all(e)
    .await
}

/// The user names of a group's leader or guides (for the organisers' form,
/// which appoints them by user name).
pub async fn staff_usernames(
    e: impl Exec<'_>,
    group_id: i64,
    role: GroupRole,
) -> Result<Vec<String>, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT a.username FROM group_member gm JOIN account a ON a.id = gm.account_id \
         WHERE gm.group_id = $1 AND gm.role = $2 ORDER BY gm.joined_at, a.id",
    )
    .bind(group_id)
    .bind(role.as_str())
    .fetch_all(e)
    .await
}

/// The directory, newest term first, filtered.
pub async fn list(
    e: impl Exec<'_>,
    filter: &GroupFilter,
    today: &str,
    limit: i64,
    offset: i64,
) -> Result<Vec<GroupSummary>, sqlx::Error> {
    // Every condition is always present and switched off by its own
    // parameter, so the statement text never depends on input.
    let sql = format!(
        "SELECT {SUMMARY_COLUMNS} FROM reading_group g LEFT JOIN sector s ON s.id = g.sector_id \
         WHERE ($1 = '' OR g.theme = $1) \
           AND ($2 = '' OR g.kind = $2) \
           AND ($3 = 0 OR g.sector_id = $3) \
           AND ($4 = '' \
                OR ($4 = 'recruiting' AND g.starts_on > $5) \
                OR ($4 = 'active' AND g.starts_on <= $5 AND g.ends_on >= $5) \
                OR ($4 = 'ended' AND g.ends_on < $5)) \
         ORDER BY CASE WHEN g.ends_on < $5 THEN 1 ELSE 0 END, g.starts_on DESC, g.id DESC \
         LIMIT $6 OFFSET $7"
    );
    let rows: Vec<SummaryRow> = sqlx::query_as(&sql)
        .bind(filter.theme.clone().unwrap_or_default())
        .bind(filter.kind.map(|k| k.as_str()).unwrap_or(""))
        .bind(filter.sector_id.unwrap_or(0))
        .bind(filter.status.map(|s| s.as_str()).unwrap_or(""))
        .bind(today)
        .bind(limit)
        .bind(offset)
        .fetch_all(e)
        .await?;
    Ok(rows.into_iter().map(|r| r.summary(today)).collect())
}

/// Themes in use, for the directory's filter.
pub async fn themes(e: impl Exec<'_>) -> Result<Vec<String>, sqlx::Error> {
    sqlx::query_scalar("SELECT DISTINCT theme FROM reading_group WHERE theme <> '' ORDER BY theme")
        .fetch_all(e)
        .await
}

/// Groups someone belongs to, with their part in each.
pub async fn of_account(
    e: impl Exec<'_>,
    account_id: i64,
    today: &str,
) -> Result<Vec<(GroupSummary, GroupRole)>, sqlx::Error> {
    let sql = format!(
        "SELECT {SUMMARY_COLUMNS}, gm.role AS my_role FROM reading_group g \
         JOIN group_member gm ON gm.group_id = g.id AND gm.account_id = $1 \
         LEFT JOIN sector s ON s.id = g.sector_id ORDER BY g.ends_on DESC, g.id DESC"
    );
    let rows: Vec<MineRow> = sqlx::query_as(&sql).bind(account_id).fetch_all(e).await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let role = GroupRole::parse(&r.my_role).unwrap_or(GroupRole::Member);
            (r.summary.summary(today), role)
        })
        .collect())
}

/// A row of [`of_account`]: a group and one's part in it.
#[derive(sqlx::FromRow)]
struct MineRow {
    #[sqlx(flatten)]
    summary: SummaryRow,
    my_role: String,
}

/// Groups with a book on their reading list.
pub async fn reading_book(
    e: impl Exec<'_>,
    book_id: i64,
    today: &str,
) -> Result<Vec<GroupSummary>, sqlx::Error> {
    let sql = format!(
        "SELECT {SUMMARY_COLUMNS} FROM reading_group g LEFT JOIN sector s ON s.id = g.sector_id \
         WHERE g.id IN (SELECT group_id FROM reading_list_item WHERE book_id = $1) ORDER BY g.starts_on DESC"
    );
    let rows: Vec<SummaryRow> = sqlx::query_as(&sql).bind(book_id).fetch_all(e).await?;
    Ok(rows.into_iter().map(|r| r.summary(today)).collect())
}

/// Leaders first, then guides, then members in the order they joined.
/// A row of [`members`].
#[derive(sqlx::FromRow)]
struct MemberRow {
    id: i64,
    display_name: String,
    account_role: String,
    role: String,
    seat: String,
    joined_at: i64,
}

/// Leaders first, then guides, then members in the order they joined.
pub async fn members(e: impl Exec<'_>, group_id: i64) -> Result<Vec<GroupMember>, sqlx::Error> {
    let rows: Vec<MemberRow> = sqlx::query_as(
        "SELECT a.id, a.display_name, a.role AS account_role, gm.role, gm.seat, gm.joined_at \
         FROM group_member gm JOIN account a ON a.id = gm.account_id WHERE gm.group_id = $1 \
         ORDER BY CASE gm.role WHEN 'leader' THEN 0 WHEN 'guide' THEN 1 ELSE 2 END, gm.joined_at, a.id",
    )
    .bind(group_id)
    .fetch_all(e)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let (role, seat) = member_part(&r.role, &r.seat);
            GroupMember {
                account_id: r.id,
                display_name: r.display_name,
                account_role: Role::parse(&r.account_role).unwrap_or(Role::Reader),
                role,
                seat,
                joined_at: r.joined_at,
            }
        })
        .collect())
}

pub async fn membership(
    e: impl Exec<'_>,
    group_id: i64,
    account_id: i64,
) -> Result<Option<(GroupRole, Seat)>, sqlx::Error> {
    let row: Option<(String, String)> = sqlx::query_as(
        "SELECT role, seat FROM group_member WHERE group_id = $1 AND account_id = $2",
    )
    .bind(group_id)
    .bind(account_id)
    .fetch_optional(e)
    .await?;
    Ok(row.map(|(role, seat)| member_part(&role, &seat)))
}

#[derive(Debug, PartialEq, Eq)]
pub enum SeatOutcome {
    Joined,
    AlreadyMember,
    /// No seat of that kind left: the caller must roll back.
    Full,
}

fn taken_column(seat: Seat) -> Option<(&'static str, &'static str)> {
    match seat {
        Seat::Member => Some(("member_taken", "member_seats")),
        Seat::Reader => Some(("reader_taken", "reader_seats")),
        Seat::Staff => None,
    }
}

/// Adds someone to a group on a seat, inside the caller's transaction.
///
/// The membership row is written first so the transaction takes the write
/// lock at once (SQLite), then the seat counter is raised only while it is
/// below the quota. Under concurrency the database serialises these
/// conditional updates, so exactly the quota gets in. On `Full` the caller
/// must roll back to undo the membership row.
pub async fn take_seat(
    conn: &mut AnyConnection,
    group_id: i64,
    account_id: i64,
    seat: Seat,
    now: i64,
) -> Result<SeatOutcome, sqlx::Error> {
    let inserted = sqlx::query(
        "INSERT INTO group_member (group_id, account_id, role, seat, joined_at) VALUES ($1, $2, 'member', $3, $4) \
         ON CONFLICT (group_id, account_id) DO NOTHING",
    )
    .bind(group_id)
    .bind(account_id)
    .bind(seat.as_str())
    .bind(now)
    .execute(&mut *conn)
    .await?;
    if inserted.rows_affected() == 0 {
        return Ok(SeatOutcome::AlreadyMember);
    }
    let Some((taken, quota)) = taken_column(seat) else {
        return Ok(SeatOutcome::Joined);
    };
    // The column names come from the match above, never from input.
    let sql = format!(
        "UPDATE reading_group SET {taken} = {taken} + 1 WHERE id = $1 AND {taken} < {quota}"
    );
    let raised = sqlx::query(&sql).bind(group_id).execute(&mut *conn).await?;
    Ok(if raised.rows_affected() == 1 {
        SeatOutcome::Joined
    } else {
        SeatOutcome::Full
    })
}

/// Removes someone from a group and frees their seat. False if they were not in it.
pub async fn leave(
    conn: &mut AnyConnection,
    group_id: i64,
    account_id: i64,
) -> Result<bool, sqlx::Error> {
    let seat: Option<String> = sqlx::query_scalar(
        "DELETE FROM group_member WHERE group_id = $1 AND account_id = $2 RETURNING seat",
    )
    .bind(group_id)
    .bind(account_id)
    .fetch_optional(&mut *conn)
    .await?;
    let Some(seat) = seat else { return Ok(false) };
    if let Some((taken, _)) = Seat::parse(&seat).and_then(taken_column) {
        let sql =
            format!("UPDATE reading_group SET {taken} = {taken} - 1 WHERE id = $1 AND {taken} > 0");
        sqlx::query(&sql).bind(group_id).execute(&mut *conn).await?;
    }
    Ok(true)
}

/// Makes someone a leader or guide (staff: no seat), or back to a plain
/// member. Staff who held a seat give it back. A new leader replaces the
/// old one, who stays on as a member.
pub async fn set_role(
    conn: &mut AnyConnection,
    group_id: i64,
    account_id: i64,
    role: GroupRole,
    now: i64,
) -> Result<(), sqlx::Error> {
    if role == GroupRole::Leader {
        sqlx::query("UPDATE group_member SET role = 'member' WHERE group_id = $1 AND role = 'leader' AND account_id <> $2")
            .bind(group_id)
            .bind(account_id)
            .execute(&mut *conn)
            .await?;
    }
    let current = membership(&mut *conn, group_id, account_id).await?;
    match current {
        None => {
            sqlx::query(
                "INSERT INTO group_member (group_id, account_id, role, seat, joined_at) VALUES ($1, $2, $3, 'staff', $4)",
            )
            .bind(group_id)
            .bind(account_id)
            .bind(role.as_str())
            .bind(now)
            .execute(&mut *conn)
            .await?;
        }
        Some((_, seat)) => {
            if role != GroupRole::Member && seat != Seat::Staff {
                if let Some((taken, _)) = taken_column(seat) {
                    let sql = format!(
                        "UPDATE reading_group SET {taken} = {taken} - 1 WHERE id = $1 AND {taken} > 0"
                    );
                    sqlx::query(&sql).bind(group_id).execute(&mut *conn).await?;
                }
                sqlx::query("UPDATE group_member SET seat = 'staff' WHERE group_id = $1 AND account_id = $2")
                    .bind(group_id)
                    .bind(account_id)
                    .execute(&mut *conn)
                    .await?;
            }
            sqlx::query(
                "UPDATE group_member SET role = $1 WHERE group_id = $2 AND account_id = $3",
            )
            .bind(role.as_str())
            .bind(group_id)
            .bind(account_id)
            .execute(&mut *conn)
            .await?;
        }
    }
    Ok(())
}

/// Files a request to join; `None` if one is already pending.
pub async fn request_to_join(
    e: impl Exec<'_>,
    group_id: i64,
    account_id: i64,
    message: &str,
    now: i64,
) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query_scalar(
        "INSERT INTO join_request (group_id, account_id, message, status, created_at) \
         VALUES ($1, $2, $3, 'pending', $4) ON CONFLICT DO NOTHING RETURNING id",
    )
    .bind(group_id)
    .bind(account_id)
    .bind(message)
    .bind(now)
    .fetch_optional(e)
    .await
}

pub async fn pending_requests(
    e: impl Exec<'_>,
    group_id: i64,
) -> Result<Vec<JoinRequest>, sqlx::Error> {
    let rows: Vec<RequestRow> = sqlx::query_as(
        "SELECT r.id, r.account_id, a.display_name, a.role, r.message, r.created_at \
         FROM join_request r JOIN account a ON a.id = r.account_id \
         WHERE r.group_id = $1 AND r.status = 'pending' ORDER BY r.created_at, r.id",
    )
    .bind(group_id)
    .fetch_all(e)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| JoinRequest {
            id: r.id,
            account_id: r.account_id,
            display_name: r.display_name,
            account_role: Role::parse(&r.role).unwrap_or(Role::Reader),
            message: r.message,
            created_at: r.created_at,
        })
        .collect())
}

/// A row of [`pending_requests`].
#[derive(sqlx::FromRow)]
struct RequestRow {
    id: i64,
    account_id: i64,
    display_name: String,
    role: String,
    message: String,
    created_at: i64,
}

/// Whether someone has a request pending for a group.
pub async fn has_pending_request(
    e: impl Exec<'_>,
    group_id: i64,
    account_id: i64,
) -> Result<bool, sqlx::Error> {
    let n: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM join_request WHERE group_id = $1 AND account_id = $2 AND status = 'pending'",
    )
    .bind(group_id)
    .bind(account_id)
    .fetch_one(e)
    .await?;
    Ok(n > 0)
}

/// Closes a pending request of this group; returns who asked, or `None`
/// when there is no such pending request (already decided, or another group's).
pub async fn decide_request(
    conn: &mut AnyConnection,
    request_id: i64,
    group_id: i64,
    status: &str,
    decided_by: Option<i64>,
    now: i64,
) -> Result<Option<(i64, Role)>, sqlx::Error> {
    let account: Option<i64> = sqlx::query_scalar(
        "UPDATE join_request SET status = $1, decided_by = $2, decided_at = $3 \
         WHERE id = $4 AND group_id = $5 AND status = 'pending' RETURNING account_id",
    )
    .bind(status)
    .bind(decided_by)
    .bind(now)
    .bind(request_id)
    .bind(group_id)
    .fetch_optional(&mut *conn)
    .await?;
    let Some(account_id) = account else {
        return Ok(None);
    };
    let role = crate::accounts::queries::role_of_account(&mut *conn, account_id)
        .await?
        .unwrap_or(Role::Reader);
    Ok(Some((account_id, role)))
}

/// Withdraws one's own pending request.
pub async fn withdraw_request(
    e: impl Exec<'_>,
    group_id: i64,
    account_id: i64,
    now: i64,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE join_request SET status = 'withdrawn', decided_at = $1 \
         WHERE group_id = $2 AND account_id = $3 AND status = 'pending'",
    )
    .bind(now)
    .bind(group_id)
    .bind(account_id)
    .execute(e)
    .await?;
    Ok(done.rows_affected() > 0)
}

/// The last day of a group's term, if the group exists.
pub async fn ends_on(e: impl Exec<'_>, group_id: i64) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar("SELECT ends_on FROM reading_group WHERE id = $1")
        .bind(group_id)
        .fetch_optional(e)
        .await
}

/// Counts the groups in each status, for the home page.
pub async fn count(e: impl Exec<'_>) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar("SELECT COUNT(*) FROM reading_group")
        .fetch_one(e)
        .await
}

/// A group's address segment and name, for a link to it from elsewhere.
pub async fn link<'c>(
    e: impl Exec<'c>,
    group_id: i64,
) -> Result<Option<(String, String)>, sqlx::Error> {
    sqlx::query_as("SELECT slug, name FROM reading_group WHERE id = $1")
        .bind(group_id)
        .fetch_optional(e)
        .await
}

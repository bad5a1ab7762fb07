use super::{MemberRecord, RecordItem, RecordRow};
use platform::Exec;

/// Notes a record counts: the ones the member shared (see the module).
const SHARED_NOTE: &str = "n.visibility <> 'private'";

/// Per account: (in the window) books finished, check-ins, shared notes,
/// posts, lectures attended (checked in at a venue or watched signed in).
fn figures_sql(filter: &str) -> String {
    format!(
        "SELECT a.id, a.display_name, a.username, COALESCE(s.name, '') AS sector, \
         (SELECT COUNT(*) FROM group_member m WHERE m.account_id = a.id) AS groups, \
         (SELECT COUNT(*) FROM reading_progress p WHERE p.account_id = a.id \
            AND p.status = 'finished' AND p.updated_at >= $1 AND p.updated_at < $2) AS books_finished, \
         (SELECT COUNT(*) FROM check_in c WHERE c.account_id = a.id \
            AND c.created_at >= $1 AND c.created_at < $2) AS check_ins, \
         (SELECT COUNT(*) FROM note n WHERE n.account_id = a.id AND {SHARED_NOTE} \
            AND n.created_at >= $1 AND n.created_at < $2) AS notes, \
         (SELECT COUNT(*) FROM post o WHERE o.account_id = a.id AND o.deleted_at IS NULL \
            AND o.created_at >= $1 AND o.created_at < $2) AS posts, \
         (SELECT COUNT(*) FROM lecture l WHERE \
            EXISTS (SELECT 1 FROM attendance t WHERE t.lecture_id = l.id AND t.account_id = a.id \
                    AND t.checked_in_at >= $1 AND t.checked_in_at < $2) \
            OR EXISTS (SELECT 1 FROM lecture_viewer v WHERE v.lecture_id = l.id AND v.account_id = a.id \
                    AND v.first_seen >= $1 AND v.first_seen < $2)) AS lectures \
         FROM account a LEFT JOIN sector s ON s.id = a.sector_id WHERE {filter}"
    )
}

/// Every member (委员) with their figures in `[from, to)`, by sector and name.
pub async fn members(e: impl Exec<'_>, from: i64, to: i64) -> Result<Vec<RecordRow>, sqlx::Error> {
    let sql = format!(
        "{} ORDER BY sector, a.display_name, a.id",
        figures_sql("a.role = 'member'")
    );
    sqlx::query_as(&sql).bind(from).bind(to).fetch_all(e).await
}

/// One account's record in `[from, to)`; `None` when there is no such account.
pub async fn member<'c, E: Exec<'c> + Copy>(
    e: E,
    id: i64,
    from: i64,
    to: i64,
) -> Result<Option<MemberRecord>, sqlx::Error> {
    let Some(row) = sqlx::query_as(&figures_sql("a.id = $3"))
        .bind(from)
        .bind(to)
        .bind(id)
        .fetch_optional(e)
        .await?
    else {
        return Ok(None);
    };
    let groups: Vec<(String, String)> = sqlx::query_as(
        "SELECT g.name, m.role FROM group_member m JOIN reading_group g ON g.id = m.group_id \
         WHERE m.account_id = $1 ORDER BY g.name",
    )
    .bind(id)
    .fetch_all(e)
    .await?;
    let groups = groups
        .into_iter()
        .map(|(name, role)| {
            let label = crate::groups::GroupRole::parse(&role)
                .map_or(role.clone(), |r| r.label().to_owned());
            (name, label)
        })
        .collect();
    let items_sql = format!(
        "SELECT p.updated_at, 'book', b.title FROM reading_progress p JOIN book b ON b.id = p.book_id \
           WHERE p.account_id = $1 AND p.status = 'finished' AND p.updated_at >= $2 AND p.updated_at < $3 \
         UNION ALL SELECT c.created_at, 'check_in', g.name FROM check_in c \
           JOIN reading_group g ON g.id = c.group_id \
           WHERE c.account_id = $1 AND c.created_at >= $2 AND c.created_at < $3 \
         UNION ALL SELECT n.created_at, 'note', n.title FROM note n \
           WHERE n.account_id = $1 AND {SHARED_NOTE} AND n.created_at >= $2 AND n.created_at < $3 \
         UNION ALL SELECT o.created_at, 'post', t.title FROM post o JOIN thread t ON t.id = o.thread_id \
           WHERE o.account_id = $1 AND o.deleted_at IS NULL AND o.created_at >= $2 AND o.created_at < $3 \
         UNION ALL SELECT t.checked_in_at, 'venue', l.title FROM attendance t \
           JOIN lecture l ON l.id = t.lecture_id \
           WHERE t.account_id = $1 AND t.checked_in_at >= $2 AND t.checked_in_at < $3 \
         UNION ALL SELECT MIN(v.first_seen), 'online', l.title FROM lecture_viewer v \
           JOIN lecture l ON l.id = v.lecture_id \
           WHERE v.account_id = $1 AND v.first_seen >= $2 AND v.first_seen < $3 \
           GROUP BY l.id, l.title \
         ORDER BY 1 DESC, 2, 3 LIMIT 2000"
    );
    let items: Vec<(i64, String, String)> = sqlx::query_as(&items_sql)
        .bind(id)
        .bind(from)
        .bind(to)
        .fetch_all(e)
        .await?;
    let items = items
        .into_iter()
        .map(|(at, kind, text)| RecordItem {
            at,
            kind: kind_label(&kind).to_owned(),
            text,
        })
        .collect();
    Ok(Some(MemberRecord { row, groups, items }))
}

fn kind_label(kind: &str) -> &'static str {
    match kind {
        "book" => "读完",
        "check_in" => "打卡",
        "note" => "读书心得",
        "post" => "讨论发帖",
        "venue" => "现场听讲座",
        _ => "线上看讲座",
    }
}

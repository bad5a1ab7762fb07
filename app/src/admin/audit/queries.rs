use super::{AuditEntry, AuditFilter, KINDS, action_label};
use platform::Exec;
use platform::db::like_pattern;
use platform::error::AppError;

impl AuditFilter {
    /// `[from, to)` in Unix seconds from the typed dates (open when empty).
    pub fn window(&self) -> Result<(i64, i64), AppError> {
        use platform::time::{day_start, parse_day};
        let day = |s: &str, end: bool, open: i64| {
            if s.trim().is_empty() {
                Ok(open)
            } else {
                parse_day(s)
                    .map(|d| day_start(d) + if end { 86_400 } else { 0 })
                    .map_err(AppError::message)
            }
        };
        Ok((
            day(&self.from, false, i64::MIN / 2)?,
            day(&self.to, true, i64::MAX / 2)?,
        ))
    }
}

/// Both logs as one, filtered: $1 actor pattern, $2 action prefix
/// pattern, $3 and $4 the window.
const FILTERED: &str = "FROM (\
     SELECT l.id, l.at, COALESCE(a.display_name, '（已删除的账号）') AS actor, \
       COALESCE(a.username, '') AS username, l.action, l.target, \
       l.before_value, l.after_value FROM audit_log l LEFT JOIN account a ON a.id = l.actor_id \
     UNION ALL SELECT m.id, m.at, COALESCE(a.display_name, '（已删除的账号）'), COALESCE(a.username, ''), \
       'moderation.' || m.action, \
       CASE WHEN m.post_id IS NULL THEN '主题 #' || CAST(COALESCE(m.thread_id, 0) AS TEXT) \
            ELSE '帖子 #' || CAST(m.post_id AS TEXT) END, \
       NULL, m.note FROM moderation_log m LEFT JOIN account a ON a.id = m.actor_id) x \
     WHERE (x.actor LIKE $1 ESCAPE '\\' OR x.username LIKE $1 ESCAPE '\\') \
       AND x.action LIKE $2 AND x.at >= $3 AND x.at < $4";

fn patterns(filter: &AuditFilter) -> (String, String) {
    let actor: String = filter.actor.trim().chars().take(50).collect();
    let kind = KINDS
        .iter()
        .find(|(k, _)| *k == filter.kind)
        .map_or("%".to_owned(), |(k, _)| format!("{k}.%"));
    (like_pattern(&actor), kind)
}

/// A row of [`list`].
#[derive(sqlx::FromRow)]
struct EntryRow {
    at: i64,
    actor: String,
    action: String,
    target: String,
    before_value: Option<String>,
    after_value: Option<String>,
}

pub async fn list(
    e: impl Exec<'_>,
    filter: &AuditFilter,
    (from, to): (i64, i64),
    limit: i64,
    offset: i64,
) -> Result<Vec<AuditEntry>, sqlx::Error> {
    let (actor, kind) = patterns(filter);
    let rows: Vec<EntryRow> = sqlx::query_as(&format!(
        "SELECT x.at, x.actor, x.action, x.target, x.before_value, x.after_value {FILTERED} \
         ORDER BY x.at DESC, x.id DESC LIMIT $5 OFFSET $6"
    ))
    .bind(actor)
    .bind(kind)
    .bind(from)
    .bind(to)
    .bind(limit)
    .bind(offset)
    .fetch_all(e)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| AuditEntry {
            at: r.at,
            actor: r.actor,
            action_label: action_label(&r.action),
            action: r.action,
            target: r.target,
            before: r.before_value,
            after: r.after_value,
        })
        .collect())
}

pub async fn count(
    e: impl Exec<'_>,
    filter: &AuditFilter,
    (from, to): (i64, i64),
) -> Result<i64, sqlx::Error> {
    let (actor, kind) = patterns(filter);
    sqlx::query_scalar(&format!("SELECT COUNT(*) {FILTERED}"))
        .bind(actor)
        .bind(kind)
        .bind(from)
        .bind(to)
        .fetch_one(e)
        .await
}

//! The audit log: who did what to whom, when, with the value before and
//! after. Organisers' actions are written here by the features that do them;
//! moderation actions have their own log, shown here too. `/admin/audit`
//! filters both by person, kind of action and dates, and downloads as CSV.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use platform::error::AppError;

/// Kinds of action to filter by: the prefix of the action code and its label.
pub const KINDS: [(&str, &str); 7] = [
    ("account", "账号与角色"),
    ("group", "读书群"),
    ("book", "书目"),
    ("recommendation", "荐书审核"),
    ("lecture", "讲座"),
    ("report", "年度报告"),
    ("moderation", "内容审核"),
];

/// Entries per page, and at most in a download.
pub const PER_PAGE: i64 = 50;
pub const EXPORT_MAX: i64 = 50_000;

pub use platform::audit::AuditAction;

/// The Chinese name of a logged action code: an [`AuditAction`], or a
/// moderation action (`moderation.hide`) from the moderation log.
pub fn action_label(action: &str) -> String {
    if let Some(known) = AuditAction::parse(action) {
        return known.label().to_owned();
    }
    match action.strip_prefix("moderation.") {
        Some(m) => format!("审核：{}", crate::threads::moderation::action_label(m)),
        None => action.to_owned(),
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEntry {
    pub at: i64,
    pub actor: String,
    pub action: String,
    pub action_label: String,
    pub target: String,
    pub before: Option<String>,
    pub after: Option<String>,
}

/// The columns of the log, on the page and in the download.
pub const COLUMNS: [&str; 6] = ["时间", "操作人", "操作", "对象", "之前", "之后"];

impl AuditEntry {
    /// The entry's cells under [`COLUMNS`].
    pub fn cells(self) -> [String; 6] {
        [
            platform::time::datetime_zh(self.at),
            self.actor,
            self.action_label,
            self.target,
            self.before.unwrap_or_default(),
            self.after.unwrap_or_default(),
        ]
    }
}

/// What the page and the download filter by (all as typed).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditFilter {
    #[serde(default)]
    pub actor: String,
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub from: String,
    #[serde(default)]
    pub to: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditPage {
    pub entries: Vec<AuditEntry>,
    pub total: i64,
    pub page: i64,
}

#[cfg(feature = "ssr")]
pub use ssr::*;

#[cfg(feature = "ssr")]
mod ssr {
    use sqlx::Row;

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

    pub async fn list(
        e: impl Exec<'_>,
        filter: &AuditFilter,
        (from, to): (i64, i64),
        limit: i64,
        offset: i64,
    ) -> Result<Vec<AuditEntry>, sqlx::Error> {
        let (actor, kind) = patterns(filter);
        let rows = sqlx::query(&format!(
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
            .iter()
            .map(|r| {
                let action: String = r.get("action");
                AuditEntry {
                    at: r.get("at"),
                    actor: r.get("actor"),
                    action_label: action_label(&action),
                    action,
                    target: r.get("target"),
                    before: r.get("before_value"),
                    after: r.get("after_value"),
                }
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
}

#[server(prefix = "/api", endpoint = "admin/audit")]
pub async fn load_audit(
    actor: String,
    kind: String,
    from: String,
    to: String,
    page: String,
) -> Result<AuditPage, AppError> {
    use crate::accounts::Role;
    use crate::accounts::session::require_role;
    use platform::{ctx, respond};
    respond(async move {
        require_role(Role::Organiser).await?;
        let filter = AuditFilter {
            actor,
            kind,
            from,
            to,
        };
        let page = page.parse::<i64>().unwrap_or(1);
        let window = filter.window()?;
        let page = page.clamp(1, 10_000);
        let pool = ctx()?.db.pool().clone();
        let entries = list(&pool, &filter, window, PER_PAGE, (page - 1) * PER_PAGE).await?;
        let total = count(&pool, &filter, window).await?;
        Ok(AuditPage {
            entries,
            total,
            page,
        })
    })
    .await
}

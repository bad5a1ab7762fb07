//! Server functions of progress, check-ins and the "my reading" overview.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use super::Progress;
use super::streak::Heatmap;
use crate::groups::{GroupRole, GroupSummary};
use crate::notes::NoteView;
use platform::error::AppError;

/// Everything /me shows about someone's reading.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReadingOverview {
    pub groups: Vec<(GroupSummary, GroupRole)>,
    pub progress: Vec<Progress>,
    pub heatmap: Heatmap,
    pub streak: i64,
    pub longest_streak: i64,
    pub notes: Vec<NoteView>,
}

/// Parses an optional whole number in a range; `what` names it in the message.
#[cfg(feature = "ssr")]
fn optional_number(s: &str, max: i64, what: &str) -> Result<Option<i64>, String> {
    let t = s
        .trim()
        .trim_end_matches(['页', '%', '％', '分'])
        .trim_end_matches("分钟");
    if t.is_empty() {
        return Ok(None);
    }
    match t.parse::<i64>() {
        Ok(n) if (0..=max).contains(&n) => Ok(Some(n)),
        _ => Err(format!("{what}应为 0 到 {max} 之间的整数")),
    }
}

/// Records where the signed-in reader is with a book.
#[server(prefix = "/api", endpoint = "progress")]
pub async fn set_progress(
    book_id: i64,
    status: String,
    page: String,
    percent: String,
) -> Result<String, AppError> {
    use super::ReadingStatus;
    use platform::error::FormErrors;
    use platform::{ctx, now, respond};
    respond(async move {
        let user = crate::accounts::session::require_user().await?;
        let mut f = FormErrors::default()
            .keep("page", &page)
            .keep("percent", &percent);
        let status = ReadingStatus::parse(&status);
        if status.is_none() {
            f.add("status", "请选择想读、在读或读完");
        }
        let page = optional_number(&page, 100_000, "页码")
            .map_err(|m| f.add("page", m))
            .ok()
            .flatten();
        let percent = optional_number(&percent, 100, "百分比")
            .map_err(|m| f.add("percent", m))
            .ok()
            .flatten();
        f.into_result()?;
        let status = status.expect("checked");
        let ctx = ctx()?;
        let book = crate::books::queries::get(ctx.db.pool(), book_id)
            .await?
            .ok_or(AppError::NotFound)?;
        if let (Some(p), Some(total)) = (page, book.fields.pages)
            && p > total
        {
            return Err(AppError::message(format!("这本书只有 {total} 页")));
        }
        super::queries::set(
            ctx.db.pool(),
            user.id,
            book_id,
            status,
            page,
            percent,
            now(),
        )
        .await?;
        platform::redirect_back();
        Ok(format!("已记录：{}", status.label()))
    })
    .await
}

/// Today's check-in in a group: once a day (Beijing date), members only,
/// while the group runs.
#[server(prefix = "/api", endpoint = "check-in")]
pub async fn check_in(
    slug: String,
    minutes: String,
    pages: String,
    line: String,
) -> Result<String, AppError> {
    use super::{LINE_MAX, MINUTES_MAX, PAGES_MAX};
    use crate::groups::GroupStatus;
    use crate::groups::access::GroupAccess;
    use platform::error::FormErrors;
    use platform::{ctx, now, respond, today_string};
    respond(async move {
        let ctx = ctx()?;
        let today = today_string();
        let access = GroupAccess::load(&ctx.db, &slug, &today).await?;
        let user = access.user()?.clone();
        if !access.is_member() {
            return Err(AppError::Forbidden);
        }
        access.require_open()?;
        if access.group.summary.status == GroupStatus::Recruiting {
            return Err(AppError::message("本群还没有开始，开始后才能打卡"));
        }
        let line = line.trim();
        let mut f = FormErrors::default()
            .keep("minutes", &minutes)
            .keep("pages", &pages)
            .keep("line", &line.chars().take(LINE_MAX * 2).collect::<String>());
        let minutes = optional_number(&minutes, MINUTES_MAX, "阅读分钟数")
            .map_err(|m| f.add("minutes", m))
            .ok()
            .flatten();
        let pages = optional_number(&pages, PAGES_MAX, "阅读页数")
            .map_err(|m| f.add("pages", m))
            .ok()
            .flatten();
        if line.chars().count() > LINE_MAX {
            f.add("line", format!("打卡感想不能超过 {LINE_MAX} 个字"));
        }
        if line.chars().any(|c| c.is_control()) {
            f.add("line", "打卡感想不能换行或包含控制字符");
        }
        if f.is_empty() && minutes.is_none() && pages.is_none() {
            f.add("minutes", "请填写今天读了多少分钟或多少页");
        }
        f.into_result()?;
        if !super::queries::check_in(
            ctx.db.pool(),
            access.id(),
            user.id,
            &today,
            minutes,
            pages,
            line,
            now(),
        )
        .await?
        {
            return Err(AppError::message("今天已经打过卡了，明天再来吧"));
        }
        platform::redirect_back();
        Ok("打卡成功！".to_owned())
    })
    .await
}

#[server(prefix = "/api", endpoint = "me/reading")]
pub async fn my_reading() -> Result<ReadingOverview, AppError> {
    use platform::time::{day_at, day_string};
    use platform::{ctx, now, respond, today_string};
    respond(async move {
        let user = crate::accounts::session::require_user().await?;
        let ctx = ctx()?;
        let db = ctx.db.pool();
        let today = day_at(now());
        let since = day_string(today - time::Duration::days(400));
        let counts = super::queries::daily_counts(db, user.id, &since).await?;
        let days: Vec<String> = counts.iter().map(|(d, _)| d.clone()).collect();
        let (streak, longest_streak) = super::streak::streaks(&days, today);
        Ok(ReadingOverview {
            groups: crate::groups::queries::of_account(db, user.id, &today_string()).await?,
            progress: super::queries::of_account(db, user.id).await?,
            heatmap: super::streak::heatmap(&counts, today),
            streak,
            longest_streak,
            notes: crate::notes::queries::of_account(db, user.id).await?,
        })
    })
    .await
}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    use super::optional_number;

    #[test]
    fn numbers_with_units() {
        assert_eq!(optional_number("", 100, "x"), Ok(None));
        assert_eq!(optional_number(" 45% ", 100, "x"), Ok(Some(45)));
        assert_eq!(optional_number("120页", 1000, "x"), Ok(Some(120)));
        assert_eq!(optional_number("30分钟", 1440, "x"), Ok(Some(30)));
        assert!(
            optional_number("101", 100, "百分比")
                .unwrap_err()
                .contains("百分比")
        );
        assert!(optional_number("-1", 100, "x").is_err());
        assert!(optional_number("abc", 100, "x").is_err());
    }
}

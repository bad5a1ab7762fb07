//! Server functions of the statistics (organisers) and the annual report
//! (everyone reads it; organisers write its foreword).

use leptos::prelude::*;

use super::{ReportData, StatsData};
use platform::error::AppError;

/// The foreword of a report, at most this many characters of Markdown.
pub const FOREWORD_MAX: usize = 5_000;

#[cfg(feature = "ssr")]
fn foreword_keys(year: i32) -> (String, String) {
    (
        format!("report.foreword_md_{year}"),
        format!("report.foreword_html_{year}"),
    )
}

/// Years a report can be asked for: from 2000 to this year (Beijing).
#[cfg(feature = "ssr")]
fn valid_year(year: i32) -> bool {
    let this_year = platform::time::day_at(platform::now()).year();
    (2000..=this_year).contains(&year)
}

#[server(prefix = "/api", endpoint = "admin/stats")]
pub async fn load_stats() -> Result<StatsData, AppError> {
    use crate::accounts::Role;
    use crate::accounts::session::require_role;
    use crate::stats::cache::StatsCache;
    use platform::{ctx, respond};
    respond(async move {
        require_role(Role::Organiser).await?;
        let ctx = ctx()?;
        let fresh = ctx.settings.stats_fresh_secs;
        let mut data = ctx.feature::<StatsCache>()?.stats(&ctx.db, fresh).await?;
        data.fresh_secs = fresh;
        Ok(data)
    })
    .await
}

#[server(prefix = "/api", endpoint = "report")]
pub async fn load_report(year: i32) -> Result<ReportData, AppError> {
    use crate::accounts::session::current_user;
    use platform::{ctx, respond};
    respond(async move {
        let ctx = ctx()?;
        if !valid_year(year) {
            return Err(AppError::NotFound);
        }
        let fresh = ctx.settings.stats_fresh_secs;
        let mut data = ctx
            .feature::<crate::stats::cache::StatsCache>()?
            .report(&ctx.db, year, fresh)
            .await?;
        data.fresh_secs = fresh;
        let (md_key, html_key) = foreword_keys(year);
        let pool = ctx.db.pool();
        data.foreword_md = crate::site::queries::get(pool, &md_key)
            .await?
            .unwrap_or_default();
        data.foreword_html = crate::site::queries::get(pool, &html_key)
            .await?
            .map(platform::SafeHtml::from_stored)
            .unwrap_or_default();
        let site = crate::site::cache::site_info(&ctx).await?;
        data.brand = if site.committee.is_empty() {
            site.brand
        } else {
            format!("{} · {}", site.committee, site.brand)
        };
        data.can_edit = current_user().await?.is_some_and(|u| u.is_organiser());
        if !data.can_edit {
            // Readers get the rendered foreword only.
            data.foreword_md.clear();
        }
        Ok(data)
    })
    .await
}

#[server(prefix = "/api", endpoint = "report/foreword")]
pub async fn save_foreword(year: i32, foreword: String) -> Result<(), AppError> {
    use crate::accounts::Role;
    use crate::accounts::session::require_role;
    use platform::audit::{self, Entry};
    use platform::error::FormErrors;
    use platform::{ctx, now, redirect_back, respond};
    respond(async move {
        let user = require_role(Role::Organiser).await?;
        let ctx = ctx()?;
        if !valid_year(year) {
            return Err(AppError::NotFound);
        }
        let text = foreword.trim().to_owned();
        if text.chars().count() > FOREWORD_MAX {
            let mut f = FormErrors::default().keep("foreword", &foreword);
            f.add(
                "foreword",
                format!(
                    "前言最多 {FOREWORD_MAX} 个字，现在是 {} 个字",
                    text.chars().count()
                ),
            );
            return f.into_result();
        }
        let (md_key, html_key) = foreword_keys(year);
        let mut tx = ctx.db.pool().begin().await?;
        let before = crate::site::queries::get(&mut *tx, &md_key).await?;
        crate::site::queries::set(&mut *tx, &md_key, &text).await?;
        crate::site::queries::set(&mut *tx, &html_key, &platform::markdown::render(&text)).await?;
        audit::record(
            &mut *tx,
            Entry {
                actor_id: user.id,
                action: platform::audit::AuditAction::ReportForeword,
                target: &format!("/report/{year}"),
                before: before.as_deref(),
                after: Some(&text),
                at: now(),
            },
        )
        .await?;
        tx.commit().await?;
        redirect_back();
        Ok(())
    })
    .await
}

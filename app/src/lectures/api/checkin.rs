#[cfg(feature = "ssr")]
use crate::lectures::live::LiveHub;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use platform::error::AppError;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckinPage {
    pub title: String,
    pub slug: String,
    pub venue: String,
    pub code_ok: bool,
    pub checked_in: bool,
    pub signed_in: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckinCode {
    pub venue: String,
    pub kind: String,
    pub url: String,
    pub qr_svg: platform::SafeHtml,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckinCodes {
    pub title: String,
    pub slug: String,
    pub day: String,
    pub codes: Vec<CheckinCode>,
}

#[server(prefix = "/api", endpoint = "lectures/checkin-page")]
pub async fn load_checkin(slug: String, venue: i64, code: String) -> Result<CheckinPage, AppError> {
    use crate::accounts::session::current_user;
    use crate::lectures::{checkin, queries};
    use platform::{ctx, respond, today_string};
    respond(async move {
        let ctx = ctx()?;
        let user = current_user().await?;
        let lecture = super::guard::visible(&ctx, &slug, user.as_ref()).await?;
        let venue_name = queries::venue_name(ctx.db.pool(), lecture.summary.id, venue)
            .await?
            .ok_or(AppError::NotFound)?;
        let checked_in = match &user {
            Some(u) => queries::attended(ctx.db.pool(), lecture.summary.id, u.id).await?,
            None => false,
        };
        Ok(CheckinPage {
            title: lecture.summary.title.clone(),
            slug: lecture.summary.slug.clone(),
            venue: venue_name,
            code_ok: checkin::code_ok(&lecture.checkin_key, venue, &today_string(), &code),
            checked_in,
            signed_in: user.is_some(),
        })
    })
    .await
}

#[server(prefix = "/api", endpoint = "lectures/checkin")]
pub async fn check_in(slug: String, venue: i64, code: String) -> Result<String, AppError> {
    use crate::lectures::{Phase, checkin, queries};
    use platform::{now, redirect_back, respond, today_string};
    respond(async move {
        let (ctx, user, lecture) = super::guard::signed_in(&slug).await?;
        if !checkin::code_ok(&lecture.checkin_key, venue, &today_string(), &code) {
            return Err(AppError::message(
                "签到码无效或已过期：请扫描会场当天的签到二维码",
            ));
        }
        if matches!(lecture.summary.phase, Phase::Cancelled | Phase::Draft) {
            return Err(AppError::message("这场讲座不能签到"));
        }
        let venues = crate::lectures::queries::venues(ctx.db.pool(), lecture.summary.id).await?;
        let name = venues
            .iter()
            .find(|v| v.id == venue)
            .map(|v| v.name.clone())
            .ok_or(AppError::NotFound)?;
        let new =
            queries::checkin::record(ctx.db.pool(), lecture.summary.id, user.id, venue, now())
                .await?;
        ctx.feature::<LiveHub>()?
            .audience_changed(lecture.summary.id)
            .await;
        redirect_back();
        Ok(if new {
            format!("签到成功：{name}。欢迎参加！")
        } else {
            "你已经签到过了。".to_owned()
        })
    })
    .await
}

/// Today's check-in QR codes of every venue, for the session's lecturer
/// and organisers to print or show at the door.
#[server(prefix = "/api", endpoint = "lectures/checkin-codes")]
pub async fn load_checkin_codes(slug: String) -> Result<CheckinCodes, AppError> {
    use crate::lectures::{checkin, queries};
    use platform::qr;
    use platform::{header, respond, today_string};
    respond(async move {
        let (ctx, user, lecture) = super::guard::signed_in(&slug).await?;
        if !super::guard::may_edit(&user, &lecture) {
            return Err(AppError::Forbidden);
        }
        let day = today_string();
        let origin = crate::lectures::routes::origin(
            ctx.settings.public_url.as_deref(),
            header("host").as_deref(),
            header("x-forwarded-proto").as_deref(),
        );
        let codes = queries::venues(ctx.db.pool(), lecture.summary.id)
            .await?
            .into_iter()
            .map(|v| {
                let code = checkin::code(&lecture.checkin_key, v.id, &day);
                let url = format!(
                    "{origin}{}",
                    checkin::path(&lecture.summary.slug, v.id, &code)
                );
                CheckinCode {
                    kind: v.kind_label().to_owned(),
                    venue: v.name,
                    qr_svg: qr::svg(&url).unwrap_or_default(),
                    url,
                }
            })
            .collect();
        Ok(CheckinCodes {
            title: lecture.summary.title.clone(),
            slug: lecture.summary.slug.clone(),
            day,
            codes,
        })
    })
    .await
}

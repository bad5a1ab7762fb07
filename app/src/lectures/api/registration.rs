use leptos::prelude::*;

#[cfg(feature = "ssr")]
use crate::lectures::live::LiveHub;
use platform::error::AppError;

/// Registers the signed-in person for a venue (`venue` is its id) or for
/// online attendance (`venue` is `online`); answers with what happened.
#[server(prefix = "/api", endpoint = "lectures/register")]
pub async fn register_lecture(slug: String, venue: String) -> Result<String, AppError> {
    use crate::lectures::queries;
    use crate::lectures::queries::registration::{self, Outcome};
    use platform::{now, redirect_back, respond};
    respond(async move {
        let (ctx, user, lecture) = super::guard::signed_in(&slug).await?;
        super::guard::require_open(&lecture)?;
        let id = lecture.summary.id;
        let venues = queries::venues(ctx.db.pool(), id).await?;
        let venue_id = match venue.trim() {
            "online" => None,
            v => Some(
                v.parse::<i64>()
                    .ok()
                    .filter(|v| venues.iter().any(|x| x.id == *v))
                    .ok_or_else(|| AppError::message("请选择本场讲座的会场"))?,
            ),
        };
        let name = venue_id
            .and_then(|v| venues.iter().find(|x| x.id == v))
            .map(|v| v.name.clone())
            .unwrap_or_else(|| "线上观看".to_owned());
        let mut tx = ctx.db.pool().begin().await?;
        let outcome = registration::register(&mut tx, id, user.id, venue_id, now()).await?;
        tx.commit().await?;
        ctx.feature::<LiveHub>()?.audience_changed(id).await;
        redirect_back();
        Ok(match outcome {
            Outcome::Confirmed => format!("报名成功：{name}。"),
            Outcome::Waiting(place) => {
                format!("{name}座位已满，你已进入候补名单第 {place} 位；有人取消时自动递补。")
            }
            Outcome::Unchanged => format!("你已报名：{name}。"),
        })
    })
    .await
}

#[server(prefix = "/api", endpoint = "lectures/cancel-registration")]
pub async fn cancel_registration(slug: String) -> Result<String, AppError> {
    use crate::lectures::queries::registration;
    use platform::{now, redirect_back, respond};
    respond(async move {
        let (ctx, user, lecture) = super::guard::signed_in(&slug).await?;
        let id = lecture.summary.id;
        let mut tx = ctx.db.pool().begin().await?;
        let cancelled = registration::cancel(&mut tx, id, user.id, now()).await?;
        tx.commit().await?;
        if !cancelled {
            return Err(AppError::message("你没有报名这场讲座"));
        }
        ctx.feature::<LiveHub>()?.audience_changed(id).await;
        redirect_back();
        Ok("已取消报名。".to_owned())
    })
    .await
}

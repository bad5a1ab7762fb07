use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::groups::GroupFields;
use crate::groups::validate::GroupInput;
use platform::error::AppError;

/// The organisers' form, filled for editing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupFormData {
    pub fields: Option<GroupFields>,
    pub leader: String,
    pub guides: String,
    pub sectors: Vec<(i64, String)>,
}

#[server(prefix = "/api", endpoint = "group/form")]
pub async fn group_form(slug: String) -> Result<GroupFormData, AppError> {
    use super::guard::*;
    respond(async move {
        require_role(Role::Organiser).await?;
        let ctx = ctx()?;
        let sectors = crate::site::queries::sectors(ctx.db.pool()).await?;
        if slug.is_empty() {
            return Ok(GroupFormData {
                fields: None,
                leader: String::new(),
                guides: String::new(),
                sectors,
            });
        }
        let group = queries::by_slug(ctx.db.pool(), &slug, &today_string())
            .await?
            .ok_or(AppError::NotFound)?;
        let gid = group.summary.id;
        let leader = queries::staff_usernames(ctx.db.pool(), gid, GroupRole::Leader).await?;
        let guides = queries::staff_usernames(ctx.db.pool(), gid, GroupRole::Guide).await?;
        let s = &group.summary;
        Ok(GroupFormData {
            fields: Some(GroupFields {
                slug: s.slug.clone(),
                name: s.name.clone(),
                theme: s.theme.clone(),
                description_md: group.description_md.clone(),
                kind: s.kind,
                sector_id: group.sector_id,
                committee: s.committee.clone(),
                starts_on: s.starts_on.clone(),
                ends_on: s.ends_on.clone(),
                join_policy: s.join_policy,
                visibility: s.visibility,
                member_seats: s.member_seats,
                reader_seats: s.reader_seats,
            }),
            leader: leader.join(", "),
            guides: guides.join(", "),
            sectors,
        })
    })
    .await
}

/// Creates (`current_slug` empty) or edits a group, and appoints its
/// leader and guides by user name. Organisers only.
#[server(prefix = "/api", endpoint = "group/save")]
pub async fn save_group(
    current_slug: String,
    #[server(flatten)] form: GroupInput,
) -> Result<String, AppError> {
    use super::guard::*;
    use crate::groups::validate::group_fields;
    respond(async move {
        let organiser = require_role(Role::Organiser).await?;
        let ctx = ctx()?;
        let raw = form.raw();
        let mut errors = FormErrors::default();
        for (k, v) in form.typed() {
            errors = errors.keep(
                k,
                &v.chars()
                    .take(crate::groups::validate::DESCRIPTION_MAX)
                    .collect::<String>(),
            );
        }
        let fields = group_fields(&raw).map_err(|errs| {
            let mut e = errors.clone();
            for (f, m) in errs {
                e.add(f, m);
            }
            AppError::Invalid(e.clone())
        });
        // Staff by user name: resolved before anything is written.
        let leader_id = match form.leader.trim() {
            "" => None,
            name => {
                match crate::accounts::queries::credentials(ctx.db.pool(), &name.to_lowercase())
                    .await?
                {
                    Some(c) => Some(c.id),
                    None => {
                        errors.add("leader", format!("找不到用户名为 {name} 的用户"));
                        None
                    }
                }
            }
        };
        let mut guide_ids = Vec::new();
        for g in form
            .guides
            .split([',', '，', ' ', '、'])
            .map(str::trim)
            .filter(|g| !g.is_empty())
            .take(20)
        {
            match crate::accounts::queries::credentials(ctx.db.pool(), &g.to_lowercase()).await? {
                Some(c) if Some(c.id) != leader_id => guide_ids.push(c.id),
                Some(_) => {}
                None => errors.add("guides", format!("找不到用户名为 {g} 的用户")),
            }
        }
        let fields = match fields {
            Ok(f) => f,
            Err(AppError::Invalid(mut e)) => {
                for (f, m) in errors.fields {
                    e.add(&f, m);
                }
                return Err(AppError::Invalid(e));
            }
            Err(other) => return Err(other),
        };
        errors.clone().into_result()?;

        let html = platform::markdown::render(&fields.description_md);
        let at = now();
        let mut tx = ctx.db.pool().begin().await?;
        let existing = if current_slug.is_empty() {
            None
        } else {
            Some(
                queries::by_slug(&mut *tx, &current_slug, &today_string())
                    .await?
                    .ok_or(AppError::NotFound)?,
            )
        };
        let saved = match &existing {
            None => {
                let token = platform::random_token();
                queries::insert(&mut *tx, &fields, &html, &token, Some(organiser.id), at)
                    .await
                    .map(|id| (id, true))
            }
            Some(g) => queries::update(&mut *tx, g.summary.id, &fields, &html)
                .await
                .map(|_| (g.summary.id, false)),
        };
        let (group_id, created) = match saved {
            Ok(v) => v,
            Err(e) if platform::is_unique_violation(&e) => {
                errors.add("slug", "这个网址名已被其他读书群使用");
                return Err(AppError::Invalid(errors));
            }
            Err(e) => return Err(e.into()),
        };
        // Staff: whoever is named is leader/guide; staff no longer named become members.
        let current = queries::members(&mut *tx, group_id).await?;
        for m in current.iter().filter(|m| m.role != GroupRole::Member) {
            let still = Some(m.account_id) == leader_id || guide_ids.contains(&m.account_id);
            if !still {
                queries::set_role(&mut tx, group_id, m.account_id, GroupRole::Member, at).await?;
            }
        }
        if let Some(id) = leader_id {
            queries::set_role(&mut tx, group_id, id, GroupRole::Leader, at).await?;
        }
        for id in &guide_ids {
            queries::set_role(&mut tx, group_id, *id, GroupRole::Guide, at).await?;
        }
        platform::audit::record(
            &mut *tx,
            platform::audit::Entry {
                actor_id: organiser.id,
                action: if created {
                    platform::audit::AuditAction::GroupCreate
                } else {
                    platform::audit::AuditAction::GroupUpdate
                },
                target: &format!("group:{group_id}"),
                before: existing.as_ref().map(|g| g.summary.slug.as_str()),
                after: Some(&fields.slug),
                at,
            },
        )
        .await?;
        tx.commit().await?;
        leptos_axum::redirect(&format!("/groups/{}", fields.slug));
        Ok(if created {
            "读书群已创建"
        } else {
            "已保存"
        }
        .to_owned())
    })
    .await
}

// ---- the reading list ----

//! The audit log's writer: who did what to whom, when, with the value
//! before and after. Features write their organisers' actions here; the
//! admin console reads and filters the log (`admin::audit`).

crate::labelled_enum!(
    /// What an organiser did, as written in the audit log (`action`).
    AuditAction {
        AccountRole = "account.role", "更改角色";
        AccountDisable = "account.disable", "停用账号";
        AccountEnable = "account.enable", "恢复账号";
        AccountReset = "account.reset", "发出重设密码链接";
        GroupCreate = "group.create", "新建读书群";
        GroupUpdate = "group.update", "修改读书群";
        GroupRequest = "group.request", "处理入群申请";
        GroupList = "group.list", "修改群书目";
        LectureSave = "lecture.save", "保存讲座";
        BookCreate = "book.create", "添加图书";
        BookUpdate = "book.update", "修改图书";
        BookImport = "book.import", "导入图书";
        RecommendationReview = "recommendation.review", "审核荐书";
        LecturePublish = "lecture.publish", "发布讲座";
        LectureCancel = "lecture.cancel", "取消讲座";
        ReportForeword = "report.foreword", "修改年度报告前言";
    }
);

#[cfg(feature = "ssr")]
pub use ssr::*;

#[cfg(feature = "ssr")]
mod ssr {
    use super::AuditAction;
    use crate::db::Exec;

    pub struct Entry<'a> {
        pub actor_id: i64,
        pub action: AuditAction,
        pub target: &'a str,
        pub before: Option<&'a str>,
        pub after: Option<&'a str>,
        pub at: i64,
    }

    pub async fn record(e: impl Exec<'_>, entry: Entry<'_>) -> Result<(), sqlx::Error> {
        sqlx::query(
            "INSERT INTO audit_log (actor_id, action, target, before_value, after_value, at) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(entry.actor_id)
        .bind(entry.action.as_str())
        .bind(entry.target)
        .bind(entry.before)
        .bind(entry.after)
        .bind(entry.at)
        .execute(e)
        .await?;
        Ok(())
    }

    /// [`record`] for an action happening now.
    pub async fn note(
        e: impl Exec<'_>,
        actor_id: i64,
        action: AuditAction,
        target: &str,
        before: Option<&str>,
        after: &str,
    ) -> Result<(), sqlx::Error> {
        record(
            e,
            Entry {
                actor_id,
                action,
                target,
                before,
                after: Some(after),
                at: crate::request::now(),
            },
        )
        .await
    }
}

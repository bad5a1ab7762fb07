//! Who may do what in a group. Every server function of this feature asks
//! here; hiding a button is never the check.

use super::queries::{self, GroupKey, GroupRecord};
use super::readers;
use super::{GroupRole, GroupStatus, GroupVisibility, Seat};
use crate::accounts::{Role, SessionUser};
use platform::Db;
use platform::error::AppError;

/// A group together with the person asking and their part in it.
pub struct GroupAccess {
    pub group: GroupRecord,
    pub user: Option<SessionUser>,
    pub membership: Option<(GroupRole, Seat)>,
}

impl GroupAccess {
    /// Loads the group by its address, with the signed-in person (if any).
    pub async fn load(db: &Db, slug: &str, today: &str) -> Result<GroupAccess, AppError> {
        GroupAccess::with_caller(db, GroupKey::Slug(slug), today).await
    }

    /// Loads the group by its id, with the signed-in person (if any).
    pub async fn load_id(db: &Db, id: i64, today: &str) -> Result<GroupAccess, AppError> {
        GroupAccess::with_caller(db, GroupKey::Id(id), today).await
    }

    async fn with_caller(db: &Db, key: GroupKey<'_>, today: &str) -> Result<GroupAccess, AppError> {
        let user = crate::accounts::session::current_user().await?;
        let account_id = user.as_ref().map_or(0, |u| u.id);
        let (group, membership) = queries::with_membership(db.pool(), key, account_id, today)
            .await?
            .ok_or(AppError::NotFound)?;
        Ok(GroupAccess {
            group,
            user,
            membership,
        })
    }

    pub fn id(&self) -> i64 {
        self.group.summary.id
    }

    pub fn is_organiser(&self) -> bool {
        self.user.as_ref().is_some_and(SessionUser::is_organiser)
    }

    pub fn role(&self) -> Option<GroupRole> {
        self.membership.map(|(r, _)| r)
    }

    pub fn is_member(&self) -> bool {
        self.membership.is_some()
    }

    /// Leaders and organisers run the group: reading list, join requests.
    pub fn can_manage(&self) -> bool {
        self.is_organiser() || self.role() == Some(GroupRole::Leader)
    }

    /// Leaders, guides and organisers write guided readings.
    pub fn can_guide(&self) -> bool {
        self.can_manage() || self.role() == Some(GroupRole::Guide)
    }

    /// Who may read the discussion threads: the rule of [`readers`].
    pub fn can_read_threads(&self) -> bool {
        readers::may_read(
            self.group.summary.visibility,
            self.is_member(),
            self.is_organiser(),
        )
    }

    /// Whether only members (and organisers) read the discussion threads.
    pub fn threads_members_only(&self) -> bool {
        self.group.summary.visibility == GroupVisibility::Members
    }

    /// Members and organisers post in the threads (of a group still open).
    pub fn can_write_threads(&self) -> bool {
        self.is_member() || self.is_organiser()
    }

    /// Who may start a discussion thread now: members (of any role) and
    /// organisers, while the term is not over. A lecture's follow-up
    /// thread obeys this too ([`queries::open_for_threads`] lists them).
    pub fn may_start_threads(&self) -> bool {
        self.can_write_threads() && !self.is_closed()
    }

    /// Who may see the people of the group (members, their roles, join
    /// times, progress and streaks): the readers of its threads. Others see
    /// only its name, description and member count.
    pub fn can_see_people(&self) -> bool {
        self.can_read_threads()
    }

    pub fn is_closed(&self) -> bool {
        self.group.summary.status == GroupStatus::Ended
    }

    /// The signed-in person, or "please sign in".
    pub fn user(&self) -> Result<&SessionUser, AppError> {
        self.user.as_ref().ok_or(AppError::Unauthenticated)
    }

    /// Refuses unless the caller may manage the group.
    pub fn require_manager(&self) -> Result<&SessionUser, AppError> {
        let user = self.user()?;
        if self.can_manage() {
            Ok(user)
        } else {
            Err(AppError::Forbidden)
        }
    }

    /// Refuses unless the caller may write guided readings.
    pub fn require_guide(&self) -> Result<&SessionUser, AppError> {
        let user = self.user()?;
        if self.can_guide() {
            Ok(user)
        } else {
            Err(AppError::Forbidden)
        }
    }

    /// Refuses changes to a group whose term is over.
    pub fn require_open(&self) -> Result<(), AppError> {
        if self.is_closed() {
            Err(AppError::message("本群已结束，内容只能查看，不能再修改"))
        } else {
            Ok(())
        }
    }
}

/// The quota a person of this platform role counts against.
pub fn seat_for(role: Role) -> Seat {
    match role {
        Role::Member => Seat::Member,
        _ => Seat::Reader,
    }
}

//! Reading groups (读书群): the directory, a group's page, joining and
//! leaving under seat quotas, join requests, invitations, group roles, and
//! the group's reading list.

pub mod api;
pub mod pages;
pub mod reading_list;
pub mod validate;

#[cfg(feature = "ssr")]
pub mod access;
#[cfg(feature = "ssr")]
pub mod queries;
#[cfg(feature = "ssr")]
pub mod readers;

use serde::{Deserialize, Serialize};

platform::labelled_enum!(
    /// Which way an entry of the reading list moves; the label is its button.
    ListMove {
        Up = "up", "上移";
        Down = "down", "下移";
    }
);

platform::labelled_enum!(
    /// What sort of group it is.
    GroupKind {
        MemberGroup = "member_group", "委员读书群";
        ReaderGroup = "reader_group", "社会读者群";
        SectorHub = "sector_hub", "界别同心汇";
        MemberStudio = "member_studio", "委员工作室";
    }
);

platform::labelled_enum!(
    /// How people get in.
    JoinPolicy {
        Open = "open", "自由加入";
        Approval = "approval", "申请审核";
        Invitation = "invitation", "邀请加入";
    }
);

platform::labelled_enum!(
    /// Who may read the group's discussion threads.
    GroupVisibility {
        Public = "public", "所有人可见";
        Members = "members", "仅本群成员可见";
    }
);

platform::labelled_enum!(
    /// Someone's part in a group.
    GroupRole {
        Leader = "leader", "群主";
        Guide = "guide", "导读人";
        Member = "member", "成员";
    }
);

platform::labelled_enum!(
    /// The quota a member counts against. Leaders and guides are staff.
    Seat {
        Member = "member", "委员名额";
        Reader = "reader", "读者名额";
        Staff = "staff", "工作人员";
    }
);

platform::labelled_enum!(
    /// Where a group is in its term, derived from the dates.
    GroupStatus {
        Recruiting = "recruiting", "招募中";
        Active = "active", "进行中";
        Ended = "ended", "已结束";
    }
);

impl GroupStatus {
    /// From the term (`YYYY-MM-DD`, inclusive) and today's date.
    pub fn of_term(starts_on: &str, ends_on: &str, today: &str) -> GroupStatus {
        if today < starts_on {
            GroupStatus::Recruiting
        } else if today <= ends_on {
            GroupStatus::Active
        } else {
            GroupStatus::Ended
        }
    }
}

/// A group as the directory lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupSummary {
    pub id: i64,
    pub slug: String,
    pub name: String,
    pub theme: String,
    pub kind: GroupKind,
    pub sector: Option<String>,
    pub committee: String,
    pub starts_on: String,
    pub ends_on: String,
    pub join_policy: JoinPolicy,
    pub visibility: GroupVisibility,
    pub member_seats: i64,
    pub reader_seats: i64,
    pub member_taken: i64,
    pub reader_taken: i64,
    pub members: i64,
    pub status: GroupStatus,
}

impl GroupSummary {
    pub fn member_seats_left(&self) -> i64 {
        (self.member_seats - self.member_taken).max(0)
    }

    pub fn reader_seats_left(&self) -> i64 {
        (self.reader_seats - self.reader_taken).max(0)
    }
}

/// The editable fields of a group (what the organisers' form sends).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupFields {
    pub slug: String,
    pub name: String,
    pub theme: String,
    pub description_md: String,
    pub kind: GroupKind,
    pub sector_id: Option<i64>,
    pub committee: String,
    pub starts_on: String,
    pub ends_on: String,
    pub join_policy: JoinPolicy,
    pub visibility: GroupVisibility,
    pub member_seats: i64,
    pub reader_seats: i64,
}

/// A person in a group, as the group page shows them. No user name: those
/// sign in, and pages show display names.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupMember {
    pub account_id: i64,
    pub display_name: String,
    pub account_role: crate::accounts::Role,
    pub role: GroupRole,
    pub seat: Seat,
    pub joined_at: i64,
}

/// A pending request to join.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct JoinRequest {
    pub id: i64,
    pub account_id: i64,
    pub display_name: String,
    pub account_role: crate::accounts::Role,
    pub message: String,
    pub created_at: i64,
}

/// Directory filters (all optional).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupFilter {
    pub theme: Option<String>,
    pub kind: Option<GroupKind>,
    pub sector_id: Option<i64>,
    pub status: Option<GroupStatus>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_follows_the_term() {
        let s = |t| GroupStatus::of_term("2026-03-01", "2026-04-30", t);
        assert_eq!(s("2026-02-28"), GroupStatus::Recruiting);
        assert_eq!(s("2026-03-01"), GroupStatus::Active);
        assert_eq!(s("2026-04-30"), GroupStatus::Active);
        assert_eq!(s("2026-05-01"), GroupStatus::Ended);
    }

    #[test]
    fn enums_round_trip() {
        for k in GroupKind::ALL {
            assert_eq!(GroupKind::parse(k.as_str()), Some(*k));
        }
        assert_eq!(JoinPolicy::parse("approval").unwrap().label(), "申请审核");
        assert_eq!(GroupRole::parse("boss"), None);
    }
}

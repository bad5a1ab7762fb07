//! Who may read a group's discussion threads (and see its people): the one
//! rule, given both as a Rust answer for a group already loaded and as an
//! SQL condition for lists, so that pages, permalinks, search and the
//! checks before writing all agree (a test compares the two on both
//! database backends for every combination).
//!
//! Everyone reads a public group; a members-only group is read by its
//! members (of any role in it) and by organisers.

use super::GroupVisibility;

/// The rule for one group and one person (a visitor is no member and no
/// organiser).
pub fn may_read(visibility: GroupVisibility, is_member: bool, is_organiser: bool) -> bool {
    visibility == GroupVisibility::Public || is_member || is_organiser
}

/// The rule as an SQL condition on the `reading_group` row aliased `group`,
/// for the account whose id is the SQL expression `account` (0 for a
/// visitor, who is nobody's member) and `organiser`, an SQL expression
/// that is 1 for an organiser and 0 otherwise.
pub fn sql(group: &str, account: &str, organiser: &str) -> String {
    format!(
        "({group}.visibility = '{public}' OR {organiser} = 1 OR EXISTS \
         (SELECT 1 FROM group_member gm WHERE gm.group_id = {group}.id AND gm.account_id = {account}))",
        public = GroupVisibility::Public.as_str(),
    )
}

/// [`sql`] for an account id alone: whether it is an organiser's is read
/// from the database.
pub fn sql_for_account(group: &str, account: &str) -> String {
    sql(
        group,
        account,
        &format!(
            "(SELECT COUNT(*) FROM account o WHERE o.id = {account} AND o.role = 'organiser')"
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn public_groups_are_read_by_all_members_only_by_members_and_organisers() {
        use GroupVisibility::{Members, Public};
        for (member, organiser) in [(false, false), (true, false), (false, true), (true, true)] {
            assert!(may_read(Public, member, organiser));
            assert_eq!(may_read(Members, member, organiser), member || organiser);
        }
    }

    #[test]
    fn the_sql_names_the_given_alias_and_parameters() {
        let s = sql("g", "$1", "$2");
        assert!(s.starts_with("(g.visibility = 'public' OR $2 = 1"), "{s}");
        assert!(
            s.contains("gm.group_id = g.id AND gm.account_id = $1"),
            "{s}"
        );
    }
}

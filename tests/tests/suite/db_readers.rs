//! The group rule of `app::groups::readers` (who reads a group's threads):
//! its Rust answer and its SQL condition agree for every combination of
//! role, membership and visibility, on both backends.

use app::accounts::Role;
use app::groups::{GroupRole, GroupVisibility, readers};
use shuxiang_tests::{Backend, GroupSpec, TestDb, on_both_backends};

on_both_backends!(rust_and_sql_agree_on_who_reads_a_group);

async fn rust_and_sql_agree_on_who_reads_a_group(b: Backend) {
    let t = TestDb::new(b).await;
    let pool = t.db.pool();
    let groups = [
        (GroupVisibility::Public, t.group(GroupSpec::default()).await),
        (
            GroupVisibility::Members,
            t.group(GroupSpec {
                slug: "members-only",
                visibility: GroupVisibility::Members,
                ..GroupSpec::default()
            })
            .await,
        ),
    ];

    // (account id, is an organiser, is a member of both groups); 0 is a visitor.
    let mut people = vec![(0, false, false)];
    for (i, role) in [Role::Reader, Role::Member, Role::Lecturer, Role::Organiser]
        .into_iter()
        .enumerate()
    {
        for membership in [None, Some(GroupRole::Member), Some(GroupRole::Leader)] {
            let name = format!("p{i}{}", membership.map_or("none", |m| m.as_str()));
            let id = app::accounts::queries::insert(pool, &name, &name, "not-a-hash", role, 1)
                .await
                .expect("account");
            if let Some(group_role) = membership {
                for (_, group) in groups {
                    t.add_to_group(group, id, group_role).await;
                }
            }
            people.push((id, role == Role::Organiser, membership.is_some()));
        }
    }

    let with_flag = format!(
        "SELECT COUNT(*) FROM reading_group g WHERE g.id = $3 AND {}",
        readers::sql("g", "$1", "$2")
    );
    let mut readers_seen = 0;
    for (visibility, group) in groups {
        for &(account, organiser, member) in &people {
            let rust = readers::may_read(visibility, member, organiser);
            let by_account = app::threads::queries::may_read(
                pool,
                group,
                platform::Viewer::of((account != 0).then_some(account)),
            )
            .await
            .expect("may_read");
            let n: i64 = sqlx::query_scalar(&with_flag)
                .bind(account)
                .bind(i64::from(organiser))
                .bind(group)
                .fetch_one(pool)
                .await
                .expect("rule in SQL");
            let case = format!(
                "{visibility:?} group, account {account}, organiser {organiser}, member {member}"
            );
            assert_eq!(by_account, rust, "{case}: SQL by account id");
            assert_eq!(n == 1, rust, "{case}: SQL with the organiser flag");
            readers_seen += usize::from(rust);
        }
    }
    // Everyone reads the public group; of the members-only one, members and organisers.
    assert_eq!(readers_seen, people.len() + 4 * 2 + 1);
    t.drop_db().await;
}

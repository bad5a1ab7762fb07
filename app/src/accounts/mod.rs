//! Accounts: registration, sign-in and sign-out, the session user, roles.

pub mod api;
pub mod pages;
pub mod validate;

#[cfg(feature = "ssr")]
pub mod extract;
#[cfg(feature = "ssr")]
pub mod password;
#[cfg(feature = "ssr")]
pub mod queries;
#[cfg(feature = "ssr")]
pub mod session;

use serde::{Deserialize, Serialize};

/// A person's role on the platform (DESIGN.md, "Roles").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Reader,
    Member,
    Lecturer,
    Organiser,
}

impl Role {
    pub const ALL: [Role; 4] = [Role::Reader, Role::Member, Role::Lecturer, Role::Organiser];

    /// The value stored in the database and sent in forms.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Reader => "reader",
            Role::Member => "member",
            Role::Lecturer => "lecturer",
            Role::Organiser => "organiser",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == s)
    }

    /// The name people read.
    pub fn label(self) -> &'static str {
        match self {
            Role::Reader => "社会读者",
            Role::Member => "委员",
            Role::Lecturer => "主讲人",
            Role::Organiser => "管理员",
        }
    }
}

/// The signed-in person as pages see them. Deliberately carries no secret.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionUser {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub sector: Option<String>,
    pub joined_at: i64,
}

impl SessionUser {
    pub fn is_organiser(&self) -> bool {
        self.role == Role::Organiser
    }
}

/// One account as the organisers' list shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountSummary {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub sector: Option<String>,
    pub disabled: bool,
    pub created_at: i64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn role_strings_round_trip() {
        for r in Role::ALL {
            assert_eq!(Role::parse(r.as_str()), Some(r));
        }
        assert_eq!(Role::parse("admin"), None);
        assert_eq!(Role::parse(""), None);
    }
}

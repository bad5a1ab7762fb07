//! Organisers stop and restore accounts and give people a one-time link to
//! set a new password (for someone who forgot theirs: there is no e-mail,
//! the organiser passes the link on). Only a SHA-256 hash of a link's token
//! is stored; a link works once, for 24 hours, and setting the password
//! ends the account's other sessions. Every action is in the audit log
//! (never the token).

mod api;
pub use api::*;

/// How long a reset link works.
pub const RESET_VALID_SECS: i64 = 24 * 3600;

#[cfg(feature = "ssr")]
pub mod queries;

//! Server functions of the lecture hall, one module per use case. Who may
//! do what is decided here, on the server: lecturers create sessions and
//! edit their own; organisers publish, edit and cancel any; signed-in
//! people register and ask; the session's lecturer and organisers answer
//! and hide questions ([`guard`] holds the rules they share).

mod checkin;
mod editing;
#[cfg(feature = "ssr")]
mod guard;
mod listing;
mod page;
mod questions;
mod registration;

pub use checkin::*;
pub use editing::*;
#[cfg(feature = "ssr")]
pub use guard::may_edit;
pub use listing::*;
pub use page::*;
pub use questions::*;
pub use registration::*;

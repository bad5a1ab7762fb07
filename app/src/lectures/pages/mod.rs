//! Pages of the lecture hall: the listing, a session's watch page, the
//! session form, and the venues' check-in pages.

mod checkin;
mod form;
mod list;
mod live_client;
mod questions;
mod registration;
mod watch;

pub use checkin::{CheckinCodesPage, CheckinPage};
pub use form::{EditLecturePage, NewLecturePage};
pub use list::{LectureCards, LecturesPage};
pub use registration::MyRegistrations;
pub use watch::LecturePage;

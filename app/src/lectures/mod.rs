//! The lecture hall (政协大讲堂): sessions with their speaker, venues and
//! livestreams; registration with waiting lists; daily check-in codes for
//! the venues; the watch page with live audience figures and questions;
//! calendar (iCalendar) and feed (Atom) files.

pub mod api;
pub mod pages;
pub mod validate;

#[cfg(feature = "ssr")]
pub mod checkin;
#[cfg(feature = "ssr")]
pub mod feeds;
#[cfg(feature = "ssr")]
pub mod followup;
#[cfg(feature = "ssr")]
pub mod live;
#[cfg(feature = "ssr")]
pub mod queries;
#[cfg(feature = "ssr")]
pub mod routes;
#[cfg(feature = "ssr")]
pub mod viewer;

use serde::{Deserialize, Serialize};

platform::labelled_enum!(
    /// Where a session stands by decision; the time decides the rest.
    LectureState {
        Draft = "draft", "草稿";
        Published = "published", "已发布";
        Cancelled = "cancelled", "已取消";
    }
);

platform::labelled_enum!(
    /// What the lecturer or an organiser does to a question; the label is
    /// its button.
    QuestionMark {
        Answered = "answered", "标为已解答";
        Open = "open", "标为未解答";
        Hide = "hide", "隐藏";
        Show = "show", "恢复显示";
    }
);

platform::labelled_enum!(
    /// What a registration holds.
    RegistrationStatus {
        Confirmed = "confirmed", "已报名";
        Waiting = "waiting", "候补中";
        Cancelled = "cancelled", "已取消";
    }
);

/// Where a session is in time, as the listing shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Phase {
    Draft,
    Upcoming,
    Live,
    Ended,
    Cancelled,
}

impl Phase {
    pub fn of(state: LectureState, starts_at: i64, ends_at: i64, now: i64) -> Phase {
        match state {
            LectureState::Draft => Phase::Draft,
            LectureState::Cancelled => Phase::Cancelled,
            LectureState::Published if now < starts_at => Phase::Upcoming,
            LectureState::Published if now < ends_at => Phase::Live,
            LectureState::Published => Phase::Ended,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Phase::Draft => "草稿",
            Phase::Upcoming => "即将开始",
            Phase::Live => "直播中",
            Phase::Ended => "已结束",
            Phase::Cancelled => "已取消",
        }
    }

    pub fn class(self) -> &'static str {
        match self {
            Phase::Draft => "phase phase-draft",
            Phase::Upcoming => "phase phase-upcoming",
            Phase::Live => "phase phase-live",
            Phase::Ended => "phase phase-ended",
            Phase::Cancelled => "phase phase-cancelled",
        }
    }
}

/// A session as the listing shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LectureSummary {
    pub id: i64,
    pub slug: String,
    pub title: String,
    pub series: String,
    pub speaker: String,
    pub starts_at: i64,
    pub ends_at: i64,
    pub state: LectureState,
    pub phase: Phase,
    pub cover_id: Option<i64>,
    pub has_replay: bool,
    /// 主会场 name, for the listing.
    pub main_venue: Option<String>,
}

impl LectureSummary {
    pub fn path(&self) -> String {
        format!("/lectures/{}", self.slug)
    }
}

/// A venue with its seats.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VenueView {
    pub id: i64,
    /// 0: the main venue.
    pub position: i64,
    pub name: String,
    pub address: String,
    pub seats: i64,
    pub taken: i64,
    pub waiting: i64,
}

impl VenueView {
    pub fn is_main(&self) -> bool {
        self.position == 0
    }

    pub fn seats_left(&self) -> i64 {
        (self.seats - self.taken).max(0)
    }

    pub fn kind_label(&self) -> &'static str {
        if self.is_main() {
            "主会场"
        } else {
            "分会场"
        }
    }
}

/// How a livestream address is watched.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum StreamKind {
    /// An HLS playlist (`.m3u8`): played in the page.
    Hls,
    /// Anything else: a 去观看 button and a QR code for phones.
    Link,
}

impl StreamKind {
    pub fn of(url: &str) -> StreamKind {
        let path = url.split(['?', '#']).next().unwrap_or("");
        if path.to_ascii_lowercase().ends_with(".m3u8") {
            StreamKind::Hls
        } else {
            StreamKind::Link
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StreamLink {
    pub label: String,
    pub url: String,
    pub kind: StreamKind,
    /// The address as a QR code (SVG, rendered on the server), for `Link`s.
    pub qr_svg: Option<platform::SafeHtml>,
}

/// The audience of a session, each person counted once.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Audience {
    /// People (browsers or accounts) who opened the watch page.
    pub online: i64,
    /// People checked in at a venue.
    pub checked_in: i64,
    /// People with a registration that is not cancelled.
    pub registered: i64,
    /// Everyone in any of the three, once.
    pub total: i64,
}

/// A live question as everyone sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuestionView {
    pub id: i64,
    pub body: String,
    pub author: String,
    pub votes: i64,
    pub answered: bool,
    pub hidden: bool,
    pub created_at: i64,
}

/// What the live channel of a watch page carries.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LiveCounts {
    /// Watch pages open now, on every server.
    pub watching: i64,
    pub audience: Audience,
}

/// The signed-in person's registration.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MyRegistration {
    pub status: RegistrationStatus,
    /// `None`: online attendance.
    pub venue_id: Option<i64>,
    pub venue_name: String,
    /// Place in the waiting list (1 = next), when waiting.
    pub waiting_place: Option<i64>,
    pub checked_in: bool,
}

/// A registration as `/me` lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegistrationSummary {
    pub lecture: LectureSummary,
    pub status: RegistrationStatus,
    pub venue_name: String,
    pub waiting_place: Option<i64>,
    pub checked_in: bool,
}

/// The session form's fields, checked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LectureFields {
    pub slug: String,
    pub title: String,
    pub series: String,
    pub speaker: String,
    pub speaker_bio: String,
    pub abstract_md: String,
    pub starts_at: i64,
    pub ends_at: i64,
    pub venues: Vec<VenueFields>,
    pub streams: Vec<String>,
    pub replay_url: String,
    pub group_id: Option<i64>,
    pub book_id: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VenueFields {
    /// The venue being edited, or `None` for a new one.
    pub id: Option<i64>,
    pub name: String,
    pub address: String,
    pub seats: i64,
}

/// One venue row of the form, as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct VenueInput {
    #[serde(default)]
    pub id: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub address: String,
    #[serde(default)]
    pub seats: String,
}

/// Longest title, speaker name and series name, in characters.
pub const TITLE_MAX: usize = 80;
pub const SPEAKER_MAX: usize = 40;
pub const SERIES_MAX: usize = 40;
pub const BIO_MAX: usize = 2_000;
pub const ABSTRACT_MAX: usize = 20_000;
pub const VENUE_NAME_MAX: usize = 60;
pub const VENUE_ADDRESS_MAX: usize = 120;
pub const VENUE_SEATS_MAX: i64 = 100_000;
/// Venues per session (one main, the rest branches).
pub const VENUES_MAX: usize = 20;
/// Livestream links per session.
pub const STREAMS_MAX: usize = 5;
pub const URL_MAX: usize = 500;
/// Longest question, in characters.
pub const QUESTION_MAX: usize = 300;
/// Empty venue rows the form offers below the filled ones.
pub const SPARE_VENUE_ROWS: usize = 2;

//! The lecture hall (政协大讲堂). Under construction: so far the calendar
//! (iCalendar) and feed (Atom) writers its pages will serve.

pub mod feeds;

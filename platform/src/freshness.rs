//! The generation of what visitors see: a counter that every write which
//! can change a page (a post, an edit, a hide, a group's visibility or
//! membership…) moves on. The server's shared page cache keeps a page only
//! while the generation it was rendered under is still the current one.
//!
//! With PostgreSQL and several servers, a server that moved its generation
//! tells the others through the live hub's LISTEN/NOTIFY connection
//! (`lectures::live`), and a server whose connection dropped moves its own
//! generation on when it is back, since it may have missed news.

use std::sync::atomic::{AtomicU64, Ordering};

/// The NOTIFY channel on which servers say "my pages changed".
pub const CHANNEL: &str = "shuxiang_pages";

/// This server's page generation.
#[derive(Debug, Default)]
pub struct PageGeneration(AtomicU64);

impl PageGeneration {
    /// The current generation: a page rendered under it is fresh while it
    /// stays current. Read it before rendering, so a write that commits
    /// during the render makes the page stale.
    pub fn current(&self) -> u64 {
        self.0.load(Ordering::Acquire)
    }

    /// Makes every page rendered until now stale (on this server only; see
    /// `LiveHub::pages_changed` for all servers).
    pub fn advance(&self) {
        self.0.fetch_add(1, Ordering::AcqRel);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn advancing_makes_earlier_generations_stale() {
        let g = PageGeneration::default();
        let before = g.current();
        assert_eq!(g.current(), before, "reading changes nothing");
        g.advance();
        assert_ne!(g.current(), before);
    }
}

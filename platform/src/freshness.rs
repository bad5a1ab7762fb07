//! The generation of what visitors see: a counter that every write which
//! can change a page (a post, an edit, a hide, a group's visibility or
//! membership…) moves on. The server's shared page cache keeps a page only
//! while the generation it was rendered under is still the current one.
//!
//! With PostgreSQL and several servers, a server that moved its generation
//! tells the others on the [`Bus`], and a server whose connection dropped
//! moves its own generation on when it is back, since it may have missed
//! news. [`Pages`] is that service; writers and the page cache use it.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use crate::bus::{Bus, Heard};

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
    /// [`Pages::changed`] for all servers).
    pub fn advance(&self) {
        self.0.fetch_add(1, Ordering::AcqRel);
    }
}

/// The generation of visitors' pages, kept in step on every server.
pub struct Pages {
    generation: Arc<PageGeneration>,
    bus: Arc<Bus>,
}

impl Pages {
    /// Registers on `bus`: another server's change, or news that may have
    /// been missed, moves this server's generation on.
    pub fn new(bus: &Arc<Bus>) -> Arc<Pages> {
        let generation = Arc::new(PageGeneration::default());
        bus.on(CHANNEL, {
            let (generation, node) = (Arc::clone(&generation), bus.node().to_owned());
            move |heard| match heard {
                Heard::Note(from) if from == node => {}
                Heard::Note(_) | Heard::Missed => generation.advance(),
            }
        });
        Arc::new(Pages {
            generation,
            bus: Arc::clone(bus),
        })
    }

    /// See [`PageGeneration::current`].
    pub fn current(&self) -> u64 {
        self.generation.current()
    }

    /// Visitors' pages changed (a write committed): stale on this server at
    /// once, and on the others as soon as they hear it. Returns once the
    /// news is sent, so the writer's answer leaves after it.
    pub async fn changed(&self) {
        self.generation.advance();
        self.bus.send(CHANNEL, self.bus.node()).await;
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

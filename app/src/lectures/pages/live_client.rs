//! The browser end of a watch page's live channel: an `EventSource` on
//! `/lectures/{slug}/live` whose `counts` and `questions` events update the
//! page's signals. The browser reconnects by itself after a network error;
//! if it gives up (the server answered with an error), a new channel is
//! opened after a few seconds. Closed when the page goes away.
//!
//! Owned here rather than taken from `leptos-use` (`use_event_source`):
//! the browser's `EventSource` does the protocol, this module only wires
//! two events to signals, and the bundle every phone downloads stays free
//! of a general-purpose utility crate.

use leptos::prelude::*;

use crate::lectures::{LiveCounts, QuestionView};

/// What the page shows about the connection (only the browser changes it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
pub enum LinkState {
    Connecting,
    Open,
    Reconnecting,
}

/// The signals the live channel feeds.
#[derive(Clone, Copy)]
pub struct LiveSignals {
    pub counts: RwSignal<Option<LiveCounts>>,
    pub questions: RwSignal<Option<Vec<QuestionView>>>,
    pub link: RwSignal<LinkState>,
}

impl LiveSignals {
    pub fn new() -> LiveSignals {
        LiveSignals {
            counts: RwSignal::new(None),
            questions: RwSignal::new(None),
            link: RwSignal::new(LinkState::Connecting),
        }
    }
}

/// Opens the live channel of a session once the page runs in the browser,
/// and closes it when the page is left.
pub fn connect(slug: String, live: LiveSignals) {
    #[cfg(feature = "hydrate")]
    {
        let id = browser::open(slug, live);
        on_cleanup(move || browser::close(id));
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = (slug, live);
    }
}

#[cfg(feature = "hydrate")]
mod browser {
    use std::cell::RefCell;

    use leptos::prelude::*;
    use wasm_bindgen::JsCast;
    use wasm_bindgen::prelude::Closure;
    use web_sys::{EventSource, MessageEvent};

    use super::{LinkState, LiveSignals};

    thread_local! {
        /// The open channels by id: one per watch page in view, so a list.
        static OPEN: RefCell<Vec<(u32, EventSource)>> = const { RefCell::new(Vec::new()) };
        static NEXT: RefCell<u32> = const { RefCell::new(0) };
    }

    pub fn open(slug: String, live: LiveSignals) -> u32 {
        let id = NEXT.with(|n| {
            let mut n = n.borrow_mut();
            *n += 1;
            *n
        });
        start(id, slug, live);
        id
    }

    pub fn close(id: u32) {
        if let Some(es) = take(id) {
            es.close();
        }
    }

    fn start(id: u32, slug: String, live: LiveSignals) {
        let url = format!("/lectures/{}/live", crate::ui::pager::encode(&slug));
        let Ok(es) = EventSource::new(&url) else {
            return;
        };
        // The closures live as long as the page: they are small, and once
        // the source is closed nothing calls them.
        let on_counts = Closure::<dyn FnMut(MessageEvent)>::new(move |e: MessageEvent| {
            if let Some(text) = e.data().as_string()
                && let Ok(c) = serde_json::from_str(&text)
            {
                live.counts.set(Some(c));
                live.link.set(LinkState::Open);
            }
        });
        let on_questions = Closure::<dyn FnMut(MessageEvent)>::new(move |e: MessageEvent| {
            if let Some(text) = e.data().as_string()
                && let Ok(q) = serde_json::from_str(&text)
            {
                live.questions.set(Some(q));
            }
        });
        let on_open = Closure::<dyn FnMut()>::new(move || live.link.set(LinkState::Open));
        let retry_slug = slug.clone();
        let on_error = Closure::<dyn FnMut()>::new(move || {
            live.link.set(LinkState::Reconnecting);
            let closed = OPEN.with(|o| {
                o.borrow()
                    .iter()
                    .any(|(k, es)| *k == id && es.ready_state() == EventSource::CLOSED)
            });
            if closed {
                // The browser gave up: try again in a moment, unless the
                // page was left meanwhile.
                let slug = retry_slug.clone();
                set_timeout(
                    move || {
                        if take(id).is_some() {
                            start(id, slug, live);
                        }
                    },
                    std::time::Duration::from_secs(3),
                );
            }
        });
        let _ = es.add_event_listener_with_callback("counts", on_counts.as_ref().unchecked_ref());
        let _ =
            es.add_event_listener_with_callback("questions", on_questions.as_ref().unchecked_ref());
        es.set_onopen(Some(on_open.as_ref().unchecked_ref()));
        es.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        on_counts.forget();
        on_questions.forget();
        on_open.forget();
        on_error.forget();
        OPEN.with(|o| o.borrow_mut().push((id, es)));
    }

    /// Takes a channel out of the list (to close or reopen it).
    fn take(id: u32) -> Option<EventSource> {
        OPEN.with(|o| {
            let mut open = o.borrow_mut();
            let at = open.iter().position(|(k, _)| *k == id)?;
            Some(open.swap_remove(at).1)
        })
    }
}

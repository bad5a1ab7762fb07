//! 书香 — the Leptos application of the 书香政协 reading platform.
//!
//! Compiled twice: with `ssr` into the server, with `hydrate` into the
//! WebAssembly bundle. Organised by feature; each feature folder holds its
//! shared types, server functions, queries (`ssr` only) and pages. What
//! knows no feature (errors, time, safe HTML, the server plumbing) is the
//! `platform` crate; see ARCHITECTURE.md.

#![recursion_limit = "256"]

pub mod accounts;
pub mod admin;
pub mod app;
pub mod books;
#[cfg(feature = "ssr")]
pub mod features;
pub mod groups;
pub mod home;
pub mod layout;
pub mod lectures;
pub mod notes;
pub mod notifications;
pub mod progress;
pub mod search;
pub mod site;
pub mod stats;
pub mod threads;
pub mod ui;

pub use app::{App, shell};

#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    // Only the islands run in the browser; the pages stay server-rendered.
    leptos::mount::hydrate_islands();
    // End-to-end tests wait for this mark before they click.
    if let Some(root) = leptos::prelude::document().document_element() {
        let _ = root.set_attribute("data-hydrated", "");
    }
}

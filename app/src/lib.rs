//! 书香 — the Leptos application of the 书香政协 reading platform.
//!
//! Compiled twice: with `ssr` into the server, with `hydrate` into the
//! WebAssembly bundle. Organised by feature; each feature folder holds its
//! shared types, server functions, queries (`ssr` only) and pages.

#![recursion_limit = "256"]

pub mod accounts;
pub mod admin;
pub mod app;
pub mod error;
pub mod home;
pub mod layout;
#[cfg(feature = "ssr")]
pub mod server;
pub mod site;
pub mod ui;

pub use app::{App, shell};

#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_body(App);
}

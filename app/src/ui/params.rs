//! Route parameters as the pages use them.

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

/// The route's `{id}` as a number; 0 when it is missing or not a number
/// (no row has id 0, so the page answers "not found").
pub fn id_param() -> Memo<i64> {
    let params = use_params_map();
    Memo::new(move |_| {
        params
            .with(|p| p.get("id"))
            .and_then(|s| s.parse::<i64>().ok())
            .unwrap_or(0)
    })
}

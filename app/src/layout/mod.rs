//! The page frame: header with navigation, the demo notice, the font-size
//! switch, the footer, and the error pages (404, 403, 500).

mod errors;
pub mod font;
mod header;

use leptos::prelude::*;
use leptos_router::hooks::use_location;

pub use errors::{ErrorPage, Forbidden, NotFound};
pub use font::FontSize;

use crate::accounts::SessionUser;
use crate::site::{ShellInfo, SiteInfo, load_shell};
use platform::error::AppError;

/// The frame's data, shared by every component on the page.
#[derive(Clone, Copy)]
pub struct ShellState {
    pub info: Resource<Result<ShellInfo, AppError>>,
    version: RwSignal<u64>,
}

impl ShellState {
    /// Loads the frame's data, again on every navigation and whenever
    /// someone signs in or out.
    fn provide() -> ShellState {
        let location = use_location();
        let version = RwSignal::new(0u64);
        let info = Resource::new(
            move || (location.pathname.get(), version.get()),
            |_| load_shell(),
        );
        let state = ShellState { info, version };
        provide_context(state);
        state
    }

    /// Reloads who is signed in (after signing in or out).
    pub fn refresh(&self) {
        self.version.update(|v| *v += 1);
    }

    pub fn user(&self) -> Option<SessionUser> {
        self.info.get().and_then(Result::ok).and_then(|i| i.user)
    }

    pub fn unread_notifications(&self) -> i64 {
        self.info
            .get()
            .and_then(Result::ok)
            .map_or(0, |i| i.unread_notifications)
    }

    pub fn site(&self) -> Option<SiteInfo> {
        self.info.get().and_then(Result::ok).map(|i| i.site)
    }
}

#[component]
pub fn Layout(children: Children) -> impl IntoView {
    ShellState::provide();
    view! {
        <a class="skip-link" href="#main">"跳到正文"</a>
        <header::Header/>
        <main id="main" class="container main">{children()}</main>
        <Footer/>
    }
}

#[component]
fn Footer() -> impl IntoView {
    let shell = expect_context::<ShellState>();
    view! {
        <footer class="site-footer">
            <div class="container">
                <Transition fallback=|| ()>
                    {move || shell.site().map(|s| view! {
                        <p class="footer-brand">{s.brand.clone()}
                            {(!s.committee.is_empty()).then(|| format!(" · {}", s.committee))}
                        </p>
                        <p class="footer-slogan">{s.slogan.clone()}</p>
                    })}
                </Transition>
                <p class="footer-small">"书香 · 开源的政协读书学习平台 · 时间均为北京时间"</p>
            </div>
        </footer>
    }
}

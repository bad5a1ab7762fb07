//! Group pages: the directory, a group's page, the organisers' form and the
//! leader's management page.

mod detail;
mod directory;
mod form;
mod manage;

pub use detail::GroupPage;
pub use directory::GroupsPage;
pub use form::{EditGroupPage, NewGroupPage};
pub use manage::ManageGroupPage;

use leptos::prelude::*;

use super::{GroupStatus, GroupSummary};
use platform::time::day_text_zh;

/// Seats left, as people read it.
pub fn seats_text(g: &GroupSummary) -> String {
    let mut parts = Vec::new();
    if g.member_seats > 0 {
        parts.push(format!(
            "委员名额剩余 {}/{}",
            g.member_seats_left(),
            g.member_seats
        ));
    }
    if g.reader_seats > 0 {
        parts.push(format!(
            "读者名额剩余 {}/{}",
            g.reader_seats_left(),
            g.reader_seats
        ));
    }
    parts.join(" · ")
}

pub fn term_text(g: &GroupSummary) -> String {
    format!(
        "{} 至 {}",
        day_text_zh(&g.starts_on),
        day_text_zh(&g.ends_on)
    )
}

/// A status badge: 招募中 / 进行中 / 已结束.
#[component]
pub fn StatusBadge(status: GroupStatus) -> impl IntoView {
    view! { <span class=format!("badge status-{}", status.as_str())>{status.label()}</span> }
}

/// Group cards for lists (directory, home page, a book's groups).
#[component]
pub fn GroupCards(groups: Vec<GroupSummary>, #[prop(into)] empty: String) -> impl IntoView {
    if groups.is_empty() {
        return view! { <p class="empty">{empty}</p> }.into_any();
    }
    view! {
        <ul class="group-grid">
            {groups.into_iter().map(|g| view! {
                <li class="group-card">
                    <p class="group-card-top">
                        <StatusBadge status=g.status/>
                        <span class="tag">{g.kind.label()}</span>
                        {g.sector.clone().map(|s| view! { <span class="tag">{s}</span> })}
                    </p>
                    <h3><a href=format!("/groups/{}", g.slug)>{g.name.clone()}</a></h3>
                    {(!g.theme.is_empty()).then(|| view! { <p class="group-theme">{format!("主题：{}", g.theme)}</p> })}
                    <p class="muted small">{term_text(&g)}</p>
                    <p class="muted small">{format!("{} 人 · {}", g.members, seats_text(&g))}</p>
                </li>
            }).collect_view()}
        </ul>
    }
    .into_any()
}

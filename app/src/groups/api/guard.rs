pub use crate::accounts::Role;
pub use crate::accounts::session::{current_user, require_role};
pub use crate::groups::access::{GroupAccess, seat_for};
pub use crate::groups::queries::{self, SeatOutcome};
pub use crate::groups::{GroupRole, JoinPolicy, Seat};
pub use platform::error::FormErrors;
pub use platform::{ctx, now, respond, today_string};

pub async fn load(slug: &str) -> Result<GroupAccess, platform::error::AppError> {
    GroupAccess::load(&ctx()?.db, slug, &today_string()).await
}

/// "名额已满" for the quota someone would take.
pub fn full_message(seat: Seat) -> String {
    match seat {
        Seat::Member => "委员名额已满，无法加入".to_owned(),
        _ => "读者名额已满，无法加入".to_owned(),
    }
}

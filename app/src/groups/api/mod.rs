//! Server functions of reading groups, one module per use case. Each loads
//! the group with the caller (`GroupAccess`) and checks rights there before
//! changing anything ([`guard`] holds what they share).

mod directory;
mod editing;
#[cfg(feature = "ssr")]
mod guard;
mod membership;
mod page;
mod reading_list;

pub use directory::*;
pub use editing::*;
pub use membership::*;
pub use page::*;
pub use reading_list::*;

//! The account pages: /login, /register, /me.

mod login;
mod me;
mod password;
mod register;

pub use login::LoginPage;
pub use me::MePage;
pub use register::RegisterPage;

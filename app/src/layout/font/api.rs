//! Server function of the font switch.

#[cfg_attr(not(feature = "ssr"), allow(unused_imports))]
use super::*;

use leptos::prelude::*;
use platform::error::AppError;

/// The no-script path of the switch: sets the cookie, then the framework
/// sends the browser back to the page it came from.
#[server(prefix = "/api", endpoint = "font-size")]
pub async fn set_font_size(size: String) -> Result<(), AppError> {
    platform::respond(async move {
        let size = FontSize::parse(&size).ok_or(AppError::BadRequest)?;
        platform::append_response_header(http::header::SET_COOKIE, size.set_cookie_value());
        platform::redirect_back();
        Ok(())
    })
    .await
}

//! The one error type of every server function.
//!
//! Each variant is something the person in front of the page can act on, in
//! Chinese. `Internal` carries no detail on purpose: the cause is logged on the
//! server where it happened (see `AppError::internal`) and never sent.

use serde::{Deserialize, Serialize};
use server_fn::codec::JsonEncoding;
use server_fn::error::{FromServerFnError, ServerFnErrorErr};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    #[error("请先登录")]
    Unauthenticated,
    #[error("没有权限执行此操作")]
    Forbidden,
    #[error("未找到该内容")]
    NotFound,
    /// Bad input: per-field messages plus what was typed (never a password),
    /// so a form rendered after a plain POST can show both.
    #[error("{}", .0.summary())]
    Invalid(FormErrors),
    /// Throttled: the message says how long to wait.
    #[error("{0}")]
    TooManyRequests(String),
    /// The request could not even be read (malformed form, missing field).
    #[error("请求格式不正确，请刷新页面后重试")]
    BadRequest,
    /// The browser could not reach the server.
    #[error("网络连接失败，请检查网络后重试")]
    Network,
    #[error("服务器出错了，请稍后再试")]
    Internal,
}

impl AppError {
    /// A whole-form message with no field attached.
    pub fn message(msg: impl Into<String>) -> Self {
        AppError::Invalid(FormErrors {
            message: Some(msg.into()),
            ..FormErrors::default()
        })
    }

    pub fn form(&self) -> Option<&FormErrors> {
        match self {
            AppError::Invalid(f) => Some(f),
            _ => None,
        }
    }

    /// The HTTP status this error is answered with.
    pub fn status(&self) -> u16 {
        match self {
            AppError::Unauthenticated => 401,
            AppError::Forbidden => 403,
            AppError::NotFound => 404,
            AppError::Invalid(_) => 422,
            AppError::TooManyRequests(_) => 429,
            AppError::BadRequest => 400,
            AppError::Network => 503,
            AppError::Internal => 500,
        }
    }
}

/// Field errors of one submitted form, and the values to put back.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FormErrors {
    pub message: Option<String>,
    pub fields: Vec<(String, String)>,
    pub values: Vec<(String, String)>,
}

impl FormErrors {
    pub fn is_empty(&self) -> bool {
        self.message.is_none() && self.fields.is_empty()
    }

    pub fn add(&mut self, field: &str, msg: impl Into<String>) {
        if self.field(field).is_none() {
            self.fields.push((field.to_owned(), msg.into()));
        }
    }

    /// Remembers a submitted value so the form can show it again.
    pub fn keep(mut self, field: &str, value: &str) -> Self {
        self.values.push((field.to_owned(), value.to_owned()));
        self
    }

    pub fn field(&self, field: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|(f, _)| f == field)
            .map(|(_, m)| m.as_str())
    }

    pub fn value(&self, field: &str) -> Option<&str> {
        self.values
            .iter()
            .find(|(f, _)| f == field)
            .map(|(_, v)| v.as_str())
    }

    fn summary(&self) -> String {
        self.message
            .clone()
            .unwrap_or_else(|| "请检查填写的内容".to_owned())
    }

    /// `Ok` when nothing was added, otherwise the error to return.
    pub fn into_result(self) -> Result<(), AppError> {
        if self.is_empty() {
            Ok(())
        } else {
            Err(AppError::Invalid(self))
        }
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            ServerFnErrorErr::Request(_) => AppError::Network,
            ServerFnErrorErr::Args(_)
            | ServerFnErrorErr::MissingArg(_)
            | ServerFnErrorErr::Deserialization(_)
            | ServerFnErrorErr::UnsupportedRequestMethod(_) => {
                #[cfg(feature = "ssr")]
                crate::request::set_status(400);
                AppError::BadRequest
            }
            other => {
                #[cfg(feature = "ssr")]
                tracing::error!(error = %other, "server function failure");
                #[cfg(not(feature = "ssr"))]
                leptos::logging::error!("server function failure: {other}");
                AppError::Internal
            }
        }
    }
}

#[cfg(feature = "ssr")]
impl AppError {
    /// Logs the cause here, on the server, and returns the detail-free error.
    #[track_caller]
    pub fn internal(cause: impl std::fmt::Display) -> Self {
        let at = std::panic::Location::caller();
        tracing::error!(error = %cause, at = %at, "internal error");
        AppError::Internal
    }
}

/// Plain axum handlers answer with the same errors as server functions:
/// the status of [`AppError::status`] and its Chinese message as text.
#[cfg(feature = "ssr")]
impl axum::response::IntoResponse for AppError {
    fn into_response(self) -> axum::response::Response {
        let status = http::StatusCode::from_u16(self.status())
            .unwrap_or(http::StatusCode::INTERNAL_SERVER_ERROR);
        (
            status,
            [
                (http::header::CONTENT_TYPE, "text/plain; charset=utf-8"),
                (http::header::CACHE_CONTROL, "no-store"),
            ],
            self.to_string(),
        )
            .into_response()
    }
}

#[cfg(feature = "ssr")]
impl From<sqlx::Error> for AppError {
    #[track_caller]
    fn from(e: sqlx::Error) -> Self {
        AppError::internal(e)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn form_errors_keep_first_message_per_field() {
        let mut f = FormErrors::default();
        f.add("username", "first");
        f.add("username", "second");
        assert_eq!(f.field("username"), Some("first"));
        assert!(f.into_result().is_err());
    }

    #[test]
    fn error_round_trips_through_the_wire_encoding() {
        let e = AppError::Invalid(
            FormErrors {
                message: None,
                fields: vec![("username".into(), "用户名已被占用".into())],
                values: vec![],
            }
            .keep("username", "zhang"),
        );
        let back = AppError::de(e.ser());
        assert_eq!(back, e);
        assert_eq!(back.form().unwrap().value("username"), Some("zhang"));
    }

    #[test]
    fn statuses_are_what_clients_expect() {
        assert_eq!(AppError::Forbidden.status(), 403);
        assert_eq!(AppError::Unauthenticated.status(), 401);
        assert_eq!(AppError::TooManyRequests("x".into()).status(), 429);
    }

    #[cfg(feature = "ssr")]
    #[test]
    fn plain_handlers_get_the_status_and_the_chinese_message() {
        use axum::response::IntoResponse;
        let res = AppError::Forbidden.into_response();
        assert_eq!(res.status(), 403);
        assert_eq!(
            res.headers()[http::header::CONTENT_TYPE],
            "text/plain; charset=utf-8"
        );
        let res = AppError::TooManyRequests("请 3 分钟后再试".into()).into_response();
        assert_eq!(res.status(), 429);
        assert_eq!(
            AppError::internal("disk full").into_response().status(),
            500
        );
    }
}

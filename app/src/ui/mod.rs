//! Small building blocks shared by pages: form fields, notices, dates.

pub mod form;
pub mod time;

pub use form::{FormAlert, SubmitButton, TextField};

//! Small building blocks shared by pages: form fields, notices, dates.

pub mod form;
pub mod like;
pub mod pager;
pub mod params;

pub use form::{FormAlert, Notice, SelectField, SubmitButton, TextArea, TextField};
pub use pager::Pager;

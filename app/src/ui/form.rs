//! Form fields that show their error next to them and keep what was typed.

use leptos::prelude::*;

use crate::error::AppError;

/// The field error of the last submission of a form, if any.
pub fn field_error<T, S>(value: S, field: &'static str) -> Signal<Option<String>>
where
    S: With<Value = Option<Result<T, AppError>>> + Copy + Send + Sync + 'static,
{
    Signal::derive(move || {
        value.with(|v| match v {
            Some(Err(e)) => e.form().and_then(|f| f.field(field)).map(str::to_owned),
            _ => None,
        })
    })
}

/// The value typed into `field` at the last failed submission, if kept.
pub fn kept_value<T, S>(value: S, field: &'static str) -> Signal<Option<String>>
where
    S: With<Value = Option<Result<T, AppError>>> + Copy + Send + Sync + 'static,
{
    Signal::derive(move || {
        value.with(|v| match v {
            Some(Err(e)) => e.form().and_then(|f| f.value(field)).map(str::to_owned),
            _ => None,
        })
    })
}

/// The whole-form message of the last submission: a form-level message, or
/// any error that is not about one field.
pub fn form_error<T, S>(value: S) -> Signal<Option<String>>
where
    S: With<Value = Option<Result<T, AppError>>> + Copy + Send + Sync + 'static,
{
    Signal::derive(move || {
        value.with(|v| match v {
            Some(Err(AppError::Invalid(f))) => f.message.clone(),
            Some(Err(e)) => Some(e.to_string()),
            _ => None,
        })
    })
}

/// A labelled input with its error and hint underneath.
#[component]
pub fn TextField(
    #[prop(into)] label: String,
    /// Form field name, which is also the server function argument.
    name: &'static str,
    /// `text` unless given; reactive so a password can be shown.
    #[prop(optional, into)]
    input_type: Option<Signal<&'static str>>,
    #[prop(into)] error: Signal<Option<String>>,
    /// The value to show initially (e.g. what was typed before an error).
    #[prop(optional, into)]
    value: Signal<Option<String>>,
    #[prop(optional)] autocomplete: Option<&'static str>,
    #[prop(optional, into)] hint: Option<String>,
    /// Called with the current text on every keystroke (after hydration).
    #[prop(optional, into)]
    on_input: Option<Callback<String>>,
) -> impl IntoView {
    let input_type = input_type.unwrap_or_else(|| Signal::stored("text"));
    let id = format!("field-{name}");
    let error_id = format!("{id}-error");
    let hint_id = format!("{id}-hint");
    let has_hint = hint.is_some();
    let described = {
        let (error_id, hint_id) = (error_id.clone(), hint_id.clone());
        move || {
            let mut ids = Vec::new();
            if error.with(Option::is_some) {
                ids.push(error_id.clone());
            }
            if has_hint {
                ids.push(hint_id.clone());
            }
            (!ids.is_empty()).then(|| ids.join(" "))
        }
    };
    let input = view! {
        <input
            id=id.clone()
            name=name
            type=move || input_type.get()
            value=move || value.get()
            autocomplete=autocomplete
            aria-required="true"
            aria-invalid=move || error.with(Option::is_some).then_some("true")
            aria-describedby=described
            on:input:target=move |ev| {
                if let Some(cb) = on_input {
                    cb.run(ev.target().value());
                }
            }
        />
    };
    view! {
        <div class="field" class:field-invalid=move || error.with(Option::is_some)>
            <label for=id>{label}</label>
            {input}
            <p class="field-error" id=error_id role="alert" hidden=move || error.with(Option::is_none)>
                {move || error.get()}
            </p>
            {hint.map(|h| view! { <p class="field-hint" id=hint_id>{h}</p> })}
        </div>
    }
}

/// The whole-form error, announced to screen readers.
#[component]
pub fn FormAlert(#[prop(into)] message: Signal<Option<String>>) -> impl IntoView {
    view! {
        <div class="form-alert" role="alert" hidden=move || message.with(Option::is_none)>
            {move || message.get()}
        </div>
    }
}

/// A submit button that says it is working while the request is in flight.
#[component]
pub fn SubmitButton(
    #[prop(into)] label: String,
    #[prop(into)] busy_label: String,
    #[prop(into)] pending: Signal<bool>,
) -> impl IntoView {
    view! {
        <button type="submit" class="button primary" disabled=move || pending.get() aria-busy=move || pending.get().then_some("true")>
            {move || if pending.get() { busy_label.clone() } else { label.clone() }}
        </button>
    }
}

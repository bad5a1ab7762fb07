//! Form fields that show their error next to them and keep what was typed.

use leptos::prelude::*;

use platform::error::AppError;

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

/// `kept_value` for a field whose name is built at run time (rows of a form).
pub fn kept_value_named<T, S>(value: S, field: String) -> Signal<Option<String>>
where
    S: With<Value = Option<Result<T, AppError>>> + Copy + Send + Sync + 'static,
{
    Signal::derive(move || {
        value.with(|v| match v {
            Some(Err(e)) => e.form().and_then(|f| f.value(&field)).map(str::to_owned),
            _ => None,
        })
    })
}

/// The value returned by the last successful submission, as a message.
pub fn success_message<S>(value: S) -> Signal<Option<String>>
where
    S: With<Value = Option<Result<String, AppError>>> + Copy + Send + Sync + 'static,
{
    Signal::derive(move || value.with(|v| v.as_ref().and_then(|r| r.as_ref().ok().cloned())))
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

/// Ids and ARIA wiring shared by every kind of field.
#[derive(Clone)]
struct FieldIds {
    id: String,
    error_id: String,
    hint_id: String,
}

impl FieldIds {
    fn new(name: &str) -> FieldIds {
        let id = format!("field-{name}");
        FieldIds {
            error_id: format!("{id}-error"),
            hint_id: format!("{id}-hint"),
            id,
        }
    }

    /// `aria-describedby`: the error when shown, then the hint.
    fn described_by(
        &self,
        error: Signal<Option<String>>,
        has_hint: bool,
    ) -> impl Fn() -> Option<String> + Send + Sync + 'static {
        let (error_id, hint_id) = (self.error_id.clone(), self.hint_id.clone());
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
    }
}

/// The label, error and hint around a control.
#[component]
fn FieldShell(
    ids: FieldIds,
    label: String,
    error: Signal<Option<String>>,
    hint: Option<String>,
    children: Children,
) -> impl IntoView {
    view! {
        <div class="field" class:field-invalid=move || error.with(Option::is_some)>
            <label for=ids.id.clone()>{label}</label>
            {children()}
            <p class="field-error" id=ids.error_id.clone() role="alert" hidden=move || error.with(Option::is_none)>
                {move || error.get()}
            </p>
            {hint.map(|h| view! { <p class="field-hint" id=ids.hint_id.clone()>{h}</p> })}
        </div>
    }
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
    /// Not every field is required; required ones say so to screen readers.
    #[prop(default = true)]
    required: bool,
    /// Called with the current text on every keystroke (after hydration).
    #[prop(optional, into)]
    on_input: Option<Callback<String>>,
) -> impl IntoView {
    let input_type = input_type.unwrap_or_else(|| Signal::stored("text"));
    let ids = FieldIds::new(name);
    let described = ids.described_by(error, hint.is_some());
    view! {
        <FieldShell ids=ids.clone() label error hint>
            <input
                id=ids.id.clone()
                name=name
                type=move || input_type.get()
                value=move || value.get()
                autocomplete=autocomplete
                aria-required=required.then_some("true")
                aria-invalid=move || error.with(Option::is_some).then_some("true")
                aria-describedby=described
                on:input:target=move |ev| {
                    if let Some(cb) = on_input {
                        cb.run(ev.target().value());
                    }
                }
            />
        </FieldShell>
    }
}

/// A labelled multi-line text box (Markdown sources, reasons, summaries).
#[component]
pub fn TextArea(
    #[prop(into)] label: String,
    name: &'static str,
    #[prop(into)] error: Signal<Option<String>>,
    #[prop(optional, into)] value: Signal<Option<String>>,
    #[prop(optional, into)] hint: Option<String>,
    #[prop(default = 6)] rows: u32,
    #[prop(default = false)] required: bool,
) -> impl IntoView {
    let ids = FieldIds::new(name);
    let described = ids.described_by(error, hint.is_some());
    view! {
        <FieldShell ids=ids.clone() label error hint>
            <textarea
                id=ids.id.clone()
                name=name
                rows=rows
                aria-required=required.then_some("true")
                aria-invalid=move || error.with(Option::is_some).then_some("true")
                aria-describedby=described
                prop:value=move || value.get().unwrap_or_default()
            >
                {move || value.get().unwrap_or_default()}
            </textarea>
        </FieldShell>
    }
}

/// A labelled drop-down of (value, label) options.
#[component]
pub fn SelectField(
    #[prop(into)] label: String,
    name: &'static str,
    options: Vec<(String, String)>,
    #[prop(into)] error: Signal<Option<String>>,
    /// The selected value.
    #[prop(optional, into)]
    value: Signal<Option<String>>,
    #[prop(optional, into)] hint: Option<String>,
) -> impl IntoView {
    let ids = FieldIds::new(name);
    let described = ids.described_by(error, hint.is_some());
    view! {
        <FieldShell ids=ids.clone() label error hint>
            <select
                id=ids.id.clone()
                name=name
                aria-invalid=move || error.with(Option::is_some).then_some("true")
                aria-describedby=described
            >
                {options
                    .into_iter()
                    .map(|(v, l)| {
                        let selected = {
                            let v = v.clone();
                            move || value.with(|s| s.as_deref() == Some(v.as_str()))
                        };
                        view! { <option value=v selected=selected>{l}</option> }
                    })
                    .collect_view()}
            </select>
        </FieldShell>
    }
}

/// A success message after a form went through.
#[component]
pub fn Notice(#[prop(into)] message: Signal<Option<String>>) -> impl IntoView {
    view! {
        <div role="status" aria-live="polite">
            {move || message.get().map(|m| view! { <p class="notice">{m}</p> })}
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

/// A submit button that says it is working while the request is in flight
/// (in an island through `pending`; elsewhere `layout/forms.js` shows
/// `data-busy`).
#[component]
pub fn SubmitButton(
    #[prop(into)] label: String,
    #[prop(into)] busy_label: String,
    #[prop(into)] pending: Signal<bool>,
) -> impl IntoView {
    let busy = busy_label.clone();
    view! {
        <button type="submit" class="button primary" data-busy=busy
            disabled=move || pending.get() aria-busy=move || pending.get().then_some("true")>
            {move || if pending.get() { busy_label.clone() } else { label.clone() }}
        </button>
    }
}

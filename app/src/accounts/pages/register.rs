use leptos::prelude::*;
use leptos_meta::Title;

use crate::accounts::api::Register;
use crate::accounts::validate::{
    DISPLAY_NAME_MAX, DisplayName, PASSWORD_MIN, USERNAME_MAX, USERNAME_MIN, Username,
    check_new_password,
};
use crate::ui::form::{field_error, form_error, kept_value};
use crate::ui::{FormAlert, SubmitButton, TextField};
use platform::error::AppError;

/// A field's message: the live check while the person types (after
/// hydration), else what the server said about the last submission.
fn live_or_server(
    live: RwSignal<Option<Option<String>>>,
    server: Signal<Option<String>>,
) -> Signal<Option<String>> {
    Signal::derive(move || match live.get() {
        Some(checked) => checked,
        None => server.get(),
    })
}

#[component]
pub fn RegisterPage() -> impl IntoView {
    let action = platform::flash::action::<Register>();
    let value = action.value();
    let server_error = move |field| field_error(value, field).get_untracked();
    view! {
        <Title text="注册"/>
        <section class="auth-card">
            <h1>"注册"</h1>
            <p class="lead">"注册成为社会读者；委员身份由管理员确认后设置。"</p>
            <ActionForm action attr:class="form" attr:novalidate=true>
                <FormAlert message=Signal::derive(move || {
                    // Field errors speak for themselves; only say more when needed.
                    match value.get() {
                        Some(Err(AppError::Invalid(f))) if !f.fields.is_empty() => Some("请按提示修改后再提交".to_owned()),
                        _ => form_error(value).get(),
                    }
                })/>
                <RegisterFields
                    username_error=server_error("username")
                    display_name_error=server_error("display_name")
                    password_error=server_error("password")
                    confirm_error=server_error("password_confirm")
                    username=kept_value(value, "username").get_untracked()
                    display_name=kept_value(value, "display_name").get_untracked()
                />
                <SubmitButton label="注册" busy_label="正在注册…" pending=action.pending()/>
            </ActionForm>
            <p class="auth-switch">"已有账号？" <a href="/login">"直接登录"</a></p>
        </section>
    }
}

/// The fields of the form, an island: each is checked as it is typed, and
/// the passwords can be shown. The server's messages about the last
/// submission and what was typed come in as props.
#[island]
fn RegisterFields(
    username_error: Option<String>,
    display_name_error: Option<String>,
    password_error: Option<String>,
    confirm_error: Option<String>,
    username: Option<String>,
    display_name: Option<String>,
) -> impl IntoView {
    // `None`: not typed into since the page was shown.
    let live_password = RwSignal::new(None::<Option<String>>);
    let live_confirm = RwSignal::new(None::<Option<String>>);
    let password_text = RwSignal::new(String::new());
    let confirm_text = RwSignal::new(String::new());
    let show_password = RwSignal::new(false);

    let check_confirm = move || {
        let (p, c) = (password_text.get_untracked(), confirm_text.get_untracked());
        live_confirm.set(Some(
            (!c.is_empty() && p != c).then(|| "两次输入的密码不一致".to_owned()),
        ));
    };
    let password_type = move || {
        if show_password.get() {
            "text"
        } else {
            "password"
        }
    };

    view! {
        <CheckedField
            label="用户名"
            name="username"
            autocomplete="username"
            hint=format!("{USERNAME_MIN}–{USERNAME_MAX} 个字符：英文字母、数字或下划线，以字母开头；登录时使用")
            server_error=username_error
            value=username
            check=|v| Username::parse(v).err()
        />
        <CheckedField
            label="显示名称"
            name="display_name"
            autocomplete="nickname"
            hint=format!("其他读者看到的名字，可以用中文，最多 {DISPLAY_NAME_MAX} 个字")
            server_error=display_name_error
            value=display_name
            check=|v| DisplayName::parse(v).err()
        />
        <div class="password-pair">
            <TextField
                label="密码"
                name="password"
                input_type=Signal::derive(password_type)
                error=live_or_server(live_password, Signal::stored(password_error))
                hint=format!("至少 {PASSWORD_MIN} 个字符")
                autocomplete="new-password"
                on_input=Callback::new(move |v: String| {
                    live_password.set(Some(check_new_password(&v).err()));
                    password_text.set(v);
                    if !confirm_text.get_untracked().is_empty() {
                        check_confirm();
                    }
                })
            />
            <TextField
                label="确认密码"
                name="password_confirm"
                input_type=Signal::derive(password_type)
                error=live_or_server(live_confirm, Signal::stored(confirm_error))
                hint="再输入一次密码"
                autocomplete="new-password"
                on_input=Callback::new(move |v: String| {
                    confirm_text.set(v);
                    check_confirm();
                })
            />
            <button
                type="button"
                class="button link"
                aria-pressed=move || if show_password.get() { "true" } else { "false" }
                on:click=move |_| show_password.update(|s| *s = !*s)
            >
                {move || if show_password.get() { "隐藏密码" } else { "显示密码" }}
            </button>
        </div>
    }
}

/// A text field of the island checked by `check` as it is typed.
#[component]
fn CheckedField(
    label: &'static str,
    name: &'static str,
    autocomplete: &'static str,
    hint: String,
    server_error: Option<String>,
    value: Option<String>,
    check: fn(&str) -> Option<String>,
) -> impl IntoView {
    let live = RwSignal::new(None::<Option<String>>);
    view! {
        <TextField
            label
            name
            error=live_or_server(live, Signal::stored(server_error))
            value=Signal::stored(value)
            autocomplete
            hint
            on_input=Callback::new(move |v: String| live.set(Some(check(&v))))
        />
    }
}

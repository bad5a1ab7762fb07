//! Changing one's own password, on /me. Works without WebAssembly too.

use leptos::prelude::*;

use crate::accounts::api::ChangePassword;
use crate::ui::form::{field_error, form_error, success_message};
use crate::ui::{FormAlert, Notice, SubmitButton, TextField};

#[component]
pub fn ChangePasswordForm() -> impl IntoView {
    let action = platform::flash::action::<ChangePassword>();
    let value = action.value();
    view! {
        <section class="panel" aria-labelledby="change-password">
            <h2 id="change-password">"修改密码"</h2>
            <p class="muted">"修改后，其他手机和电脑上的登录会全部退出。"</p>
            <ActionForm action attr:class="form" attr:novalidate=true>
                <Notice message=success_message(value)/>
                <FormAlert message=form_error(value)/>
                <TextField label="现在的密码" name="current" input_type=Signal::stored("password")
                    error=field_error(value, "current") autocomplete="current-password"/>
                <TextField label="新密码" name="password" input_type=Signal::stored("password")
                    error=field_error(value, "password") autocomplete="new-password"/>
                <TextField label="再输入一次新密码" name="confirm" input_type=Signal::stored("password")
                    error=field_error(value, "confirm") autocomplete="new-password"/>
                <SubmitButton label="修改密码" busy_label="正在保存…" pending=action.pending()/>
            </ActionForm>
        </section>
    }
}

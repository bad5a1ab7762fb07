//! `/reset/{token}`: setting a new password with a one-time link from an
//! organiser.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use super::access::{ResetPassword, check_reset_link};
use crate::ui::form::{field_error, form_error};
use crate::ui::{FormAlert, SubmitButton, TextField};

#[component]
pub fn ResetPasswordPage() -> impl IntoView {
    let params = use_params_map();
    let token = Memo::new(move |_| params.with(|p| p.get("token")).unwrap_or_default());
    let target = Resource::new(move || token.get(), check_reset_link);
    let action = platform::flash::action::<ResetPassword>();
    let value = action.value();
    view! {
        <Title text="设置新密码"/>
        <section class="auth-card">
            <h1>"设置新密码"</h1>
            <Transition fallback=|| view! { <p class="loading">"正在检查链接…"</p> }>
                {move || target.get().map(|r| match r {
                    Err(e) => view! { <p class="form-alert" role="alert">{e.to_string()}</p> }.into_any(),
                    Ok(_) if matches!(value.get(), Some(Ok(()))) => view! {
                        <p role="status">"新密码已设置。"</p>
                        <p><a class="button primary" href="/login">"去登录"</a></p>
                    }.into_any(),
                    Ok(name) => view! {
                        <p class="lead">{format!("为 {name} 设置新密码。这个链接只能使用一次，24 小时内有效。")}</p>
                        <ActionForm action attr:class="form" attr:novalidate=true>
                            <FormAlert message=form_error(value)/>
                            <input type="hidden" name="token" value=token.get_untracked()/>
                            <TextField label="新密码" name="password" input_type=Signal::stored("password")
                                error=field_error(value, "password") autocomplete="new-password"/>
                            <TextField label="再输入一次" name="confirm" input_type=Signal::stored("password")
                                error=field_error(value, "confirm") autocomplete="new-password"/>
                            <SubmitButton label="保存新密码" busy_label="正在保存…" pending=action.pending()/>
                        </ActionForm>
                    }.into_any(),
                })}
            </Transition>
        </section>
    }
}

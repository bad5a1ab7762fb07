use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::accounts::api::Login;
use crate::layout::ShellState;
use crate::ui::form::{field_error, form_error, kept_value};
use crate::ui::{FormAlert, SubmitButton, TextField};

#[component]
pub fn LoginPage() -> impl IntoView {
    let action = platform::flash::action::<Login>();
    let value = action.value();
    let query = use_query_map();
    let next = move || query.with(|q| q.get("next")).unwrap_or_default();
    let shell = expect_context::<ShellState>();
    Effect::new(move |_| {
        if matches!(value.get(), Some(Ok(()))) {
            shell.refresh();
        }
    });

    view! {
        <Title text="登录"/>
        <section class="auth-card">
            <h1>"登录"</h1>
            <p class="lead">"登录后可以加入读书群、打卡、写读书心得、报名讲座。"</p>
            <ActionForm action attr:class="form" attr:novalidate=true>
                <FormAlert message=form_error(value)/>
                <input type="hidden" name="next" value=next/>
                <TextField
                    label="用户名"
                    name="username"
                    error=field_error(value, "username")
                    value=kept_value(value, "username")
                    autocomplete="username"
                />
                <TextField
                    label="密码"
                    name="password"
                    input_type=Signal::stored("password")
                    error=field_error(value, "password")
                    autocomplete="current-password"
                />
                <SubmitButton label="登录" busy_label="正在登录…" pending=action.pending()/>
            </ActionForm>
            <p class="auth-switch">"还没有账号？" <a href="/register">"注册新账号"</a></p>
        </section>
    }
}

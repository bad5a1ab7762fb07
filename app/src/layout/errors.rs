//! Error pages in Chinese, with the right HTTP status on first render.

use leptos::prelude::*;
use leptos_meta::Title;

fn set_status(_code: u16) {
    #[cfg(feature = "ssr")]
    if let (Some(res), Ok(status)) = (
        use_context::<leptos_axum::ResponseOptions>(),
        http::StatusCode::from_u16(_code),
    ) {
        res.set_status(status);
    }
}

#[component]
pub fn ErrorPage(
    code: u16,
    #[prop(into)] title: String,
    #[prop(into)] message: String,
    #[prop(optional)] children: Option<Children>,
) -> impl IntoView {
    set_status(code);
    view! {
        <Title text=title.clone()/>
        <section class="error-page">
            <p class="error-code" aria-hidden="true">{code}</p>
            <h1>{title}</h1>
            <p>{message}</p>
            {children.map(|c| c())}
            <p class="error-actions">
                <a class="button primary" href="/">"返回首页"</a>
            </p>
        </section>
    }
}

#[component]
pub fn NotFound() -> impl IntoView {
    view! {
        <ErrorPage code=404 title="页面不存在" message="找不到这个页面：地址可能有误，或内容已被删除。"/>
    }
}

#[component]
pub fn Forbidden() -> impl IntoView {
    view! {
        <ErrorPage code=403 title="没有权限" message="这个页面只对管理员开放。如需帮助，请联系本平台管理员。"/>
    }
}

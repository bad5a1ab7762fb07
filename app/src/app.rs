//! The document shell and the route table.

use leptos::prelude::*;
use leptos_meta::{HashedStylesheet, Html, Meta, MetaTags, Title, provide_meta_context};
use leptos_router::components::{Route, Router, Routes};
use leptos_router::{SsrMode, path};

use crate::accounts::pages::{LoginPage, MePage, RegisterPage};
use crate::admin::pages::{AuditLogPage, RecordPage, RecordsPage};
use crate::admin::reset_page::ResetPasswordPage;
use crate::admin::{AdminPage, users::UsersPage};
use crate::books::pages::{
    BookPage, BooksPage, EditBookPage, ImportPage, NewBookPage, RecommendationQueuePage,
    RecommendedPage,
};
use crate::groups::pages::{EditGroupPage, GroupPage, GroupsPage, ManageGroupPage, NewGroupPage};
use crate::home::HomePage;
use crate::layout::{ErrorPage, FontSize, Layout, NotFound};
use crate::lectures::pages::{
    CheckinCodesPage, CheckinPage, EditLecturePage, LecturePage, LecturesPage, NewLecturePage,
};
use crate::notes::pages::{BookNotesPage, GroupNotesPage};
use crate::notifications::page::NotificationsPage;
use crate::search::page::SearchPage;
use crate::stats::page::StatsPage;
use crate::stats::report::ReportPage;
use crate::threads::pages::{ModerationPage, PostHistoryPage, ThreadListPage, ThreadPage};

pub fn shell(options: LeptosOptions) -> impl IntoView {
    view! {
        <!DOCTYPE html>
        <html lang="zh-CN">
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <meta name="theme-color" content="#9b1c1c"/>
                <link rel="icon" type="image/svg+xml" href="/favicon.svg"/>
                <AutoReload options=options.clone()/>
                <HydrationScripts options=options.clone() islands=true/>
                <FormScript/>
                <HashedStylesheet options id="leptos"/>
                <MetaTags/>
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}

/// Sends the site's forms without a reload (`layout/forms.js`): the page the
/// form's redirect leads to replaces the body. Inline, with the page's nonce.
#[component]
fn FormScript() -> impl IntoView {
    let nonce = leptos::nonce::use_nonce();
    view! { <script nonce=nonce>{include_str!("layout/forms.js")}</script> }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    let font = RwSignal::new(FontSize::from_request());
    provide_context(font);

    view! {
        <Html {..} class=move || font.get().class()/>
        <Title formatter=|page: String| {
            if page.is_empty() { "书香政协".to_owned() } else { format!("{page} · 书香政协") }
        }/>
        <Meta name="description" content="书香政协读书学习平台：读书群、书目、打卡、读书心得、讨论和政协大讲堂。"/>
        <Router>
            <Layout>
                <ErrorBoundary fallback=|_errors| view! {
                    <ErrorPage code=500 title="出错了" message="页面加载时出了问题，请稍后刷新重试。"/>
                }>
                    <Routes fallback=NotFound>
                        <Route path=path!("/") view=HomePage ssr=SsrMode::Async/>
                        <Route path=path!("/login") view=LoginPage ssr=SsrMode::Async/>
                        <Route path=path!("/register") view=RegisterPage ssr=SsrMode::Async/>
                        <Route path=path!("/reset/:token") view=ResetPasswordPage ssr=SsrMode::Async/>
                        <Route path=path!("/me") view=MePage ssr=SsrMode::Async/>
                        <Route path=path!("/me/notifications") view=NotificationsPage ssr=SsrMode::Async/>
                        <Route path=path!("/admin/moderation") view=ModerationPage ssr=SsrMode::Async/>
                        <Route path=path!("/admin") view=AdminPage ssr=SsrMode::Async/>
                        <Route path=path!("/admin/users") view=UsersPage ssr=SsrMode::Async/>
                        <Route path=path!("/admin/stats") view=StatsPage ssr=SsrMode::Async/>
                        <Route path=path!("/admin/audit") view=AuditLogPage ssr=SsrMode::Async/>
                        <Route path=path!("/admin/records") view=RecordsPage ssr=SsrMode::Async/>
                        <Route path=path!("/admin/records/:id") view=RecordPage ssr=SsrMode::Async/>
                        <Route path=path!("/report/:year") view=ReportPage ssr=SsrMode::Async/>
                        <Route path=path!("/admin/recommendations") view=RecommendationQueuePage ssr=SsrMode::Async/>
                        <Route path=path!("/search") view=SearchPage ssr=SsrMode::Async/>
                        <Route path=path!("/groups") view=GroupsPage ssr=SsrMode::Async/>
                        <Route path=path!("/groups/new") view=NewGroupPage ssr=SsrMode::Async/>
                        <Route path=path!("/groups/:slug") view=GroupPage ssr=SsrMode::Async/>
                        <Route path=path!("/groups/:slug/edit") view=EditGroupPage ssr=SsrMode::Async/>
                        <Route path=path!("/groups/:slug/notes") view=GroupNotesPage ssr=SsrMode::Async/>
                        <Route path=path!("/groups/:slug/manage") view=ManageGroupPage ssr=SsrMode::Async/>
                        <Route path=path!("/groups/:slug/threads") view=ThreadListPage ssr=SsrMode::Async/>
                        <Route path=path!("/groups/:slug/threads/:id") view=ThreadPage ssr=SsrMode::Async/>
                        <Route path=path!("/posts/:id/history") view=PostHistoryPage ssr=SsrMode::Async/>
                        <Route path=path!("/books") view=BooksPage ssr=SsrMode::Async/>
                        <Route path=path!("/books/new") view=NewBookPage ssr=SsrMode::Async/>
                        <Route path=path!("/books/recommended") view=RecommendedPage ssr=SsrMode::Async/>
                        <Route path=path!("/books/import") view=ImportPage ssr=SsrMode::Async/>
                        <Route path=path!("/books/:id") view=BookPage ssr=SsrMode::Async/>
                        <Route path=path!("/books/:id/edit") view=EditBookPage ssr=SsrMode::Async/>
                        <Route path=path!("/books/:id/notes") view=BookNotesPage ssr=SsrMode::Async/>
                        <Route path=path!("/lectures") view=LecturesPage ssr=SsrMode::Async/>
                        <Route path=path!("/lectures/new") view=NewLecturePage ssr=SsrMode::Async/>
                        <Route path=path!("/lectures/:slug") view=LecturePage ssr=SsrMode::Async/>
                        <Route path=path!("/lectures/:slug/edit") view=EditLecturePage ssr=SsrMode::Async/>
                        <Route path=path!("/lectures/:slug/checkin") view=CheckinPage ssr=SsrMode::Async/>
                        <Route path=path!("/lectures/:slug/codes") view=CheckinCodesPage ssr=SsrMode::Async/>
                    </Routes>
                </ErrorBoundary>
            </Layout>
        </Router>
    }
}

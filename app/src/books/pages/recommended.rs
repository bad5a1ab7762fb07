use leptos::prelude::*;
use leptos_meta::Title;

use super::Cover;
use crate::admin::OrganisersOnly;
use crate::books::api::{ReviewRecommendation, pending_recommendations, recommended_books};
use crate::books::{BookFields, BookSummary, Recommendation};
use crate::ui::form::{form_error, success_message};
use crate::ui::{FormAlert, Notice};
use platform::time::date_zh;

fn book_of(r: &Recommendation) -> BookSummary {
    BookSummary {
        id: r.book_id,
        fields: BookFields {
            title: r.title.clone(),
            author: r.author.clone(),
            publisher: String::new(),
            year: None,
            isbn: None,
            pages: None,
            summary: String::new(),
        },
        cover_id: r.cover_id,
    }
}

/// The public recommended list, by quarter.
#[component]
pub fn RecommendedPage() -> impl IntoView {
    let list = Resource::new(|| (), |_| recommended_books());
    view! {
        <Title text="推荐书目"/>
        <h1>"推荐书目"</h1>
        <p class="lead">"委员推荐、管理员审核通过的好书，按季度排列。"</p>
        <Transition fallback=|| view! { <p class="loading">"正在加载…"</p> }>
            {move || list.get().map(|r| match r {
                Err(e) => view! { <p class="form-alert" role="alert">{e.to_string()}</p> }.into_any(),
                Ok(q) if q.is_empty() => view! { <p class="empty">"还没有推荐书目。"</p> }.into_any(),
                Ok(quarters) => quarters.into_iter().map(|q| view! {
                    <section class="panel">
                        <h2>{q.label}</h2>
                        <ul class="rec-list">
                            {q.recommendations.into_iter().map(|r| view! {
                                <li class="rec">
                                    <Cover book=book_of(&r)/>
                                    <div>
                                        <h3><a href=format!("/books/{}", r.book_id)>{format!("《{}》", r.title)}</a></h3>
                                        <p class="muted">{r.author.clone()}</p>
                                        <blockquote class="reason">{r.reason.clone()}</blockquote>
                                        <p class="muted small">{format!("推荐人：{}", r.recommender)}</p>
                                    </div>
                                </li>
                            }).collect_view()}
                        </ul>
                    </section>
                }).collect_view().into_any(),
            })}
        </Transition>
    }
}

/// The organisers' queue of recommendations awaiting review.
#[component]
pub fn RecommendationQueuePage() -> impl IntoView {
    let review = platform::flash::action::<ReviewRecommendation>();
    let queue = Resource::new(
        move || review.version().get(),
        |_| pending_recommendations(),
    );
    let value = review.value();
    view! {
        <Title text="荐书审核"/>
        <OrganisersOnly>
            <h1>"荐书审核"</h1>
            <FormAlert message=form_error(value)/>
            <Notice message=success_message(value)/>
            <Transition fallback=|| view! { <p class="loading">"正在加载…"</p> }>
                {move || queue.get().map(|r| match r {
                    Err(e) => view! { <p class="form-alert" role="alert">{e.to_string()}</p> }.into_any(),
                    Ok(q) if q.is_empty() => view! { <p class="empty">"没有待审核的推荐。"</p> }.into_any(),
                    Ok(q) => view! {
                        <ul class="rec-list">
                            {q.into_iter().map(|r| {
                                let comment_id = format!("comment-{}", r.id);
                                view! {
                                    <li class="rec panel">
                                        <Cover book=book_of(&r)/>
                                        <div>
                                            <h2><a href=format!("/books/{}", r.book_id)>{format!("《{}》", r.title)}</a></h2>
                                            <p class="muted">{format!("{} 推荐于 {}", r.recommender, date_zh(r.created_at))}</p>
                                            <blockquote class="reason">{r.reason.clone()}</blockquote>
                                            <ActionForm action=review attr:class="form review-form">
                                                <input type="hidden" name="id" value=r.id/>
                                                <div class="field">
                                                    <label for=comment_id.clone()>"审核意见（可选）"</label>
                                                    <input id=comment_id type="text" name="comment"/>
                                                </div>
                                                <div class="button-row">
                                                    <button type="submit" name="decision" value="approve" class="button primary">"通过"</button>
                                                    <button type="submit" name="decision" value="decline" class="button">"不通过"</button>
                                                </div>
                                            </ActionForm>
                                        </div>
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                    }.into_any(),
                })}
            </Transition>
        </OrganisersOnly>
    }
}

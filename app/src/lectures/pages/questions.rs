//! The live questions of a watch page: ask, upvote, and (for the lecturer
//! and organisers) mark answered or hide; the list re-orders live.

use leptos::prelude::*;

use super::live_client::LiveSignals;
use crate::lectures::api::{AskQuestion, MarkQuestion, VoteOutcome, VoteQuestion};
use crate::lectures::{QUESTION_MAX, QuestionMark, QuestionView};
use crate::ui::form::{field_error, form_error, kept_value};
use crate::ui::{FormAlert, SubmitButton};

#[derive(Clone, Copy)]
pub struct QuestionActions {
    pub ask: ServerAction<AskQuestion>,
    pub vote: ServerAction<VoteQuestion>,
    pub mark: ServerAction<MarkQuestion>,
}

impl QuestionActions {
    pub fn new() -> QuestionActions {
        QuestionActions {
            ask: platform::flash::action(),
            vote: platform::flash::action(),
            mark: platform::flash::action(),
        }
    }
}

#[component]
pub fn Questions(
    slug: String,
    /// The questions as the server rendered them.
    initial: Vec<QuestionView>,
    my_votes: RwSignal<Vec<i64>>,
    signed_in: bool,
    can_moderate: bool,
    can_ask: bool,
    live: LiveSignals,
    actions: QuestionActions,
) -> impl IntoView {
    let initial = StoredValue::new(initial);
    // The live list replaces the rendered one; moderators keep seeing
    // hidden ones from the rendered list until the page reloads.
    let list = Signal::derive(move || match live.questions.get() {
        Some(q) => q,
        None => initial.get_value(),
    });
    let ask_value = actions.ask.value();
    let body = RwSignal::new(String::new());
    Effect::new(move |_| {
        if matches!(ask_value.get(), Some(Ok(_))) {
            body.set(String::new());
        }
    });
    Effect::new(move |_| {
        if let Some(Ok(())) = actions.mark.value().get() {
            // Nothing to do: the live channel brings the new list.
        }
    });
    // The answer names the question: the action's input is already gone
    // by the time its value arrives.
    Effect::new(move |_| {
        if let Some(Ok(VoteOutcome { question_id, voted })) = actions.vote.value().get() {
            my_votes.update(|v| {
                v.retain(|x| *x != question_id);
                if voted {
                    v.push(question_id);
                }
            });
        }
    });
    let login = format!("/login?next=/lectures/{slug}");
    view! {
        <section class="panel questions" aria-labelledby="questions-title">
            <h2 id="questions-title">"现场提问"</h2>
            {if !signed_in {
                view! { <p class="muted">"登录后可以提问和为问题点赞。" <a href=login>"登录"</a></p> }.into_any()
            } else if can_ask {
                view! {
                    <ActionForm action=actions.ask attr:class="form question-form" attr:novalidate=true>
                        <input type="hidden" name="slug" value=slug.clone()/>
                        <label for="question-body">"你的问题"</label>
                        <textarea id="question-body" name="body" rows="2" maxlength=QUESTION_MAX.to_string()
                            aria-describedby="question-hint"
                            aria-invalid=move || field_error(ask_value, "body").get().is_some().then_some("true")
                            prop:value=move || kept_value(ask_value, "body").get().unwrap_or_else(|| body.get())
                            on:input=move |e| body.set(event_target_value(&e))></textarea>
                        <p id="question-hint" class="field-hint">{format!("最多 {QUESTION_MAX} 字。其他观众可以为问题点赞，点赞多的排在前面。")}</p>
                        {move || field_error(ask_value, "body").get().map(|m| view! { <p class="field-error" role="alert">{m}</p> })}
                        <FormAlert message=Signal::derive(move || {
                            field_error(ask_value, "body").get().is_none().then(|| form_error(ask_value).get()).flatten()
                        })/>
                        <SubmitButton label="提问" busy_label="正在提交…" pending=actions.ask.pending()/>
                    </ActionForm>
                }.into_any()
            } else {
                view! { <p class="muted">"这场讲座现在不能提问。"</p> }.into_any()
            }}
            <p class="muted small" aria-live="polite">{move || {
                let n = list.with(|l| l.iter().filter(|q| !q.hidden).count());
                format!("共 {n} 个问题，按点赞数排序，已解答的排在后面。")
            }}</p>
            <ol class="question-list">
                <For each=move || list.get() key=|q| (q.id, q.votes, q.answered, q.hidden) let:q>
                    <QuestionRow q my_votes signed_in can_moderate actions/>
                </For>
            </ol>
        </section>
    }
}

#[component]
fn QuestionRow(
    q: QuestionView,
    my_votes: RwSignal<Vec<i64>>,
    signed_in: bool,
    can_moderate: bool,
    actions: QuestionActions,
) -> impl IntoView {
    let id = q.id;
    let voted = Signal::derive(move || my_votes.with(|v| v.contains(&id)));
    let mark_form = move |mark: QuestionMark| {
        view! {
            <ActionForm action=actions.mark attr:class="inline-form">
                <input type="hidden" name="question_id" value=id.to_string()/>
                <input type="hidden" name="action" value=mark.as_str()/>
                <button type="submit" class="button small">{mark.label()}</button>
            </ActionForm>
        }
    };
    view! {
        <li class="question" class:question-answered=q.answered class:question-hidden=q.hidden id=format!("q{id}")>
            <p class="question-body">{q.body.clone()}</p>
            <p class="muted small">
                {q.author.clone()}
                {q.answered.then(|| view! { " " <span class="badge">"已解答"</span> })}
                {q.hidden.then(|| view! { " " <span class="badge locked">"已隐藏"</span> })}
            </p>
            <div class="question-actions">
                {if signed_in {
                    view! {
                        <ActionForm action=actions.vote attr:class="inline-form">
                            <input type="hidden" name="question_id" value=id.to_string()/>
                            <button type="submit" class="button small vote" aria-pressed=move || voted.get().to_string()>
                                {move || if voted.get() { "已赞同" } else { "赞同" }}
                                " " <span class="vote-count">{q.votes}</span>
                                <span class="visually-hidden">" 人赞同"</span>
                            </button>
                        </ActionForm>
                    }.into_any()
                } else {
                    view! { <span class="muted small">{format!("{} 人赞同", q.votes)}</span> }.into_any()
                }}
                {can_moderate.then(|| view! {
                    {if q.answered { mark_form(QuestionMark::Open) } else { mark_form(QuestionMark::Answered) }}
                    {if q.hidden { mark_form(QuestionMark::Show) } else { mark_form(QuestionMark::Hide) }}
                })}
            </div>
        </li>
    }
}

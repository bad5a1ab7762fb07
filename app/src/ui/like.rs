//! The like button shared by posts and notes: a form that posts without
//! WebAssembly, and, where it runs in the browser, a count that follows
//! the answer in place.

use leptos::prelude::*;

/// The state a like button shows, started from the page's figures.
#[derive(Clone, Copy)]
pub struct Likes {
    pub count: RwSignal<i64>,
    pub liked: RwSignal<bool>,
}

impl Likes {
    /// Follows the answers of `value` (the new count after a like or an
    /// unlike).
    pub fn follow<E>(
        count: i64,
        liked: bool,
        value: impl Get<Value = Option<Result<i64, E>>> + Send + Sync + 'static,
    ) -> Self {
        let likes = Likes {
            count: RwSignal::new(count),
            liked: RwSignal::new(liked),
        };
        Effect::new(move |_| {
            if let Some(Ok(n)) = value.get() {
                likes.count.set(n);
                likes.liked.update(|l| *l = !*l);
            }
        });
        likes
    }
}

/// The fields and the button inside a like form.
#[component]
pub fn LikeFields(id: i64, likes: Likes) -> impl IntoView {
    let Likes { count, liked } = likes;
    view! {
        <input type="hidden" name="id" value=id/>
        <input type="hidden" name="like" value=move || if liked.get() { "0" } else { "1" }/>
        <button type="submit" class="button small like" aria-pressed=move || liked.get().to_string()>
            {move || if liked.get() { "已赞" } else { "赞" }} " " {move || count.get()}
        </button>
    }
}

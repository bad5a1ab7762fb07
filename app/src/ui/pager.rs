//! Page links (`?page=N`) that keep the other query parameters.

use leptos::prelude::*;

/// What stays as it is in a query value or a path segment: RFC 3986's
/// unreserved characters.
const UNRESERVED: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

/// Percent-encodes a query value (or a path segment).
pub fn encode(s: &str) -> String {
    percent_encoding::utf8_percent_encode(s, UNRESERVED).to_string()
}

/// `base?k=v&…&page=N`, skipping empty values.
pub fn page_href(base: &str, query: &[(String, String)], page: i64) -> String {
    let mut href = format!("{base}?");
    for (k, v) in query.iter().filter(|(_, v)| !v.is_empty()) {
        href.push_str(&format!("{k}={}&", encode(v)));
    }
    href.push_str(&format!("page={page}"));
    href
}

#[component]
pub fn Pager(
    page: i64,
    total: i64,
    per_page: i64,
    base: String,
    query: Vec<(String, String)>,
) -> impl IntoView {
    let pages = ((total + per_page - 1) / per_page).max(1);
    if pages <= 1 {
        return ().into_any();
    }
    view! {
        <nav class="pager" aria-label="分页">
            {(page > 2).then(|| view! { <a href=page_href(&base, &query, 1)>"首页"</a> })}
            {(page > 1).then(|| view! { <a href=page_href(&base, &query, page - 1) rel="prev">"上一页"</a> })}
            <span aria-current="page">{format!("第 {page} / {pages} 页")}</span>
            {(page < pages).then(|| view! { <a href=page_href(&base, &query, page + 1) rel="next">"下一页"</a> })}
            {(page + 1 < pages).then(|| view! { <a href=page_href(&base, &query, pages)>"末页"</a> })}
        </nav>
    }
    .into_any()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hrefs_keep_the_query() {
        let q = vec![
            ("q".to_owned(), "三体 x".to_owned()),
            ("k".to_owned(), String::new()),
        ];
        assert_eq!(
            page_href("/books", &q, 2),
            "/books?q=%E4%B8%89%E4%BD%93%20x&page=2"
        );
    }

    #[test]
    fn only_unreserved_characters_stay() {
        assert_eq!(encode("aZ09-_.~"), "aZ09-_.~");
        assert_eq!(
            encode("a&b=c?d/e#f+g%h i"),
            "a%26b%3Dc%3Fd%2Fe%23f%2Bg%25h%20i"
        );
        assert_eq!(encode("封面"), "%E5%B0%81%E9%9D%A2");
    }
}

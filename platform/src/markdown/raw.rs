//! Raw HTML typed by users, handled on the Markdown events, before the
//! sanitiser (step 1 of the module docs).
//!
//! Markdown's own links and images are judged where the parser hands them
//! over. Raw HTML arrives as text — one tag per inline event, a whole block
//! per HTML block — so its `<a>` and `<img>` tags are found with `lol_html`
//! and their attributes read as the HTML parser reads them (character
//! references decoded by html5ever's tokenizer, the sanitiser's own). Then:
//!
//! - a link loses the `rel` and `target` its writer gave it, and one that
//!   leaves the site gets `rel` and `target="_blank"` after its other
//!   attributes (the sanitiser keeps their order and sets `rel` to the
//!   site's value);
//! - an image whose `src` the URL policy refuses, or that has none, is
//!   removed (its alt text with it; Markdown images keep theirs as text).
//!
//! Nothing here has to be right for the output to be safe: whatever this
//! writes is parsed and cleaned by the sanitiser afterwards. It only has to
//! be right for the output to look as the writer meant.

use std::cell::{Cell, RefCell};

use html5ever::buffer_queue::BufferQueue;
use html5ever::tendril::StrTendril;
use html5ever::tokenizer::{TagKind, Token, TokenSink, TokenSinkResult, Tokenizer, TokenizerOpts};
use lol_html::html_content::Element;
use lol_html::{RewriteStrSettings, element, rewrite_str};

use super::{LINK_REL, Refused, UrlUse, check_url, is_external};

/// `raw` with its links and images made to follow the policy above, or
/// `None` when nothing in it needs a change. Sets `http_image` when an image
/// is removed for being plain `http:`.
pub(super) fn rewrite(raw: &str, http_image: &mut bool) -> Option<String> {
    if !may_hold_link_or_image(raw) {
        return None;
    }
    let dropped_http_image = Cell::new(false);
    let settings = RewriteStrSettings::new()
        .append_element_content_handler(element!("a", |el| {
            let external = attribute(el, "href")
                .and_then(|href| check_url(&href, UrlUse::Link).ok())
                .is_some_and(|url| is_external(&url));
            // The writer's own `rel` and `target` are not kept.
            el.remove_attribute("rel");
            el.remove_attribute("target");
            if external {
                el.set_attribute("rel", LINK_REL)?;
                el.set_attribute("target", "_blank")?;
            }
            Ok(())
        }))
        .append_element_content_handler(element!("img, image", |el| {
            let src = attribute(el, "src").map(|src| check_url(&src, UrlUse::Image));
            if let Some(Err(refused)) = src {
                dropped_http_image.set(dropped_http_image.get() || refused == Refused::HttpImage);
            }
            if !matches!(src, Some(Ok(_))) {
                // Only the tag: `<img>` has no content, and the parser reads
                // `<image>` as `<img>`, so what follows it is not its content.
                el.start_tag().remove();
            }
            Ok(())
        }));
    // Only a memory limit far above any accepted text can fail here; the
    // text then goes to the sanitiser as it was.
    let out = rewrite_str(raw, settings).ok()?;
    *http_image |= dropped_http_image.get();
    (out != raw).then_some(out)
}

/// Whether `raw` has a tag named `a`, `img` or `image` (any case): a cheap
/// test that lets the many raw tags that are neither pass untouched.
fn may_hold_link_or_image(raw: &str) -> bool {
    raw.split('<').skip(1).any(|after| {
        let name_end = after
            .find(|c: char| !c.is_ascii_alphanumeric())
            .unwrap_or(after.len());
        let name = &after[..name_end];
        ["a", "img", "image"]
            .iter()
            .any(|wanted| name.eq_ignore_ascii_case(wanted))
    })
}

/// The value of attribute `name` of `el` as the HTML parser reads it.
fn attribute(el: &Element, name: &str) -> Option<String> {
    el.get_attribute(name).map(|source| decoded(&source))
}

/// An attribute value as written in the source, with its character
/// references decoded by html5ever's tokenizer (`&#104;ttp:` is `http:`).
fn decoded(source: &str) -> String {
    if !source.contains('&') {
        return source.to_owned();
    }
    // Quote it with a quote it does not contain (a value written without
    // quotes may hold both; it is then read unquoted, which is how it was
    // written).
    let tag = if !source.contains('"') {
        format!("<x v=\"{source}\">")
    } else if !source.contains('\'') {
        format!("<x v='{source}'>")
    } else {
        format!("<x v={source}>")
    };
    let tokenizer = Tokenizer::new(FirstValue::default(), TokenizerOpts::default());
    let input = BufferQueue::default();
    input.push_back(StrTendril::from(tag));
    let _ = tokenizer.feed(&input);
    tokenizer.end();
    tokenizer.sink.value.take().unwrap_or_default()
}

/// Keeps the value of the first attribute of the first start tag.
#[derive(Default)]
struct FirstValue {
    value: RefCell<Option<String>>,
}

impl TokenSink for FirstValue {
    type Handle = ();

    fn process_token(&self, token: Token, _line_number: u64) -> TokenSinkResult<()> {
        if let Token::TagToken(tag) = token
            && tag.kind == TagKind::StartTag
            && self.value.borrow().is_none()
        {
            *self.value.borrow_mut() = tag.attrs.first().map(|a| a.value.to_string());
        }
        TokenSinkResult::Continue
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rewritten(raw: &str) -> (String, bool) {
        let mut http_image = false;
        let out = rewrite(raw, &mut http_image).unwrap_or_else(|| raw.to_owned());
        (out, http_image)
    }

    #[test]
    fn character_references_are_read_as_the_parser_reads_them() {
        assert_eq!(decoded("&#104;ttp://a.example/"), "http://a.example/");
        assert_eq!(
            decoded("&#x68;ttps://a.example/?a=1&amp;b=2"),
            "https://a.example/?a=1&b=2"
        );
        assert_eq!(decoded("java&Tab;script:x"), "java\tscript:x");
        assert_eq!(decoded("a\"b&amp;"), "a\"b&");
        assert_eq!(decoded("/plain"), "/plain");
    }

    #[test]
    fn external_links_open_apart_and_others_stay() {
        let (out, _) = rewritten("<a href=\"/\\evil.example\">");
        assert_eq!(
            out,
            "<a href=\"/\\evil.example\" rel=\"nofollow ugc noopener\" target=\"_blank\">"
        );
        let (out, _) = rewritten("<A target=_top HREF=&#104;ttps://b.example/ title=t>x</A>");
        assert!(
            out.ends_with("title=t rel=\"nofollow ugc noopener\" target=\"_blank\">x</A>"),
            "{out}"
        );
        let (out, _) = rewritten("<a rel=me target=_blank href=/x>");
        assert_eq!(out, "<a href=/x>");
        for same_site in [
            "<a href=\"/groups\">",
            "<a href=\"#x\">",
            "<a>",
            "<abbr>",
            "<i>",
        ] {
            let mut flag = false;
            assert_eq!(rewrite(same_site, &mut flag), None, "{same_site}");
        }
    }

    #[test]
    fn refused_images_are_removed_and_http_ones_reported() {
        for (raw, http) in [
            ("<img src=\"&#104;ttp://evil.example/p.gif\">", true),
            ("<IMG SRC=http://evil.example/p.gif alt=x>", true),
            ("<img src=x onerror=alert(1)>", false),
            ("<img alt=无地址>", false),
        ] {
            assert_eq!(rewritten(raw), (String::new(), http), "{raw}");
        }
        assert_eq!(
            rewritten("<div><image src=javascript:x>后文</div>").0,
            "<div>后文</div>"
        );
        let kept = "<p><img src=\"https://ok.example/a.png\"></p>";
        assert_eq!(rewrite(kept, &mut false), None);
    }
}

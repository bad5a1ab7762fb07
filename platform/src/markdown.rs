//! Markdown → safe HTML for user-written text (server only).
//!
//! Reading notes, group descriptions, guided readings and forum posts are
//! written by users in Markdown. The Markdown source is the record of
//! truth; the HTML produced here is stored beside it so that pages can embed
//! it without re-rendering on every request.
//!
//! Rendering happens in three steps:
//!
//! 1. `pulldown-cmark` parses CommonMark plus the GFM extensions tables,
//!    strikethrough and task lists. Bare `http://`, `https://` and `www.`
//!    links in text, found by `linkify`, are turned into links here (GFM
//!    "extended autolinks", which pulldown-cmark does not implement itself). Task-list checkboxes
//!    become the characters ☐ / ☑, table alignment becomes an `align`
//!    attribute instead of inline CSS, links or images whose URL the policy
//!    below refuses lose their link/image wrapper and keep only their text,
//!    links that leave the site get `target="_blank"`, and block
//!    quotes/lists nested deeper than a fixed limit are flattened (deep
//!    nesting is slow to sanitise). Raw HTML the user typed is treated the
//!    same way on its events: its external links get `target="_blank"` and
//!    its images without an acceptable `src` are removed (see `raw`).
//! 2. The resulting HTML — including any raw HTML the user typed — is
//!    flattened the same way: elements nested deeper than a fixed limit
//!    (`<ul>` or `<b>` typed thousands of times) lose their tags and keep
//!    their text, before the sanitiser parses it (see `depth`).
//! 3. That HTML is cleaned by an explicitly configured `ammonia` sanitiser.
//!    Only a short list of tags and attributes survives; everything else is
//!    dropped (script-like containers are dropped together with their
//!    content).
//!
//! Nothing runs after the sanitiser: its output is what is stored.
//!
//! URL policy, shared by steps 1 and 3:
//!
//! * links (`<a href>`): `http:`, `https:`, `mailto:`, plus same-site links
//!   that start with `/` or `#`. Protocol-relative links (`//host/path`, and
//!   the backslash spellings browsers treat the same way) are rewritten to
//!   `https://host/path` and then count as external links. Every link gets
//!   `rel="nofollow ugc noopener"`.
//! * images (`<img src>`): `https:` only, or a path of this site that starts
//!   with a single `/` (uploaded images such as book covers); protocol-
//!   relative ones are rewritten to `https:` as for links. A plain `http:`
//!   image would load without encryption on an HTTPS page and tell a third
//!   party who reads what; it is never emitted, and [`render_checked`] says
//!   that one was asked for, so that posts, notes and previews can refuse
//!   the text with [`HTTP_IMAGE_MESSAGE`]. Every image gets `loading="lazy"`.
//! * everything else (`javascript:`, `vbscript:`, `data:`, `file:`, other
//!   relative paths, unparsable URLs) is removed.
//!
//! The output never contains `id`, `name`, `class` (except a validated
//! `language-xxx` on `<code>`), `style` or event-handler attributes.

mod depth;
mod raw;

use std::borrow::Cow;
use std::cell::Cell;
use std::collections::{HashMap, HashSet};
use std::sync::LazyLock;

use crate::html::SafeHtml;
use ammonia::{Builder, Url, UrlRelative};
use linkify::{LinkFinder, LinkKind};
use pulldown_cmark::{
    Alignment, CowStr, Event, LinkType, Options, Parser, Tag, TagEnd, TextMergeStream, html,
};

/// Largest Markdown source, in characters (`str::chars().count()`), that the
/// application accepts for one text.
///
/// [`render`] does not enforce it (it stays safe and fast on longer input);
/// callers must reject longer submissions before rendering and storing them.
pub const MAX_SOURCE: usize = 20_000;

/// The field message for a text with a plain `http:` image.
pub const HTTP_IMAGE_MESSAGE: &str = "图片只能使用 https:// 地址或本站上传的图片";

/// Sanitised HTML, and whether the source asked for something it left out
/// that the writer should hear about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendered {
    pub html: SafeHtml,
    /// An image over plain `http:` (Markdown or raw `<img>`) was dropped.
    pub http_image: bool,
}

/// Renders user-written Markdown to sanitised HTML, ready to be stored and
/// later embedded in a page as-is.
pub fn render(markdown: &str) -> SafeHtml {
    render_checked(markdown).html
}

/// [`render`], also telling whether a plain `http:` image was dropped (posts,
/// notes and previews refuse such a text instead of storing it).
pub fn render_checked(markdown: &str) -> Rendered {
    let options =
        Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH | Options::ENABLE_TASKLISTS;
    let parser = TextMergeStream::new(Parser::new_ext(markdown, options));
    let mut http_image = false;
    let events = rewrite_events(parser, &mut http_image);

    let mut unsafe_html = String::with_capacity(markdown.len() + markdown.len() / 2);
    html::push_html(&mut unsafe_html, events.into_iter());
    let shallow = depth::limit_depth(&unsafe_html, MAX_HTML_DEPTH);

    // The sanitiser decodes character references in attributes before the
    // URL policy sees them, so it is the one to notice `&#104;ttp:` images.
    // It runs on this thread, start to end, so a thread-local flag tells
    // what happened during this call only.
    HTTP_IMAGE_DROPPED.with(|f| f.set(false));
    let clean = SANITIZER.clean(&shallow).to_string();
    Rendered {
        html: SafeHtml::trusted(clean),
        http_image: http_image || HTTP_IMAGE_DROPPED.with(Cell::get),
    }
}

/// The text of Markdown without its markup, for search and excerpts:
/// paragraphs and other blocks end in a line break; raw HTML is dropped.
pub fn plain_text(markdown: &str) -> String {
    use pulldown_cmark::{Event, TagEnd};
    let mut out = String::with_capacity(markdown.len());
    for event in Parser::new_ext(
        markdown,
        Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH,
    ) {
        match event {
            Event::Text(t) | Event::Code(t) => out.push_str(&t),
            Event::SoftBreak | Event::HardBreak => out.push(' '),
            Event::End(
                TagEnd::Paragraph
                | TagEnd::Heading(_)
                | TagEnd::Item
                | TagEnd::CodeBlock
                | TagEnd::TableCell
                | TagEnd::BlockQuote(_),
            ) => out.push('\n'),
            _ => {}
        }
    }
    out.trim_end().to_owned()
}

/// Escapes plain text for a one-line field and turns line breaks (`\n`,
/// `\r\n`, `\r`) into `<br>`. No Markdown is interpreted.
pub fn render_inline_text(text: &str) -> SafeHtml {
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\0' => out.push('\u{FFFD}'),
            '\r' => {
                if chars.peek() == Some(&'\n') {
                    chars.next();
                }
                out.push_str("<br>");
            }
            '\n' => out.push_str("<br>"),
            other => out.push(other),
        }
    }
    SafeHtml::trusted(out)
}

// ---------------------------------------------------------------------------
// URL policy
// ---------------------------------------------------------------------------

/// Where a URL is going to be used.
#[derive(Clone, Copy, PartialEq, Eq)]
enum UrlUse {
    /// `<a href>`: http, https, mailto, `/…` and `#…`.
    Link,
    /// `<img src>`: https and same-site `/…` only.
    Image,
}

/// Why the URL policy refused a URL.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Refused {
    /// An image over plain `http:` (the writer is told).
    HttpImage,
    /// Anything else the policy does not allow (silently dropped).
    Other,
}

/// Applies the URL policy. Returns the URL to emit, or `None` when it must be
/// dropped.
fn sanitize_url(raw: &str, usage: UrlUse) -> Option<String> {
    check_url(raw, usage).ok()
}

/// The URL policy: the URL to emit, or why it is refused.
fn check_url(raw: &str, usage: UrlUse) -> Result<String, Refused> {
    // Browsers delete ASCII tab and newline anywhere in a URL and trim
    // leading/trailing C0 controls and spaces; do the same before judging it.
    let without_breaks: String = raw
        .chars()
        .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
        .collect();
    let url = without_breaks.trim_matches(|c: char| c <= ' ');
    let bytes = url.as_bytes();

    let is_slash = |b: u8| b == b'/' || b == b'\\';
    if bytes.len() >= 2 && is_slash(bytes[0]) && is_slash(bytes[1]) {
        // Protocol-relative (`//host`, `\\host`, `/\host`): make it explicit https.
        return absolute_url(&format!("https:{url}"), usage);
    }
    match (bytes.first(), usage) {
        // A path of this site (the double slash was handled above).
        (Some(b'/'), _) | (Some(b'#'), UrlUse::Link) => Ok(url.to_owned()),
        (Some(b'#'), UrlUse::Image) => Err(Refused::Other),
        _ => absolute_url(url, usage),
    }
}

/// Parses an absolute URL and checks its scheme; returns its normalised form.
fn absolute_url(url: &str, usage: UrlUse) -> Result<String, Refused> {
    let parsed = Url::parse(url).map_err(|_| Refused::Other)?;
    let has_host = parsed.host().is_some();
    match (parsed.scheme(), usage) {
        ("https", _) | ("http", UrlUse::Link) if has_host => Ok(parsed.to_string()),
        ("http", UrlUse::Image) if has_host => Err(Refused::HttpImage),
        ("mailto", UrlUse::Link) => Ok(parsed.to_string()),
        _ => Err(Refused::Other),
    }
}

/// Whether a (sanitised) URL leaves the site, i.e. is an http(s) URL.
fn is_external(url: &str) -> bool {
    Url::parse(url).is_ok_and(|u| matches!(u.scheme(), "http" | "https"))
}

// ---------------------------------------------------------------------------
// Markdown event rewriting
// ---------------------------------------------------------------------------

/// Deepest nesting of block quotes, lists and list items that is rendered as
/// such; deeper containers are flattened into their parent (their content is
/// kept). The HTML parser inside the sanitiser takes time quadratic in the
/// nesting depth, so without this cap 20 000 `>` take over a second to render.
const MAX_NESTING: usize = 48;

/// Deepest nesting of elements in the HTML handed to the sanitiser, raw HTML
/// included (step 2 of the module docs). Above [`MAX_NESTING`] by enough
/// for a paragraph, a table and inline markup inside the deepest container,
/// so that Markdown flattened by the step before loses nothing here.
const MAX_HTML_DEPTH: usize = MAX_NESTING + 16;

/// Rewrites the parser's events before they are turned into HTML; see the
/// module documentation for what changes. Sets `http_image` when an image
/// is dropped for being plain `http:`.
fn rewrite_events<'a>(
    events: impl Iterator<Item = Event<'a>>,
    http_image: &mut bool,
) -> Vec<Event<'a>> {
    let mut out = Vec::new();

    // One entry per open link: how its end must be written.
    let mut open_links: Vec<LinkEnd> = Vec::new();
    // One entry per open image: `true` when its wrapper was dropped (so the
    // matching end event must be dropped too).
    let mut open_images: Vec<bool> = Vec::new();
    // The lines of the HTML block being read, rewritten together at its end.
    let mut html_block: Option<String> = None;
    let mut in_code_block = false;
    // Raw `<a ...>` typed by the user is still open: do not nest autolinks in it.
    let mut raw_anchor_open = false;

    // One entry per open block quote, list or list item: `true` when kept.
    let mut containers: Vec<bool> = Vec::new();
    let mut kept_containers = 0usize;

    let mut alignments: Vec<Alignment> = Vec::new();
    let mut in_table_head = false;
    let mut cell_index = 0usize;

    for event in events {
        match event {
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                // Email autolinks carry the bare address; the HTML writer adds `mailto:`.
                let dest = if link_type == LinkType::Email {
                    Some(dest_url)
                } else {
                    sanitize_url(&dest_url, UrlUse::Link).map(CowStr::from)
                };
                let end = match dest {
                    Some(dest_url) => push_link_start(
                        &mut out,
                        Tag::Link {
                            link_type,
                            dest_url,
                            title,
                            id,
                        },
                    ),
                    None => LinkEnd::Dropped,
                };
                open_links.push(end);
            }
            Event::End(TagEnd::Link) => {
                out.extend(open_links.pop().and_then(LinkEnd::event));
            }
            Event::Start(Tag::Image {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                // A refused image keeps its alt text as ordinary text.
                let dest = check_url(&dest_url, UrlUse::Image);
                *http_image |= dest == Err(Refused::HttpImage);
                let dest = dest.ok();
                open_images.push(dest.is_none());
                if let Some(dest) = dest {
                    out.push(Event::Start(Tag::Image {
                        link_type,
                        dest_url: dest.into(),
                        title,
                        id,
                    }));
                }
            }
            Event::End(TagEnd::Image) => {
                if open_images.pop() == Some(false) {
                    out.push(Event::End(TagEnd::Image));
                }
            }
            Event::Start(tag @ (Tag::BlockQuote(_) | Tag::List(_) | Tag::Item)) => {
                let keep = kept_containers < MAX_NESTING;
                containers.push(keep);
                if keep {
                    kept_containers += 1;
                    out.push(Event::Start(tag));
                }
            }
            Event::End(tag @ (TagEnd::BlockQuote(_) | TagEnd::List(_) | TagEnd::Item)) => {
                if containers.pop() == Some(true) {
                    kept_containers -= 1;
                    out.push(Event::End(tag));
                }
            }
            Event::TaskListMarker(checked) => {
                out.push(Event::Text(if checked { "☑ " } else { "☐ " }.into()));
            }
            Event::Start(Tag::CodeBlock(kind)) => {
                in_code_block = true;
                out.push(Event::Start(Tag::CodeBlock(kind)));
            }
            Event::End(TagEnd::CodeBlock) => {
                in_code_block = false;
                out.push(Event::End(TagEnd::CodeBlock));
            }
            Event::Start(Tag::Table(table_alignments)) => {
                alignments.clone_from(&table_alignments);
                out.push(Event::Start(Tag::Table(table_alignments)));
            }
            Event::Start(Tag::TableHead) => {
                in_table_head = true;
                cell_index = 0;
                out.push(Event::Start(Tag::TableHead));
            }
            Event::End(TagEnd::TableHead) => {
                in_table_head = false;
                out.push(Event::End(TagEnd::TableHead));
            }
            Event::Start(Tag::TableRow) => {
                cell_index = 0;
                out.push(Event::Start(Tag::TableRow));
            }
            Event::Start(Tag::TableCell) => {
                // The stock writer expresses alignment as inline CSS, which the
                // sanitiser forbids; write the opening tag with `align` instead.
                // The closing tag is still written by the stock writer.
                let name = if in_table_head { "th" } else { "td" };
                let align = match alignments.get(cell_index) {
                    Some(Alignment::Left) => " align=\"left\"",
                    Some(Alignment::Center) => " align=\"center\"",
                    Some(Alignment::Right) => " align=\"right\"",
                    Some(Alignment::None) | None => "",
                };
                cell_index += 1;
                out.push(Event::InlineHtml(format!("<{name}{align}>").into()));
            }
            Event::InlineHtml(raw) => {
                if let Some(open) = raw_anchor_tag(&raw) {
                    raw_anchor_open = open;
                }
                out.push(Event::InlineHtml(raw_html(raw, http_image)));
            }
            Event::Start(Tag::HtmlBlock) => {
                html_block = Some(String::new());
                out.push(Event::Start(Tag::HtmlBlock));
            }
            Event::Html(line) => match html_block.as_mut() {
                Some(block) => block.push_str(&line),
                None => out.push(Event::Html(raw_html(line, http_image))),
            },
            Event::End(TagEnd::HtmlBlock) => {
                if let Some(block) = html_block.take() {
                    out.push(Event::Html(raw_html(block.into(), http_image)));
                }
                out.push(Event::End(TagEnd::HtmlBlock));
            }
            Event::Text(text) => {
                let linkable = open_links.is_empty()
                    && open_images.is_empty()
                    && !in_code_block
                    && !raw_anchor_open;
                if linkable {
                    push_autolinked_text(&mut out, text);
                } else {
                    out.push(Event::Text(text));
                }
            }
            other => out.push(other),
        }
    }
    out
}

/// How the end of an open Markdown link is written.
#[derive(Clone, Copy, PartialEq, Eq)]
enum LinkEnd {
    /// The link's URL was refused: only its text is kept.
    Dropped,
    /// By the HTML writer, as usual.
    Event,
    /// As raw `</a>`, because its start tag was written as raw HTML.
    Raw,
}

impl LinkEnd {
    /// The event that closes the link, if it is written at all.
    fn event(self) -> Option<Event<'static>> {
        match self {
            LinkEnd::Dropped => None,
            LinkEnd::Event => Some(Event::End(TagEnd::Link)),
            LinkEnd::Raw => Some(Event::InlineHtml("</a>".into())),
        }
    }
}

/// Raw HTML the user typed, with its links and images following the
/// policy (see `raw`); the text as it came when nothing changes.
fn raw_html<'a>(raw: CowStr<'a>, http_image: &mut bool) -> CowStr<'a> {
    match raw::rewrite(&raw, http_image) {
        Some(rewritten) => rewritten.into(),
        None => raw,
    }
}

/// What the sanitiser sets `rel` to on every link.
const LINK_REL: &str = "nofollow ugc noopener";

/// Pushes the start of a link whose URL the policy accepted. A link that
/// leaves the site is written as raw HTML (the writer's own `<a href title>`
/// followed by `rel` and `target="_blank"`, the attributes' order in the
/// output); others go to the writer as they are.
fn push_link_start<'a>(out: &mut Vec<Event<'a>>, link: Tag<'a>) -> LinkEnd {
    let external = matches!(&link, Tag::Link { link_type, dest_url, .. }
        if *link_type != LinkType::Email && is_external(dest_url));
    if !external {
        out.push(Event::Start(link));
        return LinkEnd::Event;
    }
    let mut tag = String::new();
    html::push_html(&mut tag, std::iter::once(Event::Start(link)));
    // The writer escapes the attribute values, so its last byte is the
    // tag's closing `>`.
    tag.pop();
    tag.push_str(" rel=\"");
    tag.push_str(LINK_REL);
    tag.push_str("\" target=\"_blank\">");
    out.push(Event::InlineHtml(tag.into()));
    LinkEnd::Raw
}

/// `Some(true)` for a raw `<a …>` start tag, `Some(false)` for `</a>`,
/// `None` for anything else.
fn raw_anchor_tag(raw: &str) -> Option<bool> {
    let lower = raw.trim_start().to_ascii_lowercase();
    let after_name = |rest: &str| {
        rest.chars()
            .next()
            .is_none_or(|c| c == '>' || c == '/' || c.is_ascii_whitespace())
    };
    if let Some(rest) = lower.strip_prefix("</a") {
        after_name(rest).then_some(false)
    } else if let Some(rest) = lower.strip_prefix("<a") {
        after_name(rest).then_some(true)
    } else {
        None
    }
}

/// Pushes `text`, turning bare URLs in it into links.
fn push_autolinked_text<'a>(out: &mut Vec<Event<'a>>, text: CowStr<'a>) {
    let links = find_bare_urls(&text);
    if links.is_empty() {
        out.push(Event::Text(text));
        return;
    }
    let mut last = 0;
    for (start, end, dest) in links {
        if start > last {
            out.push(Event::Text(text[last..start].to_owned().into()));
        }
        let link = Tag::Link {
            link_type: LinkType::Autolink,
            dest_url: dest.into(),
            title: CowStr::Borrowed(""),
            id: CowStr::Borrowed(""),
        };
        let link_end = push_link_start(out, link);
        out.push(Event::Text(text[start..end].to_owned().into()));
        out.extend(link_end.event());
        last = end;
    }
    if last < text.len() {
        out.push(Event::Text(text[last..].to_owned().into()));
    }
}

/// Finds bare URLs in plain text with `linkify`.
static URL_FINDER: LazyLock<LinkFinder> = LazyLock::new(|| {
    let mut finder = LinkFinder::new();
    finder
        .kinds(&[LinkKind::Url])
        .url_must_have_scheme(false)
        .url_can_be_iri(false);
    finder
});

/// Bare `http://`, `https://` and `www.` URLs in plain text, as
/// `(start, end, destination)` byte ranges; `www.` URLs link to `https://`.
///
/// `linkify` finds the boundaries: trailing punctuation and unbalanced
/// closing parentheses are left out, as in GFM. A URL ends at the first
/// non-ASCII character, so Chinese text and full-width punctuation written
/// right after it (no space, as Chinese is written) stay text.
fn find_bare_urls(text: &str) -> Vec<(usize, usize, String)> {
    URL_FINDER
        .links(text)
        .filter_map(|link| {
            let url = link.as_str();
            let head = url.get(..8).unwrap_or(url).to_ascii_lowercase();
            let dest = if head.starts_with("https://") || head.starts_with("http://") {
                url.to_owned()
            } else if head.starts_with("www.") {
                format!("https://{url}")
            } else {
                return None;
            };
            Some((link.start(), link.end(), dest))
        })
        .collect()
}

// ---------------------------------------------------------------------------
// Sanitiser
// ---------------------------------------------------------------------------

const ALLOWED_TAGS: &[&str] = &[
    "p",
    "br",
    "hr",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "strong",
    "em",
    "del",
    "s",
    "code",
    "pre",
    "blockquote",
    "ul",
    "ol",
    "li",
    "a",
    "img",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "sup",
    "sub",
];

/// Elements removed together with everything inside them (not just unwrapped).
const DROPPED_WITH_CONTENT: &[&str] = &[
    "script", "style", "iframe", "frame", "frameset", "object", "embed", "applet", "svg", "math",
    "noscript", "noembed", "noframes", "template", "textarea", "select", "title", "xmp", "head",
];

static SANITIZER: LazyLock<Builder<'static>> = LazyLock::new(build_sanitizer);

thread_local! {
    /// Set by the sanitiser when it drops a plain `http:` image.
    static HTTP_IMAGE_DROPPED: Cell<bool> = const { Cell::new(false) };
}

fn build_sanitizer() -> Builder<'static> {
    let alignments: HashSet<&str> = HashSet::from(["left", "center", "right"]);
    let mut builder = Builder::empty();
    builder
        .tags(ALLOWED_TAGS.iter().copied().collect())
        .clean_content_tags(DROPPED_WITH_CONTENT.iter().copied().collect())
        .tag_attributes(HashMap::from([
            // `rel` is kept where it is written and set to `LINK_REL` below.
            ("a", HashSet::from(["href", "title", "rel", "target"])),
            ("img", HashSet::from(["src", "alt", "title"])),
            ("code", HashSet::from(["class"])),
            ("ol", HashSet::from(["start"])),
        ]))
        .tag_attribute_values(HashMap::from([
            ("th", HashMap::from([("align", alignments.clone())])),
            ("td", HashMap::from([("align", alignments)])),
        ]))
        .set_tag_attribute_values(HashMap::from([
            ("img", HashMap::from([("loading", "lazy")])),
            ("a", HashMap::from([("rel", LINK_REL)])),
        ]))
        .generic_attributes(HashSet::new())
        .generic_attribute_prefixes(HashSet::new())
        .url_schemes(HashSet::from(["http", "https", "mailto"]))
        .url_relative(UrlRelative::Custom(Box::new(filter_relative_url)))
        .attribute_filter(filter_attribute)
        .link_rel(None)
        .allowed_classes(HashMap::new())
        .strip_comments(true)
        .id_prefix(None);
    builder
}

/// Per-attribute checks that the allow-lists above cannot express.
fn filter_attribute<'u>(element: &str, attribute: &str, value: &'u str) -> Option<Cow<'u, str>> {
    match (element, attribute) {
        ("a", "href") => sanitize_url(value, UrlUse::Link).map(Cow::Owned),
        ("a", "target") => (value == "_blank").then_some(Cow::Borrowed(value)),
        ("img", "src") => {
            let checked = check_url(value, UrlUse::Image);
            if checked == Err(Refused::HttpImage) {
                HTTP_IMAGE_DROPPED.with(|f| f.set(true));
            }
            checked.ok().map(Cow::Owned)
        }
        ("code", "class") => is_language_class(value).then_some(Cow::Borrowed(value)),
        ("ol", "start") => {
            let valid =
                !value.is_empty() && value.len() <= 9 && value.bytes().all(|b| b.is_ascii_digit());
            valid.then_some(Cow::Borrowed(value))
        }
        _ => Some(Cow::Borrowed(value)),
    }
}

/// Second line of defence for relative URLs that reach ammonia's own
/// relative-URL step (the attribute filter has already applied the policy).
fn filter_relative_url(url: &str) -> Option<Cow<'_, str>> {
    match url.as_bytes() {
        [b'/', next, ..] if *next != b'/' && *next != b'\\' => Some(Cow::Borrowed(url)),
        [b'/'] | [b'#', ..] => Some(Cow::Borrowed(url)),
        _ => None,
    }
}

/// `language-xxx` as written by pulldown-cmark for fenced code blocks, with a
/// conservative character set.
fn is_language_class(value: &str) -> bool {
    value.strip_prefix("language-").is_some_and(|lang| {
        !lang.is_empty()
            && lang.len() <= 40
            && lang
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'+' | b'#' | b'.'))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Length of the tag at the start of `s` (which begins with `<`), up to and
    /// including the `>` that is not inside a double-quoted attribute value.
    fn tag_length(s: &str) -> usize {
        let mut in_quotes = false;
        for (i, b) in s.bytes().enumerate().skip(1) {
            match b {
                b'"' => in_quotes = !in_quotes,
                b'>' if !in_quotes => return i + 1,
                _ => {}
            }
        }
        s.len()
    }

    /// `(name, value)` pairs of a start tag serialised by html5ever
    /// (`<tag a="v" b="w">`); values are returned still HTML-escaped.
    fn serialized_attributes(tag: &str) -> Vec<(&str, &str)> {
        let inner = tag.strip_prefix('<').unwrap_or(tag);
        let inner = inner.strip_suffix('>').unwrap_or(inner);
        let Some(space) = inner.find(' ') else {
            return Vec::new();
        };
        let mut rest = &inner[space..];
        let mut attributes = Vec::new();
        loop {
            rest = rest.trim_start_matches(' ');
            if rest.is_empty() {
                return attributes;
            }
            let name_end = rest.find(['=', ' ']).unwrap_or(rest.len());
            let name = &rest[..name_end];
            rest = &rest[name_end..];
            if let Some(quoted) = rest.strip_prefix("=\"") {
                let close = quoted.find('"').unwrap_or(quoted.len());
                attributes.push((name, &quoted[..close]));
                rest = quoted.get(close + 1..).unwrap_or("");
            } else {
                // Not produced by html5ever; consume a stray `=` so the loop advances.
                attributes.push((name, ""));
                rest = rest.strip_prefix('=').unwrap_or(rest);
            }
        }
    }

    /// The tags (`<…>`) of a rendered document, lower-cased. Text never
    /// contains a raw `<`, so these are exactly the markup.
    fn markup(html: &str) -> Vec<String> {
        let mut tags = Vec::new();
        let mut rest = html;
        while let Some(lt) = rest.find('<') {
            let tail = &rest[lt..];
            let len = tag_length(tail);
            tags.push(tail[..len].to_ascii_lowercase());
            rest = &tail[len..];
        }
        tags
    }

    /// Whether `s` contains something shaped like an event-handler
    /// attribute: `on` + word characters + `=`, not preceded by a letter.
    fn has_handler_like(s: &str) -> bool {
        let b = s.as_bytes();
        (0..b.len().saturating_sub(2)).any(|i| {
            let word = |c: u8| c.is_ascii_alphanumeric() || c == b'_';
            if &b[i..i + 2] != b"on" || (i > 0 && word(b[i - 1])) {
                return false;
            }
            let mut j = i + 2;
            while j < b.len() && word(b[j]) {
                j += 1;
            }
            j > i + 2 && b.get(j) == Some(&b'=')
        })
    }

    fn describe(input: &str, output: &str) -> String {
        let cut: String = input.chars().take(80).collect();
        let shown: String = output.chars().take(400).collect();
        format!("input {cut:?} gave {shown:?}")
    }

    /// Structural check: no dangerous element anywhere, and no dangerous
    /// attribute or URL inside any tag. (Text may still spell out e.g.
    /// `javascript:alert(1)` — as escaped text it is inert.)
    fn assert_inert_markup(input: &str, output: &str) {
        let lower = output.to_ascii_lowercase();
        for forbidden_tag in [
            "<script",
            "<style",
            "<iframe",
            "<svg",
            "<math",
            "<form",
            "<input",
            "<button",
            "<textarea",
            "<select",
            "<object",
            "<embed",
            "<link",
            "<meta",
            "<base",
            "<details",
            "<div",
            "<span",
            "<!--",
        ] {
            assert!(
                !lower.contains(forbidden_tag),
                "{forbidden_tag}: {}",
                describe(input, output)
            );
        }
        for tag in markup(&lower) {
            for forbidden in ["javascript:", "vbscript:", "data:"] {
                assert!(
                    !tag.contains(forbidden),
                    "{forbidden} in {tag}: {}",
                    describe(input, output)
                );
            }
            for (name, _) in serialized_attributes(&tag) {
                assert!(
                    !name.starts_with("on"),
                    "handler {name} in {tag}: {}",
                    describe(input, output)
                );
                assert!(
                    !matches!(
                        name,
                        "id" | "name" | "style" | "form" | "formaction" | "srcset"
                    ),
                    "attribute {name} in {tag}: {}",
                    describe(input, output)
                );
                if name == "class" {
                    assert!(
                        tag.starts_with("<code class=\"language-"),
                        "class in {tag}: {}",
                        describe(input, output)
                    );
                }
            }
        }
    }

    /// The stricter check asked for: the whole output (text included) has
    /// none of these strings.
    fn assert_inert_everywhere(input: &str, output: &str) {
        assert_inert_markup(input, output);
        let lower = output.to_ascii_lowercase();
        for forbidden in [
            "<script",
            "javascript:",
            "vbscript:",
            "data:",
            "<iframe",
            "<svg",
            "<style",
            "style=",
            "<form",
        ] {
            assert!(
                !lower.contains(forbidden),
                "{forbidden}: {}",
                describe(input, output)
            );
        }
        assert!(
            !has_handler_like(&lower),
            "on*=: {}",
            describe(input, output)
        );
    }

    /// Hostile inputs whose whole output must be free of the forbidden strings.
    fn hostile_inputs() -> Vec<String> {
        let mut inputs: Vec<String> = [
            "<script>alert(1)</script>",
            "[x](javascript:alert(1))",
            "[x](JaVaScRiPt:alert(1))",
            "[x](  javascript:alert(1))",
            "[x](javascript&#58;alert(1))",
            "<a href=\"javascript&#58;alert(1)\">x</a>",
            "<a href=\"java&#x09;script:alert(1)\">x</a>",
            "<a href=\"javascript&colon;alert(1)\">x</a>",
            "<img src=x onerror=alert(1)>",
            "<img src=\"https://ok.example/a.png\" onerror=alert(1)>",
            "![a](javascript:alert(1))",
            "![a](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)",
            "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
            "<svg onload=alert(1)>",
            "<svg><animate href=#x attributeName=href values=javascript:alert(1) /></svg>",
            "<iframe src=https://evil.example></iframe>",
            "<a href=\"data:text/html,<script>alert(1)</script>\">x</a>",
            "<form action=https://evil.example><input name=q>\
             <button formaction=javascript:alert(1)>go</button></form>",
            "<style>body{display:none}</style>",
            "<div style=\"position:fixed;top:0\">cover</div>",
            "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
            "<noscript><p title=\"</noscript><img src=x onerror=alert(1)>\">",
            "<b><i>text",
            "<<script>script>alert(1)<</script>/script>",
            "<a href=\"vbscript:msgbox\">x</a>",
            "<base href=//evil.example>",
            "<meta http-equiv=refresh content=\"0;url=https://evil.example\">",
            "<link rel=stylesheet href=https://evil.example/x.css>",
            "<object data=x></object>",
            "<embed src=javascript:alert(1)>",
            "[x](//evil.example)",
            "<a href=\"/\\evil.example\">x</a>",
            "<a id=\"__proto__\" name=\"getElementById\" class=\"admin\">x</a>",
            "<details open ontoggle=alert(1)>x</details>",
            "<textarea><script>alert(1)</script></textarea>",
            "<template><script>alert(1)</script></template>",
            "```\"><script>alert(1)</script>\ncode\n```",
            "```rust onclick=alert(1)\ncode\n```",
            "- [ ] <img src=x onerror=alert(1)>\n- [x] <input type=checkbox checked>",
            "<p style=\"color:red\" onclick=\"alert(1)\">x</p>",
            "| a |\n|---|\n| <td style=\"x\" onmouseover=alert(1)>b |",
            "<!-- <script>alert(1)</script> -->",
            "<ol start=\"1 onclick=alert(1)\"><li>x</li></ol>",
            "<img srcset=\"javascript:alert(1) 1x\" src=\"https://ok.example/a.png\">",
        ]
        .iter()
        .map(|s| (*s).to_owned())
        .collect();
        // A single 100 000-character line.
        inputs.push("长".repeat(40_000) + &"a<b>".repeat(15_000));
        // 500 and 20 000 nested block quotes.
        inputs.push(">".repeat(500) + " deep");
        inputs.push(">".repeat(20_000) + " deeper");
        // Lists nested 300 deep, written two ways.
        inputs.push("- ".repeat(300) + "x");
        let mut indented = String::new();
        for depth in 0..300 {
            indented.push_str(&"  ".repeat(depth));
            indented.push_str("- item\n");
        }
        inputs.push(indented);
        // 300 nested raw elements.
        inputs.push("<div>".repeat(300) + "<img src=x onerror=alert(1)>");
        inputs
    }

    /// Hostile inputs that are inert but whose text legitimately keeps the
    /// words the user typed (e.g. the literal text `javascript:alert(1)`).
    const HOSTILE_BUT_ECHOED: &[&str] = &[
        // CommonMark autolink with a forbidden scheme: the link is dropped, the
        // address stays as text.
        "<javascript:alert(1)>",
        "see javascript:alert(1) and data:text/html,x",
        // Quote-breaking attempt in a link title: stays inside the title value.
        "[x](https://ok.example \"\\\" onmouseover=alert(1) x=\\\"\")",
        "`<script>alert(1)</script>`",
    ];

    #[test]
    fn hostile_inputs_render_inert() {
        let inputs = hostile_inputs();
        assert!(inputs.len() >= 25);
        for input in &inputs {
            assert_inert_everywhere(input, &render(input));
        }
        for input in HOSTILE_BUT_ECHOED {
            assert_inert_markup(input, &render(input));
        }
    }

    #[test]
    fn deep_nesting_is_flattened_but_content_kept() {
        let out = render(&(">".repeat(500) + " deep"));
        assert_eq!(out.matches("<blockquote>").count(), MAX_NESTING);
        assert_eq!(out.matches("</blockquote>").count(), MAX_NESTING);
        assert!(out.contains("<p>deep</p>"), "{out}");

        let out = render(&("- ".repeat(300) + "x"));
        assert_eq!(out.matches("<ul>").count(), MAX_NESTING / 2);
        assert_eq!(out.matches("<li>").count(), MAX_NESTING / 2);
        assert!(out.contains('x'), "{out}");

        let out = render("> 1. a\n>    > b\n>\n> 2. c");
        assert_eq!(
            out,
            "<blockquote>\n<ol>\n<li>\n<p>a</p>\n<blockquote>\n<p>b</p>\n</blockquote>\n</li>\n\
             <li>\n<p>c</p>\n</li>\n</ol>\n</blockquote>\n"
        );
    }

    /// The deepest nesting of elements in sanitised output (which is
    /// well-formed: every non-void element has its end tag).
    fn output_depth(html: &str) -> usize {
        let (mut depth, mut max) = (0usize, 0usize);
        for tag in markup(html) {
            if tag.starts_with("</") {
                depth -= 1;
            } else if !matches!(tag.split([' ', '>']).next(), Some("<br" | "<hr" | "<img")) {
                depth += 1;
                max = max.max(depth);
            }
        }
        assert_eq!(depth, 0, "unbalanced output");
        max
    }

    #[test]
    fn deep_raw_html_is_flattened_but_text_kept() {
        for (unit, allowed) in [
            ("<ul>", true),
            ("<b>", false),
            ("<div>", false),
            ("<blockquote>", true),
            ("<strong>", true),
            ("<li>", false),
            ("<span>", false),
            ("<table><td>", true),
            ("<p><s title=x>", false),
            ("<em class=a>字", true),
        ] {
            let input = unit.repeat(5000) + "深处的字" + &unit.replace('<', "</").repeat(5000);
            let out = render(&input);
            assert!(out.contains("深处的字"), "{unit}: text kept");
            assert!(
                output_depth(&out) <= MAX_HTML_DEPTH,
                "{unit}: depth {}",
                output_depth(&out)
            );
            if allowed {
                assert!(
                    output_depth(&out) >= 8,
                    "{unit}: shallow levels kept: {out:.200}"
                );
            }
            assert_inert_everywhere(&input, &out);
        }
        // Raw HTML inside Markdown containers, and the other way round.
        let mixed = (1..=200)
            .map(|i| ">".repeat(i) + " <ul><li>\n")
            .collect::<String>()
            + "底";
        let out = render(&mixed);
        assert!(out.contains('底'));
        assert!(
            output_depth(&out) <= MAX_HTML_DEPTH,
            "{}",
            output_depth(&out)
        );
        let mixed = "<blockquote>\n\n- > ".repeat(2000) + "底";
        let out = render(&mixed);
        assert!(out.contains('底'));
        assert!(
            output_depth(&out) <= MAX_HTML_DEPTH,
            "{}",
            output_depth(&out)
        );
        // Formatting elements the parser reopens in every new paragraph.
        let reopened = (0..300)
            .map(|i| format!("<p>{}段{i}</p>", format!("<s title={i}>").repeat(40)))
            .collect::<String>();
        let out = render(&reopened);
        assert!(out.contains("段299"));
        assert!(
            output_depth(&out) <= MAX_HTML_DEPTH,
            "{}",
            output_depth(&out)
        );
        // Quotes that would hide the rest of the document from the count.
        let hiding = "<textarea><a title=\"</textarea>".to_owned() + &"<ul>".repeat(5000) + "\">";
        let out = render(&hiding);
        assert!(
            output_depth(&out) <= MAX_HTML_DEPTH,
            "{}",
            output_depth(&out)
        );
    }

    #[test]
    fn markdown_within_the_nesting_limit_is_not_flattened_further() {
        // The deepest Markdown keeps all of its containers, with a table
        // and inline markup in the innermost one.
        let deep = ">".repeat(MAX_NESTING)
            + " | a |\n"
            + &">".repeat(MAX_NESTING)
            + " |---|\n"
            + &">".repeat(MAX_NESTING)
            + " | ***~~[`x`](/x)~~*** |";
        let out = render(&deep);
        assert_eq!(out.matches("<blockquote>").count(), MAX_NESTING, "{out}");
        assert!(
            out.contains("<td><em><strong><del><a href=\"/x\" rel=\"nofollow ugc noopener\"><code>x</code></a></del></strong></em></td>"),
            "{out}"
        );
    }

    #[test]
    fn only_https_and_same_site_images_are_rendered() {
        let r = render_checked("![封面](/books/1/cover.jpg) ![b](https://img.example/b.png)");
        assert!(!r.http_image);
        assert!(
            r.html
                .contains("<img src=\"/books/1/cover.jpg\" alt=\"封面\""),
            "{}",
            r.html
        );
        assert!(
            r.html.contains("<img src=\"https://img.example/b.png\""),
            "{}",
            r.html
        );
        for input in [
            "![跟踪](http://evil.example/p.gif)",
            "![跟踪](HTTP://evil.example/p.gif)",
            "<img src=\"http://evil.example/p.gif\">",
            "<img src=\"&#104;ttp://evil.example/p.gif\">",
            "<img src=\" http://evil.example/p.gif\">",
            "段落 <img src=http://evil.example/p.gif> 中间",
            "- 列表\n\n  ![x](http://evil.example/p.gif)",
            "[![x](http://evil.example/p.gif)](https://ok.example)",
        ] {
            let r = render_checked(input);
            assert!(r.http_image, "{input}");
            assert!(!r.html.contains("<img"), "{input}: {}", r.html);
            assert!(
                !r.html.contains("evil.example/p.gif\""),
                "{input}: {}",
                r.html
            );
        }
        // Links over http are still fine; only images are refused.
        let r = render_checked("[旧站](http://old.example) http://old.example/a.gif");
        assert!(!r.http_image);
        assert!(
            r.html.contains("href=\"http://old.example/\""),
            "{}",
            r.html
        );
    }

    #[test]
    fn echoed_hostile_text_is_escaped() {
        assert_eq!(
            render("`<script>alert(1)</script>`"),
            "<p><code>&lt;script&gt;alert(1)&lt;/script&gt;</code></p>\n"
        );
        assert_eq!(
            render("<javascript:alert(1)>"),
            "<p>javascript:alert(1)</p>\n"
        );
        let titled = render("[x](https://ok.example \"a\\\" onmouseover=alert(1) > b\")");
        let tags = markup(&titled);
        let anchor = tags.iter().find(|t| t.starts_with("<a ")).unwrap();
        let names: Vec<_> = serialized_attributes(anchor)
            .into_iter()
            .map(|(n, _)| n)
            .collect();
        assert_eq!(names, ["href", "title", "rel", "target"], "{titled}");
    }

    #[test]
    fn hostile_links_keep_text_but_lose_href() {
        for input in [
            "[x](javascript:alert(1))",
            "[x](JaVaScRiPt:alert(1))",
            "[x](  javascript:alert(1))",
            "[x](javascript&#58;alert(1))",
        ] {
            let out = render(input);
            assert_eq!(out, "<p>x</p>\n", "{input}");
        }
        assert_eq!(
            render("![封面](javascript:alert(1))"),
            "<p>封面</p>\n",
            "refused image keeps its alt text"
        );
        let out = render("<a href=\"vbscript:msgbox\">x</a>");
        assert!(!out.contains("href"), "{out}");
        assert!(out.contains(">x</a>"), "{out}");
    }

    #[test]
    fn protocol_relative_links_become_external_https() {
        let out = render("[x](//evil.example/path)");
        assert!(out.contains("href=\"https://evil.example/path\""), "{out}");
        assert!(out.contains("rel=\"nofollow ugc noopener\""), "{out}");
        assert!(out.contains("target=\"_blank\""), "{out}");

        let raw = render("<a href=\"/\\evil.example\">x</a>");
        assert!(raw.contains("href=\"https://evil.example/\""), "{raw}");
        assert!(raw.contains("target=\"_blank\""), "{raw}");
    }

    #[test]
    fn id_name_class_and_style_are_removed() {
        let out = render("<a id=\"__proto__\" name=\"x\" class=\"y\" href=\"/a\">x</a>");
        assert_eq!(
            out,
            "<p><a href=\"/a\" rel=\"nofollow ugc noopener\">x</a></p>\n"
        );
        let out = render("<p style=\"color:red\" class=\"x\">字</p>");
        assert_eq!(out, "<p>字</p>");
    }

    #[test]
    fn ordinary_commonmark_survives() {
        let source = "\
# 标题一

## Heading two

一段中文，带有全角标点：“引号”、《书名》……还有（括号）！

*emphasis* and **strong** and `inline code` and ~~gone~~.

```rust
fn main() {}
```

> 引用的文字

1. first
2. second

- apple
- banana

[书香](https://example.com/book?id=1&x=2 \"标题\") and [home](/books/1) and [top](#top)

![封面](https://img.example.com/cover.png \"封面图\")

| 左 | 中 | 右 | 无 |
|:---|:--:|---:|----|
| a | b | c | d |

---

line one  
line two

- [ ] 未读
- [x] 已读

Mail <reader@example.com>, visit <https://example.org> or https://example.net/a_(b), 见www.example.cn。
";
        let out = render(source);

        for expected in [
            "<h1>标题一</h1>",
            "<h2>Heading two</h2>",
            "<p>一段中文，带有全角标点：“引号”、《书名》……还有（括号）！</p>",
            "<em>emphasis</em>",
            "<strong>strong</strong>",
            "<code>inline code</code>",
            "<del>gone</del>",
            "<pre><code class=\"language-rust\">fn main() {}\n</code></pre>",
            "<blockquote>\n<p>引用的文字</p>\n</blockquote>",
            "<ol>\n<li>first</li>\n<li>second</li>\n</ol>",
            "<ul>\n<li>apple</li>\n<li>banana</li>\n</ul>",
            "<a href=\"https://example.com/book?id=1&amp;x=2\" title=\"标题\" \
             rel=\"nofollow ugc noopener\" target=\"_blank\">书香</a>",
            "<a href=\"/books/1\" rel=\"nofollow ugc noopener\">home</a>",
            "<a href=\"#top\" rel=\"nofollow ugc noopener\">top</a>",
            "<img src=\"https://img.example.com/cover.png\" alt=\"封面\" title=\"封面图\" \
             loading=\"lazy\">",
            "<th align=\"left\">左</th><th align=\"center\">中</th>\
             <th align=\"right\">右</th><th>无</th>",
            "<td align=\"left\">a</td><td align=\"center\">b</td>\
             <td align=\"right\">c</td><td>d</td>",
            "<hr>",
            "line one<br>\nline two",
            "<li>☐ 未读</li>",
            "<li>☑ 已读</li>",
            "<a href=\"mailto:reader@example.com\" rel=\"nofollow ugc noopener\">\
             reader@example.com</a>",
            "<a href=\"https://example.org/\" rel=\"nofollow ugc noopener\" \
             target=\"_blank\">https://example.org</a>",
            "<a href=\"https://example.net/a_(b)\" rel=\"nofollow ugc noopener\" \
             target=\"_blank\">https://example.net/a_(b)</a>,",
            "见<a href=\"https://www.example.cn/\" rel=\"nofollow ugc noopener\" \
             target=\"_blank\">www.example.cn</a>。",
        ] {
            assert!(out.contains(expected), "missing {expected:?} in:\n{out}");
        }
        assert!(!out.contains("<input"), "{out}");
        assert!(!out.contains("style="), "{out}");
    }

    #[test]
    fn allowed_raw_html_is_kept_and_code_is_not_linkified() {
        let out = render("H<sub>2</sub>O, E=mc<sup>2</sup>, <s>old</s>");
        assert!(out.contains("H<sub>2</sub>O"), "{out}");
        assert!(out.contains("mc<sup>2</sup>"), "{out}");
        assert!(out.contains("<s>old</s>"), "{out}");

        let out = render("`https://example.com` and\n\n    https://example.org\n");
        assert!(!out.contains("<a "), "{out}");
    }

    #[test]
    fn inline_text_is_escaped_and_keeps_line_breaks() {
        assert_eq!(
            render_inline_text("a < b > c & \"d\" 'e'\n第二行\r\n第三行\r第四行"),
            "a &lt; b &gt; c &amp; &quot;d&quot; &#39;e&#39;<br>第二行<br>第三行<br>第四行"
        );
        assert_eq!(
            render_inline_text("<script>alert(1)</script>"),
            "&lt;script&gt;alert(1)&lt;/script&gt;"
        );
        assert_eq!(render_inline_text(""), "");
    }

    #[test]
    fn bare_url_detection() {
        let urls = |s: &str| {
            find_bare_urls(s)
                .into_iter()
                .map(|(a, b, dest)| (s[a..b].to_owned(), dest))
                .collect::<Vec<_>>()
        };
        assert_eq!(
            urls("see https://a.example/x. Then"),
            [(
                "https://a.example/x".to_owned(),
                "https://a.example/x".to_owned()
            )]
        );
        assert_eq!(
            urls("(http://a.example/b)"),
            [(
                "http://a.example/b".to_owned(),
                "http://a.example/b".to_owned()
            )]
        );
        assert_eq!(urls("xhttps://a.example"), []);
        assert_eq!(urls("https:// nothing"), []);
        assert_eq!(
            urls("WWW.Example.com/书"),
            [(
                "WWW.Example.com/".to_owned(),
                "https://WWW.Example.com/".to_owned()
            )]
        );
    }

    #[test]
    fn url_policy() {
        let link = |s| sanitize_url(s, UrlUse::Link);
        let image = |s| sanitize_url(s, UrlUse::Image);
        assert_eq!(link("https://a.example"), Some("https://a.example/".into()));
        assert_eq!(
            link("mailto:a@b.example"),
            Some("mailto:a@b.example".into())
        );
        assert_eq!(link("/books/1"), Some("/books/1".into()));
        assert_eq!(link("#note"), Some("#note".into()));
        assert_eq!(link("//a.example/x"), Some("https://a.example/x".into()));
        assert_eq!(link("\\\\a.example"), Some("https://a.example/".into()));
        assert_eq!(link("books/1"), None);
        assert_eq!(link("java\tscript:alert(1)"), None);
        assert_eq!(link(" javascript:alert(1)"), None);
        assert_eq!(link("data:text/html,x"), None);
        assert_eq!(link("file:///etc/passwd"), None);
        assert_eq!(link("https://"), None);
        assert_eq!(
            image("https://a.example/p.png"),
            Some("https://a.example/p.png".into())
        );
        assert_eq!(image("/p.png"), Some("/p.png".into()));
        assert_eq!(
            image("//a.example/p.png"),
            Some("https://a.example/p.png".into())
        );
        assert_eq!(image("http://a.example/p.png"), None);
        assert_eq!(
            check_url(" HTTP://a.example/p.png", UrlUse::Image),
            Err(Refused::HttpImage)
        );
        assert_eq!(image("#top"), None);
        assert_eq!(image("p.png"), None);
        assert_eq!(image("mailto:a@b.example"), None);
        assert_eq!(image("data:image/png;base64,AAAA"), None);
    }
}

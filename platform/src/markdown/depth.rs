//! Caps how deeply the HTML handed to the sanitiser nests.
//!
//! The HTML parser inside the sanitiser (html5ever) takes time quadratic in
//! the nesting depth, and raw HTML typed into a post (`<ul>` or `<b>`
//! thousands of times) nests as deep as it likes: Markdown's own limit
//! (`MAX_NESTING`) never sees it. [`limit_depth`] reads the whole document
//! the way an HTML tokenizer does and drops every start tag that would open
//! an element deeper than the limit, with its end tag; the text between the
//! tags stays.
//!
//! The count only has to be at least as deep as the tree html5ever will
//! build, never shallower, so every doubt is resolved towards "still open":
//! an end tag closes an element only when that element is the innermost one
//! (or is reached through elements whose end tags are optional, as the HTML
//! parser does too), and anything that merely looks like a tag is counted
//! as one (also inside `<style>` or `<textarea>`, whose content the parser
//! reads as text). A tag with a `<` inside it (in a quoted attribute, say)
//! is dropped whole: where the parser reads text, such a tag could hide an
//! end tag like `</style>` and the markup after it from this count.
//! Dropping a tag never makes the output unsafe: the sanitiser still cleans
//! whatever is left.

/// Elements that never have content (no end tag, no depth).
const VOID: &[&str] = &[
    "area", "base", "basefont", "bgsound", "br", "col", "embed", "frame", "hr", "image", "img",
    "input", "keygen", "link", "meta", "param", "source", "track", "wbr",
];

/// Elements whose end tag is optional: the parser closes them when an
/// enclosing block ends (its "implied end tags").
const IMPLIED_END: &[&str] = &[
    "dd", "dt", "li", "optgroup", "option", "p", "rb", "rp", "rt", "rtc",
];

/// The open elements a start tag closes when they are the innermost ones
/// (`<li>a<li>b`, `<p>a<p>b`, `<td>a<td>b`), innermost first.
fn closed_by(name: &str) -> &'static [&'static str] {
    match name {
        "li" => &["li"],
        "p" => &["p"],
        "option" => &["option"],
        "dd" | "dt" => &["dd", "dt"],
        "td" | "th" => &["td", "th"],
        "tr" => &["td", "th", "tr"],
        _ => &[],
    }
}

/// End tags the parser handles by closing the elements with optional end
/// tags above them first; every other end tag closes only the innermost
/// element.
const BLOCK_END: &[&str] = &[
    "address",
    "article",
    "aside",
    "blockquote",
    "button",
    "center",
    "dd",
    "details",
    "dialog",
    "dir",
    "div",
    "dl",
    "dt",
    "fieldset",
    "figcaption",
    "figure",
    "footer",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "header",
    "hgroup",
    "li",
    "listing",
    "main",
    "menu",
    "nav",
    "ol",
    "p",
    "pre",
    "section",
    "summary",
    "ul",
];

/// End tags of a table or its parts: the parser closes the cells, rows and
/// bodies inside them first.
const TABLE_END: &[&str] = &["table", "tbody", "tfoot", "thead", "tr"];

/// What [`TABLE_END`] tags close on their way.
const TABLE_PARTS: &[&str] = &[
    "caption", "colgroup", "tbody", "td", "tfoot", "th", "thead", "tr",
];

/// One element the document has opened and not yet closed.
struct Open {
    name: String,
    /// Passed on to the sanitiser (false: dropped for being too deep).
    kept: bool,
}

/// What starts at a `<`.
#[derive(Debug, PartialEq, Eq)]
enum Markup {
    /// Not markup: a `<` in text (length 1).
    Text,
    /// A comment, doctype, processing instruction or unfinished tag,
    /// passed on as it is.
    Other(usize),
    /// A start tag: lower-case name, length.
    Start(String, usize),
    /// An end tag: lower-case name, length.
    End(String, usize),
    /// A tag with a `<` inside it, always dropped (see the module docs).
    Junk(usize),
}

/// `html` with every element nested deeper than `max_depth` unwrapped:
/// its start and end tags are dropped, its content is kept.
pub fn limit_depth(html: &str, max_depth: usize) -> String {
    let mut out = String::with_capacity(html.len());
    let mut open: Vec<Open> = Vec::new();
    let mut kept = 0usize;
    // `html[copied..]` is not in `out` yet; `html[..at]` has been read.
    let mut copied = 0;
    let mut at = 0;
    while let Some(found) = html[at..].find('<') {
        let lt = at + found;
        let (keep, len) = match scan(&html[lt..]) {
            Markup::Text => (true, 1),
            Markup::Other(len) => (true, len),
            Markup::Start(name, len) => (start_tag(&mut open, &mut kept, name, max_depth), len),
            Markup::End(name, len) => (end_tag(&mut open, &mut kept, &name, max_depth), len),
            Markup::Junk(len) => (false, len),
        };
        if !keep {
            out.push_str(&html[copied..lt]);
            copied = lt + len;
        }
        at = lt + len;
    }
    out.push_str(&html[copied..]);
    out
}

/// Opens an element; whether its start tag is kept.
fn start_tag(open: &mut Vec<Open>, kept: &mut usize, name: String, max_depth: usize) -> bool {
    if VOID.contains(&name.as_str()) {
        return true;
    }
    let closes = closed_by(&name);
    while open
        .last()
        .is_some_and(|o| closes.contains(&o.name.as_str()))
    {
        pop(open, kept, 1);
    }
    let top = open.last().map(|o| o.name.as_str());
    for parent in implied_parents(&name, top) {
        push(open, kept, (*parent).to_owned(), max_depth);
    }
    push(open, kept, name, max_depth)
}

/// Counts an open element; whether it fits.
fn push(open: &mut Vec<Open>, kept: &mut usize, name: String, max_depth: usize) -> bool {
    let keep = *kept < max_depth;
    if keep {
        *kept += 1;
    }
    open.push(Open { name, kept: keep });
    keep
}

/// The elements the parser inserts around a table row or cell written
/// without them (`<table><td>` is a table, a body, a row and a cell).
fn implied_parents(name: &str, top: Option<&str>) -> &'static [&'static str] {
    match (name, top) {
        ("td" | "th", Some("tr")) | ("tr", Some("tbody" | "thead" | "tfoot")) => &[],
        ("td" | "th", Some("tbody" | "thead" | "tfoot")) => &["tr"],
        ("td" | "th", _) => &["tbody", "tr"],
        ("tr", _) => &["tbody"],
        _ => &[],
    }
}

/// Closes an element; whether its end tag is kept. An end tag that closes
/// nothing the count knows of is kept as written (the parser ignores it or
/// closes something, which only makes the tree shallower). The search stops
/// after `max_depth` elements, which keeps a document of thousands of
/// unclosed `<li><p>` linear; giving up only ever counts too deep.
fn end_tag(open: &mut Vec<Open>, kept: &mut usize, name: &str, max_depth: usize) -> bool {
    let through_implied = BLOCK_END.contains(&name) || TABLE_END.contains(&name);
    let through_table = TABLE_END.contains(&name);
    let mut depth = None;
    for (i, o) in open.iter().enumerate().rev().take(max_depth) {
        if o.name == name {
            depth = Some(i);
            break;
        }
        let passes = (through_implied && IMPLIED_END.contains(&o.name.as_str()))
            || (through_table && TABLE_PARTS.contains(&o.name.as_str()));
        if !passes {
            break;
        }
    }
    let Some(i) = depth else { return true };
    let keep = open[i].kept;
    pop(open, kept, open.len() - i);
    keep
}

fn pop(open: &mut Vec<Open>, kept: &mut usize, n: usize) {
    for o in open.drain(open.len() - n..) {
        if o.kept {
            *kept -= 1;
        }
    }
}

/// Reads the markup at the start of `s` (which begins with `<`) as the
/// HTML tokenizer does.
fn scan(s: &str) -> Markup {
    match scan_raw(s) {
        Markup::Start(_, len) | Markup::End(_, len) if s[1..len].contains('<') => Markup::Junk(len),
        other => other,
    }
}

fn scan_raw(s: &str) -> Markup {
    let b = s.as_bytes();
    match b.get(1) {
        Some(c) if c.is_ascii_alphabetic() => {
            tag(s, 1).map_or(Markup::Other(s.len()), |(n, l)| Markup::Start(n, l))
        }
        Some(b'/') => match b.get(2) {
            Some(c) if c.is_ascii_alphabetic() => {
                tag(s, 2).map_or(Markup::Other(s.len()), |(n, l)| Markup::End(n, l))
            }
            // `</>` is ignored; `</…` anything else is a bogus comment.
            Some(_) => Markup::Other(to_gt(s)),
            None => Markup::Text,
        },
        // Comments, doctypes, `<?…>`: they end at the first `>` at the
        // latest (the parser may end a comment later, never earlier, so
        // what follows is counted as markup if in doubt).
        Some(b'!' | b'?') => Markup::Other(to_gt(s)),
        _ => Markup::Text,
    }
}

/// Length up to and including the first `>`, or all of `s`.
fn to_gt(s: &str) -> usize {
    s.find('>').map_or(s.len(), |i| i + 1)
}

/// The lower-case name and length of the tag whose name starts at byte
/// `from` of `s`; `None` when the document ends inside the tag.
fn tag(s: &str, from: usize) -> Option<(String, usize)> {
    #[derive(Clone, Copy)]
    enum State {
        Name,
        BeforeAttrName,
        AttrName,
        AfterAttrName,
        BeforeValue,
        DoubleQuoted,
        SingleQuoted,
        Unquoted,
        AfterQuoted,
        SelfClosing,
    }
    let is_space = |c: u8| matches!(c, b'\t' | b'\n' | b'\x0c' | b' ' | b'\r');
    let b = s.as_bytes();
    let mut name_end = b.len();
    let mut state = State::Name;
    let mut i = from;
    while i < b.len() {
        let c = b[i];
        state = match state {
            State::Name => match c {
                b'>' => return Some((lower(&s[from..i]), i + 1)),
                b'/' => {
                    name_end = i;
                    State::SelfClosing
                }
                c if is_space(c) => {
                    name_end = i;
                    State::BeforeAttrName
                }
                _ => State::Name,
            },
            State::BeforeAttrName => match c {
                b'>' => break,
                b'/' => State::SelfClosing,
                c if is_space(c) => State::BeforeAttrName,
                _ => State::AttrName,
            },
            State::AttrName => match c {
                b'>' => break,
                b'/' => State::SelfClosing,
                b'=' => State::BeforeValue,
                c if is_space(c) => State::AfterAttrName,
                _ => State::AttrName,
            },
            State::AfterAttrName => match c {
                b'>' => break,
                b'/' => State::SelfClosing,
                b'=' => State::BeforeValue,
                c if is_space(c) => State::AfterAttrName,
                _ => State::AttrName,
            },
            State::BeforeValue => match c {
                b'>' => break,
                b'"' => State::DoubleQuoted,
                b'\'' => State::SingleQuoted,
                c if is_space(c) => State::BeforeValue,
                _ => State::Unquoted,
            },
            State::DoubleQuoted => match c {
                b'"' => State::AfterQuoted,
                _ => State::DoubleQuoted,
            },
            State::SingleQuoted => match c {
                b'\'' => State::AfterQuoted,
                _ => State::SingleQuoted,
            },
            State::Unquoted => match c {
                b'>' => break,
                c if is_space(c) => State::BeforeAttrName,
                _ => State::Unquoted,
            },
            State::AfterQuoted | State::SelfClosing => match c {
                b'>' => break,
                b'/' => State::SelfClosing,
                c if is_space(c) => State::BeforeAttrName,
                // Read again as the start of an attribute name.
                _ => {
                    state = State::BeforeAttrName;
                    continue;
                }
            },
        };
        i += 1;
    }
    (i < b.len()).then(|| (lower(&s[from..name_end.min(i)]), i + 1))
}

fn lower(name: &str) -> String {
    name.to_ascii_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_are_read_like_the_html_tokenizer_reads_them() {
        assert_eq!(scan("<ul>"), Markup::Start("ul".into(), 4));
        assert_eq!(scan("<UL class=x>rest"), Markup::Start("ul".into(), 12));
        assert_eq!(scan("</B >"), Markup::End("b".into(), 5));
        assert_eq!(scan("<br/>"), Markup::Start("br".into(), 5));
        assert_eq!(scan("<a title='>'>"), Markup::Start("a".into(), 13));
        assert_eq!(scan("<a title=\"x>y\">"), Markup::Start("a".into(), 15));
        // A quote that does not follow `=` is part of an attribute name and
        // does not hide the `>` after it.
        assert_eq!(scan("<b x\">"), Markup::Start("b".into(), 6));
        assert_eq!(scan("<b x=\"1\"y>"), Markup::Start("b".into(), 10));
        assert_eq!(scan("<a b=c>d"), Markup::Start("a".into(), 7));
        assert_eq!(scan("< ul>"), Markup::Text);
        assert_eq!(scan("<1>"), Markup::Text);
        assert_eq!(scan("<!-- x --> y"), Markup::Other(10));
        assert_eq!(scan("<!-- <ul> -->"), Markup::Other(9));
        assert_eq!(scan("</>"), Markup::Other(3));
        assert_eq!(scan("<ul"), Markup::Other(3));
        assert_eq!(scan("<a title=\"open"), Markup::Other(14));
        assert_eq!(scan("<a title=\"</style><ul>\">"), Markup::Junk(24));
        assert_eq!(scan("</a <ul>"), Markup::Junk(8));
    }

    /// The deepest nesting of `html`, counting every non-void start tag
    /// until its end tag (for well-formed input).
    fn depth_of(html: &str) -> usize {
        let (mut depth, mut max) = (0usize, 0usize);
        let mut rest = html;
        while let Some(lt) = rest.find('<') {
            match scan(&rest[lt..]) {
                Markup::Start(name, len) => {
                    if !VOID.contains(&name.as_str()) {
                        depth += 1;
                        max = max.max(depth);
                    }
                    rest = &rest[lt + len..];
                }
                Markup::End(_, len) => {
                    depth = depth.saturating_sub(1);
                    rest = &rest[lt + len..];
                }
                Markup::Other(len) | Markup::Junk(len) => rest = &rest[lt + len..],
                Markup::Text => rest = &rest[lt + 1..],
            }
        }
        max
    }

    #[test]
    fn deep_elements_are_unwrapped_and_their_text_kept() {
        let html = "<ul>".repeat(100) + "x" + &"</ul>".repeat(100);
        let out = limit_depth(&html, 10);
        assert_eq!(out, "<ul>".repeat(10) + "x" + &"</ul>".repeat(10));

        let html = "<b>a".repeat(5000);
        let out = limit_depth(&html, 10);
        assert_eq!(out.matches("<b>").count(), 10);
        assert_eq!(out.matches('a').count(), 5000);
    }

    #[test]
    fn shallow_documents_are_unchanged() {
        let html = "<blockquote>\n<ul>\n<li><p><strong>读</strong> <a href=\"/x\">书</a></p></li>\n\
                    <li>二<br>三<img src=\"/a.png\"></li>\n</ul>\n</blockquote>\n<p>a &lt; b</p>";
        assert_eq!(limit_depth(html, 5), html);
        assert_eq!(limit_depth("", 4), "");
        assert_eq!(limit_depth("a < b <", 4), "a < b <");
    }

    #[test]
    fn optional_end_tags_close_as_the_parser_closes_them() {
        // Ten lists of items without end tags: the lists do not nest.
        let html = "<ul><li>a<li>b<li>c</ul>".repeat(10);
        assert_eq!(limit_depth(&html, 3), html);
        let html = "<p>a<p>b<p>c".repeat(10);
        assert_eq!(limit_depth(&html, 2), html);
        let html = "<div><p>a</div>".repeat(10);
        assert_eq!(limit_depth(&html, 2), html);
        // Tables without their bodies and rows count the ones the parser adds.
        let html = "<table><tr><td>a<td>b</table>".repeat(10);
        assert_eq!(limit_depth(&html, 4), html);
        assert_eq!(limit_depth("<table><td>a</table>", 3), "<table>a</table>");
    }

    #[test]
    fn doubtful_end_tags_keep_counting() {
        // `</span>` does not close a `<div>` opened inside it (the parser
        // ignores it), so these nest: only `max` of each survive.
        let html = "<span><div></span>".repeat(50);
        let out = limit_depth(&html, 8);
        assert!(depth_of(&out) <= 8, "{out}");
        // The same for elements inside table cells, and self-closing
        // syntax on elements that are not void.
        for unit in [
            "<div><table><td></div>",
            "<div/>",
            "<b><div></b>",
            "<p><b x=1></p>",
        ] {
            let out = limit_depth(&unit.repeat(200), 8);
            assert!(out.matches('<').count() <= 8 * 4 + 200 * 2, "{unit}: {out}");
        }
    }
}

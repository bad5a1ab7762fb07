//! Turning text into search tokens, and queries into index queries.
//!
//! Chinese has no spaces, and a dictionary segmenter guesses wrong on names
//! and new words (三体 inside 三体问题, a member's own phrase). So runs of Han
//! characters are indexed as overlapping pairs: 红楼梦 → 红楼 楼梦. A query
//! looks for its pairs as a phrase (adjacent tokens), which finds the query
//! wherever it occurs as a substring, whatever its length, with nothing
//! depending on a dictionary. Other words (English, numbers) are lower-cased
//! whole words. Tokens only ever hold letters and digits, so the same token
//! string means the same thing to SQLite's FTS5 and PostgreSQL's tsvector.

use super::Piece;

/// Tokens indexed per document at most: PostgreSQL keeps word positions up to
/// 16,383, and phrases need positions; both backends stop at the same place.
pub const MAX_TOKENS: usize = 16_000;

/// Query terms at most (more words narrow nothing down in practice).
pub const MAX_TERMS: usize = 8;

/// Han ideographs (CJK unified, extension A, compatibility).
pub fn is_han(c: char) -> bool {
    matches!(c,
        '\u{4E00}'..='\u{9FFF}' | '\u{3400}'..='\u{4DBF}' | '\u{F900}'..='\u{FAFF}'
        | '\u{20000}'..='\u{2A6DF}')
}

/// A character of a non-Han word: ASCII letters and digits, and letters of
/// other scripts (not other digits or marks, which the two backends' word
/// splitters treat differently).
fn is_word_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || (!c.is_ascii() && !is_han(c) && c.is_alphabetic())
}

/// A run of the text: Han characters, or one word.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Run {
    Han(Vec<char>),
    Word(String),
}

/// Splits text into Han runs and lower-cased words; everything else
/// (spaces, punctuation, symbols) only separates them.
pub fn runs(text: &str) -> Vec<Run> {
    let mut out = Vec::new();
    let mut han: Vec<char> = Vec::new();
    let mut word = String::new();
    let flush = |han: &mut Vec<char>, word: &mut String, out: &mut Vec<Run>| {
        if !han.is_empty() {
            out.push(Run::Han(std::mem::take(han)));
        }
        if !word.is_empty() {
            out.push(Run::Word(std::mem::take(word)));
        }
    };
    for c in text.chars() {
        if is_han(c) {
            if !word.is_empty() {
                flush(&mut han, &mut word, &mut out);
            }
            han.push(c);
        } else if is_word_char(c) {
            if !han.is_empty() {
                flush(&mut han, &mut word, &mut out);
            }
            word.extend(c.to_lowercase());
        } else {
            flush(&mut han, &mut word, &mut out);
        }
    }
    flush(&mut han, &mut word, &mut out);
    out
}

/// The tokens of one run: a lone Han character as itself, longer Han runs
/// as overlapping pairs, a word as itself.
fn run_tokens(run: &Run) -> Vec<String> {
    match run {
        Run::Han(chars) if chars.len() == 1 => vec![chars[0].to_string()],
        Run::Han(chars) => chars.windows(2).map(|w| w.iter().collect()).collect(),
        Run::Word(w) => vec![w.clone()],
    }
}

/// Appends the tokens of `text` to `out`, space-separated, stopping at
/// [`MAX_TOKENS`] in all (`count` carries the number across calls).
pub fn push_tokens(text: &str, out: &mut String, count: &mut usize) {
    for run in runs(text) {
        for token in run_tokens(&run) {
            if *count >= MAX_TOKENS {
                return;
            }
            if !out.is_empty() {
                out.push(' ');
            }
            out.push_str(&token);
            *count += 1;
        }
    }
}

/// One thing a document must contain to match.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Term {
    /// These tokens, next to each other in this order.
    Phrase(Vec<String>),
    /// A token starting with this (a lone Han character).
    Prefix(String),
}

/// A parsed query: the terms (all must match) and the words to highlight.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Query {
    pub terms: Vec<Term>,
    /// Lower-cased pieces of the query as typed, to mark in the results.
    pub needles: Vec<String>,
}

impl Query {
    pub fn parse(q: &str) -> Query {
        let mut query = Query::default();
        for run in runs(q) {
            if query.terms.len() >= MAX_TERMS {
                break;
            }
            let (term, needle) = match &run {
                Run::Han(chars) if chars.len() == 1 => {
                    (Term::Prefix(chars[0].to_string()), chars[0].to_string())
                }
                Run::Han(chars) => (Term::Phrase(run_tokens(&run)), chars.iter().collect()),
                Run::Word(w) => (Term::Phrase(vec![w.clone()]), w.clone()),
            };
            if !query.terms.contains(&term) {
                query.terms.push(term);
                query.needles.push(needle);
            }
        }
        query
    }

    pub fn is_empty(&self) -> bool {
        self.terms.is_empty()
    }

    /// The FTS5 `MATCH` expression: `"红楼 楼梦" AND "ai" AND "三"*`.
    pub fn fts5(&self) -> String {
        self.terms
            .iter()
            .map(|t| match t {
                Term::Phrase(tokens) => format!("\"{}\"", tokens.join(" ")),
                Term::Prefix(p) => format!("\"{p}\"*"),
            })
            .collect::<Vec<_>>()
            .join(" AND ")
    }

    /// The PostgreSQL `to_tsquery('simple', …)` text: `(红楼 <-> 楼梦) & ai & 三:*`.
    pub fn tsquery(&self) -> String {
        self.terms
            .iter()
            .map(|t| match t {
                Term::Phrase(tokens) => format!("({})", tokens.join(" <-> ")),
                Term::Prefix(p) => format!("{p}:*"),
            })
            .collect::<Vec<_>>()
            .join(" & ")
    }
}

/// Cuts `text` into pieces with the needles marked (case-insensitively).
/// With `window`, keeps only about that many characters around the first
/// match, with "…" where text was left out.
pub fn highlight(text: &str, needles: &[String], window: Option<usize>) -> Vec<Piece> {
    let chars: Vec<char> = text.chars().collect();
    let lower: Vec<char> = chars
        .iter()
        .map(|c| c.to_lowercase().next().unwrap_or(*c))
        .collect();
    let needles: Vec<Vec<char>> = needles
        .iter()
        .map(|n| n.chars().collect::<Vec<_>>())
        .filter(|n| !n.is_empty())
        .collect();
    // Which characters are inside a match.
    let mut marked = vec![false; chars.len()];
    let mut first: Option<usize> = None;
    for needle in &needles {
        let mut i = 0;
        while i + needle.len() <= lower.len() {
            if lower[i..i + needle.len()] == needle[..] {
                marked[i..i + needle.len()]
                    .iter_mut()
                    .for_each(|m| *m = true);
                first = Some(first.map_or(i, |f: usize| f.min(i)));
                i += needle.len();
            } else {
                i += 1;
            }
        }
    }
    let (start, end) = match window {
        Some(w) if chars.len() > w => {
            let anchor = first.unwrap_or(0);
            let start = anchor.saturating_sub(w / 4);
            let end = (start + w).min(chars.len());
            (end.saturating_sub(w), end)
        }
        _ => (0, chars.len()),
    };
    let mut pieces: Vec<Piece> = Vec::new();
    for i in start..end {
        match pieces.last_mut() {
            Some(p) if p.hit == marked[i] => p.text.push(chars[i]),
            _ => pieces.push(Piece {
                text: chars[i].to_string(),
                hit: marked[i],
            }),
        }
    }
    let ellipsis = || Piece {
        text: "…".into(),
        hit: false,
    };
    if start > 0 {
        pieces.insert(0, ellipsis());
    }
    if end < chars.len() {
        pieces.push(ellipsis());
    }
    pieces
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tokens(text: &str) -> String {
        let mut out = String::new();
        push_tokens(text, &mut out, &mut 0);
        out
    }

    #[test]
    fn han_runs_become_pairs_and_words_lower_case() {
        assert_eq!(tokens("红楼梦"), "红楼 楼梦");
        assert_eq!(tokens("读《三体》，AI时代!"), "读 三体 ai 时代");
        assert_eq!(tokens("Rust 2024 版"), "rust 2024 版");
        assert_eq!(tokens("  ，。!  "), "");
    }

    #[test]
    fn token_count_is_capped() {
        let long = "书".repeat(MAX_TOKENS + 50);
        let mut out = String::new();
        let mut n = 0;
        push_tokens(&long, &mut out, &mut n);
        push_tokens("更多", &mut out, &mut n);
        assert_eq!(n, MAX_TOKENS);
        assert_eq!(out.split(' ').count(), MAX_TOKENS);
    }

    #[test]
    fn queries_become_phrases_prefixes_and_words() {
        let q = Query::parse("学习新思想 三体 Python 书");
        assert_eq!(
            q.fts5(),
            "\"学习 习新 新思 思想\" AND \"三体\" AND \"python\" AND \"书\"*"
        );
        assert_eq!(
            q.tsquery(),
            "(学习 <-> 习新 <-> 新思 <-> 思想) & (三体) & (python) & 书:*"
        );
        assert_eq!(q.needles, ["学习新思想", "三体", "python", "书"]);
        assert!(Query::parse(" ，！ ").is_empty());
        // Quotes and operators never reach the index query.
        let hostile = Query::parse("\" OR 1=1 -- ') & !a:* <->");
        assert_eq!(hostile.fts5(), "\"or\" AND \"1\" AND \"a\"");
        assert_eq!(Query::parse(&"字 ".repeat(30)).terms.len(), 1);
        assert_eq!(Query::parse("a b c d e f g h i j k").terms.len(), MAX_TERMS);
    }

    #[test]
    fn highlight_marks_matches_case_insensitively() {
        let pieces = highlight(
            "我读了三体，又读Python",
            &["三体".into(), "python".into()],
            None,
        );
        let shown: Vec<(&str, bool)> = pieces.iter().map(|p| (p.text.as_str(), p.hit)).collect();
        assert_eq!(
            shown,
            [
                ("我读了", false),
                ("三体", true),
                ("，又读", false),
                ("Python", true)
            ]
        );
    }

    #[test]
    fn highlight_windows_around_the_first_match() {
        let text = format!("{}关键词{}", "前".repeat(100), "后".repeat(100));
        let pieces = highlight(&text, &["关键词".into()], Some(40));
        assert_eq!(pieces.first().unwrap().text, "…");
        assert_eq!(pieces.last().unwrap().text, "…");
        assert!(pieces.iter().any(|p| p.hit && p.text == "关键词"));
        let len: usize = pieces.iter().map(|p| p.text.chars().count()).sum();
        assert_eq!(len, 42);
    }
}

//! CSV as spreadsheets read it: cells quoted RFC 4180 style, CRLF line
//! ends, a byte-order mark so Excel takes it as UTF-8, and text that a
//! spreadsheet would run as a formula exported as plain text.

use std::borrow::Cow;

/// A whole table: the mark, the header row, then the rows (each cell defused).
pub fn table<R, C>(header: &[&str], rows: R) -> String
where
    R: IntoIterator<Item = C>,
    C: IntoIterator<Item = String>,
{
    let mut out = String::from("\u{feff}");
    push_row(&mut out, header.iter().map(|h| Cow::Borrowed(*h)));
    for row in rows {
        push_row(
            &mut out,
            row.into_iter().map(|c| Cow::Owned(defuse(&c).into_owned())),
        );
    }
    out
}

/// Appends one row.
pub fn push_row<'a>(out: &mut String, cells: impl IntoIterator<Item = Cow<'a, str>>) {
    for (i, cell) in cells.into_iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        let needs_quotes = cell.contains([',', '"', '\n', '\r'])
            || cell.starts_with(char::is_whitespace)
            || cell.ends_with(char::is_whitespace);
        if needs_quotes {
            out.push('"');
            out.push_str(&cell.replace('"', "\"\""));
            out.push('"');
        } else {
            out.push_str(&cell);
        }
    }
    out.push_str("\r\n");
}

/// Whether a spreadsheet would take a cell starting like `s` for a formula.
pub fn looks_like_formula(s: &str) -> bool {
    s.trim_start_matches('\'').starts_with(['=', '+', '-', '@'])
}

/// Text that a spreadsheet would run as a formula (`=HYPERLINK(…)`) is
/// exported behind an apostrophe, which spreadsheets show as plain text.
pub fn defuse(s: &str) -> Cow<'_, str> {
    if looks_like_formula(s) {
        Cow::Owned(format!("'{s}"))
    } else {
        Cow::Borrowed(s)
    }
}

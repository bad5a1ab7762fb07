//! ISBNs as people type them: ISBN-10 or ISBN-13, with or without hyphens,
//! spaces, an `ISBN:` label or full-width characters from a Chinese input
//! method. Everything is normalised to the 13 ASCII digits of an ISBN-13.
//! Shared by the server and the browser; std only.

const MSG_EMPTY: &str = "请填写 ISBN";
const MSG_CHARS: &str = "ISBN 只能包含数字、连字符和末位的 X";
const MSG_CHECK: &str = "ISBN 校验位不正确，请检查是否输错";
const MSG_PREFIX: &str = "ISBN-13 应以 978 或 979 开头";

/// Parses an ISBN-10 or ISBN-13 and returns the normalised ISBN-13 as
/// 13 ASCII digits. An ISBN-10 becomes the 978-prefixed ISBN-13 of the same
/// book, with its check digit recomputed.
pub fn parse(input: &str) -> Result<String, String> {
    let folded: String = input.chars().map(to_half_width).collect();
    let body = strip_label(folded.trim());
    if body.is_empty() {
        return Err(MSG_EMPTY.into());
    }

    // Digit values; an X stands for 10 and may only end an ISBN-10.
    let mut digits: Vec<u32> = Vec::with_capacity(13);
    let mut ends_in_x = false;
    for c in body.chars() {
        if is_separator(c) {
            continue;
        }
        if ends_in_x {
            // Something significant after the X.
            return Err(MSG_CHARS.into());
        }
        match c {
            '0'..='9' => digits.push(c as u32 - '0' as u32),
            'X' | 'x' => {
                digits.push(10);
                ends_in_x = true;
            }
            _ => return Err(MSG_CHARS.into()),
        }
    }

    match digits.len() {
        10 => {
            if !isbn10_sum(&digits).is_multiple_of(11) {
                return Err(MSG_CHECK.into());
            }
            let mut isbn13 = vec![9, 7, 8];
            isbn13.extend_from_slice(&digits[..9]);
            isbn13.push(isbn13_check(&isbn13));
            Ok(to_text(&isbn13))
        }
        13 => {
            if !(digits.starts_with(&[9, 7, 8]) || digits.starts_with(&[9, 7, 9])) {
                return Err(MSG_PREFIX.into());
            }
            // A final X can never be an ISBN-13 check digit.
            if ends_in_x || isbn13_check(&digits[..12]) != digits[12] {
                return Err(MSG_CHECK.into());
            }
            Ok(to_text(&digits))
        }
        0 => Err(MSG_EMPTY.into()),
        n => Err(format!("ISBN 应为 10 位或 13 位数字，现在是 {n} 位")),
    }
}

/// The ISBN-10 form (no hyphens; the check digit may be `X`) of a
/// normalised 978 ISBN-13, as returned by [`parse`]. `None` for 979 ISBNs,
/// which have no ISBN-10, and for anything that is not a valid ISBN-13.
pub fn hyphenless_isbn10(isbn13: &str) -> Option<String> {
    if isbn13.len() != 13 || !isbn13.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let digits: Vec<u32> = isbn13.bytes().map(|b| u32::from(b - b'0')).collect();
    if !digits.starts_with(&[9, 7, 8]) || isbn13_check(&digits[..12]) != digits[12] {
        return None;
    }
    let core = &digits[3..12];
    let check = (11 - isbn10_sum(core) % 11) % 11;
    let mut out = to_text(core);
    out.push(if check == 10 {
        'X'
    } else {
        char::from_digit(check, 10)?
    });
    Some(out)
}

/// Maps full-width ASCII (`０`–`９`, `－`, `Ｘ`, `：`…) and the ideographic
/// space to their ordinary forms; other characters are returned unchanged.
pub(super) fn to_half_width(c: char) -> char {
    match c {
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        '\u{3000}' => ' ',
        _ => c,
    }
}

/// Removes a leading `ISBN`, `ISBN:`, `ISBN-13:`, `ISBN-10 ` (any case).
fn strip_label(s: &str) -> &str {
    let Some(mut rest) = s
        .get(..4)
        .filter(|p| p.eq_ignore_ascii_case("isbn"))
        .map(|_| s[4..].trim_start())
    else {
        return s;
    };
    // "ISBN-13" / "ISBN 10:" name the form; those digits are not part of the number.
    for label in ["-13", "-10", "13", "10"] {
        if let Some(after) = rest.strip_prefix(label) {
            let next = after.trim_start();
            let spaced = label.starts_with('-') && after.starts_with(char::is_whitespace);
            if next.starts_with(':') || spaced {
                rest = next;
                break;
            }
        }
    }
    rest.strip_prefix(':').unwrap_or(rest).trim_start()
}

/// Hyphens, dashes and spaces people put between the groups of an ISBN.
fn is_separator(c: char) -> bool {
    c == '-' || c.is_whitespace() || matches!(c, '\u{2010}'..='\u{2015}' | '\u{2212}' | '\u{00AD}')
}

/// Weighted sum 10, 9, 8… over the digits of an ISBN-10 (or its first nine).
fn isbn10_sum(digits: &[u32]) -> u32 {
    digits
        .iter()
        .zip((1..=10).rev())
        .map(|(d, weight)| d * weight)
        .sum()
}

/// The ISBN-13 check digit for its first twelve digits.
fn isbn13_check(first12: &[u32]) -> u32 {
    let sum: u32 = first12
        .iter()
        .enumerate()
        .map(|(i, d)| if i % 2 == 0 { *d } else { d * 3 })
        .sum();
    (10 - sum % 10) % 10
}

fn to_text(digits: &[u32]) -> String {
    digits
        .iter()
        .filter_map(|d| char::from_digit(*d, 10))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn isbn13_is_returned_as_digits() {
        // 《三体》，重庆出版社
        assert_eq!(parse("9787536692930").unwrap(), "9787536692930");
        assert_eq!(parse("978-7-5366-9293-0").unwrap(), "9787536692930");
        assert_eq!(parse(" 978 7 5366 9293 0 ").unwrap(), "9787536692930");
        // 《红楼梦》，人民文学出版社
        assert_eq!(parse("978-7-02-000220-7").unwrap(), "9787020002207");
        // A 979 ISBN.
        assert_eq!(parse("979-10-90636-07-1").unwrap(), "9791090636071");
    }

    #[test]
    fn isbn10_becomes_isbn13() {
        assert_eq!(parse("7-5366-9293-5").unwrap(), "9787536692930");
        assert_eq!(parse("7536692935").unwrap(), "9787536692930");
        assert_eq!(parse("0-306-40615-2").unwrap(), "9780306406157");
        assert_eq!(parse("0 306 40615 2").unwrap(), "9780306406157");
    }

    #[test]
    fn isbn10_may_end_in_x() {
        // 《红楼梦》 again, in its ISBN-10 form.
        assert_eq!(parse("7-02-000220-X").unwrap(), "9787020002207");
        assert_eq!(parse("7-02-000220-x").unwrap(), "9787020002207");
        assert_eq!(parse("080442957X").unwrap(), "9780804429573");
        // Only as the last character.
        assert_eq!(parse("7-02-00X220-0").unwrap_err(), MSG_CHARS);
        assert_eq!(parse("X-02-000220-7").unwrap_err(), MSG_CHARS);
        // Not as the check digit of an ISBN-13.
        assert_eq!(parse("978702000220X").unwrap_err(), MSG_CHECK);
        // An X where the check digit should be something else.
        assert_eq!(parse("7-5366-9293-X").unwrap_err(), MSG_CHECK);
    }

    #[test]
    fn labels_are_accepted() {
        for input in [
            "ISBN 978-7-5366-9293-0",
            "ISBN:9787536692930",
            "isbn: 978-7-5366-9293-0",
            "Isbn9787536692930",
            "ISBN-13: 978-7-5366-9293-0",
            "ISBN-13 978-7-5366-9293-0",
            "ISBN 13: 9787536692930",
            "ISBN-10: 7-5366-9293-5",
            "ISBN-10 7536692935",
            "ISBN：978-7-5366-9293-0",
        ] {
            assert_eq!(parse(input).unwrap(), "9787536692930", "{input:?}");
        }
    }

    #[test]
    fn full_width_input_is_normalised() {
        assert_eq!(
            parse("９７８－７－５３６６－９２９３－０").unwrap(),
            "9787536692930"
        );
        assert_eq!(
            parse("ＩＳＢＮ：９７８７５３６６９２９３０").unwrap(),
            "9787536692930"
        );
        assert_eq!(
            parse("７－０２－０００２２０－Ｘ").unwrap(),
            "9787020002207"
        );
        assert_eq!(
            parse("\u{3000}9787536692930\u{3000}").unwrap(),
            "9787536692930"
        );
        // Dashes pasted from web pages.
        assert_eq!(
            parse("978\u{2013}7\u{2010}5366\u{2212}9293-0").unwrap(),
            "9787536692930"
        );
    }

    #[test]
    fn wrong_check_digits_are_refused() {
        for bad in [
            "9787536692931",
            "978-7-5366-9293-9",
            "9780306406158",
            "7-5366-9293-1",
            "0-306-40615-3",
            // Two neighbouring digits swapped.
            "9787356692930",
        ] {
            assert_eq!(parse(bad).unwrap_err(), MSG_CHECK, "{bad:?}");
        }
    }

    #[test]
    fn wrong_lengths_are_refused() {
        assert_eq!(
            parse("978753669293").unwrap_err(),
            "ISBN 应为 10 位或 13 位数字，现在是 12 位"
        );
        assert_eq!(
            parse("97875366929301").unwrap_err(),
            "ISBN 应为 10 位或 13 位数字，现在是 14 位"
        );
        assert!(parse("753669293").unwrap_err().contains("10 位或 13 位"));
        assert!(parse("12345").unwrap_err().contains("现在是 5 位"));
        assert!(parse("75366929X").unwrap_err().contains("现在是 9 位"));
    }

    #[test]
    fn isbn13_must_start_with_978_or_979() {
        assert_eq!(parse("9777536692930").unwrap_err(), MSG_PREFIX);
        assert_eq!(parse("1234567890128").unwrap_err(), MSG_PREFIX);
    }

    #[test]
    fn other_characters_are_refused() {
        for bad in [
            "978-7-5366-9293-0a",
            "978.7.5366.9293.0",
            "978/7536692930",
            "书号9787536692930",
            "ISBN 978-7-5366-9293-0（平装）",
        ] {
            assert_eq!(parse(bad).unwrap_err(), MSG_CHARS, "{bad:?}");
        }
    }

    #[test]
    fn empty_input_asks_for_a_value() {
        assert_eq!(parse("").unwrap_err(), MSG_EMPTY);
        assert_eq!(parse("   ").unwrap_err(), MSG_EMPTY);
        assert_eq!(parse("ISBN:").unwrap_err(), MSG_EMPTY);
        assert_eq!(parse("- -").unwrap_err(), MSG_EMPTY);
    }

    #[test]
    fn isbn10_form_of_978_isbns() {
        assert_eq!(hyphenless_isbn10("9787536692930").unwrap(), "7536692935");
        assert_eq!(hyphenless_isbn10("9780306406157").unwrap(), "0306406152");
        assert_eq!(hyphenless_isbn10("9787020002207").unwrap(), "702000220X");
        assert_eq!(hyphenless_isbn10("9791090636071"), None);
        // Not a normalised, valid ISBN-13.
        assert_eq!(hyphenless_isbn10("9787536692931"), None);
        assert_eq!(hyphenless_isbn10("978-7-5366-9293-0"), None);
        assert_eq!(hyphenless_isbn10("7536692935"), None);
        assert_eq!(hyphenless_isbn10(""), None);
    }

    #[test]
    fn isbn10_and_isbn13_round_trip() {
        for isbn13 in [
            "9787536692930",
            "9780306406157",
            "9787020002207",
            "9780804429573",
        ] {
            let isbn10 = hyphenless_isbn10(isbn13).unwrap();
            assert_eq!(parse(&isbn10).unwrap(), isbn13);
        }
    }
}

//! `@用户名` mentions in a post's Markdown source.
//!
//! A mention is `@` followed by a user name (letters, digits, `_`) that does not follow a letter or digit (so `a@b.cn` is an e-mail address,
//! not a mention) and is not inside inline code or a fenced code block.

/// The largest number of people one post notifies by mention.
pub const MAX_MENTIONS: usize = 10;

fn is_name_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// The user names mentioned in `source`, lower-cased, first occurrence
/// first, without repeats, at most [`MAX_MENTIONS`].
pub fn mentioned_names(source: &str) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    let mut in_fence = false;
    for line in source.lines() {
        let trimmed = line.trim_start();
        if trimmed.starts_with("```") || trimmed.starts_with("~~~") {
            in_fence = !in_fence;
            continue;
        }
        if in_fence || line.starts_with("    ") || line.starts_with('\t') {
            continue;
        }
        let mut in_code = false;
        let mut prev: Option<char> = None;
        for (i, c) in line.char_indices() {
            if c == '`' {
                in_code = !in_code;
            } else if c == '@' && !in_code && !prev.is_some_and(|p| p.is_alphanumeric()) {
                let rest = &line[i + 1..];
                let end = rest
                    .find(|ch: char| !is_name_char(ch))
                    .unwrap_or(rest.len());
                let name = &rest[..end];
                if !name.is_empty() && name.len() <= 32 {
                    let name = name.to_ascii_lowercase();
                    if !names.contains(&name) {
                        names.push(name);
                        if names.len() == MAX_MENTIONS {
                            return names;
                        }
                    }
                }
            }
            prev = Some(c);
        }
    }
    names
}

/// The partial name being typed right before the cursor, if the cursor
/// follows `@name` (used to suggest people while typing).
pub fn typing_mention(before_cursor: &str) -> Option<&str> {
    let at = before_cursor.rfind('@')?;
    let name = &before_cursor[at + 1..];
    let starts_word = before_cursor[..at]
        .chars()
        .next_back()
        .is_none_or(|p| !p.is_alphanumeric());
    (starts_word && name.len() <= 32 && name.chars().all(is_name_char)).then_some(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_names_once_in_order() {
        assert_eq!(
            mentioned_names("@LiMing 你好，@wang_fang 和 @liming 怎么看？"),
            vec!["liming", "wang_fang"]
        );
    }

    #[test]
    fn ignores_emails_code_and_trailing_dots() {
        let src = "写信到 a@b.cn。\n`@incode` 不算\n```\n@fenced\n```\n    @indented\n最后 @zhang.";
        assert_eq!(mentioned_names(src), vec!["zhang"]);
    }

    #[test]
    fn caps_the_number_of_mentions() {
        let src = (0..30).map(|i| format!("@u{i} ")).collect::<String>();
        assert_eq!(mentioned_names(&src).len(), MAX_MENTIONS);
    }

    #[test]
    fn detects_a_name_being_typed() {
        assert_eq!(typing_mention("请 @li"), Some("li"));
        assert_eq!(typing_mention("@"), Some(""));
        assert_eq!(typing_mention("mail a@b"), None);
        assert_eq!(typing_mention("@li ming"), None);
        assert_eq!(typing_mention("没有"), None);
    }
}

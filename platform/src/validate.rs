//! Checks of typed text that every form shares, with Chinese messages.
//! A feature's own rules (a slug, a number of seats) stay in its
//! `validate.rs`.

/// Length in characters, as people count them (not bytes).
pub fn chars(s: &str) -> usize {
    s.chars().count()
}

/// One line of text, trimmed: required or not, at most `max` characters,
/// no control characters. `what` names the field in the message.
pub fn text(s: &str, max: usize, what: &str, required: bool) -> Result<String, String> {
    let t = s.trim();
    if required && t.is_empty() {
        return Err(format!("请填写{what}"));
    }
    if chars(t) > max {
        return Err(format!("{what}不能超过 {max} 个字"));
    }
    if t.chars().any(char::is_control) {
        return Err(format!("{what}不能包含控制字符"));
    }
    Ok(t.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_line_of_text_is_trimmed_bounded_and_plain() {
        assert_eq!(text("  读书  ", 5, "标题", true), Ok("读书".to_owned()));
        assert_eq!(text(" ", 5, "标题", true), Err("请填写标题".to_owned()));
        assert_eq!(text("", 5, "系列", false), Ok(String::new()));
        assert_eq!(
            text("六个字的标题", 5, "标题", true),
            Err("标题不能超过 5 个字".to_owned())
        );
        assert!(text("a\u{7}b", 5, "标题", true).is_err());
        assert_eq!(chars("书香"), 2);
    }
}

//! Rules for what people type into account forms. Shared by the server (the
//! check that counts) and the browser (hints while typing).

/// Shortest and longest user name, in characters.
pub const USERNAME_MIN: usize = 3;
pub const USERNAME_MAX: usize = 20;
pub const DISPLAY_NAME_MAX: usize = 20;
pub const PASSWORD_MIN: usize = 8;
/// Long enough for any passphrase, short enough that hashing stays cheap.
pub const PASSWORD_MAX: usize = 128;

/// A sign-in name: lower-case Latin letters, digits and `_`, starting with a
/// letter. Case-insensitive: input is folded to lower case first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Username(String);

impl Username {
    pub fn parse(input: &str) -> Result<Username, String> {
        let s = input.trim().to_lowercase();
        let n = s.chars().count();
        if n == 0 {
            return Err("请填写用户名".into());
        }
        if n > USERNAME_MAX {
            return Err(format!("用户名不能超过 {USERNAME_MAX} 个字符"));
        }
        let first_ok = s.chars().next().is_some_and(|c| c.is_ascii_lowercase());
        let rest_ok = s
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
        if !first_ok || !rest_ok {
            return Err("用户名只能包含英文字母、数字和下划线，并以字母开头".into());
        }
        if n < USERNAME_MIN {
            return Err(format!("用户名至少需要 {USERNAME_MIN} 个字符"));
        }
        Ok(Username(s))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The name shown to others, in any script.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DisplayName(String);

impl DisplayName {
    pub fn parse(input: &str) -> Result<DisplayName, String> {
        let s = input.trim();
        let n = s.chars().count();
        if n == 0 {
            return Err("请填写显示名称".into());
        }
        if n > DISPLAY_NAME_MAX {
            return Err(format!("显示名称不能超过 {DISPLAY_NAME_MAX} 个字符"));
        }
        if s.chars().any(|c| c.is_control() || is_invisible(c)) {
            return Err("显示名称不能包含控制字符或不可见字符".into());
        }
        Ok(DisplayName(s.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Zero-width and direction-override characters that let one name pass for another.
fn is_invisible(c: char) -> bool {
    matches!(c, '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2064}' | '\u{FEFF}')
}

/// Checks a new password; the password itself is never echoed back.
pub fn check_new_password(password: &str) -> Result<(), String> {
    let n = password.chars().count();
    if n == 0 {
        return Err("请填写密码".into());
    }
    if n < PASSWORD_MIN {
        return Err(format!("密码至少需要 {PASSWORD_MIN} 个字符"));
    }
    if n > PASSWORD_MAX {
        return Err(format!("密码不能超过 {PASSWORD_MAX} 个字符"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usernames_fold_case_and_trim() {
        assert_eq!(Username::parse("  ZhangSan ").unwrap().as_str(), "zhangsan");
    }

    #[test]
    fn usernames_reject_bad_shapes() {
        for bad in [
            "",
            "ab",
            "1abc",
            "zhang san",
            "张三丰",
            "a-b-c",
            &"a".repeat(21),
            "abc<script>",
        ] {
            assert!(Username::parse(bad).is_err(), "{bad:?} should be refused");
        }
        assert!(Username::parse("reader_01").is_ok());
        assert!(Username::parse(&"a".repeat(20)).is_ok());
    }

    #[test]
    fn username_messages_are_chinese() {
        assert_eq!(Username::parse("").unwrap_err(), "请填写用户名");
        assert!(Username::parse("ab").unwrap_err().contains("至少"));
        // A wrong first character is the more useful message.
        assert!(Username::parse("9a").unwrap_err().contains("以字母开头"));
    }

    #[test]
    fn display_names_allow_chinese_and_limit_length() {
        assert_eq!(DisplayName::parse(" 张委员 ").unwrap().as_str(), "张委员");
        assert!(DisplayName::parse("").is_err());
        assert!(DisplayName::parse(&"书".repeat(20)).is_ok());
        assert!(DisplayName::parse(&"书".repeat(21)).is_err());
        assert!(DisplayName::parse("张\u{202E}三").is_err());
        assert!(DisplayName::parse("a\nb").is_err());
    }

    #[test]
    fn passwords_have_bounds() {
        assert!(check_new_password("").is_err());
        assert!(check_new_password("1234567").is_err());
        assert!(check_new_password("12345678").is_ok());
        assert!(check_new_password("密码密码密码密码").is_ok());
        assert!(check_new_password(&"x".repeat(129)).is_err());
    }
}

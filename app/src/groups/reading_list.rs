//! A group's reading list (书目): ordered books with a schedule and a
//! guided reading (导读) each.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListItem {
    pub id: i64,
    pub book_id: i64,
    pub title: String,
    pub author: String,
    pub cover_id: Option<i64>,
    pub position: i64,
    pub starts_on: String,
    pub ends_on: String,
    pub guide_md: String,
    pub guide_html: platform::SafeHtml,
}

impl ListItem {
    /// Scheduled for `today` (`YYYY-MM-DD`, inclusive dates).
    pub fn is_current(&self, today: &str) -> bool {
        self.starts_on.as_str() <= today && today <= self.ends_on.as_str()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn current_by_dates() {
        let item = ListItem {
            id: 1,
            book_id: 1,
            title: "乡土中国".into(),
            author: "费孝通".into(),
            cover_id: None,
            position: 1,
            starts_on: "2026-03-01".into(),
            ends_on: "2026-03-15".into(),
            guide_md: String::new(),
            guide_html: platform::SafeHtml::default(),
        };
        assert!(item.is_current("2026-03-01"));
        assert!(item.is_current("2026-03-15"));
        assert!(!item.is_current("2026-03-16"));
    }
}

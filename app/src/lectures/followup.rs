//! The follow-up thread a lecture's questions open after it: its first
//! post, written from the questions.

use super::QuestionView;

/// The follow-up thread's first post: the questions as a Markdown list,
/// most voted first, answered ones marked.
pub fn followup_markdown(title: &str, questions: &[QuestionView]) -> String {
    let mut md = format!(
        "以下是讲座《{}》直播中观众提出的问题，欢迎继续讨论。\n\n",
        escape_md(title)
    );
    for q in questions.iter().filter(|q| !q.hidden) {
        let mark = if q.answered { "（已解答）" } else { "" };
        md.push_str(&format!(
            "1. {}{} —— {}，{} 人赞同\n",
            escape_md(&q.body.replace('\n', " ")),
            mark,
            escape_md(&q.author),
            q.votes
        ));
    }
    md
}

/// Takes Markdown's meaning out of plain text.
fn escape_md(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if "\\`*_{}[]()#+-.!<>|~&".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn followup_lists_visible_questions_as_plain_text() {
        let q = |id, body: &str, hidden| QuestionView {
            id,
            body: body.into(),
            author: "张三".into(),
            votes: 3,
            answered: id == 1,
            hidden,
            created_at: 0,
        };
        let md = followup_markdown(
            "读书*方法*",
            &[q(1, "[链接](javascript:x)", false), q(2, "藏起来", true)],
        );
        assert!(md.contains("读书\\*方法\\*"));
        assert!(md.contains("\\[链接\\]\\(javascript:x\\)（已解答）"));
        assert!(!md.contains("藏起来"));
    }
}

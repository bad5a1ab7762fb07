//! Rules for a book's descriptive fields, as typed into the book form or a
//! catalogue CSV. Shared by the server (the check that counts) and the
//! browser (hints while typing); std only.

use super::BookFields;

/// Longest title, author, publisher and summary, in characters.
pub const TITLE_MAX: usize = 100;
pub const AUTHOR_MAX: usize = 100;
pub const PUBLISHER_MAX: usize = 100;
pub const SUMMARY_MAX: usize = 2000;
pub const PAGES_MAX: i64 = 20000;
/// Earliest publication year accepted; the latest is next year.
pub const YEAR_MIN: i64 = 1000;

/// The field names used in errors, in form order, with their Chinese labels.
/// The labels are also the column headers of the catalogue CSV.
pub const FIELD_LABELS: [(&str, &str); 7] = [
    ("title", "书名"),
    ("author", "作者"),
    ("publisher", "出版社"),
    ("year", "出版年份"),
    ("isbn", "ISBN"),
    ("pages", "页数"),
    ("summary", "简介"),
];

/// The Chinese label of a field name such as `"title"`.
pub fn field_label(field: &str) -> Option<&'static str> {
    FIELD_LABELS
        .iter()
        .find(|(name, _)| *name == field)
        .map(|(_, label)| *label)
}

/// The book form as posted: the argument of `create_book` and
/// `update_book`, flattened, so the form's field names are these names.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct BookInput {
    pub title: String,
    pub author: String,
    pub publisher: String,
    pub year: String,
    pub isbn: String,
    pub pages: String,
    pub summary: String,
}

impl BookInput {
    /// The fields [`book_fields`] checks.
    pub fn raw(&self) -> RawBook<'_> {
        RawBook {
            title: &self.title,
            author: &self.author,
            publisher: &self.publisher,
            year: &self.year,
            isbn: &self.isbn,
            pages: &self.pages,
            summary: &self.summary,
        }
    }
}

/// A book's fields exactly as typed in a form or a CSV cell.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RawBook<'a> {
    pub title: &'a str,
    pub author: &'a str,
    pub publisher: &'a str,
    pub year: &'a str,
    pub isbn: &'a str,
    pub pages: &'a str,
    pub summary: &'a str,
}

/// Checks and cleans every field. On failure returns every problem found, as
/// (field name, Chinese message) in form order, not just the first.
pub fn book_fields(
    raw: &RawBook,
    this_year: i64,
) -> Result<BookFields, Vec<(&'static str, String)>> {
    let mut errors = Vec::new();
    let e = &mut errors;
    let title = keep(
        e,
        "title",
        line(raw.title, "书名", TITLE_MAX, Need::Required),
    );
    let author = keep(
        e,
        "author",
        line(raw.author, "作者", AUTHOR_MAX, Need::Required),
    );
    let publisher = keep(
        e,
        "publisher",
        line(raw.publisher, "出版社", PUBLISHER_MAX, Need::Optional),
    );
    let year = keep(e, "year", year(raw.year, this_year));
    let isbn = keep(e, "isbn", isbn(raw.isbn));
    let pages = keep(e, "pages", pages(raw.pages));
    let summary = keep(e, "summary", summary(raw.summary));

    match (title, author, publisher, year, isbn, pages, summary) {
        (
            Some(title),
            Some(author),
            Some(publisher),
            Some(year),
            Some(isbn),
            Some(pages),
            Some(summary),
        ) => Ok(BookFields {
            title,
            author,
            publisher,
            year,
            isbn,
            pages,
            summary,
        }),
        _ => Err(errors),
    }
}

/// The value of a field that passed, or `None` after noting its error.
fn keep<T>(
    errors: &mut Vec<(&'static str, String)>,
    field: &'static str,
    result: Result<T, String>,
) -> Option<T> {
    result.map_err(|message| errors.push((field, message))).ok()
}

/// Trims `input` and refuses control characters: tabs are allowed everywhere,
/// line breaks only where `multiline`, and there they are normalised to `\n`.
fn clean(input: &str, label: &str, multiline: bool) -> Result<String, String> {
    let label = spaced(label);
    let s = input.trim();
    let s = if multiline {
        s.replace("\r\n", "\n").replace('\r', "\n")
    } else {
        s.to_owned()
    };
    if !multiline && s.contains(['\n', '\r']) {
        return Err(format!("{label}不能换行"));
    }
    if s.chars().any(|c| c.is_control() && c != '\n' && c != '\t') {
        return Err(format!("{label}不能包含控制字符"));
    }
    Ok(s)
}

/// A label ready to be followed by Chinese text: Latin labels such as
/// `ISBN` get a space after them.
fn spaced(label: &str) -> String {
    if label.is_ascii() {
        format!("{label} ")
    } else {
        label.to_owned()
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Need {
    Required,
    Optional,
}

/// A one-line text field.
fn line(input: &str, label: &str, max: usize, need: Need) -> Result<String, String> {
    let s = clean(input, label, false)?;
    if s.is_empty() && need == Need::Required {
        return Err(format!("请填写{label}"));
    }
    at_most(s, label, max)
}

fn summary(input: &str) -> Result<String, String> {
    let s = clean(input, "简介", true)?;
    at_most(s, "简介", SUMMARY_MAX)
}

fn at_most(s: String, label: &str, max: usize) -> Result<String, String> {
    if s.chars().count() > max {
        return Err(format!("{label}不能超过 {max} 个字"));
    }
    Ok(s)
}

fn year(input: &str, this_year: i64) -> Result<Option<i64>, String> {
    let s = clean(input, "出版年份", false)?;
    if s.is_empty() {
        return Ok(None);
    }
    let max = this_year + 1;
    match whole_number(&s, '年') {
        Some(y) if (YEAR_MIN..=max).contains(&y) => Ok(Some(y)),
        _ => Err(format!("出版年份应为 {YEAR_MIN} 到 {max} 之间的整数")),
    }
}

fn isbn(input: &str) -> Result<Option<String>, String> {
    let s = clean(input, "ISBN", false)?;
    if s.is_empty() {
        return Ok(None);
    }
    super::isbn::parse(&s).map(Some)
}

fn pages(input: &str) -> Result<Option<i64>, String> {
    let s = clean(input, "页数", false)?;
    if s.is_empty() {
        return Ok(None);
    }
    match whole_number(&s, '页') {
        Some(n) if (1..=PAGES_MAX).contains(&n) => Ok(Some(n)),
        _ => Err(format!("页数应为 1 到 {PAGES_MAX} 之间的整数")),
    }
}

/// Digits only (full-width allowed), optionally followed by a unit such as
/// `年` or `页`. No signs, no decimal point; absurdly long numbers are `None`.
fn whole_number(s: &str, unit: char) -> Option<i64> {
    let folded: String = s.chars().map(super::isbn::to_half_width).collect();
    let digits = folded.strip_suffix(unit).unwrap_or(&folded).trim_end();
    if digits.is_empty() || digits.len() > 12 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    const YEAR: i64 = 2026;

    fn minimal() -> RawBook<'static> {
        RawBook {
            title: "三体",
            author: "刘慈欣",
            ..RawBook::default()
        }
    }

    /// The error for `field`, when there is exactly one error.
    fn only_error(raw: &RawBook) -> (&'static str, String) {
        let errors = book_fields(raw, YEAR).unwrap_err();
        assert_eq!(errors.len(), 1, "{errors:?}");
        errors.into_iter().next().unwrap()
    }

    #[test]
    fn a_full_book_is_cleaned() {
        let raw = RawBook {
            title: "  三体 ",
            author: "刘慈欣\t",
            publisher: " 重庆出版社 ",
            year: " 2008 ",
            isbn: "978-7-5366-9293-0",
            pages: "302",
            summary: "  文化大革命如火如荼进行的同时……\r\n\r\n第二段。 ",
        };
        let book = book_fields(&raw, YEAR).unwrap();
        assert_eq!(
            book,
            BookFields {
                title: "三体".into(),
                author: "刘慈欣".into(),
                publisher: "重庆出版社".into(),
                year: Some(2008),
                isbn: Some("9787536692930".into()),
                pages: Some(302),
                summary: "文化大革命如火如荼进行的同时……\n\n第二段。".into(),
            }
        );
    }

    #[test]
    fn only_title_and_author_are_required() {
        let book = book_fields(&minimal(), YEAR).unwrap();
        assert_eq!(book.publisher, "");
        assert_eq!(book.year, None);
        assert_eq!(book.isbn, None);
        assert_eq!(book.pages, None);
        assert_eq!(book.summary, "");
    }

    #[test]
    fn title_is_required_and_limited() {
        let raw = RawBook {
            title: "   ",
            ..minimal()
        };
        assert_eq!(only_error(&raw), ("title", "请填写书名".to_string()));

        let long = "书".repeat(TITLE_MAX + 1);
        let raw = RawBook {
            title: &long,
            ..minimal()
        };
        assert_eq!(
            only_error(&raw),
            ("title", "书名不能超过 100 个字".to_string())
        );

        // Characters, not bytes: 100 Chinese characters are 300 bytes.
        let longest = "书".repeat(TITLE_MAX);
        let raw = RawBook {
            title: &longest,
            ..minimal()
        };
        assert_eq!(book_fields(&raw, YEAR).unwrap().title, longest);
    }

    #[test]
    fn author_is_required_and_limited() {
        let raw = RawBook {
            author: "",
            ..minimal()
        };
        assert_eq!(only_error(&raw), ("author", "请填写作者".to_string()));

        let long = "a".repeat(AUTHOR_MAX + 1);
        let raw = RawBook {
            author: &long,
            ..minimal()
        };
        assert_eq!(
            only_error(&raw),
            ("author", "作者不能超过 100 个字".to_string())
        );
    }

    #[test]
    fn publisher_is_optional_and_limited() {
        let long = "社".repeat(PUBLISHER_MAX + 1);
        let raw = RawBook {
            publisher: &long,
            ..minimal()
        };
        assert_eq!(
            only_error(&raw),
            ("publisher", "出版社不能超过 100 个字".to_string())
        );
        let fine = "社".repeat(PUBLISHER_MAX);
        let raw = RawBook {
            publisher: &fine,
            ..minimal()
        };
        assert!(book_fields(&raw, YEAR).is_ok());
    }

    #[test]
    fn years() {
        let year_of =
            |year: &str| book_fields(&RawBook { year, ..minimal() }, YEAR).map(|b| b.year);
        assert_eq!(year_of("2008"), Ok(Some(2008)));
        assert_eq!(year_of("2008年"), Ok(Some(2008)));
        assert_eq!(year_of(" 2008 年 "), Ok(Some(2008)));
        assert_eq!(year_of("２００８年"), Ok(Some(2008)));
        assert_eq!(year_of("1000"), Ok(Some(1000)));
        assert_eq!(year_of("2027"), Ok(Some(2027)));
        assert_eq!(year_of(""), Ok(None));
        let message = "出版年份应为 1000 到 2027 之间的整数".to_string();
        for bad in [
            "999",
            "2028",
            "-2008",
            "+2008",
            "2008.0",
            "二〇〇八",
            "2008年5月",
            "年",
            "2008 2009",
            "99999999999999999999",
        ] {
            assert_eq!(
                year_of(bad),
                Err(vec![("year", message.clone())]),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn isbns() {
        let isbn_of =
            |isbn: &str| book_fields(&RawBook { isbn, ..minimal() }, YEAR).map(|b| b.isbn);
        assert_eq!(isbn_of(" 7-5366-9293-5 "), Ok(Some("9787536692930".into())));
        assert_eq!(
            isbn_of("ISBN 978-7-02-000220-7"),
            Ok(Some("9787020002207".into()))
        );
        assert_eq!(isbn_of("  "), Ok(None));
        assert_eq!(
            isbn_of("9787536692931"),
            Err(vec![("isbn", "ISBN 校验位不正确，请检查是否输错".into())])
        );
        assert_eq!(
            isbn_of("9787536692930\n"),
            Ok(Some("9787536692930".into())),
            "a trailing line break is trimmed"
        );
        assert_eq!(
            isbn_of("978753\n6692930"),
            Err(vec![("isbn", "ISBN 不能换行".into())])
        );
    }

    #[test]
    fn pages() {
        let pages_of =
            |pages: &str| book_fields(&RawBook { pages, ..minimal() }, YEAR).map(|b| b.pages);
        assert_eq!(pages_of("320"), Ok(Some(320)));
        assert_eq!(pages_of("320页"), Ok(Some(320)));
        assert_eq!(pages_of("320 页"), Ok(Some(320)));
        assert_eq!(pages_of("1"), Ok(Some(1)));
        assert_eq!(pages_of("20000"), Ok(Some(20000)));
        assert_eq!(pages_of(""), Ok(None));
        let message = "页数应为 1 到 20000 之间的整数".to_string();
        for bad in ["0", "20001", "-5", "3.5", "三百", "页", "320页页", "约320"] {
            assert_eq!(
                pages_of(bad),
                Err(vec![("pages", message.clone())]),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn summary_may_have_line_breaks_and_is_limited() {
        let raw = RawBook {
            summary: "第一段\n\n\t第二段\r第三段",
            ..minimal()
        };
        assert_eq!(
            book_fields(&raw, YEAR).unwrap().summary,
            "第一段\n\n\t第二段\n第三段"
        );

        let long = "字".repeat(SUMMARY_MAX + 1);
        let raw = RawBook {
            summary: &long,
            ..minimal()
        };
        assert_eq!(
            only_error(&raw),
            ("summary", "简介不能超过 2000 个字".to_string())
        );
        let longest = "字".repeat(SUMMARY_MAX);
        let raw = RawBook {
            summary: &longest,
            ..minimal()
        };
        assert!(book_fields(&raw, YEAR).is_ok());
    }

    #[test]
    fn single_line_fields_refuse_line_breaks() {
        for (field, label) in [
            ("title", "书名"),
            ("author", "作者"),
            ("publisher", "出版社"),
        ] {
            for text in ["上\n下", "上\r\n下", "上\r下"] {
                let mut raw = minimal();
                match field {
                    "title" => raw.title = text,
                    "author" => raw.author = text,
                    _ => raw.publisher = text,
                }
                assert_eq!(only_error(&raw), (field, format!("{label}不能换行")));
            }
        }
    }

    #[test]
    fn control_characters_are_refused_everywhere() {
        let bell = "三\u{7}体";
        let cases: [(&str, RawBook); 7] = [
            (
                "title",
                RawBook {
                    title: bell,
                    ..minimal()
                },
            ),
            (
                "author",
                RawBook {
                    author: bell,
                    ..minimal()
                },
            ),
            (
                "publisher",
                RawBook {
                    publisher: bell,
                    ..minimal()
                },
            ),
            (
                "year",
                RawBook {
                    year: "20\u{0}08",
                    ..minimal()
                },
            ),
            (
                "isbn",
                RawBook {
                    isbn: "978\u{1b}7536692930",
                    ..minimal()
                },
            ),
            (
                "pages",
                RawBook {
                    pages: "3\u{7f}20",
                    ..minimal()
                },
            ),
            (
                "summary",
                RawBook {
                    summary: "简\u{8}介",
                    ..minimal()
                },
            ),
        ];
        for (field, raw) in cases {
            let (name, message) = only_error(&raw);
            assert_eq!(name, field);
            assert!(message.ends_with("不能包含控制字符"), "{message}");
            assert!(
                message.starts_with(field_label(field).unwrap()),
                "{message}"
            );
        }
        // Tabs are allowed (and trimmed at the ends).
        let raw = RawBook {
            title: "三\t体",
            ..minimal()
        };
        assert_eq!(book_fields(&raw, YEAR).unwrap().title, "三\t体");
    }

    #[test]
    fn every_problem_is_reported_in_form_order() {
        let raw = RawBook {
            title: "",
            author: "",
            publisher: "出\n版",
            year: "3000",
            isbn: "123",
            pages: "0",
            summary: "\u{0}",
        };
        let errors = book_fields(&raw, YEAR).unwrap_err();
        let fields: Vec<&str> = errors.iter().map(|(f, _)| *f).collect();
        assert_eq!(
            fields,
            [
                "title",
                "author",
                "publisher",
                "year",
                "isbn",
                "pages",
                "summary"
            ]
        );
        assert_eq!(errors[0].1, "请填写书名");
        assert_eq!(errors[1].1, "请填写作者");
        assert_eq!(errors[4].1, "ISBN 应为 10 位或 13 位数字，现在是 3 位");
    }

    #[test]
    fn labels_cover_every_field() {
        assert_eq!(field_label("title"), Some("书名"));
        assert_eq!(field_label("isbn"), Some("ISBN"));
        assert_eq!(field_label("summary"), Some("简介"));
        assert_eq!(field_label("cover"), None);
    }
}

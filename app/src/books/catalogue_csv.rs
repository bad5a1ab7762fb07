//! Catalogue import and export as CSV: UTF-8, comma-separated, a header row
//! naming the columns, cells quoted RFC 4180 style. Export starts with a BOM
//! so that Excel on a Chinese Windows reads it as UTF-8. Server only.
//!
//! Records are read with the `csv` crate, which gives each the line it
//! starts on. The crate is lenient where a reader needs to hear about a
//! mistake, so [`check_quotes`] first reports an unclosed quote (which would
//! swallow the rest of the file) and text after a closing quote, by line.

use std::borrow::Cow;
use std::collections::HashMap;

use super::BookFields;
use super::validate::{self, FIELD_LABELS, RawBook};
use platform::csv::{defuse, looks_like_formula, push_row};

/// Most data rows accepted in one file.
pub const MAX_ROWS: usize = 2000;
/// Largest file accepted, in bytes.
pub const MAX_BYTES: usize = 1024 * 1024;

/// The outcome for one data row of an imported file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowCheck {
    /// 1-based line in the file where the row starts; the header is line 1.
    pub line: usize,
    /// (field name as in `BookFields`, cell text as in the file) for each
    /// recognised column, in form order; for showing a preview.
    pub raw: Vec<(String, String)>,
    /// The validated book, when the row has no errors.
    pub book: Option<BookFields>,
    /// Chinese messages, such as "作者：请填写作者".
    pub errors: Vec<String>,
}

/// Checks an uploaded catalogue. `Err` is a problem with the whole file; a
/// problem with a row goes into that row's `errors`.
pub fn check(text: &str, this_year: i64) -> Result<Vec<RowCheck>, String> {
    if text.len() > MAX_BYTES {
        return Err(format!(
            "文件太大：不能超过 {} MB",
            MAX_BYTES / (1024 * 1024)
        ));
    }
    let text = text.strip_prefix('\u{FEFF}').unwrap_or(text);
    let mut records = parse_records(text)?
        .into_iter()
        .filter(|r| r.cells.iter().any(|c| !c.trim().is_empty()));

    let Some(header) = records.next() else {
        return Err(format!(
            "文件是空的。第一行应为表头，例如：{}",
            header_line()
        ));
    };
    let columns = header_columns(&header.cells)?;
    let rows: Vec<Record> = records.collect();
    if rows.is_empty() {
        return Err("文件中只有表头，没有书目".into());
    }
    if rows.len() > MAX_ROWS {
        return Err(format!(
            "一次最多导入 {MAX_ROWS} 本书，这个文件有 {} 行书目，请分成几个文件",
            rows.len()
        ));
    }

    // Normalised ISBN → line of the first row that has it.
    let mut isbn_lines: HashMap<String, usize> = HashMap::new();
    Ok(rows
        .iter()
        .map(|row| check_row(row, &columns, this_year, &mut isbn_lines))
        .collect())
}

/// Writes books as a CSV file that [`check`] reads back unchanged.
pub fn write(books: &[BookFields]) -> String {
    let mut out = String::from('\u{FEFF}');
    push_row(
        &mut out,
        FIELD_LABELS.map(|(_, label)| Cow::Borrowed(label)),
    );
    for book in books {
        let number = |n: Option<i64>| Cow::Owned(n.map(|n| n.to_string()).unwrap_or_default());
        push_row(
            &mut out,
            [
                defuse(&book.title),
                defuse(&book.author),
                defuse(&book.publisher),
                number(book.year),
                Cow::Borrowed(book.isbn.as_deref().unwrap_or("")),
                number(book.pages),
                defuse(&book.summary),
            ],
        );
    }
    out
}

/// One CSV record and the line it starts on.
struct Record {
    line: usize,
    cells: Vec<String>,
}

/// Splits the text into records. Lines may end in `\n`, `\r\n` or `\r`;
/// quoted cells may hold commas, line breaks and doubled quotes. A quote in
/// the middle of an unquoted cell is taken literally.
fn parse_records(text: &str) -> Result<Vec<Record>, String> {
    // One kind of line end, so that every line break counts as a line.
    let text = text.replace("\r\n", "\n").replace('\r', "\n");
    check_quotes(&text)?;
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    reader
        .records()
        .map(|record| {
            let record = record.map_err(|e| format!("CSV 格式有误：{e}"))?;
            Ok(Record {
                line: record.position().map_or(0, |p| p.line() as usize),
                cells: record.iter().map(str::to_owned).collect(),
            })
        })
        .collect()
}

/// Finds the two quoting mistakes the `csv` crate reads past: a quote that
/// opens a cell and is never closed, and text after a closing quote
/// (`"abc"def`; spaces and tabs there are harmless). `text` has `\n` line
/// ends only.
fn check_quotes(text: &str) -> Result<(), String> {
    let mut line = 1;
    let mut cell_start = true;
    // The line a quoted cell opened on, while it is open.
    let mut open_since: Option<usize> = None;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match (open_since, c) {
            (Some(_), '"') if chars.next_if_eq(&'"').is_none() => {
                open_since = None;
                while chars.next_if(|c| *c == ' ' || *c == '\t').is_some() {}
                if chars.peek().is_some_and(|c| !matches!(c, ',' | '\n')) {
                    return Err(format!(
                        "CSV 格式有误：第 {line} 行有一个单元格在右引号后还有文字（单元格内的引号应写成两个：\"\"）"
                    ));
                }
            }
            (None, '"') if cell_start => open_since = Some(line),
            _ => {}
        }
        if c == '\n' {
            line += 1;
        }
        cell_start = open_since.is_none() && matches!(c, ',' | '\n');
    }
    match open_since {
        Some(opened_on) => Err(format!("CSV 格式有误：第 {opened_on} 行的引号没有闭合")),
        None => Ok(()),
    }
}

/// The field name of a header cell, if it is one we know.
fn column_field(header: &str) -> Option<&'static str> {
    let name = header.trim().to_lowercase();
    let field = match name.as_str() {
        "书名" | "title" => "title",
        "作者" | "author" => "author",
        "出版社" | "publisher" => "publisher",
        "出版年份" | "year" => "year",
        "isbn" => "isbn",
        "页数" | "pages" => "pages",
        "简介" | "summary" => "summary",
        _ => return None,
    };
    Some(field)
}

/// The field of each header cell, `None` for columns that are ignored.
fn header_columns(header: &[String]) -> Result<Vec<Option<&'static str>>, String> {
    let columns: Vec<Option<&'static str>> = header.iter().map(|h| column_field(h)).collect();
    for (i, field) in columns.iter().enumerate() {
        if let Some(field) = field
            && columns[..i].contains(&Some(field))
        {
            return Err(format!("表头中“{}”列出现了不止一次", label(field)));
        }
    }
    let missing: Vec<&str> = ["title", "author"]
        .into_iter()
        .filter(|f| !columns.contains(&Some(f)))
        .map(label)
        .collect();
    if !missing.is_empty() {
        let mut message = format!(
            "表头缺少必需的列：{}。第一行应为表头，例如：{}",
            missing.join("、"),
            header_line()
        );
        if header.len() == 1 && header[0].contains(['\t', ';', '；', '，']) {
            message.push_str("（各列之间请用英文逗号分隔）");
        }
        return Err(message);
    }
    Ok(columns)
}

fn check_row(
    row: &Record,
    columns: &[Option<&'static str>],
    this_year: i64,
    isbn_lines: &mut HashMap<String, usize>,
) -> RowCheck {
    let cell = |field: &str| -> &str {
        columns
            .iter()
            .position(|c| *c == Some(field))
            .and_then(|i| row.cells.get(i))
            .map_or("", String::as_str)
    };
    let raw = FIELD_LABELS
        .iter()
        .filter(|(field, _)| columns.contains(&Some(field)))
        .map(|(field, _)| (field.to_string(), cell(field).to_string()))
        .collect();

    // Trailing empty cells (a habit of some spreadsheets) are harmless.
    let extra_filled = row
        .cells
        .iter()
        .skip(columns.len())
        .any(|c| !c.trim().is_empty());
    if row.cells.len() < columns.len() || extra_filled {
        return RowCheck {
            line: row.line,
            raw,
            book: None,
            errors: vec![format!(
                "本行的列数与表头不一致：表头有 {} 列，本行有 {} 列",
                columns.len(),
                row.cells.len()
            )],
        };
    }

    let fields = RawBook {
        title: &restore(cell("title")),
        author: &restore(cell("author")),
        publisher: &restore(cell("publisher")),
        year: cell("year"),
        isbn: cell("isbn"),
        pages: cell("pages"),
        summary: &restore(cell("summary")),
    };
    let (book, mut errors) = match validate::book_fields(&fields, this_year) {
        Ok(book) => (Some(book), Vec::new()),
        Err(problems) => (
            None,
            problems
                .into_iter()
                .map(|(field, message)| format!("{}：{message}", label(field)))
                .collect(),
        ),
    };

    let isbn = cell("isbn").trim();
    if !isbn.is_empty()
        && let Ok(isbn) = super::isbn::parse(isbn)
    {
        match isbn_lines.get(&isbn) {
            Some(first) => errors.push(format!("ISBN 与第 {first} 行重复")),
            None => {
                isbn_lines.insert(isbn, row.line);
            }
        }
    }

    RowCheck {
        line: row.line,
        raw,
        book: if errors.is_empty() { book } else { None },
        errors,
    }
}

fn label(field: &str) -> &'static str {
    validate::field_label(field).unwrap_or("")
}

/// The header row as written by [`write`].
fn header_line() -> String {
    FIELD_LABELS.map(|(_, label)| label).join(",")
}

/// Undoes [`defuse`] on an imported cell.
fn restore(cell: &str) -> Cow<'_, str> {
    let s = cell.trim();
    match s.strip_prefix('\'') {
        Some(rest) if looks_like_formula(rest) => Cow::Borrowed(rest),
        _ => Cow::Borrowed(cell),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const YEAR: i64 = 2026;

    fn book(title: &str, author: &str) -> BookFields {
        BookFields {
            title: title.into(),
            author: author.into(),
            publisher: String::new(),
            year: None,
            isbn: None,
            pages: None,
            summary: String::new(),
        }
    }

    fn three_body() -> BookFields {
        BookFields {
            title: "三体".into(),
            author: "刘慈欣".into(),
            publisher: "重庆出版社".into(),
            year: Some(2008),
            isbn: Some("9787536692930".into()),
            pages: Some(302),
            summary: "地球文明向宇宙发出的第一声啼鸣。".into(),
        }
    }

    fn errors_by_line(rows: &[RowCheck]) -> Vec<(usize, Vec<String>)> {
        rows.iter()
            .filter(|r| !r.errors.is_empty())
            .map(|r| (r.line, r.errors.clone()))
            .collect()
    }

    #[test]
    fn chinese_headers() {
        let text = "书名,作者,出版社,出版年份,ISBN,页数,简介\n\
                    三体,刘慈欣,重庆出版社,2008年,978-7-5366-9293-0,302页,地球文明向宇宙发出的第一声啼鸣。\n\
                    红楼梦,曹雪芹,人民文学出版社,1996,7-02-000220-X,,\n";
        let rows = check(text, YEAR).unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].line, 2);
        assert_eq!(rows[0].book, Some(three_body()));
        assert!(rows[0].errors.is_empty());
        assert_eq!(rows[1].line, 3);
        let dream = rows[1].book.as_ref().unwrap();
        assert_eq!(dream.isbn.as_deref(), Some("9787020002207"));
        assert_eq!(dream.pages, None);
        assert_eq!(
            rows[1].raw,
            [
                ("title", "红楼梦"),
                ("author", "曹雪芹"),
                ("publisher", "人民文学出版社"),
                ("year", "1996"),
                ("isbn", "7-02-000220-X"),
                ("pages", ""),
                ("summary", ""),
            ]
            .map(|(f, v)| (f.to_string(), v.to_string()))
        );
    }

    #[test]
    fn english_headers_in_any_order_with_unknown_columns() {
        let text = " Author ,备注,TITLE,isbn\r\n刘慈欣,朋友推荐,三体,9787536692930\r\n";
        let rows = check(text, YEAR).unwrap();
        assert_eq!(rows.len(), 1);
        let book = rows[0].book.as_ref().unwrap();
        assert_eq!(book.title, "三体");
        assert_eq!(book.author, "刘慈欣");
        assert_eq!(book.isbn.as_deref(), Some("9787536692930"));
        assert_eq!(book.publisher, "");
        // Only recognised columns, in form order.
        let names: Vec<&str> = rows[0].raw.iter().map(|(f, _)| f.as_str()).collect();
        assert_eq!(names, ["title", "author", "isbn"]);
    }

    #[test]
    fn leading_bom_is_ignored() {
        let text = "\u{FEFF}书名,作者\n三体,刘慈欣\n";
        let rows = check(text, YEAR).unwrap();
        assert_eq!(rows[0].book.as_ref().unwrap().title, "三体");
    }

    #[test]
    fn quoted_cells_hold_commas_quotes_and_line_breaks() {
        let text = "书名,作者,简介\n\
                    \"Hello, World\",\"张三\",\"第一段，有逗号, 还有 \"\"引号\"\"。\n第二段。\"\n\
                    \"上\n下\",李四,\n\
                    三体,刘慈欣,\n";
        let rows = check(text, YEAR).unwrap();
        assert_eq!(rows.len(), 3);
        let first = rows[0].book.as_ref().unwrap();
        assert_eq!(first.title, "Hello, World");
        assert_eq!(first.summary, "第一段，有逗号, 还有 \"引号\"。\n第二段。");
        // Rows after a cell with a line break keep their real line numbers.
        assert_eq!(rows[1].line, 4);
        assert_eq!(rows[1].errors, ["书名：书名不能换行"]);
        assert_eq!(rows[2].line, 6);
        assert!(rows[2].book.is_some());
    }

    #[test]
    fn missing_required_columns_are_named() {
        let err = check("书名,出版社\n三体,重庆出版社\n", YEAR).unwrap_err();
        assert!(err.starts_with("表头缺少必需的列：作者。"), "{err}");
        let err = check("三体,刘慈欣\n", YEAR).unwrap_err();
        assert!(err.starts_with("表头缺少必需的列：书名、作者。"), "{err}");
        assert!(
            err.contains("书名,作者,出版社,出版年份,ISBN,页数,简介"),
            "{err}"
        );
        // Separated by something other than commas.
        let err = check("书名\t作者\n三体\t刘慈欣\n", YEAR).unwrap_err();
        assert!(err.contains("英文逗号"), "{err}");
        let err = check("书名，作者\n三体，刘慈欣\n", YEAR).unwrap_err();
        assert!(err.contains("英文逗号"), "{err}");
    }

    #[test]
    fn a_column_may_appear_once() {
        let err = check("书名,作者,Title\n三体,刘慈欣,三体\n", YEAR).unwrap_err();
        assert_eq!(err, "表头中“书名”列出现了不止一次");
    }

    #[test]
    fn bad_rows_report_every_problem_with_their_line() {
        let text = "书名,作者,出版年份,ISBN,页数\n\
                    三体,刘慈欣,2008,9787536692930,302\n\
                    \n\
                    ,,,,\n\
                    ,刘慈欣,3000,9787536692931,0\n\
                    球状闪电,,2004,,\n";
        let rows = check(text, YEAR).unwrap();
        // The empty line and the line of empty cells are skipped.
        assert_eq!(rows.len(), 3);
        assert!(rows[0].book.is_some());
        assert_eq!(
            errors_by_line(&rows),
            [
                (
                    5,
                    vec![
                        "书名：请填写书名".to_string(),
                        "出版年份：出版年份应为 1000 到 2027 之间的整数".to_string(),
                        "ISBN：ISBN 校验位不正确，请检查是否输错".to_string(),
                        "页数：页数应为 1 到 20000 之间的整数".to_string(),
                    ]
                ),
                (6, vec!["作者：请填写作者".to_string()]),
            ]
        );
        assert!(rows[1].book.is_none());
    }

    #[test]
    fn repeated_isbns_are_flagged() {
        let text = "书名,作者,ISBN\n\
                    三体,刘慈欣,9787536692930\n\
                    球状闪电,刘慈欣,\n\
                    三体（重印）,刘慈欣,7-5366-9293-5\n\
                    流浪地球,刘慈欣,\n\
                    三体,刘慈欣,978-7-5366-9293-0\n";
        let rows = check(text, YEAR).unwrap();
        assert_eq!(
            errors_by_line(&rows),
            [
                (4, vec!["ISBN 与第 2 行重复".to_string()]),
                (6, vec!["ISBN 与第 2 行重复".to_string()]),
            ]
        );
        assert!(rows[0].book.is_some());
        assert!(rows[2].book.is_none());
        // Rows without an ISBN are never duplicates of each other.
        assert!(rows[1].book.is_some() && rows[3].book.is_some());
    }

    #[test]
    fn ragged_rows_are_flagged() {
        let text = "书名,作者,出版社\n\
                    三体,刘慈欣\n\
                    三体,刘慈欣,重庆出版社,2008\n\
                    三体,刘慈欣,重庆出版社,,\n";
        let rows = check(text, YEAR).unwrap();
        assert_eq!(
            rows[0].errors,
            ["本行的列数与表头不一致：表头有 3 列，本行有 2 列"]
        );
        assert_eq!(rows[0].raw[0], ("title".to_string(), "三体".to_string()));
        assert_eq!(rows[0].raw[2], ("publisher".to_string(), String::new()));
        assert!(rows[1].errors[0].starts_with("本行的列数与表头不一致"));
        assert!(rows[1].book.is_none());
        // Trailing empty cells are tolerated.
        assert!(rows[2].errors.is_empty());
        assert!(rows[2].book.is_some());
    }

    #[test]
    fn malformed_csv_names_the_line() {
        let err = check(
            "书名,作者\n三体,刘慈欣\n\"球状闪电,刘慈欣\n流浪地球,刘慈欣\n",
            YEAR,
        )
        .unwrap_err();
        assert_eq!(err, "CSV 格式有误：第 3 行的引号没有闭合");
        let err = check(
            "书名,作者\n\"多行\n书名\",刘慈欣\n\"三体\"体,刘慈欣\n",
            YEAR,
        )
        .unwrap_err();
        assert!(err.starts_with("CSV 格式有误：第 4 行"), "{err}");
        // A quote inside an unquoted cell is just a character.
        let rows = check("书名,作者\n他说\"你好\",张三\n", YEAR).unwrap();
        assert_eq!(rows[0].book.as_ref().unwrap().title, "他说\"你好\"");
    }

    #[test]
    fn empty_files_are_refused() {
        assert!(check("", YEAR).unwrap_err().starts_with("文件是空的"));
        assert!(
            check("\u{FEFF}\n\n", YEAR)
                .unwrap_err()
                .starts_with("文件是空的")
        );
        assert_eq!(
            check("书名,作者\n\n,\n", YEAR).unwrap_err(),
            "文件中只有表头，没有书目"
        );
    }

    #[test]
    fn row_and_size_limits() {
        let mut text = String::from("书名,作者\n");
        for i in 0..MAX_ROWS {
            text.push_str(&format!("第{i}本,作者\n"));
        }
        assert_eq!(check(&text, YEAR).unwrap().len(), MAX_ROWS);
        text.push_str("又一本,作者\n");
        let err = check(&text, YEAR).unwrap_err();
        assert!(err.contains("一次最多导入 2000 本书"), "{err}");

        let mut big = String::from("书名,作者,简介\n");
        while big.len() <= MAX_BYTES {
            big.push_str("三体,刘慈欣,");
            big.push_str(&"字".repeat(1000));
            big.push('\n');
        }
        assert_eq!(check(&big, YEAR).unwrap_err(), "文件太大：不能超过 1 MB");
    }

    #[test]
    fn export_has_bom_header_and_quoting() {
        let mut tricky = book("Hello, \"World\"", "张三");
        tricky.summary = "第一段\n第二段".into();
        let text = write(&[three_body(), tricky]);
        assert_eq!(
            text,
            "\u{FEFF}书名,作者,出版社,出版年份,ISBN,页数,简介\r\n\
             三体,刘慈欣,重庆出版社,2008,9787536692930,302,地球文明向宇宙发出的第一声啼鸣。\r\n\
             \"Hello, \"\"World\"\"\",张三,,,,,\"第一段\n第二段\"\r\n"
        );
        assert_eq!(
            write(&[]),
            "\u{FEFF}书名,作者,出版社,出版年份,ISBN,页数,简介\r\n"
        );
    }

    #[test]
    fn export_defuses_formulas() {
        let text = write(&[book("=HYPERLINK(\"http://example.com\")", "@张三")]);
        assert!(
            text.contains("\"'=HYPERLINK(\"\"http://example.com\"\")\",'@张三,"),
            "{text}"
        );
    }

    #[test]
    fn export_then_import_gives_the_same_books() {
        let mut books = vec![three_body(), book("红楼梦", "曹雪芹")];
        let mut tricky = book("Hello, \"World\"", "O'Brien, Flann");
        tricky.publisher = "上海译文出版社".into();
        tricky.summary = "第一段，逗号, 引号\"\n\n\t第二段\n第三段：, \"\"".into();
        tricky.year = Some(1000);
        tricky.pages = Some(20000);
        tricky.isbn = Some("9791090636071".into());
        books.push(tricky);
        books.push(book("=1+1", "-张三"));
        books.push(book("'=1+1", "''@李四"));
        books.push(book("'引号开头", "+"));

        let rows = check(&write(&books), YEAR).unwrap();
        let back: Vec<BookFields> = rows.into_iter().map(|r| r.book.unwrap()).collect();
        assert_eq!(back, books);
    }

    #[test]
    fn line_endings_of_every_kind() {
        for text in [
            "书名,作者\n三体,刘慈欣\n球状闪电,刘慈欣",
            "书名,作者\r\n三体,刘慈欣\r\n球状闪电,刘慈欣\r\n",
            "书名,作者\r三体,刘慈欣\r球状闪电,刘慈欣\r",
        ] {
            let rows = check(text, YEAR).unwrap();
            assert_eq!(rows.len(), 2, "{text:?}");
            assert_eq!((rows[0].line, rows[1].line), (2, 3), "{text:?}");
            assert!(rows.iter().all(|r| r.book.is_some()), "{text:?}");
        }
        // CRLF inside a quoted cell counts as one line.
        let rows = check(
            "书名,作者,简介\r\n三体,刘慈欣,\"一\r\n二\r\n三\"\r\n球状闪电,刘慈欣,\r\n",
            YEAR,
        )
        .unwrap();
        assert_eq!(rows[0].book.as_ref().unwrap().summary, "一\n二\n三");
        assert_eq!(rows[1].line, 5);
    }
}

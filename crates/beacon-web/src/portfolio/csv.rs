//! Writing CSV (RFC 4180) that is safe to open in a spreadsheet. A cell that
//! a spreadsheet would read as a formula (starting with `=`, `+`, `-`, `@`,
//! a tab or a carriage return, after any leading spaces) gets an apostrophe
//! in front, so "=HYPERLINK(…)" typed into an idea's title is shown as text
//! and never run (OWASP, CSV injection). Cells with commas, quotes or line
//! breaks are quoted, with quotes doubled.
use std::fmt::Write;

/// Text written by people: protected against formula injection and quoted
/// as needed.
pub fn text_cell(raw: &str) -> String {
    let triggers = ['=', '+', '-', '@', '\t', '\r'];
    let starts_formula = raw
        .trim_start_matches(' ')
        .starts_with(|c: char| triggers.contains(&c));
    let mut value = String::with_capacity(raw.len() + 1);
    if starts_formula {
        value.push('\'');
    }
    value.push_str(raw);
    quoted(value)
}

/// A number we formatted ourselves. It is never a formula, and a negative
/// figure must stay a number in the spreadsheet, so only quoting applies.
pub fn number_cell(formatted: &str) -> String {
    quoted(formatted.to_owned())
}

fn quoted(value: String) -> String {
    if value.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", value.replace('"', "\"\""))
    } else {
        value
    }
}

/// Pounds with two decimal places and no symbol or separators, which every
/// spreadsheet reads as a number: 123456 pence is "1234.56".
pub fn pounds_cell(pence: i64) -> String {
    let sign = if pence < 0 { "-" } else { "" };
    let abs = pence.unsigned_abs();
    let mut out = String::new();
    let _ = write!(out, "{sign}{}.{:02}", abs / 100, abs % 100);
    number_cell(&out)
}

/// A CSV document built line by line, with CRLF line ends.
#[derive(Default)]
pub struct Csv {
    out: String,
}

impl Csv {
    /// A byte order mark first, so that spreadsheet programs read UTF-8
    /// (Welsh names, "£") as UTF-8.
    pub fn new() -> Self {
        Csv {
            out: "\u{feff}".to_owned(),
        }
    }

    /// One record of cells already made with `text_cell`, `number_cell` or
    /// `pounds_cell`.
    pub fn record(&mut self, cells: impl IntoIterator<Item = String>) {
        let mut first = true;
        for cell in cells {
            if !first {
                self.out.push(',');
            }
            self.out.push_str(&cell);
            first = false;
        }
        self.out.push_str("\r\n");
    }

    pub fn finish(self) -> String {
        self.out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_text_is_left_alone() {
        assert_eq!(text_cell("Waste and recycling"), "Waste and recycling");
        assert_eq!(text_cell(""), "");
        assert_eq!(
            text_cell("Gwasanaethau’r Cyngor £5"),
            "Gwasanaethau’r Cyngor £5"
        );
    }

    #[test]
    fn commas_quotes_and_line_breaks_are_quoted() {
        assert_eq!(text_cell("a, b"), "\"a, b\"");
        assert_eq!(text_cell("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(text_cell("line\nbreak"), "\"line\nbreak\"");
    }

    #[test]
    fn formulas_become_text() {
        assert_eq!(text_cell("=1+1"), "'=1+1");
        assert_eq!(text_cell("+44 1234"), "'+44 1234");
        assert_eq!(text_cell("-2"), "'-2");
        assert_eq!(text_cell("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(text_cell("\tTAB"), "'\tTAB");
        assert_eq!(text_cell("  =cmd"), "'  =cmd");
        assert_eq!(
            text_cell("=HYPERLINK(\"http://x\",\"y\")"),
            "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\""
        );
        assert_eq!(text_cell("a=b"), "a=b", "only a leading trigger counts");
    }

    #[test]
    fn money_is_a_plain_number() {
        assert_eq!(pounds_cell(0), "0.00");
        assert_eq!(pounds_cell(123_456), "1234.56");
        assert_eq!(pounds_cell(5), "0.05");
        assert_eq!(pounds_cell(-250), "-2.50");
        assert_eq!(pounds_cell(i64::MIN), "-92233720368547758.08");
    }

    #[test]
    fn records_end_with_crlf() {
        let mut csv = Csv::new();
        csv.record(["a".to_owned(), text_cell("b,c")]);
        csv.record([number_cell("1")]);
        assert_eq!(csv.finish(), "\u{feff}a,\"b,c\"\r\n1\r\n");
    }
}

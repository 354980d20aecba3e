//! Writing a [`Table`] out: CSV with every cell a spreadsheet would run made inert, and XLSX
//! with typed cells (numbers as numbers, dates as dates), a bold frozen header row and
//! fitted column widths, its text always written as strings, which no spreadsheet runs.

use rust_xlsxwriter::{ExcelDateTime, Format, Workbook, XlsxError};

use crate::SheetError;

/// What a column holds, so XLSX can type its cells. Cells are text either way: integers and
/// numbers as digits (`12`, `-3.5`), dates as `2025-03-01`, date-times as RFC 3339 in UTC
/// (`2025-03-01T10:15:00Z`). A cell that does not read as its kind is written as text, so
/// nothing is lost.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Kind {
    #[default]
    Text,
    Integer,
    Number,
    Date,
    DateTime,
}

/// A table to write: a header row of names, a kind per column (missing kinds are text), and
/// rows of cells.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Table {
    pub header: Vec<String>,
    pub kinds: Vec<Kind>,
    pub rows: Vec<Vec<String>>,
}

impl Table {
    /// A table of text columns.
    pub fn text(header: Vec<String>, rows: Vec<Vec<String>>) -> Table {
        Table {
            header,
            kinds: Vec::new(),
            rows,
        }
    }

    /// The kind of column `index`.
    pub fn kind(&self, index: usize) -> Kind {
        self.kinds.get(index).copied().unwrap_or_default()
    }
}

/// Whether a spreadsheet would read `text` as a formula (or, for tab and carriage return, a
/// cell it trims into one).
fn runs(text: &str) -> bool {
    text.starts_with(['=', '+', '-', '@', '\t', '\r'])
}

/// One cell as CSV: inert for spreadsheets (a leading `'`, which spreadsheets show as text
/// and our reader takes off again), quoted when it holds a delimiter, quote or line break.
pub fn csv_cell(text: &str) -> String {
    let text = if runs(text) {
        format!("'{text}")
    } else {
        text.to_owned()
    };
    if text.contains([',', ';', '\t', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text
    }
}

/// The table as CSV, UTF-8: a header row, then one line per row, CRLF line ends. A number
/// in a number column is written as it is (`-3` runs nothing); every other cell goes
/// through [`csv_cell`].
pub fn write_csv(table: &Table) -> String {
    let mut out = String::new();
    let mut line = |row: &[String], header: bool| {
        for (n, cell) in row.iter().enumerate() {
            if n > 0 {
                out.push(',');
            }
            let number = !header
                && matches!(table.kind(n), Kind::Integer | Kind::Number)
                && matches!(typed(table.kind(n), cell), Some(Typed::Number(_)));
            if number {
                out.push_str(cell);
            } else {
                out.push_str(&csv_cell(cell));
            }
        }
        out.push_str("\r\n");
    };
    line(&table.header, true);
    for row in &table.rows {
        line(row, false);
    }
    out
}

/// Excel's longest cell text, in characters.
const MAX_CELL_CHARS: usize = 32_767;
/// The widest a column is fitted to, in characters.
const MAX_WIDTH: usize = 60;

/// The table as an XLSX workbook of one worksheet named `sheet_name` (cut to Excel's 31
/// characters, with the characters Excel forbids in a name replaced). Text longer than
/// Excel's 32,767 characters is cut there.
pub fn write_xlsx(table: &Table, sheet_name: &str) -> Result<Vec<u8>, SheetError> {
    write_workbook(table, sheet_name).map_err(|e| SheetError::Write {
        reason: e.to_string(),
    })
}

fn write_workbook(table: &Table, sheet_name: &str) -> Result<Vec<u8>, XlsxError> {
    let mut workbook = Workbook::new();
    let bold = Format::new().set_bold();
    let date = Format::new().set_num_format("yyyy-mm-dd");
    let date_time = Format::new().set_num_format("yyyy-mm-dd hh:mm:ss");
    let sheet = workbook.add_worksheet();
    sheet.set_name(safe_sheet_name(sheet_name))?;
    let mut widths: Vec<usize> = table.header.iter().map(|h| h.chars().count()).collect();
    for (column, name) in table.header.iter().enumerate() {
        sheet.write_string_with_format(0, column_number(column)?, cut(name), &bold)?;
    }
    for (r, row) in table.rows.iter().enumerate() {
        let r = u32::try_from(r + 1).map_err(|_| XlsxError::RowColumnLimitError)?;
        for (column, cell) in row.iter().enumerate() {
            if cell.is_empty() {
                continue;
            }
            let c = column_number(column)?;
            let shown = match typed(table.kind(column), cell) {
                Some(Typed::Number(n)) => {
                    sheet.write_number(r, c, n)?;
                    cell.chars().count()
                }
                Some(Typed::Date(d)) => {
                    sheet.write_datetime_with_format(r, c, d, &date)?;
                    10
                }
                Some(Typed::DateTime(d)) => {
                    sheet.write_datetime_with_format(r, c, d, &date_time)?;
                    19
                }
                None => {
                    sheet.write_string(r, c, cut(cell))?;
                    cell.lines().map(|l| l.chars().count()).max().unwrap_or(0)
                }
            };
            if widths.len() <= column {
                widths.resize(column + 1, 0);
            }
            widths[column] = widths[column].max(shown);
        }
    }
    for (column, width) in widths.iter().enumerate() {
        #[expect(clippy::cast_precision_loss, reason = "a width of at most 60")]
        let width = ((*width).clamp(6, MAX_WIDTH) + 2) as f64;
        sheet.set_column_width(column_number(column)?, width)?;
    }
    sheet.set_freeze_panes(1, 0)?;
    workbook.save_to_buffer()
}

fn column_number(column: usize) -> Result<u16, XlsxError> {
    u16::try_from(column).map_err(|_| XlsxError::RowColumnLimitError)
}

/// `text` cut to Excel's longest cell.
fn cut(text: &str) -> &str {
    match text.char_indices().nth(MAX_CELL_CHARS) {
        Some((at, _)) => &text[..at],
        None => text,
    }
}

fn safe_sheet_name(name: &str) -> String {
    let cleaned: String = name
        .chars()
        .map(|c| match c {
            '[' | ']' | ':' | '*' | '?' | '/' | '\\' => '-',
            c if c.is_control() => ' ',
            c => c,
        })
        .take(31)
        .collect();
    let cleaned = cleaned.trim().trim_matches('\'').to_owned();
    if cleaned.is_empty() {
        "Sheet1".to_owned()
    } else {
        cleaned
    }
}

enum Typed {
    Number(f64),
    Date(ExcelDateTime),
    DateTime(ExcelDateTime),
}

/// `cell` as a value of `kind`, or None to write it as text.
fn typed(kind: Kind, cell: &str) -> Option<Typed> {
    match kind {
        Kind::Text => None,
        Kind::Integer => cell
            .parse::<i64>()
            .ok()
            // Beyond 2^53 a spreadsheet would round the number; text keeps it whole.
            .filter(|n| n.unsigned_abs() < (1 << 53))
            .map(|n| {
                #[expect(clippy::cast_precision_loss, reason = "below 2^53, exact")]
                Typed::Number(n as f64)
            }),
        Kind::Number => cell
            .parse::<f64>()
            .ok()
            .filter(|n| n.is_finite())
            .map(Typed::Number),
        Kind::Date => date(cell).map(Typed::Date),
        Kind::DateTime => date_time(cell).map(Typed::DateTime),
    }
}

fn date(text: &str) -> Option<ExcelDateTime> {
    let b = text.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let year = text.get(0..4)?.parse().ok()?;
    let month = text.get(5..7)?.parse().ok()?;
    let day = text.get(8..10)?.parse().ok()?;
    ExcelDateTime::from_ymd(year, month, day).ok()
}

/// `2025-03-01T10:15:00Z`, with or without fractions of a second, `Z` or no zone, `T` or a
/// space; other offsets are left as text rather than shown at the wrong hour.
fn date_time(text: &str) -> Option<ExcelDateTime> {
    let day = date(text.get(0..10)?)?;
    let rest = text.get(10..)?;
    let rest = rest.strip_prefix(['T', ' '])?;
    let rest = rest.strip_suffix('Z').unwrap_or(rest);
    let (hms, fraction) = rest.split_once('.').unwrap_or((rest, ""));
    let mut parts = hms.split(':');
    let hour: u16 = parts.next()?.parse().ok()?;
    let minute: u8 = parts.next()?.parse().ok()?;
    let second: u8 = parts.next().unwrap_or("0").parse().ok()?;
    if parts.next().is_some() || !fraction.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let milli: u16 = format!("{fraction:0<3}").get(0..3)?.parse().ok()?;
    day.and_hms_milli(hour, minute, second, milli).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_read_their_canonical_text_and_nothing_else() {
        assert!(matches!(typed(Kind::Integer, "42"), Some(Typed::Number(n)) if n == 42.0));
        assert!(typed(Kind::Integer, "4.2").is_none());
        assert!(typed(Kind::Integer, "9007199254740993").is_none());
        assert!(matches!(typed(Kind::Number, "-3.5"), Some(Typed::Number(n)) if n == -3.5));
        assert!(typed(Kind::Number, "NaN").is_none());
        assert!(typed(Kind::Date, "2025-03-01").is_some());
        assert!(typed(Kind::Date, "2025-02-30").is_none());
        assert!(typed(Kind::Date, "1/3/2025").is_none());
        assert!(typed(Kind::DateTime, "2025-03-01T10:15:00Z").is_some());
        assert!(typed(Kind::DateTime, "2025-03-01T10:15:00.123456Z").is_some());
        assert!(typed(Kind::DateTime, "2025-03-01 10:15").is_some());
        assert!(typed(Kind::DateTime, "2025-03-01T10:15:00+02:00").is_none());
        assert!(typed(Kind::Text, "42").is_none());
    }

    #[test]
    fn sheet_names_are_what_excel_allows() {
        assert_eq!(
            safe_sheet_name("Round 2025: spring/autumn"),
            "Round 2025- spring-autumn"
        );
        assert_eq!(safe_sheet_name(""), "Sheet1");
        assert_eq!(safe_sheet_name(&"x".repeat(40)).len(), 31);
    }

    #[test]
    fn cells_that_would_run_are_inert_in_csv() {
        assert_eq!(csv_cell("=1+1"), "'=1+1");
        assert_eq!(csv_cell("-5"), "'-5");
        assert_eq!(csv_cell("\tx"), "\"'\tx\"");
        assert_eq!(csv_cell("a;b"), "\"a;b\"");
        assert_eq!(csv_cell("plain"), "plain");
    }
}

//! Spreadsheet files in and out, with no I/O: bytes of a CSV or XLSX file become a [`Sheet`]
//! of text cells with the line each row came from, or a [`SheetError`] that says in plain
//! terms why the file cannot be read. The limits are checked before any large work is done,
//! so a hostile file is refused quickly.

use thiserror::Error;

/// The largest file read, in bytes.
pub const MAX_FILE_BYTES: usize = 20 * 1024 * 1024;
/// The most data rows read (the header row is not counted).
pub const MAX_ROWS: usize = 100_000;

/// One data row, with the line of the file it starts on (1 is the header's line) so a
/// problem can name where to look.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SheetRow {
    pub line: u64,
    pub cells: Vec<String>,
}

/// A file's first table: its header row and its data rows. Every row has as many cells as
/// the header: short rows are padded with empty cells, and cells beyond the header (which
/// no column could name) are dropped.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Sheet {
    pub header: Vec<String>,
    pub rows: Vec<SheetRow>,
}

/// Why a file cannot be read.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum SheetError {
    #[error("the file is empty")]
    Empty,
    #[error("the file is {size} bytes; the limit is {limit} bytes")]
    TooLarge { size: usize, limit: usize },
    #[error("the file has more than {limit} rows")]
    TooManyRows { limit: usize },
    #[error("the file is neither CSV nor XLSX")]
    UnknownFormat,
    #[error("the file is not UTF-8 text (it looks like {encoding})")]
    Encoding { encoding: &'static str },
    #[error("line {line}: {message}")]
    Malformed { line: u64, message: String },
}

/// Reads `bytes` as a CSV file (UTF-8, with or without a byte-order mark, comma-separated).
pub fn read(bytes: &[u8], _file_name: &str) -> Result<Sheet, SheetError> {
    if bytes.len() > MAX_FILE_BYTES {
        return Err(SheetError::TooLarge {
            size: bytes.len(),
            limit: MAX_FILE_BYTES,
        });
    }
    let text = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if text.iter().all(u8::is_ascii_whitespace) {
        return Err(SheetError::Empty);
    }
    read_csv(text)
}

fn read_csv(text: &[u8]) -> Result<Sheet, SheetError> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text);
    let mut sheet = Sheet::default();
    let mut record = csv::StringRecord::new();
    let mut first = true;
    loop {
        let line = reader.position().line();
        match reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(error) => {
                let line = error.position().map_or(line, |p| p.line());
                return Err(match error.kind() {
                    csv::ErrorKind::Utf8 { .. } => SheetError::Encoding {
                        encoding: "another encoding",
                    },
                    _ => SheetError::Malformed {
                        line,
                        message: "the line cannot be read as CSV".to_owned(),
                    },
                });
            }
        }
        let cells: Vec<String> = record.iter().map(|c| c.trim().to_owned()).collect();
        if first {
            sheet.header = cells;
            first = false;
            continue;
        }
        if cells.iter().all(String::is_empty) {
            continue;
        }
        if sheet.rows.len() == MAX_ROWS {
            return Err(SheetError::TooManyRows { limit: MAX_ROWS });
        }
        sheet.rows.push(SheetRow { line, cells });
    }
    let width = sheet.header.len();
    for row in &mut sheet.rows {
        row.cells.resize(width, String::new());
    }
    if sheet.header.iter().all(String::is_empty) {
        return Err(SheetError::Empty);
    }
    Ok(sheet)
}

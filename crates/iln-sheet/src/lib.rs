//! Spreadsheet files in and out, with no I/O: bytes of a CSV or XLSX file become a [`Sheet`]
//! of text cells with the line each row came from, or a [`SheetError`] that says in plain
//! terms why the file cannot be read; a [`Table`] of typed columns becomes CSV or XLSX bytes
//! with every cell a spreadsheet would run made inert. The limits are checked before any
//! large work is done, so a hostile file is refused quickly.
//!
//! Layout: this file holds the types, the limits and the sniffing that tells the formats
//! apart by content; `text` reads CSV (encodings, delimiters), `xlsx` reads workbooks (the
//! zip's unpacked size first), `write` writes both formats.

mod text;
mod write;
mod xlsx;

use thiserror::Error;

pub use write::{Kind, Table, csv_cell, write_csv, write_xlsx};

/// The largest file read, in bytes.
pub const MAX_FILE_BYTES: usize = 20 * 1024 * 1024;
/// The most an XLSX file may unpack to, in bytes, by the sizes its zip declares. The zip
/// reader never inflates an entry past its declared size, so this bounds the real work too.
pub const MAX_UNPACKED_BYTES: u64 = 200 * 1024 * 1024;
/// The most data rows read (the header row is not counted).
pub const MAX_ROWS: usize = 100_000;
/// The most columns a header may have.
pub const MAX_COLUMNS: usize = 1_000;
/// The most cells a sheet may hold once short rows are padded to the header's width, so a
/// small file with a wide header cannot take gigabytes of memory.
pub const MAX_CELLS: usize = 5_000_000;
/// The most text an XLSX file's cells may hold once read (a shared string can be repeated
/// in every cell, so the unpacked size alone does not bound it).
pub const MAX_TEXT_BYTES: usize = 64 * 1024 * 1024;

/// One data row, with the line of the file it starts on (1 is the header's line in a CSV
/// file; in an XLSX file it is the spreadsheet's row number) so a problem can name where to
/// look.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SheetRow {
    pub line: u64,
    pub cells: Vec<String>,
}

/// A file's first table: its header row and its data rows. Every row has as many cells as
/// the header: short rows are padded with empty cells, and cells beyond the header (which
/// no column could name) are dropped, as are empty header cells after the last named one.
/// Cells are trimmed; rows with nothing in them are skipped. A sheet always has at least one
/// row: a file with a header and nothing below it is [`SheetError::NoRows`].
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Sheet {
    pub header: Vec<String>,
    pub rows: Vec<SheetRow>,
}

/// What a file that is not a spreadsheet we read turned out to be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Found {
    Pdf,
    Image,
    /// An OLE compound file: an Excel 97-2003 `.xls` workbook, or a password-protected one.
    OldExcel,
    OpenDocument,
    /// An Excel binary workbook (`.xlsb`).
    BinaryExcel,
    /// A zip archive with no workbook inside.
    Zip,
    /// A web page or an XML file: older systems save HTML tables with an `.xls` name, and
    /// Excel 2003 had an XML format.
    Markup,
}

impl std::fmt::Display for Found {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Found::Pdf => "a PDF document; upload a CSV or Excel (.xlsx) file",
            Found::Image => "an image; upload a CSV or Excel (.xlsx) file",
            Found::OldExcel => {
                "an Excel 97-2003 workbook (.xls) or a workbook with a password; open it, \
                 remove any password and save it as Excel Workbook (.xlsx) or CSV UTF-8"
            }
            Found::OpenDocument => {
                "an OpenDocument spreadsheet (.ods); open it and save it as Excel Workbook \
                 (.xlsx) or CSV UTF-8"
            }
            Found::BinaryExcel => {
                "an Excel binary workbook (.xlsb); open it and save it as Excel Workbook \
                 (.xlsx) or CSV UTF-8"
            }
            Found::Zip => {
                "a zip archive with no workbook inside; upload the CSV or .xlsx file itself"
            }
            Found::Markup => {
                "a web page or XML file, not a spreadsheet; open it in Excel and save it as \
                 Excel Workbook (.xlsx) or CSV UTF-8"
            }
        })
    }
}

/// Why a file cannot be read, or a table written. The messages are for the person who
/// uploaded the file.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum SheetError {
    #[error("the file is empty")]
    Empty,
    #[error("the file has a header row but no rows of data below it")]
    NoRows,
    #[error(
        "the file is {} MB; the limit is {} MB: split it into smaller files",
        megabytes_up(*size as u64),
        megabytes(*limit as u64)
    )]
    TooLarge { size: usize, limit: usize },
    #[error(
        "the workbook unpacks to more than {} MB, the limit: split it into smaller files",
        megabytes(*limit)
    )]
    TooLargeUnpacked { limit: u64 },
    #[error(
        "the file has more than {} rows: split it into smaller files",
        thousands(*limit)
    )]
    TooManyRows { limit: usize },
    #[error("the file has more than {} columns", thousands(*limit))]
    TooManyColumns { limit: usize },
    #[error(
        "the file holds more than {} cells: split it into smaller files",
        thousands(*limit)
    )]
    TooManyCells { limit: usize },
    #[error(
        "the file's cells hold more than {} MB of text: split it into smaller files",
        megabytes(*limit as u64)
    )]
    TooMuchText { limit: usize },
    #[error("the file is neither CSV nor an Excel workbook (.xlsx)")]
    UnknownFormat,
    #[error("the file is {0}")]
    NotASpreadsheet(Found),
    #[error(
        "the file is in {encoding}, not UTF-8: in Excel choose Save As and the type \
         \"CSV UTF-8 (Comma delimited)\", or in Google Sheets download it as CSV, and upload \
         that file"
    )]
    Encoding { encoding: &'static str },
    #[error("line {line}: {message}")]
    Malformed { line: u64, message: String },
    #[error("the workbook cannot be read ({reason}); open it and save it again as .xlsx")]
    Damaged { reason: &'static str },
    #[error("the table cannot be written as a spreadsheet: {reason}")]
    Write { reason: String },
}

/// 100000 as "100,000".
fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, d) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(d);
    }
    out
}

/// A size in MB to a tenth, rounded down (limits are whole).
fn megabytes(bytes: u64) -> String {
    tenths_text(bytes * 10 / (1024 * 1024))
}

/// A file's size in MB to a tenth, rounded up, so a file just over the limit never reads as
/// the limit itself.
fn megabytes_up(bytes: u64) -> String {
    tenths_text((bytes * 10).div_ceil(1024 * 1024))
}

fn tenths_text(tenths: u64) -> String {
    if tenths.is_multiple_of(10) {
        (tenths / 10).to_string()
    } else {
        format!("{}.{}", tenths / 10, tenths % 10)
    }
}

/// Reads `bytes` as a CSV file (UTF-8, with or without a byte-order mark; comma-, semicolon-
/// or tab-separated, as the header line shows) or an XLSX workbook (its first worksheet),
/// told apart by content, never by `file_name` (a renamed file is read as what it is).
pub fn read(bytes: &[u8], _file_name: &str) -> Result<Sheet, SheetError> {
    if bytes.len() > MAX_FILE_BYTES {
        return Err(SheetError::TooLarge {
            size: bytes.len(),
            limit: MAX_FILE_BYTES,
        });
    }
    if bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"PK\x05\x06") {
        return xlsx::read(bytes);
    }
    if let Some(found) = sniff_binary(bytes) {
        return Err(SheetError::NotASpreadsheet(found));
    }
    text::read(bytes)
}

/// The formats we recognise by their first bytes and refuse by name.
fn sniff_binary(bytes: &[u8]) -> Option<Found> {
    const SIGNATURES: &[(&[u8], Found)] = &[
        (b"%PDF-", Found::Pdf),
        (b"\x89PNG\r\n\x1a\n", Found::Image),
        (b"\xFF\xD8\xFF", Found::Image),
        (b"GIF87a", Found::Image),
        (b"GIF89a", Found::Image),
        (b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", Found::OldExcel),
    ];
    SIGNATURES
        .iter()
        .find(|(magic, _)| bytes.starts_with(magic))
        .map(|(_, found)| *found)
}

/// Pads and trims rows to the header's width and checks the size limits; shared by both
/// readers so they agree on what a sheet is.
fn finish(mut header: Vec<String>, mut rows: Vec<SheetRow>) -> Result<Sheet, SheetError> {
    while header.last().is_some_and(String::is_empty) {
        header.pop();
    }
    if header.is_empty() {
        return Err(SheetError::Empty);
    }
    if header.len() > MAX_COLUMNS {
        return Err(SheetError::TooManyColumns { limit: MAX_COLUMNS });
    }
    if rows.is_empty() {
        return Err(SheetError::NoRows);
    }
    check_cells(rows.len(), header.len())?;
    let width = header.len();
    for row in &mut rows {
        row.cells.resize(width, String::new());
    }
    Ok(Sheet { header, rows })
}

fn check_cells(rows: usize, width: usize) -> Result<(), SheetError> {
    if rows.saturating_mul(width) > MAX_CELLS {
        return Err(SheetError::TooManyCells { limit: MAX_CELLS });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_read_as_sentences_without_internal_names() {
        let big = SheetError::TooLarge {
            size: 25 * 1024 * 1024,
            limit: MAX_FILE_BYTES,
        };
        assert_eq!(
            big.to_string(),
            "the file is 25 MB; the limit is 20 MB: split it into smaller files"
        );
        assert_eq!(megabytes(1024 * 1024 * 3 / 2), "1.5");
        assert_eq!(megabytes_up(MAX_FILE_BYTES as u64 + 1), "20.1");
        assert_eq!(
            SheetError::TooManyRows { limit: MAX_ROWS }.to_string(),
            "the file has more than 100,000 rows: split it into smaller files"
        );
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(5_000_000), "5,000,000");
        let bomb = SheetError::TooLargeUnpacked {
            limit: MAX_UNPACKED_BYTES,
        };
        assert!(bomb.to_string().contains("200 MB"));
        for e in [
            big,
            bomb,
            SheetError::NotASpreadsheet(Found::OldExcel),
            SheetError::Encoding { encoding: "UTF-16" },
        ] {
            assert!(!e.to_string().ends_with('.'), "{e}");
        }
    }
}

//! XLSX workbooks: the zip's directory is read first and its declared sizes added up, so a
//! zip bomb is refused before anything is inflated (and the zip reader never inflates an
//! entry past the size it declares, so a lying directory cannot get further); then the
//! first worksheet is read cell by cell, never as a whole grid, so a sheet whose cells sit
//! at opposite corners costs no more than its cells.

use std::collections::BTreeMap;
use std::io::Cursor;

use calamine::{DataRef, Reader, Xlsx, XlsxError};

use crate::{
    Found, MAX_CELLS, MAX_COLUMNS, MAX_ROWS, MAX_TEXT_BYTES, MAX_UNPACKED_BYTES, Sheet, SheetError,
    SheetRow, check_cells, finish,
};

/// The most entries a workbook's zip may list; real workbooks have a few dozen.
const MAX_ENTRIES: usize = 10_000;

pub(crate) fn read(bytes: &[u8]) -> Result<Sheet, SheetError> {
    check_archive(bytes)?;
    let mut workbook: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).map_err(damaged)?;
    let Some(name) = workbook.sheet_names().first().cloned() else {
        return Err(SheetError::Empty);
    };
    let mut cells = workbook.worksheet_cells_reader(&name).map_err(damaged)?;
    // Row number (from 0) to its cells by column; rows may come in any order.
    let mut grid: BTreeMap<u32, BTreeMap<u32, String>> = BTreeMap::new();
    let mut text_bytes = 0usize;
    let mut stored = 0usize;
    while let Some(cell) = cells.next_cell().map_err(damaged)? {
        let text = cell_text(cell.get_value());
        if text.is_empty() {
            continue;
        }
        let (row, column) = cell.get_position();
        if column as usize >= MAX_COLUMNS {
            return Err(SheetError::TooManyColumns { limit: MAX_COLUMNS });
        }
        text_bytes += text.len();
        if text_bytes > MAX_TEXT_BYTES {
            return Err(SheetError::TooMuchText {
                limit: MAX_TEXT_BYTES,
            });
        }
        if !grid.contains_key(&row) && grid.len() > MAX_ROWS {
            return Err(SheetError::TooManyRows { limit: MAX_ROWS });
        }
        if grid.entry(row).or_default().insert(column, text).is_none() {
            stored += 1;
            if stored > MAX_CELLS {
                return Err(SheetError::TooManyCells { limit: MAX_CELLS });
            }
        }
    }
    let mut rows = grid.into_iter();
    let Some((_, header)) = rows.next() else {
        return Err(SheetError::Empty);
    };
    let header = spread(header, usize::MAX);
    let width = header.len();
    check_cells(rows.len(), width)?;
    let rows = rows
        .filter_map(|(row, cells)| {
            let cells = spread(cells, width);
            (!cells.iter().all(String::is_empty)).then(|| SheetRow {
                line: u64::from(row) + 1,
                cells,
            })
        })
        .collect();
    finish(header, rows)
}

/// A row's cells by column as a list, the gaps empty, cut at `width`.
fn spread(cells: BTreeMap<u32, String>, width: usize) -> Vec<String> {
    let mut out = Vec::new();
    for (column, text) in cells {
        let column = column as usize;
        if column >= width {
            break;
        }
        out.resize(column, String::new());
        out.push(text);
    }
    out
}

/// Refuses a zip that is not a workbook, or that unpacks to more than the limit, from its
/// directory alone.
fn check_archive(bytes: &[u8]) -> Result<(), SheetError> {
    let mut archive =
        zip::ZipArchive::new(Cursor::new(bytes)).map_err(|_| SheetError::Damaged {
            reason: "it is not a complete zip file",
        })?;
    if archive.len() > MAX_ENTRIES {
        return Err(SheetError::NotASpreadsheet(Found::Zip));
    }
    let names: Vec<String> = archive
        .file_names_raw()
        .map(|n| String::from_utf8_lossy(n).into_owned())
        .collect();
    let has = |name: &str| names.iter().any(|n| n.eq_ignore_ascii_case(name));
    if !has("xl/workbook.xml") {
        if has("xl/workbook.bin") {
            return Err(SheetError::NotASpreadsheet(Found::BinaryExcel));
        }
        if has("mimetype") && has("content.xml") {
            return Err(SheetError::NotASpreadsheet(Found::OpenDocument));
        }
        return Err(SheetError::NotASpreadsheet(Found::Zip));
    }
    let mut total: u64 = 0;
    for index in 0..archive.len() {
        let size = archive
            .by_index_raw(index)
            .map(|entry| entry.size())
            .map_err(|_| SheetError::Damaged {
                reason: "it is not a complete zip file",
            })?;
        total = total.saturating_add(size);
        if total > MAX_UNPACKED_BYTES {
            return Err(SheetError::TooLargeUnpacked {
                limit: MAX_UNPACKED_BYTES,
            });
        }
    }
    Ok(())
}

fn damaged(error: XlsxError) -> SheetError {
    let reason = match error {
        XlsxError::Password => return SheetError::NotASpreadsheet(Found::OldExcel),
        XlsxError::Zip(_) | XlsxError::Io(_) => "part of it is damaged",
        XlsxError::Xml(_) | XlsxError::XmlAttr(_) => "part of it is not valid XML",
        XlsxError::FileNotFound(_) | XlsxError::WorksheetNotFound(_) => {
            "a part it names is missing"
        }
        // The rest name parser internals (a cell reference without a row, a number that
        // does not parse); a person can only save the file again.
        _ => "its contents are not laid out as Excel writes them",
    };
    SheetError::Damaged { reason }
}

/// A cell as the text an import reads: strings as they are, whole numbers without ".0",
/// dates as ISO 8601, errors as nothing.
fn cell_text(value: &DataRef<'_>) -> String {
    match value {
        DataRef::String(s) => s.trim().to_owned(),
        DataRef::SharedString(s) => s.trim().to_owned(),
        DataRef::Int(n) => n.to_string(),
        DataRef::Float(f) => number_text(*f),
        DataRef::Bool(true) => "TRUE".to_owned(),
        DataRef::Bool(false) => "FALSE".to_owned(),
        DataRef::DateTime(dt) if dt.is_duration() => duration_text(dt.as_f64()),
        DataRef::DateTime(dt) => {
            let (y, mo, d, h, mi, s, ms) = dt.to_ymd_hms_milli();
            match (h, mi, s, ms) {
                (0, 0, 0, 0) => format!("{y:04}-{mo:02}-{d:02}"),
                (_, _, _, 0) => format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}"),
                _ => format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}.{ms:03}"),
            }
        }
        DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => s.trim().to_owned(),
        DataRef::Error(_) | DataRef::Empty => String::new(),
    }
}

/// A float as a person would type it: 3 not 3.0, 0.1 not 0.1000000000000000055.
pub(crate) fn number_text(f: f64) -> String {
    if !f.is_finite() {
        return String::new();
    }
    if f.fract() == 0.0 && f.abs() < 1e15 {
        #[expect(clippy::cast_possible_truncation, reason = "whole and below 1e15")]
        return (f as i64).to_string();
    }
    // Excel keeps 15 significant digits; rounding to them hides binary noise (0.1 + 0.2).
    let rounded: f64 = format!("{f:.14e}").parse().unwrap_or(f);
    rounded.to_string()
}

/// A duration (days as a fraction) as hours, minutes and seconds.
fn duration_text(days: f64) -> String {
    #[expect(
        clippy::cast_possible_truncation,
        reason = "a cell's duration, rounded"
    )]
    let seconds = (days * 86_400.0).round() as i64;
    let sign = if seconds < 0 { "-" } else { "" };
    let seconds = seconds.unsigned_abs();
    format!(
        "{sign}{}:{:02}:{:02}",
        seconds / 3600,
        seconds / 60 % 60,
        seconds % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_read_as_typed() {
        assert_eq!(number_text(3.0), "3");
        assert_eq!(number_text(-12.0), "-12");
        assert_eq!(number_text(0.1), "0.1");
        assert_eq!(number_text(0.1 + 0.2), "0.3");
        assert_eq!(number_text(2.5), "2.5");
        assert_eq!(number_text(1e20), "100000000000000000000");
        assert_eq!(number_text(f64::NAN), "");
        assert_eq!(duration_text(0.5), "12:00:00");
    }
}

//! CSV files: the encoding checked before anything is parsed (UTF-16 and the Windows code
//! pages are named, so the person knows how to save the file again), the delimiter read from
//! the header line (European Excel writes semicolons, some tools tabs), then the rows.

use crate::{Found, MAX_COLUMNS, MAX_ROWS, Sheet, SheetError, SheetRow, check_cells, finish};

/// How many bytes the encoding checks look at: enough to see a pattern, little enough to
/// stay quick on a 20 MB file.
const SAMPLE: usize = 64 * 1024;

pub(crate) fn read(bytes: &[u8]) -> Result<Sheet, SheetError> {
    if bytes.starts_with(b"\xFF\xFE") || bytes.starts_with(b"\xFE\xFF") {
        return Err(SheetError::Encoding { encoding: "UTF-16" });
    }
    let text = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if text.iter().all(u8::is_ascii_whitespace) {
        return Err(SheetError::Empty);
    }
    check_encoding(text)?;
    if text.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'<') {
        return Err(SheetError::NotASpreadsheet(Found::Markup));
    }
    // Excel understands a first line `sep=;` naming the delimiter; so do we.
    let (delimiter, body, skipped) = match sep_line(text) {
        Some((delimiter, rest)) => (delimiter, rest, 1),
        None => (delimiter_of(text), text, 0),
    };
    parse(body, delimiter, skipped)
}

/// Refuses text that is not UTF-8, naming what it looks like instead.
fn check_encoding(text: &[u8]) -> Result<(), SheetError> {
    let sample = &text[..text.len().min(SAMPLE)];
    let nuls_even = sample.iter().step_by(2).filter(|b| **b == 0).count();
    let nuls_odd = sample
        .iter()
        .skip(1)
        .step_by(2)
        .filter(|b| **b == 0)
        .count();
    // UTF-16 text that is mostly Latin letters has a NUL in every other byte.
    let half = sample.len() / 2;
    if half > 0 && (nuls_even * 3 > half || nuls_odd * 3 > half) {
        return Err(SheetError::Encoding { encoding: "UTF-16" });
    }
    if nuls_even + nuls_odd > 0 || control_bytes(sample) * 100 > sample.len() {
        return Err(SheetError::UnknownFormat);
    }
    if std::str::from_utf8(text).is_err() {
        return Err(SheetError::Encoding {
            encoding: "Windows-1252 or Latin-1 (ANSI)",
        });
    }
    Ok(())
}

/// Bytes no text file has: control characters other than tab, line ends and form feed.
fn control_bytes(sample: &[u8]) -> usize {
    sample
        .iter()
        .filter(|b| (**b < 0x20 && !matches!(**b, b'\t' | b'\n' | b'\r' | 0x0C)) || **b == 0x7F)
        .count()
}

/// `sep=X` on the first line, and the text after it.
fn sep_line(text: &[u8]) -> Option<(u8, &[u8])> {
    let rest = text.strip_prefix(b"sep=")?;
    let (&delimiter, after) = rest.split_first()?;
    if !matches!(delimiter, b',' | b';' | b'\t' | b'|') {
        return None;
    }
    let after = after.strip_prefix(b"\r").unwrap_or(after);
    let after = after.strip_prefix(b"\n")?;
    Some((delimiter, after))
}

/// The delimiter of the header line: whichever of comma, semicolon and tab appears most
/// outside quotes, comma on a tie or when there is none (a one-column file).
fn delimiter_of(text: &[u8]) -> u8 {
    let mut counts = [0usize; 3];
    let mut quoted = false;
    for &b in text {
        match b {
            b'"' => quoted = !quoted,
            b'\n' | b'\r' if !quoted => break,
            b',' if !quoted => counts[0] += 1,
            b';' if !quoted => counts[1] += 1,
            b'\t' if !quoted => counts[2] += 1,
            _ => {}
        }
    }
    let [comma, semicolon, tab] = counts;
    if semicolon > comma && semicolon >= tab {
        b';'
    } else if tab > comma && tab > semicolon {
        b'\t'
    } else {
        b','
    }
}

/// A cell our writer made inert (`'=…`) reads back as it was, so an export re-imports
/// with the same answers.
fn unescape(cell: &str) -> &str {
    match cell.strip_prefix('\'') {
        Some(rest) if rest.starts_with(['=', '+', '-', '@', '\t', '\r']) => rest,
        _ => cell,
    }
}

/// Line numbers by byte offset, counted forward from the last offset asked for.
#[derive(Default)]
struct Lines {
    byte: usize,
    line: u64,
}

impl Lines {
    /// The line (from 1) that byte `at` of `text` is on; `at` never goes backwards.
    fn at(&mut self, text: &[u8], at: usize) -> u64 {
        // The csv reader counts the line breaks before a record (blank lines, the LF of a
        // CRLF) as part of it; a record itself never starts with one.
        let mut at = at.min(text.len());
        while matches!(text.get(at), Some(b'\r' | b'\n')) {
            at += 1;
        }
        if at > self.byte {
            let seen = &text[self.byte..at];
            let breaks = seen
                .iter()
                .enumerate()
                .filter(|(n, b)| {
                    **b == b'\n' || (**b == b'\r' && text.get(self.byte + n + 1) != Some(&b'\n'))
                })
                .count();
            self.line += breaks as u64;
            self.byte = at;
        }
        self.line + 1
    }
}

fn parse(text: &[u8], delimiter: u8, skipped: u64) -> Result<Sheet, SheetError> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(text);
    let mut header: Option<Vec<String>> = None;
    let mut rows = Vec::new();
    let mut record = csv::StringRecord::new();
    let mut lines = Lines::default();
    loop {
        let line = reader.position().line() + skipped;
        match reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(error) => {
                let line = error.position().map_or(line, |p| p.line() + skipped);
                return Err(match error.kind() {
                    csv::ErrorKind::Utf8 { .. } => SheetError::Encoding {
                        encoding: "Windows-1252 or Latin-1 (ANSI)",
                    },
                    _ => SheetError::Malformed {
                        line,
                        message: "the line cannot be read as CSV".to_owned(),
                    },
                });
            }
        }
        // The line the record starts on (a quoted line break makes a record span lines),
        // counted here because the csv reader's own count misses CRLF line ends.
        let start = record
            .position()
            .map_or(0, |p| usize::try_from(p.byte()).unwrap_or(usize::MAX));
        let line = lines.at(text, start) + skipped;
        let Some(header) = &header else {
            if record.len() > MAX_COLUMNS
                && record
                    .iter()
                    .skip(MAX_COLUMNS)
                    .any(|c| !c.trim().is_empty())
            {
                return Err(SheetError::TooManyColumns { limit: MAX_COLUMNS });
            }
            let mut names: Vec<String> = record
                .iter()
                .take(MAX_COLUMNS)
                .map(|c| unescape(c.trim()).to_owned())
                .collect();
            while names.last().is_some_and(String::is_empty) {
                names.pop();
            }
            if names.is_empty() {
                // Blank lines before the header are skipped.
                continue;
            }
            header = Some(names);
            continue;
        };
        let cells: Vec<String> = record
            .iter()
            .take(header.len())
            .map(|c| unescape(c.trim()).to_owned())
            .collect();
        if cells.iter().all(String::is_empty) {
            continue;
        }
        if rows.len() == MAX_ROWS {
            return Err(SheetError::TooManyRows { limit: MAX_ROWS });
        }
        check_cells(rows.len() + 1, header.len())?;
        rows.push(SheetRow { line, cells });
    }
    finish(header.ok_or(SheetError::Empty)?, rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_delimiter_is_read_from_the_header_line() {
        assert_eq!(delimiter_of(b"a,b,c\n1;2;3;4;5"), b',');
        assert_eq!(delimiter_of(b"Name;Email;\"Country, region\"\n"), b';');
        assert_eq!(delimiter_of(b"Name\tEmail\n"), b'\t');
        assert_eq!(delimiter_of(b"Name\n"), b',');
    }

    #[test]
    fn only_cells_our_writer_escaped_lose_their_quote() {
        assert_eq!(unescape("'=SUM(A1)"), "=SUM(A1)");
        assert_eq!(unescape("'- item"), "- item");
        assert_eq!(unescape("'tis"), "'tis");
        assert_eq!(unescape("O'Brien"), "O'Brien");
    }
}

//! CSV files: delimiters, line numbers, encodings and the refusals, each quick and named.

use iln_sheet::{Found, MAX_FILE_BYTES, MAX_ROWS, SheetError, read};

#[test]
fn a_google_forms_csv_reads_with_its_lines() {
    let file = "\u{feff}Timestamp,Name,\"Ways to communicate\"\r\n\
                3/1/2025 10:15:00,Ada,\"Email, Zoom\"\r\n\
                \r\n\
                3/1/2025 11:00:00,\"Bo\nKim\",\r\n\
                3/2/2025 09:00:00,Cy\r\n";
    let sheet = read(file.as_bytes(), "form.csv").unwrap();
    assert_eq!(sheet.header, ["Timestamp", "Name", "Ways to communicate"]);
    assert_eq!(sheet.rows.len(), 3);
    assert_eq!(sheet.rows[0].line, 2);
    assert_eq!(sheet.rows[0].cells[2], "Email, Zoom");
    assert_eq!(sheet.rows[1].line, 4);
    assert_eq!(sheet.rows[1].cells[1], "Bo\nKim");
    assert_eq!(sheet.rows[2].line, 6, "the quoted line break counts");
    assert_eq!(sheet.rows[2].cells, ["3/2/2025 09:00:00", "Cy", ""]);
}

#[test]
fn semicolons_tabs_and_sep_lines_are_delimiters() {
    let european = "Name;Country;Score\nAda;FR;3,5\n";
    let sheet = read(european.as_bytes(), "x.csv").unwrap();
    assert_eq!(sheet.header, ["Name", "Country", "Score"]);
    assert_eq!(sheet.rows[0].cells, ["Ada", "FR", "3,5"]);

    let tabs = "Name\tCountry\nAda\tFR, France\n";
    let sheet = read(tabs.as_bytes(), "x.tsv").unwrap();
    assert_eq!(sheet.rows[0].cells, ["Ada", "FR, France"]);

    let excel = "sep=;\r\nName;Country\r\nAda;FR\r\n";
    let sheet = read(excel.as_bytes(), "x.csv").unwrap();
    assert_eq!(sheet.header, ["Name", "Country"]);
    assert_eq!(sheet.rows[0].line, 3);
}

#[test]
fn wide_rows_are_cut_and_trailing_unnamed_columns_dropped() {
    let sheet = read(b"a,b,,\n1,2,3,4,5\n", "x.csv").unwrap();
    assert_eq!(sheet.header, ["a", "b"]);
    assert_eq!(sheet.rows[0].cells, ["1", "2"]);
}

#[test]
fn empty_files_and_files_without_rows_are_refused() {
    for empty in [&b""[..], b"   \r\n\n", b"\xEF\xBB\xBF", b",,,\n,,\n"] {
        assert_eq!(read(empty, "x.csv"), Err(SheetError::Empty), "{empty:?}");
    }
    assert_eq!(read(b"Name,Email\r\n", "x.csv"), Err(SheetError::NoRows));
    assert_eq!(
        read(b"Name,Email\r\n,\r\n\r\n", "x.csv"),
        Err(SheetError::NoRows)
    );
    assert_eq!(
        SheetError::NoRows.to_string(),
        "the file has a header row but no rows of data below it"
    );
}

#[test]
fn other_encodings_are_named_with_how_to_save_as_utf8() {
    let text = "Name,City\r\nJosé,São Paulo\r\n";
    let utf16le: Vec<u8> = text.encode_utf16().flat_map(u16::to_le_bytes).collect();
    let utf16be: Vec<u8> = text.encode_utf16().flat_map(u16::to_be_bytes).collect();
    let with_bom: Vec<u8> = [&[0xFF, 0xFE][..], &utf16le].concat();
    for file in [&utf16le, &utf16be, &with_bom] {
        let error = read(file, "x.csv").unwrap_err();
        assert_eq!(error, SheetError::Encoding { encoding: "UTF-16" });
        assert!(error.to_string().contains("CSV UTF-8"), "{error}");
    }
    // Windows-1252: é is 0xE9, ã is 0xE3.
    let latin = b"Name,City\r\nJos\xE9,S\xE3o Paulo\r\n";
    let error = read(latin, "x.csv").unwrap_err();
    assert!(
        matches!(error, SheetError::Encoding { encoding } if encoding.contains("Windows-1252"))
    );
    assert!(error.to_string().contains("CSV UTF-8"));
}

#[test]
fn other_formats_are_named() {
    let cases: [(&[u8], SheetError); 7] = [
        (
            b"<html><body><table><tr><td>Name</td></tr></table>",
            SheetError::NotASpreadsheet(Found::Markup),
        ),
        (
            b"\xEF\xBB\xBF  <?xml version=\"1.0\"?><Workbook>",
            SheetError::NotASpreadsheet(Found::Markup),
        ),
        (b"%PDF-1.7\n...", SheetError::NotASpreadsheet(Found::Pdf)),
        (
            b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR",
            SheetError::NotASpreadsheet(Found::Image),
        ),
        (
            b"\xFF\xD8\xFF\xE0\0\x10JFIF",
            SheetError::NotASpreadsheet(Found::Image),
        ),
        (
            b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1\0\0\0\0",
            SheetError::NotASpreadsheet(Found::OldExcel),
        ),
        (
            b"\x01\x02\x03\x00\x7f\x1b binary",
            SheetError::UnknownFormat,
        ),
    ];
    for (bytes, expected) in cases {
        assert_eq!(read(bytes, "upload.csv"), Err(expected));
    }
    assert!(
        SheetError::NotASpreadsheet(Found::OldExcel)
            .to_string()
            .contains(".xlsx")
    );
    // Random bytes of a fixed seed: not text.
    let mut state = 0x2545_f491_u32;
    let noise: Vec<u8> = (0..4096)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            state.to_le_bytes()[0]
        })
        .collect();
    assert_eq!(read(&noise, "noise.csv"), Err(SheetError::UnknownFormat));
}

#[test]
fn too_large_files_are_refused_before_reading() {
    let big = vec![b'a'; MAX_FILE_BYTES + 1];
    let error = read(&big, "big.csv").unwrap_err();
    assert!(matches!(error, SheetError::TooLarge { .. }));
    assert!(error.to_string().contains("20 MB"), "{error}");
}

#[test]
fn too_many_rows_columns_or_cells_are_refused() {
    let mut file = String::from("n\n");
    for n in 0..=MAX_ROWS {
        file.push_str(&format!("{n}\n"));
    }
    assert_eq!(
        read(file.as_bytes(), "x.csv"),
        Err(SheetError::TooManyRows { limit: MAX_ROWS })
    );
    let mut exactly = String::from("n\n");
    for n in 0..MAX_ROWS {
        exactly.push_str(&format!("{n}\n"));
    }
    assert_eq!(
        read(exactly.as_bytes(), "x.csv").unwrap().rows.len(),
        MAX_ROWS
    );

    let wide = format!("{}\n1\n", vec!["c"; 1001].join(","));
    assert!(matches!(
        read(wide.as_bytes(), "x.csv"),
        Err(SheetError::TooManyColumns { .. })
    ));
    // A small file with a wide header and many short rows would pad to millions of cells.
    let mut padded = format!("{}\n", vec!["c"; 900].join(","));
    padded.push_str(&"x\n".repeat(10_000));
    assert!(matches!(
        read(padded.as_bytes(), "x.csv"),
        Err(SheetError::TooManyCells { .. })
    ));
}

#[test]
fn a_broken_quote_names_its_line() {
    // The csv reader takes an unclosed quote to the end of the file; a stray quote inside
    // a field is kept as text. Neither panics, and the rows before are kept.
    let sheet = read(b"a,b\n1,2\n3,\"open\n", "x.csv").unwrap();
    assert_eq!(sheet.rows.len(), 2);
    assert_eq!(sheet.rows[1].line, 3);
}

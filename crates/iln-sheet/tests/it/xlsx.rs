//! XLSX files: typed cells as text, the header as the first row with something in it, line
//! numbers as row numbers, and the refusals (zip bombs with honest and lying directories, a
//! zip that is no workbook, an OpenDocument file), each quick.

use std::io::Write;

use iln_sheet::{Found, SheetError, read};
use rust_xlsxwriter::{ExcelDateTime, Format, Formula};

use crate::workbook;

const HEADER: [&str; 7] = [
    "Timestamp",
    "Name",
    "Years",
    "Score",
    "Agrees",
    "Start",
    "Ratio",
];

#[test]
fn cells_read_as_the_text_a_person_typed() {
    let bytes = workbook(|sheet| {
        let stamp = Format::new().set_num_format("m/d/yyyy h:mm:ss");
        let day = Format::new().set_num_format("yyyy-mm-dd");
        // Rows 1 and 2 are empty: the header is row 3.
        for (c, name) in HEADER.iter().enumerate() {
            sheet.write_string(2, c as u16, *name).unwrap();
        }
        let at = ExcelDateTime::from_ymd(2025, 3, 1)
            .unwrap()
            .and_hms(10, 15, 0)
            .unwrap();
        sheet.write_datetime_with_format(3, 0, &at, &stamp).unwrap();
        sheet.write_string(3, 1, "  Ada Lovelace ").unwrap();
        sheet.write_number(3, 2, 15.0).unwrap();
        sheet.write_number(3, 3, 2.5).unwrap();
        sheet.write_boolean(3, 4, true).unwrap();
        let start = ExcelDateTime::from_ymd(2025, 9, 1).unwrap();
        sheet
            .write_datetime_with_format(3, 5, &start, &day)
            .unwrap();
        sheet
            .write_formula(3, 6, Formula::new("=1/0").set_result("#DIV/0!"))
            .unwrap();
        // Row 5 is blank; row 6 has one cell beyond the header, which is dropped.
        sheet.write_string(5, 1, "Bo").unwrap();
        sheet.write_number(5, 9, 7.0).unwrap();
    });
    let sheet = read(&bytes, "form.xlsx").unwrap();
    assert_eq!(sheet.header, HEADER);
    assert_eq!(sheet.rows.len(), 2);
    assert_eq!(sheet.rows[0].line, 4);
    assert_eq!(
        sheet.rows[0].cells,
        [
            "2025-03-01T10:15:00",
            "Ada Lovelace",
            "15",
            "2.5",
            "TRUE",
            "2025-09-01",
            ""
        ]
    );
    assert_eq!(sheet.rows[1].line, 6);
    assert_eq!(sheet.rows[1].cells, ["", "Bo", "", "", "", "", ""]);
}

#[test]
fn xlsx_is_told_by_content_not_by_name() {
    let bytes = workbook(|sheet| {
        sheet.write_string(0, 0, "Name").unwrap();
        sheet.write_string(1, 0, "Ada").unwrap();
    });
    assert_eq!(read(&bytes, "export.csv").unwrap().rows[0].cells, ["Ada"]);
    let csv = b"Name\nAda\n";
    assert_eq!(
        read(csv, "named-wrong.xlsx").unwrap().rows[0].cells,
        ["Ada"]
    );
}

#[test]
fn workbooks_without_rows_are_empty_or_have_no_rows() {
    let blank = workbook(|_| {});
    assert_eq!(read(&blank, "x.xlsx"), Err(SheetError::Empty));
    let header = workbook(|sheet| {
        sheet.write_string(0, 0, "Name").unwrap();
        sheet.write_string(0, 1, "Email").unwrap();
    });
    assert_eq!(read(&header, "x.xlsx"), Err(SheetError::NoRows));
}

#[test]
fn far_away_cells_cost_nothing_and_wide_sheets_are_refused() {
    // One cell at A1 and one in the last row: read cell by cell, never as a grid.
    let bytes = workbook(|sheet| {
        sheet.write_string(0, 0, "Name").unwrap();
        sheet.write_string(1_048_575, 0, "Ada").unwrap();
    });
    let sheet = read(&bytes, "x.xlsx").unwrap();
    assert_eq!(sheet.rows[0].line, 1_048_576);
    let wide = workbook(|sheet| {
        sheet.write_string(0, 0, "Name").unwrap();
        sheet.write_string(0, 16_000, "Far").unwrap();
        sheet.write_string(1, 0, "Ada").unwrap();
    });
    assert!(matches!(
        read(&wide, "x.xlsx"),
        Err(SheetError::TooManyColumns { .. })
    ));
}

/// A zip of `entries` (name, content), deflated.
fn zip_of(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, content) in entries {
        out.start_file(*name, options).unwrap();
        out.write_all(content).unwrap();
    }
    out.finish().unwrap().into_inner()
}

/// Sets the uncompressed size every header of `bytes` declares for the entry `name`.
fn declare_size(bytes: &mut [u8], name: &str, size: u32) {
    let mut patched = 0;
    for at in 0..bytes.len().saturating_sub(46) {
        let (offset, name_at) = match &bytes[at..at + 4] {
            b"PK\x03\x04" => (22, 30),
            b"PK\x01\x02" => (24, 46),
            _ => continue,
        };
        let len_at = if name_at == 30 { at + 26 } else { at + 28 };
        let len = u16::from_le_bytes([bytes[len_at], bytes[len_at + 1]]) as usize;
        if bytes.get(at + name_at..at + name_at + len) == Some(name.as_bytes()) {
            bytes[at + offset..at + offset + 4].copy_from_slice(&size.to_le_bytes());
            patched += 1;
        }
    }
    assert_eq!(patched, 2, "a local and a central header for {name}");
}

fn a_real_workbook_with_sheet(sheet_xml: &[u8]) -> Vec<u8> {
    // A valid workbook's parts, with its first sheet replaced.
    let base = workbook(|sheet| {
        sheet.write_string(0, 0, "Name").unwrap();
        sheet.write_string(1, 0, "Ada").unwrap();
    });
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(base)).unwrap();
    let mut parts: Vec<(String, Vec<u8>)> = Vec::new();
    for i in 0..archive.len() {
        let mut entry = archive.by_index(i).unwrap();
        let mut content = Vec::new();
        std::io::Read::read_to_end(&mut entry, &mut content).unwrap();
        let name = entry.name().unwrap().into_owned();
        if name == "xl/worksheets/sheet1.xml" {
            content = sheet_xml.to_vec();
        }
        parts.push((name, content));
    }
    let borrowed: Vec<(&str, &[u8])> = parts
        .iter()
        .map(|(n, c)| (n.as_str(), c.as_slice()))
        .collect();
    zip_of(&borrowed)
}

#[test]
fn a_zip_bomb_is_refused_from_its_directory() {
    let mut bytes = a_real_workbook_with_sheet(b"<worksheet/>");
    declare_size(&mut bytes, "xl/worksheets/sheet1.xml", 300 * 1024 * 1024);
    let error = read(&bytes, "bomb.xlsx").unwrap_err();
    assert_eq!(
        error,
        SheetError::TooLargeUnpacked {
            limit: iln_sheet::MAX_UNPACKED_BYTES
        }
    );
    assert!(error.to_string().contains("200 MB"), "{error}");
}

#[test]
fn a_zip_bomb_that_lies_about_its_size_is_not_inflated_past_the_lie() {
    // 40 MB of rows that deflate to a few hundred kilobytes, declared as 4 KB.
    let mut xml = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><worksheet \
         xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><sheetData>",
    );
    let row = "<row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx</t></is></c></row>";
    while xml.len() < 40 * 1024 * 1024 {
        xml.push_str(row);
    }
    xml.push_str("</sheetData></worksheet>");
    let mut bytes = a_real_workbook_with_sheet(xml.as_bytes());
    assert!(bytes.len() < 2 * 1024 * 1024, "{}", bytes.len());
    declare_size(&mut bytes, "xl/worksheets/sheet1.xml", 4096);
    // The reader stops at the declared 4 KB: the sheet is cut short (a damaged file) or
    // reads as the rows within it; either way nothing near 40 MB is held.
    match read(&bytes, "liar.xlsx") {
        Err(SheetError::Damaged { .. }) | Err(SheetError::NoRows) => {}
        Ok(sheet) => assert!(sheet.rows.len() < 100, "{}", sheet.rows.len()),
        Err(other) => panic!("{other:?}"),
    }
}

#[test]
fn zips_that_are_not_workbooks_are_named() {
    let plain = zip_of(&[("notes.txt", b"hello")]);
    assert_eq!(
        read(&plain, "x.xlsx"),
        Err(SheetError::NotASpreadsheet(Found::Zip))
    );
    let ods = zip_of(&[
        (
            "mimetype",
            b"application/vnd.oasis.opendocument.spreadsheet",
        ),
        ("content.xml", b"<office:document-content/>"),
    ]);
    assert_eq!(
        read(&ods, "x.ods"),
        Err(SheetError::NotASpreadsheet(Found::OpenDocument))
    );
    let xlsb = zip_of(&[("xl/workbook.bin", b"\0\0")]);
    assert_eq!(
        read(&xlsb, "x.xlsb"),
        Err(SheetError::NotASpreadsheet(Found::BinaryExcel))
    );
    let broken = b"PK\x03\x04 not really a zip".to_vec();
    assert_eq!(
        read(&broken, "x.xlsx").unwrap_err().to_string(),
        "the workbook cannot be read (it is not a complete zip file); open it and save it \
         again as .xlsx"
    );
    // A workbook part that is not XML.
    let garbage = a_real_workbook_with_sheet(b"<worksheet><sheetData><row r=\"1\"><c r=");
    assert!(read(&garbage, "x.xlsx").is_err());
}

//! Writing: CSV and XLSX cells that would run a formula are inert, and XLSX cells are typed
//! and read back with calamine as numbers and dates.

use calamine::{Data, Reader, Xlsx};
use iln_sheet::{Kind, Table, read, write_csv, write_xlsx};

fn formulas() -> Vec<String> {
    [
        "=HYPERLINK(\"http://x\",\"y\")",
        "+1",
        "-2+3",
        "@SUM(A1)",
        "\tx",
        "\rx",
        "=1;2",
    ]
    .iter()
    .map(|s| (*s).to_owned())
    .collect()
}

#[test]
fn csv_cells_that_would_run_are_inert_and_read_back_as_written() {
    let table = Table::text(
        vec!["a".to_owned()],
        formulas().into_iter().map(|f| vec![f]).collect(),
    );
    let csv = write_csv(&table);
    for line in csv.split("\r\n").skip(1).filter(|l| !l.is_empty()) {
        let cell = line.trim_start_matches('"');
        assert!(cell.starts_with('\''), "{line:?}");
    }
    let sheet = read(csv.as_bytes(), "x.csv").unwrap();
    let back: Vec<&str> = sheet.rows.iter().map(|r| r.cells[0].as_str()).collect();
    // The escaped tab and carriage return come back too: the reader trims before it takes
    // the escape quote off.
    assert_eq!(back, formulas());
}

#[test]
fn numbers_in_number_columns_are_written_as_numbers_in_csv() {
    let table = Table {
        header: vec!["score".to_owned(), "note".to_owned()],
        kinds: vec![Kind::Integer, Kind::Text],
        rows: vec![
            vec!["-3".to_owned(), "-3".to_owned()],
            vec!["=1".to_owned(), "x".to_owned()],
        ],
    };
    assert_eq!(write_csv(&table), "score,note\r\n-3,'-3\r\n'=1,x\r\n");
}

fn xml_of(bytes: &[u8], part: &str) -> String {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut entry = archive.by_name(part).unwrap();
    let mut text = String::new();
    std::io::Read::read_to_string(&mut entry, &mut text).unwrap();
    text
}

#[test]
fn xlsx_text_is_never_a_formula() {
    let table = Table::text(
        vec!["a".to_owned()],
        formulas().into_iter().map(|f| vec![f]).collect(),
    );
    let bytes = write_xlsx(&table, "export").unwrap();
    let sheet_xml = xml_of(&bytes, "xl/worksheets/sheet1.xml");
    assert!(
        !sheet_xml.contains("<f>") && !sheet_xml.contains("<f "),
        "{sheet_xml}"
    );
    let mut book: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes)).unwrap();
    let range = book.worksheet_range("export").unwrap();
    let cells: Vec<String> = range.rows().skip(1).map(|r| r[0].to_string()).collect();
    assert_eq!(cells, formulas());
    assert!(
        book.worksheet_formula("export")
            .unwrap()
            .used_cells()
            .next()
            .is_none()
    );
}

#[test]
fn xlsx_cells_are_typed_with_a_frozen_bold_header() {
    let table = Table {
        header: ["name", "score", "ratio", "started", "submitted_at", "id"]
            .map(str::to_owned)
            .to_vec(),
        kinds: vec![
            Kind::Text,
            Kind::Integer,
            Kind::Number,
            Kind::Date,
            Kind::DateTime,
            Kind::Integer,
        ],
        rows: vec![
            [
                "Ada",
                "12",
                "0.75",
                "2025-03-01",
                "2025-03-01T10:15:30Z",
                "7",
            ]
            .map(str::to_owned)
            .to_vec(),
            [
                "Bo",
                "not a number",
                "",
                "someday",
                "2025-03-02T08:00:00.5Z",
                "",
            ]
            .map(str::to_owned)
            .to_vec(),
        ],
    };
    let bytes = write_xlsx(&table, "applications").unwrap();
    let sheet_xml = xml_of(&bytes, "xl/worksheets/sheet1.xml");
    assert!(
        sheet_xml.contains("<pane ySplit=\"1\""),
        "a frozen header row"
    );
    assert!(sheet_xml.contains("<col "), "fitted widths");
    assert!(
        xml_of(&bytes, "xl/styles.xml").contains("<b/>"),
        "a bold header"
    );

    let mut book: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes.clone())).unwrap();
    let range = book.worksheet_range("applications").unwrap();
    let ada: Vec<&Data> = range.rows().nth(1).unwrap().iter().collect();
    assert_eq!(ada[0], &Data::String("Ada".to_owned()));
    assert_eq!(ada[1], &Data::Float(12.0));
    assert_eq!(ada[2], &Data::Float(0.75));
    assert!(
        matches!(ada[3], Data::DateTime(d) if d.is_datetime()),
        "{:?}",
        ada[3]
    );
    assert!(matches!(ada[4], Data::DateTime(_)), "{:?}", ada[4]);
    let bo: Vec<&Data> = range.rows().nth(2).unwrap().iter().collect();
    assert_eq!(
        bo[1],
        &Data::String("not a number".to_owned()),
        "kept as text"
    );
    assert_eq!(bo[3], &Data::String("someday".to_owned()));

    // And our own reader gives the canonical text back.
    let sheet = read(&bytes, "x.xlsx").unwrap();
    assert_eq!(
        sheet.rows[0].cells,
        [
            "Ada",
            "12",
            "0.75",
            "2025-03-01",
            "2025-03-01T10:15:30",
            "7"
        ]
    );
    assert_eq!(sheet.rows[1].cells[4], "2025-03-02T08:00:00.500");
}

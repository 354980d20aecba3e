//! Property tests: no input makes the reader panic, and tables our writers write read back
//! with the same cells.

use iln_sheet::{Table, read, write_csv, write_xlsx};
use proptest::prelude::*;

/// A cell as an import would see it: trimmed (the reader trims), and not starting with a
/// quote before a formula character (which the reader takes as our escape).
fn cell() -> impl Strategy<Value = String> {
    "[a-zA-Z0-9 ,;\"'=+@\\-\n\t\réü中😀]{0,12}"
        .prop_map(|s| s.trim().to_owned())
        .prop_filter("not our escape", |s| {
            !(s.starts_with('\'') && s[1..].starts_with(['=', '+', '-', '@', '\t', '\r']))
        })
}

fn table() -> impl Strategy<Value = Table> {
    (1usize..6).prop_flat_map(|width| {
        (
            prop::collection::vec(cell().prop_filter("named", |c| !c.is_empty()), width),
            prop::collection::vec(
                prop::collection::vec(cell(), width)
                    .prop_filter("not blank", |r| r.iter().any(|c| !c.is_empty())),
                1..8,
            ),
        )
            .prop_map(|(header, rows)| Table::text(header, rows))
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn random_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..2048)) {
        let _ = read(&bytes, "random.csv");
        let mut zipped = b"PK\x03\x04".to_vec();
        zipped.extend_from_slice(&bytes);
        let _ = read(&zipped, "random.xlsx");
    }

    #[test]
    fn random_text_never_panics(text in "[a-z,;\t\"\r\n ]{0,200}") {
        let _ = read(text.as_bytes(), "random.csv");
    }

    #[test]
    fn csv_reads_back_what_we_write(table in table()) {
        let csv = write_csv(&table);
        let sheet = read(csv.as_bytes(), "x.csv").unwrap();
        prop_assert_eq!(&sheet.header, &table.header);
        let rows: Vec<Vec<String>> = sheet.rows.into_iter().map(|r| r.cells).collect();
        prop_assert_eq!(rows, table.rows);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(32))]

    #[test]
    fn xlsx_reads_back_what_we_write(table in table()) {
        let bytes = write_xlsx(&table, "x").unwrap();
        let sheet = read(&bytes, "x.xlsx").unwrap();
        prop_assert_eq!(&sheet.header, &table.header);
        let rows: Vec<Vec<String>> = sheet.rows.into_iter().map(|r| r.cells).collect();
        let written: Vec<Vec<String>> = table.rows.into_iter()
            .map(|r| r.into_iter().map(|c| c.trim().to_owned()).collect())
            .collect();
        prop_assert_eq!(rows, written);
    }
}

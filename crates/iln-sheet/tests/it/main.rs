//! The one test binary of iln-sheet: CSV reading (`csv`), XLSX reading and its refusals
//! (`xlsx`), writing both formats (`write`) and the property tests over random input
//! (`fuzz`).

// Fixture builders are helpers, not #[test] functions, so clippy's test allowance misses them;
// an unwrap there is still a failed test with a line number.
#![expect(clippy::unwrap_used, reason = "test fixtures")]

mod csv;
mod fuzz;
mod write;
mod xlsx;

/// A workbook's bytes, written by the same library our exports use, one sheet of `rows`.
pub fn workbook(build: impl FnOnce(&mut rust_xlsxwriter::Worksheet)) -> Vec<u8> {
    let mut book = rust_xlsxwriter::Workbook::new();
    build(book.add_worksheet());
    book.save_to_buffer().expect("a test workbook")
}

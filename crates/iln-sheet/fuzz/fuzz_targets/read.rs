//! Any bytes, as a CSV or XLSX upload: the reader may refuse them, never panic.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let _ = iln_sheet::read(data, "upload");
});

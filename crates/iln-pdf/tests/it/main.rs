//! The PDF writer's one integration-test binary. Its PDFs are read back with `reader`, a small
//! reader written for the tests, so no test needs qpdf, poppler or any other tool.

#![expect(clippy::unwrap_used, reason = "tests may panic on bad results")]

mod common;
mod layout;
mod reader;
mod robust;
mod size;
mod structure;
mod text;

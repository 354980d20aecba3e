//! The matching engine's one integration-test binary: each module checks one part against an
//! independent reference (brute force, rustworkx-core, or the complete graph).

// Test helpers outside #[test] functions unwrap too: a panic there is a failed test.
#![expect(clippy::unwrap_used, reason = "tests may panic on bad results")]

mod candidates;
mod common;
mod edgelist;
mod exhaustive;
mod explain;
mod oracle;
mod robust;
mod trio;

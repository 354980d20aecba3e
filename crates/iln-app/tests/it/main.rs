//! The application layer's one integration-test binary: each module tests one area's
//! use-cases against a real, migrated SQLite database (and PostgreSQL when
//! `ILN_TEST_POSTGRES_URL` is set), through [`support::TestApp`].

// Test bodies are plain async functions shared by both backends (see `app_tests!`), so clippy
// does not see them as tests; an unwrap there is still a failed test with a line number.
#![expect(clippy::unwrap_used, reason = "test bodies shared by both backends")]

mod support;

mod accounts;
mod actor;
mod alumni;
mod applications;
mod calendar;
mod checkins;
mod ending;
mod export;
mod housekeeping;
mod import;
mod jobs;
mod matching;
mod reports;
mod rounds;
mod surveys;
mod topics;
mod transaction;

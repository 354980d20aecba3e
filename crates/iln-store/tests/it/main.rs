//! The store's one test suite: every test runs on SQLite, and on PostgreSQL when
//! `ILN_TEST_POSTGRES_URL` is set (each test in a fresh schema, so tests run in parallel).

// The test bodies are plain async functions shared by the SQLite and PostgreSQL variants, so
// clippy does not see them as tests; an unwrap there is still a failed test with a line number.
#![expect(clippy::unwrap_used, reason = "test bodies shared by both backends")]

mod support;

mod applications;
mod audit;
mod connect;
mod jobs;
mod matching;
mod outbox;
mod partnerships;
mod people;
mod rounds;
mod schema;
mod sessions;
mod surveys;
mod tokens;
mod trouble;
mod users;

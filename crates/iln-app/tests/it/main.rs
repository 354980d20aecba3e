//! The application layer's one integration-test binary: each module tests one area's
//! use-cases against a real, migrated SQLite database (and PostgreSQL when
//! `ILN_TEST_POSTGRES_URL` is set).

mod actor;
mod jobs;

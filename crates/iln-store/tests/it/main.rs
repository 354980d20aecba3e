//! The store's one test suite: every test runs on SQLite, and on PostgreSQL when
//! `ILN_TEST_POSTGRES_URL` is set.

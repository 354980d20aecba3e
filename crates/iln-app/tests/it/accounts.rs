//! The accounts use-cases, on both backends.

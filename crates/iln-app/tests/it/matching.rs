//! The matching use-cases, on both backends.

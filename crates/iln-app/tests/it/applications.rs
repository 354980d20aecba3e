//! The applications use-cases, on both backends.

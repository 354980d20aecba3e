//! The rounds use-cases, on both backends.

//! iln-matching

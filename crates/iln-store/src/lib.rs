//! iln-store

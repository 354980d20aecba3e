//! iln-domain

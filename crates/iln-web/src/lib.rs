//! iln-web

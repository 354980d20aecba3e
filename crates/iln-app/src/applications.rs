//! Applications: apply, edit, withdraw, decisions (one and many), notes, endorsements, and merging or keeping duplicates.
//!
//! Each use-case here takes the actor, typed input and the clock (through [`crate::App`])
//! and runs in one transaction.

/// What this area tells people by email. The words are the web layer's
/// (`iln_web::emails::applications`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ApplicationNotice {}

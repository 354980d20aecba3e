//! Rounds: create, edit, the admin's transitions, and the job that applies a round's dates (with the country cap when applications close).
//!
//! Each use-case here takes the actor, typed input and the clock (through [`crate::App`])
//! and runs in one transaction.

/// What this area tells people by email. The words are the web layer's
/// (`iln_web::emails::rounds`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RoundNotice {}

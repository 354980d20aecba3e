//! Matching: runs, locks, forbidden and allowed pairs, swaps, publishing the partnerships with their introductions, ending a partnership early and re-matching.
//!
//! Each use-case here takes the actor, typed input and the clock (through [`crate::App`])
//! and runs in one transaction.

/// What this area tells people by email. The words are the web layer's
/// (`iln_web::emails::matching`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MatchingNotice {}

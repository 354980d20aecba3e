//! Accounts: sign-up, email verification, password reset, sign-in bookkeeping and role changes.
//!
//! Each use-case here takes the actor, typed input and the clock (through [`crate::App`])
//! and runs in one transaction.

/// What this area tells people by email. The words are the web layer's
/// (`iln_web::emails::accounts`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AccountNotice {}

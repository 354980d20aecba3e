//! The database: one storage API over SQLite and PostgreSQL, chosen at run time from the URL.
//!
//! Layout:
//! - [`store`]: connecting (SQLite pragmas, PostgreSQL), migrations, write transactions.
//! - [`error`]: [`StoreError`], the one error type callers see.
//! - [`model`]: the records going in and out (ids, users, tokens, emails, audit, people).
//! - `users`, `tokens`, `sessions`, `outbox`, `audit`, `people`: the methods of [`Store`]
//!   for each table group.
//!
//! Every method takes the current time as a parameter when it needs one: the store never
//! reads a clock, so expiry is tested by passing timestamps.

pub mod error;
pub mod model;
pub mod store;

mod audit;
mod codec;
mod outbox;
mod people;
mod sessions;
mod tokens;
mod users;

pub use error::StoreError;
pub use model::{
    AuditEntry, AuditId, EmailId, EmailStatus, NewAuditEntry, NewEmail, NewPerson, NewUser,
    OutboxEmail, PeopleScope, Person, PersonId, TokenPurpose, User, UserId,
};
pub use store::{Backend, Store};

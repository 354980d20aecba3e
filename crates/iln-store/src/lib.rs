//! The database: one storage API over SQLite and PostgreSQL, chosen at run time from the URL.
//!
//! Layout:
//! - [`store`]: connecting (SQLite pragmas, PostgreSQL), migrations, write transactions.
//! - [`error`]: [`StoreError`], the one error type callers see.
//! - [`model`]: the records going in and out (ids, users, tokens, emails, audit, people).
//! - `jobs`: the jobs queue (enqueue inside an action's transaction, claim one at a time under
//!   a lease, finish, fail, retry, cancel).
//! - `outbox`: email as jobs of kind `email`, each with its Message-ID fixed at enqueue.
//! - `users`, `tokens`, `sessions`, `audit`, `people`, `rounds`, `applications`: the
//!   methods of [`Store`] for each table group; `matching` (never-pair list, locks, runs) and
//!   `partnerships` (published partnerships, previous partners) likewise; `imports` (uploaded
//!   files waiting for their mapping, saved mappings, partners declared in an imported file).
//!
//! Every method takes the current time as a parameter when it needs one: the store never
//! reads a clock, so expiry is tested by passing timestamps.

pub mod error;
pub mod model;
pub mod store;

mod alumni;
mod applications;
mod audit;
mod bulk;
mod calendar;
mod checkins;
mod codec;
mod contacts;
mod imports;
mod jobs;
mod matching;
mod outbox;
mod partnerships;
mod people;
mod posts;
mod preferences;
mod relay;
mod reports;
mod rounds;
mod sessions;
mod surveys;
mod tokens;
mod topics;
mod users;

pub use alumni::AlumniRecord;
pub use applications::{ApplicationFilter, ApplicationNote, ApplicationRecord, ApplicationStatus};
pub use checkins::{CheckInRecord, LadderRecord};
pub use codec::{Listing, UnreadableRow};
pub use contacts::ContactRecord;
pub use error::StoreError;
pub use imports::{NewUpload, SavedMapping, Upload};
pub use jobs::{DEFAULT_MAX_ATTEMPTS, Job, JobFailure, JobStatus, NewJob};
pub use matching::{MatchOptions, MatchRun, MatchRunKind, NewMatchRun, matching_applicant};
pub use model::{
    ApplicationId, AuditEntry, AuditId, EmailId, EmailStatus, JobId, MatchRunId, NewAuditEntry,
    NewEmail, NewPerson, NewUser, OutboxEmail, PartnershipId, PeopleScope, Person, PersonId,
    PostId, RoundId, SurveyId, TokenPurpose, TopicId, UploadId, User, UserId,
};
pub use outbox::{EMAIL_JOB, EMAIL_PAYLOAD_VERSION, EmailPayload, new_message_id};
pub use partnerships::{
    Ending, NewPartnership, NewPartnershipMember, PartnerProfile, PartnershipMember,
    PartnershipRecord, PastPartners,
};
pub use posts::{PostRecord, Thread};
pub use relay::RelayMessage;
pub use reports::{ApplicationCounts, ContactCounts, PartnershipSummary};
pub use rounds::RoundRecord;
pub use store::{Backend, Store, StoreOptions, Tx};
pub use surveys::{InvitationRecord, ResponseRecord, SurveyRecord};
pub use topics::TopicRecord;

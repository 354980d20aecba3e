//! The records that go into and come out of the store.

use iln_domain::audit::AuditAction;
use std::fmt;

use iln_domain::account::{DisplayName, Email, PasswordHash, Role};
use iln_domain::country::CountryCode;
use iln_domain::profile::{CareerStage, Sector};
use iln_domain::timezone::TimeZoneName;
use jiff::Timestamp;

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(pub i64);

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }

        impl std::str::FromStr for $name {
            type Err = std::num::ParseIntError;

            /// Parses an id from a URL segment or form field.
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                s.parse().map($name)
            }
        }
    };
}

id_type!(
    /// An account's id.
    UserId
);
id_type!(
    /// A participant profile's id.
    PersonId
);
id_type!(
    /// An email's id: the id of the job that delivers it.
    EmailId
);
id_type!(
    /// A job's id (see the `jobs` module).
    JobId
);
id_type!(
    /// An audit log entry's id.
    AuditId
);
id_type!(
    /// A round's id.
    RoundId
);
id_type!(
    /// An application's id.
    ApplicationId
);
id_type!(
    /// A matching run's id.
    MatchRunId
);
id_type!(
    /// A published partnership's id.
    PartnershipId
);
id_type!(
    /// A discussion topic's id.
    TopicId
);
id_type!(
    /// A post's id (a topic's thread or the resources board).
    PostId
);
id_type!(
    /// A survey's id.
    SurveyId
);
id_type!(
    /// An uploaded spreadsheet waiting to be imported.
    UploadId
);

/// An account to create.
#[derive(Debug, Clone)]
pub struct NewUser {
    pub email: Email,
    pub display_name: DisplayName,
    /// None for an account that has not chosen a password yet (it cannot sign in).
    pub password_hash: Option<PasswordHash>,
    pub role: Role,
    /// The countries a country coordinator manages; empty for other roles.
    pub countries: Vec<CountryCode>,
    /// True when the address is already known to work (accounts made by an admin or the demo).
    pub email_verified: bool,
    pub time_zone: Option<TimeZoneName>,
}

/// An account as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    pub id: UserId,
    pub email: Email,
    pub display_name: DisplayName,
    pub role: Role,
    /// Sorted by code.
    pub countries: Vec<CountryCode>,
    pub email_verified: bool,
    pub password_hash: Option<PasswordHash>,
    pub time_zone: Option<TimeZoneName>,
    pub created_at: Timestamp,
}

/// What a one-time token is good for; a token of one purpose never works for the other.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TokenPurpose {
    VerifyEmail,
    ResetPassword,
}

impl TokenPurpose {
    /// The id stored in the database.
    pub fn as_str(self) -> &'static str {
        match self {
            TokenPurpose::VerifyEmail => "verify_email",
            TokenPurpose::ResetPassword => "reset_password",
        }
    }
}

/// An email to queue (as a job of kind `email`).
#[derive(Debug, Clone)]
pub struct NewEmail {
    pub to: Email,
    pub subject: String,
    pub text_body: String,
    pub html_body: Option<String>,
}

/// Where an email is in its life, as its job's status reads to someone who only asks whether
/// it went out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EmailStatus {
    /// Waiting to be sent (for the first time or again after a failure).
    Pending,
    Sent,
    /// Given up on.
    Failed,
}

impl EmailStatus {
    /// The id stored in the database.
    pub fn as_str(self) -> &'static str {
        match self {
            EmailStatus::Pending => "pending",
            EmailStatus::Sent => "sent",
            EmailStatus::Failed => "failed",
        }
    }
}

/// An email job read as a message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboxEmail {
    /// The id of the job that delivers it.
    pub id: EmailId,
    pub to: Email,
    /// The Message-ID it is sent with, the same on every attempt.
    pub message_id: String,
    pub subject: String,
    pub text_body: String,
    pub html_body: Option<String>,
    pub status: EmailStatus,
    /// How many times a worker has claimed its job.
    pub attempts: i64,
    pub last_error: Option<String>,
    pub created_at: Timestamp,
    pub sent_at: Option<Timestamp>,
}

/// An audit log entry to append.
#[derive(Debug, Clone)]
pub struct NewAuditEntry {
    /// Who did it; None for the system or the command line.
    pub actor: Option<UserId>,
    /// What was done; stored as its stable dotted id such as `user.set_role`.
    pub action: AuditAction,
    /// What it was done to, for example `user:42`.
    pub target: Option<String>,
    /// Free text: the values that changed.
    pub detail: Option<String>,
}

/// An audit log entry as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEntry {
    pub id: AuditId,
    pub at: Timestamp,
    pub actor: Option<UserId>,
    /// The actor's email at the time of reading, for display.
    pub actor_email: Option<Email>,
    pub action: String,
    pub target: Option<String>,
    pub detail: Option<String>,
}

/// A participant profile to create.
#[derive(Debug, Clone)]
pub struct NewPerson {
    /// The account of this person, when they have one.
    pub user: Option<UserId>,
    pub full_name: String,
    pub email: Email,
    pub country: CountryCode,
    pub city: String,
    pub institution: String,
    pub sector: Sector,
    pub career_stage: CareerStage,
    pub time_zone: TimeZoneName,
    /// Languages the person can mentor or be mentored in, as given.
    pub languages: Vec<String>,
    /// Professional interests, as given.
    pub interests: Vec<String>,
}

/// A participant profile as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Person {
    pub id: PersonId,
    pub user: Option<UserId>,
    pub full_name: String,
    pub email: Email,
    pub country: CountryCode,
    pub city: String,
    pub institution: String,
    pub sector: Sector,
    pub career_stage: CareerStage,
    pub time_zone: TimeZoneName,
    pub languages: Vec<String>,
    pub interests: Vec<String>,
    pub created_at: Timestamp,
}

/// Which people a reader may see: everything for an admin, their countries for a country
/// coordinator. Queries filter in SQL, so an out-of-scope person is never even loaded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PeopleScope {
    All,
    Countries(Vec<CountryCode>),
}

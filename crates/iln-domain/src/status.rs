//! Where an application is in review, and the rules for moving it: which decisions a reviewer
//! can make, when an applicant may withdraw or send it again, and what the country cap
//! defers. The store only persists the status; every change goes through
//! [`ApplicationStatus::change`], so a rule lives here once.

use std::fmt;

use serde::{Deserialize, Serialize};
use thiserror::Error;

/// Where an application is in review.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ApplicationStatus {
    /// Waiting for a coordinator.
    Submitted,
    /// Taking part in the matching.
    Approved,
    Declined,
    /// Kept in reserve, in case places open.
    Waitlisted,
    /// Over the country cap: carried over to the next round.
    Deferred,
    /// Taken back by the applicant (or merged into their other application).
    Withdrawn,
}

impl ApplicationStatus {
    pub const ALL: [ApplicationStatus; 6] = [
        ApplicationStatus::Submitted,
        ApplicationStatus::Approved,
        ApplicationStatus::Declined,
        ApplicationStatus::Waitlisted,
        ApplicationStatus::Deferred,
        ApplicationStatus::Withdrawn,
    ];

    /// The id stored in the database and used in forms.
    pub fn as_str(self) -> &'static str {
        match self {
            ApplicationStatus::Submitted => "submitted",
            ApplicationStatus::Approved => "approved",
            ApplicationStatus::Declined => "declined",
            ApplicationStatus::Waitlisted => "waitlisted",
            ApplicationStatus::Deferred => "deferred",
            ApplicationStatus::Withdrawn => "withdrawn",
        }
    }

    /// Accepts the id in any case; None for anything else.
    pub fn parse(input: &str) -> Option<ApplicationStatus> {
        let wanted = input.trim().to_lowercase();
        ApplicationStatus::ALL
            .into_iter()
            .find(|status| status.as_str() == wanted)
    }

    /// Whether the application still takes part in the round (for duplicate detection and
    /// the country cap): withdrawn, declined and deferred ones no longer do.
    pub fn is_live(self) -> bool {
        matches!(
            self,
            ApplicationStatus::Submitted
                | ApplicationStatus::Approved
                | ApplicationStatus::Waitlisted
        )
    }

    /// Whether this status records a decision (a reviewer's or the cap's), so the time of
    /// the decision and its message are kept with it.
    pub fn is_decided(self) -> bool {
        matches!(
            self,
            ApplicationStatus::Approved
                | ApplicationStatus::Declined
                | ApplicationStatus::Waitlisted
                | ApplicationStatus::Deferred
        )
    }

    /// The status after `change`, or why it does not apply.
    ///
    /// - A reviewer decides any application still in this round: not a withdrawn one (the
    ///   applicant took it back) nor a deferred one (it belongs to the next round now).
    /// - The applicant withdraws anything not already withdrawn or deferred.
    /// - Sending a withdrawn application again makes it submitted, waiting for review.
    /// - The country cap defers live applications only.
    pub fn change(self, change: StatusChange) -> Result<ApplicationStatus, StatusError> {
        use ApplicationStatus::{Deferred, Submitted, Withdrawn};
        let to = match change {
            StatusChange::Decide(decision) if !matches!(self, Withdrawn | Deferred) => {
                decision.status()
            }
            StatusChange::Withdraw if !matches!(self, Withdrawn | Deferred) => Withdrawn,
            StatusChange::Resubmit if self == Withdrawn => Submitted,
            StatusChange::Defer if self.is_live() => Deferred,
            _ => return Err(StatusError { from: self, change }),
        };
        Ok(to)
    }
}

impl fmt::Display for ApplicationStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What a reviewer decides about an application.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Decision {
    Approve,
    Decline,
    Waitlist,
}

impl Decision {
    pub const ALL: [Decision; 3] = [Decision::Approve, Decision::Decline, Decision::Waitlist];

    /// The status the decision gives.
    pub fn status(self) -> ApplicationStatus {
        match self {
            Decision::Approve => ApplicationStatus::Approved,
            Decision::Decline => ApplicationStatus::Declined,
            Decision::Waitlist => ApplicationStatus::Waitlisted,
        }
    }

    /// Reads a decision from the status it gives (`approved`, `declined`, `waitlisted`, as
    /// the review forms send them); anything else is [`UnknownDecision`].
    pub fn parse(input: &str) -> Result<Decision, UnknownDecision> {
        let status = ApplicationStatus::parse(input);
        Decision::ALL
            .into_iter()
            .find(|d| Some(d.status()) == status)
            .ok_or_else(|| UnknownDecision(input.trim().to_owned()))
    }
}

/// A form sent a decision we do not know.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("{0:?} is not a decision: choose approved, declined or waitlisted")]
pub struct UnknownDecision(pub String);

/// A change of an application's status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum StatusChange {
    /// A reviewer's decision.
    Decide(Decision),
    /// The applicant takes it back, or a coordinator merges it into its duplicate.
    Withdraw,
    /// The applicant sends a withdrawn application again.
    Resubmit,
    /// The country cap carries it over to the next round.
    Defer,
}

impl StatusChange {
    fn describe(self) -> &'static str {
        match self {
            StatusChange::Decide(_) => "decide",
            StatusChange::Withdraw => "withdraw",
            StatusChange::Resubmit => "send again",
            StatusChange::Defer => "defer",
        }
    }
}

/// A status change that does not apply to the application as it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
#[error("cannot {} an application that is {from}", .change.describe())]
pub struct StatusError {
    pub from: ApplicationStatus,
    pub change: StatusChange,
}

//! Check-ins and the escalation ladder: on the round's check-in days each partner is asked
//! "Have you heard from your partner?"; "not yet", "my partner has not replied" or no answer
//! at all starts the ladder (remind both, flag on the coordinators' desks, offer the waiting
//! person a new partner), which stops as soon as someone reports contact.

use jiff::SignedDuration;

/// An answer to a check-in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum CheckInAnswer {
    /// "Yes, we are in touch": counts as a contact.
    InTouch,
    /// "Not yet".
    NotYet,
    /// "My partner has not replied".
    NoReply,
}

impl CheckInAnswer {
    pub const ALL: [CheckInAnswer; 3] = [
        CheckInAnswer::InTouch,
        CheckInAnswer::NotYet,
        CheckInAnswer::NoReply,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            CheckInAnswer::InTouch => "in_touch",
            CheckInAnswer::NotYet => "not_yet",
            CheckInAnswer::NoReply => "no_reply",
        }
    }

    pub fn parse(text: &str) -> Option<CheckInAnswer> {
        CheckInAnswer::ALL
            .into_iter()
            .find(|a| a.as_str() == text.trim())
    }
}

/// Why a partnership's ladder started.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum LadderReason {
    NotYet,
    NoReply,
    /// Nobody answered the check-in and no contact was logged.
    NoAnswer,
}

impl LadderReason {
    pub fn as_str(self) -> &'static str {
        match self {
            LadderReason::NotYet => "not_yet",
            LadderReason::NoReply => "no_reply",
            LadderReason::NoAnswer => "no_answer",
        }
    }

    pub fn parse(text: &str) -> Option<LadderReason> {
        [
            LadderReason::NotYet,
            LadderReason::NoReply,
            LadderReason::NoAnswer,
        ]
        .into_iter()
        .find(|r| r.as_str() == text)
    }

    /// The ladder an answer starts, if any.
    pub fn of(answer: CheckInAnswer) -> Option<LadderReason> {
        match answer {
            CheckInAnswer::InTouch => None,
            CheckInAnswer::NotYet => Some(LadderReason::NotYet),
            CheckInAnswer::NoReply => Some(LadderReason::NoReply),
        }
    }
}

/// The steps of the ladder, in order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum LadderStep {
    /// A friendly reminder to both partners.
    Reminded = 1,
    /// On the desks of both partners' country coordinators and of the admins.
    Flagged = 2,
    /// The waiting person is offered a new partner.
    Offered = 3,
}

impl LadderStep {
    pub fn number(self) -> i64 {
        self as i64
    }

    pub fn from_number(n: i64) -> Option<LadderStep> {
        match n {
            1 => Some(LadderStep::Reminded),
            2 => Some(LadderStep::Flagged),
            3 => Some(LadderStep::Offered),
            _ => None,
        }
    }

    pub fn next(self) -> Option<LadderStep> {
        LadderStep::from_number(self.number() + 1)
    }
}

/// How long a check-in link works.
pub const LINK_LIFETIME: SignedDuration = SignedDuration::from_hours(24 * 14);
/// How long after a check-in's emails nobody having answered counts as no answer.
pub const ANSWER_WAIT: SignedDuration = SignedDuration::from_hours(24 * 3);
/// How long after the reminder the partnership is flagged on the desks.
pub const FLAG_AFTER: SignedDuration = SignedDuration::from_hours(24 * 3);

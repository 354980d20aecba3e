//! A round of the program: its settings parsed from the admin's form, and its life from draft
//! to closed, moved on by the dates (read from an injected `now`) or by an admin, with "where
//! the round is and what comes next" as data a page can show.

use std::collections::BTreeSet;
use std::fmt;

use jiff::civil::Date;
use jiff::{Span, Timestamp};
use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::application::{LanguageCode, LanguageError, parse_languages};
use crate::scoring::Weights;
use crate::timezone::{TimeZoneError, TimeZoneName};

/// Longest round name accepted.
pub const ROUND_NAME_MAX_LEN: usize = 100;

/// How long a partnership lasts when the admin gives no end date, as in the real program.
pub const DEFAULT_PARTNERSHIP_MONTHS: i8 = 4;

/// The name of a round, such as "2014/2015 Round 3": trimmed, 1 to 100 characters.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct RoundName(String);

impl TryFrom<String> for RoundName {
    type Error = RoundError;

    fn try_from(value: String) -> Result<Self, Self::Error> {
        RoundName::parse(&value)
    }
}

impl From<RoundName> for String {
    fn from(name: RoundName) -> String {
        name.0
    }
}

impl RoundName {
    pub fn parse(input: &str) -> Result<RoundName, RoundError> {
        let trimmed = input.trim();
        if trimmed.is_empty() {
            return Err(RoundError::NameEmpty);
        }
        if trimmed.chars().count() > ROUND_NAME_MAX_LEN {
            return Err(RoundError::NameTooLong);
        }
        if trimmed.chars().any(char::is_control) {
            return Err(RoundError::NameControl);
        }
        Ok(RoundName(trimmed.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for RoundName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The largest share of a round one country may fill; later applicants from a country over it
/// wait for the next round. The real program used 20%.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "u8", into = "u8")]
pub struct CountryCap {
    percent: u8,
}

impl TryFrom<u8> for CountryCap {
    type Error = RoundError;

    fn try_from(percent: u8) -> Result<Self, Self::Error> {
        CountryCap::from_percent(percent).ok_or_else(|| RoundError::CountryCap(percent.to_string()))
    }
}

impl From<CountryCap> for u8 {
    fn from(cap: CountryCap) -> u8 {
        cap.percent
    }
}

impl Default for CountryCap {
    fn default() -> Self {
        CountryCap { percent: 20 }
    }
}

impl CountryCap {
    /// A cap of `percent` percent, 1 to 100.
    pub fn from_percent(percent: u8) -> Option<CountryCap> {
        (1..=100)
            .contains(&percent)
            .then_some(CountryCap { percent })
    }

    /// Parses "20", "20%" or "0.2"; blank gives the default.
    pub fn parse(input: &str) -> Result<CountryCap, RoundError> {
        let trimmed = input.trim();
        if trimmed.is_empty() {
            return Ok(CountryCap::default());
        }
        let bad = || RoundError::CountryCap(trimmed.to_owned());
        let number = trimmed.strip_suffix('%').unwrap_or(trimmed).trim();
        let percent = if let Some(fraction) = number.strip_prefix("0.") {
            // A fraction such as 0.2 or 0.25: at most two decimals, read as whole percent.
            if fraction.is_empty()
                || fraction.len() > 2
                || !fraction.chars().all(|c| c.is_ascii_digit())
            {
                return Err(bad());
            }
            let digits: u8 = fraction.parse().map_err(|_| bad())?;
            if fraction.len() == 1 {
                digits * 10
            } else {
                digits
            }
        } else {
            number.parse::<u8>().map_err(|_| bad())?
        };
        CountryCap::from_percent(percent).ok_or_else(bad)
    }

    pub fn percent(self) -> u8 {
        self.percent
    }

    /// How many applicants one country may have in a round of `total` applicants: the cap's
    /// share of the total, rounded down, but never less than one, so a small round still
    /// takes someone from every country.
    pub fn limit(self, total: usize) -> usize {
        (total * usize::from(self.percent) / 100).max(1)
    }
}

/// What happens to people left without a partner.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LeftoverPolicy {
    /// Attach them to a pair to make a trio ("don't silently drop the odd person out").
    #[default]
    Trio,
    /// They wait and are carried over to the next round.
    NextRound,
}

impl LeftoverPolicy {
    pub fn as_str(self) -> &'static str {
        match self {
            LeftoverPolicy::Trio => "trio",
            LeftoverPolicy::NextRound => "next_round",
        }
    }

    /// Accepts the id in any case; blank gives the default (trio).
    pub fn parse(input: &str) -> Result<LeftoverPolicy, RoundError> {
        match input
            .trim()
            .to_lowercase()
            .replace([' ', '-'], "_")
            .as_str()
        {
            "" | "trio" => Ok(LeftoverPolicy::Trio),
            "next_round" | "wait" => Ok(LeftoverPolicy::NextRound),
            _ => Err(RoundError::Leftover(input.trim().to_owned())),
        }
    }
}

/// The fields of the round form, named as the errors name them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RoundField {
    Name,
    TimeZone,
    Opens,
    Closes,
    Matching,
    Starts,
    Ends,
    Languages,
    CountryCap,
    Leftover,
    CheckIns,
    OfferAfter,
}

impl RoundField {
    /// The form field's name.
    pub fn as_str(self) -> &'static str {
        match self {
            RoundField::Name => "name",
            RoundField::TimeZone => "time_zone",
            RoundField::Opens => "opens",
            RoundField::Closes => "closes",
            RoundField::Matching => "matching",
            RoundField::Starts => "starts",
            RoundField::Ends => "ends",
            RoundField::Languages => "languages",
            RoundField::CountryCap => "country_cap",
            RoundField::Leftover => "leftover",
            RoundField::CheckIns => "checkins",
            RoundField::OfferAfter => "offer_after",
        }
    }
}

impl fmt::Display for RoundField {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One problem with the round form; [`RoundError::field`] says which field it is about.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum RoundError {
    #[error("name: enter a name for the round")]
    NameEmpty,
    #[error("name: a round name has at most {ROUND_NAME_MAX_LEN} characters")]
    NameTooLong,
    #[error("name: a round name cannot contain control characters")]
    NameControl,
    #[error("time_zone: {0}")]
    TimeZone(TimeZoneError),
    #[error("{field}: enter a date")]
    MissingDate { field: RoundField },
    #[error("{field}: enter a date as YYYY-MM-DD, not {input:?}")]
    BadDate { field: RoundField, input: String },
    #[error("{field}: must be on or after the date in {earlier}")]
    OutOfOrder {
        field: RoundField,
        earlier: RoundField,
    },
    #[error("ends: the partnerships must end after they start")]
    EndsBeforeStart,
    #[error("languages: {0}")]
    Language(LanguageError),
    #[error("languages: choose at least one program language")]
    NoLanguage,
    #[error("country_cap: enter a percentage from 1 to 100, not {0:?}")]
    CountryCap(String),
    #[error("leftover: choose trio or next_round, not {0:?}")]
    Leftover(String),
    #[error(
        "checkins: {0:?} is not a list of days from 1 to {CHECKIN_DAY_MAX} after the introductions"
    )]
    CheckIns(String),
    #[error("offer_after: {0:?} is not a number of days from 1 to 30")]
    OfferAfter(String),
}

impl RoundError {
    /// The form field the problem is about.
    pub fn field(&self) -> RoundField {
        match self {
            RoundError::NameEmpty | RoundError::NameTooLong | RoundError::NameControl => {
                RoundField::Name
            }
            RoundError::TimeZone(_) => RoundField::TimeZone,
            RoundError::MissingDate { field }
            | RoundError::BadDate { field, .. }
            | RoundError::OutOfOrder { field, .. } => *field,
            RoundError::EndsBeforeStart => RoundField::Ends,
            RoundError::Language(_) | RoundError::NoLanguage => RoundField::Languages,
            RoundError::CountryCap(_) => RoundField::CountryCap,
            RoundError::Leftover(_) => RoundField::Leftover,
            RoundError::CheckIns(_) => RoundField::CheckIns,
            RoundError::OfferAfter(_) => RoundField::OfferAfter,
        }
    }
}

/// What the admin typed on the round form. Blank optional fields take their defaults: time
/// zone UTC, end four months after the start, English, a 20% cap, trios.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct RoundForm {
    pub name: String,
    pub time_zone: String,
    pub opens: String,
    pub closes: String,
    pub matching: String,
    pub starts: String,
    pub ends: String,
    pub languages: String,
    pub country_cap: String,
    pub leftover: String,
    /// The days after the introductions on which partners are asked whether they are in
    /// touch, "7, 14"; blank is the default.
    pub checkins: String,
    /// Days from a flag to the re-pair offer; blank is 7.
    pub offer_after: String,
}

/// A round's settings, valid by construction: the dates are in order and every value known.
/// Dates are whole days in the round's time zone; the application window includes the
/// closing day and a partnership includes its last day.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoundSettings {
    pub name: RoundName,
    /// The zone the dates are read in, usually the coordinators' own.
    pub time_zone: TimeZoneName,
    pub opens: Date,
    pub closes: Date,
    pub matching: Date,
    pub starts: Date,
    pub ends: Date,
    pub languages: BTreeSet<LanguageCode>,
    pub country_cap: CountryCap,
    pub leftover: LeftoverPolicy,
    /// The scoring weights, which an admin can adjust for each round.
    pub weights: Weights,
    /// The days after the introductions on which partners are asked whether they are in
    /// touch. Stored only when not the default, so rounds saved before check-ins existed read
    /// as the default and today's documents of such rounds are unchanged.
    #[serde(
        default = "default_checkins",
        skip_serializing_if = "is_default_checkins"
    )]
    pub checkins: Vec<u16>,
    /// How many days after a quiet partnership is flagged its waiting member is offered a
    /// new partner. Stored only when not the default, like `checkins`.
    #[serde(
        default = "default_offer_days",
        skip_serializing_if = "is_default_offer_days"
    )]
    pub offer_after_days: u16,
}

/// The wait before the re-pair offer when a round does not say.
pub const DEFAULT_OFFER_DAYS: u16 = 7;

fn default_offer_days() -> u16 {
    DEFAULT_OFFER_DAYS
}

fn is_default_offer_days(days: &u16) -> bool {
    *days == DEFAULT_OFFER_DAYS
}

/// The check-in days when a round does not say: a week, and two weeks, after the
/// introductions.
pub const DEFAULT_CHECKINS: [u16; 2] = [7, 14];
/// The latest check-in day: about a month and a half in.
pub const CHECKIN_DAY_MAX: u16 = 45;
/// The most check-ins a round asks for.
pub const CHECKINS_MAX: usize = 4;

fn default_checkins() -> Vec<u16> {
    DEFAULT_CHECKINS.to_vec()
}

fn is_default_checkins(days: &[u16]) -> bool {
    days == DEFAULT_CHECKINS
}

/// "7, 14" (commas, semicolons or spaces): distinct days from 1 to [`CHECKIN_DAY_MAX`],
/// at most [`CHECKINS_MAX`], in order; blank is the default.
fn parse_checkins(input: &str) -> Result<Vec<u16>, RoundError> {
    let bad = || RoundError::CheckIns(input.trim().to_owned());
    if input.trim().is_empty() {
        return Ok(default_checkins());
    }
    let mut days = input
        .split([',', ';', ' '])
        .filter(|part| !part.trim().is_empty())
        .map(|part| part.trim().parse::<u16>().map_err(|_| bad()))
        .collect::<Result<Vec<_>, _>>()?;
    days.sort_unstable();
    days.dedup();
    if days.is_empty()
        || days.len() > CHECKINS_MAX
        || days.iter().any(|d| *d == 0 || *d > CHECKIN_DAY_MAX)
    {
        return Err(bad());
    }
    Ok(days)
}

impl RoundSettings {
    /// Parses the form, reporting every wrong field (one error per field).
    pub fn parse(form: &RoundForm) -> Result<RoundSettings, Vec<RoundError>> {
        let mut errors = Vec::new();
        let name = RoundName::parse(&form.name)
            .map_err(|e| errors.push(e))
            .ok();
        let time_zone = if form.time_zone.trim().is_empty() {
            Some(TimeZoneName::utc())
        } else {
            TimeZoneName::parse(&form.time_zone)
                .map_err(|e| errors.push(RoundError::TimeZone(e)))
                .ok()
        };
        let mut date = |field: RoundField, input: &str, required: bool| {
            let trimmed = input.trim();
            if trimmed.is_empty() {
                if required {
                    errors.push(RoundError::MissingDate { field });
                }
                return None;
            }
            match trimmed.parse::<Date>() {
                Ok(d) => Some(d),
                Err(_) => {
                    errors.push(RoundError::BadDate {
                        field,
                        input: trimmed.to_owned(),
                    });
                    None
                }
            }
        };
        let opens = date(RoundField::Opens, &form.opens, true);
        let closes = date(RoundField::Closes, &form.closes, true);
        let matching = date(RoundField::Matching, &form.matching, true);
        let starts = date(RoundField::Starts, &form.starts, true);
        let ends_given = date(RoundField::Ends, &form.ends, false);
        let ends_missing = form.ends.trim().is_empty();

        // Each date must be on or after the one before; compare with the nearest earlier
        // date that parsed, so one bad date does not hide an order problem.
        let chain = [
            (RoundField::Opens, opens),
            (RoundField::Closes, closes),
            (RoundField::Matching, matching),
            (RoundField::Starts, starts),
        ];
        let mut last: Option<(RoundField, Date)> = None;
        for (field, value) in chain {
            if let Some(value) = value {
                if let Some((earlier, before)) = last
                    && value < before
                {
                    errors.push(RoundError::OutOfOrder { field, earlier });
                }
                last = Some((field, value));
            }
        }
        let ends = match (ends_given, starts) {
            (Some(end), Some(start)) if end <= start => {
                errors.push(RoundError::EndsBeforeStart);
                None
            }
            (Some(end), _) => Some(end),
            (None, Some(start)) if ends_missing => default_end(start),
            _ => None,
        };

        let languages = if form.languages.trim().is_empty() {
            Some(BTreeSet::from([LanguageCode::english()]))
        } else {
            match parse_languages(&form.languages) {
                Ok(set) if set.is_empty() => {
                    errors.push(RoundError::NoLanguage);
                    None
                }
                Ok(set) => Some(set),
                Err(e) => {
                    errors.push(RoundError::Language(e));
                    None
                }
            }
        };
        let country_cap = CountryCap::parse(&form.country_cap)
            .map_err(|e| errors.push(e))
            .ok();
        let leftover = LeftoverPolicy::parse(&form.leftover)
            .map_err(|e| errors.push(e))
            .ok();
        let checkins = parse_checkins(&form.checkins)
            .map_err(|e| errors.push(e))
            .ok();
        let offer_after_days = match form.offer_after.trim() {
            "" => Some(DEFAULT_OFFER_DAYS),
            text => match text.parse::<u16>() {
                Ok(days) if (1..=30).contains(&days) => Some(days),
                _ => {
                    errors.push(RoundError::OfferAfter(text.to_owned()));
                    None
                }
            },
        };

        match (
            name,
            time_zone,
            opens,
            closes,
            matching,
            starts,
            ends,
            languages,
            country_cap,
            leftover,
            checkins,
            offer_after_days,
        ) {
            (
                Some(name),
                Some(time_zone),
                Some(opens),
                Some(closes),
                Some(matching),
                Some(starts),
                Some(ends),
                Some(languages),
                Some(country_cap),
                Some(leftover),
                Some(checkins),
                Some(offer_after_days),
            ) if errors.is_empty() => Ok(RoundSettings {
                name,
                time_zone,
                opens,
                closes,
                matching,
                starts,
                ends,
                languages,
                country_cap,
                leftover,
                weights: Weights::default(),
                checkins,
                offer_after_days,
            }),
            _ => {
                // A date whose neighbour failed may have no error of its own; make sure the
                // caller always gets at least one.
                if errors.is_empty() {
                    errors.push(RoundError::MissingDate {
                        field: RoundField::Ends,
                    });
                }
                Err(errors)
            }
        }
    }

    /// The settings as the form shows them, for editing.
    pub fn to_form(&self) -> RoundForm {
        RoundForm {
            name: self.name.to_string(),
            time_zone: self.time_zone.to_string(),
            opens: self.opens.to_string(),
            closes: self.closes.to_string(),
            matching: self.matching.to_string(),
            starts: self.starts.to_string(),
            ends: self.ends.to_string(),
            languages: self
                .languages
                .iter()
                .map(|l| l.as_str())
                .collect::<Vec<_>>()
                .join(";"),
            country_cap: self.country_cap.percent().to_string(),
            leftover: self.leftover.as_str().to_owned(),
            checkins: self
                .checkins
                .iter()
                .map(u16::to_string)
                .collect::<Vec<_>>()
                .join(", "),
            offer_after: self.offer_after_days.to_string(),
        }
    }

    /// The first instant of `date` in the round's zone.
    pub fn start_of(&self, date: Date) -> Timestamp {
        date.to_zoned(self.time_zone.to_jiff())
            .map(|z| z.timestamp())
            // Only dates at the very edge of jiff's range fail; they never come from a form
            // that parsed, but an end-of-time answer is safer than a panic.
            .unwrap_or(Timestamp::MAX)
    }

    /// The first instant after `date` in the round's zone.
    pub fn end_of(&self, date: Date) -> Timestamp {
        date.tomorrow()
            .map(|d| self.start_of(d))
            .unwrap_or(Timestamp::MAX)
    }

    /// When applications open.
    pub fn opens_at(&self) -> Timestamp {
        self.start_of(self.opens)
    }

    /// When applications close: the end of the closing day.
    pub fn closes_at(&self) -> Timestamp {
        self.end_of(self.closes)
    }

    /// When matching begins.
    pub fn matching_at(&self) -> Timestamp {
        self.start_of(self.matching)
    }

    /// When partnerships begin; scoring takes UTC offsets at this instant.
    pub fn starts_at(&self) -> Timestamp {
        self.start_of(self.starts)
    }

    /// When partnerships end: the end of their last day.
    pub fn ends_at(&self) -> Timestamp {
        self.end_of(self.ends)
    }
}

/// The default last day of a partnership: four months after it starts, the day before.
fn default_end(start: Date) -> Option<Date> {
    start
        .checked_add(Span::new().months(DEFAULT_PARTNERSHIP_MONTHS))
        .ok()
        .and_then(|d| d.yesterday().ok())
}

/// Where a round is in its life.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RoundState {
    /// Being prepared; not public yet.
    Draft,
    /// Taking applications.
    Open,
    /// Applications closed; coordinators review them.
    Review,
    /// The engine proposes pairs; admins adjust and publish.
    Matching,
    /// Partnerships published and running.
    Active,
    /// Over.
    Closed,
}

impl RoundState {
    pub const ALL: [RoundState; 6] = [
        RoundState::Draft,
        RoundState::Open,
        RoundState::Review,
        RoundState::Matching,
        RoundState::Active,
        RoundState::Closed,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            RoundState::Draft => "draft",
            RoundState::Open => "open",
            RoundState::Review => "review",
            RoundState::Matching => "matching",
            RoundState::Active => "active",
            RoundState::Closed => "closed",
        }
    }

    pub fn parse(input: &str) -> Result<RoundState, UnknownRoundState> {
        let wanted = input.trim().to_lowercase();
        RoundState::ALL
            .into_iter()
            .find(|s| s.as_str() == wanted)
            .ok_or_else(|| UnknownRoundState(input.trim().to_owned()))
    }

    /// The state after this one, in order.
    pub fn next(self) -> Option<RoundState> {
        match self {
            RoundState::Draft => Some(RoundState::Open),
            RoundState::Open => Some(RoundState::Review),
            RoundState::Review => Some(RoundState::Matching),
            RoundState::Matching => Some(RoundState::Active),
            RoundState::Active => Some(RoundState::Closed),
            RoundState::Closed => None,
        }
    }
}

impl fmt::Display for RoundState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A stored state name we do not know.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("{0:?} is not a round state")]
pub struct UnknownRoundState(pub String);

/// What an admin can do to move a round on by hand.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AdminAction {
    /// Draft to open, before the opening date.
    OpenApplications,
    /// Open to review, before the closing date.
    CloseApplications,
    /// Review to matching, before the matching date.
    StartMatching,
    /// Matching to active: the partnerships are created and introduced. Only an admin does
    /// this; no date publishes a proposal nobody has looked at.
    Publish,
    /// Active to closed before the end date, or any earlier state to closed to cancel.
    CloseRound,
}

impl AdminAction {
    /// Every action, in the order a page offers them.
    pub const ALL: [AdminAction; 5] = [
        AdminAction::OpenApplications,
        AdminAction::CloseApplications,
        AdminAction::StartMatching,
        AdminAction::Publish,
        AdminAction::CloseRound,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            AdminAction::OpenApplications => "open_applications",
            AdminAction::CloseApplications => "close_applications",
            AdminAction::StartMatching => "start_matching",
            AdminAction::Publish => "publish",
            AdminAction::CloseRound => "close_round",
        }
    }

    /// What the action does, as a phrase for error messages ("open applications now").
    fn verb(self) -> &'static str {
        match self {
            AdminAction::OpenApplications => "open applications now",
            AdminAction::CloseApplications => "close applications now",
            AdminAction::StartMatching => "start matching now",
            AdminAction::Publish => "publish the partnerships",
            AdminAction::CloseRound => "close the round",
        }
    }

    /// The state this action leads to.
    pub fn target(self) -> RoundState {
        match self {
            AdminAction::OpenApplications => RoundState::Open,
            AdminAction::CloseApplications => RoundState::Review,
            AdminAction::StartMatching => RoundState::Matching,
            AdminAction::Publish => RoundState::Active,
            AdminAction::CloseRound => RoundState::Closed,
        }
    }

    /// Whether the action applies to a round in `state`.
    pub fn allowed_from(self, state: RoundState) -> bool {
        match self {
            AdminAction::CloseRound => state != RoundState::Closed,
            other => state.next() == Some(other.target()),
        }
    }

    pub fn parse(input: &str) -> Result<AdminAction, UnknownAdminAction> {
        let wanted = input.trim().to_lowercase();
        AdminAction::ALL
            .into_iter()
            .find(|a| a.as_str() == wanted)
            .ok_or_else(|| UnknownAdminAction(input.trim().to_owned()))
    }
}

/// A form sent an action we do not know.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("{0:?} is not a round action")]
pub struct UnknownAdminAction(pub String);

/// An admin action that does not apply to the round as it is.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("cannot {action}: the round is {from}", action = .action.verb())]
pub struct TransitionError {
    pub action: AdminAction,
    pub from: RoundState,
}

/// What moved a round on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum Cause {
    /// A date in the settings was reached.
    Date,
    /// An admin acted.
    Admin { action: AdminAction },
}

/// One change of state, for the audit log and the emails it triggers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Transition {
    pub from: RoundState,
    pub to: RoundState,
    pub cause: Cause,
    pub at: Timestamp,
}

/// A round: its settings and where it is.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Round {
    pub settings: RoundSettings,
    pub state: RoundState,
}

impl Round {
    /// A new round, in draft.
    pub fn new(settings: RoundSettings) -> Round {
        Round {
            settings,
            state: RoundState::Draft,
        }
    }

    /// The state the dates call for next and when, if a date (rather than an admin) moves
    /// the round on from where it is.
    pub fn next_date(&self) -> Option<(RoundState, Timestamp)> {
        let s = &self.settings;
        match self.state {
            RoundState::Draft => Some((RoundState::Open, s.opens_at())),
            RoundState::Open => Some((RoundState::Review, s.closes_at())),
            RoundState::Review => Some((RoundState::Matching, s.matching_at())),
            // Publishing is an admin's decision, never a date's.
            RoundState::Matching => None,
            RoundState::Active => Some((RoundState::Closed, s.ends_at())),
            RoundState::Closed => None,
        }
    }

    /// Applies every transition whose date has come by `now`, in order (a server that was
    /// down for a week catches up in one call), and returns them.
    pub fn tick(&mut self, now: Timestamp) -> Vec<Transition> {
        let mut done = Vec::new();
        while let Some((to, at)) = self.next_date() {
            if now < at {
                break;
            }
            done.push(Transition {
                from: self.state,
                to,
                cause: Cause::Date,
                at: now,
            });
            self.state = to;
        }
        done
    }

    /// Applies an admin's action, or says why it does not apply.
    pub fn apply(
        &mut self,
        action: AdminAction,
        now: Timestamp,
    ) -> Result<Transition, TransitionError> {
        if !action.allowed_from(self.state) {
            return Err(TransitionError {
                action,
                from: self.state,
            });
        }
        let transition = Transition {
            from: self.state,
            to: action.target(),
            cause: Cause::Admin { action },
            at: now,
        };
        self.state = transition.to;
        Ok(transition)
    }

    /// The admin actions that apply now, in the order a page should offer them.
    pub fn available_actions(&self) -> Vec<AdminAction> {
        AdminAction::ALL
            .into_iter()
            .filter(|a| a.allowed_from(self.state))
            .collect()
    }

    /// The round as it stands at `now`: its stored state with every date that has passed
    /// applied. Pages show this, so a round whose closing date has passed reads as closed
    /// to applications even before the job that records the transition has run; nothing is
    /// written by looking.
    pub fn at(&self, now: Timestamp) -> Round {
        let mut round = self.clone();
        round.tick(now);
        round
    }

    /// Whether people may apply, edit or withdraw.
    pub fn accepts_applications(&self) -> bool {
        self.state == RoundState::Open
    }

    /// Whether reviewers may decide applications: from the opening of applications until the
    /// partnerships are published. After that a decision would change nothing.
    pub fn accepts_decisions(&self) -> bool {
        matches!(
            self.state,
            RoundState::Open | RoundState::Review | RoundState::Matching
        )
    }

    /// Whether the settings may still change: only before anyone has applied.
    pub fn settings_editable(&self) -> bool {
        self.state == RoundState::Draft
    }

    /// Where the round is and what comes next, as facts: its state, whether the partnerships'
    /// start date has come, the next state and what brings it, and the timeline's dates with
    /// whether each has passed. The web layer puts them into words.
    pub fn status(&self, now: Timestamp) -> RoundStatus {
        let s = &self.settings;
        let next = match self.next_date() {
            Some((state, at)) => Some(NextStep {
                state,
                trigger: Trigger::Date {
                    date: match state {
                        RoundState::Open => s.opens,
                        RoundState::Review => s.closes,
                        RoundState::Matching => s.matching,
                        _ => s.ends,
                    },
                    at,
                },
            }),
            None if self.state == RoundState::Matching => Some(NextStep {
                state: RoundState::Active,
                trigger: Trigger::Admin,
            }),
            None => None,
        };
        let milestone = |kind: MilestoneKind, date: Date, at: Timestamp| Milestone {
            kind,
            date,
            passed: now >= at,
        };
        let timeline = vec![
            milestone(MilestoneKind::ApplicationsOpen, s.opens, s.opens_at()),
            milestone(MilestoneKind::ApplicationsClose, s.closes, s.closes_at()),
            milestone(MilestoneKind::Matching, s.matching, s.matching_at()),
            milestone(MilestoneKind::PartnershipsStart, s.starts, s.starts_at()),
            milestone(MilestoneKind::PartnershipsEnd, s.ends, s.ends_at()),
        ];
        RoundStatus {
            state: self.state,
            started: now >= s.starts_at(),
            next,
            actions: self.available_actions(),
            timeline,
        }
    }
}

/// Where a round is and what comes next, as facts for the web layer to put into words.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RoundStatus {
    pub state: RoundState,
    /// Whether the partnerships' start date has come: a round still matching then is late, and
    /// published partnerships before it have not begun.
    pub started: bool,
    pub next: Option<NextStep>,
    /// What an admin can do now.
    pub actions: Vec<AdminAction>,
    pub timeline: Vec<Milestone>,
}

/// The next change of state.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct NextStep {
    pub state: RoundState,
    pub trigger: Trigger,
}

/// What brings the next change of state.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum Trigger {
    /// A date of the settings: the day, and the moment it takes effect in the round's time
    /// zone (the start of the day, or its end for closing dates).
    Date { date: Date, at: Timestamp },
    /// An admin: publishing is never a date's decision.
    Admin,
}

/// Which date of the round's timeline a milestone is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MilestoneKind {
    ApplicationsOpen,
    ApplicationsClose,
    Matching,
    PartnershipsStart,
    PartnershipsEnd,
}

impl MilestoneKind {
    /// A stable name for links and calendar UIDs.
    pub fn as_str(self) -> &'static str {
        match self {
            MilestoneKind::ApplicationsOpen => "applications-open",
            MilestoneKind::ApplicationsClose => "applications-close",
            MilestoneKind::Matching => "matching",
            MilestoneKind::PartnershipsStart => "partnerships-start",
            MilestoneKind::PartnershipsEnd => "partnerships-end",
        }
    }
}

/// A date of the round's timeline.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Milestone {
    pub kind: MilestoneKind,
    pub date: Date,
    /// Whether the moment has passed.
    pub passed: bool,
}

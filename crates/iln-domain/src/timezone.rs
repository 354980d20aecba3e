//! IANA time zone names: the validated `TimeZoneName` and showing instants in a reader's zone.

use std::fmt;

use jiff::{Timestamp, Zoned, tz::TimeZone};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use thiserror::Error;

/// An IANA time zone name ("Australia/Sydney") known to the tz database bundled into the
/// binary, in its canonical spelling. Bundling means a name valid on one server is valid on
/// every server, whatever the host's own zoneinfo holds.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Debug)]
pub struct TimeZoneName(String);

/// Why a string is not a time zone we can use.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum TimeZoneError {
    #[error("enter a time zone")]
    Empty,
    #[error("{0:?} is not a time zone name we know; use a name like Europe/London")]
    Unknown(String),
}

/// The first segments of the region-style IANA names offered to people; the rest of the
/// database holds legacy aliases ("US/Eastern", "Etc/GMT+5") that only confuse a list.
const REGIONS: [&str; 10] = [
    "Africa",
    "America",
    "Antarctica",
    "Arctic",
    "Asia",
    "Atlantic",
    "Australia",
    "Europe",
    "Indian",
    "Pacific",
];

impl TimeZoneName {
    /// Accepts any name the bundled database knows, in any ASCII case, and keeps the
    /// canonical spelling ("europe/london" becomes "Europe/London").
    pub fn parse(input: &str) -> Result<TimeZoneName, TimeZoneError> {
        let trimmed = input.trim();
        if trimmed.is_empty() {
            return Err(TimeZoneError::Empty);
        }
        let unknown = || TimeZoneError::Unknown(trimmed.to_owned());
        let tz = jiff::tz::db().get(trimmed).map_err(|_| unknown())?;
        // A zone without an IANA name cannot be stored and looked up again later.
        let canonical = tz.iana_name().ok_or_else(unknown)?;
        Ok(TimeZoneName(canonical.to_owned()))
    }

    /// UTC, for people and records without a zone of their own.
    pub fn utc() -> TimeZoneName {
        TimeZoneName("UTC".to_owned())
    }

    /// The canonical IANA name, as stored in the database.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The jiff time zone with its rules, for arithmetic in local time.
    pub fn to_jiff(&self) -> TimeZone {
        // The name was validated against the same bundled database at parse time, so the
        // lookup cannot fail; UTC is a fallback rather than a panic path.
        jiff::tz::db().get(&self.0).unwrap_or(TimeZone::UTC)
    }

    /// The instant as a wall-clock time in this zone.
    pub fn local(&self, at: Timestamp) -> Zoned {
        at.to_zoned(self.to_jiff())
    }

    /// Date and time for people, in this zone, e.g. "1 Dec 2026, 14:05 AEDT".
    pub fn format_datetime(&self, at: Timestamp) -> String {
        self.local(at).strftime("%-d %b %Y, %H:%M %Z").to_string()
    }

    /// The date alone for people, in this zone, e.g. "1 Dec 2026".
    pub fn format_date(&self, at: Timestamp) -> String {
        self.local(at).strftime("%-d %b %Y").to_string()
    }
}

/// Every region-style zone name ("Africa/Lagos" … "Pacific/Tahiti") plus "UTC", sorted, for
/// a select list.
pub fn available() -> Vec<TimeZoneName> {
    let mut names: Vec<TimeZoneName> = jiff::tz::db()
        .available()
        .filter(|name| {
            let name = name.as_str();
            name == "UTC"
                || name
                    .split_once('/')
                    .is_some_and(|(region, _)| REGIONS.contains(&region))
        })
        .map(|name| TimeZoneName(name.as_str().to_owned()))
        .collect();
    names.sort();
    names.dedup();
    names
}

impl fmt::Display for TimeZoneName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::str::FromStr for TimeZoneName {
    type Err = TimeZoneError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        TimeZoneName::parse(s)
    }
}

impl Serialize for TimeZoneName {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for TimeZoneName {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        TimeZoneName::parse(&text).map_err(serde::de::Error::custom)
    }
}

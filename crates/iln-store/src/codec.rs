//! Conversions between our typed values and the integers and text the `Any` driver carries.

use iln_domain::account::{DisplayName, Email, PasswordHash, Role};
use iln_domain::country::CountryCode;
use iln_domain::profile::{CareerStage, Sector};
use iln_domain::timezone::TimeZoneName;
use jiff::Timestamp;

use crate::StoreError;

/// Timestamps are stored as microseconds since the Unix epoch: exact for what jiff gives us
/// at that precision, sortable, and an integer on both backends.
pub(crate) fn ts(at: Timestamp) -> i64 {
    at.as_microsecond()
}

pub(crate) fn from_ts(micros: i64) -> Result<Timestamp, StoreError> {
    Timestamp::from_microsecond(micros)
        .map_err(|_| StoreError::Corrupt(format!("timestamp {micros} is out of range")))
}

pub(crate) fn from_opt_ts(micros: Option<i64>) -> Result<Option<Timestamp>, StoreError> {
    micros.map(from_ts).transpose()
}

pub(crate) fn email(text: &str) -> Result<Email, StoreError> {
    Email::parse(text).map_err(|e| StoreError::Corrupt(format!("email {text:?}: {e}")))
}

pub(crate) fn display_name(text: &str) -> Result<DisplayName, StoreError> {
    DisplayName::parse(text).map_err(|e| StoreError::Corrupt(format!("name {text:?}: {e}")))
}

pub(crate) fn role(text: &str) -> Result<Role, StoreError> {
    Role::parse(text).map_err(|e| StoreError::Corrupt(e.to_string()))
}

pub(crate) fn password_hash(text: &str) -> Result<PasswordHash, StoreError> {
    PasswordHash::parse(text).map_err(|e| StoreError::Corrupt(e.to_string()))
}

pub(crate) fn country(text: &str) -> Result<CountryCode, StoreError> {
    CountryCode::parse(text).map_err(|e| StoreError::Corrupt(format!("country {text:?}: {e}")))
}

pub(crate) fn time_zone(text: &str) -> Result<TimeZoneName, StoreError> {
    TimeZoneName::parse(text).map_err(|e| StoreError::Corrupt(format!("time zone {text:?}: {e}")))
}

pub(crate) fn sector(text: &str) -> Result<Sector, StoreError> {
    Sector::parse(text).map_err(|e| StoreError::Corrupt(format!("sector {text:?}: {e}")))
}

pub(crate) fn career_stage(text: &str) -> Result<CareerStage, StoreError> {
    CareerStage::parse(text).map_err(|e| StoreError::Corrupt(format!("career stage {text:?}: {e}")))
}

/// Lists of short strings are kept as a JSON array in a TEXT column: one column, portable,
/// and later issues can query them with either backend's JSON functions.
pub(crate) fn string_list(items: &[String]) -> Result<String, StoreError> {
    serde_json::to_string(items).map_err(|e| StoreError::Corrupt(e.to_string()))
}

pub(crate) fn from_string_list(text: &str) -> Result<Vec<String>, StoreError> {
    serde_json::from_str(text).map_err(|e| StoreError::Corrupt(format!("list {text:?}: {e}")))
}

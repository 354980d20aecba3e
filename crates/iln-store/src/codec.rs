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

/// The version of the stored JSON documents (round settings, application answers, matching
/// options and proposals, partner profiles) this release writes.
///
/// Every document is stored as `{"v":VERSION,"data":…}`, so a later release that changes a
/// document's shape can tell old rows from new ones and convert them, instead of reading old
/// rows through today's rules and failing. Rows written before versions existed hold the bare
/// document; they read as version 0, whose shape is version 1's.
pub(crate) const DOCUMENT_VERSION: u64 = 1;

/// `value` as a versioned document.
pub(crate) fn document<T: serde::Serialize>(what: &str, value: &T) -> Result<String, StoreError> {
    let data = serde_json::to_value(value).map_err(|e| StoreError::Unreadable {
        what: what.to_owned(),
        reason: format!("cannot be written as JSON: {e}"),
    })?;
    let envelope = serde_json::json!({ "v": DOCUMENT_VERSION, "data": data });
    Ok(envelope.to_string())
}

/// Reads a document written by [`document`] (or a bare one from before versions).
pub(crate) fn from_document<T: serde::de::DeserializeOwned>(
    what: &str,
    text: &str,
) -> Result<T, StoreError> {
    let unreadable = |reason: String| StoreError::Unreadable {
        what: what.to_owned(),
        reason,
    };
    let value: serde_json::Value =
        serde_json::from_str(text).map_err(|e| unreadable(format!("it is not JSON: {e}")))?;
    let (version, data) = split_envelope(value);
    match version {
        0 | 1 => serde_json::from_value(data).map_err(|e| unreadable(e.to_string())),
        newer => Err(unreadable(format!(
            "it was saved in format {newer}, newer than this release reads (up to \
             {DOCUMENT_VERSION}); upgrade ILN"
        ))),
    }
}

/// A list read from the store with the rows this release cannot read set apart, so that one
/// such row does not take the whole list down: pages show the rest and name these instead.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Listing<T> {
    pub rows: Vec<T>,
    pub unreadable: Vec<UnreadableRow>,
}

/// A row of a list that this release cannot read ([`StoreError::Unreadable`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnreadableRow {
    /// Which record, in words: "round 12's settings".
    pub what: String,
    /// Why, for the operator's log.
    pub reason: String,
    /// Where in the list's order the row stood (0 for the first), so a page can tell, say,
    /// that the newest run is the unreadable one.
    pub position: usize,
}

/// Reads each row with `read`, setting the unreadable ones apart with a warning in the log.
/// Any other error (a missing column, a broken connection) fails the whole list.
pub(crate) fn listing<T>(
    rows: &[sqlx::any::AnyRow],
    read: impl Fn(&sqlx::any::AnyRow) -> Result<T, StoreError>,
) -> Result<Listing<T>, StoreError> {
    let mut listing = Listing {
        rows: Vec::with_capacity(rows.len()),
        unreadable: Vec::new(),
    };
    for (position, row) in rows.iter().enumerate() {
        match read(row) {
            Ok(value) => listing.rows.push(value),
            Err(StoreError::Unreadable { what, reason }) => {
                tracing::warn!(what = %what, reason = %reason, "a row left out of a list");
                listing.unreadable.push(UnreadableRow {
                    what,
                    reason,
                    position,
                });
            }
            Err(error) => return Err(error),
        }
    }
    Ok(listing)
}

/// The version and the data of a stored document: an object of exactly `v` (a whole number)
/// and `data` is an envelope; anything else is a bare document of version 0. No document of
/// ours is itself an object of just those two keys, so the two cannot be confused.
fn split_envelope(value: serde_json::Value) -> (u64, serde_json::Value) {
    match value {
        serde_json::Value::Object(mut map)
            if map.len() == 2 && map.get("v").is_some_and(serde_json::Value::is_u64) =>
        {
            match (map.remove("v"), map.remove("data")) {
                (Some(v), Some(data)) => (v.as_u64().unwrap_or_default(), data),
                (v, data) => {
                    // Not an envelope after all (`v` and some other key): put it back whole.
                    let mut bare = serde_json::Map::new();
                    if let Some(v) = v {
                        bare.insert("v".to_owned(), v);
                    }
                    if let Some(data) = data {
                        bare.insert("data".to_owned(), data);
                    }
                    bare.extend(map);
                    (0, serde_json::Value::Object(bare))
                }
            }
        }
        bare => (0, bare),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, PartialEq, serde::Serialize, serde::Deserialize)]
    struct Sample {
        name: String,
        size: u32,
    }

    fn sample() -> Sample {
        Sample {
            name: "Round".to_owned(),
            size: 3,
        }
    }

    #[test]
    fn a_document_is_written_with_its_version_and_read_back() {
        let text = document("sample", &sample()).expect("writes");
        assert_eq!(text, r#"{"data":{"name":"Round","size":3},"v":1}"#);
        assert_eq!(
            from_document::<Sample>("sample", &text).expect("reads"),
            sample()
        );
    }

    #[test]
    fn a_bare_document_from_before_versions_reads_as_version_zero() {
        let text = r#"{"name":"Round","size":3}"#;
        assert_eq!(
            from_document::<Sample>("sample", text).expect("reads"),
            sample()
        );
    }

    #[test]
    fn a_newer_version_is_refused_with_a_reason() {
        let text = r#"{"v":7,"data":{"name":"Round","size":3}}"#;
        let error = from_document::<Sample>("round 4's settings", text).expect_err("refused");
        let words = error.to_string();
        assert!(words.contains("round 4's settings"), "{words}");
        assert!(words.contains("format 7"), "{words}");
    }

    #[test]
    fn broken_documents_are_unreadable_not_panics() {
        for text in [
            "",
            "{",
            "null",
            "[1,2]",
            r#"{"v":1}"#,
            r#"{"v":1,"data":5}"#,
            r#"{"v":-1,"data":{}}"#,
        ] {
            let error = from_document::<Sample>("sample", text).expect_err(text);
            assert!(
                matches!(error, StoreError::Unreadable { .. }),
                "{text}: {error:?}"
            );
        }
    }
}

/// The stored formats this release must read: bare documents from before versions (v0) and
/// today's envelopes (v1), committed under `tests/fixtures/documents` from a demo database.
/// A change to a document type that stops an old row from loading fails here, before it
/// reaches anyone's database.
#[cfg(test)]
mod fixtures {
    use iln_domain::round::RoundSettings;

    use super::from_document;
    use crate::applications::application_from_answers;
    use crate::matching::MatchOptions;
    use crate::partnerships::PartnerProfile;

    macro_rules! fixture {
        ($name:literal, $version:literal) => {
            include_str!(concat!(
                "../tests/fixtures/documents/",
                $name,
                ".",
                $version,
                ".json"
            ))
        };
    }

    #[test]
    fn every_stored_format_loads() {
        for (version, settings, answers, options, proposal, profile) in [
            (
                "v0",
                fixture!("round-settings", "v0"),
                fixture!("application-answers", "v0"),
                fixture!("match-options", "v0"),
                fixture!("match-proposal", "v0"),
                fixture!("partner-profile", "v0"),
            ),
            (
                "v1",
                fixture!("round-settings", "v1"),
                fixture!("application-answers", "v1"),
                fixture!("match-options", "v1"),
                fixture!("match-proposal", "v1"),
                fixture!("partner-profile", "v1"),
            ),
        ] {
            let settings: RoundSettings = from_document("settings", settings)
                .unwrap_or_else(|e| panic!("{version} round settings: {e}"));
            assert_eq!(settings.country_cap.percent(), 10, "{version}");
            let application = application_from_answers("answers", answers)
                .unwrap_or_else(|e| panic!("{version} application answers: {e}"));
            assert_eq!(application.country.as_str(), "AU", "{version}");
            from_document::<MatchOptions>("options", options)
                .unwrap_or_else(|e| panic!("{version} matching options: {e}"));
            let proposal: iln_domain::proposal::Proposal = from_document("proposal", proposal)
                .unwrap_or_else(|e| panic!("{version} proposal: {e}"));
            assert_eq!(proposal.partnerships.len(), 3, "{version}");
            from_document::<PartnerProfile>("profile", profile)
                .unwrap_or_else(|e| panic!("{version} partner profile: {e}"));
        }
    }

    /// Topics came after versions: their resource links exist only as v1.
    #[test]
    fn topic_resources_load_and_write_back_exactly() {
        let text = fixture!("topic-resources", "v1");
        let resources: Vec<iln_domain::topic::Resource> =
            from_document("resources", text).expect("topic resources load");
        assert_eq!(resources.len(), 2);
        let written = super::document("resources", &resources).expect("writes");
        let expected: serde_json::Value = serde_json::from_str(text).expect("fixture is JSON");
        let written: serde_json::Value = serde_json::from_str(&written).expect("JSON");
        assert_eq!(written, expected);
    }

    /// Surveys came after versions too: a survey as built and a set of answers, v1 only.
    #[test]
    fn surveys_and_their_answers_load_and_write_back_exactly() {
        use iln_domain::survey::{AnswerValue, QuestionKind, Response, Survey};

        let text = fixture!("survey", "v1");
        let survey: Survey = from_document("survey", text).expect("a survey loads");
        assert_eq!(survey.questions.len(), 4);
        assert!(matches!(survey.questions[3].kind, QuestionKind::Text));
        let answers_text = fixture!("survey-answers", "v1");
        let answers: Response = from_document("answers", answers_text).expect("answers load");
        assert_eq!(
            answers.answers.get(&survey.questions[0].key),
            Some(&AnswerValue::Rating(4))
        );
        for (text, written) in [
            (text, super::document("survey", &survey).expect("writes")),
            (
                answers_text,
                super::document("answers", &answers).expect("writes"),
            ),
        ] {
            let expected: serde_json::Value = serde_json::from_str(text).expect("fixture is JSON");
            let written: serde_json::Value = serde_json::from_str(&written).expect("JSON");
            assert_eq!(written, expected);
        }
    }

    #[test]
    fn today_writes_the_v1_fixtures_exactly() {
        let settings: RoundSettings =
            from_document("settings", fixture!("round-settings", "v0")).expect("loads");
        let written = super::document("settings", &settings).expect("writes");
        let expected: serde_json::Value =
            serde_json::from_str(fixture!("round-settings", "v1")).expect("fixture is JSON");
        let written: serde_json::Value = serde_json::from_str(&written).expect("JSON");
        assert_eq!(written, expected);
    }
}

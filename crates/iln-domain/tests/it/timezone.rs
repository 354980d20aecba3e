//! IANA time zone names and formatting instants in a reader's zone.

use iln_domain::timezone::{self, TimeZoneError, TimeZoneName};
use jiff::Timestamp;

#[test]
fn parses_known_names_into_their_canonical_spelling() {
    let sydney = TimeZoneName::parse("australia/SYDNEY").unwrap();
    assert_eq!(sydney.as_str(), "Australia/Sydney");
    assert_eq!(sydney.to_string(), "Australia/Sydney");
    assert_eq!(TimeZoneName::parse(" UTC ").unwrap(), TimeZoneName::utc());
}

#[test]
fn refuses_unknown_and_empty_names() {
    assert_eq!(TimeZoneName::parse(""), Err(TimeZoneError::Empty));
    let err = TimeZoneName::parse("Mars/Olympus_Mons").unwrap_err();
    assert!(matches!(err, TimeZoneError::Unknown(_)));
    assert!(err.to_string().contains("Mars/Olympus_Mons"));
}

#[test]
fn formats_an_instant_in_the_readers_zone() {
    let at: Timestamp = "2026-12-01T03:05:00Z".parse().unwrap();
    let sydney = TimeZoneName::parse("Australia/Sydney").unwrap();
    let lagos = TimeZoneName::parse("Africa/Lagos").unwrap();
    // Sydney is on daylight time (UTC+11) in December; Lagos is UTC+1 all year.
    assert_eq!(sydney.format_datetime(at), "1 Dec 2026, 14:05 AEDT");
    assert_eq!(lagos.format_datetime(at), "1 Dec 2026, 04:05 WAT");
    let la = TimeZoneName::parse("America/Los_Angeles").unwrap();
    assert_eq!(la.format_date(at), "30 Nov 2026");
    assert_eq!(sydney.local(at).hour(), 14);
    assert_eq!(sydney.to_jiff().iana_name(), Some("Australia/Sydney"));
}

#[test]
fn available_lists_region_names_that_all_parse() {
    let names = timezone::available();
    assert!(names.len() > 300, "only {} zones", names.len());
    assert!(names.iter().any(|n| n.as_str() == "Pacific/Auckland"));
    assert!(names.iter().any(|n| n.as_str() == "UTC"));
    assert!(!names.iter().any(|n| n.as_str().starts_with("US/")));
    assert!(!names.iter().any(|n| n.as_str().starts_with("Etc/")));
    for name in &names {
        assert_eq!(&TimeZoneName::parse(name.as_str()).unwrap(), name);
    }
}

#[test]
fn serialises_as_the_name() {
    let tz = TimeZoneName::parse("Asia/Kolkata").unwrap();
    assert_eq!(serde_json::to_string(&tz).unwrap(), "\"Asia/Kolkata\"");
    assert!(serde_json::from_str::<TimeZoneName>("\"Nowhere/Else\"").is_err());
}

proptest::proptest! {
    #[test]
    fn parse_never_panics_and_accepts_only_what_round_trips(input in "\\PC{0,40}") {
        if let Ok(tz) = TimeZoneName::parse(&input) {
            proptest::prop_assert_eq!(TimeZoneName::parse(tz.as_str()), Ok(tz.clone()));
        }
    }
}

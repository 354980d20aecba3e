//! The country table and `CountryCode` parsing.

use std::collections::HashSet;

use iln_domain::country::{self, CountryCode, CountryError};

#[test]
fn table_covers_every_iso_3166_1_country_once() {
    let codes: HashSet<&str> = country::all().iter().map(|c| c.code.as_str()).collect();
    assert_eq!(country::all().len(), 249);
    assert_eq!(codes.len(), 249);
    for code in &codes {
        assert_eq!(code.len(), 2);
        assert!(code.bytes().all(|b| b.is_ascii_uppercase()), "{code}");
    }
}

#[test]
fn table_is_sorted_by_name_ignoring_accents() {
    let keys: Vec<String> = country::all()
        .iter()
        .map(|c| country::name_sort_key(c.name))
        .collect();
    let mut sorted = keys.clone();
    sorted.sort();
    assert_eq!(keys, sorted);
    // Åland sorts among the A's, not after Zimbabwe.
    assert_eq!(country::all()[1].name, "Åland Islands");
}

#[test]
fn every_default_time_zone_is_in_the_bundled_database() {
    for c in country::all() {
        let tz = jiff::tz::db().get(c.default_time_zone);
        assert!(
            tz.is_ok(),
            "{} has unknown zone {}",
            c.name,
            c.default_time_zone
        );
        assert_eq!(c.code.default_time_zone(), c.default_time_zone);
    }
}

#[test]
fn parses_codes_in_any_case() {
    let au = CountryCode::parse("AU").unwrap();
    assert_eq!(au.as_str(), "AU");
    assert_eq!(au.name(), "Australia");
    assert_eq!(CountryCode::parse("au").unwrap(), au);
    assert_eq!(CountryCode::parse(" nG ").unwrap().name(), "Nigeria");
    assert_eq!(au.to_string(), "AU");
}

#[test]
fn parses_english_names_and_common_aliases() {
    assert_eq!(CountryCode::parse("united kingdom").unwrap().as_str(), "GB");
    assert_eq!(CountryCode::parse("UK").unwrap().as_str(), "GB");
    assert_eq!(CountryCode::parse("USA").unwrap().as_str(), "US");
    assert_eq!(CountryCode::parse("United States").unwrap().as_str(), "US");
    assert_eq!(CountryCode::parse("Cote d'Ivoire").unwrap().as_str(), "CI");
    assert_eq!(CountryCode::parse("Côte d’Ivoire").unwrap().as_str(), "CI");
    assert_eq!(CountryCode::parse("curacao").unwrap().as_str(), "CW");
    assert_eq!(CountryCode::parse("Turkey").unwrap().as_str(), "TR");
}

#[test]
fn refuses_what_is_not_a_country() {
    assert_eq!(CountryCode::parse("  "), Err(CountryError::Empty));
    assert!(matches!(
        CountryCode::parse("XX"),
        Err(CountryError::Unknown(_))
    ));
    assert!(matches!(
        CountryCode::parse("Atlantis"),
        Err(CountryError::Unknown(_))
    ));
    assert!(matches!(
        CountryCode::parse("AUS"),
        Err(CountryError::Unknown(_))
    ));
    let message = CountryCode::parse("Atlantis").unwrap_err().to_string();
    assert!(message.contains("Atlantis"));
    assert!(!message.ends_with('.'));
}

#[test]
fn every_code_and_name_round_trips() {
    for c in country::all() {
        assert_eq!(CountryCode::parse(c.code.as_str()).unwrap(), c.code);
        assert_eq!(CountryCode::parse(c.name).unwrap(), c.code);
        assert_eq!(c.code.name(), c.name);
    }
}

#[test]
fn orders_by_code_and_serialises_as_the_code() {
    let mut codes = [
        CountryCode::parse("US").unwrap(),
        CountryCode::parse("AU").unwrap(),
        CountryCode::parse("GB").unwrap(),
    ];
    codes.sort();
    let as_text: Vec<&str> = codes.iter().map(|c| c.as_str()).collect();
    assert_eq!(as_text, ["AU", "GB", "US"]);
    let json = serde_json::to_string(&codes[0]).unwrap();
    assert_eq!(json, "\"AU\"");
    let back: CountryCode = serde_json::from_str("\"au\"").unwrap();
    assert_eq!(back, codes[0]);
    assert!(serde_json::from_str::<CountryCode>("\"ZZ\"").is_err());
}

proptest::proptest! {
    #[test]
    fn parse_never_panics(input in "\\PC{0,40}") {
        let _ = CountryCode::parse(&input);
    }
}

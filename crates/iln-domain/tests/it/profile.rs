//! Sectors and career stages: ids, labels and parsing.

use iln_domain::profile::{CareerStage, ProfileError, Sector};

#[test]
fn sector_ids_are_the_stored_snake_case_names() {
    let ids: Vec<&str> = Sector::ALL.iter().map(|s| s.as_str()).collect();
    assert_eq!(
        ids,
        [
            "academic",
            "public",
            "school",
            "special",
            "government",
            "national",
            "archives",
            "museum",
            "lis_education",
            "vendor",
            "other"
        ]
    );
}

#[test]
fn career_stage_ids_are_the_stored_snake_case_names() {
    let ids: Vec<&str> = CareerStage::ALL.iter().map(|s| s.as_str()).collect();
    assert_eq!(ids, ["student", "early", "mid", "senior"]);
}

#[test]
fn ids_round_trip_and_the_forms_words_parse() {
    for sector in Sector::ALL {
        assert_eq!(Sector::parse(sector.as_str()), Ok(sector));
    }
    for stage in CareerStage::ALL {
        assert_eq!(CareerStage::parse(stage.as_str()), Ok(stage));
    }
    // What people type in a spreadsheet: the words the form shows (the web crate's tests
    // check that every word it shows parses back).
    assert_eq!(Sector::parse("Public library"), Ok(Sector::Public));
    assert_eq!(
        Sector::parse("Library and information science education"),
        Ok(Sector::LisEducation)
    );
    assert_eq!(Sector::parse("Vendor or supplier"), Ok(Sector::Vendor));
    assert_eq!(
        CareerStage::parse("Mid career (5 to 15 years)"),
        Ok(CareerStage::Mid)
    );
    assert_eq!(
        CareerStage::parse("Senior (more than 15 years)"),
        Ok(CareerStage::Senior)
    );
}

#[test]
fn parsing_forgives_case_spaces_and_hyphens() {
    assert_eq!(Sector::parse(" LIS-Education "), Ok(Sector::LisEducation));
    assert_eq!(Sector::parse("lis education"), Ok(Sector::LisEducation));
    assert_eq!(Sector::parse("Public Library"), Ok(Sector::Public));
    assert_eq!(CareerStage::parse("SENIOR"), Ok(CareerStage::Senior));
}

#[test]
fn unknown_values_are_refused_with_the_input_in_the_message() {
    let err = Sector::parse("bakery").unwrap_err();
    assert_eq!(err, ProfileError::UnknownSector("bakery".to_owned()));
    assert!(err.to_string().contains("bakery"));
    assert!(matches!(
        CareerStage::parse("retired"),
        Err(ProfileError::UnknownCareerStage(_))
    ));
    assert!(Sector::parse("").is_err());
}

#[test]
fn serialises_as_the_id() {
    assert_eq!(
        serde_json::to_string(&Sector::LisEducation).unwrap(),
        "\"lis_education\""
    );
    let stage: CareerStage = serde_json::from_str("\"mid\"").unwrap();
    assert_eq!(stage, CareerStage::Mid);
}

proptest::proptest! {
    #[test]
    fn parse_never_panics(input in "\\PC{0,40}") {
        let _ = Sector::parse(&input);
        let _ = CareerStage::parse(&input);
    }
}

/// What coordinators' spreadsheets and other forms say (a Google Forms export among them):
/// the variants are read as our values, in any case and with any spacing.
#[test]
fn values_typed_in_other_forms_are_recognised() {
    for (typed, stage) in [
        ("15+ years", CareerStage::Senior),
        ("More than 15 years", CareerStage::Senior),
        ("over 15 YEARS", CareerStage::Senior),
        ("0-5 years", CareerStage::Early),
        ("0 - 5 years", CareerStage::Early),
        ("Up to 5 years", CareerStage::Early),
        ("5-15 years", CareerStage::Mid),
        ("5 to 15 years", CareerStage::Mid),
        ("Mid-career", CareerStage::Mid),
        ("LIS student", CareerStage::Student),
        ("Early career (up to 5 years)", CareerStage::Early),
    ] {
        assert_eq!(CareerStage::parse(typed), Ok(stage), "{typed}");
    }
    for (typed, sector) in [
        ("Academic library", Sector::Academic),
        ("University Library", Sector::Academic),
        ("Public libraries", Sector::Public),
        ("Library school", Sector::LisEducation),
        ("Archive", Sector::Archives),
        ("Vendor", Sector::Vendor),
    ] {
        assert_eq!(Sector::parse(typed), Ok(sector), "{typed}");
    }
    // Every variant belongs to one value only.
    for typed in ["senior", "student", "15+ years", "archives", "school"] {
        let stages = CareerStage::ALL
            .iter()
            .filter(|s| CareerStage::parse(typed) == Ok(**s))
            .count();
        let sectors = Sector::ALL
            .iter()
            .filter(|s| Sector::parse(typed) == Ok(**s))
            .count();
        assert!(stages <= 1 && sectors <= 1, "{typed}");
    }
}

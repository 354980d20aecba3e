//! Sectors and career stages: ids, labels and parsing.

use std::collections::HashSet;

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
fn ids_and_labels_round_trip_and_are_distinct() {
    let labels: HashSet<&str> = Sector::ALL.iter().map(|s| s.label()).collect();
    assert_eq!(labels.len(), Sector::ALL.len());
    for sector in Sector::ALL {
        assert_eq!(Sector::parse(sector.as_str()), Ok(sector));
        assert_eq!(Sector::parse(sector.label()), Ok(sector));
        assert_eq!(sector.to_string(), sector.label());
    }
    for stage in CareerStage::ALL {
        assert_eq!(CareerStage::parse(stage.as_str()), Ok(stage));
        assert_eq!(CareerStage::parse(stage.label()), Ok(stage));
    }
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

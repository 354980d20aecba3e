//! The application form, its values, likely duplicates and the country cap.
#![expect(
    clippy::unwrap_used,
    reason = "test helpers: a panic here is a failed test"
)]

use std::collections::BTreeSet;

use iln_domain::application::{
    Application, ApplicationField, ApplicationForm, CommunicationWay, DuplicateGroup,
    DuplicateReason, Identity, Interest, InterestCatalogue, LanguageCode, MatchPreference,
    country_cap_deferrals, find_duplicates, parse_languages,
};
use iln_domain::country::CountryCode;
use iln_domain::profile::{CareerStage, Sector};
use iln_domain::round::CountryCap;
use iln_domain::scoring::History;

fn form() -> ApplicationForm {
    ApplicationForm {
        name: " Ana Silva ".into(),
        email: "Ana@Example.org".into(),
        country: "Brazil".into(),
        city: "Recife".into(),
        time_zone: "".into(),
        institution: "Universidade Federal".into(),
        sector: "academic".into(),
        role: "Reference librarian".into(),
        career_stage: "early".into(),
        interests: vec!["Social media".into(), "open access".into()],
        other_interests: "zines".into(),
        languages: vec!["pt; en".into()],
        communication: vec!["email".into(), "Video call".into()],
        match_preference: "interest_sector".into(),
        goals: "Learn how other libraries run outreach.\nAnd make friends.".into(),
        offer: "".into(),
        consent: "on".into(),
    }
}

#[test]
fn a_complete_form_parses() {
    let a = Application::parse(&form(), &InterestCatalogue::default_topics()).unwrap();
    assert_eq!(a.name.as_str(), "Ana Silva");
    assert_eq!(a.email.as_str(), "ana@example.org");
    assert_eq!(a.country.as_str(), "BR");
    // The zone is suggested from the country when left blank.
    assert_eq!(
        a.time_zone.as_str(),
        CountryCode::parse("BR").unwrap().default_time_zone()
    );
    assert_eq!(a.sector, Sector::Academic);
    assert_eq!(a.career_stage, CareerStage::Early);
    let interests: Vec<&str> = a.interests.iter().map(Interest::as_str).collect();
    assert_eq!(interests, ["open access", "social media"]);
    let languages: Vec<&str> = a.languages.iter().map(|l| l.as_str()).collect();
    assert_eq!(languages, ["en", "pt"]);
    assert_eq!(
        a.communication,
        BTreeSet::from([CommunicationWay::Email, CommunicationWay::Video])
    );
    assert_eq!(a.preference, MatchPreference::InterestSector);
    let profile = a.match_profile(History::default());
    assert_eq!(profile.country, a.country);
    assert_eq!(profile.interests, a.interests);
}

#[test]
fn previous_answers_fill_the_form_again_except_consent() {
    let catalogue = InterestCatalogue::default_topics();
    let a = Application::parse(&form(), &catalogue).unwrap();
    let again = a.to_form();
    assert_eq!(again.consent, "");
    let errors = Application::parse(&again, &catalogue).unwrap_err();
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0].field, ApplicationField::Consent);
    let b = Application::parse(
        &ApplicationForm {
            consent: "yes".into(),
            ..again
        },
        &catalogue,
    )
    .unwrap();
    assert_eq!(a, b);
}

#[test]
fn every_wrong_field_gets_one_error() {
    let bad = ApplicationForm {
        name: "".into(),
        email: "not-an-email".into(),
        country: "Atlantis".into(),
        city: "".into(),
        time_zone: "Mars/Base".into(),
        institution: "x".repeat(201),
        sector: "bakery".into(),
        role: "line\u{7}break".into(),
        career_stage: "ancient".into(),
        interests: vec!["underwater basket weaving".into()],
        other_interests: "".into(),
        languages: vec!["en".into(), "klingon".into()],
        communication: vec!["pigeon".into()],
        match_preference: "".into(),
        goals: "".into(),
        offer: "y".repeat(2001),
        consent: "".into(),
    };
    let errors = Application::parse(&bad, &InterestCatalogue::default_topics()).unwrap_err();
    let fields: Vec<ApplicationField> = errors.iter().map(|e| e.field).collect();
    assert_eq!(
        fields,
        [
            ApplicationField::Name,
            ApplicationField::Email,
            ApplicationField::Country,
            ApplicationField::City,
            ApplicationField::TimeZone,
            ApplicationField::Institution,
            ApplicationField::Sector,
            ApplicationField::Role,
            ApplicationField::CareerStage,
            ApplicationField::Interests,
            ApplicationField::Languages,
            ApplicationField::Communication,
            ApplicationField::MatchPreference,
            ApplicationField::Goals,
            ApplicationField::Offer,
            ApplicationField::Consent,
        ]
    );
    assert!(errors[9].to_string().contains("\"other\" box"));
    assert!(errors.iter().all(|e| !e.message.ends_with('.')));
}

#[test]
fn empty_lists_are_errors_where_matching_needs_them() {
    let errors = Application::parse(
        &ApplicationForm {
            languages: vec![" ".into()],
            communication: vec![],
            ..form()
        },
        &InterestCatalogue::default_topics(),
    )
    .unwrap_err();
    let fields: Vec<ApplicationField> = errors.iter().map(|e| e.field).collect();
    assert_eq!(
        fields,
        [ApplicationField::Languages, ApplicationField::Communication]
    );
    // Interests are optional.
    assert!(
        Application::parse(
            &ApplicationForm {
                interests: vec![],
                ..form()
            },
            &InterestCatalogue::default_topics()
        )
        .is_ok()
    );
}

#[test]
fn languages_and_values_parse_by_code_or_name() {
    assert_eq!(LanguageCode::parse(" ES ").unwrap().as_str(), "es");
    assert_eq!(LanguageCode::parse("french").unwrap().as_str(), "fr");
    assert_eq!(LanguageCode::parse("fr").unwrap().name(), "French");
    assert!(LanguageCode::parse("").is_err());
    assert!(LanguageCode::parse("eng").is_err());
    assert_eq!(LanguageCode::all().count(), 183);
    let set = parse_languages("en;es, en;;").unwrap();
    assert_eq!(set.len(), 2);
    assert_eq!(
        CommunicationWay::parse("social media").unwrap(),
        CommunicationWay::SocialMedia
    );
    assert_eq!(
        MatchPreference::parse("Open to anyone").unwrap(),
        MatchPreference::Any
    );
    for w in CommunicationWay::ALL {
        assert_eq!(CommunicationWay::parse(w.as_str()).unwrap(), w);
    }
    for p in MatchPreference::ALL {
        assert_eq!(MatchPreference::parse(p.as_str()).unwrap(), p);
    }
    assert_eq!(
        serde_json::to_string(&MatchPreference::CareerStage).unwrap(),
        "\"career_stage\""
    );
}

#[test]
fn interests_are_normalised_and_checked_against_the_catalogue() {
    let catalogue = InterestCatalogue::new(["Social  Media", "social media", "Zines"]).unwrap();
    assert_eq!(catalogue.len(), 2);
    assert_eq!(
        catalogue.pick(" SOCIAL media ").unwrap().as_str(),
        "social media"
    );
    assert!(catalogue.pick("knitting").is_err());
    assert!(Interest::parse("   ").is_err());
    assert!(Interest::parse(&"x".repeat(61)).is_err());
    assert_eq!(
        Interest::parse("a\u{0}b"),
        Err(iln_domain::application::InterestError::Control)
    );
    assert!(InterestCatalogue::default_topics().len() >= 20);
}

fn identity(email: &str, name: &str, institution: &str, country: &str) -> Identity {
    Identity {
        email: email.into(),
        name: name.into(),
        institution: institution.into(),
        country: CountryCode::parse(country).unwrap(),
    }
}

#[test]
fn likely_duplicates_are_found_by_email_or_by_name_institution_and_country() {
    let people = [
        identity("ana@x.org", "Ana Silva", "UFPE", "BR"),
        identity("ben@x.org", "Ben Okafor", "Unilag", "NG"),
        identity("ANA@x.org ", "Ana S.", "UFPE", "BR"),
        identity("ben.o@y.org", "okafor, BEN", "unilag", "NG"),
        identity("ben3@y.org", "Ben Okafor", "Unilag", "GH"),
        identity("jose@x.org", "José Núñez", "BNE", "ES"),
        identity("jose2@x.org", "jose nunez", "BNE", "ES"),
    ];
    let groups = find_duplicates(&people);
    assert_eq!(
        groups,
        [
            DuplicateGroup {
                members: vec![0, 2],
                reason: DuplicateReason::SameEmail
            },
            DuplicateGroup {
                members: vec![1, 3],
                reason: DuplicateReason::SameNameInstitutionCountry
            },
            DuplicateGroup {
                members: vec![5, 6],
                reason: DuplicateReason::SameNameInstitutionCountry
            },
        ]
    );
    // A pair found by email is not reported twice.
    let twice = [
        identity("a@x.org", "Ana", "UFPE", "BR"),
        identity("a@x.org", "Ana", "UFPE", "BR"),
    ];
    assert_eq!(find_duplicates(&twice).len(), 1);
}

#[test]
fn the_country_cap_defers_the_latest_applicants_of_a_crowded_country() {
    let code = |c: &str| CountryCode::parse(c).unwrap();
    // Ten applicants, a 20% cap: at most two per country.
    let arrivals: Vec<CountryCode> = ["US", "US", "GB", "US", "NG", "US", "IN", "BR", "JP", "KE"]
        .iter()
        .map(|c| code(c))
        .collect();
    assert_eq!(
        country_cap_deferrals(&arrivals, CountryCap::default()),
        [3, 5]
    );
    assert!(country_cap_deferrals(&arrivals, CountryCap::from_percent(40).unwrap()).is_empty());
    // A tiny round still takes one person from every country.
    assert_eq!(
        country_cap_deferrals(&[code("US"), code("US")], CountryCap::default()),
        [1]
    );
    assert!(country_cap_deferrals(&[], CountryCap::default()).is_empty());
}

#[test]
fn a_shared_name_without_an_institution_is_not_a_duplicate() {
    let people = [
        identity("a@x.org", "Emily Brown", "", "AU"),
        identity("b@x.org", "Emily Brown", "", "AU"),
        identity("c@x.org", "Emily Brown", " ", "AU"),
    ];
    assert!(find_duplicates(&people).is_empty());
}

proptest::proptest! {
    #[test]
    fn any_form_parses_or_names_its_wrong_fields(
        name in ".{0,120}",
        email in ".{0,40}",
        country in ".{0,20}",
        zone in ".{0,30}",
        words in proptest::collection::vec(".{0,30}", 0..4),
        consent in ".{0,5}",
    ) {
        let form = ApplicationForm {
            name,
            email,
            country,
            time_zone: zone,
            interests: words.clone(),
            languages: words.clone(),
            communication: words,
            consent,
            ..ApplicationForm::default()
        };
        // Never a panic; an error list is never empty and names each field once.
        if let Err(errors) = Application::parse(&form, &InterestCatalogue::default_topics()) {
            proptest::prop_assert!(!errors.is_empty());
            let mut fields: Vec<ApplicationField> = errors.iter().map(|e| e.field).collect();
            fields.dedup();
            proptest::prop_assert_eq!(fields.len(), errors.len());
        }
    }

    #[test]
    fn the_cap_never_defers_a_country_below_its_limit(
        picks in proptest::collection::vec(0usize..6, 0..80),
        percent in 1u8..=100,
    ) {
        let codes = ["GB", "NG", "IN", "BR", "JP", "KE"];
        let arrivals: Vec<CountryCode> =
            picks.iter().map(|&p| CountryCode::parse(codes[p]).unwrap()).collect();
        let cap = CountryCap::from_percent(percent).unwrap();
        let deferred = country_cap_deferrals(&arrivals, cap);
        let limit = cap.limit(arrivals.len());
        for code in codes {
            let country = CountryCode::parse(code).unwrap();
            let applied: Vec<usize> =
                (0..arrivals.len()).filter(|&i| arrivals[i] == country).collect();
            let kept: Vec<usize> =
                applied.iter().copied().filter(|i| !deferred.contains(i)).collect();
            // Each country keeps its earliest applicants, up to the limit.
            proptest::prop_assert_eq!(kept.len(), applied.len().min(limit));
            proptest::prop_assert_eq!(&kept[..], &applied[..kept.len()]);
        }
    }
}

/// Match preferences and ways to communicate as other forms word them.
#[test]
fn preferences_and_ways_typed_in_other_forms_are_recognised() {
    use iln_domain::application::{CommunicationWay, MatchPreference};
    for (typed, preference) in [
        ("Open to any", MatchPreference::Any),
        ("No preference", MatchPreference::Any),
        ("By career stage", MatchPreference::CareerStage),
        ("By interest/sector", MatchPreference::InterestSector),
        ("interest and sector", MatchPreference::InterestSector),
    ] {
        assert_eq!(MatchPreference::parse(typed), Ok(preference), "{typed}");
    }
    for (typed, way) in [
        ("E-mail", CommunicationWay::Email),
        ("Skype", CommunicationWay::Video),
        ("Zoom", CommunicationWay::Video),
        ("WhatsApp", CommunicationWay::Chat),
        ("Twitter", CommunicationWay::SocialMedia),
    ] {
        assert_eq!(CommunicationWay::parse(typed), Ok(way), "{typed}");
    }
    assert!(MatchPreference::parse("whatever you like").is_err());
}

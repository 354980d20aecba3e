//! Round settings from the admin's form and the round's state machine.
#![expect(
    clippy::unwrap_used,
    reason = "test helpers: a panic here is a failed test"
)]

use iln_domain::application::LanguageCode;
use iln_domain::round::{
    AdminAction, Cause, CountryCap, LeftoverPolicy, MilestoneKind, Round, RoundError, RoundField,
    RoundForm, RoundSettings, RoundState, TransitionError, Trigger,
};
use jiff::Timestamp;
use jiff::civil::date;

fn form() -> RoundForm {
    RoundForm {
        name: " 2014/2015 Round 3 ".into(),
        opens: "2027-01-04".into(),
        closes: "2027-01-31".into(),
        matching: "2027-02-07".into(),
        starts: "2027-03-01".into(),
        ..RoundForm::default()
    }
}

fn at(text: &str) -> Timestamp {
    text.parse().unwrap()
}

fn round() -> Round {
    Round::new(RoundSettings::parse(&form()).unwrap())
}

#[test]
fn a_minimal_form_takes_the_defaults() {
    let s = RoundSettings::parse(&form()).unwrap();
    assert_eq!(s.name.as_str(), "2014/2015 Round 3");
    assert_eq!(s.time_zone.as_str(), "UTC");
    // Four months, the last day included.
    assert_eq!(s.ends, date(2027, 6, 30));
    assert_eq!(
        s.languages.iter().copied().collect::<Vec<_>>(),
        [LanguageCode::english()]
    );
    assert_eq!(s.country_cap.percent(), 20);
    assert_eq!(s.leftover, LeftoverPolicy::Trio);
    // The form round-trips.
    assert_eq!(RoundSettings::parse(&s.to_form()).unwrap(), s);
}

#[test]
fn every_field_is_read() {
    let s = RoundSettings::parse(&RoundForm {
        time_zone: "australia/sydney".into(),
        ends: "2027-08-31".into(),
        languages: "en; es, French".into(),
        country_cap: "25%".into(),
        leftover: "next round".into(),
        ..form()
    })
    .unwrap();
    assert_eq!(s.time_zone.as_str(), "Australia/Sydney");
    assert_eq!(s.ends, date(2027, 8, 31));
    let codes: Vec<&str> = s.languages.iter().map(|l| l.as_str()).collect();
    assert_eq!(codes, ["en", "es", "fr"]);
    assert_eq!(s.country_cap.percent(), 25);
    assert_eq!(s.leftover, LeftoverPolicy::NextRound);
    // Dates are days in the round's zone: Sydney is UTC+11 in January.
    assert_eq!(s.opens_at(), at("2027-01-03T13:00:00Z"));
    assert_eq!(s.closes_at(), at("2027-01-31T13:00:00Z"));
}

#[test]
fn errors_name_their_fields_one_per_field() {
    let errors = RoundSettings::parse(&RoundForm {
        name: "  ".into(),
        time_zone: "Mars/Base".into(),
        opens: "2027-13-01".into(),
        closes: "".into(),
        matching: "2027-02-07".into(),
        starts: "2027-02-01".into(),
        ends: "2027-01-01".into(),
        languages: "en;xx".into(),
        country_cap: "0".into(),
        leftover: "drop them".into(),
        checkins: "7, 90".into(),
        offer_after: "0".into(),
    })
    .unwrap_err();
    let fields: Vec<RoundField> = errors.iter().map(RoundError::field).collect();
    assert_eq!(
        fields,
        [
            RoundField::Name,
            RoundField::TimeZone,
            RoundField::Opens,
            RoundField::Closes,
            RoundField::Starts,
            RoundField::Ends,
            RoundField::Languages,
            RoundField::CountryCap,
            RoundField::Leftover,
            RoundField::CheckIns,
            RoundField::OfferAfter,
        ]
    );
    assert_eq!(
        errors[4].to_string(),
        "starts: must be on or after the date in matching"
    );
    assert!(errors.iter().all(|e| !e.to_string().ends_with('.')));
}

#[test]
fn dates_must_come_in_order() {
    let errors = RoundSettings::parse(&RoundForm {
        closes: "2027-01-01".into(),
        ..form()
    })
    .unwrap_err();
    assert_eq!(
        errors,
        [RoundError::OutOfOrder {
            field: RoundField::Closes,
            earlier: RoundField::Opens
        }]
    );
    // The same day is fine: a one-day window, matching the day after closing.
    let s = RoundSettings::parse(&RoundForm {
        closes: "2027-01-04".into(),
        matching: "2027-01-04".into(),
        ..form()
    });
    assert!(s.is_ok());
    let errors = RoundSettings::parse(&RoundForm {
        ends: "2027-03-01".into(),
        ..form()
    })
    .unwrap_err();
    assert_eq!(errors, [RoundError::EndsBeforeStart]);
}

#[test]
fn the_country_cap_reads_percent_or_fraction() {
    assert_eq!(CountryCap::parse("").unwrap().percent(), 20);
    assert_eq!(CountryCap::parse("20").unwrap().percent(), 20);
    assert_eq!(CountryCap::parse(" 15 % ").unwrap().percent(), 15);
    assert_eq!(CountryCap::parse("0.2").unwrap().percent(), 20);
    assert_eq!(CountryCap::parse("0.25").unwrap().percent(), 25);
    for bad in ["0", "101", "-5", "0.", "0.255", "abc", "1e3"] {
        assert!(CountryCap::parse(bad).is_err(), "{bad}");
    }
    let cap = CountryCap::default();
    assert_eq!(cap.limit(100), 20);
    assert_eq!(cap.limit(9), 1);
    assert_eq!(cap.limit(0), 1);
}

#[test]
fn dates_move_the_round_through_its_states() {
    let mut r = round();
    assert_eq!(r.state, RoundState::Draft);
    assert!(r.tick(at("2027-01-03T23:59:59Z")).is_empty());
    let t = r.tick(at("2027-01-04T00:00:00Z"));
    assert_eq!(t.len(), 1);
    assert_eq!(
        (t[0].from, t[0].to, t[0].cause),
        (RoundState::Draft, RoundState::Open, Cause::Date)
    );
    assert!(r.accepts_applications());
    // The closing day is part of the window.
    assert!(r.tick(at("2027-01-31T23:59:59Z")).is_empty());
    assert_eq!(r.tick(at("2027-02-01T00:00:00Z"))[0].to, RoundState::Review);
    assert!(!r.accepts_applications());
    assert_eq!(
        r.tick(at("2027-02-07T00:00:00Z"))[0].to,
        RoundState::Matching
    );
    // No date publishes a proposal: the round waits for an admin, even past the start.
    assert!(r.tick(at("2027-05-01T00:00:00Z")).is_empty());
    assert_eq!(r.state, RoundState::Matching);
    r.apply(AdminAction::Publish, at("2027-05-01T00:00:00Z"))
        .unwrap();
    assert!(r.tick(at("2027-06-30T23:59:59Z")).is_empty());
    assert_eq!(r.tick(at("2027-07-01T00:00:00Z"))[0].to, RoundState::Closed);
    assert!(r.tick(at("2030-01-01T00:00:00Z")).is_empty());
}

#[test]
fn a_late_tick_catches_up_in_order() {
    let mut r = round();
    let t = r.tick(at("2027-03-15T00:00:00Z"));
    let path: Vec<(RoundState, RoundState)> = t.iter().map(|t| (t.from, t.to)).collect();
    assert_eq!(
        path,
        [
            (RoundState::Draft, RoundState::Open),
            (RoundState::Open, RoundState::Review),
            (RoundState::Review, RoundState::Matching),
        ]
    );
}

#[test]
fn admins_move_the_round_on_early() {
    let now = at("2026-12-01T00:00:00Z");
    let mut r = round();
    let steps = [
        (AdminAction::OpenApplications, RoundState::Open),
        (AdminAction::CloseApplications, RoundState::Review),
        (AdminAction::StartMatching, RoundState::Matching),
        (AdminAction::Publish, RoundState::Active),
        (AdminAction::CloseRound, RoundState::Closed),
    ];
    for (action, to) in steps {
        assert_eq!(r.available_actions().first(), Some(&action));
        let t = r.apply(action, now).unwrap();
        assert_eq!(t.to, to);
        assert_eq!(t.cause, Cause::Admin { action });
        assert_eq!(r.state, to);
    }
    assert!(r.available_actions().is_empty());
}

#[test]
fn actions_out_of_order_are_refused() {
    let now = at("2026-12-01T00:00:00Z");
    let mut r = round();
    for action in [
        AdminAction::CloseApplications,
        AdminAction::StartMatching,
        AdminAction::Publish,
    ] {
        assert_eq!(
            r.apply(action, now),
            Err(TransitionError {
                action,
                from: RoundState::Draft
            })
        );
    }
    assert_eq!(r.state, RoundState::Draft);
    r.apply(AdminAction::OpenApplications, now).unwrap();
    let err = r.apply(AdminAction::OpenApplications, now).unwrap_err();
    assert_eq!(
        err.to_string(),
        "cannot open applications now: the round is open"
    );
    assert!(r.apply(AdminAction::Publish, now).is_err());
    // Any round not yet closed can be cancelled; a closed one cannot be closed again.
    r.apply(AdminAction::CloseRound, now).unwrap();
    assert!(r.apply(AdminAction::CloseRound, now).is_err());
    assert!(r.apply(AdminAction::OpenApplications, now).is_err());
}

#[test]
fn status_says_where_the_round_is_and_what_comes_next() {
    let mut r = round();
    let now = at("2027-01-10T12:00:00Z");
    r.tick(now);
    let status = r.status(now);
    assert_eq!(status.state, RoundState::Open);
    assert!(!status.started);
    let next = status.next.unwrap();
    assert_eq!(next.state, RoundState::Review);
    assert_eq!(
        next.trigger,
        Trigger::Date {
            date: date(2027, 1, 31),
            at: at("2027-02-01T00:00:00Z")
        }
    );
    let kinds: Vec<MilestoneKind> = status.timeline.iter().map(|m| m.kind).collect();
    assert_eq!(
        kinds,
        [
            MilestoneKind::ApplicationsOpen,
            MilestoneKind::ApplicationsClose,
            MilestoneKind::Matching,
            MilestoneKind::PartnershipsStart,
            MilestoneKind::PartnershipsEnd,
        ]
    );
    let passed: Vec<bool> = status.timeline.iter().map(|m| m.passed).collect();
    assert_eq!(passed, [true, false, false, false, false]);
    assert_eq!(status.timeline[4].date, date(2027, 6, 30));
    assert_eq!(
        status.actions,
        [AdminAction::CloseApplications, AdminAction::CloseRound]
    );

    let late = at("2027-03-02T00:00:00Z");
    r.tick(late);
    let status = r.status(late);
    assert_eq!(status.state, RoundState::Matching);
    // Matching has overrun the partnerships' start date.
    assert!(status.started);
    let next = status.next.unwrap();
    assert_eq!(
        (next.state, next.trigger),
        (RoundState::Active, Trigger::Admin)
    );

    r.apply(AdminAction::Publish, late).unwrap();
    r.apply(AdminAction::CloseRound, late).unwrap();
    assert!(r.status(late).next.is_none());
}

#[test]
fn states_and_actions_round_trip_through_their_ids() {
    for s in RoundState::ALL {
        assert_eq!(RoundState::parse(s.as_str()).unwrap(), s);
    }
    assert!(RoundState::parse("paused").is_err());
    for a in AdminAction::ALL {
        assert_eq!(AdminAction::parse(a.as_str()).unwrap(), a);
    }
    assert!(AdminAction::parse("explode").is_err());
}

#[test]
fn settings_survive_json_and_refuse_invalid_values() {
    let settings = RoundSettings::parse(&form()).unwrap();
    let json = serde_json::to_string(&settings).unwrap();
    assert!(json.contains("\"country_cap\":20"));
    let back: RoundSettings = serde_json::from_str(&json).unwrap();
    assert_eq!(back, settings);
    let bad_cap = json.replace("\"country_cap\":20", "\"country_cap\":0");
    assert!(serde_json::from_str::<RoundSettings>(&bad_cap).is_err());
    let bad_name = json.replace("2014/2015 Round 3", "");
    assert!(serde_json::from_str::<RoundSettings>(&bad_name).is_err());
}

proptest::proptest! {
    #[test]
    fn any_round_form_parses_or_gives_errors(
        name in ".{0,120}",
        dates in proptest::collection::vec("(2027-0[1-9]-[0-2][0-9])|.{0,12}", 5),
        languages in ".{0,12}",
        cap in ".{0,6}",
        leftover in ".{0,12}",
    ) {
        let form = RoundForm {
            name,
            opens: dates[0].clone(),
            closes: dates[1].clone(),
            matching: dates[2].clone(),
            starts: dates[3].clone(),
            ends: dates[4].clone(),
            languages,
            country_cap: cap,
            leftover,
            ..RoundForm::default()
        };
        match RoundSettings::parse(&form) {
            Ok(s) => {
                proptest::prop_assert!(s.opens <= s.closes && s.closes <= s.matching);
                proptest::prop_assert!(s.matching <= s.starts && s.starts < s.ends);
                proptest::prop_assert!(s.opens_at() < s.closes_at());
            }
            Err(errors) => proptest::prop_assert!(!errors.is_empty()),
        }
    }
}

#[test]
fn the_round_at_a_moment_applies_the_passed_dates_without_changing_the_stored_one() {
    let mut stored = round();
    stored.state = RoundState::Open;
    // The end of the closing day (UTC) has passed: it reads as under review.
    let seen = stored.at(at("2027-02-01T00:00:01Z"));
    assert_eq!(seen.state, RoundState::Review);
    assert!(!seen.accepts_applications());
    assert!(seen.accepts_decisions());
    assert_eq!(stored.state, RoundState::Open);
    assert!(stored.accepts_applications());
    // Before the date, it is as stored.
    assert_eq!(
        stored.at(at("2027-01-31T23:59:59Z")).state,
        RoundState::Open
    );
    // A week-long outage catches up to matching, which no date moves on from.
    assert_eq!(
        stored.at(at("2027-05-01T00:00:00Z")).state,
        RoundState::Matching
    );
}

#[test]
fn decisions_are_taken_from_opening_until_publication() {
    let mut r = round();
    for (state, decides) in [
        (RoundState::Draft, false),
        (RoundState::Open, true),
        (RoundState::Review, true),
        (RoundState::Matching, true),
        (RoundState::Active, false),
        (RoundState::Closed, false),
    ] {
        r.state = state;
        assert_eq!(r.accepts_decisions(), decides, "{state}");
        assert_eq!(
            r.accepts_applications(),
            state == RoundState::Open,
            "{state}"
        );
    }
}

#[test]
fn check_in_days_default_to_a_week_and_two_and_parse_as_typed() {
    let form = |checkins: &str| RoundForm {
        name: "2027 Round 1".into(),
        opens: "2027-01-04".into(),
        closes: "2027-01-31".into(),
        matching: "2027-02-07".into(),
        starts: "2027-02-15".into(),
        checkins: checkins.into(),
        ..RoundForm::default()
    };
    assert_eq!(
        RoundSettings::parse(&form("")).unwrap().checkins,
        vec![7, 14]
    );
    assert_eq!(
        RoundSettings::parse(&form("21; 5 10")).unwrap().checkins,
        vec![5, 10, 21]
    );
    for bad in ["0", "46", "seven", "1,2,3,4,5", "-3"] {
        let errors = RoundSettings::parse(&form(bad)).unwrap_err();
        assert_eq!(errors.len(), 1, "{bad}");
        assert_eq!(errors[0].field(), RoundField::CheckIns, "{bad}");
    }
    // The default is not written, so rounds saved before check-ins read the same.
    let settings = RoundSettings::parse(&form("")).unwrap();
    let json = serde_json::to_string(&settings).unwrap();
    assert!(!json.contains("checkins"), "{json}");
    let custom = RoundSettings::parse(&form("10")).unwrap();
    let json = serde_json::to_string(&custom).unwrap();
    let back: RoundSettings = serde_json::from_str(&json).unwrap();
    assert_eq!(back.checkins, vec![10]);
}

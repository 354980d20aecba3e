//! The fairness report, the mixes and the weekly counts over hand-made rows.

use iln_domain::country::CountryCode;
use iln_domain::proposal::UnmatchedKind;
use iln_domain::report::{
    self, ApplicationFacts, MARGIN_POINTS, Measure, MemberFacts, Order, Placement, RatingFacts,
};
use iln_domain::status::ApplicationStatus;
use jiff::civil::date;

fn c(code: &str) -> CountryCode {
    CountryCode::parse(code).expect("a country of the table")
}

fn app(country: &str, status: ApplicationStatus, placement: Placement) -> ApplicationFacts {
    ApplicationFacts {
        country: c(country),
        status,
        placement,
    }
}

fn member(country: &str, score: i64, ended_early: bool, quiet: Option<bool>) -> MemberFacts {
    MemberFacts {
        country: c(country),
        score,
        ended_early,
        quiet,
    }
}

/// Australia: 10 applied, all approved and matched. Kenya: 14 applied, 6 approved (3
/// matched, 3 unmatched for want of a possible partner), 4 deferred by the cap, 4 declined.
fn round() -> Vec<ApplicationFacts> {
    use ApplicationStatus::{Approved, Declined, Deferred};
    let mut rows = Vec::new();
    for _ in 0..10 {
        rows.push(app("AU", Approved, Placement::Matched));
    }
    for _ in 0..3 {
        rows.push(app("KE", Approved, Placement::Matched));
    }
    for _ in 0..3 {
        rows.push(app(
            "KE",
            Approved,
            Placement::Unmatched(Some(UnmatchedKind::NoPossiblePartner)),
        ));
    }
    for _ in 0..4 {
        rows.push(app("KE", Deferred, Placement::Outside));
    }
    for _ in 0..4 {
        rows.push(app("KE", Declined, Placement::Outside));
    }
    rows
}

#[test]
fn counts_each_country_and_the_round() {
    let report = report::fairness(&round(), &[], &[], |_| true, Order::Name);
    assert_eq!(report.round.applied, 24);
    assert_eq!(report.round.approved, 16);
    assert_eq!(report.round.matched, 13);
    assert_eq!(report.round.unmatched, 3);
    let names: Vec<&str> = report
        .countries
        .iter()
        .map(|l| l.country.as_str())
        .collect();
    assert_eq!(names, ["AU", "KE"]);
    let kenya = &report.countries[1].line;
    assert_eq!(
        (
            kenya.applied,
            kenya.approved,
            kenya.deferred,
            kenya.declined
        ),
        (14, 6, 4, 4)
    );
    assert_eq!((kenya.matched, kenya.unmatched), (3, 3));
    assert_eq!(
        kenya.unmatched_reasons,
        [(Some(UnmatchedKind::NoPossiblePartner), 3)]
    );
    assert_eq!(kenya.rate(Measure::Approved).percent(), Some(600.0 / 14.0));
    assert_eq!(kenya.rate(Measure::Matched).percent(), Some(50.0));
}

#[test]
fn marks_rates_beyond_the_margin_in_the_direction_that_hurts() {
    let report = report::fairness(&round(), &[], &[], |_| true, Order::Worst);
    // Kenya fares worse on approval (43% against 67%), deferral, declines and matching.
    let kenya = &report.countries[0];
    assert_eq!(kenya.country, c("KE"));
    let worse: Vec<Measure> = kenya.worse().map(|m| m.measure).collect();
    assert_eq!(
        worse,
        [
            Measure::Approved,
            Measure::Deferred,
            Measure::Declined,
            Measure::Matched
        ]
    );
    let approved = kenya.mark(Measure::Approved).expect("approval is marked");
    assert!((approved.gap - (600.0 / 14.0 - 1600.0 / 24.0)).abs() < 1e-9);
    // Australia is better than the round on the same rates: marked, but not worse.
    let australia = &report.countries[1];
    assert!(australia.worse().next().is_none());
    assert!(australia.mark(Measure::Approved).is_some_and(|m| !m.worse));
}

#[test]
fn a_difference_within_the_margin_is_not_marked() {
    use ApplicationStatus::{Approved, Declined};
    // 12 of 12 against 9 of 10: the round is at 95%, each country about 5 points from it.
    let mut rows = Vec::new();
    for _ in 0..12 {
        rows.push(app("FR", Approved, Placement::Outside));
    }
    for _ in 0..9 {
        rows.push(app("DE", Approved, Placement::Outside));
    }
    rows.push(app("DE", Declined, Placement::Outside));
    let report = report::fairness(&rows, &[], &[], |_| true, Order::Worst);
    const { assert!(MARGIN_POINTS > 5.0) };
    assert!(report.countries.iter().all(|l| l.marks.is_empty()));
    // With no marks, the worst-first order falls back to the most applicants, then the name.
    assert_eq!(report.countries[0].country, c("FR"));
}

#[test]
fn partnerships_contact_and_satisfaction_count_per_member_country() {
    let members = [
        member("AU", 30, false, Some(false)),
        member("KE", 30, false, Some(false)),
        member("AU", 10, true, Some(true)),
        member("KE", 10, true, Some(true)),
        member("KE", 20, false, None),
        member("FR", 20, false, None),
    ];
    let ratings = [
        RatingFacts {
            country: c("AU"),
            rating: 5,
        },
        RatingFacts {
            country: c("KE"),
            rating: 2,
        },
        RatingFacts {
            country: c("KE"),
            rating: 4,
        },
    ];
    let report = report::fairness(&[], &members, &ratings, |_| true, Order::Name);
    let kenya = report
        .countries
        .iter()
        .find(|l| l.country == c("KE"))
        .expect("Kenya has rows");
    assert_eq!((kenya.line.members, kenya.line.ended_early), (3, 1));
    // The partnership not yet 14 days old does not count for contact.
    assert_eq!((kenya.line.quiet, kenya.line.quiet_known), (1, 2));
    assert_eq!((kenya.line.satisfied, kenya.line.answered), (1, 2));
    assert_eq!(kenya.line.average_score(), Some(20.0));
    assert_eq!(report.round.average_score(), Some(20.0));
    assert_eq!(
        report.round.rate(Measure::Satisfied).percent(),
        Some(200.0 / 3.0)
    );
}

#[test]
fn a_coordinator_sees_their_countries_against_the_whole_round() {
    let kenya = c("KE");
    let report = report::fairness(&round(), &[], &[], |c| c == kenya, Order::Worst);
    assert_eq!(report.countries.len(), 1);
    assert_eq!(report.countries[0].country, kenya);
    // The round is still everyone's.
    assert_eq!(report.round.applied, 24);
    assert_eq!(report.countries[0].worse().count(), 4);
}

#[test]
fn nothing_to_share_is_no_rate_and_no_mark() {
    let report = report::fairness(&[], &[], &[], |_| true, Order::Worst);
    assert!(report.countries.is_empty());
    assert_eq!(report.round.rate(Measure::Matched).percent(), None);
    assert_eq!(report.round.average_score(), None);
}

#[test]
fn mix_counts_the_most_first_and_ties_in_order() {
    let mix = report::mix(["b", "a", "b", "c", "a", "b"]);
    assert_eq!(mix, [("b", 3), ("a", 2), ("c", 1)]);
    assert!(report::mix(Vec::<u8>::new()).is_empty());
}

#[test]
fn contacts_by_week_start_on_monday_and_keep_empty_weeks() {
    // 2026-03-02 is a Monday.
    let days = [
        date(2026, 3, 4),
        date(2026, 3, 8),
        date(2026, 3, 2),
        date(2026, 3, 19),
    ];
    assert_eq!(
        report::per_week(days),
        [
            (date(2026, 3, 2), 3),
            (date(2026, 3, 9), 0),
            (date(2026, 3, 16), 1)
        ]
    );
    assert_eq!(report::week_of(date(2026, 3, 8)), date(2026, 3, 2));
    assert!(report::per_week([]).is_empty());
}

#[test]
fn quiet_means_no_contact_within_the_first_fourteen_days() {
    let start = date(2026, 3, 1);
    let later = date(2026, 4, 1);
    assert_eq!(report::quiet(start, &[], date(2026, 3, 10)), None);
    assert_eq!(report::quiet(start, &[], later), Some(true));
    assert_eq!(
        report::quiet(start, &[date(2026, 3, 15)], later),
        Some(false)
    );
    assert_eq!(
        report::quiet(start, &[date(2026, 3, 20)], later),
        Some(true)
    );
}

#[test]
fn a_rate_of_fewer_than_five_people_is_not_marked() {
    use ApplicationStatus::{Approved, Declined};
    // Four Kenyans all declined against a round that approved nearly everyone: too few to
    // say, one person moves the rate by 25 points.
    let mut rows = Vec::new();
    for _ in 0..20 {
        rows.push(app("AU", Approved, Placement::Outside));
    }
    for _ in 0..report::MIN_MARKED - 1 {
        rows.push(app("KE", Declined, Placement::Outside));
    }
    let report = report::fairness(&rows, &[], &[], |_| true, Order::Worst);
    let kenya = report
        .countries
        .iter()
        .find(|l| l.country == c("KE"))
        .expect("Kenya has rows");
    assert!(kenya.marks.is_empty());
    rows.push(app("KE", Declined, Placement::Outside));
    let report = report::fairness(&rows, &[], &[], |_| true, Order::Worst);
    assert_eq!(report.countries[0].country, c("KE"));
    assert!(report.countries[0].mark(Measure::Declined).is_some());
}

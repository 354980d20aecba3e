//! Matching runs: rules held, locks and forbids, exactness, modes, leftovers, diffs and swaps.
#![expect(
    clippy::unwrap_used,
    reason = "test helpers: a panic here is a failed test"
)]

use std::collections::BTreeSet;

use iln_domain::application::{CommunicationWay, Interest, LanguageCode, MatchPreference};
use iln_domain::country::CountryCode;
use iln_domain::profile::{CareerStage, Sector};
use iln_domain::proposal::{
    self, Applicant, MatchMode, MatchRequest, Proposal, ProposalError, UnmatchedKind,
};
use iln_domain::round::LeftoverPolicy;
use iln_domain::scoring::{History, MatchProfile, Rule, Weights};
use iln_domain::timezone::TimeZoneName;
use iln_matching::{Graph, Mode, Options};

const PLACES: [(&str, &str); 7] = [
    ("GB", "Europe/London"),
    ("NG", "Africa/Lagos"),
    ("AU", "Australia/Perth"),
    ("IN", "Asia/Kolkata"),
    ("US", "America/Chicago"),
    ("BR", "America/Sao_Paulo"),
    ("JP", "Asia/Tokyo"),
];

/// `count` applicants drawn from a fixed pseudo-random sequence.
fn applicants(count: usize, seed: u64) -> Vec<Applicant> {
    let mut state = seed;
    let mut next = move |n: u64| {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (state >> 33) % n
    };
    let topics = [
        "open access",
        "social media",
        "advocacy",
        "cataloguing",
        "outreach",
    ];
    (0..count)
        .map(|i| {
            let (country, tz) = PLACES[next(PLACES.len() as u64) as usize];
            let mut languages = BTreeSet::from([LanguageCode::english()]);
            if next(4) == 0 {
                languages = BTreeSet::from([LanguageCode::parse("pt").unwrap()]);
            }
            Applicant {
                id: format!("p{i:03}"),
                name: format!("Person {i}"),
                profile: MatchProfile {
                    country: CountryCode::parse(country).unwrap(),
                    sector: Sector::ALL[next(11) as usize],
                    career_stage: CareerStage::ALL[next(4) as usize],
                    time_zone: TimeZoneName::parse(tz).unwrap(),
                    interests: (0..next(4))
                        .map(|_| Interest::parse(topics[next(5) as usize]).unwrap())
                        .collect(),
                    languages,
                    communication: CommunicationWay::ALL
                        .into_iter()
                        .filter(|_| next(2) == 0)
                        .collect(),
                    preference: MatchPreference::ALL[next(3) as usize],
                    history: History::default(),
                },
                previous_partners: BTreeSet::new(),
            }
        })
        .collect()
}

fn request(applicants: Vec<Applicant>) -> MatchRequest {
    MatchRequest {
        applicants,
        weights: Weights::default(),
        program_languages: BTreeSet::from([
            LanguageCode::english(),
            LanguageCode::parse("pt").unwrap(),
        ]),
        round_start: "2027-03-01T00:00:00Z".parse().unwrap(),
        leftover: LeftoverPolicy::Trio,
        mode: MatchMode::BestTotal,
        locks: Vec::new(),
        forbidden: Vec::new(),
        priority: BTreeSet::new(),
    }
}

fn pair_ids(p: &Proposal) -> Vec<Vec<String>> {
    p.partnerships.iter().map(|p| p.key()).collect()
}

fn position(req: &MatchRequest, id: &str) -> usize {
    req.applicants.iter().position(|a| a.id == id).unwrap()
}

/// Checks every hard rule on every pair inside every partnership.
fn assert_rules_hold(req: &MatchRequest, p: &Proposal) {
    for part in &p.partnerships {
        for pair in &part.pairs {
            let (a, b) = (
                &req.applicants[position(req, &pair.a)],
                &req.applicants[position(req, &pair.b)],
            );
            assert_ne!(a.profile.country, b.profile.country, "{pair:?}");
            assert!(
                a.profile
                    .languages
                    .intersection(&b.profile.languages)
                    .any(|l| req.program_languages.contains(l)),
                "{} and {} share no program language",
                a.id,
                b.id
            );
            assert!(!a.previous_partners.contains(&b.id));
            assert!(!b.previous_partners.contains(&a.id));
            for (x, y) in &req.forbidden {
                assert!(
                    !((x == &a.id && y == &b.id) || (x == &b.id && y == &a.id)),
                    "forbidden pair {x} {y} proposed"
                );
            }
        }
    }
}

/// The exact optimum over the complete graph of allowed pairs, by the engine's plain solver.
fn exact_weight(req: &MatchRequest, mode: Mode) -> (i64, usize) {
    let profiles: Vec<MatchProfile> = req.applicants.iter().map(|a| a.profile.clone()).collect();
    let scorer = iln_domain::scoring::Scorer::new(
        &profiles,
        req.weights,
        &req.program_languages,
        req.round_start,
        &[],
    )
    .unwrap();
    let n = profiles.len();
    let mut graph = Graph::new(n);
    for u in 0..n {
        for v in u + 1..n {
            if let Some(w) = scorer.score(u, v) {
                graph.add_edge(u, v, w).unwrap();
            }
        }
    }
    let m = iln_matching::solve(&graph, Options::new(mode)).unwrap();
    (m.weight(), m.cardinality())
}

#[test]
fn the_proposal_is_the_exact_optimum_and_keeps_the_rules() {
    for seed in [1, 2, 3] {
        let mut req = request(applicants(41, seed));
        req.leftover = LeftoverPolicy::NextRound;
        let p = proposal::run(&req).unwrap();
        assert_rules_hold(&req, &p);
        assert!(p.certified);
        assert_eq!(p.trios(), 0);
        let (weight, pairs) = exact_weight(&req, Mode::MaxWeight);
        assert_eq!(p.total, weight, "seed {seed}");
        assert_eq!(p.pairs(), pairs);
        // Everyone is either in a partnership or unmatched with a reason.
        let placed: usize = p.partnerships.iter().map(|p| p.members.len()).sum();
        assert_eq!(placed + p.unmatched.len(), 41);
        assert!(p.unmatched.iter().all(|u| !u.explanation.is_empty()));
    }
}

#[test]
fn maximum_participation_pairs_as_many_as_possible() {
    let mut req = request(applicants(40, 9));
    req.mode = MatchMode::MaxParticipation;
    req.leftover = LeftoverPolicy::NextRound;
    let p = proposal::run(&req).unwrap();
    let (weight, pairs) = exact_weight(&req, Mode::MaxCardinality);
    assert_eq!((p.total, p.pairs()), (weight, pairs));
    assert!(p.certified);
    let best = proposal::run(&MatchRequest {
        mode: MatchMode::BestTotal,
        ..req.clone()
    })
    .unwrap();
    assert!(p.pairs() >= best.pairs());
    assert!(p.total <= best.total);
}

#[test]
fn fairness_raises_the_lowest_score() {
    let mut req = request(applicants(40, 4));
    req.leftover = LeftoverPolicy::NextRound;
    req.mode = MatchMode::Fairness;
    let fair = proposal::run(&req).unwrap();
    req.mode = MatchMode::MaxParticipation;
    let most = proposal::run(&req).unwrap();
    assert_eq!(fair.pairs(), most.pairs());
    assert!(fair.lowest >= most.lowest);
    assert_rules_hold(&req, &fair);
}

#[test]
fn the_same_request_gives_the_same_proposal() {
    let req = request(applicants(35, 5));
    let first = proposal::run(&req).unwrap();
    let second = proposal::run(&req).unwrap();
    assert_eq!(first, second);
    assert!(proposal::diff(&first, &second).is_unchanged());
}

#[test]
fn an_odd_person_out_joins_a_trio_or_waits_by_policy() {
    // Three people in three countries: one pair, and the third joins it or waits.
    let mut people = applicants(3, 1);
    for (a, country) in people.iter_mut().zip(["GB", "NG", "KE"]) {
        a.profile.country = CountryCode::parse(country).unwrap();
        a.profile.languages = BTreeSet::from([LanguageCode::english()]);
    }
    let mut req = request(people);
    let p = proposal::run(&req).unwrap();
    assert_eq!((p.pairs(), p.trios(), p.unmatched.len()), (0, 1, 0));
    let trio = &p.partnerships[0];
    assert_eq!(trio.pairs.len(), 3);
    assert_eq!(trio.score, trio.pairs.iter().map(|s| s.score).sum::<i64>());
    assert!(trio.explanation.contains("Person 0 and Person 1: "));
    assert_eq!(p.lowest, trio.pairs.iter().map(|s| s.score).min());

    req.leftover = LeftoverPolicy::NextRound;
    let p = proposal::run(&req).unwrap();
    assert_eq!((p.pairs(), p.trios(), p.unmatched.len()), (1, 0, 1));
    assert_eq!(p.unmatched[0].reason, UnmatchedKind::WaitsForNextRound);
}

#[test]
fn someone_nobody_can_pair_with_is_told_why() {
    let mut people = applicants(4, 2);
    for (a, country) in people.iter_mut().zip(["GB", "NG", "KE", "GB"]) {
        a.profile.country = CountryCode::parse(country).unwrap();
        a.profile.languages = BTreeSet::from([LanguageCode::english()]);
    }
    people[3].profile.languages = BTreeSet::from([LanguageCode::parse("cy").unwrap()]);
    let p = proposal::run(&request(people)).unwrap();
    assert_eq!(p.unmatched.len(), 1);
    let u = &p.unmatched[0];
    assert_eq!(
        (u.id.as_str(), u.reason),
        ("p003", UnmatchedKind::NoPossiblePartner)
    );
    assert_eq!(
        u.explanation,
        "nobody else can be their partner: 1 other lives in the same country, 2 others share \
         no program language"
    );
}

#[test]
fn previous_partners_and_forbidden_pairs_are_never_proposed() {
    let mut req = request(applicants(30, 6));
    let first = proposal::run(&req).unwrap();
    // Forbid the first pair and make the second previous partners, then re-run.
    let a = first.partnerships[0].key();
    let b = first.partnerships[1].key();
    req.forbidden.push((a[0].clone(), a[1].clone()));
    let at = position(&req, &b[0]);
    req.applicants[at].previous_partners.insert(b[1].clone());
    let second = proposal::run(&req).unwrap();
    assert_rules_hold(&req, &second);
    let keys = pair_ids(&second);
    assert!(!keys.iter().any(|k| k[..2] == a[..]));
    assert!(!keys.iter().any(|k| k[..2] == b[..]));
    let d = proposal::diff(&first, &second);
    assert!(d.broken.contains(&a) && d.broken.contains(&b));
    assert!(d.total_change <= 0);
    assert_eq!(d.kept.len() + d.broken.len(), first.partnerships.len());
    assert_eq!(d.kept.len() + d.new.len(), second.partnerships.len());
}

#[test]
fn locks_hold_and_the_rest_is_optimised_around_them() {
    let base = request(applicants(30, 7));
    let first = proposal::run(&base).unwrap();
    let mut held_swaps = 0;
    for (one, two) in first
        .partnerships
        .iter()
        .zip(first.partnerships.iter().skip(1))
    {
        let (one, two) = (one.key(), two.key());
        // A swap of the first members of two pairs is a pair of locks.
        let locks = first.swap(&one[0], &two[0]).unwrap();
        assert_eq!(locks[0], (one[0].clone(), two[1].clone()));
        assert_eq!(locks[1], (two[0].clone(), one[1].clone()));
        let req = MatchRequest {
            locks: locks.to_vec(),
            ..base.clone()
        };
        match proposal::run(&req) {
            Ok(second) => {
                held_swaps += 1;
                assert_rules_hold(&req, &second);
                for (a, b) in &req.locks {
                    let mut key = vec![a.clone(), b.clone()];
                    key.sort();
                    let held = second.partnerships.iter().find(|p| p.key() == key);
                    assert!(held.unwrap().locked);
                }
                // The first run was optimal without locks, so locks can only cost.
                assert!(second.total <= first.total);
                assert!(second.certified);
                let d = proposal::diff(&first, &second);
                assert!(d.broken.contains(&one) && d.broken.contains(&two));
            }
            Err(ProposalError::LockBreaksRule { a, b, .. }) => {
                let (i, j) = (position(&req, &a), position(&req, &b));
                let (pa, pb) = (&req.applicants[i].profile, &req.applicants[j].profile);
                assert!(
                    pa.country == pb.country
                        || pa.languages.intersection(&pb.languages).next().is_none()
                );
            }
            Err(e) => panic!("{e}"),
        }
    }
    assert!(held_swaps > 0);
}

#[test]
fn a_lock_that_breaks_a_rule_or_names_a_stranger_is_refused() {
    let mut people = applicants(6, 3);
    for (a, country) in people.iter_mut().zip(["GB", "GB", "NG", "KE", "IN", "JP"]) {
        a.profile.country = CountryCode::parse(country).unwrap();
        a.profile.languages = BTreeSet::from([LanguageCode::english()]);
    }
    let mut req = request(people);
    req.locks = vec![("p000".into(), "p001".into())];
    assert_eq!(
        proposal::run(&req).unwrap_err(),
        ProposalError::LockBreaksRule {
            a: "p000".into(),
            b: "p001".into(),
            rule: Rule::SameCountry
        }
    );
    req.locks = vec![("p000".into(), "nobody".into())];
    assert!(matches!(
        proposal::run(&req).unwrap_err(),
        ProposalError::UnknownApplicant { list: "lock", .. }
    ));
    req.locks = vec![("p000".into(), "p000".into())];
    assert!(matches!(
        proposal::run(&req).unwrap_err(),
        ProposalError::LockedWithSelf(_)
    ));
    req.locks = vec![
        ("p000".into(), "p002".into()),
        ("p003".into(), "p002".into()),
    ];
    assert!(matches!(
        proposal::run(&req).unwrap_err(),
        ProposalError::LockedTwice(_)
    ));
    req.locks = vec![("p000".into(), "p002".into())];
    req.forbidden = vec![("p002".into(), "p000".into())];
    assert!(matches!(
        proposal::run(&req).unwrap_err(),
        ProposalError::LockBreaksRule {
            rule: Rule::Forbidden,
            ..
        }
    ));
    req.forbidden = vec![("ghost".into(), "p000".into())];
    assert!(matches!(
        proposal::run(&req).unwrap_err(),
        ProposalError::UnknownApplicant { .. }
    ));
    req.forbidden.clear();
    let p = proposal::run(&req).unwrap();
    assert!(
        p.partnerships
            .iter()
            .any(|p| p.locked && p.key() == ["p000", "p002"])
    );
}

#[test]
fn duplicate_ids_are_refused() {
    let mut people = applicants(4, 1);
    people[2].id = people[0].id.clone();
    assert_eq!(
        proposal::run(&request(people)).unwrap_err(),
        ProposalError::DuplicateId("p000".into())
    );
}

#[test]
fn the_distribution_counts_every_pair_score() {
    let p = proposal::run(&request(applicants(40, 8))).unwrap();
    let scores: Vec<i64> = p
        .partnerships
        .iter()
        .flat_map(|p| p.pairs.iter().map(|s| s.score))
        .collect();
    assert_eq!(p.histogram.len(), proposal::HISTOGRAM_BUCKETS);
    assert_eq!(
        p.histogram.iter().map(|b| b.count).sum::<usize>(),
        scores.len()
    );
    for s in &scores {
        let bucket = p
            .histogram
            .iter()
            .find(|b| b.from <= *s && *s <= b.to)
            .unwrap();
        assert!(bucket.count > 0);
    }
    assert_eq!(p.lowest, scores.iter().copied().min());
    assert_eq!(p.total, p.partnerships.iter().map(|p| p.score).sum::<i64>());
    assert_eq!(p.histogram[0].from, 0);
    assert!(p.histogram[9].to >= Weights::default().max_score());
}

#[test]
fn tiny_rounds_work() {
    let p = proposal::run(&request(Vec::new())).unwrap();
    assert_eq!(
        (p.partnerships.len(), p.unmatched.len(), p.total),
        (0, 0, 0)
    );
    assert_eq!(p.lowest, None);
    let p = proposal::run(&request(applicants(1, 1))).unwrap();
    assert_eq!(p.unmatched.len(), 1);
    assert_eq!(p.unmatched[0].explanation, "nobody else is in this round");
}

#[test]
fn swapping_needs_two_people_in_different_pairs() {
    let p = proposal::run(&request(applicants(20, 2))).unwrap();
    let one = p.partnerships[0].key();
    assert!(matches!(
        p.swap(&one[0], &one[1]),
        Err(ProposalError::SamePartnership(..))
    ));
    assert!(matches!(
        p.swap(&one[0], "nobody"),
        Err(ProposalError::NotPaired(_))
    ));
}

#[test]
fn applicant_rows_parse_with_one_error_per_column() {
    let a = proposal::parse_applicant([
        " a1 ",
        "Ana Silva",
        "ana@example.org",
        "Brazil",
        "America/Sao_Paulo",
        "Academic library",
        "early",
        "Social Media; disaster response",
        "pt;en",
        "",
        "b2; c3",
    ])
    .unwrap();
    assert_eq!(a.id, "a1");
    assert_eq!(a.profile.country.as_str(), "BR");
    assert_eq!(a.profile.preference, MatchPreference::Any);
    assert_eq!(a.profile.interests.len(), 2);
    assert!(a.profile.communication.is_empty());
    assert_eq!(
        a.previous_partners,
        BTreeSet::from(["b2".to_owned(), "c3".to_owned()])
    );

    let errors = proposal::parse_applicant([
        "",
        "A;B",
        "nope",
        "Atlantis",
        "Mars/Base",
        "bakery",
        "ancient",
        "",
        "",
        "sometimes",
        "",
    ])
    .unwrap_err();
    let columns: Vec<&str> = errors.iter().map(|e| e.column).collect();
    assert_eq!(
        columns,
        [
            "id",
            "name",
            "email",
            "country",
            "time_zone",
            "sector",
            "career_stage",
            "languages",
            "match_preference"
        ]
    );
    assert_eq!(errors[0].to_string(), "id: must not be empty");
}

#[test]
fn the_header_is_read_by_column_name() {
    let mut header: Vec<&str> = proposal::APPLICANT_COLUMNS.to_vec();
    header.reverse();
    header.push("notes");
    let positions = proposal::column_positions(&header).unwrap();
    assert_eq!(positions[0], 10);
    assert_eq!(positions[10], 0);
    let missing = proposal::column_positions(&["id", "name"]).unwrap_err();
    assert_eq!(missing, proposal::HeaderError::Missing("email"));
    let mut twice: Vec<&str> = proposal::APPLICANT_COLUMNS.to_vec();
    twice.push("ID");
    assert!(matches!(
        proposal::column_positions(&twice),
        Err(proposal::HeaderError::Repeated(_))
    ));
}

#[test]
fn history_comes_from_previous_partners_in_the_same_file() {
    let mut people = applicants(3, 1);
    people[0].previous_partners.insert("p001".into());
    people[0]
        .previous_partners
        .insert("someone-from-2015".into());
    proposal::fill_history(&mut people);
    assert_eq!(
        people[0].profile.history.countries,
        BTreeSet::from([people[1].profile.country])
    );
    assert_eq!(
        people[0].profile.history.sectors,
        BTreeSet::from([people[1].profile.sector])
    );
    assert!(people[1].profile.history.is_empty());
}

#[test]
fn output_rows_and_summary_follow_the_documented_format() {
    let mut people = applicants(3, 1);
    for (a, country) in people.iter_mut().zip(["GB", "NG", "KE"]) {
        a.profile.country = CountryCode::parse(country).unwrap();
        a.profile.languages = BTreeSet::from([LanguageCode::english()]);
    }
    let p = proposal::run(&request(people)).unwrap();
    let rows = p.rows();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0][0], "1");
    assert_eq!(rows[0][1], "p000;p001;p002");
    assert_eq!(rows[0][2], "Person 0;Person 1;Person 2");
    assert_eq!(rows[0][3], "GB;NG;KE");
    assert_eq!(rows[0][4], p.total.to_string());
    assert_eq!(rows[0][5], p.partnerships[0].explanation);
    let summary = p.summary();
    assert!(summary.starts_with("people: 3\npartnerships: 1 (0 pairs, 1 trio)\nunmatched: 0\n"));
    assert!(summary.contains(&format!("total score: {}\n", p.total)));
    assert!(summary.ends_with("certified: yes, optimal over all allowed pairs\n"));
}

#[test]
fn start_dates_parse_as_midnight_utc() {
    assert_eq!(
        proposal::parse_start_date(" 2027-03-01 "),
        Some("2027-03-01T00:00:00Z".parse().unwrap())
    );
    assert!(proposal::parse_start_date(proposal::DEFAULT_START_DATE).is_some());
    assert_eq!(proposal::parse_start_date("March"), None);
    assert_eq!(proposal::parse_start_date("2027-02-30"), None);
}

/// Six people in six countries, all speaking English.
fn six() -> Vec<Applicant> {
    let mut people = applicants(6, 11);
    for (a, country) in people.iter_mut().zip(["GB", "NG", "KE", "IN", "JP", "BR"]) {
        a.profile.country = CountryCode::parse(country).unwrap();
        a.profile.languages = BTreeSet::from([LanguageCode::english()]);
    }
    people
}

#[test]
fn a_rematch_pairs_the_people_left_alone_around_running_partnerships() {
    // p000-p001 and p002-p003 are running; p004's partner left, and so did p005's.
    let mut req = request(six());
    req.locks = vec![
        ("p000".into(), "p001".into()),
        ("p002".into(), "p003".into()),
    ];
    req.applicants[4].previous_partners.insert("p999".into());
    let p = proposal::run(&req).unwrap();
    let keys = pair_ids(&p);
    assert!(keys.contains(&vec!["p004".to_owned(), "p005".to_owned()]));
    assert!(p.partnerships.iter().filter(|p| p.locked).count() == 2);

    // Alone by themselves, p005 joins a running partnership as its third member.
    req.applicants.remove(4);
    let p = proposal::run(&req).unwrap();
    assert_eq!(p.trios(), 1);
    let trio = p.partnerships.iter().find(|p| p.is_trio()).unwrap();
    assert!(trio.locked);
    assert!(trio.key().contains(&"p005".to_owned()));
    assert!(p.unmatched.is_empty());

    // Waiting for the next round instead: told that everyone possible is locked.
    req.leftover = LeftoverPolicy::NextRound;
    let p = proposal::run(&req).unwrap();
    assert_eq!(p.unmatched.len(), 1);
    assert_eq!(p.unmatched[0].reason, UnmatchedKind::PartnersLocked);
}

proptest::proptest! {
    #[test]
    fn any_applicant_row_parses_or_names_its_wrong_columns(
        values in proptest::collection::vec(".{0,24}", 11),
    ) {
        let row: [&str; 11] = std::array::from_fn(|i| values[i].as_str());
        if let Err(errors) = proposal::parse_applicant(row) {
            proptest::prop_assert!(!errors.is_empty());
            proptest::prop_assert!(errors.iter().all(|e| proposal::APPLICANT_COLUMNS.contains(&e.column)));
        }
    }
}

/// The most people of `first` any matching of allowed pairs covers, and the largest total
/// among the matchings that cover that many, from the engine's plain solver on the complete
/// graph with a head start for each of them large enough to outweigh every score.
fn exact_with_priority(req: &MatchRequest, first: &BTreeSet<usize>) -> (usize, i64) {
    let profiles: Vec<MatchProfile> = req.applicants.iter().map(|a| a.profile.clone()).collect();
    let scorer = iln_domain::scoring::Scorer::new(
        &profiles,
        req.weights,
        &req.program_languages,
        req.round_start,
        &[],
    )
    .unwrap();
    let n = profiles.len();
    let bonus = req.weights.max_score() * i64::try_from(n).unwrap() + 1;
    let extra = |u: usize| if first.contains(&u) { bonus } else { 0 };
    let mut graph = Graph::new(n);
    for u in 0..n {
        for v in u + 1..n {
            if let Some(w) = scorer.score(u, v) {
                graph.add_edge(u, v, w + extra(u) + extra(v)).unwrap();
            }
        }
    }
    let m = iln_matching::solve(&graph, Options::new(Mode::MaxWeight)).unwrap();
    let covered = m
        .pairs()
        .into_iter()
        .flat_map(|(u, v)| [u, v])
        .filter(|u| first.contains(u))
        .count();
    (
        covered,
        m.weight() - bonus * i64::try_from(covered).unwrap(),
    )
}

#[test]
fn people_who_go_first_are_paired_before_anyone_else() {
    let mut gained = 0;
    for seed in [3, 8, 13, 21] {
        let mut req = request(applicants(23, seed));
        req.leftover = LeftoverPolicy::NextRound;
        let plain = proposal::run(&req).unwrap();
        // Put first everyone the plain run left single, and every seventh person.
        let mut first: BTreeSet<usize> = plain
            .unmatched
            .iter()
            .map(|u| position(&req, &u.id))
            .collect();
        first.extend((0..23).step_by(7));
        req.priority = first
            .iter()
            .map(|&i| req.applicants[i].id.clone())
            .collect();
        let p = proposal::run(&req).unwrap();
        assert_rules_hold(&req, &p);
        assert!(p.certified, "seed {seed}");
        let paired: BTreeSet<String> = p.partnerships.iter().flat_map(|p| p.key()).collect();
        let covered = req
            .priority
            .iter()
            .filter(|id| paired.contains(*id))
            .count();
        let (most, total) = exact_with_priority(&req, &first);
        assert_eq!((covered, p.total), (most, total), "seed {seed}");
        // Going first costs the total at most; it never adds points of its own.
        assert!(p.total <= plain.total);
        let covered_before = req
            .priority
            .iter()
            .filter(|id| plain.partnerships.iter().any(|q| q.key().contains(id)))
            .count();
        assert!(covered >= covered_before);
        gained += covered - covered_before;
    }
    // Someone the plain run left single was paired once they went first.
    assert!(gained > 0);
}

#[test]
fn someone_who_goes_first_takes_the_one_place_in_a_running_pair() {
    // p000-p001 is running; p004 and p005 live in one country, so they cannot pair, and only
    // one of them can join the running pair.
    let mut people = six();
    people[5].profile.country = people[4].profile.country;
    people.drain(2..4);
    let mut req = request(people);
    req.locks = vec![("p000".into(), "p001".into())];
    for who in ["p004", "p005"] {
        req.priority = BTreeSet::from([who.to_owned()]);
        let p = proposal::run(&req).unwrap();
        let trio = p.partnerships.iter().find(|p| p.is_trio()).unwrap();
        assert!(trio.key().contains(&who.to_owned()), "{who}: {p:?}");
        assert_eq!(p.unmatched.len(), 1);
        assert_ne!(p.unmatched[0].id, who);
    }
    req.priority = BTreeSet::from(["nobody".to_owned()]);
    assert!(matches!(
        proposal::run(&req),
        Err(ProposalError::UnknownApplicant {
            list: "priority",
            ..
        })
    ));
}

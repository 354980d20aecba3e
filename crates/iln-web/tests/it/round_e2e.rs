//! A whole round through the HTTP forms: an admin creates it, 60 librarians from 15 countries
//! apply (one of them twice, one country over the cap), coordinators merge the duplicate and
//! approve, the admin runs matching, locks and forbids, runs again and publishes. Then the
//! result is checked against the program's rules and against the exact optimum of the scores
//! computed independently with the engine on the full graph.
#![expect(
    clippy::unwrap_used,
    reason = "shared test set-up: a panic here is a failed test"
)]

use std::collections::{BTreeMap, BTreeSet};

use axum::http::StatusCode;
use iln_domain::account::Role;
use iln_domain::application::{LanguageCode, parse_languages};
use iln_domain::country::CountryCode;
use iln_domain::profile::{CareerStage, Sector};
use iln_domain::proposal::Proposal;
use iln_domain::round::{RoundForm, RoundSettings, RoundState};
use iln_domain::scoring::{BannedPair, Rule, Scorer, Weights};
use iln_matching::{Graph, Mode, Options, solve};
use iln_store::{
    ApplicationFilter, ApplicationRecord, ApplicationStatus, MatchRunKind, NewPartnership,
    NewPartnershipMember, PartnerProfile, RoundId, UserId,
};

use crate::helpers::{Browser, TestApp};

/// Fifteen countries across the world's time zones. The first is over the cap.
const COUNTRIES: [&str; 15] = [
    "GB", "KE", "BR", "IN", "FR", "AU", "CA", "NG", "JP", "MX", "DE", "ZA", "PH", "AR", "US",
];

const INTERESTS: [&str; 6] = [
    "Social media",
    "Technology",
    "Disaster response",
    "Open access",
    "Information literacy",
    "Cataloguing and metadata",
];

/// The country of applicant `n`: eight in Great Britain (over a 10% cap), the
/// other 52 spread over the fourteen others (three or four each).
fn country_of(n: usize) -> &'static str {
    if n < 8 {
        COUNTRIES[0]
    } else {
        COUNTRIES[1 + (n - 8) % 14]
    }
}

/// The form fields of applicant `n`. Applicant 59 applies as applicant 8 again (same name,
/// institution and country) from another account: a likely duplicate.
fn application_fields(n: usize) -> Vec<(&'static str, String)> {
    let who = if n == 59 { 8 } else { n };
    let mut fields = vec![
        ("name", format!("Librarian {who}")),
        ("country", country_of(who).to_owned()),
        ("city", "Capital".to_owned()),
        ("time_zone", String::new()),
        ("institution", format!("Library {who}")),
        (
            "sector",
            Sector::ALL[who % Sector::ALL.len()].as_str().to_owned(),
        ),
        ("role", "Reference librarian".to_owned()),
        (
            "career_stage",
            CareerStage::ALL[who % CareerStage::ALL.len()]
                .as_str()
                .to_owned(),
        ),
        ("other_interests", String::new()),
        (
            "match_preference",
            ["career_stage", "interest_sector", "any"][who % 3].to_owned(),
        ),
        ("goals", "Learn how another library works".to_owned()),
        ("offer", "Outreach and events experience".to_owned()),
        ("consent", "on".to_owned()),
    ];
    for k in 0..3 {
        fields.push((
            "interests",
            INTERESTS[(who + k * (who % 4 + 1)) % INTERESTS.len()].to_owned(),
        ));
    }
    // One in five speaks only Spanish, one in five both: the language rule matters.
    match who % 5 {
        0 => fields.push(("languages", "es".to_owned())),
        1 => {
            fields.push(("languages", "en".to_owned()));
            fields.push(("languages", "es".to_owned()));
        }
        _ => fields.push(("languages", "en".to_owned())),
    }
    fields.push((
        "communication",
        ["email", "video", "chat"][who % 3].to_owned(),
    ));
    if who % 2 == 0 {
        fields.push(("communication", "email".to_owned()));
    }
    fields
}

async fn post(
    browser: &mut Browser<'_>,
    path: &str,
    fields: &[(&str, String)],
) -> crate::helpers::Page {
    let borrowed: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    browser.post(path, &borrowed).await
}

fn run_form(mode: &str) -> Vec<(&'static str, String)> {
    let weights = Weights::default();
    let mut fields: Vec<(&'static str, String)> = iln_domain::scoring::Criterion::ALL
        .into_iter()
        .map(|c| (c.as_str(), weights.get(c).to_string()))
        .collect();
    fields.push(("languages", "en; es".to_owned()));
    fields.push(("mode", mode.to_owned()));
    fields.push(("leftover", "next_round".to_owned()));
    fields
}

async fn latest(app: &TestApp, round: RoundId) -> Proposal {
    app.store
        .latest_match_runs(round, MatchRunKind::Round, 1)
        .await
        .unwrap()
        .remove(0)
        .proposal
}

fn pair_set(proposal: &Proposal) -> BTreeSet<Vec<String>> {
    proposal.partnerships.iter().map(|p| p.key()).collect()
}

/// A closed earlier round in which some of this round's applicants were partners.
async fn past_round(app: &TestApp, users: &[(UserId, &'static str)]) -> Vec<(UserId, UserId)> {
    let settings = RoundSettings::parse(&RoundForm {
        name: "2026 Round 1".to_owned(),
        time_zone: "UTC".to_owned(),
        opens: "2026-01-05".to_owned(),
        closes: "2026-01-31".to_owned(),
        matching: "2026-02-07".to_owned(),
        starts: "2026-02-15".to_owned(),
        ..RoundForm::default()
    })
    .unwrap();
    let now = app.clock_now();
    let round = app.store.create_round(&settings, now).await.unwrap();
    app.store
        .set_round_state(round, RoundState::Closed, now)
        .await
        .unwrap();
    let member = |(user, country): (UserId, &str)| NewPartnershipMember {
        user,
        application: None,
        country: CountryCode::parse(country).unwrap(),
        sector: Sector::Academic,
        profile: PartnerProfile::default(),
    };
    // Pairs across countries who share English (applicants with n % 5 not 0).
    let pairs: Vec<(usize, usize)> = vec![(11, 12), (13, 16), (17, 18), (21, 22), (23, 27)];
    let mut done = Vec::new();
    for (a, b) in pairs {
        app.store
            .create_partnerships(
                &[NewPartnership {
                    round,
                    run: None,
                    score: 10,
                    explanation: "an earlier round".to_owned(),
                    members: vec![member(users[a]), member(users[b])],
                }],
                false,
                now,
            )
            .await
            .unwrap();
        done.push((users[a].0, users[b].0));
    }
    done
}

#[tokio::test]
async fn a_round_from_call_to_published_partnerships() {
    let app = TestApp::new().await;
    app.user("admin@example.org", Role::Admin, &[]).await;
    let mut admin = app.browser();
    admin.sign_in("admin@example.org").await;

    // The admin creates the round; its opening date has passed, so its date job opens it.
    let round_fields: Vec<(&str, String)> = vec![
        ("name", "2027 Round 1".to_owned()),
        ("time_zone", "UTC".to_owned()),
        ("opens", "2027-01-10".to_owned()),
        ("closes", "2027-01-31".to_owned()),
        ("matching", "2027-02-07".to_owned()),
        ("starts", "2027-02-15".to_owned()),
        ("ends", String::new()),
        ("languages", "en; es".to_owned()),
        ("country_cap", "10".to_owned()),
        ("leftover", "next_round".to_owned()),
    ];
    let page = post(&mut admin, "/rounds/new", &round_fields).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    let round: RoundId = page
        .location()
        .trim_start_matches("/rounds/")
        .parse()
        .unwrap();
    let page = admin.get(&format!("/rounds/{round}")).await;
    assert_eq!(page.status, StatusCode::OK);
    app.deliver().await;
    assert_eq!(
        app.store.round(round).await.unwrap().unwrap().round.state,
        RoundState::Open
    );

    // Sixty applications through the form.
    let mut users = Vec::new();
    for n in 0..60 {
        let email = format!("librarian{n}@example.org");
        let user = app.user(&email, Role::Participant, &[]).await;
        users.push((user, country_of(if n == 59 { 8 } else { n })));
        // Everyone signs in from the test's one address: a minute apart keeps the sign-in
        // rate limit (30 per quarter hour per address) out of the way.
        app.clock.advance(jiff::SignedDuration::from_mins(1));
        let mut browser = app.browser();
        browser.sign_in(&email).await;
        let page = post(
            &mut browser,
            &format!("/rounds/{round}/apply"),
            &application_fields(n),
        )
        .await;
        assert!(
            page.status == StatusCode::SEE_OTHER || page.status == StatusCode::OK,
            "{}",
            page.body
        );
        assert!(
            app.store
                .application_of(round, user)
                .await
                .unwrap()
                .is_some(),
            "application {n} was not stored: {}",
            page.body
        );
    }
    let previous = past_round(&app, &users).await;

    // The duplicate is flagged; the coordinator keeps the first and withdraws the second.
    let all = app
        .store
        .applications(round, &ApplicationFilter::all())
        .await
        .unwrap();
    assert_eq!(all.len(), 60);
    let by_user = |user: UserId| all.iter().find(|a| a.user == user).unwrap();
    let (original, copy) = (by_user(users[8].0), by_user(users[59].0));
    assert!(original.is_flagged_duplicate() && copy.is_flagged_duplicate());
    let page = post(
        &mut admin,
        &format!("/applications/{}/merge", original.id),
        &[("withdraw", copy.id.to_string())],
    )
    .await;
    assert!(
        page.status.is_success() || page.status.is_redirection(),
        "{}",
        page.body
    );

    // Applications close: the country over the cap (10% of the 59 live applications) has its
    // last applicants deferred.
    let page = post(
        &mut admin,
        &format!("/rounds/{round}/action"),
        &[("action", "close_applications".to_owned())],
    )
    .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    let deferred = app
        .store
        .applications(
            round,
            &ApplicationFilter::with_status(ApplicationStatus::Deferred),
        )
        .await
        .unwrap();
    let limit = iln_domain::round::CountryCap::parse("10")
        .unwrap()
        .limit(59);
    assert_eq!(deferred.len(), 8 - limit, "{deferred:?}");
    assert!(
        deferred
            .iter()
            .all(|a| a.application.country.as_str() == "GB")
    );

    // Approve everyone still submitted, in bulk.
    let submitted = app
        .store
        .applications(
            round,
            &ApplicationFilter::with_status(ApplicationStatus::Submitted),
        )
        .await
        .unwrap();
    assert_eq!(submitted.len(), 59 - deferred.len());
    let mut fields: Vec<(&str, String)> = submitted
        .iter()
        .map(|a| ("ids", a.id.to_string()))
        .collect();
    fields.push(("decision", "approved".to_owned()));
    fields.push(("message", String::new()));
    let page = post(&mut admin, &format!("/rounds/{round}/review"), &fields).await;
    assert!(
        page.status.is_success() || page.status.is_redirection(),
        "{}",
        page.body
    );
    let page = post(
        &mut admin,
        &format!("/rounds/{round}/action"),
        &[("action", "start_matching".to_owned())],
    )
    .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);

    // First run.
    let page = post(
        &mut admin,
        &format!("/rounds/{round}/matching/run"),
        &run_form("best_total"),
    )
    .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    let first = latest(&app, round).await;
    assert_eq!(first.people, submitted.len());

    // Lock two people the engine did not pair, and forbid a pair it proposed.
    let approved: BTreeMap<String, ApplicationRecord> = app
        .store
        .applications(
            round,
            &ApplicationFilter::with_status(ApplicationStatus::Approved),
        )
        .await
        .unwrap()
        .into_iter()
        .map(|a| (a.id.to_string(), a))
        .collect();
    let program: BTreeSet<LanguageCode> = parse_languages("en; es").unwrap();
    let shares = |a: &ApplicationRecord, b: &ApplicationRecord| {
        a.application
            .languages
            .intersection(&b.application.languages)
            .any(|l| program.contains(l))
    };
    let was_partner = |a: &ApplicationRecord, b: &ApplicationRecord| {
        previous.contains(&(a.user, b.user)) || previous.contains(&(b.user, a.user))
    };
    let forbid = first.partnerships[0].key();
    let ids: Vec<&String> = approved.keys().collect();
    let mut lock = None;
    'search: for a in &ids {
        for b in &ids {
            let (x, y) = (&approved[*a], &approved[*b]);
            let key = {
                let mut k = vec![(*a).clone(), (*b).clone()];
                k.sort();
                k
            };
            if a < b
                && x.application.country != y.application.country
                && shares(x, y)
                && !was_partner(x, y)
                && !pair_set(&first).contains(&key)
                && !forbid.contains(a)
                && !forbid.contains(b)
            {
                lock = Some(key);
                break 'search;
            }
        }
    }
    let lock = lock.unwrap();
    let page = post(
        &mut admin,
        &format!("/rounds/{round}/matching/lock"),
        &[("a", lock[0].clone()), ("b", lock[1].clone())],
    )
    .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    let page = post(
        &mut admin,
        &format!("/rounds/{round}/matching/forbid"),
        &[("a", forbid[0].clone()), ("b", forbid[1].clone())],
    )
    .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);

    // Re-run: the page says what changed.
    let page = post(
        &mut admin,
        &format!("/rounds/{round}/matching/run"),
        &run_form("best_total"),
    )
    .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    let page = admin.get(page.location()).await;
    assert!(
        page.body.contains("What changed since the previous run"),
        "{}",
        page.body
    );
    assert!(page.body.contains("Certified optimal"));
    let second = latest(&app, round).await;
    let pairs = pair_set(&second);
    assert!(pairs.contains(&lock), "the lock was not held");
    assert!(!pairs.contains(&forbid), "the forbidden pair was proposed");

    // The rules hold for every partnership.
    for partnership in &second.partnerships {
        assert!(!partnership.is_trio(), "leftovers wait for the next round");
        let [a, b] = &partnership.members[..] else {
            panic!()
        };
        let (x, y) = (&approved[&a.id], &approved[&b.id]);
        assert_ne!(x.application.country, y.application.country, "same country");
        assert!(shares(x, y), "no shared program language");
        assert!(!was_partner(x, y), "paired with a previous partner");
    }

    // The total is the exact optimum of the scores: the engine on the full graph of everyone
    // not locked, with every allowed pair as an edge, plus the locked pair's score.
    let records: Vec<&ApplicationRecord> = approved.values().collect();
    let index: BTreeMap<&str, usize> = approved
        .keys()
        .enumerate()
        .map(|(i, id)| (id.as_str(), i))
        .collect();
    let mut profiles = Vec::new();
    for record in &records {
        let history = app.store.partner_history(record.user).await.unwrap();
        profiles.push(record.application.match_profile(history));
    }
    let mut banned = vec![BannedPair {
        a: index[forbid[0].as_str()],
        b: index[forbid[1].as_str()],
        rule: Rule::Forbidden,
    }];
    for (i, x) in records.iter().enumerate() {
        for (j, y) in records.iter().enumerate() {
            if i < j && was_partner(x, y) {
                banned.push(BannedPair {
                    a: i,
                    b: j,
                    rule: Rule::PreviousPartners,
                });
            }
        }
    }
    let settings = app
        .store
        .round(round)
        .await
        .unwrap()
        .unwrap()
        .round
        .settings;
    let scorer = Scorer::new(
        &profiles,
        Weights::default(),
        &program,
        settings.starts_at(),
        &banned,
    )
    .unwrap();
    let (la, lb) = (index[lock[0].as_str()], index[lock[1].as_str()]);
    let free: Vec<usize> = (0..records.len()).filter(|&i| i != la && i != lb).collect();
    let mut graph = Graph::new(free.len());
    for (u, &i) in free.iter().enumerate() {
        for (v, &j) in free.iter().enumerate().skip(u + 1) {
            if let Some(score) = scorer.score(i, j) {
                graph.add_edge(u, v, score).unwrap();
            }
        }
    }
    let optimum = solve(&graph, Options::new(Mode::MaxWeight))
        .unwrap()
        .weight()
        + scorer.score(la, lb).unwrap();
    assert_eq!(second.total, optimum);

    // The same request again gives the same pairs.
    let page = post(
        &mut admin,
        &format!("/rounds/{round}/matching/run"),
        &run_form("best_total"),
    )
    .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    let page = admin.get(page.location()).await;
    assert!(
        page.body
            .contains("The same partnerships as the previous run"),
        "{}",
        page.body
    );
    let third = latest(&app, round).await;
    assert_eq!(pair_set(&third), pairs);
    assert_eq!(third.total, second.total);

    // Publish: partnerships, an active round, and an introduction for every member.
    let page = post(
        &mut admin,
        &format!("/rounds/{round}/matching/publish"),
        &[],
    )
    .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    assert_eq!(
        app.store.round(round).await.unwrap().unwrap().round.state,
        RoundState::Active
    );
    let published = app.store.round_partnerships(round).await.unwrap();
    assert_eq!(published.len(), third.partnerships.len());
    let introductions: Vec<String> = app
        .store
        .list_outbox(500, 0)
        .await
        .unwrap()
        .into_iter()
        .filter(|e| e.subject == "Meet your ILN partner for 2027 Round 1")
        .map(|e| e.to.as_str().to_owned())
        .collect();
    let members: BTreeSet<String> = published
        .iter()
        .flat_map(|p| p.members.iter().map(|m| m.profile.email.clone()))
        .collect();
    assert_eq!(introductions.len(), members.len());
    assert_eq!(introductions.into_iter().collect::<BTreeSet<_>>(), members);

    // A member finds their partner on "My partnership".
    let someone = &published[0].members[0];
    let partner = &published[0].members[1];
    let mut browser = app.browser();
    browser.sign_in(&someone.profile.email).await;
    let page = browser.get("/partnership").await;
    assert!(page.body.contains(&partner.profile.email), "{}", page.body);
}

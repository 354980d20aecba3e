//! The "Run matching" page: only admins, only a round in matching; runs are stored and shown
//! with their explanations and changes; locks, the never-pair list and swaps hold in later
//! runs; publishing creates the partnerships once, activates the round and queues the
//! introductions.
#![expect(
    clippy::unwrap_used,
    reason = "shared test set-up: a panic here is a failed test"
)]

use std::collections::BTreeSet;

use axum::http::StatusCode;
use iln_domain::account::{DisplayName, Email, Role};
use iln_domain::application::{Application, CommunicationWay, LanguageCode, MatchPreference};
use iln_domain::country::CountryCode;
use iln_domain::profile::{CareerStage, Sector};
use iln_domain::round::{RoundForm, RoundSettings, RoundState};
use iln_domain::timezone::TimeZoneName;
use iln_store::{ApplicationId, ApplicationStatus, MatchRunKind, RoundId, UserId};

use crate::helpers::TestApp;

/// Countries with sensible time zones, for applicants spread over the world.
const COUNTRIES: [&str; 6] = ["KE", "BR", "IN", "FR", "AU", "CA"];

pub fn settings(name: &str) -> RoundSettings {
    RoundSettings::parse(&RoundForm {
        name: name.to_owned(),
        time_zone: "UTC".to_owned(),
        opens: "2027-01-04".to_owned(),
        closes: "2027-01-31".to_owned(),
        matching: "2027-02-07".to_owned(),
        starts: "2027-02-15".to_owned(),
        languages: "en".to_owned(),
        ..RoundForm::default()
    })
    .unwrap()
}

pub fn answers(n: usize, country: &str) -> Application {
    let country = CountryCode::parse(country).unwrap();
    Application {
        name: DisplayName::parse(&format!("Applicant {n}")).unwrap(),
        email: Email::parse(&format!("applicant{n}@example.org")).unwrap(),
        country,
        city: "City".to_owned(),
        time_zone: TimeZoneName::parse(country.default_time_zone()).unwrap(),
        institution: format!("Library {n}"),
        sector: [Sector::Academic, Sector::Public, Sector::School][n % 3],
        role: "Librarian".to_owned(),
        career_stage: [CareerStage::Early, CareerStage::Mid][n % 2],
        interests: BTreeSet::new(),
        other_interests: String::new(),
        languages: BTreeSet::from([LanguageCode::english()]),
        communication: BTreeSet::from([CommunicationWay::parse("email").unwrap()]),
        preference: MatchPreference::parse("any").unwrap(),
        goals: "Learn from a colleague abroad".to_owned(),
        offer: "Experience with outreach".to_owned(),
    }
}

/// A round in matching with `n` approved applicants (accounts `applicant{i}@example.org`).
pub async fn matching_round(app: &TestApp, n: usize) -> (RoundId, Vec<(UserId, ApplicationId)>) {
    let now = app.clock_now();
    let round = app
        .store
        .create_round(&settings("2027 Round 1"), now)
        .await
        .unwrap();
    let mut people = Vec::new();
    for i in 0..n {
        let user = app
            .user(&format!("applicant{i}@example.org"), Role::Participant, &[])
            .await;
        let application = app
            .store
            .submit_application(
                round,
                user,
                &answers(i, COUNTRIES[i % COUNTRIES.len()]),
                now,
            )
            .await
            .unwrap();
        app.store
            .set_application_status(application, ApplicationStatus::Approved, None, now)
            .await
            .unwrap();
        people.push((user, application));
    }
    app.store
        .set_round_state(round, RoundState::Matching, now)
        .await
        .unwrap();
    (round, people)
}

/// The default options form.
pub fn run_fields() -> Vec<(&'static str, &'static str)> {
    vec![
        ("shared_interests", "10"),
        ("preference", "10"),
        ("sector", "10"),
        ("waking_hours", "10"),
        ("communication", "5"),
        ("wider_network", "10"),
        ("languages", "en"),
        ("mode", "max_participation"),
        ("leftover", "trio"),
    ]
}

#[tokio::test]
async fn only_admins_reach_the_page_and_unknown_rounds_are_404() {
    let app = TestApp::new().await;
    let (round, _) = matching_round(&app, 4).await;
    app.user("coord@example.org", Role::CountryCoordinator, &["KE"])
        .await;
    let mut coordinator = app.browser();
    coordinator.sign_in("coord@example.org").await;
    let page = coordinator.get(&format!("/rounds/{round}/matching")).await;
    assert_eq!(page.status, StatusCode::FORBIDDEN);
    let page = coordinator
        .post(&format!("/rounds/{round}/matching/run"), &run_fields())
        .await;
    assert_eq!(page.status, StatusCode::FORBIDDEN);

    app.user("admin@example.org", Role::Admin, &[]).await;
    let mut admin = app.browser();
    admin.sign_in("admin@example.org").await;
    assert_eq!(
        admin.get("/rounds/999/matching").await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        admin.get("/rounds/x/matching").await.status,
        StatusCode::NOT_FOUND
    );
    let page = admin.get(&format!("/rounds/{round}/matching")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("4 approved applicants"), "{}", page.body);
    assert!(page.body.contains("Run matching"));
}

#[tokio::test]
async fn a_run_is_stored_and_shown_with_explanations_and_changes() {
    let app = TestApp::new().await;
    let (round, people) = matching_round(&app, 12).await;
    app.user("admin@example.org", Role::Admin, &[]).await;
    let mut admin = app.browser();
    admin.sign_in("admin@example.org").await;

    let page = admin
        .post(&format!("/rounds/{round}/matching/run"), &run_fields())
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    let page = admin.get(page.location()).await;
    assert!(
        page.body.contains("Latest proposal (run 1)"),
        "{}",
        page.body
    );
    assert!(page.body.contains(" by admin. Mode"), "who ran it");
    assert!(page.body.contains("Certified optimal"));
    assert!(page.body.contains("<svg"));
    assert!(page.body.contains("Pair scores as a table"));
    assert!(page.body.contains("hours apart") || page.body.contains("same time zone"));
    let runs = app
        .store
        .latest_match_runs(round, MatchRunKind::Round, 5)
        .await
        .unwrap();
    assert_eq!(runs.len(), 1);
    let proposal = &runs[0].proposal;
    assert_eq!(proposal.people, 12);
    assert_eq!(proposal.pairs(), 6);
    for partnership in &proposal.partnerships {
        assert_ne!(
            partnership.members[0].country,
            partnership.members[1].country
        );
    }

    // Lock a pair the engine did not choose and forbid one it did; both hold in the re-run.
    let chosen = &proposal.partnerships[0];
    let (x, y) = (&chosen.members[0].id, &chosen.members[1].id);
    let partner_of = |id: &str| {
        proposal
            .partnerships
            .iter()
            .find(|p| p.members.iter().any(|m| m.id == id))
            .unwrap()
            .key()
    };
    let outsider = people
        .iter()
        .map(|(_, a)| a.to_string())
        .find(|id| {
            let other = partner_of(id);
            !other.contains(x) && app_country(&people, id) != app_country(&people, x)
        })
        .unwrap();
    let page = admin
        .post(
            &format!("/rounds/{round}/matching/forbid"),
            &[("a", x.as_str()), ("b", y.as_str())],
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    let page = admin
        .post(
            &format!("/rounds/{round}/matching/lock"),
            &[("a", x.as_str()), ("b", outsider.as_str())],
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    let page = admin
        .post(&format!("/rounds/{round}/matching/run"), &run_fields())
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    let page = admin.get(page.location()).await;
    assert!(
        page.body.contains("What changed since the previous run"),
        "{}",
        page.body
    );
    let latest = &app
        .store
        .latest_match_runs(round, MatchRunKind::Round, 1)
        .await
        .unwrap()[0]
        .proposal;
    let mut locked = vec![x.clone(), outsider.clone()];
    locked.sort();
    assert!(
        latest
            .partnerships
            .iter()
            .any(|p| p.key() == locked && p.locked)
    );
    assert!(
        !latest
            .partnerships
            .iter()
            .any(|p| p.members.iter().any(|m| &m.id == x) && p.members.iter().any(|m| &m.id == y))
    );
}

fn app_country(people: &[(UserId, ApplicationId)], id: &str) -> &'static str {
    let index = people
        .iter()
        .position(|(_, a)| a.to_string() == id)
        .unwrap();
    COUNTRIES[index % COUNTRIES.len()]
}

#[tokio::test]
async fn wrong_options_are_shown_next_to_their_fields_and_nothing_runs() {
    let app = TestApp::new().await;
    let (round, _) = matching_round(&app, 4).await;
    app.user("admin@example.org", Role::Admin, &[]).await;
    let mut admin = app.browser();
    admin.sign_in("admin@example.org").await;
    let mut fields = run_fields();
    fields[0] = ("shared_interests", "lots");
    fields[6] = ("languages", "klingon");
    let page = admin
        .post(&format!("/rounds/{round}/matching/run"), &fields)
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("value=\"lots\""), "{}", page.body);
    assert!(page.body.contains("value=\"klingon\""));
    assert!(page.body.contains("class=\"error\""));
    assert_eq!(
        app.store
            .count_match_runs(round, MatchRunKind::Round)
            .await
            .unwrap(),
        0
    );
    // Choosing one person twice, or someone not approved, is refused.
    let page = admin
        .post(
            &format!("/rounds/{round}/matching/lock"),
            &[("a", "1"), ("b", "1")],
        )
        .await;
    assert!(
        page.body.contains("Choose two different people"),
        "{}",
        page.body
    );
    let page = admin
        .post(
            &format!("/rounds/{round}/matching/lock"),
            &[("a", "1"), ("b", "9999")],
        )
        .await;
    assert!(
        page.body
            .contains("Choose two people from the approved applicants")
    );
    // Publishing before any run is refused.
    let page = admin
        .post(&format!("/rounds/{round}/matching/publish"), &[])
        .await;
    assert!(page.body.contains("Run matching first"), "{}", page.body);
}

#[tokio::test]
async fn a_swap_locks_both_new_pairs() {
    let app = TestApp::new().await;
    let (round, _) = matching_round(&app, 8).await;
    app.user("admin@example.org", Role::Admin, &[]).await;
    let mut admin = app.browser();
    admin.sign_in("admin@example.org").await;
    admin
        .post(&format!("/rounds/{round}/matching/run"), &run_fields())
        .await;
    let proposal = app
        .store
        .latest_match_runs(round, MatchRunKind::Round, 1)
        .await
        .unwrap()
        .remove(0)
        .proposal;
    // Find two pairs whose swap keeps every pair across countries.
    let pairs: Vec<_> = proposal
        .partnerships
        .iter()
        .filter(|p| !p.is_trio())
        .collect();
    let mut chosen = None;
    'search: for p in &pairs {
        for q in &pairs {
            let (a, x) = (&p.members[0], &p.members[1]);
            let (b, y) = (&q.members[0], &q.members[1]);
            if p.key() != q.key() && a.country != y.country && b.country != x.country {
                chosen = Some((a.id.clone(), b.id.clone(), y.id.clone(), x.id.clone()));
                break 'search;
            }
        }
    }
    let (a, b, y, x) = chosen.unwrap();
    let page = admin
        .post(
            &format!("/rounds/{round}/matching/swap"),
            &[("a", a.as_str()), ("b", b.as_str())],
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    let locks: Vec<(String, String)> = app
        .store
        .locked_pairs(round)
        .await
        .unwrap()
        .into_iter()
        .map(|(p, q)| (p.to_string(), q.to_string()))
        .collect();
    let ordered = |p: &str, q: &str| {
        let (p, q) = (p.parse::<i64>().unwrap(), q.parse::<i64>().unwrap());
        (p.min(q).to_string(), p.max(q).to_string())
    };
    assert!(locks.contains(&ordered(&a, &y)), "{locks:?}");
    assert!(locks.contains(&ordered(&b, &x)), "{locks:?}");
}

#[tokio::test]
async fn publishing_creates_partnerships_once_and_queues_introductions() {
    let app = TestApp::new().await;
    let (round, people) = matching_round(&app, 7).await;
    app.user("admin@example.org", Role::Admin, &[]).await;
    let mut admin = app.browser();
    admin.sign_in("admin@example.org").await;
    admin
        .post(&format!("/rounds/{round}/matching/run"), &run_fields())
        .await;
    let page = admin
        .post(&format!("/rounds/{round}/matching/publish"), &[])
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    let stored = app.store.round(round).await.unwrap().unwrap();
    assert_eq!(stored.round.state, RoundState::Active);
    let partnerships = app.store.round_partnerships(round).await.unwrap();
    // Seven people: two pairs and a trio.
    assert_eq!(partnerships.len(), 3);
    assert_eq!(
        partnerships.iter().map(|p| p.members.len()).sum::<usize>(),
        people.len()
    );
    let outbox = app.store.list_outbox(100, 0).await.unwrap();
    let introductions: Vec<_> = outbox
        .iter()
        .filter(|e| e.subject.starts_with("Meet your ILN partner"))
        .collect();
    assert_eq!(introductions.len(), people.len());
    let first = &partnerships[0];
    let to_first = introductions
        .iter()
        .find(|e| e.to.as_str() == first.members[0].profile.email)
        .unwrap();
    assert!(to_first.text_body.contains(&first.members[1].profile.email));
    assert!(
        to_first
            .text_body
            .contains("Some questions to break the ice")
    );
    assert!(
        to_first
            .text_body
            .contains("Reply to your partner within a week")
    );
    assert!(
        to_first
            .text_body
            .contains("Partnerships start: 15 Feb 2027")
    );

    // A second publish is refused and changes nothing.
    let page = admin
        .post(&format!("/rounds/{round}/matching/publish"), &[])
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body
            .contains("Only a round in matching can be published"),
        "{}",
        page.body
    );
    assert_eq!(app.store.round_partnerships(round).await.unwrap().len(), 3);
}

#[tokio::test]
async fn malformed_input_never_fails_on_our_side() {
    let app = TestApp::new().await;
    let (round, _) = matching_round(&app, 4).await;
    app.user("admin@example.org", Role::Admin, &[]).await;
    let mut admin = app.browser();
    admin.sign_in("admin@example.org").await;
    let paths = [
        format!("/rounds/{round}/matching/run"),
        format!("/rounds/{round}/matching/lock"),
        format!("/rounds/{round}/matching/unlock"),
        format!("/rounds/{round}/matching/forbid"),
        format!("/rounds/{round}/matching/allow"),
        format!("/rounds/{round}/matching/swap"),
        format!("/rounds/{round}/matching/publish"),
        format!("/rounds/{round}/rematch"),
        format!("/rounds/{round}/rematch/apply"),
        "/rounds/0/matching/run".to_owned(),
        "/rounds/99999999999999999999/matching/lock".to_owned(),
        "/partnerships/abc/end".to_owned(),
        "/partnerships/-3/end".to_owned(),
    ];
    let junk: [&[(&str, &str)]; 3] = [
        &[],
        &[
            ("a", "abc"),
            ("b", "-1"),
            ("mode", "chaos"),
            ("leftover", "?"),
        ],
        &[
            ("shared_interests", "99999999999999999999"),
            ("languages", ";;;"),
            ("a", "1"),
            ("b", "1e9"),
            ("reason", "x"),
        ],
    ];
    for path in &paths {
        for fields in junk {
            let page = admin.post(path, fields).await;
            assert!(
                !page.status.is_server_error(),
                "{path} {fields:?}: {}",
                page.status
            );
        }
    }
    for path in [
        "/rounds/0/matching",
        "/rounds/-1/partnerships",
        "/rounds/abc/matching",
    ] {
        assert_eq!(
            admin.get(path).await.status,
            StatusCode::NOT_FOUND,
            "{path}"
        );
    }
    // Missing fields and unknown radio values take the defaults, so the first two forms ran;
    // the one with an impossible weight did not.
    assert_eq!(
        app.store
            .count_match_runs(round, MatchRunKind::Round)
            .await
            .unwrap(),
        2
    );
}

/// The newest run saved in a format this release cannot read: the page names it, shows no
/// run to publish, and running again works.
#[tokio::test]
async fn an_unreadable_newest_run_is_named_and_matching_can_run_again() {
    use sqlx::{Connection, Executor};

    let app = TestApp::new().await;
    let (round, _) = matching_round(&app, 6).await;
    app.user("admin@example.org", Role::Admin, &[]).await;
    let mut admin = app.browser();
    admin.sign_in("admin@example.org").await;
    let path = format!("/rounds/{round}/matching/run");
    let page = admin.post(&path, &run_fields()).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    let mut raw = sqlx::SqliteConnection::connect(&app.database_url)
        .await
        .unwrap();
    raw.execute(r#"UPDATE match_runs SET proposal = '{"v":9,"data":{}}'"#)
        .await
        .unwrap();
    raw.close().await.unwrap();
    let page = admin.get(&format!("/rounds/{round}/matching")).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(
        page.body.contains("Matching run 1&#39;s proposal"),
        "{}",
        page.body
    );
    assert!(!page.body.contains("Latest proposal (run"), "{}", page.body);
    assert!(
        !page.body.contains("Publish the partnerships of run"),
        "{}",
        page.body
    );
    let page = admin.post(&path, &run_fields()).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    let page = admin.get(&format!("/rounds/{round}/matching")).await;
    assert!(
        page.body.contains("Latest proposal (run 2)"),
        "{}",
        page.body
    );
    // The older, unreadable run is still named.
    assert!(page.body.contains("Matching run 1&#39;s proposal"));
}

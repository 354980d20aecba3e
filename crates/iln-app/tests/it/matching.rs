//! The matching use-cases, on both backends: publishing writes the partnerships, the round's
//! move to active, its audit entries and one introduction per member in one transaction (a
//! fault at any of its writes leaves nothing, and a retry publishes whole); runs, locks, the
//! never-pair list and swaps are audited and refused with typed errors; a re-match pairs the
//! people left alone, all or nothing.

use iln_app::Actor;
use iln_app::matching::{self, MatchingError, PairChange};
use iln_domain::account::{DisplayName, Email, Role};
use iln_domain::application::{Application, ApplicationForm, InterestCatalogue};
use iln_domain::commitments::CommitmentsVersion;
use iln_domain::proposal::MatchMode;
use iln_domain::round::{RoundForm, RoundSettings, RoundState};
use iln_store::{ApplicationId, ApplicationStatus, MatchOptions, NewUser, RoundId, StoreError};

use crate::app_tests;
use crate::support::TestApp;

app_tests!(
    publishing_writes_partnerships_transition_audit_and_introductions,
    a_fault_at_any_write_of_publish_leaves_nothing_and_a_retry_succeeds,
    publishing_is_refused_with_typed_errors,
    pair_changes_are_audited_and_checked,
    a_swap_locks_the_exchanged_pairs,
    ending_early_tells_the_others_and_is_audited_once,
    a_rematch_pairs_the_people_left_alone_in_one_transaction,
);

const COUNTRIES: [&str; 6] = ["KE", "BR", "IN", "FR", "AU", "CA"];

/// Dates well after the support clock's 28 May 2026, so no date moves the round on its own.
fn settings() -> RoundSettings {
    RoundSettings::parse(&RoundForm {
        name: "2027 Round 1".to_owned(),
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

/// A round in matching with `n` approved applicants, their application ids in order.
async fn matching_round(t: &TestApp, n: usize) -> (RoundId, Vec<ApplicationId>) {
    let now = t.app.now();
    let round = t.store.create_round(&settings(), now).await.unwrap();
    let mut ids = Vec::new();
    for i in 0..n {
        let address = format!("person{i}@example.org");
        let user = t
            .store
            .create_user(
                &NewUser {
                    display_name: DisplayName::parse(&format!("person{i}")).unwrap(),
                    email: Email::parse(&address).unwrap(),
                    password_hash: None,
                    role: Role::Participant,
                    countries: Vec::new(),
                    email_verified: true,
                    time_zone: None,
                },
                now,
            )
            .await
            .unwrap();
        let form = ApplicationForm {
            name: format!("Person {i}"),
            email: address,
            country: COUNTRIES[i % COUNTRIES.len()].to_owned(),
            city: "Capital".to_owned(),
            institution: format!("Library {i}"),
            sector: ["academic", "public", "school"][i % 3].to_owned(),
            role: "Librarian".to_owned(),
            career_stage: ["early", "mid"][i % 2].to_owned(),
            interests: vec!["Open access".to_owned()],
            languages: vec!["en".to_owned()],
            communication: vec!["email".to_owned()],
            match_preference: "any".to_owned(),
            goals: "Learn how others run outreach".to_owned(),
            consent: "on".to_owned(),
            ..ApplicationForm::default()
        };
        let application = Application::parse(&form, &InterestCatalogue::default_topics()).unwrap();
        let id = t
            .store
            .submit_application(round, user, &application, now)
            .await
            .unwrap();
        t.store
            .set_application_status(id, ApplicationStatus::Approved, None, now)
            .await
            .unwrap();
        ids.push(id);
    }
    t.store
        .set_round_state(round, RoundState::Matching, now)
        .await
        .unwrap();
    (round, ids)
}

fn options() -> MatchOptions {
    let settings = settings();
    MatchOptions {
        weights: settings.weights,
        languages: settings.languages.clone(),
        mode: MatchMode::default(),
        leftover: settings.leftover,
    }
}

/// A round in matching with a stored run over `n` people.
async fn matched_round(t: &TestApp, n: usize) -> (RoundId, Vec<ApplicationId>) {
    let (round, ids) = matching_round(t, n).await;
    matching::run(&t.app, &Actor::Cli, round, &options())
        .await
        .unwrap();
    (round, ids)
}

/// What a failed publish must leave as it was.
#[derive(Debug, PartialEq, Eq)]
struct Snapshot {
    state: RoundState,
    partnerships: usize,
    emails: i64,
    audit: i64,
}

async fn snapshot(t: &TestApp, round: RoundId) -> Snapshot {
    Snapshot {
        state: t.store.round(round).await.unwrap().unwrap().round.state,
        partnerships: t.store.round_partnerships(round).await.unwrap().len(),
        emails: t.store.count_outbox().await.unwrap(),
        audit: t.store.count_audit().await.unwrap(),
    }
}

/// The introductions queued, as (to, body).
async fn introductions(t: &TestApp) -> Vec<(String, String)> {
    t.store
        .list_outbox(10_000, 0)
        .await
        .unwrap()
        .into_iter()
        .filter(|e| e.subject.starts_with("Introduction"))
        .map(|e| (e.to.to_string(), e.text_body))
        .collect()
}

/// Every member is introduced exactly once, and each email names the others and lists the
/// commitments of the version that member agreed to.
async fn assert_introduced_once(t: &TestApp, round: RoundId) {
    let partnerships = t.store.round_partnerships(round).await.unwrap();
    let emails = introductions(t).await;
    let members: usize = partnerships.iter().map(|p| p.members.len()).sum();
    assert_eq!(emails.len(), members);
    for partnership in &partnerships {
        for member in &partnership.members {
            let to_member: Vec<_> = emails
                .iter()
                .filter(|(to, _)| *to == member.profile.email)
                .collect();
            assert_eq!(to_member.len(), 1, "{}", member.profile.email);
            let body = &to_member[0].1;
            for other in partnership.partners_of(member.user) {
                assert!(body.contains(&other.profile.email), "{body}");
            }
            for commitment in CommitmentsVersion::current().commitments() {
                assert!(body.contains(commitment), "{body}");
            }
        }
    }
}

async fn publishing_writes_partnerships_transition_audit_and_introductions(t: &TestApp) {
    let (round, ids) = matched_round(t, 7).await;
    let published = matching::publish(&t.app, &Actor::Cli, round).await.unwrap();
    // Seven people: two pairs and a trio.
    assert_eq!(published.partnerships, 3);
    assert_eq!(published.introductions, ids.len());
    let after = snapshot(t, round).await;
    assert_eq!(after.state, RoundState::Active);
    assert_eq!(after.partnerships, 3);
    assert_introduced_once(t, round).await;
    let actions: Vec<String> = t
        .store
        .list_audit(10, 0)
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.action)
        .collect();
    assert!(actions.contains(&"round.publish".to_owned()), "{actions:?}");
    assert!(
        actions.contains(&"round.transition".to_owned()),
        "{actions:?}"
    );
    // Published once: a second publish is refused and writes nothing.
    let before = snapshot(t, round).await;
    let again = matching::publish(&t.app, &Actor::Cli, round).await;
    assert!(
        matches!(again, Err(MatchingError::NotPublishable)),
        "{again:?}"
    );
    assert_eq!(snapshot(t, round).await, before);
}

async fn a_fault_at_any_write_of_publish_leaves_nothing_and_a_retry_succeeds(t: &TestApp) {
    let (round, ids) = matched_round(t, 9).await;
    let before = snapshot(t, round).await;
    assert_eq!(before.state, RoundState::Matching);
    let mut step = 1;
    loop {
        t.store.fail_at_write_step(step);
        let result = matching::publish(&t.app, &Actor::Cli, round).await;
        if !t.store.fault_pending() {
            // The fault fired at this write: the whole transaction is gone, and nothing
            // says "already published" to the retry.
            assert!(
                matches!(
                    result,
                    Err(MatchingError::App(iln_app::AppError::Store(
                        StoreError::InjectedFault
                    )))
                ),
                "step {step}: {result:?}"
            );
            let now = snapshot(t, round).await;
            assert_eq!(now, before, "step {step}");
            assert!(introductions(t).await.is_empty(), "step {step}");
            step += 1;
            continue;
        }
        // Publishing has fewer writes than `step`: it ran to the end.
        t.store.fail_at_write_step(0);
        let published = result.unwrap();
        assert_eq!(published.introductions, ids.len());
        break;
    }
    assert!(
        step > 4,
        "publish writes partnerships, members, the transition, audit and emails"
    );
    assert_eq!(snapshot(t, round).await.state, RoundState::Active);
    assert_introduced_once(t, round).await;
}

async fn publishing_is_refused_with_typed_errors(t: &TestApp) {
    let (round, ids) = matching_round(t, 4).await;
    let before = snapshot(t, round).await;
    let no_run = matching::publish(&t.app, &Actor::Cli, round).await;
    assert!(
        matches!(no_run, Err(MatchingError::NoRunToPublish)),
        "{no_run:?}"
    );
    matching::run(&t.app, &Actor::Cli, round, &options())
        .await
        .unwrap();
    // A decision after the run: publishing must not introduce someone who is out.
    t.store
        .set_application_status(ids[0], ApplicationStatus::Declined, None, t.app.now())
        .await
        .unwrap();
    let before_publish = snapshot(t, round).await;
    let stale = matching::publish(&t.app, &Actor::Cli, round).await;
    assert!(
        matches!(stale, Err(MatchingError::NoLongerApproved)),
        "{stale:?}"
    );
    assert_eq!(snapshot(t, round).await, before_publish);
    // Only admins publish.
    let participant = Actor::User {
        id: iln_store::UserId(1),
        role: Role::Participant,
        countries: Vec::new(),
    };
    let refused = matching::publish(&t.app, &participant, round).await;
    assert!(
        matches!(
            refused,
            Err(MatchingError::App(iln_app::AppError::Forbidden))
        ),
        "{refused:?}"
    );
    assert_eq!(before.partnerships, 0);
}

async fn pair_changes_are_audited_and_checked(t: &TestApp) {
    let (round, ids) = matching_round(t, 4).await;
    let (a, b) = (ids[0], ids[1]);
    let audit = t.store.count_audit().await.unwrap();
    matching::change_pair(&t.app, &Actor::Cli, round, PairChange::Lock, a, b)
        .await
        .unwrap();
    assert_eq!(t.store.locked_pairs(round).await.unwrap(), vec![(a, b)]);
    // Forbidding a locked pair lifts the lock in the same transaction.
    matching::change_pair(&t.app, &Actor::Cli, round, PairChange::Forbid, a, b)
        .await
        .unwrap();
    assert!(t.store.locked_pairs(round).await.unwrap().is_empty());
    assert_eq!(t.store.forbidden_pairs(round).await.unwrap(), vec![(a, b)]);
    matching::change_pair(&t.app, &Actor::Cli, round, PairChange::Allow, a, b)
        .await
        .unwrap();
    assert!(t.store.forbidden_pairs(round).await.unwrap().is_empty());
    assert_eq!(t.store.count_audit().await.unwrap(), audit + 3);
    let same = matching::change_pair(&t.app, &Actor::Cli, round, PairChange::Lock, a, a).await;
    assert!(matches!(same, Err(MatchingError::SamePerson)), "{same:?}");
    let stranger = matching::change_pair(
        &t.app,
        &Actor::Cli,
        round,
        PairChange::Lock,
        a,
        ApplicationId(999_999),
    )
    .await;
    assert!(
        matches!(stranger, Err(MatchingError::NotApproved)),
        "{stranger:?}"
    );
    assert_eq!(t.store.count_audit().await.unwrap(), audit + 3);
    // Only the four names parse: nothing unknown becomes a change.
    for change in PairChange::ALL {
        assert_eq!(PairChange::parse(change.as_str()), Some(change));
    }
    assert_eq!(PairChange::parse("chaos"), None);
    assert_eq!(PairChange::parse(""), None);
    // Outside matching nothing changes.
    t.store
        .set_round_state(round, RoundState::Active, t.app.now())
        .await
        .unwrap();
    let closed = matching::change_pair(&t.app, &Actor::Cli, round, PairChange::Lock, a, b).await;
    assert!(
        matches!(closed, Err(MatchingError::PairsClosed)),
        "{closed:?}"
    );
}

async fn a_swap_locks_the_exchanged_pairs(t: &TestApp) {
    let (round, _) = matching_round(t, 4).await;
    let no_run = {
        let approved = matching::approved(&t.app, round).await.unwrap();
        let mut ids = approved.keys().copied();
        let (a, b) = (ids.next().unwrap(), ids.next().unwrap());
        matching::swap(&t.app, &Actor::Cli, round, a, b).await
    };
    assert!(
        matches!(no_run, Err(MatchingError::NoRunToSwap)),
        "{no_run:?}"
    );
    matching::run(&t.app, &Actor::Cli, round, &options())
        .await
        .unwrap();
    let run = t
        .store
        .latest_match_runs(round, iln_store::MatchRunKind::Round, 1)
        .await
        .unwrap()
        .remove(0);
    let pairs: Vec<(ApplicationId, ApplicationId)> = run
        .proposal
        .partnerships
        .iter()
        .map(|p| {
            (
                p.members[0].id.parse().unwrap(),
                p.members[1].id.parse().unwrap(),
            )
        })
        .collect();
    let [(a, x), (b, y)] = pairs[..] else {
        panic!("four people make two pairs: {pairs:?}");
    };
    matching::swap(&t.app, &Actor::Cli, round, a, b)
        .await
        .unwrap();
    let locks = t.store.locked_pairs(round).await.unwrap();
    let ordered = |p: ApplicationId, q: ApplicationId| (p.min(q), p.max(q));
    assert!(locks.contains(&ordered(a, y)), "{locks:?}");
    assert!(locks.contains(&ordered(b, x)), "{locks:?}");
}

async fn ending_early_tells_the_others_and_is_audited_once(t: &TestApp) {
    let (round, _) = matched_round(t, 4).await;
    matching::publish(&t.app, &Actor::Cli, round).await.unwrap();
    let partnership = t.store.round_partnerships(round).await.unwrap().remove(0);
    let (leaver, other) = (&partnership.members[0], &partnership.members[1]);
    let member = Actor::User {
        id: leaver.user,
        role: Role::Participant,
        countries: Vec::new(),
    };
    let stranger = Actor::User {
        id: iln_store::UserId(999_999),
        role: Role::Participant,
        countries: Vec::new(),
    };
    let before = snapshot(t, round).await;
    let hidden = matching::end_partnership(&t.app, &stranger, partnership.id, "Busy").await;
    assert!(
        matches!(hidden, Err(MatchingError::App(iln_app::AppError::NotFound))),
        "{hidden:?}"
    );
    let empty = matching::end_partnership(&t.app, &member, partnership.id, "  ").await;
    assert!(matches!(empty, Err(MatchingError::NoReason)), "{empty:?}");
    let long = "x".repeat(matching::REASON_MAX_LEN + 1);
    let long = matching::end_partnership(&t.app, &member, partnership.id, &long).await;
    assert!(
        matches!(long, Err(MatchingError::ReasonTooLong)),
        "{long:?}"
    );
    assert_eq!(snapshot(t, round).await, before);
    matching::end_partnership(&t.app, &member, partnership.id, "A new job")
        .await
        .unwrap();
    let after = snapshot(t, round).await;
    assert_eq!(after.audit, before.audit + 1);
    // Only the other member is told; the one who ended it knows.
    assert_eq!(after.emails, before.emails + 1);
    let told = t.store.list_outbox(1, 0).await.unwrap().remove(0);
    assert_eq!(told.to.as_str(), other.profile.email);
    assert!(told.text_body.contains("A new job"), "{}", told.text_body);
    let stored = t.store.partnership(partnership.id).await.unwrap().unwrap();
    assert!(!stored.is_running());
    let again = matching::end_partnership(&t.app, &member, partnership.id, "Again").await;
    assert!(
        matches!(again, Err(MatchingError::AlreadyEnded)),
        "{again:?}"
    );
}

async fn a_rematch_pairs_the_people_left_alone_in_one_transaction(t: &TestApp) {
    let (round, _) = matched_round(t, 8).await;
    // Refused while the round is in matching.
    let early = matching::rematch(&t.app, &Actor::Cli, round).await;
    assert!(matches!(early, Err(MatchingError::NotRunning)), "{early:?}");
    matching::publish(&t.app, &Actor::Cli, round).await.unwrap();
    let nobody = matching::rematch(&t.app, &Actor::Cli, round).await;
    assert!(
        matches!(nobody, Err(MatchingError::NobodyAlone)),
        "{nobody:?}"
    );
    let partnerships = t.store.round_partnerships(round).await.unwrap();
    assert_eq!(partnerships.len(), 4);
    for ending in &partnerships[..2] {
        matching::end_partnership(&t.app, &Actor::Cli, ending.id, "Moved abroad")
            .await
            .unwrap();
    }
    let alone = matching::left_alone(&t.store.round_partnerships(round).await.unwrap());
    assert_eq!(alone.len(), 4);
    let stale = matching::apply_rematch(&t.app, &Actor::Cli, round).await;
    assert!(
        matches!(stale, Err(MatchingError::RematchStale)),
        "{stale:?}"
    );
    let participant = Actor::User {
        id: alone[0].user,
        role: Role::Participant,
        countries: Vec::new(),
    };
    let forbidden = matching::rematch(&t.app, &participant, round).await;
    assert!(
        matches!(
            forbidden,
            Err(MatchingError::App(iln_app::AppError::Forbidden))
        ),
        "{forbidden:?}"
    );
    matching::rematch(&t.app, &Actor::Cli, round).await.unwrap();
    let emails_to =
        |emails: &[(String, String)], who: &str| emails.iter().filter(|(to, _)| to == who).count();
    let alone_emails: Vec<String> = t
        .store
        .round_partnerships(round)
        .await
        .unwrap()
        .iter()
        .flat_map(|p| &p.members)
        .filter(|m| alone.iter().any(|a| a.user == m.user))
        .map(|m| m.profile.email.clone())
        .collect();
    let before = snapshot(t, round).await;
    let mut step = 1;
    let changed = loop {
        t.store.fail_at_write_step(step);
        let result = matching::apply_rematch(&t.app, &Actor::Cli, round).await;
        if !t.store.fault_pending() {
            assert!(
                matches!(
                    result,
                    Err(MatchingError::App(iln_app::AppError::Store(
                        StoreError::InjectedFault
                    )))
                ),
                "step {step}: {result:?}"
            );
            assert_eq!(snapshot(t, round).await, before, "step {step}");
            step += 1;
            continue;
        }
        t.store.fail_at_write_step(0);
        break result.unwrap();
    };
    assert!(step > 2, "a re-match writes partnerships, audit and emails");
    assert!(changed >= 2, "{changed}");
    let now = t.store.round_partnerships(round).await.unwrap();
    assert!(matching::left_alone(&now).is_empty());
    // Each person who was alone has their second introduction: publish's, and this one's.
    let emails = introductions(t).await;
    for email in &alone_emails {
        assert_eq!(emails_to(&emails, email), 2, "{email}");
    }
    let after = snapshot(t, round).await;
    assert_eq!(after.audit, before.audit + 1);
    // Applied once: nobody is alone any more, so the proposal is stale.
    let again = matching::apply_rematch(&t.app, &Actor::Cli, round).await;
    assert!(
        matches!(again, Err(MatchingError::RematchStale)),
        "{again:?}"
    );
    assert_eq!(snapshot(t, round).await, after);
}

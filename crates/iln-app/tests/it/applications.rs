//! The applications use-cases, on both backends: applying (sending, editing, sending again
//! after a withdrawal, with the profile and the consent), withdrawing, decisions one by one
//! and in bulk with their emails, notes and endorsements, and duplicates kept or merged; who
//! may do each; and a fault at any write of a bulk decision or an application leaving
//! nothing half done.

use iln_app::Actor;
use iln_app::applications::{
    self, ApplicationsError, Applied, MESSAGE_MAX_LEN, decide, decide_many, endorse,
    keep_duplicate, merge_duplicates, note, withdraw,
};
use iln_app::rounds::DateJobs;
use iln_domain::account::{DisplayName, Email, Role};
use iln_domain::application::{ApplicationField, ApplicationForm};
use iln_domain::commitments::CommitmentsVersion;
use iln_domain::country::CountryCode;
use iln_domain::round::{AdminAction, RoundForm, RoundState};
use iln_domain::status::{Decision, StatusChange};
use iln_store::{
    ApplicationFilter, ApplicationId, ApplicationRecord, ApplicationStatus, NewUser, RoundId,
    StoreError, UserId,
};
use jiff::SignedDuration;

use crate::app_tests;
use crate::support::TestApp;

app_tests!(
    applying_sends_edits_and_sends_again_with_profile_consent_audit_and_email,
    applying_is_refused_with_typed_reasons_and_writes_nothing,
    withdrawing_is_for_the_applicant_while_the_round_is_open,
    an_admin_decides_one_application_and_the_applicant_is_emailed,
    decisions_are_refused_for_others_and_outside_the_window,
    a_bulk_decision_decides_all_or_nothing,
    a_fault_at_any_write_of_a_bulk_decision_leaves_nothing,
    a_fault_at_any_write_of_an_application_leaves_nothing,
    coordinators_note_and_endorse_in_their_countries_only,
    duplicates_are_kept_or_merged_by_coordinators_of_their_country,
);

fn days(n: i64) -> SignedDuration {
    SignedDuration::from_hours(24 * n)
}

/// The support clock starts on 28 May 2026: this round opens on 1 June.
fn round_form(name: &str) -> RoundForm {
    RoundForm {
        name: name.to_owned(),
        time_zone: "UTC".to_owned(),
        opens: "2026-06-01".to_owned(),
        closes: "2026-06-14".to_owned(),
        matching: "2026-06-21".to_owned(),
        starts: "2026-07-01".to_owned(),
        languages: "en".to_owned(),
        country_cap: "100".to_owned(),
        ..RoundForm::default()
    }
}

/// A round as a draft, before its opening date.
async fn draft_round(t: &TestApp, name: &str) -> RoundId {
    iln_app::rounds::create(&t.app, &Actor::Cli, &round_form(name))
        .await
        .unwrap()
}

/// A round open for applications, its opening recorded (so later actions find no date due).
pub async fn open_round(t: &TestApp) -> RoundId {
    let id = draft_round(t, "2026 Round 2").await;
    t.clock.advance(days(5));
    DateJobs::new(t.app.clone()).run_for(id).await.unwrap();
    assert_eq!(state_of(t, id).await, RoundState::Open);
    id
}

async fn state_of(t: &TestApp, id: RoundId) -> RoundState {
    t.store.round(id).await.unwrap().unwrap().round.state
}

/// An account and the actor it is.
pub async fn account(
    t: &TestApp,
    address: &str,
    role: Role,
    countries: &[&str],
    verified: bool,
) -> Actor {
    let id = t
        .store
        .create_user(
            &NewUser {
                display_name: DisplayName::parse(address.split('@').next().unwrap()).unwrap(),
                email: Email::parse(address).unwrap(),
                password_hash: None,
                role,
                countries: countries
                    .iter()
                    .map(|c| CountryCode::parse(c).unwrap())
                    .collect(),
                email_verified: verified,
                time_zone: None,
            },
            t.app.now(),
        )
        .await
        .unwrap();
    actor_of(t, id).await
}

async fn actor_of(t: &TestApp, id: UserId) -> Actor {
    Actor::user(&t.store.user(id).await.unwrap().unwrap())
}

async fn participant(t: &TestApp, address: &str) -> Actor {
    account(t, address, Role::Participant, &[], true).await
}

fn answers(name: &str, country: &str) -> ApplicationForm {
    ApplicationForm {
        name: name.to_owned(),
        // The account's address replaces whatever the form says.
        email: "someone.else@example.org".to_owned(),
        country: country.to_owned(),
        city: "Capital".to_owned(),
        institution: "National Library".to_owned(),
        sector: "academic".to_owned(),
        role: "Librarian".to_owned(),
        career_stage: "early".to_owned(),
        interests: vec!["Open access".to_owned()],
        languages: vec!["en".to_owned()],
        communication: vec!["email".to_owned()],
        match_preference: "any".to_owned(),
        goals: "Learn how others run outreach".to_owned(),
        consent: "on".to_owned(),
        ..ApplicationForm::default()
    }
}

/// A participant's application to `round`.
async fn applicant(
    t: &TestApp,
    round: RoundId,
    address: &str,
    name: &str,
    country: &str,
) -> ApplicationRecord {
    let actor = participant(t, address).await;
    applications::apply(&t.app, &actor, round, &answers(name, country))
        .await
        .unwrap()
        .application
}

async fn application(t: &TestApp, id: ApplicationId) -> ApplicationRecord {
    t.store.application(id).await.unwrap().unwrap()
}

async fn emails_to(t: &TestApp, address: &str) -> Vec<String> {
    t.store
        .list_outbox(1000, 0)
        .await
        .unwrap()
        .into_iter()
        .filter(|m| m.to.as_str() == address)
        .map(|m| m.text_body)
        .collect()
}

async fn last_audit_action(t: &TestApp) -> String {
    t.store.list_audit(1, 0).await.unwrap().remove(0).action
}

/// What a test compares before and after: nothing written means all of these are equal.
#[derive(Debug, PartialEq, Eq)]
struct Snapshot {
    statuses: Vec<(ApplicationId, ApplicationStatus)>,
    audit: i64,
    emails: i64,
    profiles: i64,
}

async fn snapshot(t: &TestApp, round: RoundId) -> Snapshot {
    Snapshot {
        statuses: t
            .store
            .applications(round, &ApplicationFilter::all())
            .await
            .unwrap()
            .into_iter()
            .map(|a| (a.id, a.status))
            .collect(),
        audit: t.store.count_audit().await.unwrap(),
        emails: t.store.count_outbox().await.unwrap(),
        profiles: t
            .store
            .count_people(&iln_store::PeopleScope::All)
            .await
            .unwrap(),
    }
}

async fn applying_sends_edits_and_sends_again_with_profile_consent_audit_and_email(t: &TestApp) {
    let round = open_round(t).await;
    let ama = participant(t, "ama@example.org").await;
    let sent = applications::apply(&t.app, &ama, round, &answers("Ama Owusu", "GH"))
        .await
        .unwrap();
    assert_eq!(sent.applied, Applied::Sent);
    let stored = &sent.application;
    assert_eq!(stored.status, ApplicationStatus::Submitted);
    assert_eq!(stored.application.email.as_str(), "ama@example.org");
    assert_eq!(stored.consent.version, CommitmentsVersion::current());
    assert_eq!(stored.consent.at, t.app.now());
    let profile = t
        .store
        .person_for_user(ama.user_id().unwrap())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(profile.full_name, "Ama Owusu");
    assert_eq!(profile.city, "Capital");
    assert_eq!(last_audit_action(t).await, "application.submit");
    let mail = emails_to(t, "ama@example.org").await;
    assert_eq!(mail.len(), 1);
    assert!(mail[0].contains("Received {"), "{}", mail[0]);
    assert!(mail[0].contains("updated: false"));
    assert!(mail[0].contains(&format!("https://iln.test/rounds/{round}/apply")));

    // Editing replaces the answers and the profile, and records a fresh consent.
    t.clock.advance(SignedDuration::from_hours(1));
    let mut changed = answers("Ama Owusu", "GH");
    changed.city = "Kumasi".to_owned();
    let updated = applications::apply(&t.app, &ama, round, &changed)
        .await
        .unwrap();
    assert_eq!(updated.applied, Applied::Updated);
    assert_eq!(updated.application.id, stored.id);
    assert_eq!(updated.application.application.city, "Kumasi");
    assert_eq!(updated.application.consent.at, t.app.now());
    let profile = t
        .store
        .person_for_user(ama.user_id().unwrap())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(profile.city, "Kumasi");
    assert_eq!(last_audit_action(t).await, "application.update");
    let mail = emails_to(t, "ama@example.org").await;
    assert_eq!(mail.len(), 2);
    assert!(mail.iter().any(|m| m.contains("updated: true")));

    // Withdrawn, then sent again: waiting for review once more.
    let withdrawn = withdraw(&t.app, &ama, round).await.unwrap();
    assert_eq!(withdrawn.application.status, ApplicationStatus::Withdrawn);
    assert_eq!(last_audit_action(t).await, "application.withdraw");
    let resent = applications::apply(&t.app, &ama, round, &changed)
        .await
        .unwrap();
    assert_eq!(resent.applied, Applied::Resent);
    assert_eq!(resent.application.status, ApplicationStatus::Submitted);
    assert_eq!(emails_to(t, "ama@example.org").await.len(), 3);
    assert_eq!(
        t.store
            .count_people(&iln_store::PeopleScope::All)
            .await
            .unwrap(),
        1
    );
}

async fn applying_is_refused_with_typed_reasons_and_writes_nothing(t: &TestApp) {
    let draft = draft_round(t, "Later round").await;
    let ama = participant(t, "ama@example.org").await;
    // A draft is unknown to applicants.
    let refused = applications::apply(&t.app, &ama, draft, &answers("Ama Owusu", "GH")).await;
    assert!(
        matches!(
            refused,
            Err(ApplicationsError::App(iln_app::AppError::NotFound))
        ),
        "{refused:?}"
    );
    let round = open_round(t).await;
    let before = (
        t.store.count_audit().await.unwrap(),
        t.store.count_outbox().await.unwrap(),
    );
    // An unconfirmed address cannot apply.
    let new = account(t, "new@example.org", Role::Participant, &[], false).await;
    let refused = applications::apply(&t.app, &new, round, &answers("New Person", "GH")).await;
    assert!(
        matches!(refused, Err(ApplicationsError::Unconfirmed)),
        "{refused:?}"
    );
    // Nobody signed in cannot either.
    let refused =
        applications::apply(&t.app, &Actor::Anonymous, round, &answers("Nobody", "GH")).await;
    assert!(
        matches!(
            refused,
            Err(ApplicationsError::App(iln_app::AppError::Forbidden))
        ),
        "{refused:?}"
    );
    // A form with problems says which fields.
    let mut wrong = answers("Ama Owusu", "XX");
    wrong.consent = String::new();
    match applications::apply(&t.app, &ama, round, &wrong).await {
        Err(ApplicationsError::Invalid(problems)) => {
            let fields: Vec<ApplicationField> = problems.iter().map(|p| p.field).collect();
            assert!(fields.contains(&ApplicationField::Country), "{fields:?}");
            assert!(fields.contains(&ApplicationField::Consent), "{fields:?}");
        }
        other => panic!("expected the form's problems, got {other:?}"),
    }
    // After the closing day the round takes no more applications.
    t.clock.advance(days(14));
    let refused = applications::apply(&t.app, &ama, round, &answers("Ama Owusu", "GH")).await;
    assert!(
        matches!(&refused, Err(ApplicationsError::NotAccepting { round }) if round == "2026 Round 2"),
        "{refused:?}"
    );
    assert_eq!(
        (
            t.store.count_audit().await.unwrap(),
            t.store.count_outbox().await.unwrap()
        ),
        before
    );
    assert!(snapshot(t, round).await.statuses.is_empty());
    // Nothing written, not even the closing the dates call for: the job records that.
    assert_eq!(state_of(t, round).await, RoundState::Open);
}

async fn withdrawing_is_for_the_applicant_while_the_round_is_open(t: &TestApp) {
    let round = open_round(t).await;
    let ama = participant(t, "ama@example.org").await;
    let kofi = participant(t, "kofi@example.org").await;
    applications::apply(&t.app, &ama, round, &answers("Ama Owusu", "GH"))
        .await
        .unwrap();
    // Someone without an application has nothing to withdraw.
    let refused = withdraw(&t.app, &kofi, round).await;
    assert!(
        matches!(
            refused,
            Err(ApplicationsError::App(iln_app::AppError::NotFound))
        ),
        "{refused:?}"
    );
    withdraw(&t.app, &ama, round).await.unwrap();
    let twice = withdraw(&t.app, &ama, round).await;
    match twice {
        Err(ApplicationsError::WrongStatus { name, error }) => {
            assert_eq!(name, "Ama Owusu");
            assert_eq!(error.from, ApplicationStatus::Withdrawn);
            assert_eq!(error.change, StatusChange::Withdraw);
        }
        other => panic!("expected a wrong status, got {other:?}"),
    }
    applications::apply(&t.app, &ama, round, &answers("Ama Owusu", "GH"))
        .await
        .unwrap();
    t.clock.advance(days(14));
    let refused = withdraw(&t.app, &ama, round).await;
    assert!(
        matches!(refused, Err(ApplicationsError::NotAccepting { .. })),
        "{refused:?}"
    );
}

async fn an_admin_decides_one_application_and_the_applicant_is_emailed(t: &TestApp) {
    let round = open_round(t).await;
    let admin = account(t, "admin@example.org", Role::Admin, &[], true).await;
    let ama = applicant(t, round, "ama@example.org", "Ama Owusu", "GH").await;
    let decided = decide(
        &t.app,
        &admin,
        ama.id,
        Decision::Approve,
        Some("  Welcome to the round!  "),
    )
    .await
    .unwrap();
    assert_eq!(decided.status, ApplicationStatus::Approved);
    assert_eq!(
        decided.decision_message.as_deref(),
        Some("Welcome to the round!")
    );
    assert_eq!(decided.decided_at, Some(t.app.now()));
    assert_eq!(last_audit_action(t).await, "application.decide");
    let mail = emails_to(t, "ama@example.org").await;
    assert_eq!(mail.len(), 2, "the confirmation and the decision");
    let decision = mail.iter().find(|m| m.contains("Decided {")).unwrap();
    assert!(decision.contains("decision: Approve"));
    assert!(decision.contains("message: Some(\"Welcome to the round!\")"));
    assert!(decision.contains(&format!("https://iln.test/rounds/{round}\"")));

    // A blank message is no message.
    let decided = decide(&t.app, &admin, ama.id, Decision::Waitlist, Some("  "))
        .await
        .unwrap();
    assert_eq!(decided.status, ApplicationStatus::Waitlisted);
    assert_eq!(decided.decision_message, None);
    let mail = emails_to(t, "ama@example.org").await;
    assert!(
        mail.iter()
            .any(|m| m.contains("decision: Waitlist") && m.contains("message: None"))
    );
}

async fn decisions_are_refused_for_others_and_outside_the_window(t: &TestApp) {
    let round = open_round(t).await;
    let admin = account(t, "admin@example.org", Role::Admin, &[], true).await;
    let coordinator = account(
        t,
        "coord@example.org",
        Role::CountryCoordinator,
        &["GH"],
        true,
    )
    .await;
    let ama_actor = participant(t, "ama@example.org").await;
    let ama = applications::apply(&t.app, &ama_actor, round, &answers("Ama Owusu", "GH"))
        .await
        .unwrap()
        .application;
    let before = snapshot(t, round).await;
    for actor in [&coordinator, &ama_actor] {
        let refused = decide(&t.app, actor, ama.id, Decision::Approve, None).await;
        assert!(
            matches!(
                refused,
                Err(ApplicationsError::App(iln_app::AppError::Forbidden))
            ),
            "{refused:?}"
        );
        let refused = decide_many(&t.app, actor, round, &[ama.id], Decision::Approve, None).await;
        assert!(
            matches!(
                refused,
                Err(ApplicationsError::App(iln_app::AppError::Forbidden))
            ),
            "{refused:?}"
        );
    }
    let refused = decide(
        &t.app,
        &admin,
        ApplicationId(987_654),
        Decision::Approve,
        None,
    )
    .await;
    assert!(
        matches!(
            refused,
            Err(ApplicationsError::App(iln_app::AppError::NotFound))
        ),
        "{refused:?}"
    );
    let long = "x".repeat(MESSAGE_MAX_LEN + 1);
    let refused = decide(&t.app, &admin, ama.id, Decision::Approve, Some(&long)).await;
    assert!(
        matches!(refused, Err(ApplicationsError::MessageTooLong)),
        "{refused:?}"
    );
    // A withdrawn application is the applicant's to send again, not the reviewers' to decide.
    withdraw(&t.app, &ama_actor, round).await.unwrap();
    let refused = decide(&t.app, &admin, ama.id, Decision::Approve, None).await;
    assert!(
        matches!(&refused, Err(ApplicationsError::WrongStatus { error, .. })
            if error.from == ApplicationStatus::Withdrawn),
        "{refused:?}"
    );
    applications::apply(&t.app, &ama_actor, round, &answers("Ama Owusu", "GH"))
        .await
        .unwrap();
    let before = Snapshot {
        audit: t.store.count_audit().await.unwrap(),
        emails: t.store.count_outbox().await.unwrap(),
        ..before
    };
    assert_eq!(
        snapshot(t, round).await,
        before,
        "the refusals wrote nothing"
    );
    // Once the round is closed decisions would change nothing.
    iln_app::rounds::transition(&t.app, &Actor::Cli, round, AdminAction::CloseRound)
        .await
        .unwrap();
    let refused = decide(&t.app, &admin, ama.id, Decision::Approve, None).await;
    assert!(
        matches!(
            refused,
            Err(ApplicationsError::DecisionsClosed {
                state: RoundState::Closed
            })
        ),
        "{refused:?}"
    );
}

async fn a_bulk_decision_decides_all_or_nothing(t: &TestApp) {
    let round = open_round(t).await;
    let admin = account(t, "admin@example.org", Role::Admin, &[], true).await;
    let a = applicant(t, round, "a@example.org", "Person A", "GH").await;
    let b = applicant(t, round, "b@example.org", "Person B", "KE").await;
    let c_actor = participant(t, "c@example.org").await;
    let c = applications::apply(&t.app, &c_actor, round, &answers("Person C", "NG"))
        .await
        .unwrap()
        .application;
    let other = draft_round(t, "Other round").await;
    t.clock.advance(days(1));
    DateJobs::new(t.app.clone()).run_for(other).await.unwrap();
    let stranger = applicant(t, other, "d@example.org", "Person D", "BR").await;

    let refused = decide_many(&t.app, &admin, round, &[], Decision::Approve, None).await;
    assert!(
        matches!(refused, Err(ApplicationsError::NothingChosen)),
        "{refused:?}"
    );
    let before = snapshot(t, round).await;
    // An application of another round refuses the batch before anything is written.
    let refused = decide_many(
        &t.app,
        &admin,
        round,
        &[a.id, stranger.id],
        Decision::Approve,
        None,
    )
    .await;
    assert!(
        matches!(
            refused,
            Err(ApplicationsError::App(iln_app::AppError::NotFound))
        ),
        "{refused:?}"
    );
    // So does one the decision does not apply to, even listed last.
    withdraw(&t.app, &c_actor, round).await.unwrap();
    let before = Snapshot {
        statuses: snapshot(t, round).await.statuses,
        audit: before.audit + 1,
        ..before
    };
    let refused = decide_many(
        &t.app,
        &admin,
        round,
        &[a.id, b.id, c.id],
        Decision::Decline,
        None,
    )
    .await;
    assert!(
        matches!(&refused, Err(ApplicationsError::WrongStatus { name, .. }) if name == "Person C"),
        "{refused:?}"
    );
    assert_eq!(snapshot(t, round).await, before);

    // A box ticked twice is one decision and one email.
    let decided = decide_many(
        &t.app,
        &admin,
        round,
        &[b.id, a.id, b.id],
        Decision::Approve,
        Some("Welcome!"),
    )
    .await
    .unwrap();
    assert_eq!(decided, 2);
    for (id, address) in [(a.id, "a@example.org"), (b.id, "b@example.org")] {
        let stored = application(t, id).await;
        assert_eq!(stored.status, ApplicationStatus::Approved);
        assert_eq!(stored.decision_message.as_deref(), Some("Welcome!"));
        let decisions: Vec<String> = emails_to(t, address)
            .await
            .into_iter()
            .filter(|m| m.contains("Decided {"))
            .collect();
        assert_eq!(decisions.len(), 1, "{address}: {decisions:?}");
    }
    let after = snapshot(t, round).await;
    assert_eq!(after.audit, before.audit + 2);
    assert_eq!(after.emails, before.emails + 2);
}

/// Runs the use-case with a fault armed at its first write, then its second, and so on:
/// each failed run must leave `round` exactly as it was. Once the use-case has fewer writes
/// than the armed step it runs to the end; returns its result and that step.
async fn through_every_fault<T, F, Fut>(t: &TestApp, round: RoundId, mut run: F) -> (T, u64)
where
    T: std::fmt::Debug,
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<T, ApplicationsError>>,
{
    let before = snapshot(t, round).await;
    let mut step = 1;
    loop {
        t.store.fail_at_write_step(step);
        let result = run().await;
        if t.store.fault_pending() {
            t.store.fail_at_write_step(0);
            return (result.unwrap(), step);
        }
        // The fault fired at this write: the whole transaction is gone.
        assert!(
            matches!(
                result,
                Err(ApplicationsError::App(iln_app::AppError::Store(
                    StoreError::InjectedFault
                )))
            ),
            "step {step}: {result:?}"
        );
        assert_eq!(snapshot(t, round).await, before, "step {step}");
        step += 1;
    }
}

async fn a_fault_at_any_write_of_a_bulk_decision_leaves_nothing(t: &TestApp) {
    let round = open_round(t).await;
    let admin = account(t, "admin@example.org", Role::Admin, &[], true).await;
    let mut chosen = Vec::new();
    for (n, country) in ["GH", "KE", "NG"].iter().enumerate() {
        chosen.push(
            applicant(
                t,
                round,
                &format!("p{n}@example.org"),
                &format!("Person {n}"),
                country,
            )
            .await,
        );
    }
    let ids: Vec<ApplicationId> = chosen.iter().map(|a| a.id).collect();
    let before = snapshot(t, round).await;
    let (decided, step) = through_every_fault(t, round, || {
        decide_many(
            &t.app,
            &admin,
            round,
            &ids,
            Decision::Approve,
            Some("Hello"),
        )
    })
    .await;
    assert_eq!(decided, 3);
    assert!(
        step > 9,
        "three statuses, three emails and three audit entries at least"
    );
    let after = snapshot(t, round).await;
    assert!(
        after
            .statuses
            .iter()
            .all(|(_, status)| *status == ApplicationStatus::Approved)
    );
    assert_eq!(after.audit, before.audit + 3);
    assert_eq!(after.emails, before.emails + 3);
    for n in 0..3 {
        let decisions: Vec<String> = emails_to(t, &format!("p{n}@example.org"))
            .await
            .into_iter()
            .filter(|m| m.contains("Decided {"))
            .collect();
        assert_eq!(decisions.len(), 1, "person {n}");
    }
}

async fn a_fault_at_any_write_of_an_application_leaves_nothing(t: &TestApp) {
    let round = open_round(t).await;
    let ama = participant(t, "ama@example.org").await;
    let form = answers("Ama Owusu", "GH");
    let before = snapshot(t, round).await;
    let (outcome, step) =
        through_every_fault(t, round, || applications::apply(&t.app, &ama, round, &form)).await;
    assert_eq!(outcome.applied, Applied::Sent);
    assert!(
        step > 4,
        "the application, the profile, the audit entry and the email"
    );
    let after = snapshot(t, round).await;
    assert_eq!(after.statuses.len(), 1);
    assert_eq!(after.profiles, before.profiles + 1);
    assert_eq!(after.audit, before.audit + 1);
    assert_eq!(after.emails, before.emails + 1);
}

async fn coordinators_note_and_endorse_in_their_countries_only(t: &TestApp) {
    let round = open_round(t).await;
    let kenyan = applicant(t, round, "wanjiru@example.org", "Wanjiru Kamau", "KE").await;
    let nigerian = applicant(t, round, "chidi@example.org", "Chidi Okeke", "NG").await;
    let coordinator = account(
        t,
        "coord@example.org",
        Role::CountryCoordinator,
        &["KE"],
        true,
    )
    .await;
    let wanjiru = actor_of(t, kenyan.user).await;

    note(
        &t.app,
        &coordinator,
        kenyan.id,
        "  Active in our association  ",
    )
    .await
    .unwrap();
    assert_eq!(last_audit_action(t).await, "application.note");
    endorse(&t.app, &coordinator, kenyan.id, "Endorsed")
        .await
        .unwrap();
    assert_eq!(last_audit_action(t).await, "application.endorse");
    let notes = t.store.application_notes(kenyan.id).await.unwrap();
    assert_eq!(notes.len(), 2);
    assert!(
        notes
            .iter()
            .any(|n| !n.endorsement && n.body == "Active in our association")
    );
    assert!(notes.iter().any(|n| n.endorsement && n.body == "Endorsed"));
    assert_eq!(
        t.store.endorsed_applications(round).await.unwrap(),
        vec![kenyan.id]
    );

    let before = snapshot(t, round).await;
    // Another country's application, or any for a participant, does not exist for them.
    for (actor, id) in [
        (&coordinator, nigerian.id),
        (&wanjiru, kenyan.id),
        (&coordinator, ApplicationId(987_654)),
    ] {
        for result in [
            note(&t.app, actor, id, "hello").await,
            endorse(&t.app, actor, id, "hello").await,
        ] {
            assert!(
                matches!(
                    result,
                    Err(ApplicationsError::App(iln_app::AppError::NotFound))
                ),
                "{result:?}"
            );
        }
    }
    let refused = note(&t.app, &coordinator, kenyan.id, "   ").await;
    assert!(
        matches!(refused, Err(ApplicationsError::EmptyNote)),
        "{refused:?}"
    );
    let long = "x".repeat(MESSAGE_MAX_LEN + 1);
    let refused = endorse(&t.app, &coordinator, kenyan.id, &long).await;
    assert!(
        matches!(refused, Err(ApplicationsError::MessageTooLong)),
        "{refused:?}"
    );
    assert_eq!(snapshot(t, round).await, before);
    assert_eq!(t.store.application_notes(kenyan.id).await.unwrap().len(), 2);
}

async fn duplicates_are_kept_or_merged_by_coordinators_of_their_country(t: &TestApp) {
    let round = open_round(t).await;
    // One person with two accounts, and someone else in another country.
    let first = applicant(t, round, "ana@example.org", "Ana Silva", "BR").await;
    let second = applicant(t, round, "ana.silva@example.org", "Silva, Ana", "BR").await;
    let jo = applicant(t, round, "jo@example.org", "Jo Smith", "GB").await;
    let (first, second) = (
        application(t, first.id).await,
        application(t, second.id).await,
    );
    assert!(first.is_flagged_duplicate() && second.is_flagged_duplicate());
    let brazil = account(t, "br@example.org", Role::CountryCoordinator, &["BR"], true).await;
    let kenya = account(t, "ke@example.org", Role::CountryCoordinator, &["KE"], true).await;

    let before = snapshot(t, round).await;
    let refused = merge_duplicates(&t.app, &kenya, first.id, second.id).await;
    assert!(
        matches!(
            refused,
            Err(ApplicationsError::App(iln_app::AppError::NotFound))
        ),
        "{refused:?}"
    );
    let refused = keep_duplicate(&t.app, &kenya, first.id).await;
    assert!(
        matches!(
            refused,
            Err(ApplicationsError::App(iln_app::AppError::NotFound))
        ),
        "{refused:?}"
    );
    // Jo is not of Brazil: for its coordinator that application does not exist.
    let refused = merge_duplicates(&t.app, &brazil, first.id, jo.id).await;
    assert!(
        matches!(
            refused,
            Err(ApplicationsError::App(iln_app::AppError::NotFound))
        ),
        "{refused:?}"
    );
    let refused = merge_duplicates(&t.app, &brazil, first.id, first.id).await;
    assert!(
        matches!(refused, Err(ApplicationsError::NotDuplicates)),
        "{refused:?}"
    );
    assert_eq!(snapshot(t, round).await, before);

    let merged = merge_duplicates(&t.app, &brazil, first.id, second.id)
        .await
        .unwrap();
    assert_eq!(merged.withdrawn.status, ApplicationStatus::Withdrawn);
    assert_eq!(merged.kept.status, ApplicationStatus::Submitted);
    assert!(
        !merged.kept.is_flagged_duplicate(),
        "nothing left to compare with"
    );
    assert_eq!(last_audit_action(t).await, "application.merge");
    // An admin merging two that are not flagged together is refused.
    let admin = account(t, "admin@example.org", Role::Admin, &[], true).await;
    let refused = merge_duplicates(&t.app, &admin, first.id, jo.id).await;
    assert!(
        matches!(refused, Err(ApplicationsError::NotDuplicates)),
        "{refused:?}"
    );

    // Kept: two people with the same name and institution, told apart after a look.
    let kofi = applicant(t, round, "kofi@example.org", "Kofi Mensah", "GH").await;
    applicant(t, round, "kofi.m@example.org", "Mensah Kofi", "GH").await;
    assert!(application(t, kofi.id).await.is_flagged_duplicate());
    let kept = keep_duplicate(&t.app, &admin, kofi.id).await.unwrap();
    assert!(kept.duplicate_kept);
    assert!(!kept.is_flagged_duplicate());
    assert_eq!(last_audit_action(t).await, "application.keep_duplicate");
}

//! The rounds use-cases, on both backends: creating a round queues its opening job, editing
//! the dates moves it, the date job applies the dates (the country cap and its emails once,
//! however often it runs), a fault at any of its writes leaves nothing half done, and the
//! admin's transitions move the job on.

use iln_app::Actor;
use iln_app::jobs::{Registry, Worker, WorkerOptions};
use iln_app::rounds::{
    DATES_JOB, DATES_PAYLOAD_VERSION, DateJobs, DatesPayload, RoundError, date_job_key,
};
use iln_domain::account::{DisplayName, Email, Role};
use iln_domain::application::{Application, ApplicationForm, InterestCatalogue};
use iln_domain::round::{AdminAction, RoundForm, RoundState};
use iln_store::{
    ApplicationFilter, ApplicationStatus, Job, JobStatus, NewUser, RoundId, StoreError,
};
use jiff::SignedDuration;

use crate::app_tests;
use crate::support::TestApp;

app_tests!(
    creating_a_round_queues_its_opening_job,
    editing_the_dates_moves_the_job,
    dates_edited_while_the_job_runs_get_a_follow_up,
    the_job_past_closing_defers_over_the_cap_and_emails_once,
    a_fault_at_any_write_of_the_job_leaves_nothing_and_a_retry_succeeds,
    the_worker_runs_each_date_and_queues_the_next,
    admin_transitions_move_the_job_on,
    refusals_are_typed,
    ensuring_the_jobs_is_idempotent,
);

/// The support clock starts on 28 May 2026: this round is a draft until 1 June.
fn form() -> RoundForm {
    RoundForm {
        name: "2026 Round 2".to_owned(),
        time_zone: "UTC".to_owned(),
        opens: "2026-06-01".to_owned(),
        closes: "2026-06-14".to_owned(),
        matching: "2026-06-21".to_owned(),
        starts: "2026-07-01".to_owned(),
        languages: "en".to_owned(),
        country_cap: "25".to_owned(),
        ..RoundForm::default()
    }
}

fn days(n: i64) -> SignedDuration {
    SignedDuration::from_hours(24 * n)
}

/// A round made from [`form`] by the operator.
async fn new_round(t: &TestApp) -> RoundId {
    iln_app::rounds::create(&t.app, &Actor::Cli, &form())
        .await
        .unwrap()
}

/// The date job that moves round `id` on from `state`; there must be one.
async fn date_job(t: &TestApp, id: RoundId, state: RoundState) -> Job {
    t.store
        .job_by_key(&date_job_key(id, state))
        .await
        .unwrap()
        .unwrap_or_else(|| panic!("no date job for round {id} in {state}"))
}

async fn state_of(t: &TestApp, id: RoundId) -> RoundState {
    t.store.round(id).await.unwrap().unwrap().round.state
}

async fn apply(t: &TestApp, round: RoundId, n: usize, country: &str) {
    let address = format!("person{n}@example.org");
    let email = Email::parse(&address).unwrap();
    let user = t
        .store
        .create_user(
            &NewUser {
                display_name: DisplayName::parse(&format!("person{n}")).unwrap(),
                email,
                password_hash: None,
                role: Role::Participant,
                countries: Vec::new(),
                email_verified: true,
                time_zone: None,
            },
            t.app.now(),
        )
        .await
        .unwrap();
    let form = ApplicationForm {
        name: format!("Person {n}"),
        email: address,
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
    };
    let application = Application::parse(&form, &InterestCatalogue::default_topics()).unwrap();
    // A second apart, so the cap's "latest first" order is the order of n.
    let submitted = t.app.now() + SignedDuration::from_secs(i64::try_from(n).unwrap());
    t.store
        .submit_application(round, user, &application, submitted)
        .await
        .unwrap();
}

/// An open round with eight applicants, four of them from Ghana: a 25% cap keeps two.
async fn open_round_with_applicants(t: &TestApp) -> RoundId {
    let id = new_round(t).await;
    t.clock.advance(days(5));
    iln_app::rounds::transition(&t.app, &Actor::Cli, id, AdminAction::OpenApplications)
        .await
        .unwrap_err();
    // The opening date has passed, so the round is open already: the action above is
    // refused as wrong for an open round, and the job records the opening.
    DateJobs::new(t.app.clone()).run_for(id).await.unwrap();
    assert_eq!(state_of(t, id).await, RoundState::Open);
    for (n, country) in ["GH", "GH", "GH", "GH", "KE", "NG", "BR", "FR"]
        .iter()
        .enumerate()
    {
        apply(t, id, n, country).await;
    }
    id
}

/// What a test compares before and after: nothing written means all of these are equal.
#[derive(Debug, PartialEq, Eq)]
struct Snapshot {
    state: RoundState,
    audit: i64,
    emails: i64,
    jobs: Vec<(JobStatus, i64)>,
    deferred: usize,
}

async fn snapshot(t: &TestApp, id: RoundId) -> Snapshot {
    Snapshot {
        state: state_of(t, id).await,
        audit: t.store.count_audit().await.unwrap(),
        emails: t.store.count_outbox().await.unwrap(),
        jobs: t.store.count_jobs().await.unwrap(),
        deferred: t
            .store
            .applications(
                id,
                &ApplicationFilter::with_status(ApplicationStatus::Deferred),
            )
            .await
            .unwrap()
            .len(),
    }
}

async fn creating_a_round_queues_its_opening_job(t: &TestApp) {
    let id = new_round(t).await;
    let record = t.store.round(id).await.unwrap().unwrap();
    assert_eq!(record.round.state, RoundState::Draft);
    let job = date_job(t, id, RoundState::Draft).await;
    assert_eq!(job.kind, DATES_JOB);
    assert_eq!(job.status, JobStatus::Pending);
    assert_eq!(job.run_at, record.round.settings.opens_at());
    assert_eq!(job.payload_version, DATES_PAYLOAD_VERSION);
    assert_eq!(job.payload, format!("{{\"v\":1,\"round\":{id}}}"));
    let audit = t.store.list_audit(10, 0).await.unwrap();
    assert_eq!(audit.len(), 1);
    assert_eq!(audit[0].action, "round.create");
}

async fn editing_the_dates_moves_the_job(t: &TestApp) {
    let id = new_round(t).await;
    let key = date_job_key(id, RoundState::Draft);
    let before = t.store.job_by_key(&key).await.unwrap().unwrap();
    let mut later = form();
    later.opens = "2026-06-05".to_owned();
    let record = iln_app::rounds::edit(&t.app, &Actor::Cli, id, &later)
        .await
        .unwrap();
    let after = t.store.job_by_key(&key).await.unwrap().unwrap();
    assert_eq!(after.id, before.id, "the same job, moved");
    assert_eq!(after.run_at, record.round.settings.opens_at());
    assert_eq!(after.run_at, before.run_at + days(4));
    assert_eq!(t.store.count_jobs_of_kind(DATES_JOB).await.unwrap(), 1);

    // The old opening date passes: the job is not due, and running the round's job early
    // changes nothing.
    t.clock.advance(days(4));
    DateJobs::new(t.app.clone()).run_for(id).await.unwrap();
    assert_eq!(state_of(t, id).await, RoundState::Draft);
}

async fn dates_edited_while_the_job_runs_get_a_follow_up(t: &TestApp) {
    let id = new_round(t).await;
    let key = date_job_key(id, RoundState::Draft);
    let opening = t.store.job_by_key(&key).await.unwrap().unwrap();
    // A worker claims the opening job just as it comes due, and the admin moves the opening
    // day later before the job reads the round: the running job cannot be moved.
    let claimed = t
        .store
        .claim_job(
            "other",
            &[DATES_JOB],
            opening.run_at,
            opening.run_at + days(1),
        )
        .await
        .unwrap()
        .unwrap();
    assert_eq!(claimed.id, opening.id);
    let mut later = form();
    later.opens = "2026-06-05".to_owned();
    let record = iln_app::rounds::edit(&t.app, &Actor::Cli, id, &later)
        .await
        .unwrap();
    let new_opening = record.round.settings.opens_at();
    let follow_up = t
        .store
        .job_by_key(&format!("{key}@{}", new_opening.as_second()))
        .await
        .unwrap()
        .expect("a follow-up at the new date");
    assert_eq!(follow_up.status, JobStatus::Pending);
    assert_eq!(follow_up.run_at, new_opening);
    // The claimed job finds nothing due and finishes; the follow-up opens the round.
    DateJobs::new(t.app.clone()).run_for(id).await.unwrap();
    assert!(
        t.store
            .complete_job(claimed.id, "other", t.app.now())
            .await
            .unwrap()
    );
    assert_eq!(state_of(t, id).await, RoundState::Draft);
    t.clock.set(new_opening);
    assert_eq!(worker(t).drain().await.unwrap(), 1);
    assert_eq!(state_of(t, id).await, RoundState::Open);
}

async fn the_job_past_closing_defers_over_the_cap_and_emails_once(t: &TestApp) {
    let id = open_round_with_applicants(t).await;
    let emails_before = t.store.count_outbox().await.unwrap();
    // Past the closing day (14 June, UTC): the round goes to review and the cap applies.
    t.clock.advance(days(14));
    let jobs = DateJobs::new(t.app.clone());
    let record = jobs.run_for(id).await.unwrap();
    assert_eq!(record.round.state, RoundState::Review);
    let once = snapshot(t, id).await;
    assert_eq!(once.state, RoundState::Review);
    assert_eq!(once.deferred, 2, "the latest two Ghanaians");
    assert_eq!(once.emails, emails_before + 2);
    let emails = t.store.list_outbox(10, 0).await.unwrap();
    let to: Vec<String> = emails.iter().map(|e| e.to.to_string()).collect();
    assert!(to.contains(&"person2@example.org".to_owned()), "{to:?}");
    assert!(to.contains(&"person3@example.org".to_owned()), "{to:?}");
    assert!(
        emails
            .iter()
            .all(|e| e.text_body.contains("Deferred") && e.text_body.contains("2026 Round 2"))
    );
    let audit = t.store.list_audit(20, 0).await.unwrap();
    assert!(audit.iter().any(|e| e.action == "round.country_cap"));
    assert!(audit.iter().any(|e| e.action == "round.transition"
        && e.detail.as_deref() == Some("open to review, by the date")));
    // The next date's job is queued: matching begins on 21 June.
    let next = date_job(t, id, RoundState::Review).await;
    assert_eq!(next.status, JobStatus::Pending);
    assert_eq!(next.run_at, record.round.settings.matching_at());

    // Running it again does nothing more.
    jobs.run_for(id).await.unwrap();
    assert_eq!(snapshot(t, id).await, once);
}

async fn a_fault_at_any_write_of_the_job_leaves_nothing_and_a_retry_succeeds(t: &TestApp) {
    let id = open_round_with_applicants(t).await;
    t.clock.advance(days(14));
    let jobs = DateJobs::new(t.app.clone());
    let before = snapshot(t, id).await;
    let mut step = 1;
    loop {
        t.store.fail_at_write_step(step);
        let result = jobs.run_for(id).await;
        if !t.store.fault_pending() {
            // The fault fired at this write: the whole transaction is gone.
            assert!(
                matches!(
                    result,
                    Err(iln_app::AppError::Store(StoreError::InjectedFault))
                ),
                "step {step}: {result:?}"
            );
            assert_eq!(snapshot(t, id).await, before, "step {step}");
            step += 1;
            continue;
        }
        // The job has fewer writes than `step`: it ran to the end.
        t.store.fail_at_write_step(0);
        result.unwrap();
        break;
    }
    assert!(
        step > 5,
        "the job writes the transition, cap, emails, audit and next job"
    );
    let after = snapshot(t, id).await;
    assert_eq!(after.state, RoundState::Review);
    assert_eq!(after.deferred, 2);
    assert_eq!(after.emails, before.emails + 2);
}

fn worker(t: &TestApp) -> Worker {
    Worker::new(
        t.store.clone(),
        t.clock.clone(),
        Registry::new().with(DATES_JOB, DateJobs::new(t.app.clone())),
        WorkerOptions::new(),
        std::sync::Arc::default(),
    )
}

async fn the_worker_runs_each_date_and_queues_the_next(t: &TestApp) {
    let id = new_round(t).await;
    let worker = worker(t);
    assert_eq!(
        worker.drain().await.unwrap(),
        0,
        "nothing due before 1 June"
    );
    t.clock.advance(days(5));
    assert_eq!(worker.drain().await.unwrap(), 1);
    assert_eq!(state_of(t, id).await, RoundState::Open);
    let opened = date_job(t, id, RoundState::Draft).await;
    assert_eq!(opened.status, JobStatus::Done);
    // A server down for three weeks catches up in one run, through open and review.
    t.clock.advance(days(21));
    assert_eq!(worker.drain().await.unwrap(), 1);
    assert_eq!(state_of(t, id).await, RoundState::Matching);
    // Matching waits for an admin to publish: no date job is left pending (the round's
    // surveys wait for their own days).
    let dates = t.store.list_jobs_of_kind(DATES_JOB, 100, 0).await.unwrap();
    let statuses: Vec<JobStatus> = dates.iter().map(|j| j.status).collect();
    assert!(!statuses.contains(&JobStatus::Pending), "{statuses:?}");
    let done = statuses.iter().filter(|s| **s == JobStatus::Done).count();
    assert_eq!(done, 2, "{statuses:?}");
}

async fn admin_transitions_move_the_job_on(t: &TestApp) {
    let id = new_round(t).await;
    let record =
        iln_app::rounds::transition(&t.app, &Actor::Cli, id, AdminAction::OpenApplications)
            .await
            .unwrap();
    assert_eq!(record.round.state, RoundState::Open);
    assert_eq!(state_of(t, id).await, RoundState::Open);
    let opening = date_job(t, id, RoundState::Draft).await;
    assert_eq!(opening.status, JobStatus::Cancelled);
    let closing = date_job(t, id, RoundState::Open).await;
    assert_eq!(closing.status, JobStatus::Pending);
    assert_eq!(closing.run_at, record.round.settings.closes_at());
    let audit = t.store.list_audit(10, 0).await.unwrap();
    assert!(
        audit
            .iter()
            .any(|e| e.detail.as_deref() == Some("draft to open, by an admin: open_applications"))
    );

    // Cancelling the round calls its pending job off and queues none.
    iln_app::rounds::transition(&t.app, &Actor::Cli, id, AdminAction::CloseRound)
        .await
        .unwrap();
    assert_eq!(state_of(t, id).await, RoundState::Closed);
    let counts = t.store.count_jobs().await.unwrap();
    assert!(counts.contains(&(JobStatus::Pending, 0)), "{counts:?}");
}

async fn refusals_are_typed(t: &TestApp) {
    let participant = Actor::User {
        id: iln_store::UserId(1),
        role: Role::Participant,
        countries: Vec::new(),
    };
    assert!(matches!(
        iln_app::rounds::create(&t.app, &participant, &form()).await,
        Err(RoundError::App(iln_app::AppError::Forbidden))
    ));
    let mut wrong = form();
    wrong.closes = "2026-05-01".to_owned();
    wrong.country_cap = "150".to_owned();
    let Err(RoundError::Invalid(problems)) =
        iln_app::rounds::create(&t.app, &Actor::Cli, &wrong).await
    else {
        panic!("a wrong form is refused with its problems");
    };
    let fields: Vec<&str> = problems.iter().map(|p| p.field().as_str()).collect();
    assert_eq!(fields, vec!["closes", "country_cap"]);
    assert_eq!(t.store.count_audit().await.unwrap(), 0);
    assert_eq!(t.store.count_jobs_of_kind(DATES_JOB).await.unwrap(), 0);

    let id = new_round(t).await;
    assert!(matches!(
        iln_app::rounds::transition(&t.app, &Actor::Cli, id, AdminAction::Publish).await,
        Err(RoundError::PublishElsewhere)
    ));
    assert!(matches!(
        iln_app::rounds::transition(&t.app, &Actor::Cli, id, AdminAction::StartMatching).await,
        Err(RoundError::WrongState(_))
    ));
    assert!(matches!(
        iln_app::rounds::transition(&t.app, &Actor::Cli, RoundId(999), AdminAction::CloseRound)
            .await,
        Err(RoundError::App(iln_app::AppError::NotFound))
    ));
    // Once the opening date has passed the settings are locked, whether or not the job ran.
    t.clock.advance(days(5));
    assert!(matches!(
        iln_app::rounds::edit(&t.app, &Actor::Cli, id, &form()).await,
        Err(RoundError::SettingsLocked { .. })
    ));
    assert_eq!(
        state_of(t, id).await,
        RoundState::Draft,
        "a refusal writes nothing"
    );

    // Interests: coordinators only (others are told the round does not exist), never empty.
    assert!(matches!(
        iln_app::rounds::edit_interests(&t.app, &participant, id, &["cats"]).await,
        Err(RoundError::App(iln_app::AppError::NotFound))
    ));
    assert!(matches!(
        iln_app::rounds::edit_interests(&t.app, &Actor::Cli, id, &["  ", ""]).await,
        Err(RoundError::NoInterests)
    ));
    let saved = iln_app::rounds::edit_interests(&t.app, &Actor::Cli, id, &["Rural libraries"])
        .await
        .unwrap();
    assert_eq!(saved.len(), 1);
}

async fn ensuring_the_jobs_is_idempotent(t: &TestApp) {
    // Rounds written straight through the store, as the demo and older databases have them.
    let settings = iln_domain::round::RoundSettings::parse(&form()).unwrap();
    let draft = t.store.create_round(&settings, t.app.now()).await.unwrap();
    let closed = t.store.create_round(&settings, t.app.now()).await.unwrap();
    t.store
        .set_round_state(closed, RoundState::Closed, t.app.now())
        .await
        .unwrap();
    assert_eq!(iln_app::rounds::ensure_date_jobs(&t.app).await.unwrap(), 1);
    assert_eq!(iln_app::rounds::ensure_date_jobs(&t.app).await.unwrap(), 1);
    assert_eq!(t.store.count_jobs_of_kind(DATES_JOB).await.unwrap(), 1);
    let job = date_job(t, draft, RoundState::Draft).await;
    assert_eq!(job.status, JobStatus::Pending);
}

#[test]
fn version_1_payloads_keep_loading() {
    // A payload as release 1 stored it.
    let stored = r#"{"v":1,"round":7}"#;
    assert_eq!(
        DatesPayload::parse(1, stored),
        Ok(DatesPayload { v: 1, round: 7 })
    );
    assert!(DatesPayload::parse(2, stored).is_err());
    assert!(DatesPayload::parse(1, r#"{"v":2,"round":7}"#).is_err());
    assert!(DatesPayload::parse(1, "not json").is_err());
}

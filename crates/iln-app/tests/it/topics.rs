//! Discussion topics, on both backends: a topic's release job queues every active
//! participant's email for the release time in that participant's own zone (half-hour zones
//! and daylight-saving changes included), once, under keys the database keeps unique; an edit
//! before the release goes out as edited, one after it never sends again; releasing now sends
//! at once; two releases racing queue each reader once; bad forms are refused by field.

use iln_app::Actor;
use iln_app::matching;
use iln_app::posts::{self, PostsError};
use iln_app::topics::{self, ReleaseJobs, TopicsError, email_key, release_job_key};
use iln_domain::account::{DisplayName, Email, Role};
use iln_domain::application::{Application, ApplicationForm, InterestCatalogue};
use iln_domain::proposal::MatchMode;
use iln_domain::round::{RoundForm, RoundSettings, RoundState};
use iln_domain::topic::{TopicError, TopicForm};
use iln_store::{
    ApplicationId, ApplicationStatus, EMAIL_JOB, EmailPayload, JobStatus, MatchOptions, NewUser,
    RoundId, TopicId,
};
use jiff::{Timestamp, Zoned};

use crate::app_tests;
use crate::support::TestApp;

app_tests!(
    topics_reach_each_reader_at_nine_in_their_own_zone_once,
    an_edit_before_release_goes_out_as_edited_and_after_it_never_again,
    releasing_now_sends_at_once_and_only_once,
    two_releases_racing_queue_each_reader_once,
    bad_topics_are_refused_by_field_and_only_admins_write,
    members_discuss_share_and_mark_and_coordinators_hide,
    members_log_contacts_and_the_round_shows_the_latest,
);

/// Partnerships from 15 February to 14 June 2027: New York moves to summer time on 14 March,
/// London on 28 March, Sydney back to standard time on 4 April.
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

/// The readers: country, time zone.
const READERS: [(&str, &str); 6] = [
    ("IN", "Asia/Kolkata"),
    ("US", "America/New_York"),
    ("GB", "Europe/London"),
    ("AU", "Australia/Sydney"),
    ("KE", "Africa/Nairobi"),
    ("BR", "America/Sao_Paulo"),
];

/// A published round of the six readers, with their application ids and zones.
pub async fn active_round(t: &TestApp) -> (RoundId, Vec<(ApplicationId, &'static str)>) {
    let now = t.app.now();
    let round = t.store.create_round(&settings(), now).await.unwrap();
    let mut readers = Vec::new();
    for (i, (country, zone)) in READERS.into_iter().enumerate() {
        let address = format!("reader{i}@example.org");
        let user = t
            .store
            .create_user(
                &NewUser {
                    display_name: DisplayName::parse(&format!("reader{i}")).unwrap(),
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
            name: format!("Reader {i}"),
            email: address,
            country: country.to_owned(),
            city: "Capital".to_owned(),
            time_zone: zone.to_owned(),
            institution: format!("Library {i}"),
            sector: "public".to_owned(),
            role: "Librarian".to_owned(),
            career_stage: "mid".to_owned(),
            interests: vec!["Open access".to_owned()],
            languages: vec!["en".to_owned()],
            communication: vec!["email".to_owned()],
            match_preference: "any".to_owned(),
            goals: "Talk about outreach".to_owned(),
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
        readers.push((id, zone));
    }
    t.store
        .set_round_state(round, RoundState::Matching, now)
        .await
        .unwrap();
    let settings = settings();
    let options = MatchOptions {
        weights: settings.weights,
        languages: settings.languages.clone(),
        mode: MatchMode::default(),
        leftover: settings.leftover,
    };
    matching::run(&t.app, &Actor::Cli, round, &options)
        .await
        .unwrap();
    matching::publish(&t.app, &Actor::Cli, round).await.unwrap();
    (round, readers)
}

fn form(title: &str, day: &str) -> TopicForm {
    TopicForm {
        title: title.to_owned(),
        body: "## Getting started\n\nTell your partner about your **work space**.".to_owned(),
        release_on: day.to_owned(),
        release_time: "09:00".to_owned(),
        resources: "10 networking tips | https://example.org/tips".to_owned(),
    }
}

/// 09:00 on `day` in `zone`.
fn nine(day: &str, zone: &str) -> Timestamp {
    format!("{day}T09:00[{zone}]")
        .parse::<Zoned>()
        .unwrap()
        .timestamp()
}

fn at(text: &str) -> Timestamp {
    text.parse().unwrap()
}

async fn topic_emails(t: &TestApp) -> Vec<(Option<String>, Timestamp, EmailPayload)> {
    t.store
        .list_jobs_of_kind(EMAIL_JOB, 1_000, 0)
        .await
        .unwrap()
        .into_iter()
        .filter(|job| {
            job.idempotency_key
                .as_deref()
                .is_some_and(|k| k.starts_with("topic-email:"))
        })
        .map(|job| {
            let payload = EmailPayload::from_job(&job).unwrap();
            (job.idempotency_key.clone(), job.run_at, payload)
        })
        .collect()
}

async fn topics_reach_each_reader_at_nine_in_their_own_zone_once(t: &TestApp) {
    let (round, readers) = active_round(t).await;
    let first = topics::create(
        &t.app,
        &Actor::Cli,
        round,
        None,
        &form("Getting to know you", "2027-03-01"),
    )
    .await
    .unwrap();
    let second = topics::create(
        &t.app,
        &Actor::Cli,
        round,
        None,
        &form("Libraries & Social Media", "2027-04-05"),
    )
    .await
    .unwrap();
    // The release job waits for the first 09:00 anywhere: UTC+14, the day before in UTC.
    let job = t
        .store
        .job_by_key(&release_job_key(first))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(job.run_at, at("2027-02-28T19:00:00Z"));
    assert_eq!(job.status, JobStatus::Pending);

    // Too early: nothing happens.
    t.clock.set(at("2027-02-28T18:59:00Z"));
    let jobs = ReleaseJobs::new(t.app.clone());
    assert_eq!(jobs.run_for(first).await.unwrap(), None);
    assert!(topic_emails(t).await.is_empty());

    for (topic, day) in [(first, "2027-03-01"), (second, "2027-04-05")] {
        let released_at = t
            .store
            .job_by_key(&release_job_key(topic))
            .await
            .unwrap()
            .unwrap()
            .run_at;
        t.clock.set(released_at);
        assert_eq!(jobs.run_for(topic).await.unwrap(), Some(readers.len()));
        // Once: a second run queues nothing.
        assert_eq!(jobs.run_for(topic).await.unwrap(), None);
        let emails = topic_emails(t).await;
        for (reader, zone) in &readers {
            let key = email_key(topic, *reader);
            let mine: Vec<_> = emails
                .iter()
                .filter(|(k, _, _)| k.as_deref() == Some(key.as_str()))
                .collect();
            assert_eq!(mine.len(), 1, "{key}");
            assert_eq!(mine[0].1, nine(day, zone), "{key} in {zone}");
        }
    }
    // Pages show it to each reader from the moment it reaches them, not before.
    let record = t.store.topic(first).await.unwrap().unwrap();
    let kolkata = iln_domain::timezone::TimeZoneName::parse("Asia/Kolkata").unwrap();
    let new_york = iln_domain::timezone::TimeZoneName::parse("America/New_York").unwrap();
    assert!(!record.is_out_for(&kolkata, at("2027-03-01T03:29:59Z")));
    assert!(record.is_out_for(&kolkata, at("2027-03-01T03:30:00Z")));
    assert!(!record.is_out_for(&new_york, at("2027-03-01T13:59:59Z")));
    assert!(record.is_out_for(&new_york, at("2027-03-01T14:00:00Z")));
    // The same 09:00, read in UTC, before and after the clocks changed.
    let due = |topic: TopicId, reader: usize| {
        let key = email_key(topic, readers[reader].0);
        async move { t.store.job_by_key(&key).await.unwrap().unwrap().run_at }
    };
    assert_eq!(due(first, 0).await, at("2027-03-01T03:30:00Z"), "Kolkata");
    assert_eq!(due(second, 0).await, at("2027-04-05T03:30:00Z"), "Kolkata");
    assert_eq!(
        due(first, 1).await,
        at("2027-03-01T14:00:00Z"),
        "New York, winter"
    );
    assert_eq!(
        due(second, 1).await,
        at("2027-04-05T13:00:00Z"),
        "New York, summer"
    );
    assert_eq!(
        due(first, 2).await,
        at("2027-03-01T09:00:00Z"),
        "London, winter"
    );
    assert_eq!(
        due(second, 2).await,
        at("2027-04-05T08:00:00Z"),
        "London, summer"
    );
    assert_eq!(
        due(first, 3).await,
        at("2027-02-28T22:00:00Z"),
        "Sydney, summer"
    );
    assert_eq!(
        due(second, 3).await,
        at("2027-04-04T23:00:00Z"),
        "Sydney, winter"
    );
    assert_eq!(topic_emails(t).await.len(), 2 * readers.len());
    let audit: Vec<String> = t
        .store
        .list_audit(50, 0)
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.action)
        .collect();
    assert_eq!(
        audit.iter().filter(|a| *a == "topic.release").count(),
        2,
        "{audit:?}"
    );
    assert_eq!(
        audit.iter().filter(|a| *a == "topic.create").count(),
        2,
        "{audit:?}"
    );
}

async fn an_edit_before_release_goes_out_as_edited_and_after_it_never_again(t: &TestApp) {
    let (round, readers) = active_round(t).await;
    let id = topics::create(
        &t.app,
        &Actor::Cli,
        round,
        None,
        &form("Technology & Libraries", "2027-03-15"),
    )
    .await
    .unwrap();
    // Moved a week later and retitled before it went out: the job moves with it.
    let mut edited = form("Technology & Libraries, Part 1", "2027-03-22");
    edited.release_time = "10:30".to_owned();
    topics::edit(&t.app, &Actor::Cli, id, &edited)
        .await
        .unwrap();
    let job = t
        .store
        .job_by_key(&release_job_key(id))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(job.run_at, at("2027-03-21T20:30:00Z"));
    t.clock.set(job.run_at);
    let jobs = ReleaseJobs::new(t.app.clone());
    assert_eq!(jobs.run_for(id).await.unwrap(), Some(readers.len()));
    let emails = topic_emails(t).await;
    assert_eq!(emails.len(), readers.len());
    for (_, due, email) in &emails {
        assert!(email.text_body.contains("Technology & Libraries, Part 1"));
        assert!(*due >= at("2027-03-21T20:30:00Z"));
    }
    let kolkata = email_key(id, readers[0].0);
    assert_eq!(
        t.store.job_by_key(&kolkata).await.unwrap().unwrap().run_at,
        at("2027-03-22T05:00:00Z"),
        "10:30 in Kolkata"
    );
    // After its release: the page changes, nothing is sent again, the day stays.
    t.clock.set(at("2027-03-25T12:00:00Z"));
    let later = topics::edit(
        &t.app,
        &Actor::Cli,
        id,
        &form("Technology & Libraries, Part 1 (corrected)", "2027-05-01"),
    )
    .await
    .unwrap();
    assert_eq!(
        later.topic.title,
        "Technology & Libraries, Part 1 (corrected)"
    );
    assert_eq!(later.topic.release.on.to_string(), "2027-03-22");
    assert_eq!(jobs.run_for(id).await.unwrap(), None);
    assert_eq!(topic_emails(t).await.len(), readers.len());
    let job = t
        .store
        .job_by_key(&release_job_key(id))
        .await
        .unwrap()
        .unwrap();
    // The edit after the release did not move (or re-arm) the release job.
    assert_eq!(job.run_at, at("2027-03-21T20:30:00Z"));
}

async fn releasing_now_sends_at_once_and_only_once(t: &TestApp) {
    let (round, readers) = active_round(t).await;
    let id = topics::create(
        &t.app,
        &Actor::Cli,
        round,
        None,
        &form("The role of Libraries in Disasters", "2027-05-03"),
    )
    .await
    .unwrap();
    let now = t.app.now();
    let queued = topics::release_now(&t.app, &Actor::Cli, id).await.unwrap();
    assert_eq!(queued, readers.len());
    // Released by hand: it reaches every zone now, and pages show it now.
    let record = t.store.topic(id).await.unwrap().unwrap();
    let sydney = iln_domain::timezone::TimeZoneName::parse("Australia/Sydney").unwrap();
    assert_eq!(record.reaches(&sydney), now);
    assert!(record.is_out_for(&sydney, now));
    for (_, due, _) in topic_emails(t).await {
        assert_eq!(due, now);
    }
    let again = topics::release_now(&t.app, &Actor::Cli, id).await;
    assert!(
        matches!(again, Err(TopicsError::AlreadyReleased)),
        "{again:?}"
    );
    // The scheduled release is called off, and would find nothing to do anyway.
    let job = t
        .store
        .job_by_key(&release_job_key(id))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(job.status, JobStatus::Cancelled);
    t.clock.set(at("2027-05-03T12:00:00Z"));
    assert_eq!(
        ReleaseJobs::new(t.app.clone()).run_for(id).await.unwrap(),
        None
    );
    assert_eq!(topic_emails(t).await.len(), readers.len());
}

async fn two_releases_racing_queue_each_reader_once(t: &TestApp) {
    let (round, readers) = active_round(t).await;
    let id = topics::create(
        &t.app,
        &Actor::Cli,
        round,
        None,
        &form("Conferences & Events", "2027-05-17"),
    )
    .await
    .unwrap();
    t.clock.set(at("2027-05-17T00:00:00Z"));
    // Two workers, each with its own handler, release the same topic at the same moment.
    let (a, b) = (
        ReleaseJobs::new(t.app.clone()),
        ReleaseJobs::new(t.app.clone()),
    );
    let (first, second) = tokio::join!(a.run_for(id), b.run_for(id));
    let (first, second) = (first.unwrap(), second.unwrap());
    // Exactly one of them released it.
    assert_eq!(
        [first, second].iter().flatten().sum::<usize>(),
        readers.len(),
        "{first:?} {second:?}"
    );
    assert!(first.is_none() || second.is_none(), "{first:?} {second:?}");
    let emails = topic_emails(t).await;
    assert_eq!(emails.len(), readers.len());
    for (reader, _) in &readers {
        let key = email_key(id, *reader);
        assert_eq!(
            emails
                .iter()
                .filter(|(k, _, _)| k.as_deref() == Some(key.as_str()))
                .count(),
            1
        );
    }
}

async fn bad_topics_are_refused_by_field_and_only_admins_write(t: &TestApp) {
    let (round, readers) = active_round(t).await;
    let before = t.store.count_audit().await.unwrap();
    let mut bad = form("", "2027-01-01");
    bad.body = "   ".to_owned();
    bad.release_time = "25:00".to_owned();
    bad.resources = "Tips | javascript:alert(1)\nNo link |".to_owned();
    let refused = topics::create(&t.app, &Actor::Cli, round, None, &bad).await;
    let Err(TopicsError::Invalid(errors)) = refused else {
        panic!("{refused:?}");
    };
    assert!(errors.contains(&TopicError::TitleMissing), "{errors:?}");
    assert!(errors.contains(&TopicError::BodyMissing), "{errors:?}");
    assert!(
        errors
            .iter()
            .any(|e| matches!(e, TopicError::BeforeRoundStarts { .. })),
        "{errors:?}"
    );
    assert!(
        errors
            .iter()
            .any(|e| matches!(e, TopicError::ReleaseTime(_))),
        "{errors:?}"
    );
    assert!(
        errors
            .iter()
            .any(|e| matches!(e, TopicError::ResourceLink { line: 1, .. })),
        "{errors:?}"
    );
    assert!(
        errors
            .iter()
            .any(|e| matches!(e, TopicError::ResourceWithoutLink { line: 2 })),
        "{errors:?}"
    );
    let late = topics::create(
        &t.app,
        &Actor::Cli,
        round,
        None,
        &form("Late", "2027-07-01"),
    )
    .await;
    assert!(
        matches!(&late, Err(TopicsError::Invalid(e)) if matches!(e[..], [TopicError::AfterRoundEnds { .. }])),
        "{late:?}"
    );
    let participant = Actor::User {
        id: t
            .store
            .application(readers[0].0)
            .await
            .unwrap()
            .unwrap()
            .user,
        role: Role::Participant,
        countries: Vec::new(),
    };
    let forbidden = topics::create(
        &t.app,
        &participant,
        round,
        None,
        &form("Mine", "2027-03-01"),
    )
    .await;
    assert!(
        matches!(
            forbidden,
            Err(TopicsError::App(iln_app::AppError::Forbidden))
        ),
        "{forbidden:?}"
    );
    // A part of a part is refused; a part of a topic is fine.
    let parent = topics::create(
        &t.app,
        &Actor::Cli,
        round,
        None,
        &form("Libraries & Social Media", "2027-03-01"),
    )
    .await
    .unwrap();
    let part = topics::create(
        &t.app,
        &Actor::Cli,
        round,
        Some(parent),
        &form("A Pinterest Roundup", "2027-03-08"),
    )
    .await
    .unwrap();
    let nested = topics::create(
        &t.app,
        &Actor::Cli,
        round,
        Some(part),
        &form("Too deep", "2027-03-09"),
    )
    .await;
    assert!(matches!(nested, Err(TopicsError::BadParent)), "{nested:?}");
    assert_eq!(t.store.count_audit().await.unwrap(), before + 2);
    assert_eq!(
        t.store.topic(part).await.unwrap().unwrap().part_of,
        Some(parent)
    );
}

async fn members_discuss_share_and_mark_and_coordinators_hide(t: &TestApp) {
    let (round, readers) = active_round(t).await;
    let id = topics::create(
        &t.app,
        &Actor::Cli,
        round,
        None,
        &form("Disasters", "2027-03-01"),
    )
    .await
    .unwrap();
    let member = |i: usize| {
        let application = readers[i].0;
        async move {
            Actor::User {
                id: t
                    .store
                    .application(application)
                    .await
                    .unwrap()
                    .unwrap()
                    .user,
                role: Role::Participant,
                countries: Vec::new(),
            }
        }
    };
    let (ana, ben) = (member(0).await, member(1).await);
    // Not out yet: nobody discusses it.
    let early = posts::post_in_topic(&t.app, &ana, id, "Hello").await;
    assert!(matches!(early, Err(PostsError::NotReleased)), "{early:?}");
    topics::release_now(&t.app, &Actor::Cli, id).await.unwrap();
    let post = posts::post_in_topic(
        &t.app,
        &ana,
        id,
        "  Our flood plan: https://example.org/plan  ",
    )
    .await
    .unwrap();
    let stored = t.store.post(post).await.unwrap().unwrap();
    assert_eq!(stored.body, "Our flood plan: https://example.org/plan");
    assert_eq!(stored.author_name, "reader0");
    let not_yours = posts::edit(&t.app, &ben, post, "Mine").await;
    assert!(
        matches!(not_yours, Err(PostsError::NotYours)),
        "{not_yours:?}"
    );
    posts::edit(&t.app, &ana, post, "Our flood plan, updated")
        .await
        .unwrap();
    let forbidden = posts::set_hidden(&t.app, &ben, post, true).await;
    assert!(
        matches!(
            forbidden,
            Err(PostsError::App(iln_app::AppError::Forbidden))
        ),
        "{forbidden:?}"
    );
    posts::set_hidden(&t.app, &Actor::Cli, post, true)
        .await
        .unwrap();
    assert!(
        t.store
            .post(post)
            .await
            .unwrap()
            .unwrap()
            .hidden_at
            .is_some()
    );
    posts::set_hidden(&t.app, &Actor::Cli, post, false)
        .await
        .unwrap();
    posts::delete(&t.app, &ana, post).await.unwrap();
    let gone = t.store.post(post).await.unwrap().unwrap();
    assert!(gone.deleted_at.is_some());
    assert!(gone.body.is_empty());
    let again = posts::delete(&t.app, &ana, post).await;
    assert!(matches!(again, Err(PostsError::Deleted)), "{again:?}");

    let shared = posts::share(
        &t.app,
        &ben,
        round,
        "https://example.org/dfaj",
        "Free Arab journals",
    )
    .await
    .unwrap();
    let board = t
        .store
        .thread_posts(round, iln_store::Thread::Board)
        .await
        .unwrap();
    assert_eq!(board.len(), 1);
    assert_eq!(board[0].id, shared);
    assert_eq!(board[0].url.as_deref(), Some("https://example.org/dfaj"));
    let thread = t
        .store
        .thread_posts(round, iln_store::Thread::Topic(id))
        .await
        .unwrap();
    assert_eq!(thread.len(), 1);

    // Marked twice, counted once; unmarked, gone.
    let partnership = posts::mark_discussed(&t.app, &ana, id, true).await.unwrap();
    posts::mark_discussed(&t.app, &ana, id, true).await.unwrap();
    assert_eq!(
        t.store
            .topic_discussions(id)
            .await
            .unwrap()
            .iter()
            .map(|(p, _)| *p)
            .collect::<Vec<_>>(),
        vec![partnership]
    );
    posts::mark_discussed(&t.app, &ana, id, false)
        .await
        .unwrap();
    assert!(t.store.topic_discussions(id).await.unwrap().is_empty());

    // A stranger to the round gets nothing, as if the thread did not exist.
    let stranger = Actor::User {
        id: iln_store::UserId(999_999),
        role: Role::Participant,
        countries: Vec::new(),
    };
    let hidden = posts::post_in_topic(&t.app, &stranger, id, "Hi").await;
    assert!(
        matches!(hidden, Err(PostsError::App(iln_app::AppError::NotFound))),
        "{hidden:?}"
    );
}

async fn members_log_contacts_and_the_round_shows_the_latest(t: &TestApp) {
    use iln_app::contacts::{self, ContactInput, ContactsError};
    use iln_domain::contact::{ContactError, ContactWay};

    let (round, _) = active_round(t).await;
    let partnerships = t.store.round_partnerships(round).await.unwrap();
    let first = &partnerships[0];
    let member = Actor::User {
        id: first.members[0].user,
        role: Role::Participant,
        countries: Vec::new(),
    };
    let zone = iln_domain::timezone::TimeZoneName::parse("Asia/Kolkata").unwrap();
    let input = |day: &str, way: &str| ContactInput {
        day: day.to_owned(),
        way: way.to_owned(),
        topic: None,
    };
    t.clock.advance(jiff::SignedDuration::from_hours(24 * 3));
    contacts::log(&t.app, &member, first.id, &input("", "video"), &zone)
        .await
        .unwrap();
    let earlier = zone
        .local(t.app.now())
        .date()
        .checked_sub(jiff::Span::new().days(2))
        .unwrap()
        .to_string();
    contacts::log(&t.app, &member, first.id, &input(&earlier, "email"), &zone)
        .await
        .unwrap();
    let last = t.store.last_contacts(round).await.unwrap();
    assert_eq!(last.len(), 1);
    assert_eq!(
        last[&first.id].way,
        ContactWay::Video,
        "the latest day wins"
    );
    assert_eq!(t.store.contacts_of(first.id).await.unwrap().len(), 2);
    let future = contacts::log(
        &t.app,
        &member,
        first.id,
        &input("2999-01-01", "email"),
        &zone,
    )
    .await;
    assert!(
        matches!(
            future,
            Err(ContactsError::Invalid(ContactError::Future { .. }))
        ),
        "{future:?}"
    );
    let other = contacts::log(
        &t.app,
        &member,
        partnerships[1].id,
        &input("", "email"),
        &zone,
    )
    .await;
    assert!(
        matches!(other, Err(ContactsError::App(iln_app::AppError::NotFound))),
        "{other:?}"
    );
    matching::end_partnership(&t.app, &Actor::Cli, first.id, "Moved on")
        .await
        .unwrap();
    let closed = contacts::log(&t.app, &member, first.id, &input("", "email"), &zone).await;
    assert!(
        matches!(closed, Err(ContactsError::NotRunning)),
        "{closed:?}"
    );
}

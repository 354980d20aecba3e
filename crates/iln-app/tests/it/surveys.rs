//! Surveys, on both backends with the clock moved by hand: new rounds get the default (or
//! the previous round's) surveys; a survey opens on its morning with one personal link each;
//! answers are taken, changed and refused as they should be; reminders reach only those who
//! have not answered; results add up within each reader's scope.

use iln_app::Actor;
use iln_app::export::{self, What};
use iln_app::surveys::{self, BuildError, LinkError, OPEN_JOB, REMINDER_JOB, SurveyJobs};
use iln_domain::account::Role;
use iln_domain::country::CountryCode;
use iln_domain::round::RoundForm;
use iln_domain::survey::{QuestionForm, SurveyForm, SurveyKind, Tally};
use iln_store::{EMAIL_JOB, EmailPayload};

use crate::app_tests;
use crate::support::TestApp;
use crate::topics::active_round;

app_tests!(
    new_rounds_start_with_surveys_copied_from_the_last_round,
    a_survey_opens_is_answered_reminded_and_adds_up,
);

async fn mail_to(t: &TestApp, to: &str) -> Vec<EmailPayload> {
    t.store
        .list_jobs_of_kind(EMAIL_JOB, 10_000, 0)
        .await
        .unwrap()
        .iter()
        .map(|j| EmailPayload::from_job(j).unwrap())
        .filter(|e| e.to == to)
        .collect()
}

/// The secrets of every survey link emailed to `to`.
async fn links_of(t: &TestApp, to: &str) -> Vec<String> {
    mail_to(t, to)
        .await
        .iter()
        .filter_map(|m| {
            let start = m.text_body.find("/survey?t=")? + "/survey?t=".len();
            m.text_body[start..]
                .split(['"', ' ', '\n', '&'])
                .next()
                .map(str::to_owned)
        })
        .collect()
}

/// The secret of the one survey link emailed to `to`.
async fn link_of(t: &TestApp, to: &str) -> String {
    let links = links_of(t, to).await;
    assert_eq!(links.len(), 1, "{to}: {links:?}");
    links[0].clone()
}

async fn run(t: &TestApp, kind: &str, key: &str) -> usize {
    let job = t.store.job_by_key(key).await.unwrap().unwrap();
    assert_eq!(job.kind, kind);
    SurveyJobs::new(t.app.clone())
        .run_job(&job.kind, job.payload_version, &job.payload)
        .await
        .unwrap()
}

fn round_form(name: &str, opens: &str, starts: &str) -> RoundForm {
    RoundForm {
        name: name.to_owned(),
        time_zone: "UTC".to_owned(),
        opens: opens.to_owned(),
        closes: "2027-01-31".to_owned(),
        matching: "2027-02-07".to_owned(),
        starts: starts.to_owned(),
        languages: "en".to_owned(),
        ..RoundForm::default()
    }
}

async fn new_rounds_start_with_surveys_copied_from_the_last_round(t: &TestApp) {
    let first = iln_app::rounds::create(
        &t.app,
        &Actor::Cli,
        &round_form("2027 Round 1", "2027-01-04", "2027-02-15"),
    )
    .await
    .unwrap();
    let surveys = t.store.round_surveys(first).await.unwrap();
    let kinds: Vec<SurveyKind> = surveys.iter().map(|s| s.survey.kind).collect();
    assert_eq!(kinds, vec![SurveyKind::MidRound, SurveyKind::EndOfRound]);
    let settings = t.store.round(first).await.unwrap().unwrap().round.settings;
    for s in &surveys {
        let job = t
            .store
            .job_by_key(&surveys::open_job_key(s.id))
            .await
            .unwrap()
            .unwrap();
        assert_eq!(job.run_at, s.survey.opens_at(&settings));
        assert!(
            t.store
                .job_by_key(&surveys::reminder_job_key(s.id, 1))
                .await
                .unwrap()
                .is_some()
        );
    }
    // The admin renames a question's text; the next round starts from that, same keys.
    let mut form = surveys[0].survey.form();
    form.questions[0].prompt = "All in all, how satisfied are you?".to_owned();
    surveys::update(&t.app, &Actor::Cli, surveys[0].id, &form)
        .await
        .unwrap();
    let mut second_form = round_form("2027 Round 2", "2027-01-05", "2027-08-16");
    second_form.closes = "2027-07-31".to_owned();
    second_form.matching = "2027-08-07".to_owned();
    let second = iln_app::rounds::create(&t.app, &Actor::Cli, &second_form)
        .await
        .unwrap();
    let copied = t.store.round_surveys(second).await.unwrap();
    assert_eq!(copied.len(), 2);
    assert_eq!(
        copied[0].survey.questions[0].prompt,
        "All in all, how satisfied are you?"
    );
    assert_eq!(
        copied[0].survey.questions[0].key,
        surveys[0].survey.questions[0].key
    );
    assert!(copied[0].survey.opens_on > surveys[1].survey.closes_on);
}

fn survey_form(opens: &str, closes: &str, anonymous: bool) -> SurveyForm {
    let q = |prompt: &str, kind: &str, options: &str, required: bool| QuestionForm {
        prompt: prompt.to_owned(),
        kind: kind.to_owned(),
        options: options.to_owned(),
        low: "Poor".to_owned(),
        high: "Great".to_owned(),
        required,
        ..QuestionForm::default()
    };
    SurveyForm {
        title: "Mid-round survey".to_owned(),
        kind: "mid_round".to_owned(),
        intro: "Five minutes.".to_owned(),
        opens_on: opens.to_owned(),
        closes_on: closes.to_owned(),
        anonymous,
        reminders: "3, 7".to_owned(),
        questions: vec![
            q("How satisfied are you?", "rating", "", true),
            q(
                "How often are you in touch?",
                "single",
                "Weekly\nMonthly\nNever",
                true,
            ),
            q("Anything to tell us?", "text", "", false),
        ],
    }
}

async fn a_survey_opens_is_answered_reminded_and_adds_up(t: &TestApp) {
    let (round, readers) = active_round(t).await;
    let participant = Actor::User {
        id: iln_store::UserId(1),
        role: Role::Participant,
        countries: Vec::new(),
    };
    // Only admins build; a wrong form writes nothing.
    let refused = surveys::create(
        &t.app,
        &participant,
        round,
        &survey_form("2027-03-01", "2027-03-14", true),
    )
    .await;
    assert!(
        matches!(refused, Err(BuildError::App(iln_app::AppError::Forbidden))),
        "{refused:?}"
    );
    let wrong = surveys::create(
        &t.app,
        &Actor::Cli,
        round,
        &survey_form("2026-03-01", "2027-03-14", true),
    )
    .await;
    assert!(matches!(wrong, Err(BuildError::Invalid(_))), "{wrong:?}");
    assert!(t.store.round_surveys(round).await.unwrap().is_empty());

    let id = surveys::create(
        &t.app,
        &Actor::Cli,
        round,
        &survey_form("2027-03-01", "2027-03-14", true),
    )
    .await
    .unwrap();
    let stored = t.store.survey(id).await.unwrap().unwrap();
    let settings = t.store.round(round).await.unwrap().unwrap().round.settings;
    let opens = stored.survey.opens_at(&settings);
    let open_key = surveys::open_job_key(id);
    assert_eq!(
        t.store.job_by_key(&open_key).await.unwrap().unwrap().run_at,
        opens
    );

    // The opening morning: each of the six readers gets one link; running again sends none.
    t.clock.set(opens);
    assert_eq!(run(t, OPEN_JOB, &open_key).await, 6);
    assert_eq!(run(t, OPEN_JOB, &open_key).await, 0);
    let again = surveys::update(
        &t.app,
        &Actor::Cli,
        id,
        &survey_form("2027-03-01", "2027-03-20", true),
    )
    .await;
    assert!(matches!(again, Err(BuildError::AlreadyOpen)), "{again:?}");
    let emails: Vec<String> = (0..readers.len())
        .map(|i| format!("reader{i}@example.org"))
        .collect();
    let links = {
        let mut links = Vec::new();
        for e in &emails {
            links.push(link_of(t, e).await);
        }
        links
    };
    let keys: Vec<String> = stored
        .survey
        .questions
        .iter()
        .map(|q| q.key.as_str().to_owned())
        .collect();
    let fields = |rating: &str, often: &str, text: &str| {
        vec![
            (keys[0].clone(), rating.to_owned()),
            (keys[1].clone(), often.to_owned()),
            (keys[2].clone(), text.to_owned()),
        ]
    };

    // Wrong answers are refused and nothing is stored.
    let bad = surveys::answer(&t.app, &links[0], None, &fields("9", "Daily", "")).await;
    assert!(
        matches!(&bad, Err(LinkError::Invalid(e)) if e.len() == 2),
        "{bad:?}"
    );
    assert!(t.store.survey_responses(id).await.unwrap().is_empty());
    // Forged links and someone else's are refused.
    assert!(matches!(
        surveys::look(&t.app, "forged", None).await,
        Err(LinkError::Unknown)
    ));
    let reader1 = t
        .store
        .user_by_email(&iln_domain::account::Email::parse(&emails[1]).unwrap())
        .await
        .unwrap()
        .unwrap();
    let other = surveys::answer(
        &t.app,
        &links[0],
        Some(reader1.id),
        &fields("4", "Weekly", ""),
    )
    .await;
    assert!(matches!(other, Err(LinkError::SomeoneElse)), "{other:?}");

    // Two answer; the first changes their mind: still one response each.
    assert!(
        !surveys::answer(&t.app, &links[0], None, &fields("2", "Never", "Too quiet"))
            .await
            .unwrap()
    );
    assert!(
        surveys::answer(
            &t.app,
            &links[0],
            None,
            &fields("3", "Monthly", "Better now")
        )
        .await
        .unwrap()
    );
    assert!(
        !surveys::answer(
            &t.app,
            &links[1],
            Some(reader1.id),
            &fields("5", "Weekly", "")
        )
        .await
        .unwrap()
    );
    let view = surveys::look(&t.app, &links[0], None).await.unwrap();
    assert_eq!(
        view.answers
            .unwrap()
            .answers
            .get(&stored.survey.questions[1].key),
        Some(&iln_domain::survey::AnswerValue::Choice(
            "Monthly".to_owned()
        ))
    );
    let responses = t.store.survey_responses(id).await.unwrap();
    assert_eq!(responses.len(), 2);
    assert!(
        responses.iter().all(|r| r.user.is_none()),
        "anonymous: no person kept"
    );

    // The first reminder, three days on, goes to the four who have not answered, with a new
    // link; their first link stops working, the answered ones' keep working.
    t.clock.set(opens + jiff::SignedDuration::from_hours(72));
    let reminder = surveys::reminder_job_key(id, 0);
    assert_eq!(run(t, REMINDER_JOB, &reminder).await, 4);
    assert_eq!(run(t, REMINDER_JOB, &reminder).await, 0, "reminded once");
    for (n, email) in emails.iter().enumerate() {
        let reminded = mail_to(t, email)
            .await
            .iter()
            .filter(|m| m.text_body.contains("reminder: true"))
            .count();
        assert_eq!(reminded, usize::from(n >= 2), "{email}");
    }
    assert!(matches!(
        surveys::look(&t.app, &links[2], None).await,
        Err(LinkError::Unknown)
    ));
    assert!(surveys::look(&t.app, &links[0], None).await.is_ok());
    let fresh = links_of(t, &emails[2])
        .await
        .into_iter()
        .find(|l| *l != links[2])
        .unwrap();
    surveys::answer(
        &t.app,
        &fresh,
        None,
        &fields("4", "Weekly", "Lovely partner"),
    )
    .await
    .unwrap();
    let second = surveys::reminder_job_key(id, 1);
    t.clock
        .set(opens + jiff::SignedDuration::from_hours(24 * 7));
    assert_eq!(
        run(t, REMINDER_JOB, &second).await,
        3,
        "only those still silent"
    );

    // Results: three answers of six; free text hidden (anonymous, fewer than five).
    let results = surveys::results(&t.app, &Actor::Cli, id, None)
        .await
        .unwrap();
    assert_eq!((results.invited, results.answered), (6, 3));
    match &results.questions[0].tally {
        Tally::Rating {
            counts, average, ..
        } => {
            assert_eq!(counts, &[0, 0, 1, 1, 1]);
            assert_eq!(*average, Some(4.0));
        }
        other => panic!("{other:?}"),
    }
    assert!(matches!(
        results.questions[2].tally,
        Tally::Text { hidden: true, .. }
    ));
    // A country coordinator sees their country only; a participant nothing.
    let india = CountryCode::parse("IN").unwrap();
    let coordinator = Actor::User {
        id: reader1.id,
        role: Role::CountryCoordinator,
        countries: vec![india],
    };
    let theirs = surveys::results(&t.app, &coordinator, id, None)
        .await
        .unwrap();
    assert_eq!(theirs.invited, 1);
    assert_eq!(
        theirs.countries,
        vec![india],
        "a coordinator narrows to their own only"
    );
    assert_eq!(results.countries.len(), 6);
    assert!(theirs.by_country.iter().all(|r| r.country == india));
    let elsewhere = surveys::results(
        &t.app,
        &coordinator,
        id,
        Some(CountryCode::parse("GB").unwrap()),
    )
    .await;
    assert!(matches!(elsewhere, Err(iln_app::AppError::NotFound)));
    assert!(matches!(
        surveys::results(&t.app, &participant, id, None).await,
        Err(iln_app::AppError::NotFound)
    ));
    let (header, rows) = surveys::export(&t.app, &Actor::Cli, id).await.unwrap();
    assert_eq!(
        header.len(),
        4,
        "country and three questions, no person: {header:?}"
    );
    assert_eq!(rows.len(), 3);
    assert!(
        rows.iter().all(|r| r[3].is_empty()),
        "hidden free text stays out"
    );

    // The round's export: a row per answer, ratings in their own number column, hidden free
    // text and the people of an anonymous survey left out; a coordinator's countries only.
    let table = export::table(&t.app, &Actor::Cli, round, What::Surveys)
        .await
        .unwrap();
    assert_eq!(
        table.header,
        [
            "survey",
            "survey_title",
            "question",
            "prompt",
            "country",
            "person",
            "rating",
            "answer",
            "submitted_at"
        ]
    );
    assert_eq!(table.kind(6), export::Kind::Integer);
    assert_eq!(
        table.rows.len(),
        6,
        "a rating and a choice each: {:?}",
        table.rows
    );
    let mut ratings: Vec<&str> = table
        .rows
        .iter()
        .filter(|r| !r[6].is_empty())
        .map(|r| r[6].as_str())
        .collect();
    ratings.sort_unstable();
    assert_eq!(ratings, ["3", "4", "5"]);
    assert!(table.rows.iter().all(|r| r[5].is_empty()), "anonymous");
    assert!(!table.rows.iter().any(|r| r[7].contains("Better now")));
    let theirs = export::table(&t.app, &coordinator, round, What::Surveys)
        .await
        .unwrap();
    assert_eq!(theirs.rows.len(), 2);
    assert!(
        theirs.rows.iter().all(|r| r[4] == "IN"),
        "{:?}",
        theirs.rows
    );
    assert!(matches!(
        export::table(&t.app, &participant, round, What::Surveys).await,
        Err(iln_app::AppError::NotFound)
    ));

    // After the last day: answers are refused, and what was given stays.
    t.clock.set(stored.survey.closes_at(&settings));
    let late = surveys::answer(&t.app, &links[0], None, &fields("1", "Never", "")).await;
    assert!(
        matches!(late, Err(LinkError::Closed { answered: true, .. })),
        "{late:?}"
    );
    assert_eq!(t.store.survey_responses(id).await.unwrap().len(), 3);
    assert_eq!(
        run(t, REMINDER_JOB, &second).await,
        0,
        "no reminders after closing"
    );
}

//! The end of a round, on both backends with the clock moved by hand: on the end date the
//! round's job ends every partnership, opens the end-of-round survey and thanks everyone
//! with their own survey link and their certificate; closing early thanks them without a
//! survey and calls the surveys off; certificates exist only for members of a closed round.

use iln_app::Actor;
use iln_app::ending::{self, ENDED_EARLY, ENDED_WITH_ROUND};
use iln_app::rounds::DateJobs;
use iln_app::surveys::{self, OPEN_JOB, SurveyJobs};
use iln_domain::account::Role;
use iln_domain::contact::ContactWay;
use iln_domain::round::{AdminAction, RoundForm, RoundState};
use iln_domain::survey::{self as survey, SurveyKind};
use iln_store::{EMAIL_JOB, EmailPayload, JobStatus, RoundId};

use crate::app_tests;
use crate::support::TestApp;
use crate::topics::active_round;

app_tests!(
    the_round_ends_by_itself_thanks_everyone_and_gives_certificates,
    closing_early_thanks_everyone_without_a_survey,
    a_round_runs_from_mid_round_to_its_close_and_its_alumni_network,
    results_compare_with_the_same_question_in_earlier_rounds,
);

async fn thanks(t: &TestApp) -> Vec<EmailPayload> {
    t.store
        .list_jobs_of_kind(EMAIL_JOB, 10_000, 0)
        .await
        .unwrap()
        .iter()
        .map(|j| EmailPayload::from_job(j).unwrap())
        .filter(|e| e.text_body.contains("ThankYou"))
        .collect()
}

/// The default end-of-round survey, added to a round made without one.
async fn end_survey(t: &TestApp, round: RoundId) -> iln_store::SurveyId {
    let settings = t.store.round(round).await.unwrap().unwrap().round.settings;
    let [_, end] = survey::defaults(&settings);
    surveys::create(&t.app, &Actor::Cli, round, &end.form())
        .await
        .unwrap()
}

async fn the_round_ends_by_itself_thanks_everyone_and_gives_certificates(t: &TestApp) {
    let (round, _) = active_round(t).await;
    let survey_id = end_survey(t, round).await;
    let partnerships = t.store.round_partnerships(round).await.unwrap();
    let member = &partnerships[0].members[0];
    let partner = &partnerships[0].members[1];
    let me = Actor::User {
        id: member.user,
        role: Role::Participant,
        countries: Vec::new(),
    };
    let settings = t.store.round(round).await.unwrap().unwrap().round.settings;
    // A contact logged in the round shows on the certificate; none exists before the end.
    t.clock
        .set(settings.starts_at() + jiff::SignedDuration::from_hours(24 * 3));
    iln_app::contacts::log(
        &t.app,
        &me,
        partnerships[0].id,
        &iln_app::contacts::ContactInput {
            day: String::new(),
            way: "video".to_owned(),
            topic: None,
        },
        &iln_domain::timezone::TimeZoneName::utc(),
    )
    .await
    .unwrap();
    assert!(matches!(
        ending::certificate(&t.app, &me, round).await,
        Err(iln_app::AppError::NotFound)
    ));

    // The end of the last day: the date job closes the round.
    t.clock.set(settings.ends_at());
    let closed = DateJobs::new(t.app.clone()).run_for(round).await.unwrap();
    assert_eq!(closed.round.state, RoundState::Closed);
    let after = t.store.round_partnerships(round).await.unwrap();
    assert!(after.iter().all(|p| !p.is_running()));
    assert!(after.iter().all(|p| {
        p.ended
            .as_ref()
            .is_some_and(|e| e.reason == ENDED_WITH_ROUND)
    }));
    // Everyone is thanked once, with their own survey link and the certificate.
    let sent = thanks(t).await;
    assert_eq!(sent.len(), 6);
    let links: std::collections::BTreeSet<&str> = sent
        .iter()
        .map(|m| {
            let start = m.text_body.find("/survey?t=").unwrap();
            m.text_body[start..].split('"').next().unwrap()
        })
        .collect();
    assert_eq!(links.len(), 6, "a link of their own each");
    assert!(sent.iter().all(|m| m.text_body.contains("/certificate")));
    assert!(sent.iter().all(|m| m.text_body.contains("early: false")));
    // The survey opened with the close; its own job later invites nobody again.
    let stored = t.store.survey(survey_id).await.unwrap().unwrap();
    assert_eq!(stored.survey.kind, SurveyKind::EndOfRound);
    assert!(stored.opened_at.is_some());
    assert_eq!(
        t.store.survey_invitations(survey_id).await.unwrap().len(),
        6
    );
    let job = t
        .store
        .job_by_key(&surveys::open_job_key(survey_id))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(job.status, JobStatus::Cancelled);
    let again = SurveyJobs::new(t.app.clone())
        .run_job(OPEN_JOB, job.payload_version, &job.payload)
        .await
        .unwrap();
    assert_eq!(again, 0);
    // Running the round's job again thanks nobody twice.
    DateJobs::new(t.app.clone()).run_for(round).await.unwrap();
    assert_eq!(thanks(t).await.len(), 6);

    // The certificate: the member's own, with the partner's country and the contact.
    let c = ending::certificate(&t.app, &me, round).await.unwrap();
    assert_eq!(c.name, member.profile.name);
    assert_eq!(c.partner_countries, vec![partner.country.name().to_owned()]);
    assert_eq!(c.contacts.len(), 1);
    assert_eq!(c.contacts[0].1, ContactWay::Video);
    assert_eq!((c.starts, c.ended), (settings.starts, settings.ends));
    assert_eq!(
        ending::certificates_of(&t.app, member.user).await.unwrap(),
        vec![(round, settings.name.to_string())]
    );
    // Someone outside the round has none; nor has the platform itself.
    let stranger = Actor::User {
        id: iln_store::UserId(9_999),
        role: Role::Participant,
        countries: Vec::new(),
    };
    assert!(matches!(
        ending::certificate(&t.app, &stranger, round).await,
        Err(iln_app::AppError::NotFound)
    ));
    assert!(matches!(
        ending::certificate(&t.app, &Actor::System, round).await,
        Err(iln_app::AppError::NotFound)
    ));
}

async fn closing_early_thanks_everyone_without_a_survey(t: &TestApp) {
    let (round, _) = active_round(t).await;
    let survey_id = end_survey(t, round).await;
    let settings = t.store.round(round).await.unwrap().unwrap().round.settings;
    t.clock
        .set(settings.starts_at() + jiff::SignedDuration::from_hours(24 * 20));
    iln_app::rounds::transition(&t.app, &Actor::Cli, round, AdminAction::CloseRound)
        .await
        .unwrap();
    let after = t.store.round_partnerships(round).await.unwrap();
    assert!(
        after
            .iter()
            .all(|p| p.ended.as_ref().is_some_and(|e| e.reason == ENDED_EARLY))
    );
    let sent = thanks(t).await;
    assert_eq!(sent.len(), 6);
    assert!(sent.iter().all(|m| m.text_body.contains("early: true")));
    assert!(sent.iter().all(|m| m.text_body.contains("survey: None")));
    assert!(
        t.store
            .survey(survey_id)
            .await
            .unwrap()
            .unwrap()
            .opened_at
            .is_none()
    );
    let job = t
        .store
        .job_by_key(&surveys::open_job_key(survey_id))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(job.status, JobStatus::Cancelled);
    // The certificate ends on the day the round was closed.
    let member = &after[0].members[0];
    let me = Actor::User {
        id: member.user,
        role: Role::Participant,
        countries: Vec::new(),
    };
    let c = ending::certificate(&t.app, &me, round).await.unwrap();
    assert!(c.ended < settings.ends);
}

/// Issue 9's walk, in one test on an injected clock: from the middle of a round to its close
/// and after. The mid-round survey goes out and is answered; its reminder reaches only those
/// who did not answer; results add up, anonymity and the five-answer threshold included; on
/// the last day the round closes by itself, its partnerships end, everyone is thanked and has
/// a certificate; alumni join, are found, get suggestions that never include a past partner,
/// and vanish when they leave.
async fn a_round_runs_from_mid_round_to_its_close_and_its_alumni_network(t: &TestApp) {
    use iln_app::alumni;
    use iln_domain::alumni::{ListingForm, Search};
    use iln_domain::survey::{QuestionKey, Tally};

    let (round, _) = active_round(t).await;
    let settings = t.store.round(round).await.unwrap().unwrap().round.settings;
    let [mid, end] = survey::defaults(&settings);
    let mut anonymous_mid = mid.form();
    anonymous_mid.anonymous = true;
    let mid_id = surveys::create(&t.app, &Actor::Cli, round, &anonymous_mid)
        .await
        .unwrap();
    let end_id = surveys::create(&t.app, &Actor::Cli, round, &end.form())
        .await
        .unwrap();
    let partnerships = t.store.round_partnerships(round).await.unwrap();
    let members: Vec<_> = partnerships
        .iter()
        .flat_map(|p| p.members.clone())
        .collect();
    let actor = |user| Actor::User {
        id: user,
        role: Role::Participant,
        countries: Vec::new(),
    };

    // Mid-round: the survey opens on its morning; four of six answer.
    let stored = t.store.survey(mid_id).await.unwrap().unwrap();
    t.clock.set(stored.survey.opens_at(&settings));
    let job = t
        .store
        .job_by_key(&surveys::open_job_key(mid_id))
        .await
        .unwrap()
        .unwrap();
    let sent = SurveyJobs::new(t.app.clone())
        .run_job(OPEN_JOB, job.payload_version, &job.payload)
        .await
        .unwrap();
    assert_eq!(sent, 6);
    let key = |k: &str| QuestionKey::parse(k).unwrap().as_str().to_owned();
    let emails = t
        .store
        .list_jobs_of_kind(EMAIL_JOB, 10_000, 0)
        .await
        .unwrap();
    let link_of = |to: &str| {
        emails
            .iter()
            .map(|j| EmailPayload::from_job(j).unwrap())
            .find(|e| e.to == to && e.text_body.contains("/survey?t="))
            .map(|e| {
                let start = e.text_body.find("/survey?t=").unwrap() + "/survey?t=".len();
                e.text_body[start..].split('"').next().unwrap().to_owned()
            })
            .unwrap()
    };
    for (n, m) in members.iter().take(4).enumerate() {
        let fields = vec![
            (key("satisfaction"), (5 - n).to_string()),
            (key("contact_frequency"), "Every week".to_owned()),
            (key("topics_useful"), "4".to_owned()),
            (key("improve_mid"), format!("Idea {n}")),
        ];
        surveys::answer(&t.app, &link_of(&m.profile.email), None, &fields)
            .await
            .unwrap();
    }
    let reminder = surveys::reminder_job_key(mid_id, 0);
    let job = t.store.job_by_key(&reminder).await.unwrap().unwrap();
    t.clock.set(job.run_at);
    let reminded = SurveyJobs::new(t.app.clone())
        .run_job(surveys::REMINDER_JOB, job.payload_version, &job.payload)
        .await
        .unwrap();
    assert_eq!(reminded, 2, "only the two who did not answer");
    let results = surveys::results(&t.app, &Actor::Cli, mid_id, None)
        .await
        .unwrap();
    assert_eq!((results.invited, results.answered), (6, 4));
    assert!(
        matches!(&results.questions[0].tally, Tally::Rating { counts, average: Some(a), .. } if counts == &[0, 1, 1, 1, 1] && (*a - 3.5).abs() < 1e-9)
    );
    let text = results
        .questions
        .iter()
        .find(|q| q.key.as_str() == "improve_mid")
        .unwrap();
    assert!(
        matches!(text.tally, Tally::Text { hidden: true, .. }),
        "anonymous, four answers: hidden"
    );
    assert!(
        t.store
            .survey_responses(mid_id)
            .await
            .unwrap()
            .iter()
            .all(|r| r.user.is_none())
    );

    // The last day ends: the round closes by itself and thanks everyone.
    t.clock.set(settings.ends_at());
    DateJobs::new(t.app.clone()).run_for(round).await.unwrap();
    assert!(
        t.store
            .round_partnerships(round)
            .await
            .unwrap()
            .iter()
            .all(|p| !p.is_running())
    );
    assert_eq!(thanks(t).await.len(), 6);
    assert!(
        t.store
            .survey(end_id)
            .await
            .unwrap()
            .unwrap()
            .opened_at
            .is_some()
    );
    for m in &members {
        let c = ending::certificate(&t.app, &actor(m.user), round)
            .await
            .unwrap();
        assert_eq!(c.name, m.profile.name);
    }

    // Alumni: all join; suggestions never include a past partner; leaving takes effect now.
    for m in &members {
        alumni::join(
            &t.app,
            &actor(m.user),
            &ListingForm {
                country: "on".to_owned(),
                ..ListingForm::default()
            },
        )
        .await
        .unwrap();
    }
    let me = &partnerships[0].members[0];
    let partner = &partnerships[0].members[1];
    let found = alumni::directory(&t.app, &actor(me.user), &Search::default(), 1)
        .await
        .unwrap();
    assert_eq!(found.total, 6);
    let suggested = alumni::suggestions(&t.app, &actor(me.user)).await.unwrap();
    assert!(suggested.iter().all(|s| s.user != partner.user));
    alumni::leave(&t.app, &actor(members[5].user))
        .await
        .unwrap();
    let found = alumni::directory(&t.app, &actor(me.user), &Search::default(), 1)
        .await
        .unwrap();
    assert_eq!(found.total, 5);
    assert!(found.entries.iter().all(|(u, _)| *u != members[5].user));
}

/// Results set a question beside the same question in rounds that started earlier.
async fn results_compare_with_the_same_question_in_earlier_rounds(t: &TestApp) {
    use iln_domain::survey::Tally;

    let (round, _) = active_round(t).await;
    let settings = t.store.round(round).await.unwrap().unwrap().round.settings;
    let [mid, _] = survey::defaults(&settings);
    let first = surveys::create(&t.app, &Actor::Cli, round, &mid.form())
        .await
        .unwrap();
    t.clock.set(mid.opens_at(&settings));
    surveys::open_now(&t.app, &Actor::Cli, first).await.unwrap();
    let invitations = t.store.survey_invitations(first).await.unwrap();
    assert_eq!(invitations.len(), 6);
    // A later round, six months on, asks the same questions.
    let later = RoundForm {
        name: "2027 Round 2".to_owned(),
        time_zone: "UTC".to_owned(),
        opens: "2027-06-01".to_owned(),
        closes: "2027-06-30".to_owned(),
        matching: "2027-07-07".to_owned(),
        starts: "2027-08-16".to_owned(),
        languages: "en".to_owned(),
        ..RoundForm::default()
    };
    let next = iln_app::rounds::create(&t.app, &Actor::Cli, &later)
        .await
        .unwrap();
    let copied = t.store.round_surveys(next).await.unwrap();
    assert_eq!(copied.len(), 1, "copied from round 1's one survey");
    let results = surveys::results(&t.app, &Actor::Cli, copied[0].id, None)
        .await
        .unwrap();
    let earlier = results
        .earlier
        .get(&mid.questions[0].key)
        .expect("the satisfaction question of round 1");
    assert_eq!(earlier.len(), 1);
    assert_eq!(earlier[0].round, "2027 Round 1");
    assert!(matches!(earlier[0].result.tally, Tally::Rating { .. }));
    // Written answers are never compared.
    let text_key = mid
        .questions
        .iter()
        .find(|q| matches!(q.kind, iln_domain::survey::QuestionKind::Text))
        .unwrap();
    assert!(!results.earlier.contains_key(&text_key.key));
}

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
use iln_domain::round::{AdminAction, RoundState};
use iln_domain::survey::{self as survey, SurveyKind};
use iln_store::{EMAIL_JOB, EmailPayload, JobStatus, RoundId};

use crate::app_tests;
use crate::support::TestApp;
use crate::topics::active_round;

app_tests!(
    the_round_ends_by_itself_thanks_everyone_and_gives_certificates,
    closing_early_thanks_everyone_without_a_survey,
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

//! Surveys: stored as built, invitations once per person, answers kept in place when
//! changed, and anonymous answers without the person.

use iln_domain::country::CountryCode;
use iln_domain::survey::{self, AnswerValue, Response};
use iln_store::StoreError;

use crate::matching::round;
use crate::support::{TestDb, at, participant};

crate::store_tests!(surveys_invitations_and_answers_round_trip,);

async fn surveys_invitations_and_answers_round_trip(db: &TestDb) {
    let store = &db.store;
    let round = round(store).await;
    let settings = store.round(round).await.unwrap().unwrap().round.settings;
    let [mid, mut end] = survey::defaults(&settings);
    let mut tx = store.begin().await.unwrap();
    let first = tx.create_survey(round, &end, None, at(1)).await.unwrap();
    let second = tx.create_survey(round, &mid, None, at(1)).await.unwrap();
    tx.commit().await.unwrap();
    // In the order they open: mid-round first.
    let listed = store.round_surveys(round).await.unwrap();
    assert_eq!(
        listed.iter().map(|s| s.id).collect::<Vec<_>>(),
        vec![second, first]
    );
    assert_eq!(listed[1].survey, end);
    assert_eq!(listed[1].opened_at, None);

    let mut tx = store.begin().await.unwrap();
    end.title = "Goodbye survey".to_owned();
    tx.update_survey(first, &end, at(2)).await.unwrap();
    assert!(tx.mark_survey_opened(first, at(3)).await.unwrap());
    assert!(!tx.mark_survey_opened(first, at(4)).await.unwrap(), "once");
    let missing = tx
        .update_survey(iln_store::SurveyId(999), &end, at(2))
        .await;
    assert!(
        matches!(missing, Err(StoreError::NotFound(_))),
        "{missing:?}"
    );
    tx.commit().await.unwrap();
    let stored = store.survey(first).await.unwrap().unwrap();
    assert_eq!(stored.survey.title, "Goodbye survey");
    assert_eq!(stored.opened_at, Some(at(3)));

    let ana = participant(store, "ana@example.org").await;
    let ke = CountryCode::parse("KE").unwrap();
    let mut tx = store.begin().await.unwrap();
    assert!(
        tx.invite_to_survey(first, ana, ke, "hash-ana", at(3))
            .await
            .unwrap()
    );
    assert!(
        !tx.invite_to_survey(first, ana, ke, "hash-other", at(4))
            .await
            .unwrap(),
        "invited once; the first link stands"
    );
    let invitation = tx.invitation_by_hash("hash-ana").await.unwrap().unwrap();
    assert!(tx.invitation_by_hash("hash-other").await.unwrap().is_none());
    let mut answers = Response::default();
    answers
        .answers
        .insert(end.questions[0].key.clone(), AnswerValue::Rating(4));
    // Anonymous: the response has no person; the invitation says they answered.
    tx.save_response(first, invitation.id, "resp-ana", None, ke, &answers, at(5))
        .await
        .unwrap();
    answers
        .answers
        .insert(end.questions[0].key.clone(), AnswerValue::Rating(5));
    tx.save_response(first, invitation.id, "resp-ana", None, ke, &answers, at(6))
        .await
        .unwrap();
    tx.count_survey_reminder(invitation.id).await.unwrap();
    tx.commit().await.unwrap();
    let responses = store.survey_responses(first).await.unwrap();
    assert_eq!(responses.len(), 1, "a changed answer replaces the first");
    assert_eq!(responses[0].user, None);
    assert_eq!(responses[0].country, ke);
    assert_eq!(responses[0].response, answers);
    assert_eq!(
        (responses[0].submitted_at, responses[0].updated_at),
        (at(5), at(6))
    );
    let invitations = store.survey_invitations(first).await.unwrap();
    assert_eq!(invitations.len(), 1);
    assert_eq!(
        invitations[0].responded_at,
        Some(at(5)),
        "the first answer's time"
    );
    assert_eq!(invitations[0].reminded, 1);
    assert!(store.survey_responses(second).await.unwrap().is_empty());
}

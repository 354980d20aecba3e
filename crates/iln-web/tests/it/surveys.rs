//! Surveys through the site: the admin builds one on the form (mistakes kept and named),
//! opens it now after a confirmation; a participant answers from the emailed link without
//! signing in, fixes a mistake, changes their answers; the results page and its spreadsheet
//! show the numbers within each reader's scope; links that cannot be used get a clear page.

use axum::http::StatusCode;
use iln_domain::account::Role;

use crate::helpers::TestApp;
use crate::partnerships::published;

#[tokio::test]
async fn a_survey_is_built_opened_answered_and_its_results_shown() {
    let app = TestApp::new().await;
    let round = published(&app, 4).await;
    let settings = app
        .store
        .round(round)
        .await
        .unwrap()
        .unwrap()
        .round
        .settings;
    let starts = settings.starts.to_string();
    let closes = settings
        .starts
        .checked_add(jiff::Span::new().days(14))
        .unwrap()
        .to_string();
    let mut admin = app.browser();
    admin.sign_in("admin@example.org").await;

    let form = admin.get(&format!("/rounds/{round}/surveys/new")).await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.body.contains("A new question"), "{}", form.body);
    // A mistake: the first question's choice has one option. Everything typed comes back.
    let mut fields = vec![
        ("title", "Quick pulse"),
        ("kind", "other"),
        ("intro", "Two questions."),
        ("opens_on", starts.as_str()),
        ("closes_on", closes.as_str()),
        ("reminders", "3"),
        ("q0_prompt", "How often are you in touch?"),
        ("q0_kind", "single"),
        ("q0_options", "Weekly"),
        ("q0_required", "on"),
        ("q1_prompt", "How is it going?"),
        ("q1_kind", "rating"),
        ("q1_low", "Badly"),
        ("q1_high", "Wonderfully"),
        ("q1_required", "on"),
        ("q2_prompt", "Anything else?"),
        ("q2_kind", "text"),
    ];
    let wrong = admin
        .post(&format!("/rounds/{round}/surveys/new"), &fields)
        .await;
    assert_eq!(wrong.status, StatusCode::OK);
    assert!(
        wrong.body.contains("A choice needs at least two options"),
        "{}",
        wrong.body
    );
    assert!(wrong.body.contains("Quick pulse") && wrong.body.contains("Wonderfully"));
    assert!(app.store.round_surveys(round).await.unwrap().is_empty());
    fields[8] = ("q0_options", "Weekly\nMonthly\nNot yet");
    let saved = admin
        .post(&format!("/rounds/{round}/surveys/new"), &fields)
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let surveys = app.store.round_surveys(round).await.unwrap();
    assert_eq!(surveys.len(), 1);
    let id = surveys[0].id;
    assert_eq!(surveys[0].survey.questions.len(), 3);
    let list = admin.get(&format!("/rounds/{round}/surveys")).await;
    assert!(list.body.contains("Quick pulse") && list.body.contains("Open now"));

    // Opening now asks first; the GET changes nothing.
    let confirm = admin.get(&format!("/surveys/{id}/open")).await;
    assert!(
        confirm.body.contains("Yes, open it now"),
        "{}",
        confirm.body
    );
    assert!(
        app.store
            .survey(id)
            .await
            .unwrap()
            .unwrap()
            .opened_at
            .is_none()
    );
    let opened = admin.post(&format!("/surveys/{id}/open"), &[]).await;
    assert_eq!(opened.status, StatusCode::SEE_OTHER);
    app.deliver().await;
    let partnerships = app.store.round_partnerships(round).await.unwrap();
    let me = &partnerships[0].members[0];
    let link = app.link_in_mail(&me.profile.email, "/survey?t=");
    // The edit form is gone once it opened.
    let edit = admin.get(&format!("/surveys/{id}/edit")).await;
    assert_eq!(edit.status, StatusCode::SEE_OTHER);

    // The participant answers without signing in; a missing answer keeps the others.
    let mut visitor = app.browser();
    let page = visitor.get(&link).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("How is it going?"), "{}", page.body);
    let secret = link.split("t=").nth(1).unwrap().to_owned();
    let keys: Vec<String> = app
        .store
        .survey(id)
        .await
        .unwrap()
        .unwrap()
        .survey
        .questions
        .iter()
        .map(|q| format!("a_{}", q.key.as_str()))
        .collect();
    let missing = visitor
        .post(
            "/survey",
            &[("t", secret.as_str()), (keys[2].as_str(), "Lovely so far")],
        )
        .await;
    assert_eq!(missing.status, StatusCode::OK);
    assert!(
        missing.body.contains("This question needs an answer"),
        "{}",
        missing.body
    );
    assert!(
        missing.body.contains("Lovely so far"),
        "what was typed stays"
    );
    assert!(app.store.survey_responses(id).await.unwrap().is_empty());
    let done = visitor
        .post(
            "/survey",
            &[
                ("t", secret.as_str()),
                (keys[0].as_str(), "Monthly"),
                (keys[1].as_str(), "4"),
                (keys[2].as_str(), "Lovely so far"),
            ],
        )
        .await;
    assert!(
        done.body.contains("Your answers are saved"),
        "{}",
        done.body
    );
    let again = visitor.get(&link).await;
    assert!(again.body.contains("You answered before"), "{}", again.body);
    let changed = visitor
        .post(
            "/survey",
            &[
                ("t", secret.as_str()),
                (keys[0].as_str(), "Weekly"),
                (keys[1].as_str(), "5"),
            ],
        )
        .await;
    assert!(
        changed.body.contains("replace the earlier ones"),
        "{}",
        changed.body
    );
    assert_eq!(app.store.survey_responses(id).await.unwrap().len(), 1);
    // Forged links, and a signed-in stranger with someone's link, get a clear page.
    let forged = visitor.get("/survey?t=forged").await;
    assert!(forged.body.contains("This link does not work"));
    let other = &partnerships[1].members[0];
    let mut stranger = app.browser();
    stranger.sign_in(&other.profile.email).await;
    let theirs = stranger.get(&link).await;
    assert!(theirs.body.contains("someone else"), "{}", theirs.body);

    // Results: one of four answered; the chart and its table; the spreadsheet.
    let results = admin.get(&format!("/surveys/{id}")).await;
    assert_eq!(results.status, StatusCode::OK);
    assert!(results.body.contains("1 of 4"), "{}", results.body);
    assert!(results.body.contains("<svg"), "a chart");
    assert!(results.body.contains("Weekly"));
    assert!(results.body.contains("average <strong>5.0</strong>"));
    let csv = admin.get(&format!("/surveys/{id}/results.csv")).await;
    assert_eq!(csv.status, StatusCode::OK);
    assert!(
        csv.headers["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    assert!(csv.body.lines().count() == 2, "{}", csv.body);
    assert!(csv.body.contains("Weekly"));
    // A country coordinator of another country sees none of it; a participant, nothing.
    let elsewhere = partnerships
        .iter()
        .flat_map(|p| &p.members)
        .map(|m| m.country)
        .find(|c| *c != me.country)
        .unwrap();
    app.user(
        "coord@example.org",
        Role::CountryCoordinator,
        &[elsewhere.as_str()],
    )
    .await;
    let mut coordinator = app.browser();
    coordinator.sign_in("coord@example.org").await;
    let theirs = coordinator.get(&format!("/surveys/{id}")).await;
    assert_eq!(theirs.status, StatusCode::OK);
    assert!(!theirs.body.contains("Lovely so far"));
    assert!(theirs.body.contains("0 of"), "{}", theirs.body);
    let wrong_country = coordinator
        .get(&format!("/surveys/{id}?country={}", me.country.as_str()))
        .await;
    assert_eq!(wrong_country.status, StatusCode::NOT_FOUND);
    assert_eq!(
        stranger.get(&format!("/surveys/{id}")).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        stranger
            .get(&format!("/rounds/{round}/surveys"))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        coordinator.get("/surveys/999").await.status,
        StatusCode::NOT_FOUND
    );
}

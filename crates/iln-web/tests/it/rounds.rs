//! Rounds through the web: the admin's form, the round's page, transitions by the dates and
//! by buttons (with the country cap applied when applications close), the interests list,
//! and deferred applicants carried over into the next round.

use axum::http::StatusCode;
use iln_domain::account::Role;
use iln_domain::round::RoundState;
use iln_store::{ApplicationFilter, ApplicationStatus, RoundId};
use jiff::SignedDuration;

use crate::apply::{applicant, apply};
use crate::helpers::{Browser, TestApp};

/// The test clock starts on 15 Jan 2027, so a round made with these dates is open at once.
pub const ROUND_FIELDS: [(&str, &str); 8] = [
    ("name", "2027 Round 1"),
    ("time_zone", "UTC"),
    ("opens", "2027-01-10"),
    ("closes", "2027-01-31"),
    ("matching", "2027-02-07"),
    ("starts", "2027-02-15"),
    ("languages", "en, es"),
    ("country_cap", "25"),
];

/// Creates a round through the admin's form and returns its id.
#[expect(
    clippy::unwrap_used,
    reason = "test helper: a panic here is a failed test"
)]
pub async fn create_round(browser: &mut Browser<'_>, fields: &[(&str, &str)]) -> i64 {
    let page = browser.post("/rounds/new", fields).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    page.location()
        .trim_start_matches("/rounds/")
        .parse()
        .unwrap()
}

pub async fn admin(app: &TestApp) -> Browser<'_> {
    app.user("admin@iln.test", Role::Admin, &[]).await;
    let mut browser = app.browser();
    browser.sign_in("admin@iln.test").await;
    browser
}

#[tokio::test]
async fn the_form_keeps_values_and_shows_errors_next_to_fields() {
    let app = TestApp::new().await;
    let mut browser = admin(&app).await;
    let page = browser
        .post(
            "/rounds/new",
            &[
                ("name", "Spring round"),
                ("opens", "2027-03-01"),
                ("closes", "2027-02-01"),
                ("matching", "soon"),
                ("starts", "2027-04-01"),
                ("country_cap", "150"),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Check the form"));
    assert!(page.body.contains("value=\"Spring round\""), "values kept");
    assert!(page.body.contains("id=\"closes-error\""));
    assert!(page.body.contains("id=\"matching-error\""));
    assert!(page.body.contains("id=\"country_cap-error\""));
    assert!(app.store.list_rounds().await.unwrap().is_empty());

    // Nobody but an admin may create one.
    app.user("pat@iln.test", Role::Participant, &[]).await;
    let mut participant = app.browser();
    participant.sign_in("pat@iln.test").await;
    assert_eq!(
        participant.post("/rounds/new", &ROUND_FIELDS).await.status,
        StatusCode::FORBIDDEN
    );
}

#[tokio::test]
async fn a_round_opens_on_its_date_and_shows_where_it_is() {
    let app = TestApp::new().await;
    let mut browser = admin(&app).await;
    let mut fields = ROUND_FIELDS.to_vec();
    fields[2] = ("opens", "2027-01-20");
    let id = create_round(&mut browser, &fields).await;

    // A draft is the admin's only; visitors get 404.
    let mut visitor = app.browser();
    assert_eq!(
        visitor.get(&format!("/rounds/{id}")).await.status,
        StatusCode::NOT_FOUND
    );
    let page = browser.get(&format!("/rounds/{id}")).await;
    assert!(page.body.contains("applications open on 20 Jan 2027"));
    assert!(page.body.contains("Open applications now"));
    assert!(page.body.contains("Edit the settings"));

    // The date passes: the list of rounds reads it as open at once, and its date job records
    // the transition, with the audit log saying why.
    app.clock.advance(SignedDuration::from_hours(24 * 6));
    let listed = visitor.get("/rounds").await;
    assert!(
        listed
            .body
            .contains("2027 Round 1</a>: Open for applications")
    );
    app.deliver().await;
    let stored = app.store.round(RoundId(id)).await.unwrap().unwrap();
    assert_eq!(stored.round.state, RoundState::Open);
    let page = visitor.get(&format!("/rounds/{id}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body
            .contains("Applications are open until 31 Jan 2027")
    );
    assert!(page.body.contains("Reply to your partner within a week"));
    assert!(
        page.body
            .contains("sign in</a> or <a href=\"/signup\">join")
    );
    let audit = app.store.list_audit(10, 0).await.unwrap();
    assert!(audit.iter().any(|e| e.action == "round.transition"
        && e.detail.as_deref() == Some("draft to open, by the date")));
    let listed = visitor.get("/rounds").await;
    assert!(listed.body.contains("2027 Round 1"));

    // Settings are frozen once the round is open.
    assert_eq!(
        browser.get(&format!("/rounds/{id}/edit")).await.status,
        StatusCode::CONFLICT
    );
}

#[tokio::test]
async fn closing_applications_defers_the_applicants_over_the_cap_and_emails_them() {
    let app = TestApp::new().await;
    let mut browser = admin(&app).await;
    let id = create_round(&mut browser, &ROUND_FIELDS).await;
    // Eight applicants, four from Ghana: a 25% cap keeps two of them.
    let mut ghana = Vec::new();
    for n in 0..4 {
        let mut person = applicant(&app, &format!("gh{n}@iln.test")).await;
        apply(&mut person, id, &format!("Ghana Person {n}"), "GH").await;
        ghana.push(format!("gh{n}@iln.test"));
    }
    for (n, country) in ["KE", "NG", "BR", "FR"].iter().enumerate() {
        let mut person = applicant(&app, &format!("p{n}@iln.test")).await;
        apply(&mut person, id, &format!("Person {n}"), country).await;
    }
    let page = browser
        .post(
            &format!("/rounds/{id}/action"),
            &[("action", "close_applications")],
        )
        .await;
    // Post, redirect, get: the round's page says what was done.
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    assert_eq!(
        page.location(),
        format!("/rounds/{id}?done=close_applications")
    );
    let page = browser.get(page.location()).await;
    assert!(page.body.contains("Done: close applications now"));
    assert!(page.body.contains("Reviewing applications"));
    // Only a known action is named.
    let page = browser.get(&format!("/rounds/{id}?done=hello")).await;
    assert!(!page.body.contains("Done:"));

    let round = RoundId(id);
    let deferred = app
        .store
        .applications(
            round,
            &ApplicationFilter::with_status(ApplicationStatus::Deferred),
        )
        .await
        .unwrap();
    let emails: Vec<String> = deferred
        .iter()
        .map(|a| a.application.email.to_string())
        .collect();
    assert_eq!(emails, ghana[2..].to_vec(), "the latest two Ghanaians");
    app.deliver().await;
    let sent = app.mailer.sent();
    for address in &ghana[2..] {
        assert!(
            sent.iter().any(|m| &m.to == address
                && m.subject
                    .starts_with("Your application moves to the next round")),
            "{address} is told"
        );
    }
    assert!(
        app.store
            .list_audit(20, 0)
            .await
            .unwrap()
            .iter()
            .any(|e| e.action == "round.country_cap")
    );

    // A participant cannot press the buttons.
    let mut person = app.browser();
    person.sign_in("p0@iln.test").await;
    assert_eq!(
        person
            .post(
                &format!("/rounds/{id}/action"),
                &[("action", "start_matching")]
            )
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    // Publishing belongs to the matching page, and a wrong action is refused.
    assert_eq!(
        browser
            .post(
                &format!("/rounds/{id}/action"),
                &[("action", "open_applications")]
            )
            .await
            .status,
        StatusCode::CONFLICT
    );

    // The next round takes the deferred people in, marked as carried over.
    let mut next = ROUND_FIELDS.to_vec();
    next[0] = ("name", "2027 Round 2");
    let second = create_round(&mut browser, &next).await;
    let carried = app
        .store
        .applications(RoundId(second), &ApplicationFilter::all())
        .await
        .unwrap();
    assert_eq!(carried.len(), 2);
    assert!(carried.iter().all(|a| a.carried_from.is_some()));
    let queue = browser.get(&format!("/rounds/{second}/review")).await;
    assert!(queue.body.contains("Carried over."));
}

#[tokio::test]
async fn a_closed_window_reads_as_review_at_once_and_its_job_records_it() {
    let app = TestApp::new().await;
    let mut browser = admin(&app).await;
    let id = create_round(&mut browser, &ROUND_FIELDS).await;
    app.clock.advance(SignedDuration::from_hours(24 * 17));
    let page = app.browser().get(&format!("/rounds/{id}")).await;
    assert!(
        page.body.contains("matching begins on 7 Feb 2027"),
        "{}",
        page.body
    );
    let stored = app.store.round(RoundId(id)).await.unwrap().unwrap();
    assert_eq!(
        stored.round.state,
        RoundState::Draft,
        "looking wrote nothing"
    );
    app.deliver().await;
    let stored = app.store.round(RoundId(id)).await.unwrap().unwrap();
    assert_eq!(stored.round.state, RoundState::Review);
}

/// What a page load could have changed: a GET must leave all of it as it was.
#[derive(Debug, PartialEq, Eq)]
struct Rows {
    state: RoundState,
    applications: Vec<(ApplicationStatus, i64)>,
    audit: i64,
    jobs: Vec<(iln_store::JobStatus, i64)>,
    rounds: usize,
}

#[expect(
    clippy::unwrap_used,
    reason = "test helper: a panic here is a failed test"
)]
async fn rows(app: &TestApp, id: i64) -> Rows {
    Rows {
        state: app
            .store
            .round(RoundId(id))
            .await
            .unwrap()
            .unwrap()
            .round
            .state,
        applications: app
            .store
            .count_applications_by_status(RoundId(id), &iln_store::PeopleScope::All)
            .await
            .unwrap(),
        audit: app.store.count_audit().await.unwrap(),
        jobs: app.store.count_jobs().await.unwrap(),
        rounds: app.store.list_rounds().await.unwrap().len(),
    }
}

#[tokio::test]
async fn pages_past_the_closing_date_read_review_and_write_nothing_until_the_job_runs() {
    let app = TestApp::new().await;
    let mut browser = admin(&app).await;
    let id = create_round(&mut browser, &ROUND_FIELDS).await;
    // Eight applicants, four from Ghana: a 25% cap keeps two of them.
    for n in 0..4 {
        let mut person = applicant(&app, &format!("gh{n}@iln.test")).await;
        apply(&mut person, id, &format!("Ghana Person {n}"), "GH").await;
    }
    for (n, country) in ["KE", "NG", "BR", "FR"].iter().enumerate() {
        let mut person = applicant(&app, &format!("p{n}@iln.test")).await;
        apply(&mut person, id, &format!("Person {n}"), country).await;
    }
    // The applications' own emails go out first, so what follows counts only the round's.
    app.deliver().await;
    let sent_before = app.mailer.sent().len();

    // Past the closing day (31 Jan) with the job not yet run. The admin signs in again (the
    // old session has expired by then) before anything is counted.
    app.clock.advance(SignedDuration::from_hours(24 * 17));
    let mut browser = app.browser();
    browser.sign_in("admin@iln.test").await;
    let before = rows(&app, id).await;
    assert_eq!(before.state, RoundState::Open);
    let round_page = format!("/rounds/{id}");
    let mut visitor = app.browser();
    for path in [round_page.as_str(), "/rounds", "/dashboard"] {
        let page = browser.get(path).await;
        assert_eq!(page.status, StatusCode::OK, "{path}");
        // A visitor's dashboard is the sign-in page; the rest are the public pages.
        let page = visitor.get(path).await;
        assert!(
            page.status.is_success() || page.status.is_redirection(),
            "{path}"
        );
    }
    let page = visitor.get(&round_page).await;
    assert!(
        page.body.contains("matching begins on 7 Feb 2027"),
        "{}",
        page.body
    );
    assert!(!page.body.contains("Applications are open"));
    assert!(
        visitor
            .get("/rounds")
            .await
            .body
            .contains("2027 Round 1</a>: Reviewing applications")
    );
    let dashboard = browser.get("/dashboard").await;
    assert!(
        dashboard.body.contains("Reviewing applications"),
        "{}",
        dashboard.body
    );
    assert_eq!(rows(&app, id).await, before, "no page load wrote anything");
    assert_eq!(app.mailer.sent().len(), sent_before);

    // The job runs: the round moves to review, the cap defers two, and they are told.
    app.state.job_worker().drain().await.unwrap();
    let after = rows(&app, id).await;
    assert_eq!(after.state, RoundState::Review);
    assert!(
        after
            .applications
            .contains(&(ApplicationStatus::Deferred, 2))
    );
    assert_eq!(after.audit, before.audit + 2, "the transition and the cap");
    let deferrals: Vec<String> = app
        .mailer
        .sent()
        .into_iter()
        .filter(|m| m.subject == "Your application moves to the next round: 2027 Round 1")
        .map(|m| m.to)
        .collect();
    assert_eq!(deferrals.len(), 2, "{deferrals:?}");
    assert!(deferrals.contains(&"gh2@iln.test".to_owned()));
    assert!(deferrals.contains(&"gh3@iln.test".to_owned()));
    // Draining again does nothing: the next date's job is not due.
    assert_eq!(app.state.job_worker().drain().await.unwrap(), 0);
}

#[tokio::test]
async fn coordinators_edit_the_interests_and_participants_cannot() {
    let app = TestApp::new().await;
    let mut browser = admin(&app).await;
    let id = create_round(&mut browser, &ROUND_FIELDS).await;
    app.user("coord@iln.test", Role::CountryCoordinator, &["KE"])
        .await;
    let mut coordinator = app.browser();
    coordinator.sign_in("coord@iln.test").await;
    let path = format!("/rounds/{id}/interests");
    assert!(coordinator.get(&path).await.body.contains("open access"));
    let page = coordinator
        .post(&path, &[("interests", "Rural libraries\n\nOpen  Access\n")])
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    let page = coordinator.get(page.location()).await;
    assert!(page.body.contains("Saved."), "{}", page.body);
    assert!(!coordinator.get(&path).await.body.contains("Saved."));
    let stored = app.store.round(RoundId(id)).await.unwrap().unwrap();
    let names: Vec<&str> = stored.interests.iter().map(|i| i.as_str()).collect();
    assert_eq!(names, vec!["open access", "rural libraries"]);
    let empty = coordinator.post(&path, &[("interests", "  \n")]).await;
    assert!(empty.body.contains("list at least one area of interest"));

    let mut participant = applicant(&app, "pat@iln.test").await;
    assert_eq!(participant.get(&path).await.status, StatusCode::NOT_FOUND);
    assert_eq!(
        participant
            .post(&path, &[("interests", "cats")])
            .await
            .status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn dashboards_show_the_rounds_and_a_participant_their_applications() {
    let app = TestApp::new().await;
    let mut browser = admin(&app).await;
    let id = create_round(&mut browser, &ROUND_FIELDS).await;
    let dashboard = browser.get("/dashboard").await;
    assert!(dashboard.body.contains("2027 Round 1"));
    assert!(
        dashboard
            .body
            .contains(&format!("/rounds/{id}/review\">Review the applications"))
    );

    app.user("coord@iln.test", Role::CountryCoordinator, &["KE"])
        .await;
    let mut coordinator = app.browser();
    coordinator.sign_in("coord@iln.test").await;
    let dashboard = coordinator.get("/dashboard").await;
    assert!(
        dashboard
            .body
            .contains("Review the applicants of your countries")
    );

    let mut person = applicant(&app, "pat@iln.test").await;
    assert!(
        person
            .get("/dashboard")
            .await
            .body
            .contains("You have not applied to a round yet")
    );
    apply(&mut person, id, "Pat Doe", "KE").await;
    let dashboard = person.get("/dashboard").await;
    assert!(
        dashboard
            .body
            .contains("2027 Round 1</a>: Submitted, waiting for review")
    );
}

const ROUND_PATHS: [&str; 16] = [
    "/rounds",
    "/rounds/new",
    "/rounds/1",
    "/rounds/1/edit",
    "/rounds/1/action",
    "/rounds/1/interests",
    "/rounds/1/apply",
    "/rounds/1/withdraw",
    "/rounds/1/review",
    "/rounds/2/review",
    "/applications/1",
    "/applications/1/decision",
    "/applications/1/notes",
    "/applications/1/keep",
    "/applications/1/merge",
    "/applications/2/merge",
];
const ROUND_FORM_FIELDS: [&str; 20] = [
    "name",
    "opens",
    "closes",
    "starts",
    "ends",
    "languages",
    "country_cap",
    "leftover",
    "action",
    "interests",
    "country",
    "sector",
    "consent",
    "communication",
    "ids",
    "decision",
    "message",
    "body",
    "endorse",
    "withdraw",
];

#[test]
fn random_requests_to_rounds_and_reviews_never_cause_a_server_error() {
    use axum::body::Body;
    use axum::http::{Method, Request, header};
    use proptest::prelude::*;

    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let app = runtime.block_on(TestApp::new());
    let sessions = runtime.block_on(async {
        let mut admin = admin(&app).await;
        let id = create_round(&mut admin, &ROUND_FIELDS).await;
        let mut person = applicant(&app, "ana@iln.test").await;
        apply(&mut person, id, "Ana Silva", "BR").await;
        let mut twin = applicant(&app, "ana2@iln.test").await;
        apply(&mut twin, id, "Ana Silva", "BR").await;
        let admin_session = (admin.cookies["iln_session"].clone(), admin.csrf().await);
        let person_session = (person.cookies["iln_session"].clone(), person.csrf().await);
        vec![admin_session, person_session]
    });
    let strategy = (
        prop::sample::select(&ROUND_PATHS[..]),
        prop::sample::select(vec![Method::GET, Method::POST]),
        prop::collection::vec(
            (prop::sample::select(&ROUND_FORM_FIELDS[..]), ".{0,30}"),
            0..8,
        ),
        0..3_usize,
    );
    let config = ProptestConfig {
        cases: 200,
        failure_persistence: None,
        ..ProptestConfig::default()
    };
    proptest!(config, |((path, method, fields, who) in strategy)| {
        let mut body = form_urlencoded::Serializer::new(String::new());
        let mut request = Request::builder()
            .method(method.clone())
            .uri(path)
            .header(header::ORIGIN, crate::helpers::BASE)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
        if let Some((session, csrf)) = sessions.get(who) {
            body.append_pair("csrf", csrf);
            request = request.header(header::COOKIE, format!("iln_session={session}"));
        }
        for (key, value) in &fields {
            body.append_pair(key, value);
        }
        let page = runtime.block_on(app.send(request.body(Body::from(body.finish())).unwrap()));
        prop_assert!(
            !page.status.is_server_error(),
            "{method} {path} gave {}: {}",
            page.status,
            page.body
        );
    });
}

/// Each date still to come on a round's page can be added to a calendar: a whole-day event
/// whose UID stays the same from one download to the next; an unknown date is a 404.
#[tokio::test]
async fn a_round_date_downloads_as_a_calendar_event() {
    let app = TestApp::new().await;
    let id = create_round(&mut admin(&app).await, &ROUND_FIELDS).await;
    let mut visitor = app.browser();
    let page = visitor.get(&format!("/rounds/{id}")).await;
    let link = format!("/rounds/{id}/calendar/applications-close.ics");
    assert!(page.body.contains(&link), "{}", page.body);
    let first = visitor.get(&link).await;
    assert_eq!(first.status, StatusCode::OK);
    assert_eq!(
        first
            .headers
            .get("content-type")
            .and_then(|v| v.to_str().ok()),
        Some("text/calendar; charset=utf-8")
    );
    assert!(
        first.body.starts_with("BEGIN:VCALENDAR\r\n"),
        "{}",
        first.body
    );
    assert!(
        first.body.contains("DTSTART;VALUE=DATE:20270131\r\n"),
        "{}",
        first.body
    );
    assert!(
        first
            .body
            .contains("SUMMARY:2027 Round 1: applications close\r\n")
    );
    let uid = |body: &str| {
        body.lines()
            .find(|l| l.starts_with("UID:"))
            .map(str::to_owned)
    };
    app.clock.advance(SignedDuration::from_hours(1));
    let second = visitor.get(&link).await;
    assert_eq!(uid(&first.body), uid(&second.body));
    assert!(
        uid(&first.body).is_some_and(|u| u.contains(&format!("round-{id}-applications-close@")))
    );
    for wrong in [
        "nothing.ics",
        "applications-close",
        "applications-close.txt",
    ] {
        let page = visitor.get(&format!("/rounds/{id}/calendar/{wrong}")).await;
        assert_eq!(page.status, StatusCode::NOT_FOUND, "{wrong}");
    }
    assert_eq!(
        visitor
            .get("/rounds/999/calendar/matching.ics")
            .await
            .status,
        StatusCode::NOT_FOUND
    );
}

/// A participant makes their calendar address on its page and reads the feed without signing
/// in: the milestones of the round they applied to; replacing the address stops the old one
/// at once; the page is for people signed in.
#[tokio::test]
async fn a_calendar_feed_is_made_read_and_replaced() {
    let app = TestApp::new().await;
    let id = create_round(&mut admin(&app).await, &ROUND_FIELDS).await;
    let mut ama = applicant(&app, "ama@iln.test").await;
    apply(&mut ama, id, "Ama Owusu", "GH").await;
    let dashboard = ama.get("/dashboard").await;
    assert!(dashboard.body.contains("/account/calendar"));
    let page = ama.get("/account/calendar").await;
    assert!(
        page.body.contains("Make my calendar address"),
        "{}",
        page.body
    );
    let made = ama.post("/account/calendar", &[]).await;
    assert_eq!(made.status, StatusCode::SEE_OTHER);
    let page = ama.get(made.location()).await;
    let address = crate::helpers::between(&page.body, "id=\"address\" value=\"", "\"")
        .expect("the address is shown");
    let path = address
        .split_once("://")
        .map_or("", |(_, rest)| &rest[rest.find('/').unwrap_or(0)..])
        .to_owned();
    assert!(
        path.starts_with("/calendar/") && path.ends_with(".ics"),
        "{path}"
    );
    let mut calendar_app = app.browser();
    let feed = calendar_app.get(&path).await;
    assert_eq!(feed.status, StatusCode::OK);
    assert!(feed.body.starts_with("BEGIN:VCALENDAR\r\n"));
    assert!(
        feed.body
            .contains("SUMMARY:2027 Round 1: applications close\r\n"),
        "{}",
        feed.body
    );
    assert!(
        feed.body
            .contains(&format!("UID:round-{id}-applications-close@"))
    );
    assert_eq!(
        feed.body.matches("BEGIN:VEVENT").count(),
        5,
        "the round's five dates"
    );

    let replaced = ama.post("/account/calendar", &[]).await;
    assert!(replaced.location().ends_with("done=replaced"));
    assert_eq!(calendar_app.get(&path).await.status, StatusCode::NOT_FOUND);
    let page = ama.get("/account/calendar").await;
    let again =
        crate::helpers::between(&page.body, "id=\"address\" value=\"", "\"").unwrap_or_default();
    assert_ne!(again, address);

    let mut visitor = app.browser();
    let page = visitor.get("/account/calendar").await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "sign in first");
    assert_eq!(
        visitor.get("/calendar/not-a-token.ics").await.status,
        StatusCode::NOT_FOUND
    );
}

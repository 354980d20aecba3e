//! "My partnership", ending early (members and admins only, with a reason, partners told) and
//! the re-match of the people left alone.

use axum::http::StatusCode;
use iln_domain::account::Role;
use iln_store::{MatchRunKind, RoundId};

use crate::helpers::TestApp;
use crate::matching::{matching_round, run_fields};

/// A published round of `n` applicants, and a signed-in admin's browser.
pub async fn published(app: &TestApp, n: usize) -> RoundId {
    let (round, _) = matching_round(app, n).await;
    app.user("admin@example.org", Role::Admin, &[]).await;
    let mut admin = app.browser();
    admin.sign_in("admin@example.org").await;
    admin
        .post(&format!("/rounds/{round}/matching/run"), &run_fields())
        .await;
    let page = admin
        .post(&format!("/rounds/{round}/matching/publish"), &[])
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    round
}

#[tokio::test]
async fn a_participant_sees_their_partner_and_nobody_else_can_end_it() {
    let app = TestApp::new().await;
    let round = published(&app, 6).await;
    let partnerships = app.store.round_partnerships(round).await.unwrap();
    let first = &partnerships[0];
    let me = &first.members[0];
    let partner = &first.members[1];

    let mut browser = app.browser();
    browser.sign_in(&me.profile.email).await;
    let page = browser.get("/partnership").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains(&partner.profile.email), "{}", page.body);
    assert!(page.body.contains(&partner.profile.institution));
    assert!(page.body.contains("Partnerships start"));
    assert!(page.body.contains("Running"));
    // The commitments listed are the version this member agreed to, word for word.
    for commitment in iln_domain::commitments::CommitmentsVersion::current().commitments() {
        let escaped = commitment.replace('\'', "&#39;");
        assert!(page.body.contains(&escaped), "{commitment}: {}", page.body);
    }
    assert!(
        !page
            .body
            .contains(&partnerships[1].members[0].profile.email)
    );

    // Someone outside the partnership gets the same 404 as for one that does not exist.
    let outsider = &partnerships[1].members[0];
    let mut other = app.browser();
    other.sign_in(&outsider.profile.email).await;
    let page = other
        .post(
            &format!("/partnerships/{}/end", first.id),
            &[("reason", "x")],
        )
        .await;
    assert_eq!(page.status, StatusCode::NOT_FOUND);
    let page = other
        .post("/partnerships/9999/end", &[("reason", "x")])
        .await;
    assert_eq!(page.status, StatusCode::NOT_FOUND);

    // A reason is required.
    let page = browser
        .post(
            &format!("/partnerships/{}/end", first.id),
            &[("reason", "  ")],
        )
        .await;
    assert!(page.body.contains("Please say why"), "{}", page.body);
    assert!(
        app.store
            .partnership(first.id)
            .await
            .unwrap()
            .unwrap()
            .is_running()
    );

    let page = browser
        .post(
            &format!("/partnerships/{}/end", first.id),
            &[("reason", "I changed jobs")],
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    let ended = app.store.partnership(first.id).await.unwrap().unwrap();
    assert_eq!(ended.ended.unwrap().reason, "I changed jobs");
    let told = app
        .store
        .list_outbox(100, 0)
        .await
        .unwrap()
        .into_iter()
        .find(|e| e.subject == "Your ILN partnership has ended")
        .unwrap();
    assert_eq!(told.to.as_str(), partner.profile.email);
    assert!(told.text_body.contains("I changed jobs"));
    let page = browser.get("/partnership").await;
    assert!(page.body.contains("Ended early"));
    // Ending twice is refused.
    let page = browser
        .post(
            &format!("/partnerships/{}/end", first.id),
            &[("reason", "again")],
        )
        .await;
    assert!(page.body.contains("already ended"), "{}", page.body);
}

#[tokio::test]
async fn people_left_alone_are_rematched_among_themselves() {
    let app = TestApp::new().await;
    let round = published(&app, 12).await;
    let mut admin = app.browser();
    admin.sign_in("admin@example.org").await;
    let partnerships = app.store.round_partnerships(round).await.unwrap();
    assert_eq!(partnerships.len(), 6);
    // End two partnerships whose four members can be re-paired across countries.
    for partnership in &partnerships[..2] {
        let page = admin
            .post(
                &format!("/partnerships/{}/end", partnership.id),
                &[("reason", "no reply for a month")],
            )
            .await;
        assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    }
    let page = admin.get(&format!("/rounds/{round}/partnerships")).await;
    assert!(
        page.body.contains("People left without a partner"),
        "{}",
        page.body
    );
    for member in partnerships[..2].iter().flat_map(|p| &p.members) {
        assert!(page.body.contains(&member.profile.name));
    }

    let page = admin.post(&format!("/rounds/{round}/rematch"), &[]).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    let page = admin.get(page.location()).await;
    assert!(page.body.contains("Re-match proposal"), "{}", page.body);
    let run = app
        .store
        .latest_match_runs(round, MatchRunKind::Rematch, 1)
        .await
        .unwrap()
        .remove(0);
    // The running partnerships are locks and stay as they are; nobody is paired again with
    // the partner who left.
    for p in run.proposal.partnerships.iter().filter(|p| !p.locked) {
        for old in &partnerships[..2] {
            let old_ids: Vec<String> = old
                .members
                .iter()
                .map(|m| m.application.unwrap().to_string())
                .collect();
            assert!(p.members.iter().filter(|m| old_ids.contains(&m.id)).count() < 2);
        }
    }

    let before = app.store.round_partnerships(round).await.unwrap().len();
    let page = admin
        .post(&format!("/rounds/{round}/rematch/apply"), &[])
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    let after = app.store.round_partnerships(round).await.unwrap();
    let alone_now: Vec<_> = partnerships[..2]
        .iter()
        .flat_map(|p| &p.members)
        .filter(|m| !after.iter().any(|p| p.is_running() && p.has_member(m.user)))
        .collect();
    assert!(alone_now.is_empty(), "{alone_now:?}");
    assert!(after.len() > before);
    let introductions = app
        .store
        .list_outbox(200, 0)
        .await
        .unwrap()
        .into_iter()
        .filter(|e| e.subject.starts_with("Meet your ILN partner"))
        .count();
    // Twelve at publication, then one more for each of the four people re-matched (and for
    // the members of a pair one of them joined).
    assert!(introductions >= 16, "{introductions}");
    // Applying again is refused: the people alone have changed.
    let page = admin
        .post(&format!("/rounds/{round}/rematch/apply"), &[])
        .await;
    assert_eq!(page.status, StatusCode::OK);
}

#[tokio::test]
async fn members_log_contacts_in_two_clicks_and_bad_days_are_refused() {
    let app = TestApp::new().await;
    let round = published(&app, 4).await;
    let partnerships = app.store.round_partnerships(round).await.unwrap();
    let first = &partnerships[0];
    let me = &first.members[0];
    let mut browser = app.browser();
    browser.sign_in(&me.profile.email).await;
    let page = browser.get("/partnership").await;
    assert!(
        page.body.contains("No contact logged yet."),
        "{}",
        page.body
    );
    assert!(page.body.contains("Log the contact"));

    // Two clicks: the day is today already; pick how and send.
    let logged = browser
        .post(
            &format!("/partnerships/{}/contacts", first.id),
            &[("day", ""), ("way", "video")],
        )
        .await;
    assert_eq!(logged.status, StatusCode::SEE_OTHER, "{}", logged.body);
    let page = browser.get(logged.location()).await;
    assert!(
        page.body.contains("the contact is in your partnership"),
        "{}",
        page.body
    );
    assert!(page.body.contains("by video call"), "{}", page.body);
    let contacts = app.store.contacts_of(first.id).await.unwrap();
    assert_eq!(contacts.len(), 1);

    for (day, way, words) in [
        ("2999-01-01", "email", "still to come"),
        ("2001-01-01", "email", "The partnership began on"),
        ("yesterday", "email", "is not a date"),
        ("", "carrier pigeon", "Choose how you were in touch"),
    ] {
        let page = browser
            .post(
                &format!("/partnerships/{}/contacts", first.id),
                &[("day", day), ("way", way)],
            )
            .await;
        assert_eq!(page.status, StatusCode::OK, "{day} {way}");
        assert!(page.body.contains(words), "{day} {way}: {}", page.body);
    }
    assert_eq!(app.store.contacts_of(first.id).await.unwrap().len(), 1);

    // Someone else's partnership is not found, as if it did not exist.
    let page = browser
        .post(
            &format!("/partnerships/{}/contacts", partnerships[1].id),
            &[("day", ""), ("way", "email")],
        )
        .await;
    assert_eq!(page.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_check_in_link_opens_a_page_that_changes_nothing_until_its_button_is_pressed() {
    let app = TestApp::new().await;
    let round = published(&app, 4).await;
    let partnerships = app.store.round_partnerships(round).await.unwrap();
    let me = &partnerships[0].members[0];
    app.clock.advance(jiff::SignedDuration::from_hours(24 * 7));
    app.deliver().await;
    let link = app.link_in_mail(&me.profile.email, "/checkin");
    assert!(link.contains("answer=in_touch"), "{link}");
    let not_yet = link.replace("answer=in_touch", "answer=not_yet");

    // Anyone can open it without signing in; opening it answers nothing.
    let mut visitor = app.browser();
    let page = visitor.get(&not_yet).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.body.contains("Have you heard from"), "{}", page.body);
    assert!(page.body.contains("My partner has not replied"));
    let checkins = app.store.round_checkins(round).await.unwrap();
    assert!(checkins.iter().all(|c| c.answer.is_none()));

    let secret = not_yet
        .split("t=")
        .nth(1)
        .and_then(|rest| rest.split('&').next())
        .unwrap()
        .to_owned();
    let answered = visitor
        .post("/checkin", &[("t", secret.as_str()), ("answer", "not_yet")])
        .await;
    assert_eq!(answered.status, StatusCode::OK);
    assert!(
        answered.body.contains("Thank you for telling us"),
        "{}",
        answered.body
    );
    let ladder = app.store.ladder(partnerships[0].id).await.unwrap().unwrap();
    assert_eq!(ladder.waiting, Some(me.user));

    // Used, forged: friendly pages, nothing changes.
    let again = visitor
        .post(
            "/checkin",
            &[("t", secret.as_str()), ("answer", "in_touch")],
        )
        .await;
    assert!(
        again.body.contains("You answered already"),
        "{}",
        again.body
    );
    assert!(
        app.store
            .contacts_of(partnerships[0].id)
            .await
            .unwrap()
            .is_empty()
    );
    let forged = visitor.get("/checkin?t=forged&answer=in_touch").await;
    assert_eq!(forged.status, StatusCode::OK);
    assert!(
        forged.body.contains("This link does not work"),
        "{}",
        forged.body
    );
    let forged = visitor
        .post("/checkin", &[("t", "forged"), ("answer", "in_touch")])
        .await;
    assert!(forged.body.contains("This link does not work"));
    let nonsense = visitor
        .post("/checkin", &[("t", secret.as_str()), ("answer", "maybe")])
        .await;
    assert_eq!(nonsense.status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn the_desk_flags_quiet_partnerships_for_the_coordinators_of_their_countries() {
    let app = TestApp::new().await;
    let round = published(&app, 4).await;
    let partnerships = app.store.round_partnerships(round).await.unwrap();
    let quiet = &partnerships[0];
    let (waiting, partner) = (&quiet.members[0], &quiet.members[1]);
    // A coordinator of the waiting member's country only.
    app.user(
        "coord@example.org",
        Role::CountryCoordinator,
        &[waiting.country.as_str()],
    )
    .await;

    // A week on, the waiting member answers "not yet"; the ladder reminds both, and three
    // days later flags the partnership.
    app.clock.advance(jiff::SignedDuration::from_hours(24 * 7));
    app.deliver().await;
    let link = app.link_in_mail(&waiting.profile.email, "/checkin");
    let secret = link
        .split("t=")
        .nth(1)
        .and_then(|rest| rest.split('&').next())
        .unwrap()
        .to_owned();
    let mut visitor = app.browser();
    visitor
        .post("/checkin", &[("t", secret.as_str()), ("answer", "not_yet")])
        .await;
    app.deliver().await;
    let nudged = app
        .mailer
        .sent()
        .into_iter()
        .filter(|m| m.subject == "A friendly nudge from ILN")
        .count();
    assert_eq!(nudged, 2, "both partners are reminded");
    app.clock.advance(jiff::SignedDuration::from_hours(24 * 3));
    app.deliver().await;

    let mut admin = app.browser();
    admin.sign_in("admin@example.org").await;
    let desk = admin.get(&format!("/desk?round={round}&days=7")).await;
    assert_eq!(desk.status, StatusCode::OK, "{}", desk.body);
    let flagged = desk
        .body
        .split("<h2>Flagged")
        .nth(1)
        .and_then(|rest| rest.split("<h2>").next())
        .unwrap()
        .to_owned();
    assert!(flagged.contains(&waiting.profile.name), "{flagged}");
    assert!(flagged.contains("Not yet"), "{flagged}");
    assert!(
        !flagged.contains(&partnerships[1].members[0].profile.name),
        "{flagged}"
    );
    assert!(desk.body.contains("No contact after 7 days"));

    // The coordinator sees their own country's member, never the partner from elsewhere.
    let mut coordinator = app.browser();
    coordinator.sign_in("coord@example.org").await;
    let desk = coordinator.get(&format!("/desk?round={round}")).await;
    assert_eq!(desk.status, StatusCode::OK);
    assert!(desk.body.contains(&waiting.profile.name), "{}", desk.body);
    if partner.country != waiting.country {
        assert!(!desk.body.contains(&partner.profile.name), "{}", desk.body);
        assert!(!desk.body.contains(&partner.profile.email));
    }

    // A message goes by email and is logged; someone outside the coordinator's countries
    // is not found.
    let sent = coordinator
        .post(
            "/desk/message",
            &[
                ("round", round.to_string().as_str()),
                ("user", waiting.user.to_string().as_str()),
                ("body", "Shall I introduce you to your partner again?"),
            ],
        )
        .await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.body);
    app.deliver().await;
    assert!(app.mailer.sent().iter().any(|m| {
        m.to == waiting.profile.email
            && m.text_body
                .contains("Shall I introduce you to your partner again?")
    }));
    let audit = app.store.list_audit(5, 0).await.unwrap();
    assert!(audit.iter().any(|e| e.action == "desk.message"));
    if partner.country != waiting.country {
        let refused = coordinator
            .post(
                "/desk/message",
                &[
                    ("round", round.to_string().as_str()),
                    ("user", partner.user.to_string().as_str()),
                    ("body", "Hello"),
                ],
            )
            .await;
        assert_eq!(refused.status, StatusCode::NOT_FOUND);
    }
    // Participants have no desk.
    let mut member = app.browser();
    member.sign_in(&waiting.profile.email).await;
    assert_eq!(member.get("/desk").await.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_coordinator_asks_a_quiet_partnership_from_the_desk() {
    let app = TestApp::new().await;
    let round = published(&app, 4).await;
    let partnerships = app.store.round_partnerships(round).await.unwrap();
    let (quiet, other) = (&partnerships[0], &partnerships[1]);
    let member = &quiet.members[0];
    app.user(
        "coord@example.org",
        Role::CountryCoordinator,
        &[member.country.as_str()],
    )
    .await;
    app.clock.advance(jiff::SignedDuration::from_hours(24 * 3));
    let asked = |p: &iln_store::PartnershipRecord| {
        let emails: Vec<String> = p.members.iter().map(|m| m.profile.email.clone()).collect();
        app.mailer
            .sent()
            .into_iter()
            .filter(|m| {
                emails.contains(&m.to) && m.subject == "Have you heard from your ILN partner?"
            })
            .count()
    };

    let mut coordinator = app.browser();
    coordinator.sign_in("coord@example.org").await;
    let desk = coordinator
        .get(&format!("/desk?round={round}&days=2"))
        .await;
    assert!(
        desk.body.contains("Ask them now if they are in touch"),
        "{}",
        desk.body
    );
    let form = |p: &iln_store::PartnershipRecord| {
        vec![
            ("round", round.to_string()),
            ("partnership", p.id.to_string()),
        ]
    };
    let fields = form(quiet);
    let pairs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let sent = coordinator.post("/desk/ask", &pairs).await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.body);
    let page = coordinator
        .get(&format!("/desk?round={round}&done=asked"))
        .await;
    assert!(page.body.contains("The check-in question is on its way"));
    app.deliver().await;
    assert_eq!(asked(quiet), quiet.members.len(), "every member is asked");
    assert!(
        app.store
            .list_audit(5, 0)
            .await
            .unwrap()
            .iter()
            .any(|e| e.action == "checkin.ask")
    );

    // Again the same day: told so, and nobody gets it twice.
    let again = coordinator.post("/desk/ask", &pairs).await;
    // Refused forms answer 200 with the message, as everywhere on the site.
    assert_eq!(again.status, StatusCode::OK);
    assert!(again.body.contains("asked today already"), "{}", again.body);
    app.deliver().await;
    assert_eq!(asked(quiet), quiet.members.len());

    // A partnership with nobody of the coordinator's countries is not found; nonsense too.
    if other.members.iter().all(|m| m.country != member.country) {
        let fields = form(other);
        let pairs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let refused = coordinator.post("/desk/ask", &pairs).await;
        assert_eq!(refused.status, StatusCode::NOT_FOUND);
        assert_eq!(asked(other), 0);
    }
    let nonsense = coordinator
        .post("/desk/ask", &[("round", "x"), ("partnership", "1; drop")])
        .await;
    assert_eq!(nonsense.status, StatusCode::NOT_FOUND);
    // Participants cannot ask.
    let mut participant = app.browser();
    participant.sign_in(&member.profile.email).await;
    let refused = participant.post("/desk/ask", &pairs).await;
    assert_eq!(refused.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn closing_a_round_asks_first_then_members_get_their_certificate() {
    let app = TestApp::new().await;
    let round = published(&app, 4).await;
    let partnerships = app.store.round_partnerships(round).await.unwrap();
    let member = &partnerships[0].members[0];
    let mut admin = app.browser();
    admin.sign_in("admin@example.org").await;
    // The round page links to a confirmation that says what closing does; the GET changes
    // nothing.
    let page = admin.get(&format!("/rounds/{round}")).await;
    assert!(
        page.body
            .contains(&format!("href=\"/rounds/{round}/close\"")),
        "{}",
        page.body
    );
    let confirm = admin.get(&format!("/rounds/{round}/close")).await;
    assert_eq!(confirm.status, StatusCode::OK);
    assert!(
        confirm.body.contains("cancels the rest of the round"),
        "{}",
        confirm.body
    );
    assert!(confirm.body.contains("certificate of participation"));
    assert!(app.store.round_partnerships(round).await.unwrap()[0].is_running());
    let mut participant = app.browser();
    participant.sign_in(&member.profile.email).await;
    assert_eq!(
        participant
            .get(&format!("/rounds/{round}/certificate"))
            .await
            .status,
        StatusCode::NOT_FOUND,
        "no certificate while the round runs"
    );
    assert_eq!(
        participant
            .get(&format!("/rounds/{round}/close"))
            .await
            .status,
        StatusCode::FORBIDDEN
    );

    let closed = admin
        .post(
            &format!("/rounds/{round}/action"),
            &[("action", "close_round")],
        )
        .await;
    assert_eq!(closed.status, StatusCode::SEE_OTHER, "{}", closed.body);
    assert!(
        app.store
            .round_partnerships(round)
            .await
            .unwrap()
            .iter()
            .all(|p| !p.is_running())
    );
    app.deliver().await;
    let thanks = app.link_in_mail(&member.profile.email, "/rounds/");
    assert!(thanks.ends_with("/certificate"), "{thanks}");

    let dashboard = participant.get("/dashboard").await;
    assert!(
        dashboard.body.contains("Certificates of participation"),
        "{}",
        dashboard.body
    );
    let certificate = participant
        .get(&format!("/rounds/{round}/certificate"))
        .await;
    assert_eq!(certificate.status, StatusCode::OK);
    assert!(
        certificate
            .body
            .contains(&member.profile.name.replace('\'', "&#39;"))
    );
    assert!(certificate.body.contains("No contacts were logged"));
    let pdf = participant
        .get(&format!("/rounds/{round}/certificate.pdf"))
        .await;
    assert_eq!(pdf.status, StatusCode::OK);
    assert_eq!(pdf.headers["content-type"], "application/pdf");
    assert!(pdf.body.starts_with("%PDF-"));
    // Someone of another partnership of the round has their own; a stranger none.
    let other = &partnerships[1].members[0];
    let mut them = app.browser();
    them.sign_in(&other.profile.email).await;
    let theirs = them.get(&format!("/rounds/{round}/certificate")).await;
    assert!(!theirs.body.contains(&member.profile.email));
    app.user("stranger@example.org", Role::Participant, &[])
        .await;
    let mut stranger = app.browser();
    stranger.sign_in("stranger@example.org").await;
    assert_eq!(
        stranger
            .get(&format!("/rounds/{round}/certificate.pdf"))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    // A closed round cannot be closed again.
    assert_eq!(
        admin.get(&format!("/rounds/{round}/close")).await.status,
        StatusCode::CONFLICT
    );
}

#[tokio::test]
async fn alumni_join_search_meet_and_leave_through_the_site() {
    let app = TestApp::new().await;
    let round = published(&app, 6).await;
    let partnerships = app.store.round_partnerships(round).await.unwrap();
    let me = &partnerships[0].members[0];
    let partner = &partnerships[0].members[1];
    let other = &partnerships[1].members[0];
    let mut browser = app.browser();
    browser.sign_in(&me.profile.email).await;
    // Not in the directory yet: the page invites to join instead.
    let invite = browser.get("/alumni").await;
    assert!(
        invite.body.contains("Join the alumni directory"),
        "{}",
        invite.body
    );
    let form = browser.get("/alumni/join").await;
    assert!(form.body.contains("What your entry shows"));
    // A bio too long is refused and kept.
    let long = "é".repeat(601);
    let refused = browser
        .post("/alumni/join", &[("bio", long.as_str()), ("country", "on")])
        .await;
    assert!(
        refused.body.contains("under 600 characters"),
        "{}",
        refused.body
    );
    assert!(refused.body.contains(&long));
    let joined = browser
        .post(
            "/alumni/join",
            &[
                ("bio", "Cataloguer who loves maps."),
                ("country", "on"),
                ("interests", "on"),
            ],
        )
        .await;
    assert_eq!(joined.status, StatusCode::SEE_OTHER);
    let mut them = app.browser();
    them.sign_in(&other.profile.email).await;
    them.post(
        "/alumni/join",
        &[("bio", "Hello from the other side."), ("country", "on")],
    )
    .await;

    let directory = browser.get("/alumni").await;
    assert!(
        directory.body.contains("Cataloguer who loves maps."),
        "{}",
        directory.body
    );
    assert!(directory.body.contains("Hello from the other side."));
    assert!(
        !directory.body.contains(&me.profile.email),
        "addresses are never shown"
    );
    let by_country = browser
        .get(&format!("/alumni?country={}", other.country.as_str()))
        .await;
    assert!(by_country.body.contains("Hello from the other side."));
    let nonsense = browser.get("/alumni?language=Klingonese&page=x").await;
    assert!(
        nonsense.body.contains("not a language we know"),
        "{}",
        nonsense.body
    );

    // The partner joins too; suggestions never include someone already met.
    let mut partner_browser = app.browser();
    partner_browser.sign_in(&partner.profile.email).await;
    partner_browser
        .post(
            "/alumni/join",
            &[("bio", "My partner's words."), ("country", "on")],
        )
        .await;
    let suggestions = browser.get("/alumni/suggestions").await;
    assert_eq!(suggestions.status, StatusCode::OK);
    assert!(
        !suggestions.body.contains("My partner&#39;s words."),
        "{}",
        suggestions.body
    );
    if other.country != me.country && other.country != partner.country {
        assert!(
            suggestions.body.contains("Hello from the other side."),
            "{}",
            suggestions.body
        );
        assert!(suggestions.body.contains("Why:"));
    }
    let network = browser.get("/network").await;
    assert!(
        network
            .body
            .contains(&partner.profile.name.replace('\'', "&#39;")),
        "{}",
        network.body
    );

    // Leaving: gone from the directory at once.
    let left = them.post("/alumni/leave", &[]).await;
    assert_eq!(left.status, StatusCode::SEE_OTHER);
    let after = browser.get("/alumni").await;
    assert!(!after.body.contains("Hello from the other side."));
    let gone = them.get("/alumni/join?done=left").await;
    assert!(
        gone.body.contains("You have left the directory"),
        "{}",
        gone.body
    );
    // Someone who never took part cannot join.
    app.user("stranger@example.org", Role::Participant, &[])
        .await;
    let mut stranger = app.browser();
    stranger.sign_in("stranger@example.org").await;
    let no = stranger.post("/alumni/join", &[("country", "on")]).await;
    assert!(
        no.body.contains("for people who have taken part"),
        "{}",
        no.body
    );
}

#[tokio::test]
async fn alumni_write_reply_block_and_report_through_the_site() {
    let app = TestApp::new().await;
    let round = published(&app, 4).await;
    let partnerships = app.store.round_partnerships(round).await.unwrap();
    let a = &partnerships[0].members[0];
    let b = &partnerships[1].members[0];
    let mut ana = app.browser();
    ana.sign_in(&a.profile.email).await;
    ana.post("/alumni/join", &[("country", "on")]).await;
    let mut ben = app.browser();
    ben.sign_in(&b.profile.email).await;
    ben.post("/alumni/join", &[("country", "on")]).await;

    let directory = ana.get("/alumni").await;
    assert!(
        directory
            .body
            .contains(&format!("/alumni/{}/write", b.user)),
        "{}",
        directory.body
    );
    let empty = ana
        .post(&format!("/alumni/{}/write", b.user), &[("body", " ")])
        .await;
    assert!(
        empty.body.contains("Write the message first"),
        "{}",
        empty.body
    );
    let sent = ana
        .post(
            &format!("/alumni/{}/write", b.user),
            &[("body", "Hello from the map room.")],
        )
        .await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.body);
    app.deliver().await;
    let link = app.link_in_mail(&b.profile.email, "/messages/");
    let message = ben.get(&link).await;
    assert!(
        message.body.contains("Hello from the map room."),
        "{}",
        message.body
    );
    assert!(
        !message.body.contains(&a.profile.email),
        "no address before a reply"
    );
    // Someone else cannot read it.
    assert_eq!(ana.get("/messages/999").await.status, StatusCode::NOT_FOUND);
    let replied = ben
        .post(&format!("{link}/reply"), &[("body", "Hello back!")])
        .await;
    assert_eq!(replied.status, StatusCode::SEE_OTHER);
    let inbox = ana.get("/messages").await;
    assert!(inbox.body.contains(&b.profile.email), "{}", inbox.body);
    let reported = ben
        .post(&format!("{link}/report"), &[("note", "Just testing.")])
        .await;
    assert_eq!(reported.status, StatusCode::SEE_OTHER);
    let blocked = ben.post(&format!("{link}/block"), &[]).await;
    assert_eq!(blocked.status, StatusCode::SEE_OTHER);
    let refused = ana
        .post(&format!("/alumni/{}/write", b.user), &[("body", "Again?")])
        .await;
    assert!(
        refused.body.contains("does not accept messages from you"),
        "{}",
        refused.body
    );
    assert_eq!(
        ana.get(&format!("/alumni/{}/write", a.user.0 + 1000))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
}

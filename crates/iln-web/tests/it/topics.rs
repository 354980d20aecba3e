//! Discussion topics through the pages: an admin writes one (mistakes shown on the form with
//! what was typed, a preview of the page and the email), readers of the round see it once it
//! is out and nobody else does, releasing now asks first, and the email arrives in plain text
//! and HTML with nothing that runs.

use axum::http::StatusCode;
use iln_domain::account::Role;
use iln_store::RoundId;

use crate::helpers::{Browser, TestApp};
use crate::matching::{matching_round, run_fields};

/// A published round of `n` applicants, and a signed-in admin's browser.
async fn published(app: &TestApp, n: usize) -> (RoundId, Browser<'_>) {
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
    (round, admin)
}

const BODY: &str = "## Your work space\n\nShow your partner **where you work**.\n\n\
                    <script>alert('x')</script>[Click](javascript:alert(1))";

fn topic_fields<'a>(title: &'a str, day: &'a str, intent: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("title", title),
        ("body", BODY),
        ("release_on", day),
        ("release_time", "09:00"),
        (
            "resources",
            "10 networking tips for people who hate networking | https://example.org/tips",
        ),
        ("intent", intent),
    ]
}

#[tokio::test]
async fn an_admin_writes_previews_and_releases_a_topic_that_readers_of_the_round_see() {
    let app = TestApp::new().await;
    let (round, mut admin) = published(&app, 4).await;
    let form = admin.get(&format!("/rounds/{round}/topics/new")).await;
    assert_eq!(form.status, StatusCode::OK, "{}", form.body);

    // A mistake: the form comes back with what was typed and says what is wrong.
    let page = admin
        .post(
            &format!("/rounds/{round}/topics/new"),
            &topic_fields("Getting to know you", "2026-12-01", "save"),
        )
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body.contains("before the partnerships start"),
        "{}",
        page.body
    );
    assert!(page.body.contains("value=\"Getting to know you\""));
    assert!(page.body.contains("Show your partner **where you work**."));
    assert!(app.store.round_topics(round).await.unwrap().is_empty());

    // The preview: the page and the email as readers get them, nothing saved.
    let preview = admin
        .post(
            &format!("/rounds/{round}/topics/new"),
            &topic_fields("Getting to know you", "2027-03-01", "preview"),
        )
        .await;
    assert_eq!(preview.status, StatusCode::OK);
    assert!(
        preview.body.contains("Preview: the page"),
        "{}",
        preview.body
    );
    assert!(preview.body.contains("<strong>where you work</strong>"));
    assert!(
        preview
            .body
            .contains("Subject:</strong> Discussion topic: Getting to know you")
    );
    assert!(!preview.body.contains("<script>alert"), "{}", preview.body);
    assert!(
        !preview.body.contains("href=\"javascript:"),
        "{}",
        preview.body
    );
    assert!(app.store.round_topics(round).await.unwrap().is_empty());

    let saved = admin
        .post(
            &format!("/rounds/{round}/topics/new"),
            &topic_fields("Getting to know you", "2027-03-01", "save"),
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let topic_path = saved.location().split('?').next().unwrap().to_owned();
    let page = admin.get(saved.location()).await;
    assert!(
        page.body.contains("Goes out on 1 Mar 2027 at 09:00"),
        "{}",
        page.body
    );
    assert!(
        page.body
            .contains("10 networking tips for people who hate networking")
    );

    // Not out yet: readers of the round do not see it.
    let mut reader = app.browser();
    reader.sign_in("applicant0@example.org").await;
    assert_eq!(reader.get(&topic_path).await.status, StatusCode::NOT_FOUND);
    let archive = reader.get(&format!("/rounds/{round}/topics")).await;
    assert_eq!(archive.status, StatusCode::OK);
    assert!(
        !archive.body.contains("Getting to know you"),
        "{}",
        archive.body
    );

    // Someone with no partnership in the round sees nothing at all.
    app.user("stranger@example.org", Role::Participant, &[])
        .await;
    let mut stranger = app.browser();
    stranger.sign_in("stranger@example.org").await;
    assert_eq!(
        stranger
            .get(&format!("/rounds/{round}/topics"))
            .await
            .status,
        StatusCode::NOT_FOUND
    );

    // Releasing now asks first; only the confirmation's button releases.
    let confirm = admin.get(&format!("{topic_path}/release")).await;
    assert_eq!(confirm.status, StatusCode::OK);
    assert!(
        confirm.body.contains("Emails cannot be called back"),
        "{}",
        confirm.body
    );
    let unconfirmed = admin.post(&format!("{topic_path}/release"), &[]).await;
    assert_eq!(unconfirmed.status, StatusCode::SEE_OTHER);
    assert!(
        app.store.round_topics(round).await.unwrap()[0]
            .released_at
            .is_none()
    );
    let released = admin
        .post(&format!("{topic_path}/release"), &[("confirm", "yes")])
        .await;
    assert_eq!(released.status, StatusCode::SEE_OTHER);
    let page = admin.get(released.location()).await;
    assert!(page.body.contains("Released: 4 readers"), "{}", page.body);
    app.deliver().await;
    let sent: Vec<_> = app
        .mailer
        .sent()
        .into_iter()
        .filter(|m| m.subject == "Discussion topic: Getting to know you")
        .collect();
    assert_eq!(sent.len(), 4);
    let email = &sent[0];
    assert!(
        email
            .text_body
            .contains("Show your partner **where you work**.")
    );
    assert!(email.text_body.contains(topic_path.as_str()));
    let html = email.html_body.as_deref().unwrap();
    assert!(html.contains("<strong>where you work</strong>"), "{html}");
    assert!(!html.contains("<script"), "{html}");
    // The words may stay as text; no link or script is made of them.
    assert!(!html.to_lowercase().contains("href=\"javascript"), "{html}");

    // Now out: the reader sees it on the topic's page, the archive and the dashboard.
    let page = reader.get(&topic_path).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(
        page.body.contains("<h2>Your work space</h2>"),
        "{}",
        page.body
    );
    assert!(!page.body.contains("<script>alert"));
    assert!(!page.body.contains("Edit this topic"));
    let archive = reader.get(&format!("/rounds/{round}/topics")).await;
    assert!(
        archive.body.contains("Getting to know you"),
        "{}",
        archive.body
    );
    let dashboard = reader.get("/dashboard").await;
    assert!(
        dashboard.body.contains(&format!("href=\"{topic_path}\"")),
        "{}",
        dashboard.body
    );

    // An edit after the release changes the page and sends nothing.
    let before = app.mailer.sent().len();
    let edited = admin
        .post(
            &format!("{topic_path}/edit"),
            &topic_fields("Getting to know you (updated)", "2027-03-01", "save"),
        )
        .await;
    assert_eq!(edited.status, StatusCode::SEE_OTHER, "{}", edited.body);
    app.deliver().await;
    assert_eq!(app.mailer.sent().len(), before);
    assert!(
        reader
            .get(&topic_path)
            .await
            .body
            .contains("Getting to know you (updated)")
    );
}

#[tokio::test]
async fn participants_cannot_write_and_malformed_input_is_not_our_failure() {
    let app = TestApp::new().await;
    let (round, mut admin) = published(&app, 2).await;
    let mut reader = app.browser();
    reader.sign_in("applicant0@example.org").await;
    let page = reader
        .post(
            &format!("/rounds/{round}/topics/new"),
            &topic_fields("Mine", "2027-03-01", "save"),
        )
        .await;
    assert!(
        page.status == StatusCode::NOT_FOUND || page.status == StatusCode::FORBIDDEN,
        "{}",
        page.status
    );
    assert!(app.store.round_topics(round).await.unwrap().is_empty());
    for path in [
        "/topics/999999".to_owned(),
        "/topics/abc".to_owned(),
        "/topics/999999/edit".to_owned(),
        "/rounds/999999/topics".to_owned(),
        format!("/rounds/{round}/topics/new?part_of=999999"),
        format!("/rounds/{round}/topics/new?part_of=x"),
    ] {
        let page = admin.get(&path).await;
        assert!(
            page.status.is_client_error() || page.status.is_success(),
            "{path}: {}",
            page.status
        );
    }
    let huge = "x".repeat(60_000);
    let page = admin
        .post(
            &format!("/rounds/{round}/topics/new"),
            &[
                ("title", "Long"),
                ("body", huge.as_str()),
                ("release_on", "2027-03-01"),
                ("intent", "save"),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body.contains("Keep the text under"),
        "{}",
        &page.body[..page.body.len().min(3000)]
    );
}

/// A released topic of a published round, and the admin's browser.
#[expect(
    clippy::unwrap_used,
    reason = "test helper: a panic here is a failed test"
)]
async fn released_topic(app: &TestApp) -> (RoundId, String, Browser<'_>) {
    let (round, mut admin) = published(app, 4).await;
    let saved = admin
        .post(
            &format!("/rounds/{round}/topics/new"),
            &topic_fields("Libraries & Social Media", "2027-03-01", "save"),
        )
        .await;
    let path = saved.location().split('?').next().unwrap().to_owned();
    let released = admin
        .post(&format!("{path}/release"), &[("confirm", "yes")])
        .await;
    assert_eq!(released.status, StatusCode::SEE_OTHER);
    (round, path, admin)
}

#[tokio::test]
async fn readers_discuss_a_topic_edit_and_delete_their_posts_and_coordinators_hide_one() {
    let app = TestApp::new().await;
    let (round, topic, mut admin) = released_topic(&app).await;
    let mut ana = app.browser();
    ana.sign_in("applicant0@example.org").await;
    let mut ben = app.browser();
    ben.sign_in("applicant1@example.org").await;

    // An empty post is refused next to the box; a real one lands with its link clickable
    // and its markup escaped.
    let empty = ana
        .post(&format!("{topic}/posts"), &[("body", "   ")])
        .await;
    assert_eq!(empty.status, StatusCode::OK);
    assert!(
        empty.body.contains("Write something first."),
        "{}",
        empty.body
    );
    let posted = ana
        .post(
            &format!("{topic}/posts"),
            &[(
                "body",
                "Our library posts on https://mastodon.social/@library <b>daily</b>.",
            )],
        )
        .await;
    assert_eq!(posted.status, StatusCode::SEE_OTHER, "{}", posted.body);
    let page = ben.get(&topic).await;
    assert!(
        page.body.contains(
            "<a href=\"https://mastodon.social/@library\" rel=\"nofollow ugc noopener noreferrer\">"
        ),
        "{}",
        page.body
    );
    assert!(
        page.body.contains("&lt;b&gt;daily&lt;/b&gt;"),
        "{}",
        page.body
    );
    let post_id: i64 = posted
        .location()
        .rsplit("#post-")
        .next()
        .unwrap()
        .parse()
        .unwrap();

    // Only the author edits; a wall of links is refused and the words are kept.
    let other = ben
        .post(&format!("/posts/{post_id}/edit"), &[("body", "Mine now")])
        .await;
    assert_eq!(other.status, StatusCode::FORBIDDEN);
    let links = "https://example.org/a ".repeat(30);
    let refused = ana
        .post(
            &format!("/posts/{post_id}/edit"),
            &[("body", links.as_str())],
        )
        .await;
    assert_eq!(refused.status, StatusCode::OK);
    assert!(
        refused.body.contains("at most 20 links"),
        "{}",
        refused.body
    );
    assert!(
        refused
            .body
            .contains("https://example.org/a https://example.org/a")
    );
    let edited = ana
        .post(
            &format!("/posts/{post_id}/edit"),
            &[("body", "We post every weekday.")],
        )
        .await;
    assert_eq!(edited.status, StatusCode::SEE_OTHER);
    assert!(
        ben.get(&topic)
            .await
            .body
            .contains("We post every weekday.")
    );

    // A coordinator hides Ben's post: readers see that it was hidden, coordinators still
    // read it and can show it again.
    let bens = ben
        .post(&format!("{topic}/posts"), &[("body", "Buy cheap watches")])
        .await;
    let bens_id: i64 = bens
        .location()
        .rsplit("#post-")
        .next()
        .unwrap()
        .parse()
        .unwrap();
    let forbidden = ana
        .post(&format!("/posts/{bens_id}/hide"), &[("action", "hide")])
        .await;
    assert_eq!(forbidden.status, StatusCode::FORBIDDEN);
    let hidden = admin
        .post(&format!("/posts/{bens_id}/hide"), &[("action", "hide")])
        .await;
    assert_eq!(hidden.status, StatusCode::SEE_OTHER);
    let page = ana.get(&topic).await;
    assert!(!page.body.contains("Buy cheap watches"), "{}", page.body);
    assert!(page.body.contains("A coordinator hid this post."));
    assert!(admin.get(&topic).await.body.contains("Buy cheap watches"));

    // Deleting asks first; then the words are gone and the place stays.
    let unconfirmed = ana.post(&format!("/posts/{post_id}/delete"), &[]).await;
    assert_eq!(unconfirmed.status, StatusCode::SEE_OTHER);
    assert!(
        ben.get(&topic)
            .await
            .body
            .contains("We post every weekday.")
    );
    let deleted = ana
        .post(&format!("/posts/{post_id}/delete"), &[("confirm", "yes")])
        .await;
    assert_eq!(deleted.status, StatusCode::SEE_OTHER);
    let page = ben.get(&topic).await;
    assert!(!page.body.contains("We post every weekday."));
    assert!(page.body.contains("Deleted by its author."));

    // Partners mark it discussed; coordinators see how many did.
    let marked = ana
        .post(&format!("{topic}/discussed"), &[("discussed", "yes")])
        .await;
    assert_eq!(marked.status, StatusCode::SEE_OTHER);
    assert!(
        ana.get(&topic)
            .await
            .body
            .contains("You marked this topic as discussed together.")
    );
    assert!(
        admin
            .get(&topic)
            .await
            .body
            .contains("1 partnership marked this topic as discussed.")
    );

    // Someone outside the round can neither read nor write.
    app.user("stranger@example.org", Role::Participant, &[])
        .await;
    let mut stranger = app.browser();
    stranger.sign_in("stranger@example.org").await;
    let page = stranger
        .post(&format!("{topic}/posts"), &[("body", "Hello")])
        .await;
    assert_eq!(page.status, StatusCode::NOT_FOUND);
    assert_eq!(
        stranger
            .get(&format!("/rounds/{round}/resources"))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    // A post far too big is refused before it is read.
    let huge = "x".repeat(100 * 1024);
    let page = ana
        .post(&format!("{topic}/posts"), &[("body", huge.as_str())])
        .await;
    assert_eq!(page.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(
        page.body.contains("at most 5,000 characters"),
        "{}",
        page.body
    );
    // So is one of 10,000 links, even the shortest links there are.
    let wall = "http://a ".repeat(10_000);
    let page = ana
        .post(&format!("{topic}/posts"), &[("body", wall.as_str())])
        .await;
    assert_eq!(page.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(page.body.contains("20 links"), "{}", page.body);
}

#[tokio::test]
async fn the_resources_board_takes_links_with_a_note() {
    let app = TestApp::new().await;
    let (round, _, mut admin) = released_topic(&app).await;
    let mut ana = app.browser();
    ana.sign_in("applicant0@example.org").await;
    let board = format!("/rounds/{round}/resources");
    assert_eq!(ana.get(&board).await.status, StatusCode::OK);
    let refused = ana
        .post(
            &board,
            &[
                ("url", "javascript:alert(1)"),
                ("body", "Directory of Free Arab Journals"),
            ],
        )
        .await;
    assert_eq!(refused.status, StatusCode::OK);
    assert!(
        refused.body.contains("is not a web address"),
        "{}",
        refused.body
    );
    assert!(refused.body.contains("Directory of Free Arab Journals"));
    let shared = ana
        .post(
            &board,
            &[
                ("url", "https://example.org/dfaj"),
                ("body", "Directory of Free Arab Journals"),
            ],
        )
        .await;
    assert_eq!(shared.status, StatusCode::SEE_OTHER, "{}", shared.body);
    let page = admin.get(&board).await;
    assert!(
        page.body.contains("href=\"https://example.org/dfaj\""),
        "{}",
        page.body
    );
    assert!(page.body.contains("Directory of Free Arab Journals"));
    assert!(page.body.contains("Hide this post"));
}

#[tokio::test]
async fn a_reader_stops_topic_emails_from_the_link_without_signing_in() {
    let app = TestApp::new().await;
    let (round, _topic, mut admin) = released_topic(&app).await;
    app.deliver().await;
    let link = app.link_in_mail("applicant0@example.org", "/unsubscribe");
    let mut visitor = app.browser();
    let page = visitor.get(&link).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.body.contains("Stop topic emails"), "{}", page.body);
    let token = link.split("t=").nth(1).unwrap().to_owned();
    let stopped = visitor
        .post("/unsubscribe", &[("t", token.as_str()), ("topics", "off")])
        .await;
    assert!(
        stopped.body.contains("no more topic emails"),
        "{}",
        stopped.body
    );
    let forged = visitor
        .post("/unsubscribe", &[("t", "forged"), ("topics", "off")])
        .await;
    assert!(forged.body.contains("This link does not work"));

    // The next topic reaches the other readers, not this one.
    let saved = admin
        .post(
            &format!("/rounds/{round}/topics/new"),
            &topic_fields("Technology & Libraries", "2027-03-15", "save"),
        )
        .await;
    let path = saved.location().split('?').next().unwrap().to_owned();
    admin
        .post(&format!("{path}/release"), &[("confirm", "yes")])
        .await;
    app.deliver().await;
    let to: Vec<String> = app
        .mailer
        .sent()
        .into_iter()
        .filter(|m| m.subject == "Discussion topic: Technology & Libraries")
        .map(|m| m.to)
        .collect();
    assert_eq!(to.len(), 3, "{to:?}");
    assert!(!to.contains(&"applicant0@example.org".to_owned()));
}

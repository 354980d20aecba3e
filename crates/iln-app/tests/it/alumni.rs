//! The alumni network on both backends: only people who took part join; the entry shows
//! what they chose, and search only finds what is shown; suggestions never include someone
//! already met, nor anyone of a country already known; leaving takes effect at once; a
//! person's network lists their partners.

use iln_app::Actor;
use iln_app::alumni::{self, AlumniError};
use iln_domain::account::Role;
use iln_domain::alumni::{ListingForm, Search};
use iln_domain::country::CountryCode;

use crate::app_tests;
use crate::support::TestApp;
use crate::topics::active_round;

app_tests!(
    alumni_join_are_found_get_suggestions_and_leave,
    messages_go_by_relay_replies_show_addresses_and_blocks_hold,
);

/// An account of `role` with a verified address and no password.
async fn account(t: &TestApp, email: &str, role: Role) -> iln_store::UserId {
    t.store
        .create_user(
            &iln_store::NewUser {
                display_name: iln_domain::account::DisplayName::parse(
                    email.split('@').next().unwrap(),
                )
                .unwrap(),
                email: iln_domain::account::Email::parse(email).unwrap(),
                password_hash: None,
                role,
                countries: Vec::new(),
                email_verified: true,
                time_zone: None,
            },
            t.app.now(),
        )
        .await
        .unwrap()
}

fn shown_all(bio: &str) -> ListingForm {
    ListingForm {
        bio: bio.to_owned(),
        country: "on".to_owned(),
        sector: "on".to_owned(),
        role: "on".to_owned(),
        interests: "on".to_owned(),
        languages: "on".to_owned(),
        rounds: "on".to_owned(),
    }
}

async fn alumni_join_are_found_get_suggestions_and_leave(t: &TestApp) {
    let (round, _) = active_round(t).await;
    let partnerships = t.store.round_partnerships(round).await.unwrap();
    let actor = |user| Actor::User {
        id: user,
        role: Role::Participant,
        countries: Vec::new(),
    };
    let members: Vec<_> = partnerships
        .iter()
        .flat_map(|p| p.members.clone())
        .collect();
    let me = &partnerships[0].members[0];
    let partner = &partnerships[0].members[1];

    // Someone who never took part cannot join; a bio too long is refused.
    let newcomer = account(t, "new@example.org", Role::Participant).await;
    let never = alumni::join(&t.app, &actor(newcomer), &shown_all("Hi")).await;
    assert!(
        matches!(never, Err(AlumniError::NeverTookPart)),
        "{never:?}"
    );
    let long = alumni::join(&t.app, &actor(me.user), &shown_all(&"x".repeat(601))).await;
    assert!(matches!(long, Err(AlumniError::Invalid(_))), "{long:?}");

    // Everyone joins; the last hides their country.
    for (n, m) in members.iter().enumerate() {
        let mut form = shown_all(&format!("Librarian {n}"));
        if n == members.len() - 1 {
            form.country.clear();
        }
        alumni::join(&t.app, &actor(m.user), &form).await.unwrap();
    }
    let everyone = alumni::directory(&t.app, &actor(me.user), &Search::default(), 1)
        .await
        .unwrap();
    assert_eq!(everyone.total, 6);
    assert!(
        everyone
            .entries
            .iter()
            .all(|(_, a)| a.rounds == vec!["2027 Round 1".to_owned()])
    );
    let hidden = members.last().unwrap();
    let by_hidden_country = alumni::directory(
        &t.app,
        &actor(me.user),
        &Search {
            country: Some(hidden.country),
            ..Search::default()
        },
        1,
    )
    .await
    .unwrap();
    assert_eq!(
        by_hidden_country.total, 0,
        "a hidden country is never searched"
    );
    let by_interest = alumni::directory(
        &t.app,
        &actor(me.user),
        &Search {
            interest: "OPEN".to_owned(),
            ..Search::default()
        },
        9,
    )
    .await
    .unwrap();
    assert_eq!(
        (by_interest.total, by_interest.page),
        (6, 1),
        "a page past the end is the last"
    );
    let coordinator = Actor::User {
        id: newcomer,
        role: Role::CountryCoordinator,
        countries: vec![CountryCode::parse("KE").unwrap()],
    };
    assert!(
        alumni::directory(&t.app, &coordinator, &Search::default(), 1)
            .await
            .is_ok()
    );
    let outsider = alumni::directory(&t.app, &actor(newcomer), &Search::default(), 1).await;
    assert!(
        matches!(outsider, Err(AlumniError::NotJoined)),
        "{outsider:?}"
    );

    // Suggestions: never the partner, never their own country, each with a reason.
    let suggested = alumni::suggestions(&t.app, &actor(me.user)).await.unwrap();
    assert!(!suggested.is_empty());
    assert!(
        suggested
            .iter()
            .all(|s| s.user != partner.user && s.user != me.user)
    );
    assert!(
        suggested
            .iter()
            .all(|s| s.alumnus.country != me.country && s.alumnus.country != partner.country)
    );
    assert!(suggested.iter().all(|s| !s.why.is_empty()));
    assert!(suggested.windows(2).all(|w| w[0].score >= w[1].score));

    // Leaving takes them out at once.
    let gone = &partnerships[1].members[0];
    assert!(alumni::leave(&t.app, &actor(gone.user)).await.unwrap());
    assert!(!alumni::leave(&t.app, &actor(gone.user)).await.unwrap());
    let after = alumni::directory(&t.app, &actor(me.user), &Search::default(), 1)
        .await
        .unwrap();
    assert_eq!(after.total, 5);
    assert!(after.entries.iter().all(|(u, _)| *u != gone.user));
    let theirs = alumni::suggestions(&t.app, &actor(me.user)).await.unwrap();
    assert!(theirs.iter().all(|s| s.user != gone.user));
    let audit = t.store.list_audit(3, 0).await.unwrap();
    assert_eq!(audit[0].action, "alumni.leave");

    // A person's network: their partner, with country and round.
    let network = alumni::network(&t.app, &actor(me.user)).await.unwrap();
    assert_eq!(network.len(), 1);
    assert_eq!(network[0].name, partner.profile.name);
    assert_eq!(network[0].country, partner.country);
}

async fn messages_go_by_relay_replies_show_addresses_and_blocks_hold(t: &TestApp) {
    use iln_app::relay::{self, RelayError};

    let (round, _) = active_round(t).await;
    let partnerships = t.store.round_partnerships(round).await.unwrap();
    let actor = |user| Actor::User {
        id: user,
        role: Role::Participant,
        countries: Vec::new(),
    };
    let (a, b, c) = (
        &partnerships[0].members[0],
        &partnerships[1].members[0],
        &partnerships[2].members[0],
    );
    let outsider = &partnerships[2].members[1];
    for m in [a, b, c] {
        alumni::join(&t.app, &actor(m.user), &shown_all("Hello"))
            .await
            .unwrap();
    }
    // The admin a report reaches.
    account(t, "admin@example.org", Role::Admin).await;
    let mail = |to: String| async move {
        t.store
            .list_jobs_of_kind(iln_store::EMAIL_JOB, 1_000, 0)
            .await
            .unwrap()
            .iter()
            .map(|j| iln_store::EmailPayload::from_job(j).unwrap())
            .filter(|e| e.to == to)
            .collect::<Vec<_>>()
    };

    // Refusals: empty, to oneself, from or to someone outside the directory.
    assert!(matches!(
        relay::write(&t.app, &actor(a.user), b.user, "  ").await,
        Err(RelayError::Invalid(_))
    ));
    assert!(matches!(
        relay::write(&t.app, &actor(a.user), a.user, "Hi").await,
        Err(RelayError::NotInDirectory)
    ));
    assert!(matches!(
        relay::write(&t.app, &actor(outsider.user), b.user, "Hi").await,
        Err(RelayError::NotInDirectory)
    ));
    assert!(matches!(
        relay::write(&t.app, &actor(a.user), outsider.user, "Hi").await,
        Err(RelayError::NotInDirectory)
    ));

    // A writes to B: B is told, without A's address.
    let first = relay::write(&t.app, &actor(a.user), b.user, "Shall we talk about maps?")
        .await
        .unwrap();
    let to_b = mail(b.profile.email.clone()).await;
    let told = to_b.iter().find(|m| m.text_body.contains("maps")).unwrap();
    assert!(
        told.text_body.contains("from_email: None"),
        "{}",
        told.text_body
    );
    assert!(!told.text_body.contains(&a.profile.email));
    // Nobody else can read it; A cannot answer their own message.
    assert!(matches!(
        relay::message(&t.app, &actor(c.user), first).await,
        Err(iln_app::AppError::NotFound)
    ));
    assert!(matches!(
        relay::reply(&t.app, &actor(a.user), first, "?").await,
        Err(RelayError::App(iln_app::AppError::NotFound))
    ));
    let before = relay::inbox(&t.app, &actor(a.user)).await.unwrap();
    assert!(
        before[0].other_email.is_none(),
        "no addresses before a reply"
    );
    // B replies: A gets B's address, and each now sees the other's.
    relay::reply(&t.app, &actor(b.user), first, "Yes please!")
        .await
        .unwrap();
    let to_a = mail(a.profile.email.clone()).await;
    assert!(
        to_a.iter()
            .any(|m| m.text_body.contains("Yes please!") && m.text_body.contains(&b.profile.email))
    );
    let after = relay::inbox(&t.app, &actor(a.user)).await.unwrap();
    assert!(
        after
            .iter()
            .all(|l| l.other_email.as_deref() == Some(b.profile.email.as_str()))
    );

    // Five a day at most: the first message and four more.
    for n in 0..4 {
        relay::write(&t.app, &actor(a.user), c.user, &format!("Message {n}"))
            .await
            .unwrap();
    }
    let sixth = relay::write(&t.app, &actor(a.user), c.user, "One too many").await;
    assert!(matches!(sixth, Err(RelayError::TooMany)), "{sixth:?}");
    t.clock.advance(jiff::SignedDuration::from_hours(25));
    relay::write(&t.app, &actor(a.user), c.user, "A new day")
        .await
        .unwrap();

    // C blocks A and reports the message: nothing more from A reaches C; the admin is told.
    let lines = relay::inbox(&t.app, &actor(c.user)).await.unwrap();
    let from_a = lines.iter().find(|l| l.received).unwrap().message.id;
    relay::block(&t.app, &actor(c.user), from_a).await.unwrap();
    let blocked = relay::write(&t.app, &actor(a.user), c.user, "Please?").await;
    assert!(matches!(blocked, Err(RelayError::Blocked)), "{blocked:?}");
    relay::report(&t.app, &actor(c.user), from_a, "Too many messages.")
        .await
        .unwrap();
    assert_eq!(t.store.abuse_report_count().await.unwrap(), 1);
    let to_admin = mail("admin@example.org".to_owned()).await;
    assert!(
        to_admin
            .iter()
            .any(|m| m.text_body.contains("Too many messages."))
    );
    let long = relay::report(&t.app, &actor(c.user), from_a, &"x".repeat(2_001)).await;
    assert!(matches!(long, Err(RelayError::NoteTooLong)));
    // Only the recipient blocks or reports.
    assert!(relay::block(&t.app, &actor(a.user), from_a).await.is_err());
}

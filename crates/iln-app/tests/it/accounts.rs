//! The accounts use-cases, on both backends: each one's change, audit entry and email land
//! together; a fault at any write of sign-up or of a password reset leaves nothing half done
//! (no account without its confirmation email, no link used up without the new password);
//! and each refusal is typed.

use iln_app::Actor;
use iln_app::AppError;
use iln_app::accounts::{
    self, AccountsError, ChangePassword, NewAccount, ResetPassword, SignIn, SignUp, SignUpOutcome,
    secret_hash,
};
use iln_domain::account::{DisplayName, Email, NewPassword, PasswordError, Role, verify_password};
use iln_domain::country::CountryCode;
use iln_store::{NewUser, OutboxEmail, StoreError, TokenPurpose, User, UserId};
use jiff::SignedDuration;

use crate::app_tests;
use crate::support::TestApp;

app_tests!(
    sign_up_writes_the_account_its_link_its_email_and_its_audit_entry,
    sign_up_for_a_known_address_emails_its_owner_instead,
    a_fault_at_any_write_of_sign_up_leaves_nothing_and_a_retry_succeeds,
    sign_ups_racing_for_one_address_make_one_account,
    a_confirmation_link_works_once_and_only_in_time,
    resending_the_confirmation_retires_the_old_link,
    a_reset_link_is_sent_only_to_an_account_and_only_the_newest_works,
    resetting_the_password_ends_sessions_and_links_and_tells_the_owner,
    a_refused_reset_password_keeps_the_link,
    a_fault_at_any_write_of_a_reset_leaves_the_link_and_the_password,
    changing_the_password_keeps_only_the_new_session,
    signing_in_checks_the_password_and_replaces_the_session,
    admins_set_roles_and_scopes_of_others,
    the_operator_creates_accounts_and_sets_passwords,
);

const PASSWORD: &str = "catalogue-otter-lantern";
const NEW_PASSWORD: &str = "reading-room-lamp";

fn email(text: &str) -> Email {
    Email::parse(text).unwrap()
}

fn password(text: &str, owner: &str) -> NewPassword {
    NewPassword::parse(text, &email(owner)).unwrap()
}

fn sign_up_input(address: &str) -> SignUp {
    SignUp {
        name: DisplayName::parse("Ada Okafor").unwrap(),
        email: email(address),
        password: password(PASSWORD, address),
        time_zone: None,
    }
}

async fn account(t: &TestApp, address: &str, role: Role, verified: bool) -> User {
    let id = t
        .store
        .create_user(
            &NewUser {
                email: email(address),
                display_name: DisplayName::parse("Ana Silva").unwrap(),
                password_hash: Some(iln_domain::account::hash_password(&password(
                    PASSWORD, address,
                ))),
                role,
                countries: Vec::new(),
                email_verified: verified,
                time_zone: None,
            },
            t.app.now(),
        )
        .await
        .unwrap();
    t.store.user(id).await.unwrap().unwrap()
}

async fn outbox(t: &TestApp) -> Vec<OutboxEmail> {
    t.store.list_outbox(1000, 0).await.unwrap()
}

/// The emails to `to` whose notice is `kind` (the test composer's subject starts with it).
async fn mail(t: &TestApp, to: &str, kind: &str) -> Vec<OutboxEmail> {
    outbox(t)
        .await
        .into_iter()
        .filter(|m| m.to.as_str() == to && m.subject.starts_with(kind))
        .collect()
}

/// The token of the link in the newest email to `to` of this kind.
async fn token_in_mail(t: &TestApp, to: &str, kind: &str) -> String {
    let newest = mail(t, to, kind).await.into_iter().next().unwrap();
    let start = newest.text_body.find("?token=").unwrap() + "?token=".len();
    let rest = &newest.text_body[start..];
    rest[..rest.find('"').unwrap()].to_owned()
}

/// Whether the use-case failed at the injected fault, and at nothing else.
fn injected<T>(result: &Result<T, AccountsError>) -> bool {
    matches!(
        result,
        Err(AccountsError::App(AppError::Store(
            StoreError::InjectedFault
        )))
    )
}

async fn session_of(t: &TestApp, secret: &str) -> Option<UserId> {
    t.store
        .session_user(&secret_hash(secret), t.app.now())
        .await
        .unwrap()
        .map(|user| user.id)
}

async fn start_session(t: &TestApp, user: UserId, secret: &str) {
    let now = t.app.now();
    t.store
        .create_session(
            &secret_hash(secret),
            user,
            now,
            now + SignedDuration::from_hours(1),
        )
        .await
        .unwrap();
}

async fn password_is(t: &TestApp, user: UserId, text: &str) -> bool {
    let hash = t
        .store
        .user(user)
        .await
        .unwrap()
        .unwrap()
        .password_hash
        .unwrap();
    verify_password(text, &hash)
}

async fn sign_up_writes_the_account_its_link_its_email_and_its_audit_entry(t: &TestApp) {
    let outcome = accounts::sign_up(&t.app, &Actor::Anonymous, sign_up_input("ada@example.org"))
        .await
        .unwrap();
    let SignUpOutcome::Created(id) = outcome else {
        panic!("{outcome:?}");
    };
    let user = t.store.user(id).await.unwrap().unwrap();
    assert_eq!(user.role, Role::Participant);
    assert!(!user.email_verified);
    assert!(password_is(t, id, PASSWORD).await);
    assert_eq!(
        t.store
            .count_tokens(TokenPurpose::VerifyEmail)
            .await
            .unwrap(),
        1
    );
    let sent = mail(t, "ada@example.org", "Verify").await;
    assert_eq!(sent.len(), 1);
    assert!(
        sent[0]
            .text_body
            .contains("link: \"https://iln.test/verify?token=")
    );
    let log = t.store.list_audit(10, 0).await.unwrap();
    assert_eq!(log.len(), 1);
    assert_eq!(log[0].action, "account.sign_up");
    assert_eq!(log[0].actor, Some(id));
    assert_eq!(
        log[0].target.as_deref(),
        Some(format!("user:{id}").as_str())
    );
}

async fn sign_up_for_a_known_address_emails_its_owner_instead(t: &TestApp) {
    let known = account(t, "known@example.org", Role::Participant, true).await;
    let outcome = accounts::sign_up(
        &t.app,
        &Actor::Anonymous,
        sign_up_input("known@example.org"),
    )
    .await
    .unwrap();
    assert_eq!(outcome, SignUpOutcome::AlreadyRegistered(known.id));
    let sent = mail(t, "known@example.org", "AlreadyRegistered").await;
    assert_eq!(sent.len(), 1);
    assert!(sent[0].text_body.contains("https://iln.test/signin"));
    assert!(sent[0].text_body.contains("https://iln.test/forgot"));
    // The password typed is not the account's now.
    assert!(password_is(t, known.id, PASSWORD).await);

    // Unconfirmed: a fresh confirmation link, and the earlier one stops working.
    let pending = account(t, "pending@example.org", Role::Participant, false).await;
    accounts::resend_verification(&t.app, &Actor::Anonymous, &pending.email)
        .await
        .unwrap();
    let first = token_in_mail(t, "pending@example.org", "Verify").await;
    let outcome = accounts::sign_up(
        &t.app,
        &Actor::Anonymous,
        sign_up_input("pending@example.org"),
    )
    .await
    .unwrap();
    assert_eq!(outcome, SignUpOutcome::Resent(pending.id));
    assert_eq!(mail(t, "pending@example.org", "Verify").await.len(), 2);
    let second = token_in_mail(t, "pending@example.org", "Verify").await;
    assert_ne!(first, second);
    assert!(matches!(
        accounts::verify_email(&t.app, &Actor::Anonymous, &first).await,
        Err(AccountsError::BrokenLink)
    ));
    accounts::verify_email(&t.app, &Actor::Anonymous, &second)
        .await
        .unwrap();
    // Only an account created is audited as a sign-up.
    let sign_ups = t
        .store
        .list_audit(10, 0)
        .await
        .unwrap()
        .into_iter()
        .filter(|e| e.action == "account.sign_up")
        .count();
    assert_eq!(sign_ups, 0);
}

async fn a_fault_at_any_write_of_sign_up_leaves_nothing_and_a_retry_succeeds(t: &TestApp) {
    let mut step = 1;
    loop {
        t.store.fail_at_write_step(step);
        let result =
            accounts::sign_up(&t.app, &Actor::Anonymous, sign_up_input("ada@example.org")).await;
        if !t.store.fault_pending() {
            // The fault fired at this write: the whole transaction is gone.
            assert!(injected(&result), "step {step}: {result:?}");
            assert!(
                t.store
                    .user_by_email(&email("ada@example.org"))
                    .await
                    .unwrap()
                    .is_none(),
                "step {step}: no account"
            );
            assert_eq!(
                t.store
                    .count_tokens(TokenPurpose::VerifyEmail)
                    .await
                    .unwrap(),
                0,
                "step {step}: no link"
            );
            assert_eq!(
                t.store.count_outbox().await.unwrap(),
                0,
                "step {step}: no email"
            );
            assert_eq!(
                t.store.count_audit().await.unwrap(),
                0,
                "step {step}: no audit"
            );
            step += 1;
            continue;
        }
        // Sign-up has fewer writes than `step`: it ran to the end.
        t.store.fail_at_write_step(0);
        assert!(
            matches!(result, Ok(SignUpOutcome::Created(_))),
            "{result:?}"
        );
        break;
    }
    assert!(
        step > 4,
        "sign-up writes the account, audit entry, old links retired, link and email"
    );
    assert_eq!(t.store.count_outbox().await.unwrap(), 1);
    assert_eq!(mail(t, "ada@example.org", "Verify").await.len(), 1);
    assert_eq!(
        t.store
            .count_tokens(TokenPurpose::VerifyEmail)
            .await
            .unwrap(),
        1
    );
    assert_eq!(t.store.count_audit().await.unwrap(), 1);
    // And the one email's link confirms the one account.
    let token = token_in_mail(t, "ada@example.org", "Verify").await;
    accounts::verify_email(&t.app, &Actor::Anonymous, &token)
        .await
        .unwrap();
}

async fn sign_ups_racing_for_one_address_make_one_account(t: &TestApp) {
    // On PostgreSQL the losers' inserts hit the unique email and answer from a new
    // transaction; on SQLite the write lock lines them up. Either way: one account, and every
    // sign-up's email goes to that address.
    let racers = (0..4).map(|_| {
        let app = t.app.clone();
        tokio::spawn(async move {
            accounts::sign_up(&app, &Actor::Anonymous, sign_up_input("ada@example.org")).await
        })
    });
    let mut created = 0;
    for racer in racers.collect::<Vec<_>>() {
        match racer.await.unwrap().unwrap() {
            SignUpOutcome::Created(_) => created += 1,
            SignUpOutcome::Resent(_) => {}
            other => panic!("{other:?}"),
        }
    }
    assert_eq!(created, 1);
    assert_eq!(t.store.list_users().await.unwrap().len(), 1);
    assert_eq!(mail(t, "ada@example.org", "Verify").await.len(), 4);
    // Each sign-up retires the links committed before it. Two at once on PostgreSQL (read
    // committed) do not see each other's, so more than one link may stay valid; all of them
    // went to the address's own mailbox, which is what matters.
    let links = t
        .store
        .count_tokens(TokenPurpose::VerifyEmail)
        .await
        .unwrap();
    assert!((1..=4).contains(&links), "{links} links");
    assert_eq!(t.store.count_audit().await.unwrap(), 1);
}

async fn a_confirmation_link_works_once_and_only_in_time(t: &TestApp) {
    accounts::sign_up(&t.app, &Actor::Anonymous, sign_up_input("ada@example.org"))
        .await
        .unwrap();
    let token = token_in_mail(t, "ada@example.org", "Verify").await;
    let id = accounts::verify_email(&t.app, &Actor::Anonymous, &token)
        .await
        .unwrap();
    assert!(t.store.user(id).await.unwrap().unwrap().email_verified);
    let log = t.store.list_audit(1, 0).await.unwrap();
    assert_eq!(log[0].action, "account.email_verified");
    assert_eq!(log[0].actor, Some(id));
    assert!(matches!(
        accounts::verify_email(&t.app, &Actor::Anonymous, &token).await,
        Err(AccountsError::BrokenLink)
    ));
    assert!(matches!(
        accounts::verify_email(&t.app, &Actor::Anonymous, "made-up").await,
        Err(AccountsError::BrokenLink)
    ));

    accounts::sign_up(&t.app, &Actor::Anonymous, sign_up_input("late@example.org"))
        .await
        .unwrap();
    let late = token_in_mail(t, "late@example.org", "Verify").await;
    t.clock
        .advance(accounts::VERIFY_LIFETIME + SignedDuration::from_secs(1));
    assert!(matches!(
        accounts::verify_email(&t.app, &Actor::Anonymous, &late).await,
        Err(AccountsError::BrokenLink)
    ));
    let late_user = t
        .store
        .user_by_email(&email("late@example.org"))
        .await
        .unwrap()
        .unwrap();
    assert!(!late_user.email_verified);
}

async fn resending_the_confirmation_retires_the_old_link(t: &TestApp) {
    accounts::sign_up(&t.app, &Actor::Anonymous, sign_up_input("ada@example.org"))
        .await
        .unwrap();
    let first = token_in_mail(t, "ada@example.org", "Verify").await;
    accounts::resend_verification(&t.app, &Actor::Anonymous, &email("ada@example.org"))
        .await
        .unwrap();
    let second = token_in_mail(t, "ada@example.org", "Verify").await;
    assert_eq!(
        t.store
            .count_tokens(TokenPurpose::VerifyEmail)
            .await
            .unwrap(),
        1
    );
    assert!(matches!(
        accounts::verify_email(&t.app, &Actor::Anonymous, &first).await,
        Err(AccountsError::BrokenLink)
    ));
    accounts::verify_email(&t.app, &Actor::Anonymous, &second)
        .await
        .unwrap();
    // Confirmed accounts and unknown addresses get nothing.
    let before = t.store.count_outbox().await.unwrap();
    accounts::resend_verification(&t.app, &Actor::Anonymous, &email("ada@example.org"))
        .await
        .unwrap();
    accounts::resend_verification(&t.app, &Actor::Anonymous, &email("nobody@example.org"))
        .await
        .unwrap();
    assert_eq!(t.store.count_outbox().await.unwrap(), before);
}

async fn a_reset_link_is_sent_only_to_an_account_and_only_the_newest_works(t: &TestApp) {
    accounts::forgot_password(&t.app, &Actor::Anonymous, &email("nobody@example.org"))
        .await
        .unwrap();
    assert_eq!(t.store.count_outbox().await.unwrap(), 0);
    assert_eq!(
        t.store
            .count_tokens(TokenPurpose::ResetPassword)
            .await
            .unwrap(),
        0
    );

    let ana = account(t, "ana@example.org", Role::Participant, true).await;
    accounts::forgot_password(&t.app, &Actor::Anonymous, &ana.email)
        .await
        .unwrap();
    let first = token_in_mail(t, "ana@example.org", "Reset").await;
    accounts::forgot_password(&t.app, &Actor::Anonymous, &ana.email)
        .await
        .unwrap();
    let second = token_in_mail(t, "ana@example.org", "Reset").await;
    assert_eq!(mail(t, "ana@example.org", "Reset").await.len(), 2);
    assert_eq!(
        t.store
            .count_tokens(TokenPurpose::ResetPassword)
            .await
            .unwrap(),
        1
    );
    let reset = |token: &str| ResetPassword {
        token: token.to_owned(),
        password: NEW_PASSWORD.to_owned(),
    };
    assert!(matches!(
        accounts::reset_password(&t.app, &Actor::Anonymous, reset(&first)).await,
        Err(AccountsError::BrokenLink)
    ));
    // A link lasts an hour.
    t.clock
        .advance(accounts::RESET_LIFETIME + SignedDuration::from_secs(1));
    assert!(matches!(
        accounts::reset_password(&t.app, &Actor::Anonymous, reset(&second)).await,
        Err(AccountsError::BrokenLink)
    ));
    assert!(password_is(t, ana.id, PASSWORD).await);
}

async fn resetting_the_password_ends_sessions_and_links_and_tells_the_owner(t: &TestApp) {
    let ana = account(t, "ana@example.org", Role::Participant, false).await;
    start_session(t, ana.id, "phone").await;
    accounts::forgot_password(&t.app, &Actor::Anonymous, &ana.email)
        .await
        .unwrap();
    let token = token_in_mail(t, "ana@example.org", "Reset").await;
    let id = accounts::reset_password(
        &t.app,
        &Actor::Anonymous,
        ResetPassword {
            token: token.clone(),
            password: NEW_PASSWORD.to_owned(),
        },
    )
    .await
    .unwrap();
    assert_eq!(id, ana.id);
    assert!(password_is(t, ana.id, NEW_PASSWORD).await);
    assert_eq!(session_of(t, "phone").await, None);
    assert_eq!(
        t.store
            .count_tokens(TokenPurpose::ResetPassword)
            .await
            .unwrap(),
        0
    );
    // Opening the emailed link proved the address works.
    assert!(t.store.user(ana.id).await.unwrap().unwrap().email_verified);
    let changed = mail(t, "ana@example.org", "PasswordChanged").await;
    assert_eq!(changed.len(), 1);
    assert!(changed[0].text_body.contains("https://iln.test/forgot"));
    let log = t.store.list_audit(1, 0).await.unwrap();
    assert_eq!(log[0].action, "account.password_reset");
    assert_eq!(log[0].actor, Some(ana.id));
}

async fn a_refused_reset_password_keeps_the_link(t: &TestApp) {
    let ana = account(t, "ana@example.org", Role::Participant, true).await;
    accounts::forgot_password(&t.app, &Actor::Anonymous, &ana.email)
        .await
        .unwrap();
    let token = token_in_mail(t, "ana@example.org", "Reset").await;
    let attempt = |password: &str| ResetPassword {
        token: token.clone(),
        password: password.to_owned(),
    };
    assert!(matches!(
        accounts::reset_password(&t.app, &Actor::Anonymous, attempt("short")).await,
        Err(AccountsError::Password(PasswordError::TooShort))
    ));
    // The rule that depends on the account, once the link names it.
    assert!(matches!(
        accounts::reset_password(&t.app, &Actor::Anonymous, attempt("ana@example.org")).await,
        Err(AccountsError::Password(PasswordError::SameAsEmail))
    ));
    // A too-short password is said first even on a link that does not work.
    assert!(matches!(
        accounts::reset_password(
            &t.app,
            &Actor::Anonymous,
            ResetPassword {
                token: "made-up".to_owned(),
                password: "short".to_owned(),
            }
        )
        .await,
        Err(AccountsError::Password(PasswordError::TooShort))
    ));
    assert!(password_is(t, ana.id, PASSWORD).await);
    assert_eq!(
        t.store
            .count_tokens(TokenPurpose::ResetPassword)
            .await
            .unwrap(),
        1
    );
    accounts::reset_password(&t.app, &Actor::Anonymous, attempt(NEW_PASSWORD))
        .await
        .unwrap();
    assert!(password_is(t, ana.id, NEW_PASSWORD).await);
}

async fn a_fault_at_any_write_of_a_reset_leaves_the_link_and_the_password(t: &TestApp) {
    let ana = account(t, "ana@example.org", Role::Participant, false).await;
    start_session(t, ana.id, "phone").await;
    accounts::forgot_password(&t.app, &Actor::Anonymous, &ana.email)
        .await
        .unwrap();
    let token = token_in_mail(t, "ana@example.org", "Reset").await;
    let emails = t.store.count_outbox().await.unwrap();
    let audits = t.store.count_audit().await.unwrap();
    let mut step = 1;
    loop {
        t.store.fail_at_write_step(step);
        let result = accounts::reset_password(
            &t.app,
            &Actor::Anonymous,
            ResetPassword {
                token: token.clone(),
                password: NEW_PASSWORD.to_owned(),
            },
        )
        .await;
        if !t.store.fault_pending() {
            assert!(injected(&result), "step {step}: {result:?}");
            // The link still works, and nothing it would do has happened.
            assert_eq!(
                t.store
                    .token_user(
                        TokenPurpose::ResetPassword,
                        &secret_hash(&token),
                        t.app.now()
                    )
                    .await
                    .unwrap(),
                Some(ana.id),
                "step {step}: the link is kept"
            );
            assert!(password_is(t, ana.id, PASSWORD).await, "step {step}");
            assert_eq!(session_of(t, "phone").await, Some(ana.id), "step {step}");
            assert!(!t.store.user(ana.id).await.unwrap().unwrap().email_verified);
            assert_eq!(t.store.count_outbox().await.unwrap(), emails, "step {step}");
            assert_eq!(t.store.count_audit().await.unwrap(), audits, "step {step}");
            step += 1;
            continue;
        }
        t.store.fail_at_write_step(0);
        assert_eq!(result.unwrap(), ana.id);
        break;
    }
    assert!(
        step > 6,
        "a reset writes the link used, password, sessions, links, confirmation, audit, email"
    );
    // The link was used up exactly when the password changed.
    assert!(password_is(t, ana.id, NEW_PASSWORD).await);
    assert_eq!(
        t.store
            .count_tokens(TokenPurpose::ResetPassword)
            .await
            .unwrap(),
        0
    );
    assert_eq!(session_of(t, "phone").await, None);
    assert_eq!(t.store.count_outbox().await.unwrap(), emails + 1);
    assert_eq!(mail(t, "ana@example.org", "PasswordChanged").await.len(), 1);
    assert_eq!(t.store.count_audit().await.unwrap(), audits + 1);
}

async fn changing_the_password_keeps_only_the_new_session(t: &TestApp) {
    let ana = account(t, "ana@example.org", Role::Participant, true).await;
    start_session(t, ana.id, "laptop").await;
    start_session(t, ana.id, "phone").await;
    let actor = Actor::user(&ana);
    let refused = accounts::change_password(
        &t.app,
        &actor,
        ChangePassword {
            current: "not-my-password".to_owned(),
            new: "short".to_owned(),
        },
    )
    .await;
    assert!(
        matches!(
            refused,
            Err(AccountsError::ChangeRefused {
                current_wrong: true,
                new: Some(PasswordError::TooShort)
            })
        ),
        "{refused:?}"
    );
    let session = accounts::change_password(
        &t.app,
        &actor,
        ChangePassword {
            current: PASSWORD.to_owned(),
            new: NEW_PASSWORD.to_owned(),
        },
    )
    .await
    .unwrap();
    assert!(password_is(t, ana.id, NEW_PASSWORD).await);
    assert_eq!(session_of(t, "laptop").await, None);
    assert_eq!(session_of(t, "phone").await, None);
    assert_eq!(session_of(t, &session.secret).await, Some(ana.id));
    assert_eq!(mail(t, "ana@example.org", "PasswordChanged").await.len(), 1);
    let log = t.store.list_audit(1, 0).await.unwrap();
    assert_eq!(log[0].action, "account.password_changed");
    assert_eq!(log[0].actor, Some(ana.id));
    // Nobody signed in has no password to change.
    assert!(matches!(
        accounts::change_password(
            &t.app,
            &Actor::Anonymous,
            ChangePassword {
                current: PASSWORD.to_owned(),
                new: NEW_PASSWORD.to_owned(),
            },
        )
        .await,
        Err(AccountsError::App(AppError::Forbidden))
    ));
}

async fn signing_in_checks_the_password_and_replaces_the_session(t: &TestApp) {
    let ana = account(t, "ana@example.org", Role::Participant, true).await;
    account(t, "new@example.org", Role::Participant, false).await;
    let sign_in = |address: &str, password: &str, previous: Option<String>| SignIn {
        email: email(address),
        password: password.to_owned(),
        previous_session: previous,
    };
    for (address, typed) in [
        ("ana@example.org", "not-my-password"),
        ("nobody@example.org", PASSWORD),
    ] {
        assert!(matches!(
            accounts::sign_in(&t.app, &Actor::Anonymous, sign_in(address, typed, None)).await,
            Err(AccountsError::WrongCredentials)
        ));
    }
    assert!(matches!(
        accounts::sign_in(
            &t.app,
            &Actor::Anonymous,
            sign_in("new@example.org", PASSWORD, None)
        )
        .await,
        Err(AccountsError::Unverified)
    ));
    start_session(t, ana.id, "planted").await;
    let signed_in = accounts::sign_in(
        &t.app,
        &Actor::Anonymous,
        sign_in("ana@example.org", PASSWORD, Some(secret_hash("planted"))),
    )
    .await
    .unwrap();
    assert_eq!(signed_in.user.id, ana.id);
    assert_eq!(session_of(t, "planted").await, None);
    let secret = signed_in.session.secret;
    assert_eq!(session_of(t, &secret).await, Some(ana.id));
    assert_eq!(
        signed_in.session.expires_at,
        t.app.now() + accounts::SESSION_LIFETIME
    );
    accounts::sign_out(&t.app, &Actor::user(&ana), &secret_hash(&secret))
        .await
        .unwrap();
    assert_eq!(session_of(t, &secret).await, None);
    // Signing out of a session that is gone already is fine.
    accounts::sign_out(&t.app, &Actor::user(&ana), &secret_hash(&secret))
        .await
        .unwrap();
}

async fn admins_set_roles_and_scopes_of_others(t: &TestApp) {
    let admin = account(t, "admin@example.org", Role::Admin, true).await;
    let ana = account(t, "ana@example.org", Role::Participant, true).await;
    let ke = CountryCode::parse("KE").unwrap();
    let gh = CountryCode::parse("GH").unwrap();
    let actor = Actor::user(&admin);
    assert!(matches!(
        accounts::set_role(&t.app, &Actor::user(&ana), admin.id, Role::Participant, &[]).await,
        Err(AccountsError::App(AppError::Forbidden))
    ));
    assert!(matches!(
        accounts::set_role(&t.app, &actor, admin.id, Role::Participant, &[]).await,
        Err(AccountsError::OwnRole)
    ));
    assert!(matches!(
        accounts::set_role(&t.app, &actor, ana.id, Role::CountryCoordinator, &[]).await,
        Err(AccountsError::NoCountries)
    ));
    assert!(matches!(
        accounts::set_role(&t.app, &actor, UserId(9999), Role::Participant, &[]).await,
        Err(AccountsError::App(AppError::NotFound))
    ));
    assert_eq!(t.store.count_audit().await.unwrap(), 0);

    accounts::set_role(&t.app, &actor, ana.id, Role::CountryCoordinator, &[ke, gh])
        .await
        .unwrap();
    let now = t.store.user(ana.id).await.unwrap().unwrap();
    assert_eq!(now.role, Role::CountryCoordinator);
    assert_eq!(now.countries, vec![gh, ke]);
    let log = t.store.list_audit(1, 0).await.unwrap();
    assert_eq!(log[0].action, "user.set_role");
    assert_eq!(log[0].actor, Some(admin.id));
    assert_eq!(
        log[0].target.as_deref(),
        Some(format!("user:{} ana@example.org", ana.id).as_str())
    );
    assert_eq!(
        log[0].detail.as_deref(),
        Some("participant -> country_coordinator [GH, KE]")
    );
    // Other roles have no countries: the ones given are dropped.
    accounts::set_role(&t.app, &actor, ana.id, Role::Admin, &[ke])
        .await
        .unwrap();
    let now = t.store.user(ana.id).await.unwrap().unwrap();
    assert_eq!(now.role, Role::Admin);
    assert!(now.countries.is_empty());
    // The operator may too.
    accounts::set_role(&t.app, &Actor::Cli, ana.id, Role::Participant, &[])
        .await
        .unwrap();
    assert_eq!(t.store.count_audit().await.unwrap(), 3);
}

async fn the_operator_creates_accounts_and_sets_passwords(t: &TestApp) {
    let new_account = |address: &str, role: Role, countries: Vec<CountryCode>| NewAccount {
        email: email(address),
        name: DisplayName::parse("Kwame Mensah").unwrap(),
        password: password(PASSWORD, address),
        role,
        countries,
    };
    let gh = CountryCode::parse("GH").unwrap();
    assert!(matches!(
        accounts::create_account(
            &t.app,
            &Actor::Anonymous,
            new_account("k@example.org", Role::Admin, vec![])
        )
        .await,
        Err(AccountsError::App(AppError::Forbidden))
    ));
    assert!(matches!(
        accounts::create_account(
            &t.app,
            &Actor::Cli,
            new_account("k@example.org", Role::CountryCoordinator, vec![])
        )
        .await,
        Err(AccountsError::NoCountries)
    ));
    assert!(matches!(
        accounts::create_account(
            &t.app,
            &Actor::Cli,
            new_account("k@example.org", Role::Participant, vec![gh])
        )
        .await,
        Err(AccountsError::CountriesNotAllowed)
    ));
    let id = accounts::create_account(
        &t.app,
        &Actor::Cli,
        new_account("k@example.org", Role::CountryCoordinator, vec![gh]),
    )
    .await
    .unwrap();
    let kwame = t.store.user(id).await.unwrap().unwrap();
    assert!(kwame.email_verified);
    assert_eq!(kwame.countries, vec![gh]);
    assert!(matches!(
        accounts::create_account(
            &t.app,
            &Actor::Cli,
            new_account("k@example.org", Role::Admin, vec![])
        )
        .await,
        Err(AccountsError::EmailTaken(_))
    ));
    let log = t.store.list_audit(1, 0).await.unwrap();
    assert_eq!(log[0].action, "cli.create_user");
    assert_eq!(log[0].actor, None);
    assert_eq!(
        log[0].detail.as_deref(),
        Some("k@example.org as country_coordinator for GH")
    );

    start_session(t, id, "laptop").await;
    accounts::forgot_password(&t.app, &Actor::Anonymous, &kwame.email)
        .await
        .unwrap();
    accounts::set_password(
        &t.app,
        &Actor::Cli,
        &kwame.email,
        password(NEW_PASSWORD, "k@example.org"),
    )
    .await
    .unwrap();
    assert!(password_is(t, id, NEW_PASSWORD).await);
    assert_eq!(session_of(t, "laptop").await, None);
    assert_eq!(
        t.store
            .count_tokens(TokenPurpose::ResetPassword)
            .await
            .unwrap(),
        0
    );
    let log = t.store.list_audit(1, 0).await.unwrap();
    assert_eq!(log[0].action, "cli.set_password");
    assert_eq!(log[0].detail.as_deref(), Some("k@example.org"));
    assert!(matches!(
        accounts::set_password(
            &t.app,
            &Actor::Cli,
            &email("nobody@example.org"),
            password(NEW_PASSWORD, "nobody@example.org"),
        )
        .await,
        Err(AccountsError::App(AppError::NotFound))
    ));
}

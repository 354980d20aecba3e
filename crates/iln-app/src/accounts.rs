//! Accounts: sign-up, email verification, password reset and change, sign-in and sign-out
//! bookkeeping, role changes by admins, and the operator's `iln admin` account commands.
//!
//! Each use-case here takes the actor, typed input and the clock (through [`crate::App`])
//! and runs in one transaction: the account change, its audit entry and the email it causes
//! commit together or not at all, so a crash can no longer leave an account without its
//! confirmation email.
//!
//! Secrets: the one-time tokens and session ids are made here ([`new_secret`]) and stored only
//! as their SHA-256 ([`secret_hash`]); the raw value goes only into the email or the cookie.
//! Password hashing (argon2id, `iln_domain::account`) also happens here rather than in the web
//! layer: it has no HTTP dependency, the command line needs it too, and which step hashes when
//! is part of the use-case (sign-up hashes before it looks the address up, so both answers take
//! the same time; nothing hashes inside a transaction, which would hold the write lock for the
//! tens of milliseconds argon2id takes). It runs on tokio's blocking pool.
//!
//! Rate limits are the web layer's: they count requests, not accounts.
//!
//! Actors: a visitor's own account events (signing up, confirming, resetting, signing in)
//! take the actor like every use-case but need no permission, and their audit entries name the
//! account itself as the actor, since nobody is signed in. Role changes, account creation and
//! password setting need an admin or the operator ([`Actor::is_admin`]).

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use iln_domain::account::{
    DisplayName, Email, NewPassword, PasswordError, PasswordHash, Role,
    verify_password_against_nothing,
};
use iln_domain::audit::AuditAction;
use iln_domain::country::CountryCode;
use iln_domain::timezone::TimeZoneName;
use iln_store::{NewAuditEntry, NewUser, StoreError, TokenPurpose, Tx, User, UserId};
use jiff::{SignedDuration, Timestamp};
use rand::RngCore;
use sha2::{Digest, Sha256};

use crate::notify::{self, Notice};
use crate::{Actor, App, AppError, audit};

/// A confirmation link is good for a day: people sign up and read mail at different times.
pub const VERIFY_LIFETIME: SignedDuration = SignedDuration::from_hours(24);
/// A reset link is good for an hour: it is a key to the account.
pub const RESET_LIFETIME: SignedDuration = SignedDuration::from_hours(1);
/// How long a session lasts from sign-in. Two weeks suits people who sign in from a phone
/// every few days during a round without keeping them signed in forever.
pub const SESSION_LIFETIME: SignedDuration = SignedDuration::from_hours(14 * 24);

/// What this area tells people by email. The words are the web layer's
/// (`iln_web::emails::accounts`); every link is absolute.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AccountNotice {
    /// Confirm the address of a new (or not yet confirmed) account.
    Verify { name: String, link: String },
    /// Someone tried to sign up with the address of an account that is already confirmed.
    AlreadyRegistered {
        name: String,
        sign_in: String,
        forgot: String,
    },
    /// A link to choose a new password.
    Reset { name: String, link: String },
    /// The password was just changed (by reset or by the person signed in).
    PasswordChanged { name: String, forgot: String },
}

/// Why an accounts use-case did not do what was asked.
#[derive(Debug, thiserror::Error)]
pub enum AccountsError {
    /// The emailed link's token is unknown, already used or expired.
    #[error("the link is unknown, used or expired")]
    BrokenLink,
    /// The new password breaks a rule.
    #[error(transparent)]
    Password(#[from] PasswordError),
    /// Sign-in: no account has this email, or the password is not its password. Which of the
    /// two is deliberately not said.
    #[error("the email address or the password is not right")]
    WrongCredentials,
    /// Sign-in: the password is right but the address was never confirmed.
    #[error("the email address is not confirmed yet")]
    Unverified,
    /// Changing the password: the current password is wrong, the new one breaks a rule, or
    /// both (the form says each at its field).
    #[error("the password change was refused")]
    ChangeRefused {
        current_wrong: bool,
        new: Option<PasswordError>,
    },
    /// An admin may not change their own role: demoting yourself could leave the network
    /// without an admin.
    #[error("you cannot change your own role")]
    OwnRole,
    /// A country coordinator needs at least one country.
    #[error("a country coordinator needs at least one country")]
    NoCountries,
    /// Only a country coordinator has countries.
    #[error("only a country coordinator has countries")]
    CountriesNotAllowed,
    /// An account with this email exists already.
    #[error("an account with the email {0} already exists")]
    EmailTaken(Email),
    /// The blocking pool was shut down while hashing a password (the server is stopping).
    #[error("the password hashing was interrupted")]
    Interrupted,
    #[error(transparent)]
    App(#[from] AppError),
}

impl From<StoreError> for AccountsError {
    fn from(error: StoreError) -> Self {
        AccountsError::App(AppError::Store(error))
    }
}

/// A fresh random secret (a token for a link, or a session id): 32 bytes, URL-safe base64.
pub fn new_secret() -> String {
    let mut bytes = [0_u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

/// The lowercase hex SHA-256 of a secret: what the database stores instead of it, so a leaked
/// copy of the database holds no usable session or link.
pub fn secret_hash(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

/// Runs argon2id work on the blocking pool: it takes tens of milliseconds of CPU and would
/// stall every other request on an async worker thread.
async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, AccountsError> {
    match tokio::task::spawn_blocking(work).await {
        Ok(value) => Ok(value),
        Err(error) => match error.try_into_panic() {
            // A panic in the hashing is a bug; it carries on as the panic it is.
            Ok(panic) => std::panic::resume_unwind(panic),
            Err(_) => Err(AccountsError::Interrupted),
        },
    }
}

/// Hashes a new password with argon2id, off the async threads.
pub async fn hash_password(password: NewPassword) -> Result<PasswordHash, AccountsError> {
    blocking(move || iln_domain::account::hash_password(&password)).await
}

/// Checks a password against a stored hash, off the async threads; with no hash it spends
/// the same time and fails, so an unknown address answers as slowly as a known one.
pub async fn check_password(
    password: String,
    hash: Option<PasswordHash>,
) -> Result<bool, AccountsError> {
    blocking(move || match hash {
        Some(hash) => iln_domain::account::verify_password(&password, &hash),
        None => verify_password_against_nothing(&password),
    })
    .await
}

fn expires_in(now: Timestamp, lifetime: SignedDuration) -> Timestamp {
    now.saturating_add(lifetime).unwrap_or(now)
}

/// The audit entry of an account event its owner caused (signing up, confirming, resetting):
/// the account itself is the actor, though nobody was signed in.
async fn audit_own(
    tx: &mut Tx,
    user: UserId,
    action: AuditAction,
    now: Timestamp,
) -> Result<(), StoreError> {
    tx.append_audit(
        &NewAuditEntry {
            actor: Some(user),
            action,
            target: Some(format!("user:{user}")),
            detail: None,
        },
        now,
    )
    .await?;
    Ok(())
}

/// Queues the email of an accounts notice to `to`, in `tx`.
async fn tell(tx: &mut Tx, app: &App, to: &Email, notice: AccountNotice) -> Result<(), StoreError> {
    notify::send(tx, app.composer(), to, &Notice::Accounts(notice), app.now()).await
}

/// Retires the account's earlier confirmation links and queues a new one, in `tx`.
async fn send_verification(
    tx: &mut Tx,
    app: &App,
    user: UserId,
    email: &Email,
    name: &DisplayName,
) -> Result<(), StoreError> {
    let now = app.now();
    tx.revoke_tokens(user, TokenPurpose::VerifyEmail).await?;
    let token = new_secret();
    tx.create_token(
        user,
        TokenPurpose::VerifyEmail,
        &secret_hash(&token),
        expires_in(now, VERIFY_LIFETIME),
    )
    .await?;
    let notice = AccountNotice::Verify {
        name: name.to_string(),
        link: app.links().url(&format!("/verify?token={token}")),
    };
    tell(tx, app, email, notice).await
}

async fn send_password_changed(tx: &mut Tx, app: &App, user: &User) -> Result<(), StoreError> {
    let notice = AccountNotice::PasswordChanged {
        name: user.display_name.to_string(),
        forgot: app.links().url("/forgot"),
    };
    tell(tx, app, &user.email, notice).await
}

/// What a visitor types to sign up, parsed.
#[derive(Debug)]
pub struct SignUp {
    pub name: DisplayName,
    pub email: Email,
    pub password: NewPassword,
    pub time_zone: Option<TimeZoneName>,
}

/// What sign-up did. The visitor is told the same in every case (only the mailbox of the
/// address learns which); the caller may log it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignUpOutcome {
    /// A new participant account, with its confirmation email.
    Created(UserId),
    /// The address belongs to an account not confirmed yet: it got a fresh confirmation link.
    Resent(UserId),
    /// The address belongs to a confirmed account: it was told someone tried to sign up.
    AlreadyRegistered(UserId),
}

/// A visitor signs up: a participant account, its confirmation token and email, and its audit
/// entry, in one transaction. For an address that has an account already, that account's
/// owner gets an email instead (a fresh confirmation link, or "you already have an account").
pub async fn sign_up(
    app: &App,
    _actor: &Actor,
    input: SignUp,
) -> Result<SignUpOutcome, AccountsError> {
    let SignUp {
        name,
        email,
        password,
        time_zone,
    } = input;
    // Hash before looking the email up, so both answers take the same time.
    let hash = hash_password(password).await?;
    let now = app.now();
    let mut tx = app.begin().await?;
    let user = match tx.user_by_email(&email).await? {
        Some(user) => user,
        None => {
            let created = tx
                .create_user(
                    &NewUser {
                        email: email.clone(),
                        display_name: name.clone(),
                        password_hash: Some(hash),
                        role: Role::Participant,
                        countries: Vec::new(),
                        email_verified: false,
                        time_zone,
                    },
                    now,
                )
                .await;
            match created {
                Ok(id) => {
                    audit_own(&mut tx, id, AuditAction::AccountSignUp, now).await?;
                    send_verification(&mut tx, app, id, &email, &name).await?;
                    tx.commit().await?;
                    return Ok(SignUpOutcome::Created(id));
                }
                // Someone signed up with this email between our lookup and insert (on
                // PostgreSQL; SQLite's write lock rules it out). The failed insert spoils this
                // transaction, so the existing account is answered from a new one.
                Err(StoreError::Conflict(_)) => {
                    tx.rollback().await?;
                    tx = app.begin().await?;
                    tx.user_by_email(&email).await?.ok_or(AppError::NotFound)?
                }
                Err(error) => return Err(error.into()),
            }
        }
    };
    let outcome = if user.email_verified {
        let notice = AccountNotice::AlreadyRegistered {
            name: user.display_name.to_string(),
            sign_in: app.links().url("/signin"),
            forgot: app.links().url("/forgot"),
        };
        tell(&mut tx, app, &user.email, notice).await?;
        SignUpOutcome::AlreadyRegistered(user.id)
    } else {
        // Not confirmed yet: the most useful thing to send is a fresh confirmation link.
        send_verification(&mut tx, app, user.id, &user.email, &user.display_name).await?;
        SignUpOutcome::Resent(user.id)
    };
    tx.commit().await?;
    Ok(outcome)
}

/// The owner of an address opens the emailed confirmation link: the token is used up, the
/// address marked confirmed and the event audited, together.
pub async fn verify_email(app: &App, _actor: &Actor, token: &str) -> Result<UserId, AccountsError> {
    let now = app.now();
    let mut tx = app.begin().await?;
    let user = tx
        .consume_token(TokenPurpose::VerifyEmail, &secret_hash(token), now)
        .await?
        .ok_or(AccountsError::BrokenLink)?;
    tx.mark_email_verified(user, now).await?;
    audit_own(&mut tx, user, AuditAction::AccountEmailVerified, now).await?;
    tx.commit().await?;
    Ok(user)
}

/// Sends the confirmation link again, to an account that still needs it; for any other
/// address nothing happens (and the visitor is told the same).
pub async fn resend_verification(
    app: &App,
    _actor: &Actor,
    email: &Email,
) -> Result<(), AccountsError> {
    let mut tx = app.begin().await?;
    if let Some(user) = tx.user_by_email(email).await?
        && !user.email_verified
    {
        send_verification(&mut tx, app, user.id, &user.email, &user.display_name).await?;
        tx.commit().await?;
    }
    Ok(())
}

/// Sends a reset link to the account with this email, if there is one. Only the newest link
/// works: asking again retires the earlier ones.
pub async fn forgot_password(
    app: &App,
    _actor: &Actor,
    email: &Email,
) -> Result<(), AccountsError> {
    let now = app.now();
    let mut tx = app.begin().await?;
    let Some(user) = tx.user_by_email(email).await? else {
        return Ok(());
    };
    tx.revoke_tokens(user.id, TokenPurpose::ResetPassword)
        .await?;
    let token = new_secret();
    tx.create_token(
        user.id,
        TokenPurpose::ResetPassword,
        &secret_hash(&token),
        expires_in(now, RESET_LIFETIME),
    )
    .await?;
    let notice = AccountNotice::Reset {
        name: user.display_name.to_string(),
        link: app.links().url(&format!("/reset?token={token}")),
    };
    tell(&mut tx, app, &user.email, notice).await?;
    tx.commit().await?;
    Ok(())
}

/// A new password chosen through an emailed reset link.
#[derive(Debug)]
pub struct ResetPassword {
    /// The token from the link.
    pub token: String,
    /// The password as typed; its rules depend on the account, which the token names.
    pub password: String,
}

/// Sets a new password through a reset link: the link is used up, the password replaced,
/// every session and every other reset link ended, the address marked confirmed (opening the
/// link proved it works), the event audited and the owner told, in one transaction. A
/// password that breaks a rule leaves the link as it was, so the person can try another.
pub async fn reset_password(
    app: &App,
    _actor: &Actor,
    input: ResetPassword,
) -> Result<UserId, AccountsError> {
    let ResetPassword { token, password } = input;
    // The rules that do not depend on the account come first, so a too-short password is
    // refused even on a link that no longer works: the form says what to fix first.
    let placeholder = Email::parse("nobody@invalid.example")
        .map_err(|_| AccountsError::Password(PasswordError::TooShort))?;
    NewPassword::parse(&password, &placeholder)?;
    let now = app.now();
    let token_hash = secret_hash(&token);
    // Read the link's account before the transaction, so the slow hashing happens outside it.
    let owner = app
        .store()
        .token_user(TokenPurpose::ResetPassword, &token_hash, now)
        .await?
        .ok_or(AccountsError::BrokenLink)?;
    let user = app
        .store()
        .user(owner)
        .await?
        .ok_or(AccountsError::BrokenLink)?;
    let password = NewPassword::parse(&password, &user.email)?;
    let hash = hash_password(password).await?;

    let mut tx = app.begin().await?;
    // The same link may have been used meanwhile; only one use gets through.
    if tx
        .consume_token(TokenPurpose::ResetPassword, &token_hash, now)
        .await?
        != Some(user.id)
    {
        return Err(AccountsError::BrokenLink);
    }
    tx.set_password_hash(user.id, &hash).await?;
    // Whoever had the old password is signed out everywhere.
    tx.delete_sessions_of(user.id).await?;
    tx.revoke_tokens(user.id, TokenPurpose::ResetPassword)
        .await?;
    if !user.email_verified {
        // Opening the emailed link proved the address works.
        tx.mark_email_verified(user.id, now).await?;
    }
    audit_own(&mut tx, user.id, AuditAction::AccountPasswordReset, now).await?;
    send_password_changed(&mut tx, app, &user).await?;
    tx.commit().await?;
    Ok(user.id)
}

/// A session just started. The secret goes into the cookie and nowhere else; the store keeps
/// its hash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewSession {
    pub secret: String,
    pub expires_at: Timestamp,
}

async fn start_session(
    tx: &mut Tx,
    user: UserId,
    now: Timestamp,
) -> Result<NewSession, StoreError> {
    let secret = new_secret();
    let expires_at = expires_in(now, SESSION_LIFETIME);
    tx.create_session(&secret_hash(&secret), user, now, expires_at)
        .await?;
    Ok(NewSession { secret, expires_at })
}

/// A signed-in person changes their password.
#[derive(Debug)]
pub struct ChangePassword {
    /// The current password, as typed: proof that the person at the screen knows it.
    pub current: String,
    /// The new password, as typed.
    pub new: String,
}

/// The signed-in actor changes their password: the new hash, every session ended and a fresh
/// one for this browser ("sign out everywhere else"), the audit entry and the email telling
/// them, in one transaction. Gives back the new session.
pub async fn change_password(
    app: &App,
    actor: &Actor,
    input: ChangePassword,
) -> Result<NewSession, AccountsError> {
    let id = actor.user_id().ok_or(AppError::Forbidden)?;
    let user = app.store().user(id).await?.ok_or(AppError::NotFound)?;
    let new = NewPassword::parse(&input.new, &user.email);
    let current_ok = check_password(input.current, user.password_hash.clone()).await?;
    let password = match (new, current_ok) {
        (Ok(password), true) => password,
        (new, current_ok) => {
            return Err(AccountsError::ChangeRefused {
                current_wrong: !current_ok,
                new: new.err(),
            });
        }
    };
    let hash = hash_password(password).await?;
    let now = app.now();
    let mut tx = app.begin().await?;
    tx.set_password_hash(id, &hash).await?;
    tx.delete_sessions_of(id).await?;
    let session = start_session(&mut tx, id, now).await?;
    audit(
        &mut tx,
        actor,
        AuditAction::AccountPasswordChanged,
        Some(format!("user:{id}")),
        None,
        now,
    )
    .await?;
    send_password_changed(&mut tx, app, &user).await?;
    tx.commit().await?;
    Ok(session)
}

/// A visitor signing in.
#[derive(Debug)]
pub struct SignIn {
    pub email: Email,
    pub password: String,
    /// The hash of the session this browser had before, if any: it ends, since sign-in always
    /// gets a new id (a session id planted before sign-in is worth nothing).
    pub previous_session: Option<String>,
}

/// Who signed in, and their new session.
#[derive(Debug)]
pub struct SignedIn {
    pub user: User,
    pub session: NewSession,
}

/// Checks the password and starts a session; the browser's previous session ends in the same
/// transaction.
pub async fn sign_in(app: &App, _actor: &Actor, input: SignIn) -> Result<SignedIn, AccountsError> {
    let user = app.store().user_by_email(&input.email).await?;
    let hash = user.as_ref().and_then(|user| user.password_hash.clone());
    let matches = check_password(input.password, hash).await?;
    let user = user
        .filter(|_| matches)
        .ok_or(AccountsError::WrongCredentials)?;
    if !user.email_verified {
        return Err(AccountsError::Unverified);
    }
    let now = app.now();
    let mut tx = app.begin().await?;
    if let Some(previous) = &input.previous_session {
        tx.delete_session(previous).await?;
    }
    let session = start_session(&mut tx, user.id, now).await?;
    tx.commit().await?;
    Ok(SignedIn { user, session })
}

/// Ends the session with this hash (signing out). Ending one that is gone already is fine.
pub async fn sign_out(app: &App, _actor: &Actor, session_hash: &str) -> Result<(), AccountsError> {
    let mut tx = app.begin().await?;
    tx.delete_session(session_hash).await?;
    tx.commit().await?;
    Ok(())
}

/// Whether `countries` fit `role`: a country coordinator needs at least one, and nobody else
/// has any. The command line checks this before it asks for a password.
pub fn check_scope(role: Role, countries: &[CountryCode]) -> Result<(), AccountsError> {
    match role {
        Role::CountryCoordinator if countries.is_empty() => Err(AccountsError::NoCountries),
        Role::Admin | Role::Participant if !countries.is_empty() => {
            Err(AccountsError::CountriesNotAllowed)
        }
        _ => Ok(()),
    }
}

fn admin_only(actor: &Actor) -> Result<(), AccountsError> {
    if actor.is_admin() {
        Ok(())
    } else {
        Err(AppError::Forbidden.into())
    }
}

fn describe_scope(role: Role, countries: &[CountryCode]) -> String {
    if countries.is_empty() {
        role.as_str().to_owned()
    } else {
        format!("{} [{}]", role.as_str(), codes(countries, ", "))
    }
}

fn codes(countries: &[CountryCode], separator: &str) -> String {
    countries
        .iter()
        .map(|c| c.as_str())
        .collect::<Vec<_>>()
        .join(separator)
}

/// An admin gives another account a role and, for a country coordinator, its countries (the
/// countries of any other role are dropped: they see all or nothing). Audited with the role
/// before and after.
pub async fn set_role(
    app: &App,
    actor: &Actor,
    target: UserId,
    role: Role,
    countries: &[CountryCode],
) -> Result<(), AccountsError> {
    admin_only(actor)?;
    let now = app.now();
    let mut tx = app.begin().await?;
    let before = tx.user(target).await?.ok_or(AppError::NotFound)?;
    if actor.user_id() == Some(before.id) {
        return Err(AccountsError::OwnRole);
    }
    let mut countries = countries.to_vec();
    countries.sort();
    countries.dedup();
    if role != Role::CountryCoordinator {
        countries.clear();
    }
    check_scope(role, &countries)?;
    tx.set_role(before.id, role, &countries).await?;
    audit(
        &mut tx,
        actor,
        AuditAction::UserSetRole,
        Some(format!("user:{} {}", before.id, before.email)),
        Some(format!(
            "{} -> {}",
            describe_scope(before.role, &before.countries),
            describe_scope(role, &countries)
        )),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// An account the operator creates with its password; its email counts as confirmed.
#[derive(Debug)]
pub struct NewAccount {
    pub email: Email,
    pub name: DisplayName,
    pub password: NewPassword,
    pub role: Role,
    pub countries: Vec<CountryCode>,
}

/// The operator (`iln admin create-user`) creates an account, audited, in one transaction.
pub async fn create_account(
    app: &App,
    actor: &Actor,
    input: NewAccount,
) -> Result<UserId, AccountsError> {
    admin_only(actor)?;
    let NewAccount {
        email,
        name,
        password,
        role,
        mut countries,
    } = input;
    countries.sort();
    countries.dedup();
    check_scope(role, &countries)?;
    let hash = hash_password(password).await?;
    let now = app.now();
    let mut tx = app.begin().await?;
    let created = tx
        .create_user(
            &NewUser {
                email: email.clone(),
                display_name: name,
                password_hash: Some(hash),
                role,
                countries: countries.clone(),
                email_verified: true,
                time_zone: None,
            },
            now,
        )
        .await;
    let id = match created {
        Ok(id) => id,
        Err(StoreError::Conflict(_)) => return Err(AccountsError::EmailTaken(email)),
        Err(error) => return Err(error.into()),
    };
    let detail = if countries.is_empty() {
        format!("{email} as {}", role.as_str())
    } else {
        format!(
            "{email} as {} for {}",
            role.as_str(),
            codes(&countries, ", ")
        )
    };
    audit(
        &mut tx,
        actor,
        AuditAction::CliCreateUser,
        Some(format!("user:{id}")),
        Some(detail),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// The operator (`iln admin set-password`) sets an account's password: every session and any
/// reset link still in someone's mailbox end with the old one. Audited, in one transaction.
pub async fn set_password(
    app: &App,
    actor: &Actor,
    email: &Email,
    password: NewPassword,
) -> Result<UserId, AccountsError> {
    admin_only(actor)?;
    let hash = hash_password(password).await?;
    let now = app.now();
    let mut tx = app.begin().await?;
    let user = tx.user_by_email(email).await?.ok_or(AppError::NotFound)?;
    tx.set_password_hash(user.id, &hash).await?;
    tx.delete_sessions_of(user.id).await?;
    tx.revoke_tokens(user.id, TokenPurpose::ResetPassword)
        .await?;
    audit(
        &mut tx,
        actor,
        AuditAction::CliSetPassword,
        Some(format!("user:{}", user.id)),
        Some(email.to_string()),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(user.id)
}

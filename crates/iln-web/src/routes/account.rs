//! Account pages: sign up, email verification, sign in and out, forgotten and changed
//! passwords.
//!
//! Sign-up, password reset and resending the confirmation give the same page whether or not
//! an account exists for the email; what differs goes only into the mailbox of that address.

use askama::Template;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use iln_domain::account::{DisplayName, Email, NewPassword, Role};
use iln_domain::audit::AuditAction;
use iln_domain::timezone::{self, TimeZoneName};
use iln_store::{NewUser, StoreError, TokenPurpose, User};
use jiff::SignedDuration;
use serde::Deserialize;

use super::{FORM_INVALID, audit, ok, page, queue_email};
use crate::auth::{
    ClientIp, MaybeViewer, Viewer, clear_session_cookie, expires_in, hash_password, start_session,
    verify_password,
};
use crate::error::{WebError, capitalise};
use crate::forms::HtmlForm;
use crate::security::{CsrfToken, random_token, sha256_hex};
use crate::state::AppState;
use crate::templates::{
    AlreadyRegisteredEmail, ChangePasswordPage, EmailFormPage, MessagePage, Nav,
    PasswordChangedEmail, ResetEmail, ResetPage, SignInPage, SignUpErrors, SignUpPage, VerifyEmail,
    VerifyPage,
};

const RESEND_AGAIN: (&str, &str) = (
    "/verify/resend",
    "No email after a while? Send the confirmation again",
);
const RESET_AGAIN: (&str, &str) = ("/forgot", "No email after a while? Ask for a new link");

/// A confirmation link is good for a day: people sign up and read mail at different times.
const VERIFY_LIFETIME: SignedDuration = SignedDuration::from_hours(24);
/// A reset link is good for an hour: it is a key to the account.
const RESET_LIFETIME: SignedDuration = SignedDuration::from_hours(1);

fn too_many(retry: crate::ratelimit::RetryAfter) -> WebError {
    WebError::TooManyRequests(retry.0)
}

/// The key a rate limit counts an email under; unparseable input is counted as typed.
fn email_key(raw: &str) -> String {
    raw.trim().to_lowercase()
}

fn token_from_query(query: Option<&str>) -> Option<String> {
    query.and_then(|query| {
        form_urlencoded::parse(query.as_bytes())
            .find(|(key, _)| key == "token")
            .map(|(_, value)| value.into_owned())
            .filter(|token| !token.is_empty())
    })
}

fn sign_up_page(nav: Nav, form: &SignUpForm, errors: SignUpErrors) -> SignUpPage {
    SignUpPage {
        nav,
        name: form.name.clone(),
        email: form.email.clone(),
        time_zone: form.time_zone.clone(),
        zones: timezone::available(),
        errors,
    }
}

#[derive(Deserialize, Default)]
pub struct SignUpForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    time_zone: String,
}

pub async fn sign_up_form(
    MaybeViewer(viewer): MaybeViewer,
    CsrfToken(csrf): CsrfToken,
) -> Result<Response, WebError> {
    let nav = Nav::new(viewer.as_ref(), &csrf);
    ok(&sign_up_page(
        nav,
        &SignUpForm::default(),
        SignUpErrors::default(),
    ))
}

pub async fn sign_up(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    CsrfToken(csrf): CsrfToken,
    HtmlForm(form): HtmlForm<SignUpForm>,
) -> Result<Response, WebError> {
    let now = state.now();
    state
        .limits()
        .sign_up_per_ip
        .hit(&ip.to_string(), now)
        .map_err(too_many)?;

    let mut errors = SignUpErrors::default();
    let name = DisplayName::parse(&form.name)
        .map_err(|e| errors.name = Some(capitalise(&e.to_string())))
        .ok();
    let email = Email::parse(&form.email)
        .map_err(|e| errors.email = Some(capitalise(&e.to_string())))
        .ok();
    // Without a valid email the password rules are still checked, against no address.
    let password = match &email {
        Some(email) => NewPassword::parse(&form.password, email),
        None => Email::parse("nobody@invalid.example")
            .map_err(|_| iln_domain::account::PasswordError::TooShort)
            .and_then(|placeholder| NewPassword::parse(&form.password, &placeholder)),
    }
    .map_err(|e| errors.password = Some(capitalise(&e.to_string())))
    .ok();
    let time_zone = if form.time_zone.trim().is_empty() {
        None
    } else {
        TimeZoneName::parse(&form.time_zone)
            .map_err(|e| errors.time_zone = Some(capitalise(&e.to_string())))
            .ok()
    };
    let (Some(name), Some(email), Some(password), false) = (name, email, password, errors.any())
    else {
        let nav = Nav::new(None, &csrf);
        return page(FORM_INVALID, &sign_up_page(nav, &form, errors));
    };

    // Hash before looking the email up, so both paths spend the same time.
    let hash = hash_password(password).await?;
    let existing = state.store().user_by_email(&email).await?;
    let existing = match existing {
        Some(user) => Some(user),
        None => {
            let created = state
                .store()
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
                    state
                        .store()
                        .append_audit(
                            &iln_store::NewAuditEntry {
                                actor: Some(id),
                                action: AuditAction::AccountSignUp,
                                target: Some(format!("user:{id}")),
                                detail: None,
                            },
                            now,
                        )
                        .await?;
                    send_verification(&state, id, &email, name.as_str()).await?;
                    None
                }
                // Someone signed up with this email between our lookup and insert.
                Err(StoreError::Conflict(_)) => state.store().user_by_email(&email).await?,
                Err(error) => return Err(error.into()),
            }
        }
    };
    if let Some(user) = existing {
        if user.email_verified {
            let sign_in = format!("{}/signin", state.base_url());
            let forgot = format!("{}/forgot", state.base_url());
            let body = AlreadyRegisteredEmail {
                name: user.display_name.as_str(),
                sign_in: &sign_in,
                forgot: &forgot,
            }
            .render()?;
            queue_email(
                &state,
                &user.email,
                "You already have an account with the International Librarians Network",
                body,
            )
            .await?;
        } else {
            // Not confirmed yet: the most useful thing to send is a fresh confirmation link.
            state
                .store()
                .revoke_tokens(user.id, TokenPurpose::VerifyEmail)
                .await?;
            send_verification(&state, user.id, &user.email, user.display_name.as_str()).await?;
        }
    }
    ok(&check_your_email(
        Nav::new(None, &csrf),
        "Check your email",
        "If this address can be used for a new account, we have sent it a link to confirm it. Open the link to finish signing up.",
        RESEND_AGAIN,
    ))
}

/// What the person should do next when we may have emailed them. `again` is the form that
/// sends the link anew.
fn check_your_email(nav: Nav, title: &str, first: &str, again: (&str, &str)) -> MessagePage {
    MessagePage {
        nav,
        title: title.to_owned(),
        paragraphs: vec![
            first.to_owned(),
            "The email can take a few minutes to arrive. Look in your spam folder too.".to_owned(),
        ],
        links: vec![
            ("/signin".to_owned(), "Go to sign in".to_owned()),
            (again.0.to_owned(), again.1.to_owned()),
        ],
    }
}

async fn send_verification(
    state: &AppState,
    user: iln_store::UserId,
    email: &Email,
    name: &str,
) -> Result<(), WebError> {
    let token = random_token();
    let now = state.now();
    state
        .store()
        .create_token(
            user,
            TokenPurpose::VerifyEmail,
            &sha256_hex(&token),
            expires_in(now, VERIFY_LIFETIME),
        )
        .await?;
    let link = format!("{}/verify?token={token}", state.base_url());
    let body = VerifyEmail { name, link: &link }.render()?;
    queue_email(
        state,
        email,
        "Confirm your email address for the International Librarians Network",
        body,
    )
    .await
}

pub async fn verify_form(
    MaybeViewer(viewer): MaybeViewer,
    CsrfToken(csrf): CsrfToken,
    RawQuery(query): RawQuery,
) -> Result<Response, WebError> {
    let nav = Nav::new(viewer.as_ref(), &csrf);
    match token_from_query(query.as_deref()) {
        Some(token) => ok(&VerifyPage { nav, token }),
        None => page(StatusCode::BAD_REQUEST, &broken_link(nav, "/verify/resend")),
    }
}

fn broken_link(nav: Nav, again: &str) -> MessagePage {
    MessagePage {
        nav,
        title: "This link does not work".to_owned(),
        paragraphs: vec![
            "The link is incomplete, was already used, or has expired. Links in our emails work once and only for a limited time.".to_owned(),
        ],
        links: vec![(again.to_owned(), "Send me a new link".to_owned())],
    }
}

#[derive(Deserialize)]
pub struct TokenForm {
    #[serde(default)]
    token: String,
}

pub async fn verify(
    State(state): State<AppState>,
    MaybeViewer(viewer): MaybeViewer,
    CsrfToken(csrf): CsrfToken,
    HtmlForm(form): HtmlForm<TokenForm>,
) -> Result<Response, WebError> {
    let nav = Nav::new(viewer.as_ref(), &csrf);
    let now = state.now();
    let user = state
        .store()
        .consume_token(TokenPurpose::VerifyEmail, &sha256_hex(&form.token), now)
        .await?;
    let Some(user) = user else {
        return page(StatusCode::BAD_REQUEST, &broken_link(nav, "/verify/resend"));
    };
    state.store().mark_email_verified(user, now).await?;
    state
        .store()
        .append_audit(
            &iln_store::NewAuditEntry {
                actor: Some(user),
                action: AuditAction::AccountEmailVerified,
                target: Some(format!("user:{user}")),
                detail: None,
            },
            now,
        )
        .await?;
    ok(&MessagePage {
        nav,
        title: "Your email address is confirmed".to_owned(),
        paragraphs: vec!["Thank you. You can now sign in.".to_owned()],
        links: vec![("/signin".to_owned(), "Sign in".to_owned())],
    })
}

/// The shared front of the "email me a link" forms (reset, resend confirmation): the per-IP
/// limit, the address itself (`Ok(Err(message))` for the field), then the per-address limit,
/// which also stops anyone from flooding someone's mailbox.
fn link_request(
    state: &AppState,
    ip: std::net::IpAddr,
    typed: &str,
) -> Result<Result<Email, String>, WebError> {
    let now = state.now();
    let limits = state.limits();
    limits
        .reset_per_ip
        .hit(&ip.to_string(), now)
        .map_err(too_many)?;
    let email = match Email::parse(typed) {
        Ok(email) => email,
        Err(error) => return Ok(Err(capitalise(&error.to_string()))),
    };
    limits
        .reset_per_email
        .hit(&email_key(email.as_str()), now)
        .map_err(too_many)?;
    Ok(Ok(email))
}

#[derive(Deserialize)]
pub struct EmailForm {
    #[serde(default)]
    email: String,
}

fn resend_page(nav: Nav, email: String, email_error: Option<String>) -> EmailFormPage {
    EmailFormPage {
        nav,
        title: "Send the confirmation email again",
        intro: "Enter the address you signed up with. If it still needs confirming, we send it a new link.",
        action: "/verify/resend",
        button: "Send the link",
        email,
        email_error,
    }
}

pub async fn resend_form(
    MaybeViewer(viewer): MaybeViewer,
    CsrfToken(csrf): CsrfToken,
) -> Result<Response, WebError> {
    ok(&resend_page(
        Nav::new(viewer.as_ref(), &csrf),
        String::new(),
        None,
    ))
}

pub async fn resend(
    State(state): State<AppState>,
    MaybeViewer(viewer): MaybeViewer,
    ClientIp(ip): ClientIp,
    CsrfToken(csrf): CsrfToken,
    HtmlForm(form): HtmlForm<EmailForm>,
) -> Result<Response, WebError> {
    let nav = Nav::new(viewer.as_ref(), &csrf);
    let email = match link_request(&state, ip, &form.email)? {
        Ok(email) => email,
        Err(message) => return page(FORM_INVALID, &resend_page(nav, form.email, Some(message))),
    };
    if let Some(user) = state.store().user_by_email(&email).await?
        && !user.email_verified
    {
        state
            .store()
            .revoke_tokens(user.id, TokenPurpose::VerifyEmail)
            .await?;
        send_verification(&state, user.id, &user.email, user.display_name.as_str()).await?;
    }
    ok(&check_your_email(
        nav,
        "Check your email",
        "If this address belongs to an account that still needs confirming, we have sent it a new link.",
        RESEND_AGAIN,
    ))
}

/// A local path to return to after signing in, or None for anything that could lead off the
/// site (`//host`, `/\host`, a scheme) or is not a plain path.
fn safe_next(next: &str) -> Option<&str> {
    let local = next.starts_with('/')
        && !next.starts_with("//")
        && !next.starts_with("/\\")
        && next.len() <= 2000
        && !next.chars().any(|c| c.is_control() || c == '\\');
    local.then_some(next)
}

fn query_value(query: Option<&str>, name: &str) -> Option<String> {
    query.and_then(|query| {
        form_urlencoded::parse(query.as_bytes())
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.into_owned())
    })
}

pub async fn sign_in_form(
    MaybeViewer(viewer): MaybeViewer,
    CsrfToken(csrf): CsrfToken,
    RawQuery(query): RawQuery,
) -> Result<Response, WebError> {
    let changed = query_value(query.as_deref(), "password").is_some_and(|v| v == "changed");
    let next = query_value(query.as_deref(), "next")
        .filter(|next| safe_next(next).is_some())
        .unwrap_or_default();
    ok(&SignInPage {
        nav: Nav::new(viewer.as_ref(), &csrf),
        email: String::new(),
        email_error: None,
        password_error: None,
        notice: changed
            .then(|| "Your password was changed. Sign in with the new password.".to_owned()),
        next,
    })
}

#[derive(Deserialize)]
pub struct SignInForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    /// Where to go after signing in: the page that asked for it.
    #[serde(default)]
    next: String,
}

pub async fn sign_in(
    State(state): State<AppState>,
    MaybeViewer(viewer): MaybeViewer,
    ClientIp(ip): ClientIp,
    CsrfToken(csrf): CsrfToken,
    HtmlForm(form): HtmlForm<SignInForm>,
) -> Result<Response, WebError> {
    let now = state.now();
    let limits = state.limits();
    limits
        .sign_in_per_ip
        .hit(&ip.to_string(), now)
        .map_err(too_many)?;
    limits
        .sign_in_per_email
        .hit(&email_key(&form.email), now)
        .map_err(too_many)?;
    let retry = |email_error: Option<String>, password_error: Option<String>| {
        page(
            FORM_INVALID,
            &SignInPage {
                nav: Nav::new(viewer.as_ref(), &csrf),
                email: form.email.clone(),
                email_error,
                password_error,
                notice: None,
                next: form.next.clone(),
            },
        )
    };

    let email = match Email::parse(&form.email) {
        Ok(email) => email,
        Err(error) => return retry(Some(capitalise(&error.to_string())), None),
    };
    if form.password.is_empty() {
        return retry(None, Some("Enter your password".to_owned()));
    }
    let user = state.store().user_by_email(&email).await?;
    let hash = user.as_ref().and_then(|user| user.password_hash.clone());
    let matches = verify_password(form.password.clone(), hash).await?;
    let Some(user) = user.filter(|_| matches) else {
        return retry(
            None,
            Some("The email address or the password is not right".to_owned()),
        );
    };
    if !user.email_verified {
        return retry(
            Some(
                "Confirm your email address first: open the link we emailed you, or ask for a new one below"
                    .to_owned(),
            ),
            None,
        );
    }
    // The session this browser had before (if any) ends; sign-in always gets a new id.
    if let Some(old) = &viewer {
        state.store().delete_session(&old.session_hash).await?;
    }
    let session = start_session(&state, user.id).await?;
    let to = safe_next(&form.next).unwrap_or("/dashboard");
    Ok(redirect_with_cookie(to, &session.cookie))
}

fn redirect_with_cookie(to: &str, cookie: &str) -> Response {
    let mut response = Redirect::to(to).into_response();
    if let Ok(value) = HeaderValue::from_str(cookie) {
        response.headers_mut().append(header::SET_COOKIE, value);
    }
    response
}

pub async fn sign_out(
    State(state): State<AppState>,
    MaybeViewer(viewer): MaybeViewer,
) -> Result<Response, WebError> {
    if let Some(viewer) = viewer {
        state.store().delete_session(&viewer.session_hash).await?;
    }
    Ok(redirect_with_cookie("/", &clear_session_cookie(&state)))
}

fn forgot_page(nav: Nav, email: String, email_error: Option<String>) -> EmailFormPage {
    EmailFormPage {
        nav,
        title: "Forgot your password?",
        intro: "Enter the address you signed up with. We send it a link to choose a new password.",
        action: "/forgot",
        button: "Send the reset link",
        email,
        email_error,
    }
}

pub async fn forgot_form(
    MaybeViewer(viewer): MaybeViewer,
    CsrfToken(csrf): CsrfToken,
) -> Result<Response, WebError> {
    ok(&forgot_page(
        Nav::new(viewer.as_ref(), &csrf),
        String::new(),
        None,
    ))
}

pub async fn forgot(
    State(state): State<AppState>,
    MaybeViewer(viewer): MaybeViewer,
    ClientIp(ip): ClientIp,
    CsrfToken(csrf): CsrfToken,
    HtmlForm(form): HtmlForm<EmailForm>,
) -> Result<Response, WebError> {
    let nav = Nav::new(viewer.as_ref(), &csrf);
    let now = state.now();
    let email = match link_request(&state, ip, &form.email)? {
        Ok(email) => email,
        Err(message) => return page(FORM_INVALID, &forgot_page(nav, form.email, Some(message))),
    };
    if let Some(user) = state.store().user_by_email(&email).await? {
        // Only the newest link works: asking again retires the earlier ones.
        state
            .store()
            .revoke_tokens(user.id, TokenPurpose::ResetPassword)
            .await?;
        let token = random_token();
        state
            .store()
            .create_token(
                user.id,
                TokenPurpose::ResetPassword,
                &sha256_hex(&token),
                expires_in(now, RESET_LIFETIME),
            )
            .await?;
        let link = format!("{}/reset?token={token}", state.base_url());
        let body = ResetEmail {
            name: user.display_name.as_str(),
            link: &link,
        }
        .render()?;
        queue_email(
            &state,
            &user.email,
            "Reset your International Librarians Network password",
            body,
        )
        .await?;
    }
    ok(&check_your_email(
        nav,
        "Check your email",
        "If an account uses this address, we have sent it a link to choose a new password. The link works once, for one hour.",
        RESET_AGAIN,
    ))
}

pub async fn reset_form(
    MaybeViewer(viewer): MaybeViewer,
    CsrfToken(csrf): CsrfToken,
    RawQuery(query): RawQuery,
) -> Result<Response, WebError> {
    let nav = Nav::new(viewer.as_ref(), &csrf);
    match token_from_query(query.as_deref()) {
        Some(token) => ok(&ResetPage {
            nav,
            token,
            password_error: None,
        }),
        None => page(StatusCode::BAD_REQUEST, &broken_link(nav, "/forgot")),
    }
}

#[derive(Deserialize)]
pub struct ResetForm {
    #[serde(default)]
    token: String,
    #[serde(default)]
    password: String,
}

pub async fn reset(
    State(state): State<AppState>,
    MaybeViewer(viewer): MaybeViewer,
    CsrfToken(csrf): CsrfToken,
    HtmlForm(form): HtmlForm<ResetForm>,
) -> Result<Response, WebError> {
    let nav = Nav::new(viewer.as_ref(), &csrf);
    let reset_page = |nav, message: String| ResetPage {
        nav,
        token: form.token.clone(),
        password_error: Some(message),
    };
    // The rules that do not depend on the account are checked before the link is used up, so
    // a too-short password does not cost the person their link.
    let placeholder =
        Email::parse("nobody@invalid.example").map_err(|e| WebError::Internal(e.to_string()))?;
    if let Err(error) = NewPassword::parse(&form.password, &placeholder) {
        return page(
            FORM_INVALID,
            &reset_page(nav, capitalise(&error.to_string())),
        );
    }
    let now = state.now();
    let token_hash = sha256_hex(&form.token);
    let Some(user_id) = state
        .store()
        .consume_token(TokenPurpose::ResetPassword, &token_hash, now)
        .await?
    else {
        return page(StatusCode::BAD_REQUEST, &broken_link(nav, "/forgot"));
    };
    let Some(user) = state.store().user(user_id).await? else {
        return page(StatusCode::BAD_REQUEST, &broken_link(nav, "/forgot"));
    };
    let password = match NewPassword::parse(&form.password, &user.email) {
        Ok(password) => password,
        Err(error) => {
            // Only the account-specific rule (not the email itself) can fail here; give the
            // link back for a short while so the person can try another password.
            state
                .store()
                .create_token(
                    user.id,
                    TokenPurpose::ResetPassword,
                    &token_hash,
                    expires_in(now, SignedDuration::from_mins(30)),
                )
                .await?;
            return page(
                FORM_INVALID,
                &reset_page(nav, capitalise(&error.to_string())),
            );
        }
    };
    let hash = hash_password(password).await?;
    state.store().set_password_hash(user.id, &hash).await?;
    // Whoever had the old password is signed out everywhere.
    state.store().delete_sessions_of(user.id).await?;
    state
        .store()
        .revoke_tokens(user.id, TokenPurpose::ResetPassword)
        .await?;
    if !user.email_verified {
        // Opening the emailed link proved the address works.
        state.store().mark_email_verified(user.id, now).await?;
    }
    state
        .store()
        .append_audit(
            &iln_store::NewAuditEntry {
                actor: Some(user.id),
                action: AuditAction::AccountPasswordReset,
                target: Some(format!("user:{}", user.id)),
                detail: None,
            },
            now,
        )
        .await?;
    notify_password_changed(&state, &user).await?;
    // A redirect rather than a page: the sign-in form must carry the CSRF token of the browser
    // as it is after this response, without the session that was just ended.
    Ok(redirect_with_cookie(
        "/signin?password=changed",
        &clear_session_cookie(&state),
    ))
}

async fn notify_password_changed(state: &AppState, user: &User) -> Result<(), WebError> {
    let forgot = format!("{}/forgot", state.base_url());
    let body = PasswordChangedEmail {
        name: user.display_name.as_str(),
        forgot: &forgot,
    }
    .render()?;
    queue_email(
        state,
        &user.email,
        "Your International Librarians Network password was changed",
        body,
    )
    .await
}

pub async fn change_password_form(
    viewer: Viewer,
    CsrfToken(csrf): CsrfToken,
) -> Result<Response, WebError> {
    ok(&ChangePasswordPage {
        nav: Nav::new(Some(&viewer), &csrf),
        current_error: None,
        new_error: None,
        done: false,
    })
}

#[derive(Deserialize)]
pub struct ChangePasswordForm {
    #[serde(default)]
    current: String,
    #[serde(default)]
    password: String,
}

pub async fn change_password(
    State(state): State<AppState>,
    viewer: Viewer,
    CsrfToken(csrf): CsrfToken,
    HtmlForm(form): HtmlForm<ChangePasswordForm>,
) -> Result<Response, WebError> {
    let now = state.now();
    // The current-password check is a password guess like any other.
    state
        .limits()
        .sign_in_per_email
        .hit(&email_key(viewer.user.email.as_str()), now)
        .map_err(too_many)?;
    let form_page = |current_error, new_error| ChangePasswordPage {
        nav: Nav::new(Some(&viewer), &csrf),
        current_error,
        new_error,
        done: false,
    };
    let new_password = NewPassword::parse(&form.password, &viewer.user.email)
        .map_err(|e| capitalise(&e.to_string()));
    let current_ok = verify_password(form.current, viewer.user.password_hash.clone()).await?;
    let current_error = (!current_ok).then(|| "This is not your current password".to_owned());
    let password = match (new_password, current_error) {
        (Ok(password), None) => password,
        (new, current_error) => {
            return page(FORM_INVALID, &form_page(current_error, new.err()));
        }
    };
    let hash = hash_password(password).await?;
    state.store().set_password_hash(viewer.id(), &hash).await?;
    // Every session ends, then this browser gets a fresh one: "sign out everywhere else".
    state.store().delete_sessions_of(viewer.id()).await?;
    let session = start_session(&state, viewer.id()).await?;
    audit(
        &state,
        Some(&viewer),
        AuditAction::AccountPasswordChanged,
        Some(format!("user:{}", viewer.id())),
        None,
    )
    .await?;
    notify_password_changed(&state, &viewer.user).await?;
    let mut response = page(
        StatusCode::OK,
        &ChangePasswordPage {
            // The new session has a new CSRF token; the page must carry it.
            nav: Nav::new(Some(&viewer), &session.csrf),
            current_error: None,
            new_error: None,
            done: true,
        },
    )?;
    if let Ok(value) = HeaderValue::from_str(&session.cookie) {
        response.headers_mut().append(header::SET_COOKIE, value);
    }
    Ok(response)
}

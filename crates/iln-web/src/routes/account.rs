//! Account pages: sign up, email verification, sign in and out, forgotten and changed
//! passwords.
//!
//! Sign-up, password reset and resending the confirmation give the same page whether or not
//! an account exists for the email; what differs goes only into the mailbox of that address.

use axum::extract::{RawQuery, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use iln_app::Actor;
use iln_app::accounts::{self, AccountsError, ChangePassword, ResetPassword, SignIn, SignUp};
use iln_domain::account::{DisplayName, Email, NewPassword};
use iln_domain::timezone::{self, TimeZoneName};
use serde::Deserialize;

use super::{FORM_INVALID, ok, page};
use crate::auth::{ClientIp, MaybeViewer, SessionCookie, Viewer, clear_session_cookie};
use crate::error::{WebError, capitalise};
use crate::forms::HtmlForm;
use crate::security::CsrfToken;
use crate::state::AppState;
use crate::templates::{
    ChangePasswordPage, EmailFormPage, MessagePage, Nav, ResetPage, SignInPage, SignUpErrors,
    SignUpPage, VerifyPage,
};

const RESEND_AGAIN: (&str, &str) = (
    "/verify/resend",
    "No email after a while? Send the confirmation again",
);
const RESET_AGAIN: (&str, &str) = ("/forgot", "No email after a while? Ask for a new link");

/// The refusals of the accounts use-cases that no form shows at a field: the forms' own
/// messages (a wrong password, a broken link) are rendered by their handlers.
impl From<AccountsError> for WebError {
    fn from(error: AccountsError) -> Self {
        match error {
            AccountsError::App(error) => error.into(),
            AccountsError::BrokenLink => WebError::BadRequest(
                "the link is incomplete, was already used, or has expired".to_owned(),
            ),
            AccountsError::OwnRole => WebError::Forbidden,
            AccountsError::EmailTaken(email) => {
                WebError::Conflict(format!("an account with the email {email} already exists"))
            }
            AccountsError::Interrupted => WebError::Internal(error.to_string()),
            error @ (AccountsError::Password(_)
            | AccountsError::WrongCredentials
            | AccountsError::Unverified
            | AccountsError::ChangeRefused { .. }
            | AccountsError::NoCountries
            | AccountsError::CountriesNotAllowed) => WebError::BadRequest(error.to_string()),
        }
    }
}

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

    accounts::sign_up(
        state.app(),
        &Actor::Anonymous,
        SignUp {
            name,
            email,
            password,
            time_zone,
        },
    )
    .await?;
    // Whatever the address, an email was queued; which one is for its mailbox alone.
    state.wake_outbox();
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
    match accounts::verify_email(state.app(), &Actor::Anonymous, &form.token).await {
        Ok(_) => {}
        Err(AccountsError::BrokenLink) => {
            return page(StatusCode::BAD_REQUEST, &broken_link(nav, "/verify/resend"));
        }
        Err(error) => return Err(error.into()),
    }
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
    accounts::resend_verification(state.app(), &Actor::Anonymous, &email).await?;
    state.wake_outbox();
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
    let signed_in = accounts::sign_in(
        state.app(),
        &Actor::Anonymous,
        SignIn {
            email,
            password: form.password.clone(),
            previous_session: viewer.as_ref().map(|old| old.session_hash.clone()),
        },
    )
    .await;
    let session = match signed_in {
        Ok(signed_in) => SessionCookie::new(&state, &signed_in.session),
        Err(AccountsError::WrongCredentials) => {
            return retry(
                None,
                Some("The email address or the password is not right".to_owned()),
            );
        }
        Err(AccountsError::Unverified) => {
            return retry(
                Some(
                    "Confirm your email address first: open the link we emailed you, or ask for a new one below"
                        .to_owned(),
                ),
                None,
            );
        }
        Err(error) => return Err(error.into()),
    };
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
        let actor = Actor::user(&viewer.user);
        accounts::sign_out(state.app(), &actor, &viewer.session_hash).await?;
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
    let email = match link_request(&state, ip, &form.email)? {
        Ok(email) => email,
        Err(message) => return page(FORM_INVALID, &forgot_page(nav, form.email, Some(message))),
    };
    accounts::forgot_password(state.app(), &Actor::Anonymous, &email).await?;
    state.wake_outbox();
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
    let reset = accounts::reset_password(
        state.app(),
        &Actor::Anonymous,
        ResetPassword {
            token: form.token.clone(),
            password: form.password.clone(),
        },
    )
    .await;
    match reset {
        Ok(_) => {}
        Err(AccountsError::Password(error)) => {
            return page(
                FORM_INVALID,
                &reset_page(nav, capitalise(&error.to_string())),
            );
        }
        Err(AccountsError::BrokenLink) => {
            return page(StatusCode::BAD_REQUEST, &broken_link(nav, "/forgot"));
        }
        Err(error) => return Err(error.into()),
    }
    state.wake_outbox();
    // A redirect rather than a page: the sign-in form must carry the CSRF token of the browser
    // as it is after this response, without the session that was just ended.
    Ok(redirect_with_cookie(
        "/signin?password=changed",
        &clear_session_cookie(&state),
    ))
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
    let changed = accounts::change_password(
        state.app(),
        &Actor::user(&viewer.user),
        ChangePassword {
            current: form.current,
            new: form.password,
        },
    )
    .await;
    let session = match changed {
        Ok(session) => SessionCookie::new(&state, &session),
        Err(AccountsError::ChangeRefused { current_wrong, new }) => {
            let current_error =
                current_wrong.then(|| "This is not your current password".to_owned());
            let new_error = new.map(|e| capitalise(&e.to_string()));
            return page(FORM_INVALID, &form_page(current_error, new_error));
        }
        Err(error) => return Err(error.into()),
    };
    state.wake_outbox();
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

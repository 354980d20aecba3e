//! The web layer's one error type: every handler returns it, and it decides the status code
//! and the friendly page. Details of internal failures go to the log, never to the browser.

use askama::Template;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use iln_store::StoreError;

use crate::mail::MailError;
use crate::templates::{ErrorPage, Nav};

/// `Retry-After` while another process holds the database's write lock.
const BUSY_RETRY_SECONDS: u64 = 2;
/// `Retry-After` while the database's disk is full or it refuses writes.
const TROUBLE_RETRY_SECONDS: u64 = 60;

#[derive(Debug, thiserror::Error)]
pub enum WebError {
    #[error("page not found")]
    NotFound,
    #[error("method not allowed")]
    MethodNotAllowed,
    #[error("request body too large")]
    PayloadTooLarge,
    /// An uploaded file over the import's limit.
    #[error("file too large")]
    FileTooLarge,
    #[error("bad request: {0}")]
    BadRequest(String),
    #[error("cross-site request refused")]
    CrossSite,
    #[error("missing or wrong CSRF token")]
    CsrfToken,
    #[error("forbidden")]
    Forbidden,
    /// Not signed in; carries the page to come back to after signing in.
    #[error("sign-in required")]
    SignInRequired(Option<String>),
    #[error("too many attempts; retry after {0} s")]
    TooManyRequests(u64),
    #[error("conflict: {0}")]
    Conflict(String),
    #[error("database: {0}")]
    Store(#[from] StoreError),
    #[error("template: {0}")]
    Template(#[from] askama::Error),
    #[error("mail: {0}")]
    Mail(#[from] MailError),
    #[error("could not listen or serve: {0}")]
    Io(#[from] std::io::Error),
    #[error("background task failed: {0}")]
    Join(#[from] tokio::task::JoinError),
    #[error("internal: {0}")]
    Internal(String),
}

/// The application layer's shared failures. Each area's own refusals map to pages in that
/// area's route module (`impl From<iln_app::rounds::RoundError> for WebError` in
/// `routes/rounds.rs`, and so on), so areas never edit each other's lines.
impl From<iln_app::AppError> for WebError {
    fn from(error: iln_app::AppError) -> Self {
        match error {
            iln_app::AppError::NotFound => WebError::NotFound,
            iln_app::AppError::Forbidden => WebError::Forbidden,
            iln_app::AppError::Store(error) => WebError::Store(error),
        }
    }
}

impl WebError {
    /// How many seconds a client should wait before trying again, for the answers that have
    /// one (the `Retry-After` header).
    fn retry_after(&self) -> Option<u64> {
        match self {
            Self::TooManyRequests(seconds) => Some(*seconds),
            // A lock is usually released within moments.
            Self::Store(StoreError::Busy(_)) => Some(BUSY_RETRY_SECONDS),
            // A full disk or a read-only mount needs an operator.
            Self::Store(error) if error.is_unavailable() => Some(TROUBLE_RETRY_SECONDS),
            _ => None,
        }
    }

    fn status(&self) -> StatusCode {
        match self {
            Self::NotFound => StatusCode::NOT_FOUND,
            Self::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            Self::PayloadTooLarge | Self::FileTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            Self::BadRequest(_) => StatusCode::BAD_REQUEST,
            Self::CrossSite | Self::CsrfToken | Self::Forbidden => StatusCode::FORBIDDEN,
            Self::SignInRequired(_) => StatusCode::SEE_OTHER,
            Self::TooManyRequests(_) => StatusCode::TOO_MANY_REQUESTS,
            Self::Conflict(_) => StatusCode::CONFLICT,
            Self::Store(StoreError::Conflict(_)) => StatusCode::CONFLICT,
            // A saved document this release cannot read: the row is as it was, nothing in
            // the request is wrong, and the server is not broken either, so not a 500.
            Self::Store(StoreError::Unreadable { .. }) => StatusCode::CONFLICT,
            // A record deleted between our check and the write: the same as never found.
            Self::Store(StoreError::NotFound(_)) => StatusCode::NOT_FOUND,
            // Busy, a full disk, read-only: the database's condition, not a fault in our code
            // or the request; the same request works once it passes.
            Self::Store(error) if error.is_unavailable() => StatusCode::SERVICE_UNAVAILABLE,
            Self::Store(_)
            | Self::Template(_)
            | Self::Mail(_)
            | Self::Io(_)
            | Self::Join(_)
            | Self::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// A heading and a sentence a person can act on.
    fn words(&self) -> (&'static str, String) {
        match self {
            Self::NotFound | Self::Store(StoreError::NotFound(_)) => (
                "Page not found",
                "There is nothing at this address, or you do not have access to it.".to_owned(),
            ),
            Self::MethodNotAllowed => (
                "Not allowed here",
                "This address does not accept that kind of request.".to_owned(),
            ),
            Self::PayloadTooLarge => (
                "Too much data",
                format!(
                    "What you sent is larger than any form here accepts ({} KB); a post, for \
                     one, holds at most {} characters and {} links. Go back to shorten it: \
                     your browser keeps what you typed.",
                    crate::security::MAX_BODY_BYTES / 1024,
                    crate::words::count(iln_domain::post::BODY_MAX_LEN),
                    iln_domain::post::LINKS_MAX
                ),
            ),
            Self::FileTooLarge => (
                "The file is too large",
                format!(
                    "A spreadsheet to import holds at most {} MB. Split it into smaller files, \
                     or leave out columns the import does not need, and upload each part.",
                    iln_sheet::MAX_FILE_BYTES / (1024 * 1024)
                ),
            ),
            Self::BadRequest(why) => ("Something is wrong with the request", capitalise(why)),
            Self::CrossSite => (
                "Request refused",
                "This form was sent from another website, so we did not act on it.".to_owned(),
            ),
            Self::CsrfToken => (
                "Please try again",
                "The form was too old or incomplete. Go back, reload the page and send it again."
                    .to_owned(),
            ),
            Self::Forbidden => (
                "Not available to you",
                "Your account does not have access to this page.".to_owned(),
            ),
            Self::SignInRequired(_) => ("Sign in", "Please sign in first.".to_owned()),
            Self::TooManyRequests(seconds) => (
                "Too many attempts",
                format!(
                    "Please wait {} and try again.",
                    crate::templates::wait_words(*seconds)
                ),
            ),
            Self::Conflict(why) => ("That conflicts with existing data", capitalise(why)),
            Self::Store(StoreError::Conflict(_)) => (
                "That conflicts with existing data",
                "Something with the same details already exists.".to_owned(),
            ),
            Self::Store(StoreError::Unreadable { what, .. }) => (
                "A saved record can't be read",
                format!(
                    "{} was saved in a form this version of ILN cannot read, so this page \
                     can't be shown. Nothing has been changed. The operator can find the \
                     details in the server's log.",
                    capitalise(what)
                ),
            ),
            Self::Store(error) if error.is_unavailable() => (
                "Busy for a moment",
                "Nothing was changed. Please wait a little and send it again.".to_owned(),
            ),
            _ => (
                "Something went wrong on our side",
                "The problem has been logged. Please try again in a moment.".to_owned(),
            ),
        }
    }
}

/// Our error messages are lowercase phrases; on a page they start a sentence.
pub fn capitalise(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

impl IntoResponse for WebError {
    fn into_response(self) -> Response {
        if let Self::SignInRequired(next) = &self {
            let to = match next {
                Some(next) => format!(
                    "/signin?next={}",
                    form_urlencoded::byte_serialize(next.as_bytes()).collect::<String>()
                ),
                None => "/signin".to_owned(),
            };
            return Redirect::to(&to).into_response();
        }
        let status = self.status();
        if status.is_server_error() {
            tracing::error!(error = %self, "request failed");
        } else if let Self::Store(error @ StoreError::Unreadable { .. }) = &self {
            tracing::warn!(%error, "a stored record could not be read");
        }
        let (title, message) = self.words();
        let page = ErrorPage {
            nav: Nav::anonymous(),
            status: status.as_u16(),
            title,
            message,
        };
        let mut response = match page.render() {
            Ok(html) => (status, Html(html)).into_response(),
            Err(error) => {
                tracing::error!(%error, "the error page itself failed to render");
                (status, title).into_response()
            }
        };
        if let Some(seconds) = self.retry_after()
            && let Ok(value) = HeaderValue::from_str(&seconds.to_string())
        {
            response.headers_mut().insert(header::RETRY_AFTER, value);
        }
        response
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn render(error: WebError) -> (StatusCode, String) {
        let response = error.into_response();
        let status = response.status();
        let body = axum::body::to_bytes(response.into_body(), usize::MAX)
            .await
            .unwrap();
        (status, String::from_utf8(body.to_vec()).unwrap())
    }

    #[tokio::test]
    async fn store_errors_map_to_statuses_and_hide_details() {
        let (status, body) = render(WebError::Store(StoreError::Conflict(
            "an account with this email".to_owned(),
        )))
        .await;
        assert_eq!(status, StatusCode::CONFLICT);
        assert!(body.contains("Something with the same details already exists"));

        let (status, _) = render(WebError::Store(StoreError::NotFound("user 4".to_owned()))).await;
        assert_eq!(status, StatusCode::NOT_FOUND);

        let (status, body) = render(WebError::Store(StoreError::Corrupt(
            "secret column detail".to_owned(),
        )))
        .await;
        assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
        assert!(body.contains("Something went wrong on our side"));
        assert!(!body.contains("secret column detail"));
    }

    #[tokio::test]
    async fn an_unreadable_record_is_a_clear_note_not_a_500() {
        let (status, body) = render(WebError::Store(StoreError::Unreadable {
            what: "round 3's settings".to_owned(),
            reason: "it was saved in format 2".to_owned(),
        }))
        .await;
        assert_eq!(status, StatusCode::CONFLICT);
        assert!(
            body.contains("A saved record can&#39;t be read")
                || body.contains("A saved record can't be read"),
            "{body}"
        );
        assert!(
            body.contains("Round 3&#39;s settings") || body.contains("Round 3's settings"),
            "{body}"
        );
        assert!(body.contains("Nothing has been changed"), "{body}");
        assert!(!body.contains("format 2"), "{body}");
    }

    #[tokio::test]
    async fn database_trouble_is_503_with_a_time_to_retry() {
        for (error, retry) in [
            (StoreError::Busy("database is locked".to_owned()), "2"),
            (
                StoreError::DiskFull("database or disk is full".to_owned()),
                "60",
            ),
            (StoreError::ReadOnly("readonly database".to_owned()), "60"),
        ] {
            let response = WebError::Store(error).into_response();
            assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
            assert_eq!(response.headers()[header::RETRY_AFTER], retry);
            let body = axum::body::to_bytes(response.into_body(), usize::MAX)
                .await
                .unwrap();
            let body = String::from_utf8(body.to_vec()).unwrap();
            assert!(body.contains("Nothing was changed"), "{body}");
            assert!(!body.contains("database"), "{body}");
        }
    }

    #[tokio::test]
    async fn too_many_requests_says_when_to_retry() {
        let response = WebError::TooManyRequests(125).into_response();
        assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(response.headers()[header::RETRY_AFTER], "125");
    }
}

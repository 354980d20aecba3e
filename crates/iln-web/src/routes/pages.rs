//! Public pages and plumbing: home, health check, static files, and the 404/405 pages.

use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};

use super::ok;
use crate::auth::MaybeViewer;
use crate::error::WebError;
use crate::security::CsrfToken;
use crate::state::AppState;
use crate::templates::{CodeOfConductPage, HomePage, Nav, PrivacyPage};

pub async fn home(
    MaybeViewer(viewer): MaybeViewer,
    CsrfToken(csrf): CsrfToken,
) -> Result<Response, WebError> {
    ok(&HomePage {
        nav: Nav::new(viewer.as_ref(), &csrf),
    })
}

/// The address people write to about the network: `contact_email` when set, else the sender
/// of its emails without the display name (`ILN <team@example.org>` gives `team@example.org`).
fn contact_address(state: &AppState) -> String {
    if let Some(contact) = &state.config().contact_email {
        return contact.clone();
    }
    let from = state.config().mail_from.trim();
    match (from.rfind('<'), from.rfind('>')) {
        (Some(open), Some(close)) if open < close => from[open + 1..close].trim().to_owned(),
        _ => from.to_owned(),
    }
}

pub async fn code_of_conduct(
    State(state): State<AppState>,
    MaybeViewer(viewer): MaybeViewer,
    CsrfToken(csrf): CsrfToken,
) -> Result<Response, WebError> {
    ok(&CodeOfConductPage {
        nav: Nav::new(viewer.as_ref(), &csrf),
        contact: contact_address(&state),
    })
}

pub async fn privacy(
    State(state): State<AppState>,
    MaybeViewer(viewer): MaybeViewer,
    CsrfToken(csrf): CsrfToken,
) -> Result<Response, WebError> {
    ok(&PrivacyPage {
        nav: Nav::new(viewer.as_ref(), &csrf),
        contact: contact_address(&state),
    })
}

/// 200 when the database answers, 503 when it does not: what a load balancer or monitor asks.
pub async fn healthz(State(state): State<AppState>) -> Response {
    match state.store().ping().await {
        Ok(()) => (StatusCode::OK, "ok\n").into_response(),
        Err(error) => {
            tracing::warn!(%error, "health check: database unreachable");
            (StatusCode::SERVICE_UNAVAILABLE, "database unreachable\n").into_response()
        }
    }
}

/// A day of caching: the file is small, and a deploy that changes it is rare.
const STATIC_CACHE: &str = "public, max-age=86400";

pub async fn stylesheet() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, STATIC_CACHE),
        ],
        include_str!("../../static/style.css"),
    )
        .into_response()
}

pub async fn favicon() -> Response {
    (
        [
            (header::CONTENT_TYPE, "image/svg+xml"),
            (header::CACHE_CONTROL, STATIC_CACHE),
        ],
        include_str!("../../static/favicon.svg"),
    )
        .into_response()
}

pub async fn not_found() -> WebError {
    WebError::NotFound
}

pub async fn method_not_allowed() -> WebError {
    WebError::MethodNotAllowed
}

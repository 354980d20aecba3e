//! Public pages and plumbing: home, health check, static files, and the 404/405 pages.

use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};

use super::ok;
use crate::auth::MaybeViewer;
use crate::error::WebError;
use crate::security::CsrfToken;
use crate::state::AppState;
use crate::templates::{HomePage, Nav};

pub async fn home(
    MaybeViewer(viewer): MaybeViewer,
    CsrfToken(csrf): CsrfToken,
) -> Result<Response, WebError> {
    ok(&HomePage {
        nav: Nav::new(viewer.as_ref(), &csrf),
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

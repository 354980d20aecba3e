//! The request handlers, one module per area, and the helpers they share.

pub mod account;
pub mod admin;
pub mod apply;
pub mod dashboard;
pub mod matching;
pub mod pages;
pub mod partnerships;
pub mod people;
pub mod review;
pub mod rounds;

use askama::Template;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use iln_domain::audit::AuditAction;
use iln_store::NewAuditEntry;

use crate::auth::Viewer;
use crate::error::WebError;
use crate::state::AppState;

/// The status of a form shown again with messages next to the wrong fields. 200 rather than
/// 422: browsers log every 4xx page load as a console error, which reads as a fault to people
/// and to our browser tests, while the page itself is exactly what the person should see.
pub const FORM_INVALID: StatusCode = StatusCode::OK;

/// Renders a page with a status.
pub fn page(status: StatusCode, template: &impl Template) -> Result<Response, WebError> {
    Ok((status, Html(template.render()?)).into_response())
}

/// Renders a page with 200 OK.
pub fn ok(template: &impl Template) -> Result<Response, WebError> {
    page(StatusCode::OK, template)
}

/// Appends to the audit log as `actor` (None for an anonymous visitor's own account events).
pub async fn audit(
    state: &AppState,
    actor: Option<&Viewer>,
    action: AuditAction,
    target: Option<String>,
    detail: Option<String>,
) -> Result<(), WebError> {
    state
        .store()
        .append_audit(
            &NewAuditEntry {
                actor: actor.map(Viewer::id),
                action,
                target,
                detail,
            },
            state.now(),
        )
        .await?;
    Ok(())
}

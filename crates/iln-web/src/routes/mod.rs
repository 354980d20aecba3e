//! The request handlers, one module per area; what several areas need is in [`common`], so
//! no area module imports another.

pub mod account;
pub mod admin;
pub mod alumni;
pub mod apply;
pub mod calendar;
pub mod certificates;
pub mod checkins;
pub mod common;
pub mod dashboard;
pub mod desk;
pub mod exports;
pub mod import;
pub mod matching;
pub mod pages;
pub mod partnerships;
pub mod people;
pub mod reports;
pub mod review;
pub mod rounds;
pub mod surveys;
pub mod topics;
pub mod unsubscribe;

use askama::Template;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};

use crate::error::WebError;

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

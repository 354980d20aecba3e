//! A person's calendar feed: the page that shows their secret address (and replaces it),
//! and the feed itself, `/calendar/{token}.ics`, which any calendar can subscribe to without
//! signing in. Each handler parses, calls `iln_app::calendar` and renders.

use askama::Template;
use axum::extract::{Path, RawQuery, State};
use axum::http::header;
use axum::response::{IntoResponse, Redirect, Response};
use iln_app::Actor;

use super::common::{feed_event, query_value};
use super::ok;
use crate::auth::Viewer;
use crate::error::WebError;
use crate::security::CsrfToken;
use crate::state::AppState;
use crate::templates::Nav;

#[derive(Template)]
#[template(path = "calendar.html")]
struct CalendarPage {
    nav: Nav,
    address: Option<String>,
    staff: bool,
    notice: Option<&'static str>,
}

pub async fn show(
    State(state): State<AppState>,
    viewer: Viewer,
    CsrfToken(csrf): CsrfToken,
    RawQuery(query): RawQuery,
) -> Result<Response, WebError> {
    let actor = Actor::user(&viewer.user);
    let address = iln_app::calendar::token_of(state.app(), &actor)
        .await?
        .map(|token| state.app().links().url(&format!("/calendar/{token}.ics")));
    let notice = match query_value(query.as_deref(), "done").as_str() {
        "made" => Some("Your calendar address is ready: add it to your calendar below."),
        "replaced" => Some("Your calendar address is new; the old one no longer works."),
        _ => None,
    };
    ok(&CalendarPage {
        nav: Nav::new(Some(&viewer), &csrf),
        address,
        staff: matches!(
            viewer.role(),
            iln_domain::account::Role::Admin | iln_domain::account::Role::CountryCoordinator
        ),
        notice,
    })
}

pub async fn replace(State(state): State<AppState>, viewer: Viewer) -> Result<Response, WebError> {
    let actor = Actor::user(&viewer.user);
    let had = iln_app::calendar::token_of(state.app(), &actor)
        .await?
        .is_some();
    iln_app::calendar::replace(state.app(), &actor).await?;
    let done = if had { "replaced" } else { "made" };
    Ok(Redirect::to(&format!("/account/calendar?done={done}")).into_response())
}

/// The feed; a token no one has (a replaced one) is a 404.
pub async fn feed(
    State(state): State<AppState>,
    Path(file): Path<String>,
) -> Result<Response, WebError> {
    let token = file.strip_suffix(".ics").ok_or(WebError::NotFound)?;
    if token.is_empty() || token.len() > 64 {
        return Err(WebError::NotFound);
    }
    let feed = iln_app::calendar::feed(state.app(), token).await?;
    let events: Vec<_> = feed.items.iter().map(|i| feed_event(&state, i)).collect();
    let body =
        iln_domain::calendar::calendar(&format!("ILN: {}", feed.owner), &events, state.now());
    Ok((
        [
            (header::CONTENT_TYPE, "text/calendar; charset=utf-8"),
            // The feed changes as topics and rounds do; calendars fetch it again.
            (header::CACHE_CONTROL, "no-store"),
        ],
        body,
    )
        .into_response())
}

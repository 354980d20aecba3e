//! Turning topic emails off (and on again) from the link in every topic email, without
//! signing in. Opening the link changes nothing; its button does (a mail scanner that follows
//! links must not unsubscribe anyone).

use askama::Template;
use axum::extract::{RawQuery, State};
use axum::response::Response;
use serde::Deserialize;

use super::common::query_value;
use super::ok;
use crate::auth::MaybeViewer;
use crate::error::WebError;
use crate::forms::HtmlForm;
use crate::security::CsrfToken;
use crate::state::AppState;
use crate::templates::Nav;

#[derive(Template)]
#[template(path = "unsubscribe.html")]
struct UnsubscribePage {
    nav: Nav,
    token: String,
    /// None: the link is unknown.
    off: Option<bool>,
    done: bool,
}

pub async fn show(
    State(state): State<AppState>,
    MaybeViewer(viewer): MaybeViewer,
    CsrfToken(csrf): CsrfToken,
    RawQuery(query): RawQuery,
) -> Result<Response, WebError> {
    let token = query_value(query.as_deref(), "t");
    let off = state.store().topics_off_for(&token).await?;
    ok(&UnsubscribePage {
        nav: Nav::new(viewer.as_ref(), &csrf),
        token,
        off,
        done: false,
    })
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct UnsubscribeForm {
    t: String,
    /// "off" or "on".
    topics: String,
}

pub async fn change(
    State(state): State<AppState>,
    MaybeViewer(viewer): MaybeViewer,
    CsrfToken(csrf): CsrfToken,
    HtmlForm(form): HtmlForm<UnsubscribeForm>,
) -> Result<Response, WebError> {
    let off = match form.topics.as_str() {
        "off" => true,
        "on" => false,
        _ => {
            return Err(WebError::BadRequest(
                "choose to stop or to restart topic emails".to_owned(),
            ));
        }
    };
    let changed = iln_app::topics::set_topic_emails(state.app(), &form.t, off).await?;
    ok(&UnsubscribePage {
        nav: Nav::new(viewer.as_ref(), &csrf),
        token: form.t,
        off: changed.then_some(off),
        done: changed,
    })
}

//! The page a check-in link opens, and the answer it sends. The link's secret is in the query
//! (request logs leave queries out); opening the page changes nothing, and the answer goes by
//! POST from its buttons, so a mail program or scanner that follows links answers nothing.
//! Forged, expired and used links get a friendly page and change nothing.

use askama::Template;
use axum::extract::{RawQuery, State};
use axum::response::Response;
use iln_app::checkins::{self, AnswerError, CheckInView};
use iln_domain::checkin::CheckInAnswer;
use serde::Deserialize;

use super::common::query_value;
use super::ok;
use crate::auth::MaybeViewer;
use crate::emails::checkins::{answer_words, names};
use crate::error::WebError;
use crate::forms::HtmlForm;
use crate::security::CsrfToken;
use crate::state::AppState;
use crate::templates::{Nav, when};

#[derive(Template)]
#[template(path = "checkin.html")]
struct CheckInPage {
    nav: Nav,
    /// The link's secret, sent back with the answer.
    secret: String,
    /// The answer the clicked link named, offered first.
    chosen: Option<&'static str>,
    answers: Vec<(&'static str, &'static str)>,
    view: Option<CheckInView>,
    partners: String,
    /// Set after an answer, or instead of the form when the link cannot be used.
    message: Option<(&'static str, String)>,
}

fn refusal(error: AnswerError) -> Result<(&'static str, String), WebError> {
    Ok(match error {
        AnswerError::Unknown => (
            "This link does not work",
            "It may have been cut short when it was copied. Open it again from the email, \
             or tell us on your partnership page after signing in."
                .to_owned(),
        ),
        AnswerError::Expired => (
            "This link has expired",
            "Check-in links work for two weeks. You can still log a contact, or tell us how \
             it is going, on your partnership page after signing in."
                .to_owned(),
        ),
        AnswerError::AlreadyAnswered { answer, at } => (
            "You answered already",
            format!(
                "Your answer \u{201c}{}\u{201d} was recorded on {}. Thank you; nothing has \
                 changed.",
                answer_words(answer),
                when(at, &iln_domain::timezone::TimeZoneName::utc())
            ),
        ),
        AnswerError::App(error) => return Err(error.into()),
    })
}

fn answers() -> Vec<(&'static str, &'static str)> {
    CheckInAnswer::ALL
        .into_iter()
        .map(|a| (a.as_str(), answer_words(a)))
        .collect()
}

pub async fn show(
    State(state): State<AppState>,
    MaybeViewer(viewer): MaybeViewer,
    CsrfToken(csrf): CsrfToken,
    RawQuery(query): RawQuery,
) -> Result<Response, WebError> {
    let secret = query_value(query.as_deref(), "t");
    let chosen = CheckInAnswer::parse(&query_value(query.as_deref(), "answer")).map(|a| a.as_str());
    let (view, message) = match checkins::look(state.app(), &secret).await {
        Ok(view) => {
            let message = view.answered.map(|(answer, at)| {
                (
                    "You answered already",
                    format!(
                        "Your answer \u{201c}{}\u{201d} was recorded on {}. Thank you.",
                        answer_words(answer),
                        when(at, &iln_domain::timezone::TimeZoneName::utc())
                    ),
                )
            });
            (Some(view), message)
        }
        Err(error) => (None, Some(refusal(error)?)),
    };
    ok(&CheckInPage {
        nav: Nav::new(viewer.as_ref(), &csrf),
        partners: view
            .as_ref()
            .map(|v| names(&v.partners))
            .unwrap_or_default(),
        secret,
        chosen,
        answers: answers(),
        view,
        message,
    })
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct AnswerForm {
    t: String,
    answer: String,
}

pub async fn answer(
    State(state): State<AppState>,
    MaybeViewer(viewer): MaybeViewer,
    CsrfToken(csrf): CsrfToken,
    HtmlForm(form): HtmlForm<AnswerForm>,
) -> Result<Response, WebError> {
    let Some(answer) = CheckInAnswer::parse(&form.answer) else {
        return Err(WebError::BadRequest("choose one of the answers".to_owned()));
    };
    let message = match checkins::answer(state.app(), &form.t, answer).await {
        Ok(()) => {
            state.wake_outbox();
            (
                "Thank you",
                match answer {
                    CheckInAnswer::InTouch => {
                        "Wonderful: we have noted that you are in touch. Enjoy the partnership!"
                            .to_owned()
                    }
                    _ => "Thank you for telling us. We will remind you both, and if it still \
                          does not work out, offer you a new partner."
                        .to_owned(),
                },
            )
        }
        Err(error) => refusal(error)?,
    };
    ok(&CheckInPage {
        nav: Nav::new(viewer.as_ref(), &csrf),
        secret: String::new(),
        chosen: None,
        answers: answers(),
        view: None,
        partners: String::new(),
        message: Some(message),
    })
}

//! Applying to a round: the form (filled in from the person's previous application), sending
//! and editing it until applications close, and withdrawing. Only a signed-in account with a
//! confirmed email address can apply, and the application's email is always that address.
//! Sending and withdrawing are `iln_app::applications` use-cases; these handlers parse the
//! form, call them and render the page (their refusals map to pages in `routes/review.rs`).

use askama::Template;
use axum::body::Bytes;
use axum::extract::State;
use axum::response::Response;
use iln_app::Actor;
use iln_app::applications::{self, ApplicationsError, Applied};
use iln_domain::application::{ApplicationForm, CommunicationWay, FieldError, MatchPreference};
use iln_domain::profile::{CareerStage, Sector};
use iln_store::{ApplicationRecord, ApplicationStatus, Person, RoundId, RoundRecord};

use super::common::{FieldErrors, current_commitments, listed, load_round};
use super::{FORM_INVALID, ok, page};
use crate::auth::Viewer;
use crate::error::WebError;
use crate::forms::PathId;
use crate::security::CsrfToken;
use crate::state::AppState;
use crate::templates::{MessagePage, Nav};
use crate::words::{self, Label};

/// Reads the application form from a url-encoded body. The multi-valued fields (checkboxes)
/// repeat their name, which serde's url-encoded reader cannot collect, so this reads the
/// pairs itself; unknown names (the CSRF token) are ignored.
pub fn application_form(body: &[u8]) -> ApplicationForm {
    let mut form = ApplicationForm::default();
    for (key, value) in form_urlencoded::parse(body) {
        let value = value.into_owned();
        match key.as_ref() {
            "name" => form.name = value,
            "email" => form.email = value,
            "country" => form.country = value,
            "city" => form.city = value,
            "time_zone" => form.time_zone = value,
            "institution" => form.institution = value,
            "sector" => form.sector = value,
            "role" => form.role = value,
            "career_stage" => form.career_stage = value,
            "interests" => form.interests.push(value),
            "other_interests" => form.other_interests = value,
            "languages" => form.languages.push(value),
            "communication" => form.communication.push(value),
            "match_preference" => form.match_preference = value,
            "goals" => form.goals = value,
            "offer" => form.offer = value,
            "consent" => form.consent = value,
            _ => {}
        }
    }
    form
}

/// One choice of a list of checkboxes, radio buttons or options.
pub struct Choice {
    pub value: String,
    pub label: String,
    pub checked: bool,
}

/// The choices of a list from (value, label) pairs, checked where `checked` says.
fn choices<'a>(
    items: impl IntoIterator<Item = (&'a str, &'a str)>,
    checked: impl Fn(&str) -> bool,
) -> Vec<Choice> {
    items
        .into_iter()
        .map(|(value, label)| Choice {
            value: value.to_owned(),
            label: label.to_owned(),
            checked: checked(value),
        })
        .collect()
}

#[derive(Template)]
#[template(path = "apply_form.html")]
struct ApplyPage {
    nav: Nav,
    id: i64,
    round: String,
    closes: String,
    program_languages: String,
    commitments: &'static [&'static str],
    /// The person's application to this round, if they have one.
    status: Option<&'static str>,
    /// Whether the form can be sent (the round is open).
    open: bool,
    /// Whether there is an application to withdraw.
    can_withdraw: bool,
    /// Filled in from an application to an earlier round.
    prefilled: bool,
    form: ApplicationForm,
    languages: String,
    errors: FieldErrors,
    notice: Option<String>,
    /// The usual zone of the chosen country, taken when the field is left empty.
    suggested: String,
    zones: Vec<iln_domain::timezone::TimeZoneName>,
    countries: Vec<Choice>,
    sectors: Vec<Choice>,
    stages: Vec<Choice>,
    interests: Vec<Choice>,
    ways: Vec<Choice>,
    preferences: Vec<Choice>,
}

impl ApplyPage {
    fn new(
        nav: Nav,
        record: &RoundRecord,
        own: Option<&ApplicationRecord>,
        form: ApplicationForm,
    ) -> ApplyPage {
        let picked = |list: &[String], value: &str| list.iter().any(|v| v == value);
        let settings = &record.round.settings;
        let mut countries = choices(
            iln_domain::country::all()
                .iter()
                .map(|c| (c.code.as_str(), c.name)),
            |v| form.country == v,
        );
        countries.insert(
            0,
            Choice {
                value: String::new(),
                label: "Choose your country".to_owned(),
                checked: form.country.is_empty(),
            },
        );
        ApplyPage {
            nav,
            id: record.id.0,
            round: settings.name.to_string(),
            closes: settings.closes.strftime("%-d %b %Y").to_string(),
            program_languages: listed(settings.languages.iter().map(|l| l.name())),
            commitments: current_commitments(),
            status: own.map(|a| a.status.label()),
            open: record.round.accepts_applications(),
            can_withdraw: own.is_some_and(|a| a.status != ApplicationStatus::Withdrawn),
            prefilled: false,
            languages: form.languages.join(", "),
            errors: FieldErrors::default(),
            notice: None,
            suggested: iln_domain::country::CountryCode::parse(&form.country)
                .map(|c| c.default_time_zone().to_owned())
                .unwrap_or_default(),
            zones: iln_domain::timezone::available(),
            countries,
            sectors: choices(Sector::ALL.map(|s| (s.as_str(), s.label())), |v| {
                form.sector == v
            }),
            stages: choices(CareerStage::ALL.map(|s| (s.as_str(), s.label())), |v| {
                form.career_stage == v
            }),
            interests: choices(
                record.interests.iter().map(|i| (i.as_str(), i.as_str())),
                |v| picked(&form.interests, v),
            ),
            ways: choices(
                CommunicationWay::ALL.map(|w| (w.as_str(), w.label())),
                |v| picked(&form.communication, v),
            ),
            preferences: choices(MatchPreference::ALL.map(|p| (p.as_str(), p.label())), |v| {
                form.match_preference == v
            }),
            form,
        }
    }

    fn with_errors(mut self, problems: &[FieldError]) -> ApplyPage {
        for problem in problems {
            self.errors
                .insert(problem.field.as_str(), problem.message.clone());
        }
        self
    }
}

/// Someone who cannot apply yet: not confirmed, or the round is not taking applications.
fn cannot_apply(nav: Nav, title: &str, why: String, links: Vec<(String, String)>) -> Response {
    let page_ = MessagePage {
        nav,
        title: title.to_owned(),
        paragraphs: vec![why],
        links,
    };
    ok(&page_).unwrap_or_else(axum::response::IntoResponse::into_response)
}

fn unconfirmed(nav: Nav, record: &RoundRecord) -> Response {
    cannot_apply(
        nav,
        "Confirm your email address first",
        "Applications count only from a confirmed email address. Open the link we emailed \
         you, or ask for a new one, then come back to this round."
            .to_owned(),
        vec![
            (
                "/verify/resend".to_owned(),
                "Send the link again".to_owned(),
            ),
            (
                format!("/rounds/{}", record.id),
                format!("Back to {}", record.round.settings.name),
            ),
        ],
    )
}

/// The round someone applies to, with the dates applied: a draft is a 404, and an account
/// whose email is not confirmed gets the page that says so (as `Err`) instead.
async fn round_to_apply(
    state: &AppState,
    viewer: &Viewer,
    nav: Nav,
    id: i64,
) -> Result<Result<(RoundRecord, Nav), Response>, WebError> {
    let record = load_round(state, RoundId(id)).await?;
    if record.round.state == iln_domain::round::RoundState::Draft {
        return Err(WebError::NotFound);
    }
    if !viewer.user.email_verified {
        return Ok(Err(unconfirmed(nav, &record)));
    }
    Ok(Ok((record, nav)))
}

/// A first application filled in from the person's profile, when they have one (the demo
/// network's people do): the fields both ask for.
fn from_profile(person: &Person) -> ApplicationForm {
    ApplicationForm {
        name: person.full_name.clone(),
        country: person.country.as_str().to_owned(),
        city: person.city.clone(),
        time_zone: person.time_zone.as_str().to_owned(),
        institution: person.institution.clone(),
        sector: person.sector.as_str().to_owned(),
        career_stage: person.career_stage.as_str().to_owned(),
        interests: person.interests.iter().map(|i| i.to_lowercase()).collect(),
        languages: person.languages.clone(),
        ..ApplicationForm::default()
    }
}

/// The account's email replaces whatever the form says: it is the confirmed one.
fn own_email(form: &mut ApplicationForm, viewer: &Viewer) {
    form.email = viewer.user.email.to_string();
}

pub async fn form(
    State(state): State<AppState>,
    viewer: Viewer,
    CsrfToken(csrf): CsrfToken,
    PathId(id): PathId,
) -> Result<Response, WebError> {
    let (record, nav) =
        match round_to_apply(&state, &viewer, Nav::new(Some(&viewer), &csrf), id).await? {
            Ok(found) => found,
            Err(page_) => return Ok(page_),
        };
    let own = state.store().application_of(record.id, viewer.id()).await?;
    let (mut answers, prefilled) = match &own {
        Some(application) => (application.application.to_form(), false),
        None => {
            if !record.round.accepts_applications() {
                return Ok(cannot_apply(
                    nav,
                    "Applications are not open",
                    format!(
                        "{} is not taking applications: {}.",
                        record.round.settings.name,
                        words::round_headline(&record.round, state.now())
                    ),
                    vec![(
                        format!("/rounds/{}", record.id),
                        "See the round's timeline".to_owned(),
                    )],
                ));
            }
            match state.store().latest_application_of(viewer.id()).await? {
                Some(previous) => (previous.application.to_form(), true),
                None => (
                    match state.store().person_for_user(viewer.id()).await? {
                        Some(person) => from_profile(&person),
                        None => ApplicationForm {
                            name: viewer.user.display_name.to_string(),
                            ..ApplicationForm::default()
                        },
                    },
                    false,
                ),
            }
        }
    };
    own_email(&mut answers, &viewer);
    let mut page_ = ApplyPage::new(nav, &record, own.as_ref(), answers);
    page_.prefilled = prefilled;
    ok(&page_)
}

pub async fn submit(
    State(state): State<AppState>,
    viewer: Viewer,
    CsrfToken(csrf): CsrfToken,
    PathId(id): PathId,
    body: Bytes,
) -> Result<Response, WebError> {
    let (record, nav) =
        match round_to_apply(&state, &viewer, Nav::new(Some(&viewer), &csrf), id).await? {
            Ok(found) => found,
            Err(page_) => return Ok(page_),
        };
    let mut answers = application_form(&body);
    own_email(&mut answers, &viewer);
    let outcome =
        match applications::apply(state.app(), &Actor::user(&viewer.user), record.id, &answers)
            .await
        {
            Ok(outcome) => outcome,
            Err(ApplicationsError::Invalid(problems)) => {
                let own = state.store().application_of(record.id, viewer.id()).await?;
                let page_ =
                    ApplyPage::new(nav, &record, own.as_ref(), answers).with_errors(&problems);
                return page(FORM_INVALID, &page_);
            }
            Err(error) => return Err(error.into()),
        };
    state.wake_outbox();
    let mut page_ = ApplyPage::new(
        nav,
        &outcome.round,
        Some(&outcome.application),
        outcome.application.application.to_form(),
    );
    page_.notice = Some(match outcome.applied {
        Applied::Updated => "Your changes are saved. We emailed you a confirmation.".to_owned(),
        Applied::Sent | Applied::Resent => {
            "Your application is sent. We emailed you a confirmation.".to_owned()
        }
    });
    ok(&page_)
}

pub async fn withdraw(
    State(state): State<AppState>,
    viewer: Viewer,
    CsrfToken(csrf): CsrfToken,
    PathId(id): PathId,
) -> Result<Response, WebError> {
    let outcome =
        applications::withdraw(state.app(), &Actor::user(&viewer.user), RoundId(id)).await?;
    let answers = outcome.application.application.to_form();
    let mut page_ = ApplyPage::new(
        Nav::new(Some(&viewer), &csrf),
        &outcome.round,
        Some(&outcome.application),
        answers,
    );
    page_.notice = Some(
        "Your application is withdrawn. You can send it again until applications close.".to_owned(),
    );
    ok(&page_)
}

//! Surveys: a round's list, the admin's builder, opening one now after a confirmation, the
//! results (charts with their tables, response rates, earlier rounds) and their spreadsheet,
//! and the page a participant's personal link opens. Each handler parses, calls its
//! `iln_app::surveys` use-case and renders.
//!
//! Admins and country coordinators see a round's surveys and results (coordinators for their
//! own countries only); participants answer through their link and see nothing else here.

use std::collections::BTreeMap;

use askama::Template;
use axum::extract::{Path, RawQuery, State};
use axum::http::header;
use axum::response::{IntoResponse, Redirect, Response};
use iln_app::Actor;
use iln_app::surveys::{self, BuildError, LinkError, LinkView, Results};
use iln_domain::country::CountryCode;
use iln_domain::survey::{
    AnswerError, AnswerValue, QuestionError, QuestionForm, QuestionKind, QuestionResult,
    RATING_POINTS, Response as Answers, SurveyError, SurveyField, SurveyForm, SurveyKind, Tally,
};
use iln_store::{RoundRecord, SurveyId, SurveyRecord};

use super::common::{FieldErrors, is_coordinator, load_round, load_round_at, query_value};
use super::{FORM_INVALID, ok, page};
use crate::auth::{Admin, MaybeViewer, Viewer};
use crate::charts::Bars;
use crate::error::WebError;
use crate::forms::{HtmlForm, PathId};
use crate::security::CsrfToken;
use crate::state::AppState;
use crate::templates::{Nav, when};
use crate::words::day;

fn kind_words(kind: SurveyKind) -> &'static str {
    match kind {
        SurveyKind::MidRound => "Mid-round",
        SurveyKind::EndOfRound => "End of round",
        SurveyKind::Other => "Other",
    }
}

fn question_kind_words(name: &str) -> &'static str {
    match name {
        "rating" => "A rating from 1 to 5",
        "single" => "One choice",
        "multiple" => "Any number of choices",
        _ => "A written answer",
    }
}

const QUESTION_KINDS: [&str; 4] = ["rating", "single", "multiple", "text"];

/// Where a survey is in its life, in words, with its numbers once open.
fn status_words(record: &SurveyRecord, round: &RoundRecord, now: jiff::Timestamp) -> String {
    let settings = &round.round.settings;
    let s = &record.survey;
    if record.opened_at.is_none() {
        format!(
            "Opens on {} and closes at the end of {}",
            day(s.opens_on),
            day(s.closes_on)
        )
    } else if now < s.closes_at(settings) {
        format!("Open until the end of {}", day(s.closes_on))
    } else {
        format!("Closed on {}", day(s.closes_on))
    }
}

// ---------------------------------------------------------------------------------------
// The round's list.

struct SurveyRow {
    id: i64,
    title: String,
    kind: &'static str,
    status: String,
    anonymous: bool,
    opened: bool,
    answered: usize,
    invited: usize,
    questions: usize,
}

#[derive(Template)]
#[template(path = "survey_list.html")]
struct SurveyListPage {
    nav: Nav,
    round_id: i64,
    round: String,
    admin: bool,
    closed: bool,
    surveys: Vec<SurveyRow>,
    notice: Option<&'static str>,
}

pub async fn list(
    State(state): State<AppState>,
    viewer: Viewer,
    CsrfToken(csrf): CsrfToken,
    Path(id): Path<String>,
    RawQuery(query): RawQuery,
) -> Result<Response, WebError> {
    if !is_coordinator(Some(&viewer)) {
        return Err(WebError::NotFound);
    }
    let round = load_round_at(&state, &id).await?;
    let store = state.store();
    let now = state.now();
    let mut rows = Vec::new();
    for record in store.round_surveys(round.id).await? {
        let invitations = store.survey_invitations(record.id).await?;
        let actor = Actor::user(&viewer.user);
        let mine: Vec<_> = invitations
            .iter()
            .filter(|i| actor.covers_country(i.country))
            .collect();
        rows.push(SurveyRow {
            id: record.id.0,
            title: record.survey.title.clone(),
            kind: kind_words(record.survey.kind),
            status: status_words(&record, &round, now),
            anonymous: record.survey.anonymous,
            opened: record.opened_at.is_some(),
            answered: mine.iter().filter(|i| i.responded_at.is_some()).count(),
            invited: mine.len(),
            questions: record.survey.questions.len(),
        });
    }
    let notice = match query_value(query.as_deref(), "done").as_str() {
        "saved" => Some("The survey is saved; it opens by itself on its day."),
        "opened" => Some("The survey is open: every participant has their invitation."),
        _ => None,
    };
    ok(&SurveyListPage {
        nav: Nav::new(Some(&viewer), &csrf),
        round_id: round.id.0,
        round: round.round.settings.name.to_string(),
        admin: viewer.role() == iln_domain::account::Role::Admin,
        closed: round.round.state == iln_domain::round::RoundState::Closed,
        surveys: rows,
        notice,
    })
}

// ---------------------------------------------------------------------------------------
// The builder.

#[derive(Template)]
#[template(path = "survey_form.html")]
struct SurveyFormPage {
    nav: Nav,
    round_id: i64,
    round: String,
    id: Option<i64>,
    form: SurveyForm,
    errors: FieldErrors,
    /// Per question block: its mistake.
    question_errors: BTreeMap<usize, String>,
    starts: String,
    ends: String,
    kinds: Vec<(&'static str, &'static str)>,
    question_kinds: Vec<(&'static str, &'static str)>,
}

impl SurveyFormPage {
    fn action(&self) -> String {
        match self.id {
            Some(id) => format!("/surveys/{id}/edit"),
            None => format!("/rounds/{}/surveys/new", self.round_id),
        }
    }

    fn question_error(&self, n: &usize) -> Option<String> {
        self.question_errors.get(n).cloned()
    }
}

fn error_words(error: &SurveyError) -> String {
    use iln_domain::survey as s;
    match error {
        SurveyError::TitleMissing => "Give the survey a title.".to_owned(),
        SurveyError::TitleTooLong => {
            format!("Keep the title under {} characters.", s::TITLE_MAX_LEN)
        }
        SurveyError::Kind(_) => "Choose what the survey is for.".to_owned(),
        SurveyError::IntroTooLong => format!(
            "Keep the introduction under {} characters.",
            s::INTRO_MAX_LEN
        ),
        SurveyError::OpensOn(text) if text.is_empty() => "Choose the opening day.".to_owned(),
        SurveyError::OpensOn(text) | SurveyError::ClosesOn(text) if !text.is_empty() => {
            format!("\u{201c}{text}\u{201d} is not a date. Use the form 2027-03-15.")
        }
        SurveyError::ClosesOn(_) => "Choose the closing day.".to_owned(),
        SurveyError::OpensOn(_) => "Choose the opening day.".to_owned(),
        SurveyError::OpensBeforeStart { starts, .. } => format!(
            "The survey opens before the partnerships start on {}.",
            day(*starts)
        ),
        SurveyError::OpensTooLate { ends, .. } => format!(
            "Open it at most {} days after the partnerships end on {}.",
            s::OPENS_AFTER_END_MAX_DAYS,
            day(*ends)
        ),
        SurveyError::ClosesBeforeOpening { .. } => {
            "The closing day is before the opening day.".to_owned()
        }
        SurveyError::OpenTooLong => {
            format!("Keep it open for at most {} days.", s::OPEN_MAX_DAYS)
        }
        SurveyError::Reminder(text) => format!(
            "\u{201c}{text}\u{201d} is not a number of days. Write the days after opening, such as 5, 10."
        ),
        SurveyError::TooManyReminders => {
            format!("Send at most {} reminders.", s::REMINDERS_MAX)
        }
        SurveyError::ReminderAfterClosing(d) => {
            format!("Day {d} is after the survey closes; remind people while it is open.")
        }
        SurveyError::NoQuestions => "Ask at least one question.".to_owned(),
        SurveyError::TooManyQuestions => {
            format!("Ask at most {} questions.", s::QUESTIONS_MAX)
        }
        SurveyError::Question(_, e) => match e {
            QuestionError::PromptMissing => "Write the question.".to_owned(),
            QuestionError::PromptTooLong => {
                format!("Keep the question under {} characters.", s::PROMPT_MAX_LEN)
            }
            QuestionError::Kind(_) => "Choose how it is answered.".to_owned(),
            QuestionError::TooFewOptions => {
                "A choice needs at least two options, one a line.".to_owned()
            }
            QuestionError::TooManyOptions => format!("Offer at most {} options.", s::OPTIONS_MAX),
            QuestionError::OptionTooLong => format!(
                "Keep each option and label under {} characters.",
                s::OPTION_MAX_LEN
            ),
            QuestionError::DuplicateOption(o) => {
                format!("\u{201c}{o}\u{201d} is there twice.")
            }
            QuestionError::LabelsMissing => {
                "Say what 1 and 5 mean, such as \u{201c}Not at all\u{201d} and \u{201c}Very much\u{201d}."
                    .to_owned()
            }
        },
    }
}

fn form_errors(errors: &[SurveyError]) -> (FieldErrors, BTreeMap<usize, String>) {
    let mut fields = FieldErrors::default();
    let mut questions = BTreeMap::new();
    for error in errors {
        let name = match error.field() {
            SurveyField::Title => "title",
            SurveyField::Kind => "kind",
            SurveyField::Intro => "intro",
            SurveyField::OpensOn => "opens_on",
            SurveyField::ClosesOn => "closes_on",
            SurveyField::Reminders => "reminders",
            SurveyField::Questions => "questions",
            SurveyField::Question(n) => {
                questions.entry(n).or_insert_with(|| error_words(error));
                continue;
            }
        };
        fields.insert(name, error_words(error));
    }
    (fields, questions)
}

/// The builder's fields: the survey's own, and `q{n}_…` per question block.
fn read_form(fields: &[(String, String)]) -> SurveyForm {
    let value = |name: &str| {
        fields
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    let mut blocks: BTreeMap<usize, QuestionForm> = BTreeMap::new();
    for (name, v) in fields {
        let Some(rest) = name.strip_prefix('q') else {
            continue;
        };
        let Some((n, field)) = rest.split_once('_') else {
            continue;
        };
        let Ok(n) = n.parse::<usize>() else { continue };
        if n > iln_domain::survey::QUESTIONS_MAX {
            continue;
        }
        let q = blocks.entry(n).or_default();
        match field {
            "key" => q.key = v.clone(),
            "prompt" => q.prompt = v.clone(),
            "kind" => q.kind = v.clone(),
            "options" => q.options = v.clone(),
            "low" => q.low = v.clone(),
            "high" => q.high = v.clone(),
            "required" => q.required = !v.is_empty(),
            "remove" => q.remove = !v.is_empty(),
            _ => {}
        }
    }
    SurveyForm {
        title: value("title"),
        kind: value("kind"),
        intro: value("intro"),
        opens_on: value("opens_on"),
        closes_on: value("closes_on"),
        anonymous: !value("anonymous").is_empty(),
        reminders: value("reminders"),
        questions: blocks.into_values().collect(),
    }
}

/// The form with an empty block at the end for a new question.
fn with_blank(mut form: SurveyForm) -> SurveyForm {
    if form.questions.last().is_none_or(|q| !q.is_blank()) {
        form.questions.push(QuestionForm {
            kind: "single".to_owned(),
            required: true,
            ..QuestionForm::default()
        });
    }
    form
}

fn form_page(
    viewer: &Viewer,
    csrf: &str,
    round: &RoundRecord,
    id: Option<i64>,
    form: SurveyForm,
    errors: &[SurveyError],
) -> SurveyFormPage {
    let (errors, question_errors) = form_errors(errors);
    let settings = &round.round.settings;
    SurveyFormPage {
        nav: Nav::new(Some(viewer), csrf),
        round_id: round.id.0,
        round: settings.name.to_string(),
        id,
        form: with_blank(form),
        errors,
        question_errors,
        starts: day(settings.starts),
        ends: day(settings.ends),
        kinds: SurveyKind::ALL
            .iter()
            .map(|k| (k.as_str(), kind_words(*k)))
            .collect(),
        question_kinds: QUESTION_KINDS
            .iter()
            .map(|k| (*k, question_kind_words(k)))
            .collect(),
    }
}

fn refused(
    admin: &Admin,
    csrf: &str,
    round: &RoundRecord,
    id: Option<i64>,
    form: SurveyForm,
    error: BuildError,
) -> Result<Response, WebError> {
    match error {
        BuildError::Invalid(errors) => page(
            FORM_INVALID,
            &form_page(&admin.0, csrf, round, id, form, &errors),
        ),
        BuildError::AlreadyOpen => Err(WebError::Conflict(
            "this survey has opened; its questions stay as they are now that answers come in"
                .to_owned(),
        )),
        BuildError::RoundClosed => Err(WebError::Conflict(
            "this round has closed; its surveys can no longer change".to_owned(),
        )),
        BuildError::App(error) => Err(error.into()),
    }
}

/// "Save and add a question" comes back to the form; "Save" goes to the list.
fn saved(round: &RoundRecord, id: SurveyId, fields: &[(String, String)]) -> Response {
    let more = fields.iter().any(|(k, v)| k == "intent" && v == "more");
    if more {
        Redirect::to(&format!("/surveys/{id}/edit?done=saved")).into_response()
    } else {
        Redirect::to(&format!("/rounds/{}/surveys?done=saved", round.id)).into_response()
    }
}

pub async fn new_form(
    State(state): State<AppState>,
    admin: Admin,
    CsrfToken(csrf): CsrfToken,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let round = load_round_at(&state, &id).await?;
    let settings = &round.round.settings;
    let form = SurveyForm {
        kind: "other".to_owned(),
        opens_on: settings.starts.to_string(),
        closes_on: settings
            .starts
            .checked_add(jiff::Span::new().days(14))
            .unwrap_or(settings.starts)
            .to_string(),
        reminders: "5, 10".to_owned(),
        ..SurveyForm::default()
    };
    ok(&form_page(&admin.0, &csrf, &round, None, form, &[]))
}

pub async fn create(
    State(state): State<AppState>,
    admin: Admin,
    CsrfToken(csrf): CsrfToken,
    Path(id): Path<String>,
    HtmlForm(fields): HtmlForm<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let round = load_round_at(&state, &id).await?;
    let form = read_form(&fields);
    let actor = Actor::user(&admin.0.user);
    match surveys::create(state.app(), &actor, round.id, &form).await {
        Ok(survey) => Ok(saved(&round, survey, &fields)),
        Err(error) => refused(&admin, &csrf, &round, None, form, error),
    }
}

async fn survey_and_round(
    state: &AppState,
    id: i64,
) -> Result<(SurveyRecord, RoundRecord), WebError> {
    let record = state
        .store()
        .survey(SurveyId(id))
        .await?
        .ok_or(WebError::NotFound)?;
    let round = load_round(state, record.round).await?;
    Ok((record, round))
}

pub async fn edit_form(
    State(state): State<AppState>,
    admin: Admin,
    CsrfToken(csrf): CsrfToken,
    PathId(id): PathId,
) -> Result<Response, WebError> {
    let (record, round) = survey_and_round(&state, id).await?;
    if record.opened_at.is_some() {
        return Ok(Redirect::to(&format!("/surveys/{id}")).into_response());
    }
    ok(&form_page(
        &admin.0,
        &csrf,
        &round,
        Some(id),
        record.survey.form(),
        &[],
    ))
}

pub async fn update(
    State(state): State<AppState>,
    admin: Admin,
    CsrfToken(csrf): CsrfToken,
    PathId(id): PathId,
    HtmlForm(fields): HtmlForm<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let (record, round) = survey_and_round(&state, id).await?;
    let form = read_form(&fields);
    let actor = Actor::user(&admin.0.user);
    match surveys::update(state.app(), &actor, record.id, &form).await {
        Ok(()) => Ok(saved(&round, record.id, &fields)),
        Err(error) => refused(&admin, &csrf, &round, Some(id), form, error),
    }
}

// ---------------------------------------------------------------------------------------
// Opening now.

#[derive(Template)]
#[template(path = "survey_open.html")]
struct OpenPage {
    nav: Nav,
    id: i64,
    round_id: i64,
    title: String,
    opens: String,
    participants: usize,
}

pub async fn open_form(
    State(state): State<AppState>,
    admin: Admin,
    CsrfToken(csrf): CsrfToken,
    PathId(id): PathId,
) -> Result<Response, WebError> {
    let (record, round) = survey_and_round(&state, id).await?;
    if record.opened_at.is_some() {
        return Ok(Redirect::to(&format!("/surveys/{id}")).into_response());
    }
    let participants = state
        .store()
        .round_partnerships(round.id)
        .await?
        .iter()
        .filter(|p| p.is_running())
        .map(|p| p.members.len())
        .sum();
    ok(&OpenPage {
        nav: Nav::new(Some(&admin.0), &csrf),
        id,
        round_id: round.id.0,
        title: record.survey.title.clone(),
        opens: day(record.survey.opens_on),
        participants,
    })
}

pub async fn open(
    State(state): State<AppState>,
    admin: Admin,
    PathId(id): PathId,
) -> Result<Response, WebError> {
    let (record, round) = survey_and_round(&state, id).await?;
    let actor = Actor::user(&admin.0.user);
    match surveys::open_now(state.app(), &actor, record.id).await {
        Ok(_) | Err(BuildError::AlreadyOpen) => {
            state.wake_outbox();
            Ok(Redirect::to(&format!("/rounds/{}/surveys?done=opened", round.id)).into_response())
        }
        Err(BuildError::RoundClosed) => Err(WebError::Conflict(
            "this round has closed; its surveys can no longer open".to_owned(),
        )),
        Err(BuildError::Invalid(_)) => Err(WebError::NotFound),
        Err(BuildError::App(error)) => Err(error.into()),
    }
}

// ---------------------------------------------------------------------------------------
// Results.

pub struct EarlierRow {
    pub round: String,
    pub answered: usize,
    pub summary: String,
}

pub struct QuestionView {
    pub n: usize,
    pub prompt: String,
    pub answered: usize,
    pub kind: &'static str,
    pub average: Option<String>,
    pub chart: Option<Bars>,
    pub texts: Vec<String>,
    pub hidden_text: bool,
    pub earlier: Vec<EarlierRow>,
}

fn rows_of(result: &QuestionResult) -> Vec<(String, usize)> {
    match &result.tally {
        Tally::Rating {
            low, high, counts, ..
        } => counts
            .iter()
            .enumerate()
            .map(|(i, n)| {
                let point = i + 1;
                let words = if point == 1 {
                    format!("1 ({low})")
                } else if point == usize::from(RATING_POINTS) {
                    format!("{point} ({high})")
                } else {
                    point.to_string()
                };
                (words, *n)
            })
            .collect(),
        Tally::Choices { counts, .. } => counts.clone(),
        Tally::Text { .. } => Vec::new(),
    }
}

fn summary_of(result: &QuestionResult) -> String {
    match &result.tally {
        Tally::Rating {
            average: Some(a), ..
        } => format!("average {a:.1} of 5"),
        Tally::Rating { average: None, .. } => "no answers".to_owned(),
        Tally::Choices { counts, .. } => {
            let best = counts.iter().max_by_key(|(_, n)| *n);
            match best {
                Some((label, n)) if *n > 0 && result.answered > 0 => format!(
                    "most chose \u{201c}{label}\u{201d} ({}%)",
                    n * 100 / result.answered
                ),
                _ => "no answers".to_owned(),
            }
        }
        Tally::Text { .. } => String::new(),
    }
}

fn question_view(n: usize, result: &QuestionResult, results: &Results) -> QuestionView {
    let kind = match &result.tally {
        Tally::Rating { .. } => "rating",
        Tally::Choices { multiple: true, .. } => "multiple",
        Tally::Choices { .. } => "single",
        Tally::Text { .. } => "text",
    };
    let (texts, hidden_text) = match &result.tally {
        Tally::Text { answers, hidden } => (answers.clone(), *hidden),
        _ => (Vec::new(), false),
    };
    let average = match &result.tally {
        Tally::Rating {
            average: Some(a), ..
        } => Some(format!("{a:.1}")),
        _ => None,
    };
    let rows = rows_of(result);
    QuestionView {
        n,
        prompt: result.prompt.clone(),
        answered: result.answered,
        kind,
        average,
        chart: (!rows.is_empty()).then(|| Bars::new(&rows, result.answered)),
        texts,
        hidden_text,
        earlier: results
            .earlier
            .get(&result.key)
            .map(|list| {
                list.iter()
                    .map(|e| EarlierRow {
                        round: e.round.clone(),
                        answered: e.result.answered,
                        summary: summary_of(&e.result),
                    })
                    .collect()
            })
            .unwrap_or_default(),
    }
}

pub struct RateRow {
    pub country: String,
    pub invited: usize,
    pub answered: usize,
    pub percent: usize,
}

#[derive(Template)]
#[template(path = "survey_results.html")]
struct ResultsPage {
    nav: Nav,
    id: i64,
    round_id: i64,
    round: String,
    title: String,
    status: String,
    anonymous: bool,
    admin: bool,
    editable: bool,
    opened: bool,
    invited: usize,
    answered: usize,
    percent: usize,
    rates: Vec<RateRow>,
    countries: Vec<(String, String)>,
    country: String,
    questions: Vec<QuestionView>,
    scope_words: String,
}

fn country_param(query: Option<&str>) -> Result<Option<CountryCode>, WebError> {
    let raw = query_value(query, "country");
    if raw.is_empty() {
        return Ok(None);
    }
    CountryCode::parse(&raw)
        .map(Some)
        .map_err(|_| WebError::NotFound)
}

pub async fn results(
    State(state): State<AppState>,
    viewer: Viewer,
    CsrfToken(csrf): CsrfToken,
    PathId(id): PathId,
    RawQuery(query): RawQuery,
) -> Result<Response, WebError> {
    let country = country_param(query.as_deref())?;
    let actor = Actor::user(&viewer.user);
    let results = surveys::results(state.app(), &actor, SurveyId(id), country).await?;
    let round = load_round(&state, results.survey.round).await?;
    let countries: Vec<(String, String)> = results
        .countries
        .iter()
        .map(|c| (c.as_str().to_owned(), c.name().to_owned()))
        .collect();
    let rates = results
        .by_country
        .iter()
        .map(|r| RateRow {
            country: r.country.name().to_owned(),
            invited: r.invited,
            answered: r.answered,
            percent: (r.answered * 100).checked_div(r.invited).unwrap_or(0),
        })
        .collect();
    let scope_words = match (&results.scope, country) {
        (_, Some(c)) => format!("Participants from {} only.", c.name()),
        (Some(list), None) => format!(
            "Participants from your countries only: {}.",
            list.iter().map(|c| c.name()).collect::<Vec<_>>().join(", ")
        ),
        (None, None) => "Every country.".to_owned(),
    };
    let questions = results
        .questions
        .iter()
        .enumerate()
        .map(|(n, q)| question_view(n, q, &results))
        .collect();
    ok(&ResultsPage {
        nav: Nav::new(Some(&viewer), &csrf),
        id,
        round_id: round.id.0,
        round: results.round_name.clone(),
        title: results.survey.survey.title.clone(),
        status: status_words(&results.survey, &round, state.now()),
        anonymous: results.survey.survey.anonymous,
        admin: actor.is_admin(),
        editable: actor.is_admin()
            && results.survey.opened_at.is_none()
            && round.round.state != iln_domain::round::RoundState::Closed,
        opened: results.survey.opened_at.is_some(),
        invited: results.invited,
        answered: results.answered,
        percent: (results.answered * 100)
            .checked_div(results.invited)
            .unwrap_or(0),
        rates,
        countries,
        country: country.map(|c| c.as_str().to_owned()).unwrap_or_default(),
        questions,
        scope_words,
    })
}

pub async fn results_csv(
    State(state): State<AppState>,
    viewer: Viewer,
    PathId(id): PathId,
) -> Result<Response, WebError> {
    let actor = Actor::user(&viewer.user);
    let (header, rows) = surveys::export(state.app(), &actor, SurveyId(id)).await?;
    let out = iln_app::export::csv(&iln_app::export::Table::text(header, rows));
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"survey-{id}-results.csv\""),
            ),
        ],
        out,
    )
        .into_response())
}

// ---------------------------------------------------------------------------------------
// The personal link.

pub struct AnswerQuestion {
    pub key: String,
    pub prompt: String,
    pub required: bool,
    pub kind: &'static str,
    pub low: String,
    pub high: String,
    pub options: Vec<(String, bool)>,
    pub points: Vec<(u8, bool)>,
    pub text: String,
    pub error: Option<String>,
}

#[derive(Template)]
#[template(path = "survey_take.html")]
struct TakePage {
    nav: Nav,
    secret: String,
    /// A heading and words instead of the form: closed, unknown, someone else's, or done.
    message: Option<(&'static str, String)>,
    title: String,
    round: String,
    intro: String,
    closes: String,
    anonymous: bool,
    changing: bool,
    questions: Vec<AnswerQuestion>,
    invalid: bool,
}

fn answer_error_words(error: &AnswerError) -> String {
    match error {
        AnswerError::Required => "This question needs an answer.".to_owned(),
        AnswerError::NotAPoint(_) => "Choose a point from 1 to 5.".to_owned(),
        AnswerError::NotAnOption(_) => "Choose one of the options shown.".to_owned(),
        AnswerError::OneOnly => "Choose only one.".to_owned(),
        AnswerError::TooLong => format!(
            "Keep the answer under {} characters.",
            iln_domain::survey::TEXT_ANSWER_MAX_LEN
        ),
    }
}

/// The form's questions, filled with `answers` (stored or just typed).
fn questions_of(
    view: &LinkView,
    answers: &Answers,
    errors: &[(iln_domain::survey::QuestionKey, AnswerError)],
) -> Vec<AnswerQuestion> {
    view.survey
        .survey
        .questions
        .iter()
        .map(|q| {
            let given = answers.answers.get(&q.key);
            let chosen = |o: &str| match given {
                Some(AnswerValue::Choice(c)) => c == o,
                Some(AnswerValue::Choices(cs)) => cs.iter().any(|c| c == o),
                _ => false,
            };
            let (low, high) = match &q.kind {
                QuestionKind::Rating { low, high } => (low.clone(), high.clone()),
                _ => (String::new(), String::new()),
            };
            AnswerQuestion {
                key: q.key.as_str().to_owned(),
                prompt: q.prompt.clone(),
                required: q.required,
                kind: q.kind.name(),
                low,
                high,
                options: q
                    .kind
                    .options()
                    .iter()
                    .map(|o| (o.clone(), chosen(o)))
                    .collect(),
                points: (1..=RATING_POINTS)
                    .map(|p| (p, matches!(given, Some(AnswerValue::Rating(g)) if *g == p)))
                    .collect(),
                text: match given {
                    Some(AnswerValue::Text(t)) => t.clone(),
                    _ => String::new(),
                },
                error: errors
                    .iter()
                    .find(|(k, _)| *k == q.key)
                    .map(|(_, e)| answer_error_words(e)),
            }
        })
        .collect()
}

fn link_refusal(
    error: LinkError,
    zone: &iln_domain::timezone::TimeZoneName,
) -> Result<(&'static str, String), WebError> {
    Ok(match error {
        LinkError::Unknown => (
            "This link does not work",
            "It may have been cut short when it was copied, or replaced by the link in a \
             reminder we sent later. Open the newest survey email we sent you."
                .to_owned(),
        ),
        LinkError::SomeoneElse => (
            "This link is someone else's",
            "Each participant gets a survey link of their own. You are signed in as another \
             person: use the link in your own email, or sign out first."
                .to_owned(),
        ),
        LinkError::Closed { closed, answered } => (
            "This survey has closed",
            format!(
                "It closed on {}. {}",
                when(closed, zone),
                if answered {
                    "Your answers are kept. Thank you for them."
                } else {
                    "Thank you all the same."
                }
            ),
        ),
        LinkError::Invalid(_) => return Err(WebError::BadRequest("the answers".to_owned())),
        LinkError::App(error) => return Err(error.into()),
    })
}

fn take_page(
    nav: Nav,
    secret: String,
    view: &LinkView,
    answers: &Answers,
    errors: &[(iln_domain::survey::QuestionKey, AnswerError)],
    zone: &iln_domain::timezone::TimeZoneName,
) -> TakePage {
    TakePage {
        nav,
        secret,
        message: None,
        title: view.survey.survey.title.clone(),
        round: view.round_name.clone(),
        intro: view.survey.survey.intro.clone(),
        closes: when(view.closes_at, zone),
        anonymous: view.survey.survey.anonymous,
        changing: view.answers.is_some(),
        questions: questions_of(view, answers, errors),
        invalid: !errors.is_empty(),
    }
}

fn message_page(nav: Nav, message: (&'static str, String)) -> TakePage {
    TakePage {
        nav,
        secret: String::new(),
        message: Some(message),
        title: String::new(),
        round: String::new(),
        intro: String::new(),
        closes: String::new(),
        anonymous: false,
        changing: false,
        questions: Vec::new(),
        invalid: false,
    }
}

pub async fn take(
    State(state): State<AppState>,
    MaybeViewer(viewer): MaybeViewer,
    CsrfToken(csrf): CsrfToken,
    RawQuery(query): RawQuery,
) -> Result<Response, WebError> {
    let secret = query_value(query.as_deref(), "t");
    let zone = viewer
        .as_ref()
        .map(Viewer::time_zone)
        .unwrap_or_else(iln_domain::timezone::TimeZoneName::utc);
    let nav = Nav::new(viewer.as_ref(), &csrf);
    match surveys::look(state.app(), &secret, viewer.as_ref().map(Viewer::id)).await {
        Ok(view) => {
            let answers = view.answers.clone().unwrap_or_default();
            ok(&take_page(nav, secret, &view, &answers, &[], &zone))
        }
        Err(error) => ok(&message_page(nav, link_refusal(error, &zone)?)),
    }
}

pub async fn answer(
    State(state): State<AppState>,
    MaybeViewer(viewer): MaybeViewer,
    CsrfToken(csrf): CsrfToken,
    HtmlForm(fields): HtmlForm<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let secret = fields
        .iter()
        .find(|(k, _)| k == "t")
        .map(|(_, v)| v.clone())
        .unwrap_or_default();
    // Answers come as `a_<question key>`, so no key can clash with the form's own fields.
    let answers: Vec<(String, String)> = fields
        .iter()
        .filter_map(|(k, v)| k.strip_prefix("a_").map(|k| (k.to_owned(), v.clone())))
        .collect();
    let zone = viewer
        .as_ref()
        .map(Viewer::time_zone)
        .unwrap_or_else(iln_domain::timezone::TimeZoneName::utc);
    let nav = Nav::new(viewer.as_ref(), &csrf);
    let who = viewer.as_ref().map(Viewer::id);
    match surveys::answer(state.app(), &secret, who, &answers).await {
        Ok(changed) => {
            let closes = surveys::look(state.app(), &secret, who)
                .await
                .map(|v| when(v.closes_at, &zone))
                .unwrap_or_default();
            ok(&message_page(
                nav,
                (
                    "Thank you",
                    format!(
                        "{} You can change them with the same link until {closes}.",
                        if changed {
                            "Your new answers replace the earlier ones."
                        } else {
                            "Your answers are saved."
                        }
                    ),
                ),
            ))
        }
        Err(LinkError::Invalid(errors)) => {
            let view = surveys::look(state.app(), &secret, who).await;
            match view {
                Ok(view) => {
                    // What was typed comes back, read leniently so nothing is lost.
                    let typed = lenient(&view, &answers);
                    page(
                        FORM_INVALID,
                        &take_page(nav, secret, &view, &typed, &errors, &zone),
                    )
                }
                Err(error) => ok(&message_page(nav, link_refusal(error, &zone)?)),
            }
        }
        Err(error) => ok(&message_page(nav, link_refusal(error, &zone)?)),
    }
}

/// The answers as typed, keeping every valid part, to show the form again.
fn lenient(view: &LinkView, fields: &[(String, String)]) -> Answers {
    let mut out = Answers::default();
    for q in &view.survey.survey.questions {
        let values: Vec<&str> = fields
            .iter()
            .filter(|(k, _)| k == q.key.as_str())
            .map(|(_, v)| v.as_str())
            .collect();
        let value = match &q.kind {
            QuestionKind::Rating { .. } => values
                .first()
                .and_then(|v| v.trim().parse::<u8>().ok())
                .map(AnswerValue::Rating),
            QuestionKind::Single { .. } => {
                values.first().map(|v| AnswerValue::Choice((*v).to_owned()))
            }
            QuestionKind::Multiple { .. } => Some(AnswerValue::Choices(
                values.iter().map(|v| (*v).to_owned()).collect(),
            )),
            QuestionKind::Text => values.first().map(|v| AnswerValue::Text((*v).to_owned())),
        };
        if let Some(value) = value {
            out.answers.insert(q.key.clone(), value);
        }
    }
    out
}

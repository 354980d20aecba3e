//! The alumni network: the directory with its search, joining (choosing what the entry
//! shows) and leaving, "People you might want to meet", and "Your network" of partners
//! across rounds. Each handler parses, calls its `iln_app::alumni` use-case and renders.

use askama::Template;
use axum::extract::{RawQuery, State};
use axum::response::{IntoResponse, Redirect, Response};
use iln_app::Actor;
use iln_app::alumni::{self, AlumniError};
use iln_domain::alumni::{Alumnus, ListingForm, Search};
use iln_domain::application::LanguageCode;
use iln_domain::country::CountryCode;
use iln_domain::profile::Sector;

use super::common::query_value;
use super::{FORM_INVALID, ok, page};
use crate::auth::Viewer;
use crate::error::WebError;
use crate::forms::{HtmlForm, page_number};
use crate::security::CsrfToken;
use crate::state::AppState;
use crate::templates::{Nav, Pager};
use crate::words::Label;

/// An entry as the directory shows it: only what its person chose.
pub struct EntryView {
    pub user: i64,
    pub name: String,
    pub details: Vec<(&'static str, String)>,
    pub bio: String,
}

fn entry_view(user: iln_store::UserId, a: &Alumnus) -> EntryView {
    let shown = &a.listing.shown;
    let mut details = Vec::new();
    if shown.country {
        details.push(("Country", a.country.name().to_owned()));
    }
    if shown.sector {
        details.push(("Sector", a.sector.label().to_owned()));
    }
    if shown.role && !a.role.is_empty() {
        details.push(("Role", a.role.clone()));
    }
    if shown.interests && !a.interests.is_empty() {
        details.push(("Interests", a.interests.join(", ")));
    }
    if shown.languages && !a.languages.is_empty() {
        details.push((
            "Languages",
            a.languages
                .iter()
                .map(|l| l.name())
                .collect::<Vec<_>>()
                .join(", "),
        ));
    }
    if shown.rounds && !a.rounds.is_empty() {
        details.push(("Rounds", a.rounds.join(", ")));
    }
    EntryView {
        user: user.0,
        name: a.name.clone(),
        details,
        bio: a.listing.bio.clone(),
    }
}

#[derive(Template)]
#[template(path = "alumni_directory.html")]
struct DirectoryPage {
    nav: Nav,
    joined: bool,
    notice: Option<&'static str>,
    countries: Vec<(String, &'static str)>,
    sectors: Vec<(&'static str, &'static str)>,
    country: String,
    sector: String,
    interest: String,
    language: String,
    language_error: Option<String>,
    entries: Vec<EntryView>,
    me: i64,
    pager: Pager,
}

#[derive(Template)]
#[template(path = "alumni_invite.html")]
struct InvitePage {
    nav: Nav,
    took_part: bool,
    notice: Option<&'static str>,
}

async fn invite(
    state: &AppState,
    viewer: &Viewer,
    csrf: &str,
    notice: Option<&'static str>,
) -> Result<Response, WebError> {
    let took_part = !state.store().partnerships_of(viewer.id()).await?.is_empty();
    ok(&InvitePage {
        nav: Nav::new(Some(viewer), csrf),
        took_part,
        notice,
    })
}

pub async fn directory(
    State(state): State<AppState>,
    viewer: Viewer,
    CsrfToken(csrf): CsrfToken,
    RawQuery(query): RawQuery,
) -> Result<Response, WebError> {
    let query = query.as_deref();
    let country = query_value(query, "country");
    let sector = query_value(query, "sector");
    let interest = query_value(query, "interest");
    let language = query_value(query, "language");
    let (language_code, language_error) = if language.trim().is_empty() {
        (None, None)
    } else {
        match LanguageCode::parse(&language) {
            Ok(code) => (Some(code), None),
            Err(_) => (
                None,
                Some(format!(
                    "\u{201c}{}\u{201d} is not a language we know. Try its English name or code, such as Spanish or es.",
                    language.chars().take(40).collect::<String>()
                )),
            ),
        }
    };
    let search = Search {
        country: CountryCode::parse(&country).ok(),
        sector: Sector::parse(&sector).ok(),
        interest: interest.chars().take(100).collect(),
        language: language_code,
    };
    let actor = Actor::user(&viewer.user);
    let page_wanted = usize::try_from(page_number(query)).unwrap_or(1);
    let found = match alumni::directory(state.app(), &actor, &search, page_wanted).await {
        Ok(found) => found,
        Err(AlumniError::NotJoined) => return invite(&state, &viewer, &csrf, None).await,
        Err(AlumniError::App(e)) => return Err(e.into()),
        Err(other) => return Err(WebError::BadRequest(other.to_string())),
    };
    let filters: Vec<String> = [
        ("country", &country),
        ("sector", &sector),
        ("interest", &interest),
        ("language", &language),
    ]
    .iter()
    .filter(|(_, v)| !v.is_empty())
    .map(|(k, v)| {
        format!(
            "{k}={}",
            form_urlencoded::byte_serialize(v.as_bytes()).collect::<String>()
        )
    })
    .collect();
    let path = if filters.is_empty() {
        "/alumni".to_owned()
    } else {
        format!("/alumni?{}", filters.join("&"))
    };
    let joined = state.store().alumni_entry(viewer.id()).await?.is_some();
    let notice = (query_value(query, "done") == "joined")
        .then_some("You are in the directory. Change what it shows at any time.");
    let page_view = DirectoryPage {
        nav: Nav::new(Some(&viewer), &csrf),
        joined,
        notice,
        countries: iln_domain::country::all()
            .iter()
            .map(|c| (c.code.as_str().to_owned(), c.name))
            .collect(),
        sectors: Sector::ALL
            .iter()
            .map(|s| (s.as_str(), s.label()))
            .collect(),
        country,
        sector,
        interest,
        language,
        language_error,
        entries: found
            .entries
            .iter()
            .map(|(u, a)| entry_view(*u, a))
            .collect(),
        me: viewer.id().0,
        pager: Pager::new(
            i64::try_from(found.page).unwrap_or(1),
            i64::try_from(iln_domain::alumni::PAGE_SIZE).unwrap_or(20),
            i64::try_from(found.total).unwrap_or(0),
            path,
        ),
    };
    if page_view.language_error.is_some() {
        page(FORM_INVALID, &page_view)
    } else {
        ok(&page_view)
    }
}

#[derive(Template)]
#[template(path = "alumni_join.html")]
struct JoinPage {
    nav: Nav,
    form: ListingForm,
    joined: bool,
    error: Option<String>,
    took_part: bool,
}

pub async fn join_form(
    State(state): State<AppState>,
    viewer: Viewer,
    CsrfToken(csrf): CsrfToken,
    RawQuery(query): RawQuery,
) -> Result<Response, WebError> {
    let entry = state.store().alumni_entry(viewer.id()).await?;
    if query_value(query.as_deref(), "done") == "left" && entry.is_none() {
        return invite(
            &state,
            &viewer,
            &csrf,
            Some("You have left the directory: nobody finds you there any more."),
        )
        .await;
    }
    let took_part = !state.store().partnerships_of(viewer.id()).await?.is_empty();
    let form = match &entry {
        Some(e) => e.listing.form(),
        // A first entry shows the country, sector and interests unless they untick them.
        None => ListingForm {
            country: "on".to_owned(),
            sector: "on".to_owned(),
            interests: "on".to_owned(),
            languages: "on".to_owned(),
            ..ListingForm::default()
        },
    };
    ok(&JoinPage {
        nav: Nav::new(Some(&viewer), &csrf),
        form,
        joined: entry.is_some(),
        error: None,
        took_part,
    })
}

pub async fn join(
    State(state): State<AppState>,
    viewer: Viewer,
    CsrfToken(csrf): CsrfToken,
    HtmlForm(form): HtmlForm<ListingForm>,
) -> Result<Response, WebError> {
    let actor = Actor::user(&viewer.user);
    let error = match alumni::join(state.app(), &actor, &form).await {
        Ok(_) => return Ok(Redirect::to("/alumni?done=joined").into_response()),
        Err(AlumniError::Invalid(_)) => format!(
            "Keep the few words about you under {} characters.",
            iln_domain::alumni::BIO_MAX_LEN
        ),
        Err(AlumniError::NeverTookPart) => {
            "The directory is for people who have taken part in a round. Apply to the next one!"
                .to_owned()
        }
        Err(AlumniError::NotJoined) => return Err(WebError::NotFound),
        Err(AlumniError::App(e)) => return Err(e.into()),
    };
    let joined = state.store().alumni_entry(viewer.id()).await?.is_some();
    let took_part = !state.store().partnerships_of(viewer.id()).await?.is_empty();
    page(
        FORM_INVALID,
        &JoinPage {
            nav: Nav::new(Some(&viewer), &csrf),
            form,
            joined,
            error: Some(error),
            took_part,
        },
    )
}

pub async fn leave(State(state): State<AppState>, viewer: Viewer) -> Result<Response, WebError> {
    let actor = Actor::user(&viewer.user);
    match alumni::leave(state.app(), &actor).await {
        Ok(_) => Ok(Redirect::to("/alumni/join?done=left").into_response()),
        Err(AlumniError::App(e)) => Err(e.into()),
        Err(other) => Err(WebError::BadRequest(other.to_string())),
    }
}

pub struct SuggestionView {
    pub entry: EntryView,
    pub why: String,
}

#[derive(Template)]
#[template(path = "alumni_suggestions.html")]
struct SuggestionsPage {
    nav: Nav,
    suggestions: Vec<SuggestionView>,
}

pub async fn suggestions(
    State(state): State<AppState>,
    viewer: Viewer,
    CsrfToken(csrf): CsrfToken,
) -> Result<Response, WebError> {
    let actor = Actor::user(&viewer.user);
    match alumni::suggestions(state.app(), &actor).await {
        Ok(found) => ok(&SuggestionsPage {
            nav: Nav::new(Some(&viewer), &csrf),
            suggestions: found
                .iter()
                .map(|s| SuggestionView {
                    entry: entry_view(s.user, &s.alumnus),
                    why: s.why.clone(),
                })
                .collect(),
        }),
        Err(AlumniError::NotJoined) => invite(&state, &viewer, &csrf, None).await,
        Err(AlumniError::App(e)) => Err(e.into()),
        Err(other) => Err(WebError::BadRequest(other.to_string())),
    }
}

#[derive(Template)]
#[template(path = "network.html")]
struct NetworkPage {
    nav: Nav,
    partners: Vec<alumni::Partner>,
    countries: Vec<(String, usize)>,
}

pub async fn network(
    State(state): State<AppState>,
    viewer: Viewer,
    CsrfToken(csrf): CsrfToken,
) -> Result<Response, WebError> {
    let actor = Actor::user(&viewer.user);
    let partners = alumni::network(state.app(), &actor).await?;
    let mut countries: Vec<(String, usize)> = Vec::new();
    for p in &partners {
        match countries.iter_mut().find(|(c, _)| c == p.country.name()) {
            Some((_, n)) => *n += 1,
            None => countries.push((p.country.name().to_owned(), 1)),
        }
    }
    countries.sort();
    ok(&NetworkPage {
        nav: Nav::new(Some(&viewer), &csrf),
        partners,
        countries,
    })
}

// ---------------------------------------------------------------------------------------
// Writing through the platform.

fn relay_error_words(error: &iln_app::relay::RelayError) -> Option<String> {
    use iln_app::relay::RelayError;
    use iln_domain::post::PostError;
    Some(match error {
        RelayError::Invalid(PostError::Empty) => "Write the message first.".to_owned(),
        RelayError::Invalid(PostError::TooLong) => format!(
            "Keep the message under {} characters.",
            iln_domain::post::BODY_MAX_LEN
        ),
        RelayError::Invalid(PostError::TooManyLinks) => format!(
            "A message may hold at most {} links.",
            iln_domain::post::LINKS_MAX
        ),
        RelayError::Invalid(_) => "The message could not be read.".to_owned(),
        RelayError::NotInDirectory => {
            "Messages go between people in the alumni directory: join it first, and write to someone listed there."
                .to_owned()
        }
        RelayError::Blocked => "This person does not accept messages from you.".to_owned(),
        RelayError::TooMany => format!(
            "You have sent {} messages today, the most a day allows. Try again tomorrow.",
            iln_app::relay::PER_DAY
        ),
        RelayError::NoteTooLong => format!(
            "Keep the note under {} characters.",
            iln_app::relay::REPORT_MAX_LEN
        ),
        RelayError::App(_) => return None,
    })
}

#[derive(Template)]
#[template(path = "relay_write.html")]
struct WritePage {
    nav: Nav,
    to: i64,
    name: String,
    body: String,
    error: Option<String>,
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct BodyForm {
    body: String,
}

async fn listed_name(state: &AppState, user: i64) -> Result<String, WebError> {
    let user = iln_store::UserId(user);
    if state.store().alumni_entry(user).await?.is_none() {
        return Err(WebError::NotFound);
    }
    Ok(state
        .store()
        .user(user)
        .await?
        .ok_or(WebError::NotFound)?
        .display_name
        .to_string())
}

pub async fn write_form(
    State(state): State<AppState>,
    viewer: Viewer,
    CsrfToken(csrf): CsrfToken,
    crate::forms::PathId(id): crate::forms::PathId,
) -> Result<Response, WebError> {
    let name = listed_name(&state, id).await?;
    ok(&WritePage {
        nav: Nav::new(Some(&viewer), &csrf),
        to: id,
        name,
        body: String::new(),
        error: None,
    })
}

pub async fn write(
    State(state): State<AppState>,
    viewer: Viewer,
    CsrfToken(csrf): CsrfToken,
    crate::forms::PathId(id): crate::forms::PathId,
    HtmlForm(form): HtmlForm<BodyForm>,
) -> Result<Response, WebError> {
    let name = listed_name(&state, id).await?;
    let actor = Actor::user(&viewer.user);
    match iln_app::relay::write(state.app(), &actor, iln_store::UserId(id), &form.body).await {
        Ok(_) => {
            state.wake_outbox();
            Ok(Redirect::to("/messages?done=sent").into_response())
        }
        Err(iln_app::relay::RelayError::App(e)) => Err(e.into()),
        Err(error) => page(
            FORM_INVALID,
            &WritePage {
                nav: Nav::new(Some(&viewer), &csrf),
                to: id,
                name,
                body: form.body,
                error: relay_error_words(&error),
            },
        ),
    }
}

pub struct LineView {
    pub id: i64,
    pub received: bool,
    pub other: String,
    pub other_email: Option<String>,
    pub when: String,
    pub excerpt: String,
}

#[derive(Template)]
#[template(path = "relay_inbox.html")]
struct InboxPage {
    nav: Nav,
    notice: Option<&'static str>,
    lines: Vec<LineView>,
}

pub async fn inbox(
    State(state): State<AppState>,
    viewer: Viewer,
    CsrfToken(csrf): CsrfToken,
    RawQuery(query): RawQuery,
) -> Result<Response, WebError> {
    let actor = Actor::user(&viewer.user);
    let zone = viewer.time_zone();
    let lines = iln_app::relay::inbox(state.app(), &actor)
        .await?
        .into_iter()
        .map(|l| LineView {
            id: l.message.id,
            received: l.received,
            other: l.other,
            other_email: l.other_email,
            when: crate::templates::when(l.message.sent_at, &zone),
            excerpt: l.message.body.chars().take(120).collect(),
        })
        .collect();
    let notice = match query_value(query.as_deref(), "done").as_str() {
        "sent" => Some("Your message is on its way."),
        "blocked" => Some("Blocked: nothing more from that person reaches you."),
        "reported" => Some("Thank you: the network's coordinators have the report."),
        _ => None,
    };
    ok(&InboxPage {
        nav: Nav::new(Some(&viewer), &csrf),
        notice,
        lines,
    })
}

#[derive(Template)]
#[template(path = "relay_message.html")]
struct MessagePage {
    nav: Nav,
    id: i64,
    received: bool,
    other: String,
    other_email: Option<String>,
    when: String,
    body: String,
    reply: String,
    note: String,
    error: Option<String>,
}

async fn message_page(
    state: &AppState,
    viewer: &Viewer,
    csrf: &str,
    id: i64,
    reply: String,
    note: String,
    error: Option<String>,
) -> Result<MessagePage, WebError> {
    let actor = Actor::user(&viewer.user);
    let m = iln_app::relay::message(state.app(), &actor, id).await?;
    let received = m.to == viewer.id();
    let other = if received { m.from } else { m.to };
    let user = state.store().user(other).await?.ok_or(WebError::NotFound)?;
    let shown = state.store().relay_replied(viewer.id(), other).await?;
    Ok(MessagePage {
        nav: Nav::new(Some(viewer), csrf),
        id,
        received,
        other: user.display_name.to_string(),
        other_email: shown.then(|| user.email.to_string()),
        when: crate::templates::when(m.sent_at, &viewer.time_zone()),
        body: m.body,
        reply,
        note,
        error,
    })
}

pub async fn show_message(
    State(state): State<AppState>,
    viewer: Viewer,
    CsrfToken(csrf): CsrfToken,
    crate::forms::PathId(id): crate::forms::PathId,
) -> Result<Response, WebError> {
    ok(&message_page(
        &state,
        &viewer,
        &csrf,
        id,
        String::new(),
        String::new(),
        None,
    )
    .await?)
}

pub async fn reply(
    State(state): State<AppState>,
    viewer: Viewer,
    CsrfToken(csrf): CsrfToken,
    crate::forms::PathId(id): crate::forms::PathId,
    HtmlForm(form): HtmlForm<BodyForm>,
) -> Result<Response, WebError> {
    let actor = Actor::user(&viewer.user);
    match iln_app::relay::reply(state.app(), &actor, id, &form.body).await {
        Ok(_) => {
            state.wake_outbox();
            Ok(Redirect::to("/messages?done=sent").into_response())
        }
        Err(iln_app::relay::RelayError::App(e)) => Err(e.into()),
        Err(error) => page(
            FORM_INVALID,
            &message_page(
                &state,
                &viewer,
                &csrf,
                id,
                form.body,
                String::new(),
                relay_error_words(&error),
            )
            .await?,
        ),
    }
}

pub async fn block(
    State(state): State<AppState>,
    viewer: Viewer,
    crate::forms::PathId(id): crate::forms::PathId,
) -> Result<Response, WebError> {
    let actor = Actor::user(&viewer.user);
    match iln_app::relay::block(state.app(), &actor, id).await {
        Ok(()) => Ok(Redirect::to("/messages?done=blocked").into_response()),
        Err(iln_app::relay::RelayError::App(e)) => Err(e.into()),
        Err(other) => Err(WebError::BadRequest(other.to_string())),
    }
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct ReportForm {
    note: String,
}

pub async fn report(
    State(state): State<AppState>,
    viewer: Viewer,
    CsrfToken(csrf): CsrfToken,
    crate::forms::PathId(id): crate::forms::PathId,
    HtmlForm(form): HtmlForm<ReportForm>,
) -> Result<Response, WebError> {
    let actor = Actor::user(&viewer.user);
    match iln_app::relay::report(state.app(), &actor, id, &form.note).await {
        Ok(()) => {
            state.wake_outbox();
            Ok(Redirect::to("/messages?done=reported").into_response())
        }
        Err(iln_app::relay::RelayError::App(e)) => Err(e.into()),
        Err(error) => page(
            FORM_INVALID,
            &message_page(
                &state,
                &viewer,
                &csrf,
                id,
                String::new(),
                form.note,
                relay_error_words(&error),
            )
            .await?,
        ),
    }
}

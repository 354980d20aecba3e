//! People: the list and one person's page, for admins (everyone) and country coordinators
//! (their countries only). A person outside the reader's scope is a 404, exactly like an id
//! that does not exist, so the answer does not even reveal that the person exists.

use axum::extract::{RawQuery, State};
use axum::response::Response;
use iln_domain::application::LanguageCode;
use iln_domain::country::CountryCode;
use iln_domain::timezone::TimeZoneName;
use iln_store::{PeopleScope, Person, PersonId};

use super::ok;
use crate::auth::Viewer;
use crate::error::WebError;
use crate::forms::{PathId, page_number};
use crate::security::CsrfToken;
use crate::state::AppState;
use crate::templates::{Nav, Pager, PeoplePage, PersonPage, PersonView, when};
use crate::words::Label;

const PER_PAGE: i64 = 50;

/// "Swahili" for "sw"; what was stored, when it is not a code we know.
fn language_name(stored: &str) -> String {
    match LanguageCode::parse(stored) {
        Ok(code) => code.name().to_owned(),
        Err(_) => stored.to_owned(),
    }
}

pub fn person_view(person: &Person, zone: &TimeZoneName) -> PersonView {
    PersonView {
        id: person.id.0,
        full_name: person.full_name.clone(),
        email: person.email.to_string(),
        country: person.country.name().to_owned(),
        city: person.city.clone(),
        institution: person.institution.clone(),
        sector: person.sector.label(),
        career_stage: person.career_stage.label(),
        time_zone: person.time_zone.as_str().to_owned(),
        languages: person
            .languages
            .iter()
            .map(|language| language_name(language))
            .collect::<Vec<_>>()
            .join(", "),
        interests: person.interests.join(", "),
        joined: when(person.created_at, zone),
    }
}

pub async fn list(
    State(state): State<AppState>,
    viewer: Viewer,
    CsrfToken(csrf): CsrfToken,
    RawQuery(query): RawQuery,
) -> Result<Response, WebError> {
    let scope = viewer.people_scope()?;
    // The countries the reader may filter by: an admin's are those with people.
    let choices: Vec<CountryCode> = match &scope {
        PeopleScope::All => {
            let mut codes: Vec<CountryCode> = state
                .store()
                .count_people_by_country(&scope)
                .await?
                .into_iter()
                .map(|(code, _)| code)
                .collect();
            codes.sort_by_key(|code| code.name());
            codes
        }
        PeopleScope::Countries(codes) => codes.clone(),
    };
    let chosen = query.as_deref().and_then(|query| {
        form_urlencoded::parse(query.as_bytes())
            .find(|(key, _)| key == "country")
            .and_then(|(_, value)| CountryCode::parse(&value).ok())
    });
    // A filter narrows the reader's scope and can never widen it: a country outside the scope
    // simply shows nobody.
    let (scope, path) = match chosen {
        Some(code) => {
            let allowed = match &scope {
                PeopleScope::All => vec![code],
                PeopleScope::Countries(codes) => {
                    codes.iter().copied().filter(|c| *c == code).collect()
                }
            };
            (
                PeopleScope::Countries(allowed),
                format!("/people?country={}", code.as_str()),
            )
        }
        None => (scope, "/people".to_owned()),
    };
    let total = state.store().count_people(&scope).await?;
    let pager = Pager::new(page_number(query.as_deref()), PER_PAGE, total, path);
    let people = state
        .store()
        .list_people(&scope, PER_PAGE, pager.offset(PER_PAGE))
        .await?;
    let zone = viewer.time_zone();
    let scope_words = match (&scope, chosen) {
        (_, Some(code)) => format!("{total} people in {}.", code.name()),
        (PeopleScope::All, None) => format!("Everyone in the network: {total} people."),
        (PeopleScope::Countries(codes), None) if codes.is_empty() => {
            "No country is assigned to you yet, so there is nobody to show.".to_owned()
        }
        (PeopleScope::Countries(codes), None) => format!(
            "The people of your countries ({}): {total} people.",
            codes
                .iter()
                .map(|code| code.name())
                .collect::<Vec<_>>()
                .join(", ")
        ),
    };
    ok(&PeoplePage {
        nav: Nav::new(Some(&viewer), &csrf),
        scope: scope_words,
        countries: choices
            .iter()
            .map(|code| (code.as_str().to_owned(), code.name().to_owned()))
            .collect(),
        country: chosen
            .map(|code| code.as_str().to_owned())
            .unwrap_or_default(),
        people: people.iter().map(|p| person_view(p, &zone)).collect(),
        pager,
    })
}

pub async fn show(
    State(state): State<AppState>,
    viewer: Viewer,
    CsrfToken(csrf): CsrfToken,
    PathId(id): PathId,
) -> Result<Response, WebError> {
    let scope = viewer.people_scope()?;
    let person = state
        .store()
        .person_in_scope(PersonId(id), &scope)
        .await?
        .ok_or(WebError::NotFound)?;
    ok(&PersonPage {
        nav: Nav::new(Some(&viewer), &csrf),
        person: person_view(&person, &viewer.time_zone()),
    })
}

//! Exports of a round: its applications, its participants and its partnerships, as tables
//! with one header row of stable field names (the names an import maps to) and values as
//! stored codes (country codes, sector ids), so a file can be read back. A country
//! coordinator gets only the rows of their own countries.
//!
//! [`csv`] writes a table as CSV, UTF-8, with every cell a spreadsheet would run (one
//! starting with `=`, `+`, `-`, `@`, a tab or a carriage return) made inert.

use std::collections::BTreeMap;

use iln_store::{ApplicationFilter, PeopleScope, RoundId};

use crate::{Actor, App, AppError};

/// A table to write out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Table {
    pub header: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

/// What can be exported.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum What {
    Applications,
    Participants,
    Partnerships,
}

impl What {
    pub fn parse(input: &str) -> Option<What> {
        match input.trim() {
            "applications" => Some(What::Applications),
            "participants" => Some(What::Participants),
            "partnerships" => Some(What::Partnerships),
            _ => None,
        }
    }
}

fn scope(actor: &Actor) -> Result<PeopleScope, AppError> {
    match actor {
        Actor::User {
            role: iln_domain::account::Role::CountryCoordinator,
            countries,
            ..
        } => Ok(PeopleScope::Countries(countries.clone())),
        other if other.is_admin() => Ok(PeopleScope::All),
        _ => Err(AppError::NotFound),
    }
}

fn header(names: &[&str]) -> Vec<String> {
    names.iter().map(|n| (*n).to_owned()).collect()
}

/// The table of `what` for `round`, in `actor`'s scope.
pub async fn table(
    app: &App,
    actor: &Actor,
    round: RoundId,
    what: What,
) -> Result<Table, AppError> {
    let scope = scope(actor)?;
    let store = app.store();
    store.round(round).await?.ok_or(AppError::NotFound)?;
    let covers = |c: &iln_domain::country::CountryCode| match &scope {
        PeopleScope::All => true,
        PeopleScope::Countries(list) => list.contains(c),
    };
    match what {
        What::Applications => {
            let filter = ApplicationFilter {
                scope: scope.clone(),
                ..ApplicationFilter::all()
            };
            let rows = store
                .applications(round, &filter)
                .await?
                .into_iter()
                .map(|r| {
                    let a = &r.application;
                    vec![
                        a.name.to_string(),
                        a.email.to_string(),
                        a.country.as_str().to_owned(),
                        a.city.clone(),
                        a.time_zone.as_str().to_owned(),
                        a.institution.clone(),
                        a.sector.as_str().to_owned(),
                        a.role.clone(),
                        a.career_stage.as_str().to_owned(),
                        a.interests
                            .iter()
                            .map(|i| i.as_str())
                            .collect::<Vec<_>>()
                            .join("; "),
                        a.languages
                            .iter()
                            .map(|l| l.as_str())
                            .collect::<Vec<_>>()
                            .join("; "),
                        a.communication
                            .iter()
                            .map(|c| c.as_str())
                            .collect::<Vec<_>>()
                            .join("; "),
                        a.preference.as_str().to_owned(),
                        a.goals.clone(),
                        a.offer.clone(),
                        r.status.as_str().to_owned(),
                        r.submitted_at.to_string(),
                        r.duplicate_of.map(|d| d.to_string()).unwrap_or_default(),
                    ]
                })
                .collect();
            Ok(Table {
                header: header(&[
                    "name",
                    "email",
                    "country",
                    "city",
                    "time_zone",
                    "institution",
                    "sector",
                    "role",
                    "career_stage",
                    "interests",
                    "languages",
                    "communication",
                    "match_preference",
                    "goals",
                    "offer",
                    "status",
                    "submitted_at",
                    "duplicate_of",
                ]),
                rows,
            })
        }
        What::Participants => {
            let mut seen = BTreeMap::new();
            for p in store.round_partnerships(round).await? {
                for m in &p.members {
                    if covers(&m.country) {
                        seen.entry(m.user).or_insert_with(|| {
                            vec![
                                m.profile.name.clone(),
                                m.profile.email.clone(),
                                m.country.as_str().to_owned(),
                                m.profile.institution.clone(),
                                m.sector.as_str().to_owned(),
                                p.id.to_string(),
                                if p.is_running() { "running" } else { "ended" }.to_owned(),
                            ]
                        });
                    }
                }
            }
            Ok(Table {
                header: header(&[
                    "name",
                    "email",
                    "country",
                    "institution",
                    "sector",
                    "partnership",
                    "state",
                ]),
                rows: seen.into_values().collect(),
            })
        }
        What::Partnerships => {
            let contacts = store.last_contacts(round).await?;
            let rows = store
                .round_partnerships(round)
                .await?
                .into_iter()
                .filter(|p| p.members.iter().any(|m| covers(&m.country)))
                .map(|p| {
                    // A coordinator sees the members of their countries only.
                    let members: Vec<String> = p
                        .members
                        .iter()
                        .filter(|m| covers(&m.country))
                        .map(|m| format!("{} ({})", m.profile.name, m.country.as_str()))
                        .collect();
                    let countries: Vec<&str> = p
                        .members
                        .iter()
                        .filter(|m| covers(&m.country))
                        .map(|m| m.country.as_str())
                        .collect();
                    vec![
                        p.id.to_string(),
                        members.join("; "),
                        countries.join("; "),
                        p.score.to_string(),
                        p.explanation.clone(),
                        contacts
                            .get(&p.id)
                            .map(|c| c.on.to_string())
                            .unwrap_or_default(),
                        p.ended
                            .as_ref()
                            .map(|e| e.at.to_string())
                            .unwrap_or_default(),
                    ]
                })
                .collect();
            Ok(Table {
                header: header(&[
                    "partnership",
                    "members",
                    "countries",
                    "score",
                    "explanation",
                    "last_contact",
                    "ended_at",
                ]),
                rows,
            })
        }
    }
}

/// One cell as CSV: inert for spreadsheets, quoted when it holds a comma, quote or line break.
pub fn csv_cell(text: &str) -> String {
    let text = if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}")
    } else {
        text.to_owned()
    };
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text
    }
}

/// The table as CSV: a header row, then one line per row, CRLF line ends.
pub fn csv(table: &Table) -> String {
    let mut out = String::new();
    for row in std::iter::once(&table.header).chain(table.rows.iter()) {
        out.push_str(
            &row.iter()
                .map(|c| csv_cell(c))
                .collect::<Vec<_>>()
                .join(","),
        );
        out.push_str("\r\n");
    }
    out
}

//! Exports of a round: its applications, its participants, its partnerships and its survey
//! answers, as tables with one header row of stable field names (the names an import maps
//! to), a kind per column (so XLSX has numbers and dates typed) and values as stored codes
//! (country codes, sector ids), so a file can be read back. A country coordinator gets only
//! the rows of their own countries.
//!
//! The files themselves are written by `iln_sheet` ([`write`]): CSV, UTF-8, or XLSX, with
//! every cell a spreadsheet would run (one starting with `=`, `+`, `-`, `@`, a tab or a
//! carriage return) made inert.

use std::collections::BTreeMap;

use iln_store::{ApplicationFilter, PeopleScope, RoundId};

use crate::{Actor, App, AppError, surveys};

pub use iln_sheet::{Kind, SheetError, Table, csv_cell};

/// What can be exported.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum What {
    Applications,
    Participants,
    Partnerships,
    Surveys,
}

impl What {
    pub const ALL: [What; 4] = [
        What::Applications,
        What::Participants,
        What::Partnerships,
        What::Surveys,
    ];

    pub fn parse(input: &str) -> Option<What> {
        What::ALL.into_iter().find(|w| w.as_str() == input.trim())
    }

    /// The stable id, as typed on the command line and in download addresses.
    pub fn as_str(self) -> &'static str {
        match self {
            What::Applications => "applications",
            What::Participants => "participants",
            What::Partnerships => "partnerships",
            What::Surveys => "surveys",
        }
    }
}

/// A file format an export is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Csv,
    Xlsx,
}

impl Format {
    pub const ALL: [Format; 2] = [Format::Csv, Format::Xlsx];

    pub fn parse(input: &str) -> Option<Format> {
        match input.trim().to_ascii_lowercase().as_str() {
            "csv" => Some(Format::Csv),
            "xlsx" => Some(Format::Xlsx),
            _ => None,
        }
    }

    /// The file name extension, which is also the id.
    pub fn extension(self) -> &'static str {
        match self {
            Format::Csv => "csv",
            Format::Xlsx => "xlsx",
        }
    }

    pub fn content_type(self) -> &'static str {
        match self {
            Format::Csv => "text/csv; charset=utf-8",
            Format::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        }
    }
}

/// `table` as the bytes of a file in `format`; an XLSX file's sheet is named `sheet`.
pub fn write(table: &Table, format: Format, sheet: &str) -> Result<Vec<u8>, SheetError> {
    match format {
        Format::Csv => Ok(iln_sheet::write_csv(table).into_bytes()),
        Format::Xlsx => iln_sheet::write_xlsx(table, sheet),
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

/// A table of `columns` (name and kind) and `rows`.
fn table_of(columns: &[(&str, Kind)], rows: Vec<Vec<String>>) -> Table {
    Table {
        header: columns.iter().map(|(n, _)| (*n).to_owned()).collect(),
        kinds: columns.iter().map(|(_, k)| *k).collect(),
        rows,
    }
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
            Ok(table_of(
                &[
                    ("name", Kind::Text),
                    ("email", Kind::Text),
                    ("country", Kind::Text),
                    ("city", Kind::Text),
                    ("time_zone", Kind::Text),
                    ("institution", Kind::Text),
                    ("sector", Kind::Text),
                    ("role", Kind::Text),
                    ("career_stage", Kind::Text),
                    ("interests", Kind::Text),
                    ("languages", Kind::Text),
                    ("communication", Kind::Text),
                    ("match_preference", Kind::Text),
                    ("goals", Kind::Text),
                    ("offer", Kind::Text),
                    ("status", Kind::Text),
                    ("submitted_at", Kind::DateTime),
                    ("duplicate_of", Kind::Integer),
                ],
                rows,
            ))
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
            Ok(table_of(
                &[
                    ("name", Kind::Text),
                    ("email", Kind::Text),
                    ("country", Kind::Text),
                    ("institution", Kind::Text),
                    ("sector", Kind::Text),
                    ("partnership", Kind::Integer),
                    ("state", Kind::Text),
                ],
                seen.into_values().collect(),
            ))
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
            Ok(table_of(
                &[
                    ("partnership", Kind::Integer),
                    ("members", Kind::Text),
                    ("countries", Kind::Text),
                    ("score", Kind::Integer),
                    ("explanation", Kind::Text),
                    ("last_contact", Kind::Date),
                    ("ended_at", Kind::DateTime),
                ],
                rows,
            ))
        }
        What::Surveys => survey_table(app, actor, round).await,
    }
}

/// Every answer to the round's surveys in `actor`'s scope, one row per response and
/// question: a shape that holds surveys of different questions in one sheet and that a
/// pivot table or filter turns into any view. Ratings have their own number column; the
/// person is named only where the survey page would name them (admins, surveys that are
/// not anonymous); free text the results page hides stays out.
async fn survey_table(app: &App, actor: &Actor, round: RoundId) -> Result<Table, AppError> {
    let mut rows = Vec::new();
    for record in app.store().round_surveys(round).await? {
        let answers = surveys::answers(app, actor, record.id).await?;
        let survey = &answers.survey.survey;
        for response in &answers.rows {
            for (question, answer) in survey.questions.iter().zip(&response.answers) {
                let Some(answer) = answer else { continue };
                let rating = match answer {
                    iln_domain::survey::AnswerValue::Rating(p) => p.to_string(),
                    _ => String::new(),
                };
                let text = match answer {
                    iln_domain::survey::AnswerValue::Rating(_) => String::new(),
                    other => surveys::answer_text(other),
                };
                rows.push(vec![
                    record.id.0.to_string(),
                    survey.title.clone(),
                    question.key.as_str().to_owned(),
                    question.prompt.clone(),
                    response.country.as_str().to_owned(),
                    response.person.clone().unwrap_or_default(),
                    rating,
                    text,
                    response.submitted_at.to_string(),
                ]);
            }
        }
    }
    Ok(table_of(
        &[
            ("survey", Kind::Integer),
            ("survey_title", Kind::Text),
            ("question", Kind::Text),
            ("prompt", Kind::Text),
            ("country", Kind::Text),
            ("person", Kind::Text),
            ("rating", Kind::Integer),
            ("answer", Kind::Text),
            ("submitted_at", Kind::DateTime),
        ],
        rows,
    ))
}

/// The table as CSV: a header row, then one line per row, CRLF line ends, cells a
/// spreadsheet would run made inert.
pub fn csv(table: &Table) -> String {
    iln_sheet::write_csv(table)
}

//! Reading applications from someone else's spreadsheet: a Google Forms export, a partner
//! organisation's list, an earlier round kept in Sheets. Three steps, all pure:
//!
//! 1. [`suggest`] maps each of our [`Field`]s to a column of the file, from the headers;
//!    the admin confirms or changes the [`Mapping`].
//! 2. [`read_rows`] turns every row into an [`ApplicationForm`] with the mapping's value
//!    translations, and lists each distinct text it could not recognise
//!    ([`Unknown`]) once, for the admin to map to one of our values.
//! 3. [`preview`] parses each form exactly as the application form would, and adds the
//!    problems only a whole file has: the same email twice, or an email that already
//!    applied to the round. Every problem names its line and field.
//!
//! Nothing here writes; the application layer commits a clean preview in one transaction.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use crate::account::Email;
use crate::application::{
    Application, ApplicationField, ApplicationForm, CommunicationWay, InterestCatalogue,
    LanguageCode, MatchPreference,
};
use crate::country::CountryCode;
use crate::profile::{CareerStage, Sector};
use crate::timezone::TimeZoneName;

/// One of our fields a column of the file can fill.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Debug, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Field {
    Name,
    Email,
    Country,
    City,
    TimeZone,
    Institution,
    Sector,
    Role,
    CareerStage,
    Interests,
    Languages,
    Communication,
    MatchPreference,
    Goals,
    Offer,
    PreviousPartners,
}

impl Field {
    /// In the order of our own application form.
    pub const ALL: [Field; 16] = [
        Field::Name,
        Field::Email,
        Field::Country,
        Field::City,
        Field::TimeZone,
        Field::Institution,
        Field::Sector,
        Field::Role,
        Field::CareerStage,
        Field::Interests,
        Field::Languages,
        Field::Communication,
        Field::MatchPreference,
        Field::Goals,
        Field::Offer,
        Field::PreviousPartners,
    ];

    /// The key in a mapping file and the header of our own exports, so an export maps onto
    /// itself.
    pub fn as_str(self) -> &'static str {
        match self {
            Field::Name => "name",
            Field::Email => "email",
            Field::Country => "country",
            Field::City => "city",
            Field::TimeZone => "time_zone",
            Field::Institution => "institution",
            Field::Sector => "sector",
            Field::Role => "role",
            Field::CareerStage => "career_stage",
            Field::Interests => "interests",
            Field::Languages => "languages",
            Field::Communication => "communication",
            Field::MatchPreference => "match_preference",
            Field::Goals => "goals",
            Field::Offer => "offer",
            Field::PreviousPartners => "previous_partners",
        }
    }

    pub fn parse(input: &str) -> Option<Field> {
        let wanted = words(input).join("_");
        Field::ALL.into_iter().find(|f| f.as_str() == wanted)
    }

    /// Whether the application cannot be made without it. The time zone may be left for
    /// the country's usual one; the rest of the optional fields may be empty.
    pub fn required(self) -> bool {
        matches!(
            self,
            Field::Name
                | Field::Email
                | Field::Country
                | Field::City
                | Field::Institution
                | Field::Sector
                | Field::Role
                | Field::CareerStage
                | Field::Languages
                | Field::Communication
                | Field::MatchPreference
                | Field::Goals
        )
    }

    /// Whether a cell may hold several values, as checkbox answers joined by ", ".
    pub fn is_list(self) -> bool {
        matches!(
            self,
            Field::Interests | Field::Languages | Field::Communication | Field::PreviousPartners
        )
    }

    /// Whether the field takes one of a fixed set of values, so an unknown text can be
    /// mapped to one of ours.
    pub fn is_choice(self) -> bool {
        matches!(
            self,
            Field::Country
                | Field::TimeZone
                | Field::Sector
                | Field::CareerStage
                | Field::Interests
                | Field::Languages
                | Field::Communication
                | Field::MatchPreference
        )
    }

    /// What headers name this field in the forms people make: ours first, then Google
    /// Forms questions and spreadsheet habits. Compared as lower-case words.
    fn synonyms(self) -> &'static [&'static str] {
        match self {
            Field::Name => &[
                "name",
                "full name",
                "your name",
                "first and last name",
                "applicant",
                "participant",
            ],
            Field::Email => &["email", "e mail", "email address", "mail", "your email"],
            Field::Country => &[
                "country",
                "country of residence",
                "country you work in",
                "which country",
                "nation",
            ],
            Field::City => &["city", "town", "city or town", "location"],
            Field::TimeZone => &["time zone", "timezone", "tz"],
            Field::Institution => &[
                "institution",
                "organisation",
                "organization",
                "employer",
                "workplace",
                "library name",
                "where do you work",
            ],
            Field::Sector => &[
                "sector",
                "library sector",
                "type of library",
                "library type",
                "kind of library",
            ],
            Field::Role => &["role", "job title", "position", "current role", "job"],
            Field::CareerStage => &[
                "career stage",
                "experience",
                "years of experience",
                "years in the profession",
                "how long have you worked",
                "career",
            ],
            Field::Interests => &[
                "interests",
                "areas of interest",
                "professional interests",
                "topics",
                "interest",
            ],
            Field::Languages => &[
                "languages",
                "language",
                "languages you speak",
                "spoken languages",
            ],
            Field::Communication => &[
                "communication",
                "ways to communicate",
                "how would you like to communicate",
                "contact methods",
                "communicate",
            ],
            Field::MatchPreference => &[
                "match preference",
                "matching preference",
                "who would you like to be matched with",
                "preference",
                "matched",
            ],
            Field::Goals => &[
                "goals",
                "what do you hope to gain",
                "hopes",
                "what would you like to get",
                "why",
            ],
            Field::Offer => &[
                "offer",
                "what can you offer",
                "what could you share",
                "share",
            ],
            Field::PreviousPartners => &[
                "previous partners",
                "previous partner",
                "past partners",
                "previous partners emails",
                "previous iln partners",
                "past iln partners",
                "former partners",
            ],
        }
    }
}

/// The value a text is mapped to: one of ours, by its code, or "other".
pub const OTHER: &str = "other";

/// Which columns fill which fields, what to do with the columns left over, and how texts
/// the recogniser does not know translate into our values. Columns are named by header,
/// so a mapping saved from one round's file fits the next round's file.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Mapping {
    /// Our field → the file's header.
    pub columns: BTreeMap<Field, String>,
    /// Whether the columns no field uses are kept, as a note on each application.
    pub keep_others_as_notes: bool,
    /// Per field, the file's text (compared as lower-case words) → our value or [`OTHER`].
    pub values: BTreeMap<Field, BTreeMap<String, String>>,
}

impl Mapping {
    /// The file's text as a key of [`Mapping::values`].
    pub fn value_key(text: &str) -> String {
        words(text).join(" ")
    }

    fn translated(&self, field: Field, text: &str) -> Option<&str> {
        self.values
            .get(&field)
            .and_then(|m| m.get(&Mapping::value_key(text)))
            .map(String::as_str)
    }

    /// The column index of each mapped field, for a header row. A mapped header the file
    /// lacks is left out (and reported by [`missing_headers`](Mapping::missing_headers)).
    fn indices(&self, header: &[String]) -> BTreeMap<Field, usize> {
        self.columns
            .iter()
            .filter_map(|(field, name)| {
                let wanted = Mapping::value_key(name);
                header
                    .iter()
                    .position(|h| Mapping::value_key(h) == wanted)
                    .map(|i| (*field, i))
            })
            .collect()
    }

    /// The headers this mapping names that `header` does not have.
    pub fn missing_headers(&self, header: &[String]) -> Vec<(Field, String)> {
        let found = self.indices(header);
        self.columns
            .iter()
            .filter(|(f, _)| !found.contains_key(f))
            .map(|(f, h)| (*f, h.clone()))
            .collect()
    }
}

/// The lower-case words of a text, for comparing headers and values loosely: "E-mail
/// address:" and "email address" are both `email address`... after "e mail" is accepted.
fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric() && c != '+')
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

/// Whether `needle`'s words occur in `haystack`'s, in order and next to each other.
fn contains_words(haystack: &[String], needle: &[String]) -> bool {
    !needle.is_empty() && haystack.windows(needle.len()).any(|w| w == needle)
}

/// A first mapping for a file with this header: each field takes the column whose header
/// is one of its synonyms, or else contains the longest of them; no column fills two
/// fields. Columns like `Timestamp` match nothing and are left over.
pub fn suggest(header: &[String]) -> Mapping {
    let heads: Vec<Vec<String>> = header.iter().map(|h| words(h)).collect();
    // (how well, field, column): an exact header beats any partial one; a longer synonym
    // found inside a header beats a shorter one.
    let mut candidates: Vec<(usize, Field, usize)> = Vec::new();
    for field in Field::ALL {
        for (column, head) in heads.iter().enumerate() {
            let best = field
                .synonyms()
                .iter()
                .map(|s| words(s))
                .filter_map(|s| {
                    if *head == s {
                        Some(1000 + s.len())
                    } else if contains_words(head, &s) {
                        Some(s.iter().map(String::len).sum::<usize>())
                    } else {
                        None
                    }
                })
                .max();
            if let Some(score) = best {
                candidates.push((score, field, column));
            }
        }
    }
    // Best first; ties go to the earlier field and column, so the result is stable.
    candidates.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)).then(a.2.cmp(&b.2)));
    let mut mapping = Mapping {
        keep_others_as_notes: true,
        ..Mapping::default()
    };
    let mut used = BTreeSet::new();
    for (_, field, column) in candidates {
        if mapping.columns.contains_key(&field) || used.contains(&column) {
            continue;
        }
        used.insert(column);
        mapping.columns.insert(field, header[column].clone());
    }
    mapping
}

/// A text in the file the recogniser does not know, once per field and distinct text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unknown {
    pub field: Field,
    /// As first written in the file.
    pub text: String,
    /// The lines it occurs on, in order.
    pub lines: Vec<u64>,
}

/// What is wrong with one row.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ProblemKind {
    /// A required field is empty (or not mapped to any column).
    Missing,
    /// A choice the recogniser does not know and the mapping does not translate.
    Unknown { text: String },
    /// The application form's own check refused the value.
    Invalid { message: String },
    /// The same email address on an earlier line of the file.
    DuplicateInFile { first_line: u64 },
    /// Someone with this email address has applied to the round already.
    AlreadyApplied,
}

impl std::fmt::Display for ProblemKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ProblemKind::Missing => f.write_str("is empty, and an application needs it"),
            ProblemKind::Unknown { text } => {
                write!(f, "{text:?} is not a value we know; map it to one of ours")
            }
            ProblemKind::Invalid { message } => f.write_str(message),
            ProblemKind::DuplicateInFile { first_line } => {
                write!(f, "the same email address is on line {first_line}")
            }
            ProblemKind::AlreadyApplied => {
                f.write_str("someone with this email address has applied to the round already")
            }
        }
    }
}

/// One problem, on a line and (mostly) a field.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    pub line: u64,
    pub field: Option<Field>,
    pub kind: ProblemKind,
}

/// One row as read: the form it makes, the notes from left-over columns, its previous
/// partners' emails, and what is wrong with it.
#[derive(Clone, Debug)]
pub struct ReadRow {
    pub line: u64,
    pub form: ApplicationForm,
    /// "Header: value" for each non-empty column no field uses, when the mapping keeps them.
    pub notes: Vec<String>,
    pub previous_partners: Vec<Email>,
    pub problems: Vec<Problem>,
}

/// A row of the file: its line and its cells, in header order.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RawRow {
    pub line: u64,
    pub cells: Vec<String>,
}

/// Checkbox answers in one cell: split at commas and semicolons, then pieces put back
/// together where the joined text is a value we know, so a label with a comma in it
/// ("Reference, research and instruction") is not cut in two.
fn split_choices(cell: &str, known: impl Fn(&str) -> bool) -> Vec<String> {
    let pieces: Vec<&str> = cell
        .split([',', ';', '\n'])
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < pieces.len() {
        let mut taken = 1;
        for end in (i + 2..=pieces.len()).rev() {
            if known(&pieces[i..end].join(", ")) {
                taken = end - i;
                break;
            }
        }
        out.push(pieces[i..i + taken].join(", "));
        i += taken;
    }
    out
}

/// Our value for one choice text, without the mapping's translations: `None` when the
/// recogniser does not know it.
fn recognise(field: Field, text: &str, catalogue: &InterestCatalogue) -> Option<String> {
    match field {
        Field::Country => CountryCode::parse(text).ok().map(|c| c.as_str().to_owned()),
        Field::TimeZone => TimeZoneName::parse(text)
            .ok()
            .map(|z| z.as_str().to_owned()),
        Field::Sector => Sector::parse(text).ok().map(|s| s.as_str().to_owned()),
        Field::CareerStage => CareerStage::parse(text).ok().map(|s| s.as_str().to_owned()),
        Field::MatchPreference => MatchPreference::parse(text)
            .ok()
            .map(|p| p.as_str().to_owned()),
        Field::Communication => CommunicationWay::parse(text)
            .ok()
            .map(|c| c.as_str().to_owned()),
        Field::Languages => LanguageCode::parse(text)
            .ok()
            .map(|l| l.as_str().to_owned()),
        Field::Interests => catalogue.pick(text).ok().map(|i| i.as_str().to_owned()),
        _ => Some(text.to_owned()),
    }
}

/// Whether `value` is one of ours for `field` (or [`OTHER`] where the field allows it):
/// what a translation in a mapping may name.
pub fn is_value(field: Field, value: &str, catalogue: &InterestCatalogue) -> bool {
    (value == OTHER && other_allowed(field)) || recognise(field, value, catalogue).is_some()
}

/// Whether "other" is a choice for unknown texts of `field`: a sector has an "other"; an
/// interest that is not in the catalogue goes to the free "other interests" text; a
/// language, a time zone or a way to communicate mapped to "other" is left out. A country,
/// career stage or match preference must be one of ours.
pub fn other_allowed(field: Field) -> bool {
    matches!(
        field,
        Field::Sector
            | Field::Interests
            | Field::Languages
            | Field::Communication
            | Field::TimeZone
    )
}

/// Reads every row with the mapping: the forms, and each unknown text once. Values are
/// recognised case-insensitively from our codes, the labels on our own form and common
/// variants ("15+ years", "USA", ISO names); the mapping's translations come first.
pub fn read_rows(
    header: &[String],
    rows: &[RawRow],
    mapping: &Mapping,
    catalogue: &InterestCatalogue,
) -> (Vec<ReadRow>, Vec<Unknown>) {
    let indices = mapping.indices(header);
    let used: BTreeSet<usize> = indices.values().copied().collect();
    let mut unknown: BTreeMap<(Field, String), Unknown> = BTreeMap::new();
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        let cell = |field: Field| -> &str {
            indices
                .get(&field)
                .and_then(|i| row.cells.get(*i))
                .map_or("", |c| c.trim())
        };
        let mut problems = Vec::new();
        let mut form = ApplicationForm {
            name: cell(Field::Name).to_owned(),
            email: cell(Field::Email).to_owned(),
            city: cell(Field::City).to_owned(),
            institution: cell(Field::Institution).to_owned(),
            role: cell(Field::Role).to_owned(),
            goals: cell(Field::Goals).to_owned(),
            offer: cell(Field::Offer).to_owned(),
            // The applicants agreed on the form they filled in; the invitation shows them
            // the commitments again before they take part.
            consent: "on".to_owned(),
            ..ApplicationForm::default()
        };
        let mut other_interests: Vec<String> = Vec::new();
        for field in Field::ALL.into_iter().filter(|f| f.is_choice()) {
            let text = cell(field);
            let texts = if field.is_list() {
                split_choices(text, |t| {
                    mapping.translated(field, t).is_some()
                        || recognise(field, t, catalogue).is_some()
                })
            } else if text.is_empty() {
                Vec::new()
            } else {
                vec![text.to_owned()]
            };
            let mut values = Vec::new();
            for text in texts {
                let value = match mapping.translated(field, &text) {
                    Some(v) => Some(v.to_owned()),
                    None => recognise(field, &text, catalogue),
                };
                match value {
                    Some(v) if v == OTHER => {
                        if field == Field::Interests {
                            other_interests.push(text);
                        } else if field == Field::Sector {
                            values.push(v);
                        }
                    }
                    Some(v) => values.push(v),
                    None => {
                        let key = (field, Mapping::value_key(&text));
                        unknown
                            .entry(key)
                            .or_insert_with(|| Unknown {
                                field,
                                text: text.clone(),
                                lines: Vec::new(),
                            })
                            .lines
                            .push(row.line);
                        problems.push(Problem {
                            line: row.line,
                            field: Some(field),
                            kind: ProblemKind::Unknown { text },
                        });
                    }
                }
            }
            let single = values.first().cloned().unwrap_or_default();
            match field {
                Field::Country => form.country = single,
                Field::TimeZone => form.time_zone = single,
                Field::Sector => form.sector = single,
                Field::CareerStage => form.career_stage = single,
                Field::MatchPreference => form.match_preference = single,
                Field::Interests => form.interests = values,
                Field::Languages => form.languages = values,
                Field::Communication => form.communication = values,
                _ => {}
            }
        }
        form.other_interests = other_interests.join(", ");
        let mut previous_partners = Vec::new();
        for text in split_choices(cell(Field::PreviousPartners), |_| false) {
            match Email::parse(&text) {
                Ok(email) => previous_partners.push(email),
                Err(error) => problems.push(Problem {
                    line: row.line,
                    field: Some(Field::PreviousPartners),
                    kind: ProblemKind::Invalid {
                        message: format!("{text:?}: {error}"),
                    },
                }),
            }
        }
        let notes = if mapping.keep_others_as_notes {
            header
                .iter()
                .enumerate()
                .filter(|(i, _)| !used.contains(i))
                .filter_map(|(i, h)| {
                    let value = row.cells.get(i).map_or("", |c| c.trim());
                    (!value.is_empty()).then(|| format!("{}: {value}", h.trim()))
                })
                .collect()
        } else {
            Vec::new()
        };
        out.push(ReadRow {
            line: row.line,
            form,
            notes,
            previous_partners,
            problems,
        });
    }
    let mut unknown: Vec<Unknown> = unknown.into_values().collect();
    unknown.sort_by(|a, b| a.field.cmp(&b.field).then(a.lines.cmp(&b.lines)));
    (out, unknown)
}

/// One row of the preview: what it will become, or what stops it.
#[derive(Clone, Debug)]
pub struct PreviewRow {
    pub line: u64,
    pub form: ApplicationForm,
    /// The application when every field is right.
    pub application: Option<Application>,
    pub notes: Vec<String>,
    pub previous_partners: Vec<Email>,
    pub problems: Vec<Problem>,
}

/// The whole file checked: every row, the unknown texts, and the mapped headers the file
/// lacks.
#[derive(Clone, Debug)]
pub struct Preview {
    pub rows: Vec<PreviewRow>,
    pub unknown: Vec<Unknown>,
    pub missing_headers: Vec<(Field, String)>,
}

impl Preview {
    /// The rows with at least one problem.
    pub fn rows_with_problems(&self) -> impl Iterator<Item = &PreviewRow> {
        self.rows.iter().filter(|r| !r.problems.is_empty())
    }

    /// The rows to commit: every row not excluded, or `Err` with the lines of those still
    /// wrong. A commit is all or nothing.
    pub fn ready(&self, excluded: &BTreeSet<u64>) -> Result<Vec<&PreviewRow>, Vec<u64>> {
        let kept: Vec<&PreviewRow> = self
            .rows
            .iter()
            .filter(|r| !excluded.contains(&r.line))
            .collect();
        let wrong: Vec<u64> = kept
            .iter()
            .filter(|r| !r.problems.is_empty() || r.application.is_none())
            .map(|r| r.line)
            .collect();
        if wrong.is_empty() {
            Ok(kept)
        } else {
            Err(wrong)
        }
    }
}

fn field_of(field: ApplicationField) -> Option<Field> {
    Some(match field {
        ApplicationField::Name => Field::Name,
        ApplicationField::Email => Field::Email,
        ApplicationField::Country => Field::Country,
        ApplicationField::City => Field::City,
        ApplicationField::TimeZone => Field::TimeZone,
        ApplicationField::Institution => Field::Institution,
        ApplicationField::Sector => Field::Sector,
        ApplicationField::Role => Field::Role,
        ApplicationField::CareerStage => Field::CareerStage,
        ApplicationField::Interests | ApplicationField::OtherInterests => Field::Interests,
        ApplicationField::Languages => Field::Languages,
        ApplicationField::Communication => Field::Communication,
        ApplicationField::MatchPreference => Field::MatchPreference,
        ApplicationField::Goals => Field::Goals,
        ApplicationField::Offer => Field::Offer,
        ApplicationField::Consent => return None,
    })
}

/// Checks every row as the application form would, plus what only a whole file shows:
/// an email on two lines, or one that has applied to the round already
/// (`already_applied` holds those emails, lower-case).
pub fn preview(
    header: &[String],
    rows: &[RawRow],
    mapping: &Mapping,
    catalogue: &InterestCatalogue,
    already_applied: &BTreeSet<String>,
) -> Preview {
    let (read, unknown) = read_rows(header, rows, mapping, catalogue);
    let mut first_line: BTreeMap<String, u64> = BTreeMap::new();
    let mut out = Vec::with_capacity(read.len());
    for row in read {
        let ReadRow {
            line,
            form,
            notes,
            previous_partners,
            mut problems,
        } = row;
        // A value already reported as unknown is not reported again as missing or invalid.
        let reported: BTreeSet<Field> = problems.iter().filter_map(|p| p.field).collect();
        for field in Field::ALL.into_iter().filter(|f| f.required()) {
            if !reported.contains(&field) && is_empty(&form, field) {
                problems.push(Problem {
                    line,
                    field: Some(field),
                    kind: ProblemKind::Missing,
                });
            }
        }
        let missing: BTreeSet<Field> = problems.iter().filter_map(|p| p.field).collect();
        let application = match Application::parse(&form, catalogue) {
            Ok(application) => Some(application),
            Err(errors) => {
                for error in errors {
                    let field = field_of(error.field);
                    if field.is_some_and(|f| missing.contains(&f)) {
                        continue;
                    }
                    problems.push(Problem {
                        line,
                        field,
                        kind: ProblemKind::Invalid {
                            message: error.message,
                        },
                    });
                }
                None
            }
        };
        if let Some(email) = application
            .as_ref()
            .map(|a| a.email.as_str().to_lowercase())
        {
            if let Some(first) = first_line.get(&email) {
                problems.push(Problem {
                    line,
                    field: Some(Field::Email),
                    kind: ProblemKind::DuplicateInFile { first_line: *first },
                });
            } else {
                first_line.insert(email.clone(), line);
            }
            if already_applied.contains(&email) {
                problems.push(Problem {
                    line,
                    field: Some(Field::Email),
                    kind: ProblemKind::AlreadyApplied,
                });
            }
        }
        out.push(PreviewRow {
            line,
            form,
            application,
            notes,
            previous_partners,
            problems,
        });
    }
    Preview {
        rows: out,
        unknown,
        missing_headers: mapping.missing_headers(header),
    }
}

fn is_empty(form: &ApplicationForm, field: Field) -> bool {
    match field {
        Field::Name => form.name.trim().is_empty(),
        Field::Email => form.email.trim().is_empty(),
        Field::Country => form.country.trim().is_empty(),
        Field::City => form.city.trim().is_empty(),
        Field::TimeZone => form.time_zone.trim().is_empty(),
        Field::Institution => form.institution.trim().is_empty(),
        Field::Sector => form.sector.trim().is_empty(),
        Field::Role => form.role.trim().is_empty(),
        Field::CareerStage => form.career_stage.trim().is_empty(),
        Field::Interests => form.interests.is_empty(),
        Field::Languages => form.languages.is_empty(),
        Field::Communication => form.communication.is_empty(),
        Field::MatchPreference => form.match_preference.trim().is_empty(),
        Field::Goals => form.goals.trim().is_empty(),
        Field::Offer => form.offer.trim().is_empty(),
        Field::PreviousPartners => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header(names: &[&str]) -> Vec<String> {
        names.iter().map(|s| (*s).to_owned()).collect()
    }

    fn row(line: u64, cells: &[&str]) -> RawRow {
        RawRow {
            line,
            cells: cells.iter().map(|s| (*s).to_owned()).collect(),
        }
    }

    const FORMS_HEADER: [&str; 15] = [
        "Timestamp",
        "Email Address",
        "Your name",
        "Which country do you work in?",
        "City or town",
        "Institution / organisation",
        "Type of library",
        "Job title",
        "Years of experience",
        "Areas of interest",
        "Languages you speak",
        "How would you like to communicate?",
        "Who would you like to be matched with?",
        "Previous partners (emails)",
        "What do you hope to gain from the program?",
    ];

    #[test]
    fn a_google_forms_header_maps_every_question_and_leaves_the_timestamp() {
        let mapping = suggest(&header(&FORMS_HEADER));
        let get = |f: Field| mapping.columns.get(&f).map(String::as_str);
        assert_eq!(get(Field::Email), Some("Email Address"));
        assert_eq!(get(Field::Name), Some("Your name"));
        assert_eq!(get(Field::Country), Some("Which country do you work in?"));
        assert_eq!(get(Field::City), Some("City or town"));
        assert_eq!(get(Field::Institution), Some("Institution / organisation"));
        assert_eq!(get(Field::Sector), Some("Type of library"));
        assert_eq!(get(Field::Role), Some("Job title"));
        assert_eq!(get(Field::CareerStage), Some("Years of experience"));
        assert_eq!(get(Field::Interests), Some("Areas of interest"));
        assert_eq!(get(Field::Languages), Some("Languages you speak"));
        assert_eq!(
            get(Field::Communication),
            Some("How would you like to communicate?")
        );
        assert_eq!(
            get(Field::MatchPreference),
            Some("Who would you like to be matched with?")
        );
        assert_eq!(
            get(Field::PreviousPartners),
            Some("Previous partners (emails)")
        );
        assert_eq!(
            get(Field::Goals),
            Some("What do you hope to gain from the program?")
        );
        assert!(!mapping.columns.values().any(|h| h == "Timestamp"));
    }

    #[test]
    fn our_own_export_header_maps_onto_itself() {
        let names: Vec<&str> = Field::ALL.iter().map(|f| f.as_str()).collect();
        let mapping = suggest(&header(&names));
        for field in Field::ALL {
            assert_eq!(
                mapping.columns.get(&field).map(String::as_str),
                Some(field.as_str())
            );
        }
    }

    fn forms_row(line: u64, email: &str, country: &str, stage: &str) -> RawRow {
        row(
            line,
            &[
                "2016/02/01 10:00:00",
                email,
                "Ana Lima",
                country,
                "Recife",
                "Universidade Federal",
                "Academic library",
                "Librarian",
                stage,
                "Open access, Social media",
                "Portuguese, English",
                "Email, Video calls",
                "Open to any",
                "",
                "To learn how other libraries run open access",
            ],
        )
    }

    fn check(rows: &[RawRow], mapping: &Mapping) -> Preview {
        preview(
            &header(&FORMS_HEADER),
            rows,
            mapping,
            &InterestCatalogue::default_topics(),
            &BTreeSet::new(),
        )
    }

    #[test]
    fn common_variants_are_recognised_in_any_case() {
        let mapping = suggest(&header(&FORMS_HEADER));
        for (country, code) in [
            ("USA", "US"),
            ("United States of America", "US"),
            ("uk", "GB"),
            ("United Kingdom of Great Britain and Northern Ireland", "GB"),
            ("Bolivia (Plurinational State of)", "BO"),
            ("Korea, Republic of", "KR"),
            ("Tanzania, United Republic of", "TZ"),
            ("brazil", "BR"),
            ("BR", "BR"),
        ] {
            for (stage, id) in [
                ("0-5 years", "early"),
                ("5-15 years", "mid"),
                ("15+ years", "senior"),
                ("More than 15 years", "senior"),
                ("STUDENT", "student"),
            ] {
                let p = check(&[forms_row(2, "ana@example.org", country, stage)], &mapping);
                let r = &p.rows[0];
                assert!(r.problems.is_empty(), "{country} {stage}: {:?}", r.problems);
                let a = r.application.as_ref().expect("parsed");
                assert_eq!(a.country.as_str(), code);
                assert_eq!(a.career_stage.as_str(), id);
                assert_eq!(a.sector, Sector::Academic);
                assert_eq!(a.preference, MatchPreference::Any);
                assert_eq!(a.languages.len(), 2);
                assert_eq!(a.communication.len(), 2);
                assert_eq!(a.interests.len(), 2);
            }
        }
    }

    #[test]
    fn an_unknown_value_is_listed_once_and_a_translation_fixes_every_row() {
        let mut mapping = suggest(&header(&FORMS_HEADER));
        let rows = [
            forms_row(2, "a@example.org", "Brasil", "Over 15 yrs"),
            forms_row(3, "b@example.org", "Brasil", "over 15 YRS"),
        ];
        let p = check(&rows, &mapping);
        assert_eq!(p.unknown.len(), 2, "{:?}", p.unknown);
        let brasil = p
            .unknown
            .iter()
            .find(|u| u.field == Field::Country)
            .expect("country");
        assert_eq!(brasil.lines, vec![2, 3]);
        assert!(p.ready(&BTreeSet::new()).is_err());
        mapping
            .values
            .entry(Field::Country)
            .or_default()
            .insert(Mapping::value_key("brasil"), "BR".to_owned());
        mapping
            .values
            .entry(Field::CareerStage)
            .or_default()
            .insert(Mapping::value_key("Over 15 yrs"), "senior".to_owned());
        let p = check(&rows, &mapping);
        assert!(p.unknown.is_empty());
        assert_eq!(p.ready(&BTreeSet::new()).map(|r| r.len()), Ok(2));
    }

    #[test]
    fn an_interest_mapped_to_other_goes_to_the_free_text() {
        let mut mapping = suggest(&header(&FORMS_HEADER));
        let mut r = forms_row(2, "a@example.org", "Brazil", "0-5 years");
        r.cells[9] = "Open access, Zines".to_owned();
        let p = check(std::slice::from_ref(&r), &mapping);
        assert_eq!(p.unknown[0].text, "Zines");
        mapping
            .values
            .entry(Field::Interests)
            .or_default()
            .insert("zines".to_owned(), OTHER.to_owned());
        let p = check(&[r], &mapping);
        let a = p.rows[0].application.as_ref().expect("parsed");
        assert_eq!(a.other_interests, "Zines");
        assert_eq!(a.interests.len(), 1);
    }

    #[test]
    fn problems_name_the_line_and_the_field() {
        let mapping = suggest(&header(&FORMS_HEADER));
        let mut bad = forms_row(4, "not an email", "Brazil", "0-5 years");
        bad.cells[4] = String::new();
        let rows = [
            forms_row(2, "a@example.org", "Brazil", "0-5 years"),
            forms_row(3, "A@example.org", "Brazil", "0-5 years"),
            bad,
        ];
        let p = preview(
            &header(&FORMS_HEADER),
            &rows,
            &mapping,
            &InterestCatalogue::default_topics(),
            &BTreeSet::from(["a@example.org".to_owned()]),
        );
        let of = |line: u64| -> Vec<(Option<Field>, ProblemKind)> {
            p.rows
                .iter()
                .find(|r| r.line == line)
                .map(|r| {
                    r.problems
                        .iter()
                        .map(|x| (x.field, x.kind.clone()))
                        .collect()
                })
                .unwrap_or_default()
        };
        assert_eq!(
            of(2),
            vec![(Some(Field::Email), ProblemKind::AlreadyApplied)]
        );
        assert_eq!(
            of(3),
            vec![
                (
                    Some(Field::Email),
                    ProblemKind::DuplicateInFile { first_line: 2 }
                ),
                (Some(Field::Email), ProblemKind::AlreadyApplied)
            ]
        );
        let four = of(4);
        assert!(
            four.contains(&(Some(Field::City), ProblemKind::Missing)),
            "{four:?}"
        );
        assert!(
            four.iter()
                .any(|(f, k)| *f == Some(Field::Email) && matches!(k, ProblemKind::Invalid { .. })),
            "{four:?}"
        );
        assert_eq!(p.ready(&BTreeSet::from([2, 3, 4])).map(|r| r.len()), Ok(0));
        assert_eq!(p.ready(&BTreeSet::from([2, 3])).err(), Some(vec![4]));
    }

    #[test]
    fn checkbox_labels_with_commas_stay_whole() {
        let catalogue = InterestCatalogue::new(["Reference, research and instruction", "Advocacy"])
            .expect("catalogue");
        let got = split_choices("Advocacy, Reference, research and instruction", |t| {
            catalogue.pick(t).is_ok()
        });
        assert_eq!(got, vec!["Advocacy", "Reference, research and instruction"]);
    }

    #[test]
    fn left_over_columns_become_notes_when_kept() {
        let mut mapping = suggest(&header(&FORMS_HEADER));
        let p = check(
            &[forms_row(2, "a@example.org", "Brazil", "0-5 years")],
            &mapping,
        );
        assert_eq!(p.rows[0].notes, vec!["Timestamp: 2016/02/01 10:00:00"]);
        mapping.keep_others_as_notes = false;
        let p = check(
            &[forms_row(2, "a@example.org", "Brazil", "0-5 years")],
            &mapping,
        );
        assert!(p.rows[0].notes.is_empty());
    }

    #[test]
    fn a_mapped_header_the_file_lacks_is_reported_and_its_field_missing() {
        let mut mapping = suggest(&header(&FORMS_HEADER));
        mapping
            .columns
            .insert(Field::City, "Town of work".to_owned());
        let p = check(
            &[forms_row(2, "a@example.org", "Brazil", "0-5 years")],
            &mapping,
        );
        assert_eq!(
            p.missing_headers,
            vec![(Field::City, "Town of work".to_owned())]
        );
        assert!(
            p.rows[0]
                .problems
                .iter()
                .any(|x| x.field == Some(Field::City) && x.kind == ProblemKind::Missing)
        );
    }
}

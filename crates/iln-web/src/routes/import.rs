//! Importing applications from a spreadsheet, for admins: upload a CSV or XLSX file into a
//! round that is open or in review, confirm which column fills which field and what the
//! texts we do not recognise mean, look at every row's problems, leave rows out, and import
//! after a confirmation. Each handler parses, calls its `iln_app::import` use-case and
//! renders; the upload is kept between the steps by the application layer for a day.

use std::collections::{BTreeMap, BTreeSet};

use askama::Template;
use axum::extract::{Multipart, Path, RawQuery, State};
use axum::response::{IntoResponse, Redirect, Response};
use iln_app::Actor;
use iln_app::import::{self, Checked, File, ImportError};
use iln_domain::application::{CommunicationWay, LanguageCode, MatchPreference};
use iln_domain::country;
use iln_domain::import::{Field, Mapping, OTHER, ProblemKind, other_allowed};
use iln_domain::profile::{CareerStage, Sector};
use iln_sheet::SheetError;
use iln_store::UploadId;

use super::common::{load_round_at, query_value};
use super::{FORM_INVALID, ok, page};
use crate::auth::Admin;
use crate::error::WebError;
use crate::forms::{HtmlForm, PathId};
use crate::security::CsrfToken;
use crate::state::AppState;
use crate::templates::{Nav, Pager};
use crate::words::{Label, count};

/// The clean rows listed on the review page; the rest are counted. Every row with a problem
/// is always listed.
const CLEAN_ROWS_SHOWN: usize = 50;
/// Rows with problems a page lists; the rest are on the next pages.
const PROBLEM_ROWS_PER_PAGE: usize = 100;

impl Label for Field {
    fn label(self) -> &'static str {
        match self {
            Field::Name => "Name",
            Field::Email => "Email address",
            Field::Country => "Country",
            Field::City => "City",
            Field::TimeZone => "Time zone",
            Field::Institution => "Institution",
            Field::Sector => "Sector",
            Field::Role => "Role",
            Field::CareerStage => "Career stage",
            Field::Interests => "Areas of interest",
            Field::Languages => "Languages",
            Field::Communication => "Ways to communicate",
            Field::MatchPreference => "Match preference",
            Field::Goals => "Goals",
            Field::Offer => "What they can offer",
            Field::PreviousPartners => "Previous partners' email addresses",
        }
    }
}

fn sheet_words(error: &SheetError) -> String {
    // The file layer's messages are written for people; they start a sentence here.
    let text = error.to_string();
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => format!("{}{}.", first.to_uppercase(), chars.as_str()),
        None => text,
    }
}

fn error_words(error: &ImportError) -> Option<String> {
    Some(match error {
        ImportError::Sheet(e) => sheet_words(e),
        ImportError::RoundState { state } => format!(
            "Applications can be imported while a round is open or in review; this one is {}.",
            state.label().to_lowercase()
        ),
        ImportError::NoSuchColumn { header } => {
            format!("The file has no column \u{201c}{header}\u{201d}.")
        }
        ImportError::NotAValue { field, value } => format!(
            "\u{201c}{value}\u{201d} is not one of the choices for {}.",
            field.label().to_lowercase()
        ),
        ImportError::Problems { lines } => format!(
            "{} still {} problems: fix the file, or leave {} out.",
            rows_word(lines.len()),
            if lines.len() == 1 { "has" } else { "have" },
            if lines.len() == 1 { "it" } else { "them" }
        ),
        ImportError::NothingToImport => {
            "Every row is left out, so there is nothing to import.".to_owned()
        }
        ImportError::BadMappingName => format!(
            "Name the mapping in one line of at most {} characters.",
            import::MAPPING_NAME_MAX_LEN
        ),
        ImportError::NoSuchMapping(name) => {
            format!("No mapping is saved as \u{201c}{name}\u{201d}.")
        }
        ImportError::App(_) => return None,
    })
}

fn rows_word(n: usize) -> String {
    if n == 1 {
        "1 row".to_owned()
    } else {
        format!("{} rows", count(n))
    }
}

fn fail(error: ImportError) -> WebError {
    match error {
        ImportError::App(error) => error.into(),
        other => WebError::BadRequest(error_words(&other).unwrap_or_default()),
    }
}

// ---------------------------------------------------------------------------------------
// Upload.

#[derive(Template)]
#[template(path = "import_upload.html")]
struct UploadPage {
    nav: Nav,
    round_id: i64,
    round: String,
    saved: Vec<String>,
    /// Open or in review: otherwise the page says why there is no form.
    accepting: bool,
    error: Option<String>,
    done: Option<String>,
    max_mb: usize,
    max_rows: String,
}

async fn upload_page(
    state: &AppState,
    admin: &Admin,
    csrf: &str,
    round_raw: &str,
    error: Option<String>,
    done: Option<String>,
) -> Result<UploadPage, WebError> {
    let round = load_round_at(state, round_raw).await?;
    let state_now = round.round.state;
    let accepting = matches!(
        state_now,
        iln_domain::round::RoundState::Open | iln_domain::round::RoundState::Review
    );
    let error = match error {
        Some(e) => Some(e),
        None if !accepting => error_words(&ImportError::RoundState { state: state_now }),
        None => None,
    };
    let actor = Actor::user(&admin.0.user);
    let saved = import::saved_mappings(state.app(), &actor)
        .await
        .map_err(fail)?
        .into_iter()
        .map(|m| m.name)
        .collect();
    Ok(UploadPage {
        nav: Nav::new(Some(&admin.0), csrf),
        round_id: round.id.0,
        round: round.round.settings.name.to_string(),
        saved,
        accepting,
        error,
        done,
        max_mb: iln_sheet::MAX_FILE_BYTES / (1024 * 1024),
        max_rows: count(iln_sheet::MAX_ROWS),
    })
}

pub async fn upload_form(
    State(state): State<AppState>,
    admin: Admin,
    CsrfToken(csrf): CsrfToken,
    Path(id): Path<String>,
    RawQuery(query): RawQuery,
) -> Result<Response, WebError> {
    let q = query.as_deref();
    let done = match query_value(q, "imported").parse::<usize>() {
        Ok(n) => {
            let new: usize = query_value(q, "new").parse().unwrap_or(0);
            let invited: usize = query_value(q, "invited").parse().unwrap_or(0);
            Some(format!(
                "Imported {} {}: {} from people new to the platform, {} of whom {} emailed an \
                 invitation to choose a password.",
                count(n),
                if n == 1 {
                    "application"
                } else {
                    "applications"
                },
                count(new),
                count(invited),
                if invited == 1 { "was" } else { "were" }
            ))
        }
        Err(_) if query_value(q, "discarded") == "1" => {
            Some("The file was thrown away; nothing was imported.".to_owned())
        }
        Err(_) => None,
    };
    ok(&upload_page(&state, &admin, &csrf, &id, None, done).await?)
}

pub async fn upload(
    State(state): State<AppState>,
    admin: Admin,
    CsrfToken(csrf): CsrfToken,
    Path(id): Path<String>,
    mut multipart: Multipart,
) -> Result<Response, WebError> {
    let round = load_round_at(&state, &id).await?;
    let mut name = String::new();
    let mut bytes = Vec::new();
    let mut saved = String::new();
    loop {
        let field = match multipart.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => break,
            Err(_) => {
                return Err(WebError::BadRequest(
                    "the upload was cut off or could not be read; try again".to_owned(),
                ));
            }
        };
        match field.name() {
            Some("file") => {
                name = field.file_name().unwrap_or("file").to_owned();
                bytes = field
                    .bytes()
                    .await
                    .map_err(|_| WebError::FileTooLarge)?
                    .to_vec();
            }
            Some("mapping") => saved = field.text().await.unwrap_or_default(),
            _ => {}
        }
    }
    let actor = Actor::user(&admin.0.user);
    let saved = saved.trim();
    let result = if name.is_empty() && bytes.is_empty() {
        Err(ImportError::Sheet(SheetError::Empty))
    } else {
        import::upload(
            state.app(),
            &actor,
            round.id,
            File {
                name: &name,
                bytes: &bytes,
            },
            (!saved.is_empty()).then_some(saved),
        )
        .await
    };
    match result {
        Ok(upload) => Ok(Redirect::to(&format!("/imports/{upload}")).into_response()),
        Err(ImportError::App(error)) => Err(error.into()),
        Err(error) => {
            let message = if name.is_empty() && bytes.is_empty() {
                "Choose a CSV or XLSX file to upload.".to_owned()
            } else {
                format!("{name}: {}", error_words(&error).unwrap_or_default())
            };
            page(
                FORM_INVALID,
                &upload_page(&state, &admin, &csrf, &id, Some(message), None).await?,
            )
        }
    }
}

// ---------------------------------------------------------------------------------------
// Review: the mapping, the unknown texts and every row's problems.

struct ColumnChoice {
    field: &'static str,
    label: &'static str,
    required: bool,
    /// The header chosen, empty for none.
    chosen: String,
}

struct ValueChoice {
    n: usize,
    field_label: &'static str,
    text: String,
    lines: String,
    options: Vec<(String, String)>,
}

struct ProblemView {
    field: String,
    message: String,
}

struct RowView {
    line: u64,
    name: String,
    email: String,
    country: String,
    excluded: bool,
    problems: Vec<ProblemView>,
}

#[derive(Template)]
#[template(path = "import_review.html")]
struct ReviewPage {
    nav: Nav,
    id: i64,
    round_id: i64,
    round: String,
    file_name: String,
    headers: Vec<String>,
    columns: Vec<ColumnChoice>,
    keep_notes: bool,
    unknown: Vec<ValueChoice>,
    /// (field key, field words, the file's text, what becomes of it).
    translations: Vec<(&'static str, String, String, String)>,
    missing_headers: Vec<String>,
    problem_rows: Vec<RowView>,
    /// The lines of `problem_rows`, so the form knows which leave-out boxes it showed.
    shown: String,
    pager: Pager,
    clean_rows: Vec<RowView>,
    clean_total: usize,
    total: usize,
    excluded: usize,
    ready: usize,
    blocking: usize,
    error: Option<String>,
    notice: Option<String>,
}

/// Our values for `field`, as (code, words), for the select of an unknown text.
fn options(field: Field, round: &iln_store::RoundRecord) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = match field {
        Field::Country => country::all()
            .iter()
            .map(|c| (c.code.as_str().to_owned(), c.name.to_owned()))
            .collect(),
        Field::Sector => Sector::ALL
            .iter()
            .filter(|s| **s != Sector::Other)
            .map(|s| (s.as_str().to_owned(), s.label().to_owned()))
            .collect(),
        Field::CareerStage => CareerStage::ALL
            .iter()
            .map(|s| (s.as_str().to_owned(), s.label().to_owned()))
            .collect(),
        Field::MatchPreference => MatchPreference::ALL
            .iter()
            .map(|s| (s.as_str().to_owned(), s.label().to_owned()))
            .collect(),
        Field::Communication => CommunicationWay::ALL
            .iter()
            .map(|s| (s.as_str().to_owned(), s.label().to_owned()))
            .collect(),
        Field::Languages => {
            let mut all: Vec<(String, String)> = LanguageCode::all()
                .map(|l| (l.as_str().to_owned(), l.name().to_owned()))
                .collect();
            all.sort_by(|a, b| a.1.cmp(&b.1));
            all
        }
        Field::Interests => round
            .interests
            .iter()
            .map(|i| (i.as_str().to_owned(), capital(i.as_str())))
            .collect(),
        _ => Vec::new(),
    };
    if other_allowed(field) {
        let words = match field {
            Field::Sector => "Other",
            Field::Interests => "Keep as an interest of their own (the \u{201c}other\u{201d} text)",
            Field::TimeZone => "Use the country's usual time zone",
            _ => "Leave it out",
        };
        out.insert(0, (OTHER.to_owned(), words.to_owned()));
    }
    out
}

fn capital(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().collect::<String>() + chars.as_str())
        .unwrap_or_default()
}

fn problem_view(field: Option<Field>, kind: &ProblemKind) -> ProblemView {
    let message = match kind {
        ProblemKind::Missing => "is empty, and every application needs it.".to_owned(),
        ProblemKind::Unknown { text } => {
            format!("\u{201c}{text}\u{201d} is not a choice we know: say what it means above.")
        }
        ProblemKind::Invalid { message } => format!("{}.", capital(message.trim_end_matches('.'))),
        ProblemKind::DuplicateInFile { first_line } => {
            format!("The same email address is on line {first_line}.")
        }
        ProblemKind::AlreadyApplied => {
            "Someone with this email address has applied to this round already.".to_owned()
        }
    };
    ProblemView {
        field: field.map_or_else(|| "Row".to_owned(), |f| f.label().to_owned()),
        message,
    }
}

fn review_page(
    admin: &Admin,
    csrf: &str,
    checked: &Checked,
    page_number: i64,
    error: Option<String>,
    notice: Option<String>,
) -> ReviewPage {
    let upload = &checked.upload;
    let preview = &checked.preview;
    let columns = Field::ALL
        .iter()
        .map(|f| ColumnChoice {
            field: f.as_str(),
            label: f.label(),
            required: f.required(),
            chosen: upload.mapping.columns.get(f).cloned().unwrap_or_default(),
        })
        .collect();
    let unknown = preview
        .unknown
        .iter()
        .enumerate()
        .map(|(n, u)| {
            let shown: Vec<String> = u.lines.iter().take(8).map(u64::to_string).collect();
            let more = if u.lines.len() > 8 {
                format!(" and {} more", count(u.lines.len() - 8))
            } else {
                String::new()
            };
            ValueChoice {
                n,
                field_label: u.field.label(),
                text: u.text.clone(),
                lines: format!(
                    "{} {}{more}",
                    if u.lines.len() == 1 { "line" } else { "lines" },
                    shown.join(", ")
                ),
                options: options(u.field, &checked.round),
            }
        })
        .collect();
    let translations = upload
        .mapping
        .values
        .iter()
        .flat_map(|(field, values)| {
            values.iter().map(|(text, value)| {
                let words = if value == OTHER {
                    match field {
                        Field::Sector => "means Other".to_owned(),
                        Field::Interests => "is kept as an interest of their own".to_owned(),
                        Field::TimeZone => "takes the country's usual time zone".to_owned(),
                        _ => "is left out".to_owned(),
                    }
                } else {
                    let name = options(*field, &checked.round)
                        .into_iter()
                        .find(|(code, _)| code == value)
                        .map_or_else(|| value.clone(), |(_, w)| w);
                    format!("means {name}")
                };
                (
                    field.as_str(),
                    field.label().to_owned(),
                    text.clone(),
                    words,
                )
            })
        })
        .collect();
    let view = |r: &iln_domain::import::PreviewRow| RowView {
        line: r.line,
        name: r.form.name.clone(),
        email: r.form.email.clone(),
        country: r
            .application
            .as_ref()
            .map_or_else(|| r.form.country.clone(), |a| a.country.name().to_owned()),
        excluded: upload.excluded.contains(&r.line),
        problems: r
            .problems
            .iter()
            .map(|p| problem_view(p.field, &p.kind))
            .collect(),
    };
    let with_problems = preview.rows_with_problems().count();
    let pager = Pager::new(
        page_number,
        PROBLEM_ROWS_PER_PAGE as i64,
        with_problems as i64,
        format!("/imports/{}", upload.id),
    );
    let skip = usize::try_from(pager.offset(PROBLEM_ROWS_PER_PAGE as i64)).unwrap_or(0);
    let problem_rows: Vec<RowView> = preview
        .rows_with_problems()
        .skip(skip)
        .take(PROBLEM_ROWS_PER_PAGE)
        .map(view)
        .collect();
    let blocking = preview
        .rows_with_problems()
        .filter(|r| !upload.excluded.contains(&r.line))
        .count();
    let clean: Vec<&iln_domain::import::PreviewRow> = preview
        .rows
        .iter()
        .filter(|r| r.problems.is_empty())
        .collect();
    let ready = clean
        .iter()
        .filter(|r| !upload.excluded.contains(&r.line))
        .count();
    ReviewPage {
        nav: Nav::new(Some(&admin.0), csrf),
        id: upload.id.0,
        round_id: checked.round.id.0,
        round: checked.round.round.settings.name.to_string(),
        file_name: upload.file_name.clone(),
        headers: upload.header.clone(),
        columns,
        keep_notes: upload.mapping.keep_others_as_notes,
        unknown,
        translations,
        missing_headers: preview
            .missing_headers
            .iter()
            .map(|(f, h)| format!("{}: \u{201c}{h}\u{201d}", f.label()))
            .collect(),
        shown: problem_rows
            .iter()
            .map(|r| r.line.to_string())
            .collect::<Vec<_>>()
            .join(","),
        problem_rows,
        pager,
        clean_rows: clean
            .iter()
            .take(CLEAN_ROWS_SHOWN)
            .map(|r| view(r))
            .collect(),
        clean_total: clean.len(),
        total: preview.rows.len(),
        excluded: upload.excluded.len(),
        ready,
        blocking,
        error,
        notice,
    }
}

async fn checked(state: &AppState, admin: &Admin, id: i64) -> Result<Checked, WebError> {
    let actor = Actor::user(&admin.0.user);
    import::check(state.app(), &actor, UploadId(id))
        .await
        .map_err(fail)
}

pub async fn review(
    State(state): State<AppState>,
    admin: Admin,
    CsrfToken(csrf): CsrfToken,
    PathId(id): PathId,
    RawQuery(query): RawQuery,
) -> Result<Response, WebError> {
    let checked = checked(&state, &admin, id).await?;
    let notice = match query_value(query.as_deref(), "done").as_str() {
        "saved" => Some("The mapping is saved under its name for the next file.".to_owned()),
        "checked" => Some("The rows were checked again with your changes.".to_owned()),
        _ => None,
    };
    let page_number = crate::forms::page_number(query.as_deref());
    ok(&review_page(
        &admin,
        &csrf,
        &checked,
        page_number,
        None,
        notice,
    ))
}

/// The review form: a column per field, the meaning of each unknown text, the rows left
/// out, and optionally a name to save the mapping under.
pub async fn update(
    State(state): State<AppState>,
    admin: Admin,
    CsrfToken(csrf): CsrfToken,
    PathId(id): PathId,
    HtmlForm(pairs): HtmlForm<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let current = checked(&state, &admin, id).await?;
    let form: BTreeMap<&str, &str> = pairs
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let mut mapping = Mapping {
        keep_others_as_notes: form.contains_key("keep_notes"),
        values: current.upload.mapping.values.clone(),
        ..Mapping::default()
    };
    for field in Field::ALL {
        let key = format!("col_{}", field.as_str());
        if let Some(header) = form.get(key.as_str()).filter(|h| !h.is_empty()) {
            mapping.columns.insert(field, (*header).to_owned());
        }
    }
    for (n, unknown) in current.preview.unknown.iter().enumerate() {
        let key = format!("value_{n}");
        if let Some(value) = form.get(key.as_str()).filter(|v| !v.is_empty()) {
            // The text the page showed is checked against the form's, so a stale page cannot
            // translate another text.
            let text_key = format!("text_{n}");
            if form.get(text_key.as_str()) == Some(&unknown.text.as_str()) {
                mapping
                    .values
                    .entry(unknown.field)
                    .or_default()
                    .insert(Mapping::value_key(&unknown.text), (*value).to_owned());
            }
        }
    }
    for (key, value) in &pairs {
        if let Some(rest) = key.strip_prefix("forget_")
            && let Some(field) = Field::parse(rest)
            && let Some(values) = mapping.values.get_mut(&field)
        {
            values.remove(value);
        }
    }
    mapping.values.retain(|_, v| !v.is_empty());
    // The boxes this page showed decide their lines; lines on other pages keep their choice.
    let shown: BTreeSet<u64> = form
        .get("shown")
        .map(|list| {
            list.split(',')
                .filter_map(|l| l.trim().parse().ok())
                .collect()
        })
        .unwrap_or_default();
    let mut excluded: BTreeSet<u64> = current
        .upload
        .excluded
        .iter()
        .filter(|l| !shown.contains(l))
        .copied()
        .collect();
    excluded.extend(
        pairs
            .iter()
            .filter(|(k, _)| k == "exclude")
            .filter_map(|(_, v)| v.parse::<u64>().ok()),
    );
    let actor = Actor::user(&admin.0.user);
    let upload = UploadId(id);
    let mut saved = import::set_mapping(state.app(), &actor, upload, &mapping, &excluded).await;
    if saved.is_ok() && form.contains_key("exclude_all") {
        // The rows that still have problems under the new mapping, not the old one: a row
        // this very form fixed stays in.
        let now = checked(&state, &admin, id).await?;
        excluded.extend(now.preview.rows_with_problems().map(|r| r.line));
        saved = import::set_mapping(state.app(), &actor, upload, &mapping, &excluded).await;
    }
    if let Err(error) = saved {
        let Some(words) = error_words(&error) else {
            return Err(fail(error));
        };
        return page(
            FORM_INVALID,
            &review_page(&admin, &csrf, &current, 1, Some(words), None),
        );
    }
    let save_as = form.get("save_as").map_or("", |s| s.trim());
    if !save_as.is_empty() {
        if let Err(error) = import::save_mapping(state.app(), &actor, save_as, &mapping).await {
            let Some(words) = error_words(&error) else {
                return Err(fail(error));
            };
            let again = checked(&state, &admin, id).await?;
            return page(
                FORM_INVALID,
                &review_page(&admin, &csrf, &again, 1, Some(words), None),
            );
        }
        return Ok(Redirect::to(&format!("/imports/{id}?done=saved")).into_response());
    }
    let page = form
        .get("page")
        .and_then(|p| p.parse::<i64>().ok())
        .filter(|p| *p > 1)
        .map_or_else(String::new, |p| format!("&page={p}"));
    Ok(Redirect::to(&format!("/imports/{id}?done=checked{page}")).into_response())
}

/// The mapping as a file for `iln import applications --mapping`.
pub async fn mapping_file(
    State(state): State<AppState>,
    admin: Admin,
    PathId(id): PathId,
) -> Result<Response, WebError> {
    let checked = checked(&state, &admin, id).await?;
    let mapping = &checked.upload.mapping;
    let quote = |text: &str| -> String {
        let mut out = String::from("\"");
        for ch in text.chars() {
            match ch {
                '"' => out.push_str("\\\""),
                '\\' => out.push_str("\\\\"),
                c if c.is_control() => out.push_str(&format!("\\u{:04X}", c as u32)),
                c => out.push(c),
            }
        }
        out.push('"');
        out
    };
    let mut text = format!(
        "# The mapping of {} for `iln import applications --mapping`.\n\
         keep_others_as_notes = {}\n\n[columns]\n",
        checked.upload.file_name.replace(['\n', '\r'], " "),
        mapping.keep_others_as_notes
    );
    for (field, header) in &mapping.columns {
        text.push_str(&format!("{} = {}\n", field.as_str(), quote(header)));
    }
    for (field, values) in &mapping.values {
        text.push_str(&format!("\n[values.{}]\n", field.as_str()));
        for (from, to) in values {
            text.push_str(&format!("{} = {}\n", quote(from), quote(to)));
        }
    }
    Ok((
        [
            (
                axum::http::header::CONTENT_TYPE,
                "application/toml; charset=utf-8",
            ),
            (
                axum::http::header::CONTENT_DISPOSITION,
                "attachment; filename=\"mapping.toml\"",
            ),
        ],
        text,
    )
        .into_response())
}

// ---------------------------------------------------------------------------------------
// Confirm and commit; or throw the file away.

#[derive(Template)]
#[template(path = "import_confirm.html")]
struct ConfirmPage {
    nav: Nav,
    id: i64,
    round: String,
    file_name: String,
    ready: usize,
    left_out: usize,
    new_people: usize,
}

pub async fn confirm(
    State(state): State<AppState>,
    admin: Admin,
    CsrfToken(csrf): CsrfToken,
    PathId(id): PathId,
) -> Result<Response, WebError> {
    let checked = checked(&state, &admin, id).await?;
    let (ready, error) = match checked.preview.ready(&checked.upload.excluded) {
        Ok(rows) if rows.is_empty() => (0, error_words(&ImportError::NothingToImport)),
        Ok(rows) => (rows.len(), None),
        Err(lines) => (0, error_words(&ImportError::Problems { lines })),
    };
    if error.is_some() {
        return page(
            FORM_INVALID,
            &review_page(&admin, &csrf, &checked, 1, error, None),
        );
    }
    let new_people = import::new_people(state.app(), &checked)
        .await
        .map_err(fail)?;
    ok(&ConfirmPage {
        nav: Nav::new(Some(&admin.0), &csrf),
        id,
        round: checked.round.round.settings.name.to_string(),
        file_name: checked.upload.file_name.clone(),
        ready,
        left_out: checked.preview.rows.len() - ready,
        new_people,
    })
}

#[derive(serde::Deserialize)]
pub struct CommitForm {
    #[serde(default)]
    invite: Option<String>,
}

pub async fn commit(
    State(state): State<AppState>,
    admin: Admin,
    CsrfToken(csrf): CsrfToken,
    PathId(id): PathId,
    HtmlForm(form): HtmlForm<CommitForm>,
) -> Result<Response, WebError> {
    let actor = Actor::user(&admin.0.user);
    match import::commit(state.app(), &actor, UploadId(id), form.invite.is_some()).await {
        Ok(done) => {
            state.wake_outbox();
            Ok(Redirect::to(&format!(
                "/rounds/{}/import?imported={}&new={}&invited={}",
                done.round, done.applications, done.new_people, done.invited
            ))
            .into_response())
        }
        Err(ImportError::App(error)) => Err(error.into()),
        Err(error) => {
            let checked = checked(&state, &admin, id).await?;
            page(
                FORM_INVALID,
                &review_page(&admin, &csrf, &checked, 1, error_words(&error), None),
            )
        }
    }
}

pub async fn discard(
    State(state): State<AppState>,
    admin: Admin,
    PathId(id): PathId,
) -> Result<Response, WebError> {
    let actor = Actor::user(&admin.0.user);
    let round = import::discard(state.app(), &actor, UploadId(id))
        .await
        .map_err(fail)?;
    Ok(Redirect::to(&format!("/rounds/{round}/import?discarded=1")).into_response())
}

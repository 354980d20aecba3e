//! Importing applications from a spreadsheet into a round that is open or in review: upload
//! (the file is read and kept for a day with a suggested mapping), confirm the mapping and
//! the translations of unknown texts (with a preview of every row's problems), and commit.
//!
//! The commit is one transaction and all or nothing: every row that is not left out must be
//! clean, or nothing is written. Each row becomes an application of a person found by email
//! or created (an account with no password yet), with the duplicate flags recomputed once
//! for the round; new people are emailed an invitation to choose a password and see their
//! application. The audit entry names the file, its size and its row count.
//!
//! The web pages and `iln import applications` call these same use-cases.

use std::collections::{BTreeMap, BTreeSet};

use iln_domain::account::Role;
use iln_domain::application::InterestCatalogue;
use iln_domain::audit::AuditAction;
use iln_domain::commitments::Consent;
use iln_domain::import::{self, Field, Mapping, Preview};
use iln_domain::round::RoundState;
use iln_sheet::SheetError;
use iln_store::{NewUpload, NewUser, RoundId, RoundRecord, TokenPurpose, Upload, UploadId};
use jiff::SignedDuration;

use crate::accounts::{new_secret, secret_hash};
use crate::applications::profile_of;
use crate::notify::{self, Notice};
use crate::rounds::apply_due_dates;
use crate::{Actor, App, AppError, audit};

/// How long an uploaded file waits for its commit.
pub const UPLOAD_LIFETIME: SignedDuration = SignedDuration::from_hours(24);
/// How long an invitation link works: long enough for someone who reads mail weekly.
pub const INVITATION_LIFETIME: SignedDuration = SignedDuration::from_hours(24 * 14);
/// The longest name of a saved mapping.
pub const MAPPING_NAME_MAX_LEN: usize = 80;

/// What this area tells people by email. The words are the web layer's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ImportNotice {
    /// Someone new to the platform, whose application came in a file: choose a password
    /// and see it.
    Invited {
        name: String,
        round: String,
        /// The link that sets a password, absolute.
        link: String,
        /// Days the link works.
        days: i64,
    },
}

/// Why an import use-case did not do what was asked.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// The file cannot be read.
    #[error(transparent)]
    Sheet(#[from] SheetError),
    /// Imports go into rounds that are open or in review.
    #[error("applications cannot be imported while the round is {state}")]
    RoundState { state: RoundState },
    /// A column named in the mapping is not in the file.
    #[error("the file has no column {header:?}")]
    NoSuchColumn { header: String },
    /// A translation names a value that is not one of ours for its field.
    #[error("{value:?} is not a value of {field:?}")]
    NotAValue { field: Field, value: String },
    /// The named lines still have problems; fix the file or leave them out.
    #[error("{} rows still have problems", .lines.len())]
    Problems { lines: Vec<u64> },
    /// Every row was left out.
    #[error("every row is left out")]
    NothingToImport,
    /// A saved mapping needs a name of one line, at most [`MAPPING_NAME_MAX_LEN`] long.
    #[error("a mapping's name is one line of at most {MAPPING_NAME_MAX_LEN} characters")]
    BadMappingName,
    /// No mapping has that name.
    #[error("no mapping is saved as {0:?}")]
    NoSuchMapping(String),
    #[error(transparent)]
    App(#[from] AppError),
}

impl From<iln_store::StoreError> for ImportError {
    fn from(error: iln_store::StoreError) -> Self {
        ImportError::App(AppError::Store(error))
    }
}

fn admin_only(actor: &Actor) -> Result<(), ImportError> {
    if actor.is_admin() {
        Ok(())
    } else {
        Err(AppError::Forbidden.into())
    }
}

fn importable(record: &RoundRecord) -> Result<(), ImportError> {
    match record.round.state {
        RoundState::Open | RoundState::Review => Ok(()),
        RoundState::Draft => Err(AppError::NotFound.into()),
        state => Err(ImportError::RoundState { state }),
    }
}

/// The file as uploaded.
#[derive(Debug, Clone)]
pub struct File<'a> {
    pub name: &'a str,
    pub bytes: &'a [u8],
}

/// The file's header and rows. iln-sheet refuses a file without rows, so there is at least
/// one.
fn read(file: &File<'_>) -> Result<(Vec<String>, Vec<import::RawRow>), ImportError> {
    let sheet = iln_sheet::read(file.bytes, file.name)?;
    let rows = sheet
        .rows
        .into_iter()
        .map(|r| import::RawRow {
            line: r.line,
            cells: r.cells,
        })
        .collect();
    Ok((sheet.header, rows))
}

/// Reads the file and keeps it for [`UPLOAD_LIFETIME`] with a first mapping: the saved one
/// named `saved`, or one suggested from the headers. Nothing is imported yet.
pub async fn upload(
    app: &App,
    actor: &Actor,
    round: RoundId,
    file: File<'_>,
    saved: Option<&str>,
) -> Result<UploadId, ImportError> {
    admin_only(actor)?;
    let user = actor.user_id().ok_or(AppError::Forbidden)?;
    // The file is read before the transaction: reading is the slow part and needs no lock.
    let (header, rows) = read(&file)?;
    let mapping = match saved {
        Some(name) => with_suggestions(&saved_mapping(app, name).await?, &header),
        None => import::suggest(&header),
    };
    let now = app.now();
    let mut tx = app.begin().await?;
    let record = apply_due_dates(&mut tx, app, round).await?;
    importable(&record)?;
    let id = tx
        .create_upload(
            &NewUpload {
                round,
                user,
                file_name: file.name,
                file_size: u64::try_from(file.bytes.len()).unwrap_or(u64::MAX),
                header: &header,
                rows: &rows,
                mapping: &mapping,
                expires_at: now + UPLOAD_LIFETIME,
            },
            now,
        )
        .await?;
    tx.commit().await?;
    Ok(id)
}

/// A saved or written mapping for a file with `header`: the fields it leaves out are
/// suggested from the headers, never taking a column it names. A column it names that the
/// file lacks stays, so the review (or the command line) says so.
fn with_suggestions(mapping: &Mapping, header: &[String]) -> Mapping {
    let mut merged = mapping.clone();
    let taken: BTreeSet<String> = merged
        .columns
        .values()
        .map(|h| Mapping::value_key(h))
        .collect();
    for (field, column) in import::suggest(header).columns {
        if !merged.columns.contains_key(&field) && !taken.contains(&Mapping::value_key(&column)) {
            merged.columns.insert(field, column);
        }
    }
    merged
}

async fn saved_mapping(app: &App, name: &str) -> Result<Mapping, ImportError> {
    app.store()
        .saved_mappings()
        .await?
        .into_iter()
        .find(|m| m.name == name)
        .map(|m| m.mapping)
        .ok_or_else(|| ImportError::NoSuchMapping(name.to_owned()))
}

/// An upload with its round and the preview of its rows under its mapping now.
#[derive(Debug, Clone)]
pub struct Checked {
    pub upload: Upload,
    pub round: RoundRecord,
    pub preview: Preview,
}

/// Checks an upload's rows against the round as it is now.
pub async fn check(app: &App, actor: &Actor, id: UploadId) -> Result<Checked, ImportError> {
    admin_only(actor)?;
    let upload = live_upload(app, id).await?;
    let round = app
        .store()
        .round(upload.round)
        .await?
        .ok_or(AppError::NotFound)?;
    let already = app.store().applied_emails(upload.round).await?;
    let preview = import::preview(
        &upload.header,
        &upload.rows,
        &upload.mapping,
        &round.interests,
        &already,
    );
    Ok(Checked {
        upload,
        round,
        preview,
    })
}

/// How many of the rows to import are from people with no account yet: those a commit
/// would invite. Reads only: one query for every email at once.
pub async fn new_people(app: &App, checked: &Checked) -> Result<usize, ImportError> {
    let emails: Vec<iln_domain::account::Email> = checked
        .preview
        .rows
        .iter()
        .filter(|r| !checked.upload.excluded.contains(&r.line))
        .filter_map(|r| r.application.as_ref().map(|a| a.email.clone()))
        .collect();
    let known = app.store().users_by_emails(&emails).await?;
    Ok(emails
        .iter()
        .filter(|e| !known.contains_key(e.as_str()))
        .count())
}

async fn live_upload(app: &App, id: UploadId) -> Result<Upload, ImportError> {
    match app.store().upload(id).await? {
        Some(upload) if upload.expires_at > app.now() => Ok(upload),
        _ => Err(AppError::NotFound.into()),
    }
}

/// Checks that a mapping names only columns of `header` and translates only to our values.
pub fn validate_mapping(
    mapping: &Mapping,
    header: &[String],
    catalogue: &InterestCatalogue,
) -> Result<(), ImportError> {
    if let Some((_, missing)) = mapping.missing_headers(header).into_iter().next() {
        return Err(ImportError::NoSuchColumn { header: missing });
    }
    for (field, values) in &mapping.values {
        for value in values.values() {
            if !import::is_value(*field, value, catalogue) {
                return Err(ImportError::NotAValue {
                    field: *field,
                    value: value.clone(),
                });
            }
        }
    }
    Ok(())
}

/// Replaces an upload's mapping and its left-out lines.
pub async fn set_mapping(
    app: &App,
    actor: &Actor,
    id: UploadId,
    mapping: &Mapping,
    excluded: &BTreeSet<u64>,
) -> Result<(), ImportError> {
    admin_only(actor)?;
    let upload = live_upload(app, id).await?;
    let round = app
        .store()
        .round(upload.round)
        .await?
        .ok_or(AppError::NotFound)?;
    validate_mapping(mapping, &upload.header, &round.interests)?;
    let lines: BTreeSet<u64> = upload.rows.iter().map(|r| r.line).collect();
    let excluded: BTreeSet<u64> = excluded.intersection(&lines).copied().collect();
    let mut tx = app.begin().await?;
    tx.set_upload_mapping(id, mapping, &excluded).await?;
    tx.commit().await?;
    Ok(())
}

/// Saves a mapping under a name, for the next round's file. Audited.
pub async fn save_mapping(
    app: &App,
    actor: &Actor,
    name: &str,
    mapping: &Mapping,
) -> Result<(), ImportError> {
    admin_only(actor)?;
    let name = name.trim();
    if name.is_empty()
        || name.chars().count() > MAPPING_NAME_MAX_LEN
        || name.chars().any(char::is_control)
    {
        return Err(ImportError::BadMappingName);
    }
    let now = app.now();
    let mut tx = app.begin().await?;
    tx.save_mapping(name, mapping, now).await?;
    audit(
        &mut tx,
        actor,
        AuditAction::ImportMappingSave,
        None,
        Some(name.to_owned()),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// The saved mappings, by name.
pub async fn saved_mappings(
    app: &App,
    actor: &Actor,
) -> Result<Vec<iln_store::SavedMapping>, ImportError> {
    admin_only(actor)?;
    Ok(app.store().saved_mappings().await?)
}

/// Forgets an upload without importing it.
pub async fn discard(app: &App, actor: &Actor, id: UploadId) -> Result<RoundId, ImportError> {
    admin_only(actor)?;
    let upload = live_upload(app, id).await?;
    let mut tx = app.begin().await?;
    tx.delete_upload(id).await?;
    tx.commit().await?;
    Ok(upload.round)
}

/// What a commit did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Imported {
    pub round: RoundId,
    /// Applications written.
    pub applications: usize,
    /// Of them, from people who had no account before.
    pub new_people: usize,
    /// Invitations queued.
    pub invited: usize,
}

/// Imports every row not left out, all or nothing, and forgets the upload.
pub async fn commit(
    app: &App,
    actor: &Actor,
    id: UploadId,
    invite: bool,
) -> Result<Imported, ImportError> {
    let checked = check(app, actor, id).await?;
    let imported = write(
        app,
        actor,
        &checked.upload.file_name,
        checked.upload.file_size,
        checked.upload.round,
        &checked.preview,
        &checked.upload.excluded,
        invite,
        Some(id),
    )
    .await?;
    Ok(imported)
}

/// The rows of a file checked in one go, without keeping an upload: the command line's
/// `--dry-run`, and the preview [`import_checked`] then imports.
pub async fn check_file(
    app: &App,
    actor: &Actor,
    round: RoundId,
    file: File<'_>,
    mapping: Option<&Mapping>,
) -> Result<Preview, ImportError> {
    admin_only(actor)?;
    let (header, rows) = read(&file)?;
    let record = app.store().round(round).await?.ok_or(AppError::NotFound)?;
    importable(&record)?;
    let mapping = match mapping {
        Some(m) => with_suggestions(m, &header),
        None => import::suggest(&header),
    };
    validate_mapping(&mapping, &header, &record.interests)?;
    let already = app.store().applied_emails(round).await?;
    Ok(import::preview(
        &header,
        &rows,
        &mapping,
        &record.interests,
        &already,
    ))
}

/// Imports a file in one go: every row must be clean.
pub async fn import_file(
    app: &App,
    actor: &Actor,
    round: RoundId,
    file: File<'_>,
    mapping: Option<&Mapping>,
    invite: bool,
) -> Result<Imported, ImportError> {
    let preview = check_file(app, actor, round, file.clone(), mapping).await?;
    import_checked(app, actor, round, &file, &preview, invite).await
}

/// Imports the rows of `preview`, made by [`check_file`] from `file`: every row must be
/// clean (the command line prints the problems first). Whether someone applied meanwhile is
/// checked again inside the transaction.
pub async fn import_checked(
    app: &App,
    actor: &Actor,
    round: RoundId,
    file: &File<'_>,
    preview: &Preview,
    invite: bool,
) -> Result<Imported, ImportError> {
    write(
        app,
        actor,
        file.name,
        u64::try_from(file.bytes.len()).unwrap_or(u64::MAX),
        round,
        preview,
        &BTreeSet::new(),
        invite,
        None,
    )
    .await
}

#[allow(clippy::too_many_arguments)]
async fn write(
    app: &App,
    actor: &Actor,
    file_name: &str,
    file_size: u64,
    round: RoundId,
    preview: &Preview,
    excluded: &BTreeSet<u64>,
    invite: bool,
    upload: Option<UploadId>,
) -> Result<Imported, ImportError> {
    admin_only(actor)?;
    let rows = preview
        .ready(excluded)
        .map_err(|lines| ImportError::Problems { lines })?;
    if rows.is_empty() {
        return Err(ImportError::NothingToImport);
    }
    let now = app.now();
    let mut tx = app.begin().await?;
    let record = apply_due_dates(&mut tx, app, round).await?;
    importable(&record)?;
    // Someone may have applied since the preview: the check runs again inside the
    // transaction, so a commit never makes a second application for one person.
    let emails: Vec<iln_domain::account::Email> = rows
        .iter()
        .filter_map(|r| r.application.as_ref().map(|a| a.email.clone()))
        .collect();
    let existing = tx.users_by_emails(&emails).await?;
    let applied: BTreeSet<iln_store::UserId> = if existing.is_empty() {
        BTreeSet::new()
    } else {
        let mut applied = BTreeSet::new();
        for user in existing.values() {
            if tx.application_of(round, *user).await?.is_some() {
                applied.insert(*user);
            }
        }
        applied
    };
    if !applied.is_empty() {
        let lines = rows
            .iter()
            .filter(|r| {
                r.application.as_ref().is_some_and(|a| {
                    existing
                        .get(a.email.as_str())
                        .is_some_and(|u| applied.contains(u))
                })
            })
            .map(|r| r.line)
            .collect();
        return Err(ImportError::Problems { lines });
    }
    let consent = Consent::current(now);
    let author = actor.user_id();
    let mut new_people = 0;
    let mut invited = 0;
    let mut made: BTreeMap<String, iln_store::UserId> = BTreeMap::new();
    for row in &rows {
        let Some(application) = &row.application else {
            continue;
        };
        let user = match existing.get(application.email.as_str()) {
            Some(user) => *user,
            None => {
                let user = tx
                    .create_user(
                        &NewUser {
                            email: application.email.clone(),
                            display_name: application.name.clone(),
                            password_hash: None,
                            role: Role::Participant,
                            countries: Vec::new(),
                            email_verified: false,
                            time_zone: Some(application.time_zone.clone()),
                        },
                        now,
                    )
                    .await?;
                new_people += 1;
                made.insert(application.email.as_str().to_owned(), user);
                user
            }
        };
        tx.save_profile(user, &profile_of(user, application), now)
            .await?;
        let id = tx
            .import_application(round, user, application, consent, now)
            .await?;
        if !row.notes.is_empty() {
            let body = format!("From {file_name}:\n{}", row.notes.join("\n"));
            tx.add_import_note(id, author, &body, now).await?;
        }
        if !row.previous_partners.is_empty() {
            tx.declare_partners(user, &row.previous_partners, now)
                .await?;
        }
        if invite && made.contains_key(application.email.as_str()) {
            let token = new_secret();
            tx.create_token(
                user,
                TokenPurpose::ResetPassword,
                &secret_hash(&token),
                now + INVITATION_LIFETIME,
            )
            .await?;
            let notice = Notice::Import(ImportNotice::Invited {
                name: application.name.to_string(),
                round: record.round.settings.name.to_string(),
                link: app.links().url(&format!("/reset?token={token}")),
                days: INVITATION_LIFETIME.as_hours() / 24,
            });
            notify::send(&mut tx, app.composer(), &application.email, &notice, now).await?;
            invited += 1;
        }
    }
    tx.refresh_round_duplicates(round).await?;
    if let Some(upload) = upload {
        tx.delete_upload(upload).await?;
    }
    audit(
        &mut tx,
        actor,
        AuditAction::ImportApplications,
        Some(format!("round:{round}")),
        Some(format!(
            "{file_name} ({file_size} bytes, {} rows: {} imported, {} left out; {new_people} \
             new people, {invited} invited)",
            preview.rows.len(),
            rows.len(),
            preview.rows.len() - rows.len()
        )),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(Imported {
        round,
        applications: rows.len(),
        new_people,
        invited,
    })
}

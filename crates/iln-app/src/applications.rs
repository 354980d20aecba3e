//! Applications: apply (send or edit, keeping the person's profile current), withdraw,
//! decisions (one and many), notes, endorsements, and merging or keeping duplicates.
//!
//! Each use-case here takes the actor, typed input and the clock (through [`crate::App`])
//! and runs in one transaction: the change, its audit entry and the emails it causes commit
//! together or not at all. A bulk decision is one transaction too, so either every chosen
//! application is decided and its applicant told, or nothing happened.
//!
//! Who may do what: anyone signed in with a confirmed email applies and withdraws, only ever
//! their own application; admins decide; coordinators note, endorse and resolve duplicates
//! for the countries they cover. An application outside the actor's countries is
//! [`AppError::NotFound`], the same answer as for one that does not exist.
//!
//! Actions that depend on the round's state first record the transitions its dates call for
//! ([`crate::rounds::apply_due_dates`]), so they act on the state the round is really in.

use iln_domain::application::{Application, ApplicationForm, FieldError};
use iln_domain::audit::AuditAction;
use iln_domain::commitments::Consent;
use iln_domain::round::RoundState;
use iln_domain::status::{ApplicationStatus, Decision, StatusChange, StatusError};
use iln_store::{
    ApplicationId, ApplicationRecord, NewPerson, RoundId, RoundRecord, StoreError, Tx,
};
use jiff::civil::Date;

use crate::notify::{self, Notice};
use crate::rounds::apply_due_dates;
use crate::{Actor, App, AppError, audit};

/// Longest note, endorsement or decision message a coordinator may write, in characters.
pub const MESSAGE_MAX_LEN: usize = 2000;

/// What this area tells people by email. The words are the web layer's
/// (`iln_web::emails::applications`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ApplicationNotice {
    /// The application was sent, edited, or sent again after a withdrawal.
    Received {
        /// The applicant's name as they gave it on the form.
        name: String,
        /// The round's name.
        round: String,
        /// The last day of applications, in the round's time zone.
        closes: Date,
        /// The application's page, absolute.
        link: String,
        /// Whether this saved changes to an application that was already in, rather than
        /// sending one (a first one, or one sent again after a withdrawal).
        updated: bool,
    },
    /// A reviewer decided the application.
    Decided {
        name: String,
        round: String,
        decision: Decision,
        /// The coordinators' message sent with the decision, if they wrote one.
        message: Option<String>,
        /// The round's page, absolute.
        link: String,
    },
}

/// Why an applications use-case did not do what was asked.
#[derive(Debug, thiserror::Error)]
pub enum ApplicationsError {
    /// The application form has problems, one per field, for the form to show next to its
    /// fields.
    #[error("the application form has {} problems", .0.len())]
    Invalid(Vec<FieldError>),
    /// Applications count only from a confirmed email address.
    #[error("the account's email address is not confirmed")]
    Unconfirmed,
    /// The round is not taking applications, so none can be sent, changed or withdrawn.
    #[error("{round} is not taking applications")]
    NotAccepting { round: String },
    /// Decisions are made from the opening of applications until the partnerships are
    /// published; the round is elsewhere.
    #[error("decisions cannot change while the round is {state}")]
    DecisionsClosed { state: RoundState },
    /// The status change does not apply to the application as it is (deciding a withdrawn
    /// one, withdrawing a deferred one).
    #[error("{name}: {error}")]
    WrongStatus { name: String, error: StatusError },
    /// A bulk decision with no application chosen.
    #[error("no application chosen")]
    NothingChosen,
    /// A note, endorsement or decision message longer than [`MESSAGE_MAX_LEN`].
    #[error("a message has at most {MESSAGE_MAX_LEN} characters")]
    MessageTooLong,
    /// A note with nothing in it.
    #[error("the note is empty")]
    EmptyNote,
    /// A merge of two applications that are not flagged as duplicates of each other.
    #[error("the applications are not flagged as duplicates of each other")]
    NotDuplicates,
    #[error(transparent)]
    App(#[from] AppError),
}

impl From<StoreError> for ApplicationsError {
    fn from(error: StoreError) -> Self {
        ApplicationsError::App(AppError::Store(error))
    }
}

/// What [`apply`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Applied {
    /// A first application to the round.
    Sent,
    /// Changes to an application that was in.
    Updated,
    /// A withdrawn application sent again: it waits for review once more.
    Resent,
}

/// The outcome of [`apply`]: what happened, and the application and round as they now are.
#[derive(Debug, Clone)]
pub struct ApplyOutcome {
    pub applied: Applied,
    pub application: ApplicationRecord,
    pub round: RoundRecord,
}

/// The signed-in person acting for themselves; others may not apply.
fn own_account(actor: &Actor) -> Result<iln_store::UserId, ApplicationsError> {
    actor.user_id().ok_or(AppError::Forbidden.into())
}

fn target(id: ApplicationId) -> Option<String> {
    Some(format!("application:{id}"))
}

/// The round that takes applications now, with its due dates recorded; a draft is unknown
/// to applicants.
async fn open_round(tx: &mut Tx, app: &App, id: RoundId) -> Result<RoundRecord, ApplicationsError> {
    let record = apply_due_dates(tx, app, id).await?;
    if record.round.state == RoundState::Draft {
        return Err(AppError::NotFound.into());
    }
    if !record.round.accepts_applications() {
        return Err(ApplicationsError::NotAccepting {
            round: record.round.settings.name.to_string(),
        });
    }
    Ok(record)
}

/// The person's profile as their application describes them.
pub(crate) fn profile_of(user: iln_store::UserId, application: &Application) -> NewPerson {
    NewPerson {
        user: Some(user),
        full_name: application.name.to_string(),
        email: application.email.clone(),
        country: application.country,
        city: application.city.clone(),
        institution: application.institution.clone(),
        sector: application.sector,
        career_stage: application.career_stage,
        time_zone: application.time_zone.clone(),
        languages: application
            .languages
            .iter()
            .map(|l| l.as_str().to_owned())
            .collect(),
        interests: application
            .interests
            .iter()
            .map(|i| i.as_str().to_owned())
            .collect(),
    }
}

/// The actor sends their application to round `round`, or changes the one they sent, while
/// the round takes applications. The email on the application is always the account's
/// (the confirmed one), whatever the form says. Ticking the consent box records consent to
/// the current commitments at this moment. The person's profile is replaced with these
/// answers (or made from them), and they are emailed a confirmation.
pub async fn apply(
    app: &App,
    actor: &Actor,
    round: RoundId,
    form: &ApplicationForm,
) -> Result<ApplyOutcome, ApplicationsError> {
    let user_id = own_account(actor)?;
    let user = app
        .store()
        .user(user_id)
        .await?
        .ok_or(AppError::Forbidden)?;
    if !user.email_verified {
        return Err(ApplicationsError::Unconfirmed);
    }
    let now = app.now();
    let mut tx = app.begin().await?;
    let record = open_round(&mut tx, app, round).await?;
    let mut form = form.clone();
    form.email = user.email.to_string();
    let application =
        Application::parse(&form, &record.interests).map_err(ApplicationsError::Invalid)?;
    let consent = Consent::current(now);
    let (id, applied) = match tx.application_of(record.id, user_id).await? {
        Some(existing) => {
            tx.update_application(existing.id, &application, consent, now)
                .await?;
            if existing.status == ApplicationStatus::Withdrawn {
                let status = change(&existing, StatusChange::Resubmit)?;
                tx.set_application_status(existing.id, status, None, now)
                    .await?;
                (existing.id, Applied::Resent)
            } else {
                (existing.id, Applied::Updated)
            }
        }
        None => {
            let id = tx
                .submit_application(record.id, user_id, &application, consent, now)
                .await?;
            (id, Applied::Sent)
        }
    };
    tx.save_profile(user_id, &profile_of(user_id, &application), now)
        .await?;
    audit(
        &mut tx,
        actor,
        match applied {
            Applied::Sent | Applied::Resent => AuditAction::ApplicationSubmit,
            Applied::Updated => AuditAction::ApplicationUpdate,
        },
        target(id),
        Some(format!("round:{}", record.id)),
        now,
    )
    .await?;
    let notice = Notice::Applications(ApplicationNotice::Received {
        name: application.name.to_string(),
        round: record.round.settings.name.to_string(),
        closes: record.round.settings.closes,
        link: app.links().url(&format!("/rounds/{}/apply", record.id)),
        updated: applied == Applied::Updated,
    });
    notify::send(&mut tx, app.composer(), &application.email, &notice, now).await?;
    let stored = tx.application(id).await?.ok_or(AppError::NotFound)?;
    tx.commit().await?;
    Ok(ApplyOutcome {
        applied,
        application: stored,
        round: record,
    })
}

/// The outcome of [`withdraw`]: the application and its round as they now are.
#[derive(Debug, Clone)]
pub struct Withdrawn {
    pub application: ApplicationRecord,
    pub round: RoundRecord,
}

/// The actor withdraws their application to round `round`, while the round takes
/// applications; they may send it again until applications close.
pub async fn withdraw(
    app: &App,
    actor: &Actor,
    round: RoundId,
) -> Result<Withdrawn, ApplicationsError> {
    let user_id = own_account(actor)?;
    let now = app.now();
    let mut tx = app.begin().await?;
    // Someone without an application to the round has nothing to withdraw, whatever the
    // round's state.
    let own = tx
        .application_of(round, user_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let record = open_round(&mut tx, app, round).await?;
    let status = change(&own, StatusChange::Withdraw)?;
    tx.set_application_status(own.id, status, None, now).await?;
    audit(
        &mut tx,
        actor,
        AuditAction::ApplicationWithdraw,
        target(own.id),
        Some(format!("round:{}", record.id)),
        now,
    )
    .await?;
    let stored = tx.application(own.id).await?.ok_or(AppError::NotFound)?;
    tx.commit().await?;
    Ok(Withdrawn {
        application: stored,
        round: record,
    })
}

/// The status `change` gives the application, or why it does not apply.
fn change(
    application: &ApplicationRecord,
    change: StatusChange,
) -> Result<ApplicationStatus, ApplicationsError> {
    application
        .status
        .change(change)
        .map_err(|error| ApplicationsError::WrongStatus {
            name: application.application.name.to_string(),
            error,
        })
}

/// A message as stored: trimmed, none when blank, refused when too long.
fn message_text(message: Option<&str>) -> Result<Option<String>, ApplicationsError> {
    let message = message.map(str::trim).filter(|m| !m.is_empty());
    match message {
        Some(m) if m.chars().count() > MESSAGE_MAX_LEN => Err(ApplicationsError::MessageTooLong),
        other => Ok(other.map(str::to_owned)),
    }
}

fn admin_only(actor: &Actor) -> Result<(), ApplicationsError> {
    if actor.is_admin() {
        Ok(())
    } else {
        Err(AppError::Forbidden.into())
    }
}

/// The round whose applications are decided, with its due dates recorded, if it takes
/// decisions now.
async fn deciding_round(
    tx: &mut Tx,
    app: &App,
    id: RoundId,
) -> Result<RoundRecord, ApplicationsError> {
    let record = apply_due_dates(tx, app, id).await?;
    if !record.round.accepts_decisions() {
        return Err(ApplicationsError::DecisionsClosed {
            state: record.round.state,
        });
    }
    Ok(record)
}

/// Records `decision` on `application` of round `record`, tells the applicant, and writes
/// the audit entry, all in `tx`.
async fn record_decision(
    tx: &mut Tx,
    app: &App,
    actor: &Actor,
    record: &RoundRecord,
    application: &ApplicationRecord,
    decision: Decision,
    message: Option<&str>,
) -> Result<(), ApplicationsError> {
    let now = app.now();
    let status = change(application, StatusChange::Decide(decision))?;
    tx.set_application_status(application.id, status, message, now)
        .await?;
    let notice = Notice::Applications(ApplicationNotice::Decided {
        name: application.application.name.to_string(),
        round: record.round.settings.name.to_string(),
        decision,
        message: message.map(str::to_owned),
        link: app.links().url(&format!("/rounds/{}", record.id)),
    });
    notify::send(
        tx,
        app.composer(),
        &application.application.email,
        &notice,
        now,
    )
    .await?;
    audit(
        tx,
        actor,
        AuditAction::ApplicationDecide,
        target(application.id),
        Some(status.as_str().to_owned()),
        now,
    )
    .await?;
    Ok(())
}

/// An admin decides one application, with an optional message for the applicant, who is
/// emailed the decision. Returns the application as it now is.
pub async fn decide(
    app: &App,
    actor: &Actor,
    id: ApplicationId,
    decision: Decision,
    message: Option<&str>,
) -> Result<ApplicationRecord, ApplicationsError> {
    admin_only(actor)?;
    let message = message_text(message)?;
    let mut tx = app.begin().await?;
    let application = visible(&mut tx, actor, id).await?;
    let record = deciding_round(&mut tx, app, application.round).await?;
    record_decision(
        &mut tx,
        app,
        actor,
        &record,
        &application,
        decision,
        message.as_deref(),
    )
    .await?;
    let stored = tx.application(id).await?.ok_or(AppError::NotFound)?;
    tx.commit().await?;
    Ok(stored)
}

/// An admin gives the same decision (and optional message) to several applications of round
/// `round`. All or nothing: an id that is not of this round, or an application the decision
/// does not apply to, refuses the whole batch before anything is written for the rest; each
/// decided applicant gets exactly one email. Returns how many applications were decided.
pub async fn decide_many(
    app: &App,
    actor: &Actor,
    round: RoundId,
    ids: &[ApplicationId],
    decision: Decision,
    message: Option<&str>,
) -> Result<usize, ApplicationsError> {
    admin_only(actor)?;
    let message = message_text(message)?;
    // A box ticked twice is one decision and one email.
    let mut ids = ids.to_vec();
    ids.sort();
    ids.dedup();
    if ids.is_empty() {
        return Err(ApplicationsError::NothingChosen);
    }
    let mut tx = app.begin().await?;
    let record = deciding_round(&mut tx, app, round).await?;
    let mut applications = Vec::with_capacity(ids.len());
    for id in &ids {
        let application = visible(&mut tx, actor, *id).await?;
        if application.round != record.id {
            return Err(AppError::NotFound.into());
        }
        // Checked for all before the first write, so a refusal names the one at fault
        // without half a batch having been tried.
        change(&application, StatusChange::Decide(decision))?;
        applications.push(application);
    }
    for application in &applications {
        record_decision(
            &mut tx,
            app,
            actor,
            &record,
            application,
            decision,
            message.as_deref(),
        )
        .await?;
    }
    tx.commit().await?;
    Ok(applications.len())
}

/// The application if the actor may see it: admins any, country coordinators those of
/// their countries; for everyone else it does not exist.
async fn visible(
    tx: &mut Tx,
    actor: &Actor,
    id: ApplicationId,
) -> Result<ApplicationRecord, ApplicationsError> {
    match tx.application(id).await? {
        Some(application) if actor.covers_country(application.application.country) => {
            Ok(application)
        }
        _ => Err(AppError::NotFound.into()),
    }
}

/// The note as stored, or why it cannot be.
fn note_text(body: &str) -> Result<&str, ApplicationsError> {
    let body = body.trim();
    if body.is_empty() {
        return Err(ApplicationsError::EmptyNote);
    }
    if body.chars().count() > MESSAGE_MAX_LEN {
        return Err(ApplicationsError::MessageTooLong);
    }
    Ok(body)
}

async fn add_note(
    app: &App,
    actor: &Actor,
    id: ApplicationId,
    body: &str,
    endorsement: bool,
) -> Result<ApplicationRecord, ApplicationsError> {
    let body = note_text(body)?;
    let author = actor.user_id().ok_or(AppError::Forbidden)?;
    let now = app.now();
    let mut tx = app.begin().await?;
    let application = visible(&mut tx, actor, id).await?;
    tx.add_application_note(id, author, endorsement, body, now)
        .await?;
    audit(
        &mut tx,
        actor,
        if endorsement {
            AuditAction::ApplicationEndorse
        } else {
            AuditAction::ApplicationNote
        },
        target(id),
        None,
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(application)
}

/// A coordinator writes a note on an application of their countries, for the other
/// reviewers (the applicant never sees it). Returns the application.
pub async fn note(
    app: &App,
    actor: &Actor,
    id: ApplicationId,
    body: &str,
) -> Result<ApplicationRecord, ApplicationsError> {
    add_note(app, actor, id, body, false).await
}

/// A coordinator endorses an application of their countries (they vouch for the person),
/// with a few words saying why. Returns the application.
pub async fn endorse(
    app: &App,
    actor: &Actor,
    id: ApplicationId,
    body: &str,
) -> Result<ApplicationRecord, ApplicationsError> {
    add_note(app, actor, id, body, true).await
}

/// A coordinator keeps an application despite its duplicate flag (a false alarm): it is
/// not flagged again. Returns the application as it now is.
pub async fn keep_duplicate(
    app: &App,
    actor: &Actor,
    id: ApplicationId,
) -> Result<ApplicationRecord, ApplicationsError> {
    let now = app.now();
    let mut tx = app.begin().await?;
    visible(&mut tx, actor, id).await?;
    tx.keep_duplicate(id, now).await?;
    audit(
        &mut tx,
        actor,
        AuditAction::ApplicationKeepDuplicate,
        target(id),
        None,
        now,
    )
    .await?;
    let stored = tx.application(id).await?.ok_or(AppError::NotFound)?;
    tx.commit().await?;
    Ok(stored)
}

/// The outcome of [`merge_duplicates`]: the application kept and the one withdrawn, as they
/// now are.
#[derive(Debug, Clone)]
pub struct Merged {
    pub kept: ApplicationRecord,
    pub withdrawn: ApplicationRecord,
}

/// A coordinator merges two applications flagged as duplicates of each other: `keep` stays
/// and `withdraw` is withdrawn. Both must be of the coordinator's countries.
pub async fn merge_duplicates(
    app: &App,
    actor: &Actor,
    keep: ApplicationId,
    withdraw: ApplicationId,
) -> Result<Merged, ApplicationsError> {
    let now = app.now();
    let mut tx = app.begin().await?;
    let kept = visible(&mut tx, actor, keep).await?;
    let other = visible(&mut tx, actor, withdraw).await?;
    let same_group = kept.duplicate_of.is_some()
        && kept.duplicate_of == other.duplicate_of
        && kept.id != other.id;
    if !same_group {
        return Err(ApplicationsError::NotDuplicates);
    }
    let status = change(&other, StatusChange::Withdraw)?;
    tx.set_application_status(other.id, status, None, now)
        .await?;
    audit(
        &mut tx,
        actor,
        AuditAction::ApplicationMerge,
        target(kept.id),
        Some(format!("withdrew application:{}", other.id)),
        now,
    )
    .await?;
    let kept = tx.application(keep).await?.ok_or(AppError::NotFound)?;
    let withdrawn = tx.application(withdraw).await?.ok_or(AppError::NotFound)?;
    tx.commit().await?;
    Ok(Merged { kept, withdrawn })
}

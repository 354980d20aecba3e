//! Rounds: create, edit (settings and dates, areas of interest), the admin's transitions, and
//! the `round_dates` job that applies a round's dates (with the country cap when applications
//! close).
//!
//! Each use-case here takes the actor, typed input and the clock (through [`crate::App`])
//! and runs in one transaction: the change, its audit entry, the emails it causes and the
//! round's next date job commit together or not at all.
//!
//! Dates and reads: nothing that only looks at a round writes. [`round_now`] and
//! [`rounds_now`] give a round as it stands at the clock's time (its stored state with every
//! date that has passed applied in memory, [`Round::at`]), so a page shows a round whose
//! closing date has passed as closed even before its job has run. The `round_dates` job
//! ([`DateJobs`]) records those transitions; an action that depends on the state first
//! applies them in its own transaction with [`apply_due_dates`].
//!
//! The date job of a round is keyed by the round and the state it is due to leave
//! (`round-dates:ID:STATE`, see [`date_job_key`]): a running job cannot re-arm its own row,
//! so each step of a round's life is its own job, enqueued by the step before it. Changing
//! a draft's dates moves the pending job ([`iln_store::Tx::reschedule_job`]); an admin's
//! transition cancels the job of the state the round left and enqueues the next.

use iln_domain::account::Role;
use iln_domain::application::{InterestCatalogue, InterestError};
use iln_domain::audit::AuditAction;
use iln_domain::round::{
    AdminAction, Cause, Round, RoundForm, RoundSettings, RoundState, Transition, TransitionError,
};
use iln_store::{Job, JobStatus, Listing, NewJob, RoundId, RoundRecord, StoreError, Tx};
use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use crate::jobs::{Handler, HandlerFuture, JobError};
use crate::notify::{self, Notice};
use crate::{Actor, App, AppError, audit};

/// The job kind that applies a round's dates.
pub const DATES_JOB: &str = "round_dates";

/// The shape of the `round_dates` payload this release writes and reads.
pub const DATES_PAYLOAD_VERSION: i64 = 1;

/// What this area tells people by email. The words are the web layer's
/// (`iln_web::emails::rounds`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RoundNotice {
    /// Applications closed and the country cap moved this application to the next round.
    Deferred {
        /// The applicant's name as they gave it on the form.
        name: String,
        /// The round's name.
        round: String,
        /// The round's page, absolute.
        link: String,
    },
}

/// Why a rounds use-case did not do what was asked.
#[derive(Debug, thiserror::Error)]
pub enum RoundError {
    /// The round form has problems, one per field, for the form to show next to its fields.
    #[error("the round form has {} problems", .0.len())]
    Invalid(Vec<iln_domain::round::RoundError>),
    /// The settings may change only while the round is a draft.
    #[error("the settings of {name} can only change while it is a draft")]
    SettingsLocked { name: String },
    /// The action does not apply to the round in the state it is in.
    #[error(transparent)]
    WrongState(#[from] TransitionError),
    /// Publishing creates the partnerships, so it belongs to the matching use-cases.
    #[error("publishing goes through the round's matching")]
    PublishElsewhere,
    /// Another action moved the round between our read and our write.
    #[error("the round changed meanwhile")]
    Changed,
    /// The areas of interest list has a name that is not accepted.
    #[error(transparent)]
    Interest(#[from] InterestError),
    /// The areas of interest list is empty.
    #[error("the list of areas of interest is empty")]
    NoInterests,
    #[error(transparent)]
    App(#[from] AppError),
}

impl From<StoreError> for RoundError {
    fn from(error: StoreError) -> Self {
        RoundError::App(AppError::Store(error))
    }
}

/// The `round_dates` payload, version 1: `{"v":1,"round":ID}`. Stored JSON is a contract:
/// a later version adds a new shape beside this one, and this one keeps loading.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct DatesPayload {
    pub v: i64,
    pub round: i64,
}

impl DatesPayload {
    /// Reads a stored payload of any version this release knows.
    pub fn parse(version: i64, text: &str) -> Result<DatesPayload, String> {
        if version != DATES_PAYLOAD_VERSION {
            return Err(format!("round_dates payload version {version} is unknown"));
        }
        let payload: DatesPayload =
            serde_json::from_str(text).map_err(|e| format!("round_dates payload {text:?}: {e}"))?;
        if payload.v != version {
            return Err(format!(
                "round_dates payload says version {} but is stored as {version}",
                payload.v
            ));
        }
        Ok(payload)
    }
}

/// The idempotency key of the job that moves round `id` on from `state` by date.
pub fn date_job_key(id: RoundId, state: RoundState) -> String {
    format!("round-dates:{id}:{}", state.as_str())
}

fn date_job(id: RoundId, at: Timestamp) -> Result<NewJob, StoreError> {
    NewJob::new(
        DATES_JOB,
        DATES_PAYLOAD_VERSION,
        &DatesPayload {
            v: DATES_PAYLOAD_VERSION,
            round: id.0,
        },
        at,
    )
}

/// Makes sure the round has its date job pending for the next date it changes state at
/// (nothing for a round that only an admin moves on, in matching, or one that is over).
/// Moves that job when the dates changed; writes nothing else.
pub async fn schedule_dates(
    tx: &mut Tx,
    id: RoundId,
    round: &Round,
    now: Timestamp,
) -> Result<(), StoreError> {
    let Some((_, at)) = round.next_date() else {
        return Ok(());
    };
    let key = date_job_key(id, round.state);
    if tx.reschedule_job(&key, at, now).await? {
        return Ok(());
    }
    // No job holds the key (a new state, or a database from before date jobs), or it is
    // running right now.
    let job = tx
        .enqueue_job(&date_job(id, at)?.key(key.clone()), now)
        .await?;
    let running = tx
        .job(job)
        .await?
        .is_some_and(|j| j.status == JobStatus::Running);
    if running {
        // The running job read the round before this change, or is this very job finding
        // nothing due yet (the dates moved while it was claimed). It cannot be re-armed while
        // it runs, so a follow-up keyed by the date takes over; a duplicate only finds
        // nothing to do.
        let follow_up = format!("{key}@{}", at.as_second());
        tx.enqueue_job(&date_job(id, at)?.key(follow_up), now)
            .await?;
    }
    Ok(())
}

/// Records `transition` of the round `before` (as it was) if the round is still in the
/// transition's `from` state, with its audit entry by `actor`, and does what the new state
/// needs: closing applications applies the country cap and queues the deferral emails; the
/// date job of the state left is called off and the next one queued. Returns false, having
/// written nothing, when another transaction moved the round first (and did all of this).
///
/// Matching's publish calls this for matching → active inside its own transaction, after
/// [`apply_due_dates`].
pub async fn record_transition(
    tx: &mut Tx,
    app: &App,
    actor: &Actor,
    before: &RoundRecord,
    transition: &Transition,
) -> Result<bool, AppError> {
    let id = before.id;
    let now = app.now();
    if !tx.record_transition(id, transition).await? {
        return Ok(false);
    }
    let cause = match transition.cause {
        Cause::Date => "the date".to_owned(),
        Cause::Admin { action } => format!("an admin: {}", action.as_str()),
    };
    audit(
        tx,
        actor,
        AuditAction::RoundTransition,
        Some(format!("round:{id}")),
        Some(format!(
            "{} to {}, by {cause}",
            transition.from, transition.to
        )),
        now,
    )
    .await?;
    if transition.from == RoundState::Open && transition.to == RoundState::Review {
        defer_over_cap(tx, app, actor, before).await?;
    }
    // The job of the state left has nothing more to do. When that job is the one running
    // this, the store leaves it alone (it is running) and it finishes by itself.
    tx.cancel_job_by_key(&date_job_key(id, transition.from), now)
        .await?;
    if transition.to == RoundState::Closed {
        // The partnerships end with the round, and everyone in them is thanked (with the
        // end-of-round survey at a normal end).
        if transition.from == RoundState::Active {
            crate::ending::close(tx, app, before, now).await?;
        }
        // A round closed before its partnerships end was cancelled: its surveys stay unsent.
        if now < before.round.settings.ends_at() {
            crate::surveys::call_off_round(tx, id, now).await?;
        }
    }
    let after = Round {
        settings: before.round.settings.clone(),
        state: transition.to,
    };
    schedule_dates(tx, id, &after, now).await?;
    Ok(true)
}

/// Applies the country cap when applications close, and tells each deferred person.
async fn defer_over_cap(
    tx: &mut Tx,
    app: &App,
    actor: &Actor,
    record: &RoundRecord,
) -> Result<(), AppError> {
    let settings = &record.round.settings;
    let now = app.now();
    let deferred = tx
        .apply_country_cap(record.id, settings.country_cap, now)
        .await?;
    if deferred.is_empty() {
        return Ok(());
    }
    let link = app.links().url(&format!("/rounds/{}", record.id));
    for id in &deferred {
        let Some(application) = tx.application(*id).await? else {
            continue;
        };
        let notice = Notice::Rounds(RoundNotice::Deferred {
            name: application.application.name.as_str().to_owned(),
            round: settings.name.to_string(),
            link: link.clone(),
        });
        notify::send(
            tx,
            app.composer(),
            &application.application.email,
            &notice,
            now,
        )
        .await?;
    }
    audit(
        tx,
        actor,
        AuditAction::RoundCountryCap,
        Some(format!("round:{}", record.id)),
        Some(format!(
            "{} applications deferred to the next round (cap {}%)",
            deferred.len(),
            settings.country_cap.percent()
        )),
        now,
    )
    .await?;
    Ok(())
}

/// Records every transition whose date has passed for round `id`, with their side effects
/// (see [`record_transition`]), inside `tx`, and gives back the round as it now is. Any
/// action that depends on the round's state calls this first in its own transaction, so
/// it acts on the state the dates call for, not on a job that has not run yet. Idempotent:
/// a transition another transaction recorded first is not recorded again.
///
/// Stable for other areas: matching's publish calls it before moving the round to active.
pub async fn apply_due_dates(tx: &mut Tx, app: &App, id: RoundId) -> Result<RoundRecord, AppError> {
    let mut record = tx.round(id).await?.ok_or(AppError::NotFound)?;
    let transitions = record.round.clone().tick(app.now());
    for transition in &transitions {
        if !record_transition(tx, app, &Actor::System, &record, transition).await? {
            // Another transaction moved the round first and did the side effects.
            return tx.round(id).await?.ok_or(AppError::NotFound);
        }
        record.round.state = transition.to;
    }
    Ok(record)
}

/// Round `id` as it stands now: the stored round with every date that has passed applied
/// in memory. Writes nothing; what pages show.
pub async fn round_now(app: &App, id: RoundId) -> Result<RoundRecord, AppError> {
    let record = app.store().round(id).await?.ok_or(AppError::NotFound)?;
    Ok(as_of(record, app.now()))
}

/// Every round as it stands now (see [`round_now`]), newest first.
pub async fn rounds_now(app: &App) -> Result<Vec<RoundRecord>, AppError> {
    let now = app.now();
    Ok(app
        .store()
        .list_rounds()
        .await?
        .into_iter()
        .map(|record| as_of(record, now))
        .collect())
}

/// [`rounds_now`] with the rounds this release cannot read set apart, for the list page.
pub async fn round_listing_now(app: &App) -> Result<Listing<RoundRecord>, AppError> {
    let now = app.now();
    let mut listing = app.store().round_listing().await?;
    listing.rows = listing
        .rows
        .into_iter()
        .map(|record| as_of(record, now))
        .collect();
    Ok(listing)
}

fn as_of(mut record: RoundRecord, now: Timestamp) -> RoundRecord {
    record.round = record.round.at(now);
    record
}

fn parse_form(form: &RoundForm) -> Result<RoundSettings, RoundError> {
    RoundSettings::parse(form).map_err(RoundError::Invalid)
}

fn admin_only(actor: &Actor) -> Result<(), RoundError> {
    if actor.is_admin() {
        Ok(())
    } else {
        Err(AppError::Forbidden.into())
    }
}

/// An admin creates a round from the form, in draft. People the country cap deferred from
/// earlier rounds join it, first in line, and its opening date's job is queued.
pub async fn create(app: &App, actor: &Actor, form: &RoundForm) -> Result<RoundId, RoundError> {
    admin_only(actor)?;
    let settings = parse_form(form)?;
    let now = app.now();
    let mut tx = app.begin().await?;
    let id = tx.create_round(&settings, now).await?;
    let carried = tx.carry_over_deferred(id, now).await?;
    audit(
        &mut tx,
        actor,
        AuditAction::RoundCreate,
        Some(format!("round:{id}")),
        Some(format!(
            "{}; {} deferred applications carried over",
            settings.name,
            carried.len()
        )),
        now,
    )
    .await?;
    schedule_dates(&mut tx, id, &Round::new(settings), now).await?;
    // Its mid-round and end-of-round surveys, from the previous round's or the defaults.
    if let Some(record) = tx.round(id).await? {
        crate::surveys::set_up_round(&mut tx, &record, now).await?;
    }
    tx.commit().await?;
    Ok(id)
}

/// An admin changes a draft's settings and dates; its opening job moves with the dates. The
/// scoring weights are not on the form and stay as the matching page set them.
pub async fn edit(
    app: &App,
    actor: &Actor,
    id: RoundId,
    form: &RoundForm,
) -> Result<RoundRecord, RoundError> {
    admin_only(actor)?;
    let now = app.now();
    let mut tx = app.begin().await?;
    let mut record = apply_due_dates(&mut tx, app, id).await?;
    // A locked round says so before anything about the form: no form would be taken.
    if !record.round.settings_editable() {
        return Err(RoundError::SettingsLocked {
            name: record.round.settings.name.to_string(),
        });
    }
    let mut settings = parse_form(form)?;
    settings.weights = record.round.settings.weights;
    tx.update_round_settings(id, &settings, now).await?;
    audit(
        &mut tx,
        actor,
        AuditAction::RoundUpdate,
        Some(format!("round:{id}")),
        Some(settings.name.to_string()),
        now,
    )
    .await?;
    record.round.settings = settings;
    schedule_dates(&mut tx, id, &record.round, now).await?;
    tx.commit().await?;
    Ok(record)
}

/// Whether the actor is among those who run rounds: admins and country coordinators.
fn coordinator_only(actor: &Actor) -> Result<(), RoundError> {
    let coordinator = matches!(actor.role(), Some(Role::CountryCoordinator));
    if actor.is_admin() || coordinator {
        Ok(())
    } else {
        // Others are told the round does not exist, as for a missing id.
        Err(AppError::NotFound.into())
    }
}

/// A coordinator replaces the areas of interest the round's form offers, one name per entry;
/// blank entries are skipped and repeats collapse. Applications keep what they chose.
pub async fn edit_interests(
    app: &App,
    actor: &Actor,
    id: RoundId,
    names: &[&str],
) -> Result<InterestCatalogue, RoundError> {
    coordinator_only(actor)?;
    let names: Vec<&str> = names
        .iter()
        .map(|n| n.trim())
        .filter(|n| !n.is_empty())
        .collect();
    let catalogue = InterestCatalogue::new(&names)?;
    if catalogue.is_empty() {
        return Err(RoundError::NoInterests);
    }
    let now = app.now();
    let mut tx = app.begin().await?;
    tx.round(id).await?.ok_or(AppError::NotFound)?;
    tx.update_round_interests(id, &catalogue, now).await?;
    audit(
        &mut tx,
        actor,
        AuditAction::RoundInterests,
        Some(format!("round:{id}")),
        Some(format!("{} areas of interest", catalogue.len())),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(catalogue)
}

/// An admin moves the round on by hand (opening or closing applications early, starting
/// matching, closing or cancelling the round), after the dates that have passed are
/// applied. Publishing is matching's, since it creates the partnerships.
pub async fn transition(
    app: &App,
    actor: &Actor,
    id: RoundId,
    action: AdminAction,
) -> Result<RoundRecord, RoundError> {
    admin_only(actor)?;
    if action == AdminAction::Publish {
        return Err(RoundError::PublishElsewhere);
    }
    let mut tx = app.begin().await?;
    let mut record = apply_due_dates(&mut tx, app, id).await?;
    let mut round = record.round.clone();
    let transition = round.apply(action, app.now())?;
    if !record_transition(&mut tx, app, actor, &record, &transition).await? {
        return Err(RoundError::Changed);
    }
    tx.commit().await?;
    record.round = round;
    Ok(record)
}

/// Makes sure every round that a date will still move on has its date job: what the worker
/// runs at start, so rounds from a database older than date jobs (or loaded by the demo
/// through the store) move on time. Idempotent; returns how many rounds it looked at.
pub async fn ensure_date_jobs(app: &App) -> Result<usize, AppError> {
    let rounds = app.store().list_rounds().await?;
    let mut scheduled = 0;
    for record in rounds {
        if record.round.next_date().is_none() {
            continue;
        }
        let mut tx = app.begin().await?;
        schedule_dates(&mut tx, record.id, &record.round, app.now()).await?;
        tx.commit().await?;
        scheduled += 1;
    }
    Ok(scheduled)
}

/// Runs `round_dates` jobs: applies every date of the round that has passed, with the
/// transitions' side effects, and queues the job of the next date, all in one transaction.
pub struct DateJobs {
    app: App,
}

impl DateJobs {
    pub fn new(app: App) -> Self {
        Self { app }
    }

    /// One run of the job for round `id`.
    pub async fn run_for(&self, id: RoundId) -> Result<RoundRecord, AppError> {
        let mut tx = self.app.begin().await?;
        let record = apply_due_dates(&mut tx, &self.app, id).await?;
        // Also when nothing was due (the dates moved while this job waited): the next date
        // still needs its job.
        schedule_dates(&mut tx, id, &record.round, self.app.now()).await?;
        tx.commit().await?;
        Ok(record)
    }
}

impl Handler for DateJobs {
    fn run<'a>(&'a self, job: &'a Job) -> HandlerFuture<'a> {
        Box::pin(async move {
            let payload = DatesPayload::parse(job.payload_version, &job.payload)
                .map_err(JobError::Permanent)?;
            match self.run_for(RoundId(payload.round)).await {
                Ok(_) => Ok(()),
                Err(AppError::NotFound) => Err(JobError::Permanent(format!(
                    "round {} does not exist",
                    payload.round
                ))),
                Err(error) => Err(JobError::Temporary(error.to_string())),
            }
        })
    }
}

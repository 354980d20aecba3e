//! Discussion topics: coordinators write a round's topics (and parts of topics) with a release
//! day and time; the `topic_release` job releases each one by queueing every active
//! participant's email **for the release time in that participant's own zone**, each under an
//! idempotency key the database keeps unique, so a topic reaches each reader once even if the
//! job runs twice or two workers race. An admin may release a topic at once instead.
//!
//! A topic edited before its release goes out as edited (the emails are composed when it is
//! released); after its release an edit changes the page only, never sending it again.

use iln_domain::audit::AuditAction;
use iln_domain::round::RoundState;
use iln_domain::topic::{Resource, Topic, TopicError, TopicForm};
use iln_store::{
    Job, JobStatus, NewEmail, NewJob, RoundId, RoundRecord, StoreError, TopicId, TopicRecord, Tx,
};
use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use crate::jobs::{Handler, HandlerFuture, JobError};
use crate::matching::approved_in;
use crate::notify::{Composed, Notice};
use crate::{Actor, App, AppError, audit};

/// The job kind that releases a topic.
pub const RELEASE_JOB: &str = "topic_release";
/// The shape of [`ReleasePayload`].
pub const RELEASE_PAYLOAD_VERSION: i64 = 1;

/// What this area tells people by email. The words are the web layer's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TopicNotice {
    /// A topic is out: its words for one reader.
    Released {
        /// The reader, as they gave their name.
        name: String,
        round: String,
        /// The topic this is a part of, when it is one.
        part_of: Option<String>,
        title: String,
        /// Markdown, as the coordinator wrote it.
        body: String,
        resources: Vec<Resource>,
        /// The topic's page, absolute.
        link: String,
        /// The page that turns topic emails off without signing in, absolute.
        unsubscribe: String,
    },
}

/// Why a topics use-case did not do what was asked.
#[derive(Debug, thiserror::Error)]
pub enum TopicsError {
    /// The form has mistakes, one per field at most.
    #[error("the topic form has mistakes")]
    Invalid(Vec<TopicError>),
    /// Topics belong to a round that has not closed.
    #[error("the round is {state}; topics are written for rounds that have not closed")]
    RoundClosed { state: RoundState },
    /// Parts hang under a topic of the same round that is not itself a part.
    #[error("a part belongs under a topic of the same round that is not itself a part")]
    BadParent,
    /// The topic went out already.
    #[error("this topic has been released already")]
    AlreadyReleased,
    #[error(transparent)]
    App(#[from] AppError),
}

impl From<StoreError> for TopicsError {
    fn from(error: StoreError) -> Self {
        TopicsError::App(AppError::Store(error))
    }
}

/// The input of a `topic_release` job.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReleasePayload {
    pub v: i64,
    pub topic: i64,
}

/// The idempotency key of the job that releases topic `id`.
pub fn release_job_key(id: TopicId) -> String {
    format!("topic-release:{id}")
}

/// The idempotency key of topic `id`'s email to the reader with application `reader`.
pub fn email_key(id: TopicId, reader: iln_store::ApplicationId) -> String {
    format!("topic-email:{id}:{reader}")
}

fn admin_only(actor: &Actor) -> Result<(), TopicsError> {
    if actor.is_admin() {
        Ok(())
    } else {
        Err(AppError::Forbidden.into())
    }
}

fn target(id: TopicId) -> Option<String> {
    Some(format!("topic:{id}"))
}

async fn writable_round(tx: &mut Tx, round: RoundId) -> Result<RoundRecord, TopicsError> {
    let record = tx.round(round).await?.ok_or(AppError::NotFound)?;
    if record.round.state == RoundState::Closed {
        return Err(TopicsError::RoundClosed {
            state: record.round.state,
        });
    }
    Ok(record)
}

/// Parses the form against the round's dates.
pub fn parse(form: &TopicForm, round: &RoundRecord) -> Result<Topic, TopicsError> {
    Topic::parse(form, &round.round.settings).map_err(TopicsError::Invalid)
}

/// Arms (or moves) the release job of a topic not yet released: it runs at the first moment
/// any reader reaches the release time.
pub async fn schedule_release(
    tx: &mut Tx,
    id: TopicId,
    topic: &Topic,
    now: Timestamp,
) -> Result<(), StoreError> {
    let at = topic.release.earliest().max(now);
    let key = release_job_key(id);
    if tx.reschedule_job(&key, at, now).await? {
        return Ok(());
    }
    let job = tx
        .enqueue_job(&release_job(id, at)?.key(key.clone()), now)
        .await?;
    if tx
        .job(job)
        .await?
        .is_some_and(|j| j.status == JobStatus::Running)
    {
        // The running job read the topic before this change; a follow-up keyed by the new
        // moment releases it then (releasing twice queues nothing the second time).
        let follow_up = format!("{key}@{}", at.as_second());
        tx.enqueue_job(&release_job(id, at)?.key(follow_up), now)
            .await?;
    }
    Ok(())
}

fn release_job(id: TopicId, at: Timestamp) -> Result<NewJob, StoreError> {
    NewJob::new(
        RELEASE_JOB,
        RELEASE_PAYLOAD_VERSION,
        &ReleasePayload {
            v: RELEASE_PAYLOAD_VERSION,
            topic: id.0,
        },
        at,
    )
}

/// An admin adds a topic to a round, or a part under one of its topics, and its release is
/// scheduled, with the audit entry, in one transaction.
pub async fn create(
    app: &App,
    actor: &Actor,
    round: RoundId,
    part_of: Option<TopicId>,
    form: &TopicForm,
) -> Result<TopicId, TopicsError> {
    admin_only(actor)?;
    let now = app.now();
    let mut tx = app.begin().await?;
    let record = writable_round(&mut tx, round).await?;
    if let Some(parent) = part_of {
        let parent = tx.topic(parent).await?.ok_or(TopicsError::BadParent)?;
        if parent.round != round || parent.part_of.is_some() {
            return Err(TopicsError::BadParent);
        }
    }
    let topic = parse(form, &record)?;
    let id = tx
        .create_topic(round, part_of, &topic, actor.user_id(), now)
        .await?;
    schedule_release(&mut tx, id, &topic, now).await?;
    audit(
        &mut tx,
        actor,
        AuditAction::TopicCreate,
        target(id),
        Some(format!("round:{round}: {}", topic.title)),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// An admin changes a topic. Before its release, the release moves with it and readers get
/// the new words; after it, only the page changes.
pub async fn edit(
    app: &App,
    actor: &Actor,
    id: TopicId,
    form: &TopicForm,
) -> Result<TopicRecord, TopicsError> {
    admin_only(actor)?;
    let now = app.now();
    let mut tx = app.begin().await?;
    let existing = tx.topic(id).await?.ok_or(AppError::NotFound)?;
    let record = writable_round(&mut tx, existing.round).await?;
    let topic = if existing.released_at.is_some() {
        // Released: the day it went out is history, whatever the form says.
        let mut topic = parse(
            &TopicForm {
                release_on: existing.topic.release.on.to_string(),
                release_time: existing.topic.release.at.strftime("%H:%M").to_string(),
                ..form.clone()
            },
            &record,
        )?;
        topic.release = existing.topic.release;
        topic
    } else {
        parse(form, &record)?
    };
    tx.update_topic(id, &topic, now).await?;
    if existing.released_at.is_none() {
        schedule_release(&mut tx, id, &topic, now).await?;
    }
    audit(
        &mut tx,
        actor,
        AuditAction::TopicUpdate,
        target(id),
        Some(topic.title.clone()),
        now,
    )
    .await?;
    let updated = tx.topic(id).await?.ok_or(AppError::NotFound)?;
    tx.commit().await?;
    Ok(updated)
}

/// An admin releases a topic now instead of at its time: every reader's email is due at
/// once. Gives the number of emails queued.
pub async fn release_now(app: &App, actor: &Actor, id: TopicId) -> Result<usize, TopicsError> {
    admin_only(actor)?;
    let now = app.now();
    let mut tx = app.begin().await?;
    let topic = tx.topic(id).await?.ok_or(AppError::NotFound)?;
    let Some(queued) = release(&mut tx, app, &topic, now, true).await? else {
        return Err(TopicsError::AlreadyReleased);
    };
    tx.cancel_job_by_key(&release_job_key(id), now).await?;
    audit(
        &mut tx,
        actor,
        AuditAction::TopicRelease,
        target(id),
        Some(format!("released now to {queued} readers")),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(queued)
}

/// Releases `topic` inside `tx`: marks it released and queues one email per active
/// participant of its round (a member of a running partnership), due at the release time in
/// that reader's zone, or at once when `at_once` or when that moment has passed. None when
/// it was released already (nothing is queued).
async fn release(
    tx: &mut Tx,
    app: &App,
    topic: &TopicRecord,
    now: Timestamp,
    at_once: bool,
) -> Result<Option<usize>, StoreError> {
    if !tx.mark_topic_released(topic.id, now).await? {
        return Ok(None);
    }
    let Some(round) = tx.round(topic.round).await? else {
        return Ok(Some(0));
    };
    let part_of = match topic.part_of {
        Some(parent) => tx.topic(parent).await?.map(|p| p.topic.title),
        None => None,
    };
    let approved = approved_in(tx, topic.round).await?;
    let mut readers = std::collections::BTreeSet::new();
    for partnership in tx.round_partnerships(topic.round).await? {
        if !partnership.is_running() {
            continue;
        }
        readers.extend(partnership.members.iter().filter_map(|m| m.application));
    }
    let link = app.links().url(&format!("/topics/{}", topic.id));
    let mut queued = 0;
    for reader in readers {
        let Some(record) = approved.get(&reader) else {
            continue;
        };
        let (token, off) = tx
            .email_preference(record.user, &crate::accounts::new_secret())
            .await?;
        if off {
            // They read topics on the site instead.
            continue;
        }
        let unsubscribe = app.links().url(&format!("/unsubscribe?t={token}"));
        let notice = Notice::Topics(TopicNotice::Released {
            name: record.application.name.to_string(),
            round: round.round.settings.name.to_string(),
            part_of: part_of.clone(),
            title: topic.topic.title.clone(),
            body: topic.topic.body.clone(),
            resources: topic.topic.resources.clone(),
            link: link.clone(),
            unsubscribe,
        });
        let Composed {
            subject,
            text_body,
            html_body,
        } = app.composer().compose(&notice);
        let due = if at_once {
            now
        } else {
            topic
                .topic
                .release
                .for_zone(&record.application.time_zone)
                .max(now)
        };
        tx.enqueue_email_once(
            &NewEmail {
                to: record.application.email.clone(),
                subject,
                text_body,
                html_body,
            },
            due,
            &email_key(topic.id, reader),
            now,
        )
        .await?;
        queued += 1;
    }
    Ok(Some(queued))
}

/// Runs `topic_release` jobs.
pub struct ReleaseJobs {
    app: App,
}

impl ReleaseJobs {
    pub fn new(app: App) -> Self {
        Self { app }
    }

    /// One run for topic `id`: releases it when its first moment has come and nobody did
    /// yet. Gives how many emails it queued (None: nothing to do).
    pub async fn run_for(&self, id: TopicId) -> Result<Option<usize>, AppError> {
        let now = self.app.now();
        let mut tx = self.app.begin().await?;
        let topic = tx.topic(id).await?.ok_or(AppError::NotFound)?;
        if topic.released_at.is_some() || now < topic.topic.release.earliest() {
            // Released by hand, or moved later (the moved job or its follow-up releases it).
            return Ok(None);
        }
        let queued = release(&mut tx, &self.app, &topic, now, false).await?;
        if let Some(count) = queued {
            audit(
                &mut tx,
                &Actor::System,
                AuditAction::TopicRelease,
                target(id),
                Some(format!("released to {count} readers")),
                now,
            )
            .await?;
        }
        tx.commit().await?;
        Ok(queued)
    }
}

impl Handler for ReleaseJobs {
    fn run<'a>(&'a self, job: &'a Job) -> HandlerFuture<'a> {
        Box::pin(async move {
            if job.payload_version != RELEASE_PAYLOAD_VERSION {
                return Err(JobError::Permanent(format!(
                    "topic_release payload version {} is unknown",
                    job.payload_version
                )));
            }
            let payload: ReleasePayload = serde_json::from_str(&job.payload)
                .map_err(|e| JobError::Permanent(format!("topic_release payload: {e}")))?;
            match self.run_for(TopicId(payload.topic)).await {
                Ok(_) => Ok(()),
                Err(AppError::NotFound) => Err(JobError::Permanent(format!(
                    "topic {} does not exist",
                    payload.topic
                ))),
                Err(error) => Err(JobError::Temporary(error.to_string())),
            }
        })
    }
}

/// Turns topic emails off or on for the holder of an emailed unsubscribe token, without
/// signing in. False when no one has the token (nothing changes).
pub async fn set_topic_emails(app: &App, token: &str, off: bool) -> Result<bool, AppError> {
    let now = app.now();
    let mut tx = app.begin().await?;
    let Some(user) = tx.set_topics_off(token, off, now).await? else {
        return Ok(false);
    };
    let actor = Actor::User {
        id: user,
        role: iln_domain::account::Role::Participant,
        countries: Vec::new(),
    };
    audit(
        &mut tx,
        &actor,
        AuditAction::TopicEmails,
        Some(format!("user:{user}")),
        Some(if off { "off" } else { "on" }.to_owned()),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(true)
}

//! Check-ins and intervention. On each of the round's check-in days after the introductions
//! every member of a running partnership is asked by email "Have you heard from your
//! partner?", with one link per answer. The links carry a secret in their query (never logged;
//! only its hash is stored),
//! expire, and work without signing in; the answer is taken by a POST from the page the link
//! opens, so a mail scanner that follows links changes nothing.
//!
//! "Not yet", "my partner has not replied", or no answer and no logged contact
//! [`ANSWER_WAIT`] after the emails, starts the partnership's ladder, one job per step: both
//! partners are reminded; then the partnership is flagged on the coordinators' desks; then,
//! after the round's wait, the waiting member is offered a new partner (they take it from My
//! partnership, which ends the partnership so the re-match pairs them). Every step is keyed
//! and checks first whether someone reported contact, which stops the ladder.

use iln_domain::audit::AuditAction;
use iln_domain::checkin::{
    ANSWER_WAIT, CheckInAnswer, FLAG_AFTER, LINK_LIFETIME, LadderReason, LadderStep,
};
use iln_domain::contact::ContactWay;
use iln_domain::round::RoundState;
use iln_store::{
    Job, NewEmail, NewJob, PartnershipId, PartnershipRecord, RoundId, RoundRecord, StoreError, Tx,
    UserId,
};
use jiff::{SignedDuration, Timestamp};
use serde::{Deserialize, Serialize};

use crate::accounts::{new_secret, secret_hash};
use crate::jobs::{Handler, HandlerFuture, JobError};
use crate::notify::{Composed, Notice};
use crate::{Actor, App, AppError, audit};

/// The job that sends a round's check-in of one day (or one partnership's).
pub const CHECKIN_JOB: &str = "checkin";
/// The job that looks for check-ins nobody answered.
pub const FOLLOWUP_JOB: &str = "checkin_followup";
/// The job of one step of a partnership's ladder.
pub const LADDER_JOB: &str = "ladder";
/// The shape of the payloads of these jobs.
pub const PAYLOAD_VERSION: i64 = 1;

/// The input of `checkin` and `checkin_followup` jobs: the round's partnerships of the day,
/// or one partnership (made later by a re-match).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckInPayload {
    pub v: i64,
    pub round: i64,
    pub day: i64,
    #[serde(default)]
    pub partnership: Option<i64>,
}

/// The input of a `ladder` job.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LadderPayload {
    pub v: i64,
    pub partnership: i64,
    pub step: i64,
}

/// What this area tells people by email. The words are the web layer's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CheckInNotice {
    /// The check-in question, with one absolute link per answer.
    Ask {
        name: String,
        partners: Vec<String>,
        day: i64,
        links: Vec<(CheckInAnswer, String)>,
    },
    /// Step 1: a friendly nudge to both partners.
    Reminder {
        name: String,
        partners: Vec<String>,
        link: String,
    },
    /// Step 3: the waiting member may ask for a new partner.
    Offer {
        name: String,
        partners: Vec<String>,
        link: String,
    },
}

/// Why an answer was not taken. Each is a friendly page, and none changes anything.
#[derive(Debug, thiserror::Error)]
pub enum AnswerError {
    /// No check-in has this link: mistyped, cut short, or forged.
    #[error("no check-in has this link")]
    Unknown,
    /// The link is older than [`LINK_LIFETIME`].
    #[error("this check-in link has expired")]
    Expired,
    /// Answered before (the link was used already): the first answer stands.
    #[error("this check-in was answered already")]
    AlreadyAnswered {
        answer: CheckInAnswer,
        at: Timestamp,
    },
    #[error(transparent)]
    App(#[from] AppError),
}

impl From<StoreError> for AnswerError {
    fn from(error: StoreError) -> Self {
        AnswerError::App(AppError::Store(error))
    }
}

fn job(kind: &str, payload: &impl Serialize, at: Timestamp) -> Result<NewJob, StoreError> {
    NewJob::new(kind, PAYLOAD_VERSION, payload, at)
}

fn days(n: i64) -> SignedDuration {
    SignedDuration::from_hours(24 * n)
}

/// Schedules the round's check-ins for the partnerships published at `now`: one job per
/// check-in day, keyed by round and day. Publishing calls it in its transaction.
pub async fn schedule_round(
    tx: &mut Tx,
    round: &RoundRecord,
    now: Timestamp,
) -> Result<(), StoreError> {
    for day in &round.round.settings.checkins {
        let day = i64::from(*day);
        let payload = CheckInPayload {
            v: PAYLOAD_VERSION,
            round: round.id.0,
            day,
            partnership: None,
        };
        tx.enqueue_job(
            &job(CHECKIN_JOB, &payload, now + days(day))?
                .key(format!("checkin:{}:{day}", round.id)),
            now,
        )
        .await?;
    }
    Ok(())
}

/// Schedules the check-ins of one partnership made after publication (by a re-match).
pub async fn schedule_partnership(
    tx: &mut Tx,
    round: &RoundRecord,
    partnership: PartnershipId,
    now: Timestamp,
) -> Result<(), StoreError> {
    for day in &round.round.settings.checkins {
        let day = i64::from(*day);
        let payload = CheckInPayload {
            v: PAYLOAD_VERSION,
            round: round.id.0,
            day,
            partnership: Some(partnership.0),
        };
        tx.enqueue_job(
            &job(CHECKIN_JOB, &payload, now + days(day))?
                .key(format!("checkin:{}:{day}:p{partnership}", round.id)),
            now,
        )
        .await?;
    }
    Ok(())
}

/// The partnerships a check-in payload names: running, and old enough for its day.
async fn partnerships_of(
    tx: &mut Tx,
    payload: &CheckInPayload,
    now: Timestamp,
) -> Result<Vec<PartnershipRecord>, StoreError> {
    Ok(tx
        .round_partnerships(RoundId(payload.round))
        .await?
        .into_iter()
        .filter(|p| p.is_running())
        .filter(|p| payload.partnership.is_none_or(|id| p.id.0 == id))
        .filter(|p| p.created_at + days(payload.day) <= now + SignedDuration::from_secs(60))
        .collect())
}

fn compose(app: &App, notice: CheckInNotice, to: &str) -> Option<NewEmail> {
    let to = iln_domain::account::Email::parse(to).ok()?;
    let Composed {
        subject,
        text_body,
        html_body,
    } = app.composer().compose(&Notice::CheckIns(notice));
    Some(NewEmail {
        to,
        subject,
        text_body,
        html_body,
    })
}

fn others(partnership: &PartnershipRecord, user: UserId) -> Vec<String> {
    partnership
        .partners_of(user)
        .map(|m| m.profile.name.clone())
        .collect()
}

/// Sends one check-in: a secret link per answer to each member who has not had this day's.
async fn send_checkins(
    tx: &mut Tx,
    app: &App,
    payload: &CheckInPayload,
    now: Timestamp,
) -> Result<usize, StoreError> {
    let Some(round) = tx.round(RoundId(payload.round)).await? else {
        return Ok(0);
    };
    if round.round.at(now).state != RoundState::Active {
        return Ok(0);
    }
    let mut sent = 0;
    for partnership in partnerships_of(tx, payload, now).await? {
        for member in &partnership.members {
            let secret = new_secret();
            if !tx
                .create_checkin(
                    partnership.id,
                    member.user,
                    payload.day,
                    &secret_hash(&secret),
                    now,
                    now + LINK_LIFETIME,
                )
                .await?
            {
                continue;
            }
            let links = CheckInAnswer::ALL
                .into_iter()
                .map(|a| {
                    let path = format!("/checkin?t={secret}&answer={}", a.as_str());
                    (a, app.links().url(&path))
                })
                .collect();
            let notice = CheckInNotice::Ask {
                name: member.profile.name.clone(),
                partners: others(&partnership, member.user),
                day: payload.day,
                links,
            };
            if let Some(email) = compose(app, notice, &member.profile.email) {
                tx.enqueue_email_once(
                    &email,
                    now,
                    &format!(
                        "checkin-email:{}:{}:{}",
                        partnership.id, member.user, payload.day
                    ),
                    now,
                )
                .await?;
                sent += 1;
            }
        }
    }
    // Those who have not answered by then, and logged no contact, start the ladder.
    let followup = CheckInPayload {
        v: PAYLOAD_VERSION,
        ..payload.clone()
    };
    let key = match payload.partnership {
        None => format!("checkin-followup:{}:{}", payload.round, payload.day),
        Some(p) => format!("checkin-followup:{}:{}:p{p}", payload.round, payload.day),
    };
    tx.enqueue_job(
        &job(FOLLOWUP_JOB, &followup, now + ANSWER_WAIT)?.key(key),
        now,
    )
    .await?;
    Ok(sent)
}

/// Why a coordinator's "ask them now" was not taken.
#[derive(Debug, thiserror::Error)]
pub enum AskError {
    /// The partnership has ended, or its round is not running.
    #[error("the partnership is not running")]
    NotRunning,
    /// Introduced less than a day ago: there is nothing to ask yet.
    #[error("the partnership is less than a day old")]
    TooSoon,
    /// Its members were asked today already (by the schedule or by a coordinator).
    #[error("its members were asked today already")]
    AskedToday,
    #[error(transparent)]
    App(#[from] AppError),
}

impl From<StoreError> for AskError {
    fn from(error: StoreError) -> Self {
        AskError::App(AppError::Store(error))
    }
}

/// A coordinator asks a partnership's members "Have you heard from your partner?" now,
/// instead of waiting for the next scheduled check-in: the same email, links and ladder as
/// the schedule's, as a check-in job queued to run at once, with its audit entry, in one
/// transaction. A country coordinator may ask a partnership with a member of their
/// countries; anyone else gets not found. Gives the check-in's day (days since the
/// introductions), which also keys it, so asking twice in a day sends nothing twice.
pub async fn ask_now(
    app: &App,
    actor: &Actor,
    partnership: PartnershipId,
) -> Result<i64, AskError> {
    let now = app.now();
    let mut tx = app.begin().await?;
    let record = tx
        .partnership(partnership)
        .await?
        .filter(|p| p.members.iter().any(|m| actor.covers_country(m.country)))
        .ok_or(AppError::NotFound)?;
    let round = tx.round(record.round).await?.ok_or(AppError::NotFound)?;
    if !record.is_running() || round.round.at(now).state != RoundState::Active {
        return Err(AskError::NotRunning);
    }
    let day = now.duration_since(record.created_at).as_hours() / 24;
    if day < 1 {
        return Err(AskError::TooSoon);
    }
    if tx
        .checkins_of(partnership)
        .await?
        .iter()
        .any(|c| c.day == day)
    {
        return Err(AskError::AskedToday);
    }
    let payload = CheckInPayload {
        v: PAYLOAD_VERSION,
        round: record.round.0,
        day,
        partnership: Some(partnership.0),
    };
    let key = format!("checkin:{}:{day}:p{partnership}", record.round);
    if tx.job_by_key(&key).await?.is_some() {
        return Err(AskError::AskedToday);
    }
    tx.enqueue_job(&job(CHECKIN_JOB, &payload, now)?.key(key), now)
        .await?;
    audit(
        &mut tx,
        actor,
        AuditAction::CheckInAsk,
        Some(format!("partnership:{partnership}")),
        Some(format!("day {day}")),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(day)
}

/// Starts a partnership's ladder and queues its first step, unless it has one.
async fn start_ladder(
    tx: &mut Tx,
    partnership: PartnershipId,
    reason: LadderReason,
    waiting: Option<UserId>,
    now: Timestamp,
) -> Result<bool, StoreError> {
    if !tx.start_ladder(partnership, reason, waiting, now).await? {
        return Ok(false);
    }
    queue_step(tx, partnership, LadderStep::Reminded, now, now).await?;
    Ok(true)
}

async fn queue_step(
    tx: &mut Tx,
    partnership: PartnershipId,
    step: LadderStep,
    at: Timestamp,
    now: Timestamp,
) -> Result<(), StoreError> {
    let payload = LadderPayload {
        v: PAYLOAD_VERSION,
        partnership: partnership.0,
        step: step.number(),
    };
    tx.enqueue_job(
        &job(LADDER_JOB, &payload, at)?.key(format!("ladder:{partnership}:{}", step.number())),
        now,
    )
    .await?;
    Ok(())
}

/// The follow-up: every partnership of the check-in where nobody answered "in touch" and
/// no contact is logged starts its ladder (an answer of "not yet" or "no reply" did so
/// already).
async fn follow_up(
    tx: &mut Tx,
    payload: &CheckInPayload,
    now: Timestamp,
) -> Result<usize, StoreError> {
    let mut started = 0;
    for partnership in partnerships_of(tx, payload, now).await? {
        let checkins: Vec<_> = tx
            .checkins_of(partnership.id)
            .await?
            .into_iter()
            .filter(|c| c.day == payload.day)
            .collect();
        if checkins.is_empty() || tx.has_contact(partnership.id).await? {
            continue;
        }
        if checkins.iter().any(|c| c.answer.is_some()) {
            // An answer decided already: in touch stops, anything else started the ladder.
            continue;
        }
        if start_ladder(tx, partnership.id, LadderReason::NoAnswer, None, now).await? {
            started += 1;
        }
    }
    Ok(started)
}

/// Emails the members `who` picks the words of a ladder step (the reminder, the offer), once
/// each: keyed by partnership, step and member.
async fn tell(
    tx: &mut Tx,
    app: &App,
    partnership: &PartnershipRecord,
    step: LadderStep,
    who: impl Fn(UserId) -> bool,
    now: Timestamp,
) -> Result<(), StoreError> {
    let link = app.links().url("/partnership");
    for member in partnership.members.iter().filter(|m| who(m.user)) {
        let name = member.profile.name.clone();
        let partners = others(partnership, member.user);
        let notice = match step {
            LadderStep::Offered => CheckInNotice::Offer {
                name,
                partners,
                link: link.clone(),
            },
            _ => CheckInNotice::Reminder {
                name,
                partners,
                link: link.clone(),
            },
        };
        if let Some(email) = compose(app, notice, &member.profile.email) {
            let key = format!(
                "ladder-email:{}:{}:{}",
                partnership.id,
                step.number(),
                member.user
            );
            tx.enqueue_email_once(&email, now, &key, now).await?;
        }
    }
    Ok(())
}

/// One step of a partnership's ladder, unless it stopped.
async fn run_step(
    tx: &mut Tx,
    app: &App,
    partnership_id: PartnershipId,
    step: LadderStep,
    now: Timestamp,
) -> Result<bool, StoreError> {
    let Some(ladder) = tx.ladder(partnership_id).await? else {
        return Ok(false);
    };
    let Some(partnership) = tx.partnership(partnership_id).await? else {
        return Ok(false);
    };
    if ladder.stopped_at.is_some() || !partnership.is_running() {
        return Ok(false);
    }
    let Some(round) = tx.round(partnership.round).await? else {
        return Ok(false);
    };
    match step {
        LadderStep::Reminded => {
            tell(tx, app, &partnership, step, |_| true, now).await?;
            queue_step(
                tx,
                partnership_id,
                LadderStep::Flagged,
                now + FLAG_AFTER,
                now,
            )
            .await?;
        }
        LadderStep::Flagged => {
            // The desks read the ladder's step: being at step 2 is the flag.
            let wait = days(i64::from(round.round.settings.offer_after_days));
            queue_step(tx, partnership_id, LadderStep::Offered, now + wait, now).await?;
        }
        LadderStep::Offered => {
            let waiting = ladder.waiting;
            tell(
                tx,
                app,
                &partnership,
                step,
                |user| waiting.is_none_or(|w| w == user),
                now,
            )
            .await?;
        }
    }
    tx.set_ladder_step(partnership_id, step, now).await?;
    audit(
        tx,
        &Actor::System,
        AuditAction::LadderStep,
        Some(format!("partnership:{partnership_id}")),
        Some(format!(
            "step {} ({})",
            step.number(),
            ladder.reason.as_str()
        )),
        now,
    )
    .await?;
    Ok(true)
}

/// What the page a check-in link opens shows: who is asked about whom, and any answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckInView {
    pub name: String,
    pub partners: Vec<String>,
    pub answered: Option<(CheckInAnswer, Timestamp)>,
}

/// Reads the check-in a link names, changing nothing (the page a link opens).
pub async fn look(app: &App, secret: &str) -> Result<CheckInView, AnswerError> {
    let mut tx = app.begin().await?;
    let checkin = tx
        .checkin_by_hash(&secret_hash(secret))
        .await?
        .ok_or(AnswerError::Unknown)?;
    let partnership = tx
        .partnership(checkin.partnership)
        .await?
        .ok_or(AnswerError::Unknown)?;
    let name = partnership
        .members
        .iter()
        .find(|m| m.user == checkin.user)
        .map(|m| m.profile.name.clone())
        .unwrap_or_default();
    let answered = checkin.answer.zip(checkin.answered_at);
    if answered.is_none() && app.now() >= checkin.expires_at {
        return Err(AnswerError::Expired);
    }
    Ok(CheckInView {
        name,
        partners: others(&partnership, checkin.user),
        answered,
    })
}

/// Takes an answer from a check-in link: stores it; "in touch" logs a contact and stops the
/// ladder; "not yet" and "no reply" start it. Forged, expired and used links change nothing.
pub async fn answer(app: &App, secret: &str, answer: CheckInAnswer) -> Result<(), AnswerError> {
    let now = app.now();
    let mut tx = app.begin().await?;
    let checkin = tx
        .checkin_by_hash(&secret_hash(secret))
        .await?
        .ok_or(AnswerError::Unknown)?;
    if let (Some(answer), Some(at)) = (checkin.answer, checkin.answered_at) {
        return Err(AnswerError::AlreadyAnswered { answer, at });
    }
    if now >= checkin.expires_at {
        return Err(AnswerError::Expired);
    }
    if !tx.answer_checkin(checkin.id, answer, now).await? {
        // Answered by a racing request a moment ago: that answer stands.
        return Err(AnswerError::AlreadyAnswered { answer, at: now });
    }
    let actor = Actor::User {
        id: checkin.user,
        role: iln_domain::account::Role::Participant,
        countries: Vec::new(),
    };
    match LadderReason::of(answer) {
        None => {
            let partnership = tx.partnership(checkin.partnership).await?;
            let day = partnership
                .as_ref()
                .map(|_| now.to_zoned(jiff::tz::TimeZone::UTC).date())
                .ok_or(AnswerError::Unknown)?;
            tx.log_contact(
                checkin.partnership,
                checkin.user,
                day,
                ContactWay::CheckIn,
                None,
                now,
            )
            .await?;
            tx.stop_ladder(checkin.partnership, now).await?;
        }
        Some(reason) => {
            start_ladder(
                &mut tx,
                checkin.partnership,
                reason,
                Some(checkin.user),
                now,
            )
            .await?;
        }
    }
    audit(
        &mut tx,
        &actor,
        AuditAction::CheckInAnswer,
        Some(format!("partnership:{}", checkin.partnership)),
        Some(format!("day {}: {}", checkin.day, answer.as_str())),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Runs `checkin`, `checkin_followup` and `ladder` jobs.
pub struct CheckInJobs {
    app: App,
}

impl CheckInJobs {
    pub fn new(app: App) -> Self {
        Self { app }
    }

    /// Runs one job of these kinds; gives how many emails or ladders it made.
    pub async fn run_job(
        &self,
        kind: &str,
        version: i64,
        payload: &str,
    ) -> Result<usize, JobError> {
        if version != PAYLOAD_VERSION {
            return Err(JobError::Permanent(format!(
                "{kind} payload version {version} is unknown"
            )));
        }
        let now = self.app.now();
        let temporary = |e: StoreError| JobError::Temporary(e.to_string());
        let mut tx = self
            .app
            .begin()
            .await
            .map_err(|e| JobError::Temporary(e.to_string()))?;
        let done = match kind {
            CHECKIN_JOB | FOLLOWUP_JOB => {
                let payload: CheckInPayload = serde_json::from_str(payload)
                    .map_err(|e| JobError::Permanent(format!("{kind} payload: {e}")))?;
                if kind == CHECKIN_JOB {
                    send_checkins(&mut tx, &self.app, &payload, now)
                        .await
                        .map_err(temporary)?
                } else {
                    follow_up(&mut tx, &payload, now).await.map_err(temporary)?
                }
            }
            LADDER_JOB => {
                let payload: LadderPayload = serde_json::from_str(payload)
                    .map_err(|e| JobError::Permanent(format!("ladder payload: {e}")))?;
                let step = LadderStep::from_number(payload.step).ok_or_else(|| {
                    JobError::Permanent(format!("ladder step {} is unknown", payload.step))
                })?;
                usize::from(
                    run_step(
                        &mut tx,
                        &self.app,
                        PartnershipId(payload.partnership),
                        step,
                        now,
                    )
                    .await
                    .map_err(temporary)?,
                )
            }
            other => return Err(JobError::Permanent(format!("not a check-in job: {other}"))),
        };
        tx.commit().await.map_err(temporary)?;
        Ok(done)
    }
}

impl Handler for CheckInJobs {
    fn run<'a>(&'a self, job: &'a Job) -> HandlerFuture<'a> {
        Box::pin(async move {
            self.run_job(&job.kind, job.payload_version, &job.payload)
                .await
                .map(|_| ())
        })
    }
}

/// Stops a partnership's ladder inside `tx`: the contact log calls it.
pub async fn contact_reported(
    tx: &mut Tx,
    partnership: PartnershipId,
    now: Timestamp,
) -> Result<(), StoreError> {
    tx.stop_ladder(partnership, now).await?;
    Ok(())
}

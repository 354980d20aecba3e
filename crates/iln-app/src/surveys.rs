//! Surveys: building a round's surveys, inviting its participants on the opening morning,
//! reminding those who have not answered, taking and changing answers from the personal
//! link, and adding up the results for each reader's scope.
//!
//! Every new round starts with a mid-round and an end-of-round survey: the previous round's,
//! moved to the new dates (so questions stay comparable), or the network's defaults.
//!
//! The link in an invitation carries a secret that is stored only as its SHA-256. The answers
//! are stored under a second hash of the same secret, so its holder finds and changes them,
//! while for an anonymous survey nothing in the database says whose they are. A reminder
//! sends a fresh link (the first one stops working), since the first secret is not kept.

use std::collections::{BTreeMap, BTreeSet};

use iln_domain::audit::AuditAction;
use iln_domain::country::CountryCode;
use iln_domain::round::RoundState;
use iln_domain::survey::{
    self, AnswerError, FREE_TEXT_MIN_ANSWERS, QuestionKey, QuestionResult, Response, Survey,
    SurveyError, SurveyForm, Tally,
};
use iln_store::{
    InvitationRecord, Job, NewJob, PartnershipRecord, RoundId, RoundRecord, StoreError, SurveyId,
    SurveyRecord, Tx, UserId,
};
use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use crate::accounts::{new_secret, secret_hash};
use crate::jobs::{Handler, HandlerFuture, JobError};
use crate::notify::{self, Notice};
use crate::{Actor, App, AppError, audit};

/// The job that opens a survey: one invitation per participant.
pub const OPEN_JOB: &str = "survey_open";
/// The job that reminds those who have not answered.
pub const REMINDER_JOB: &str = "survey_reminder";
/// The shape of these jobs' payloads.
pub const PAYLOAD_VERSION: i64 = 1;

/// The input of both jobs; `reminder` is the reminder's number (0 or 1) for the second.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SurveyPayload {
    pub v: i64,
    pub survey: i64,
    #[serde(default)]
    pub reminder: Option<usize>,
}

pub fn open_job_key(id: SurveyId) -> String {
    format!("survey-open:{id}")
}

pub fn reminder_job_key(id: SurveyId, n: usize) -> String {
    format!("survey-reminder:{id}:{n}")
}

/// What this area tells people by email. The words are the web layer's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SurveyNotice {
    /// The invitation, or (with `reminder`) a reminder, with the person's own link.
    Invite {
        name: String,
        round: String,
        title: String,
        intro: String,
        closes_on: jiff::civil::Date,
        link: String,
        reminder: bool,
        anonymous: bool,
    },
}

/// Why a survey was not built or changed.
#[derive(Debug, thiserror::Error)]
pub enum BuildError {
    #[error("the survey form has mistakes")]
    Invalid(Vec<SurveyError>),
    /// It opened: answers have come in against these questions.
    #[error("the survey has opened")]
    AlreadyOpen,
    /// The round is over; its surveys stay as they are.
    #[error("the round is closed")]
    RoundClosed,
    #[error(transparent)]
    App(#[from] AppError),
}

impl From<StoreError> for BuildError {
    fn from(error: StoreError) -> Self {
        BuildError::App(AppError::Store(error))
    }
}

/// Why an answer was not taken, or a link shows no form. Each is a clear page; none changes
/// anything already stored.
#[derive(Debug, thiserror::Error)]
pub enum LinkError {
    /// No invitation has this link: mistyped, cut short, forged, or replaced by a reminder's.
    #[error("no survey invitation has this link")]
    Unknown,
    /// Someone else is signed in: the link belongs to another person.
    #[error("the link belongs to someone else")]
    SomeoneElse,
    /// The survey closed; any answers given stay.
    #[error("the survey closed")]
    Closed { closed: Timestamp, answered: bool },
    /// Answers with mistakes: each question's, to show next to it.
    #[error("some answers are wrong")]
    Invalid(Vec<(QuestionKey, AnswerError)>),
    #[error(transparent)]
    App(#[from] AppError),
}

impl From<StoreError> for LinkError {
    fn from(error: StoreError) -> Self {
        LinkError::App(AppError::Store(error))
    }
}

fn admin_only(actor: &Actor) -> Result<(), AppError> {
    if actor.is_admin() {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

fn job(kind: &str, payload: &SurveyPayload, at: Timestamp) -> Result<NewJob, StoreError> {
    NewJob::new(kind, PAYLOAD_VERSION, payload, at)
}

/// Queues (or moves) a survey's opening job and its reminder jobs; a reminder no longer
/// asked for is called off.
async fn schedule(
    tx: &mut Tx,
    id: SurveyId,
    survey: &Survey,
    round: &RoundRecord,
    now: Timestamp,
) -> Result<(), StoreError> {
    let settings = &round.round.settings;
    let open = SurveyPayload {
        v: PAYLOAD_VERSION,
        survey: id.0,
        reminder: None,
    };
    let at = survey.opens_at(settings);
    if !tx.reschedule_job(&open_job_key(id), at, now).await? {
        tx.enqueue_job(&job(OPEN_JOB, &open, at)?.key(open_job_key(id)), now)
            .await?;
    }
    for n in 0..survey::REMINDERS_MAX {
        let key = reminder_job_key(id, n);
        match survey.reminder_at(n, settings) {
            Some(at) => {
                if !tx.reschedule_job(&key, at, now).await? {
                    let payload = SurveyPayload {
                        reminder: Some(n),
                        ..open.clone()
                    };
                    tx.enqueue_job(&job(REMINDER_JOB, &payload, at)?.key(key), now)
                        .await?;
                }
            }
            None => {
                tx.cancel_job_by_key(&key, now).await?;
            }
        }
    }
    Ok(())
}

/// Gives a new round its surveys, in the transaction that creates it: the surveys of the
/// latest earlier round that has any, moved to this round's dates, or the defaults.
pub async fn set_up_round(
    tx: &mut Tx,
    round: &RoundRecord,
    now: Timestamp,
) -> Result<usize, StoreError> {
    let mut earlier = None;
    for id in (1..round.id.0).rev() {
        let surveys = tx.round_surveys(RoundId(id)).await?;
        if !surveys.is_empty() {
            if let Some(previous) = tx.round(RoundId(id)).await? {
                earlier = Some((previous, surveys));
            }
            break;
        }
    }
    let settings = &round.round.settings;
    let surveys: Vec<Survey> = match earlier {
        Some((previous, surveys)) => surveys
            .iter()
            .map(|s| s.survey.copied_for(&previous.round.settings, settings))
            .collect(),
        None => survey::defaults(settings).into(),
    };
    for survey in &surveys {
        let id = tx.create_survey(round.id, survey, None, now).await?;
        schedule(tx, id, survey, round, now).await?;
    }
    Ok(surveys.len())
}

/// Calls off the pending jobs of a round's surveys (a cancelled round).
pub async fn call_off_round(tx: &mut Tx, round: RoundId, now: Timestamp) -> Result<(), StoreError> {
    for stored in tx.round_surveys(round).await? {
        tx.cancel_job_by_key(&open_job_key(stored.id), now).await?;
        for n in 0..survey::REMINDERS_MAX {
            tx.cancel_job_by_key(&reminder_job_key(stored.id, n), now)
                .await?;
        }
    }
    Ok(())
}

async fn round_for_building(tx: &mut Tx, round: RoundId) -> Result<RoundRecord, BuildError> {
    let record = tx.round(round).await?.ok_or(AppError::NotFound)?;
    if record.round.state == RoundState::Closed {
        return Err(BuildError::RoundClosed);
    }
    Ok(record)
}

/// An admin adds a survey to a round, with its jobs and audit entry.
pub async fn create(
    app: &App,
    actor: &Actor,
    round: RoundId,
    form: &SurveyForm,
) -> Result<SurveyId, BuildError> {
    admin_only(actor)?;
    let now = app.now();
    let mut tx = app.begin().await?;
    let record = round_for_building(&mut tx, round).await?;
    let survey = Survey::parse(form, &record.round.settings).map_err(BuildError::Invalid)?;
    let id = tx
        .create_survey(round, &survey, actor.user_id(), now)
        .await?;
    schedule(&mut tx, id, &survey, &record, now).await?;
    audit(
        &mut tx,
        actor,
        AuditAction::SurveyCreate,
        Some(format!("survey:{id}")),
        Some(format!("round:{round}: {}", survey.title)),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// An admin changes a survey before it opens; its jobs move with its days.
pub async fn update(
    app: &App,
    actor: &Actor,
    id: SurveyId,
    form: &SurveyForm,
) -> Result<(), BuildError> {
    admin_only(actor)?;
    let now = app.now();
    let mut tx = app.begin().await?;
    let stored = tx.survey(id).await?.ok_or(AppError::NotFound)?;
    if stored.opened_at.is_some() {
        return Err(BuildError::AlreadyOpen);
    }
    let record = round_for_building(&mut tx, stored.round).await?;
    let survey = Survey::parse(form, &record.round.settings).map_err(BuildError::Invalid)?;
    tx.update_survey(id, &survey, now).await?;
    schedule(&mut tx, id, &survey, &record, now).await?;
    audit(
        &mut tx,
        actor,
        AuditAction::SurveyUpdate,
        Some(format!("survey:{id}")),
        Some(survey.title.clone()),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// An admin opens a survey now instead of on its day: the invitations go out at once. Gives
/// how many were invited.
pub async fn open_now(app: &App, actor: &Actor, id: SurveyId) -> Result<usize, BuildError> {
    admin_only(actor)?;
    let now = app.now();
    let mut tx = app.begin().await?;
    let stored = tx.survey(id).await?.ok_or(AppError::NotFound)?;
    if stored.opened_at.is_some() {
        return Err(BuildError::AlreadyOpen);
    }
    let record = round_for_building(&mut tx, stored.round).await?;
    let invited = open(&mut tx, app, &stored, &record, now).await?;
    tx.cancel_job_by_key(&open_job_key(id), now).await?;
    audit(
        &mut tx,
        actor,
        AuditAction::SurveyOpen,
        Some(format!("survey:{id}")),
        Some(format!("opened by hand: {invited} invited")),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(invited)
}

/// The people a survey asks: each member of a partnership of the round that is running, or
/// that ran to the round's end (the end-of-round survey opens after it), once, with the
/// country they took part from.
fn participants(
    partnerships: &[PartnershipRecord],
    round: &RoundRecord,
) -> BTreeMap<UserId, (CountryCode, String, String)> {
    let end = round.round.settings.ends_at();
    let last_day = end
        .checked_sub(jiff::SignedDuration::from_hours(24))
        .unwrap_or(end);
    let mut people = BTreeMap::new();
    for p in partnerships {
        let counts = match &p.ended {
            None => true,
            Some(ending) => ending.at >= last_day,
        };
        if !counts {
            continue;
        }
        for m in &p.members {
            people
                .entry(m.user)
                .or_insert_with(|| (m.country, m.profile.name.clone(), m.profile.email.clone()));
        }
    }
    people
}

/// The respondent value the answers of the holder of `secret` are kept under.
pub fn respondent(secret: &str) -> String {
    secret_hash(&format!("survey-response:{secret}"))
}

fn invite_email(
    app: &App,
    round: &RoundRecord,
    survey: &Survey,
    name: &str,
    to: &str,
    secret: &str,
    reminder: bool,
) -> Option<(iln_domain::account::Email, Notice)> {
    let to = iln_domain::account::Email::parse(to).ok()?;
    let notice = Notice::Surveys(SurveyNotice::Invite {
        name: name.to_owned(),
        round: round.round.settings.name.to_string(),
        title: survey.title.clone(),
        intro: survey.intro.clone(),
        closes_on: survey.closes_on,
        link: app.links().url(&format!("/survey?t={secret}")),
        reminder,
        anonymous: survey.anonymous,
    });
    Some((to, notice))
}

/// Someone invited just now: their new link's secret, and the name and address to write to.
struct Invited {
    secret: String,
    name: String,
    email: String,
}

/// Invites everyone the survey asks, each with their own link, and marks it opened. Gives
/// how many were invited now (nobody twice).
async fn open(
    tx: &mut Tx,
    app: &App,
    stored: &SurveyRecord,
    round: &RoundRecord,
    now: Timestamp,
) -> Result<usize, StoreError> {
    let mut sent = 0;
    for person in invite(tx, stored, round, now).await?.values() {
        if let Some((to, notice)) = invite_email(
            app,
            round,
            &stored.survey,
            &person.name,
            &person.email,
            &person.secret,
            false,
        ) {
            notify::send(tx, app.composer(), &to, &notice, now).await?;
            sent += 1;
        }
    }
    Ok(sent)
}

/// Opens a survey without its invitation emails, giving each person's new link secret: the
/// end of a round opens its end-of-round survey this way and puts the links in its thanks.
pub(crate) async fn open_quietly(
    tx: &mut Tx,
    stored: &SurveyRecord,
    round: &RoundRecord,
    now: Timestamp,
) -> Result<BTreeMap<UserId, String>, StoreError> {
    let invited = invite(tx, stored, round, now).await?;
    tx.cancel_job_by_key(&open_job_key(stored.id), now).await?;
    Ok(invited
        .into_iter()
        .map(|(user, p)| (user, p.secret))
        .collect())
}

/// Marks the survey opened and invites everyone it asks who was not invited; nothing when
/// it had opened before.
async fn invite(
    tx: &mut Tx,
    stored: &SurveyRecord,
    round: &RoundRecord,
    now: Timestamp,
) -> Result<BTreeMap<UserId, Invited>, StoreError> {
    let mut invited = BTreeMap::new();
    if !tx.mark_survey_opened(stored.id, now).await? {
        return Ok(invited);
    }
    let partnerships = tx.round_partnerships(round.id).await?;
    for (user, (country, name, email)) in participants(&partnerships, round) {
        let secret = new_secret();
        if tx
            .invite_to_survey(stored.id, user, country, &secret_hash(&secret), now)
            .await?
        {
            invited.insert(
                user,
                Invited {
                    secret,
                    name,
                    email,
                },
            );
        }
    }
    Ok(invited)
}

/// Reminder `n`: a fresh link to each invited person who has not answered and has had
/// fewer reminders, while the survey is open.
async fn remind(
    tx: &mut Tx,
    app: &App,
    stored: &SurveyRecord,
    round: &RoundRecord,
    n: usize,
    now: Timestamp,
) -> Result<usize, StoreError> {
    if stored.opened_at.is_none() || now >= stored.survey.closes_at(&round.round.settings) {
        return Ok(0);
    }
    let partnerships = tx.round_partnerships(round.id).await?;
    let people = participants(&partnerships, round);
    let mut sent = 0;
    for invitation in tx.survey_invitations(stored.id).await? {
        if invitation.responded_at.is_some()
            || usize::try_from(invitation.reminded).unwrap_or(usize::MAX) > n
        {
            continue;
        }
        let Some((_, name, email)) = people.get(&invitation.user) else {
            continue;
        };
        let secret = new_secret();
        tx.replace_survey_link(invitation.id, &secret_hash(&secret))
            .await?;
        tx.count_survey_reminder(invitation.id).await?;
        if let Some((to, notice)) =
            invite_email(app, round, &stored.survey, name, email, &secret, true)
        {
            notify::send(tx, app.composer(), &to, &notice, now).await?;
            sent += 1;
        }
    }
    Ok(sent)
}

/// The jobs of this area.
pub struct SurveyJobs {
    app: App,
}

impl SurveyJobs {
    pub fn new(app: App) -> Self {
        Self { app }
    }

    /// Runs one job; gives how many emails it queued.
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
        let payload: SurveyPayload = serde_json::from_str(payload)
            .map_err(|e| JobError::Permanent(format!("{kind} payload: {e}")))?;
        let temporary = |e: StoreError| JobError::Temporary(e.to_string());
        let now = self.app.now();
        let mut tx = self
            .app
            .begin()
            .await
            .map_err(|e| JobError::Temporary(e.to_string()))?;
        let Some(stored) = tx
            .survey(SurveyId(payload.survey))
            .await
            .map_err(temporary)?
        else {
            return Ok(0);
        };
        let Some(round) = tx.round(stored.round).await.map_err(temporary)? else {
            return Ok(0);
        };
        let done = match (kind, payload.reminder) {
            (OPEN_JOB, _) => {
                let n = open(&mut tx, &self.app, &stored, &round, now)
                    .await
                    .map_err(temporary)?;
                if n > 0 {
                    audit(
                        &mut tx,
                        &Actor::System,
                        AuditAction::SurveyOpen,
                        Some(format!("survey:{}", stored.id)),
                        Some(format!("{n} invited")),
                        now,
                    )
                    .await
                    .map_err(temporary)?;
                }
                n
            }
            (REMINDER_JOB, Some(n)) => remind(&mut tx, &self.app, &stored, &round, n, now)
                .await
                .map_err(temporary)?,
            (other, _) => return Err(JobError::Permanent(format!("not a survey job: {other}"))),
        };
        tx.commit().await.map_err(temporary)?;
        Ok(done)
    }
}

impl Handler for SurveyJobs {
    fn run<'a>(&'a self, job: &'a Job) -> HandlerFuture<'a> {
        Box::pin(async move {
            self.run_job(&job.kind, job.payload_version, &job.payload)
                .await
                .map(|_| ())
        })
    }
}

// ---------------------------------------------------------------------------------------
// Answering from the link.

/// What the page a survey link opens shows.
#[derive(Debug, Clone, PartialEq)]
pub struct LinkView {
    pub survey: SurveyRecord,
    pub round_name: String,
    /// When it stops taking answers.
    pub closes_at: Timestamp,
    /// The answers given so far through this link, to change.
    pub answers: Option<Response>,
}

async fn invitation_of(
    tx: &mut Tx,
    secret: &str,
    viewer: Option<UserId>,
) -> Result<(InvitationRecord, SurveyRecord, RoundRecord), LinkError> {
    let invitation = tx
        .invitation_by_hash(&secret_hash(secret.trim()))
        .await?
        .ok_or(LinkError::Unknown)?;
    if viewer.is_some_and(|v| v != invitation.user) {
        return Err(LinkError::SomeoneElse);
    }
    let survey = tx
        .survey(invitation.survey)
        .await?
        .ok_or(LinkError::Unknown)?;
    let round = tx.round(survey.round).await?.ok_or(LinkError::Unknown)?;
    Ok((invitation, survey, round))
}

/// Reads what a link shows, changing nothing. `viewer` is the signed-in person, if any.
pub async fn look(app: &App, secret: &str, viewer: Option<UserId>) -> Result<LinkView, LinkError> {
    let mut tx = app.begin().await?;
    let (invitation, survey, round) = invitation_of(&mut tx, secret, viewer).await?;
    let closes_at = survey.survey.closes_at(&round.round.settings);
    if app.now() >= closes_at {
        return Err(LinkError::Closed {
            closed: closes_at,
            answered: invitation.responded_at.is_some(),
        });
    }
    let answers = tx
        .response_by_respondent(&respondent(secret.trim()))
        .await?
        .map(|r| r.response);
    Ok(LinkView {
        survey,
        round_name: round.round.settings.name.to_string(),
        closes_at,
        answers,
    })
}

/// Takes (or changes) the answers of the holder of the link, with an audit entry that for
/// an anonymous survey names nobody. Gives whether these replaced earlier answers.
pub async fn answer(
    app: &App,
    secret: &str,
    viewer: Option<UserId>,
    fields: &[(String, String)],
) -> Result<bool, LinkError> {
    let now = app.now();
    let mut tx = app.begin().await?;
    let (invitation, survey, round) = invitation_of(&mut tx, secret, viewer).await?;
    let closes_at = survey.survey.closes_at(&round.round.settings);
    if now >= closes_at {
        return Err(LinkError::Closed {
            closed: closes_at,
            answered: invitation.responded_at.is_some(),
        });
    }
    let response = survey
        .survey
        .parse_response(fields)
        .map_err(LinkError::Invalid)?;
    let anonymous = survey.survey.anonymous;
    let changed = invitation.responded_at.is_some();
    tx.save_response(
        survey.id,
        invitation.id,
        &respondent(secret.trim()),
        (!anonymous).then_some(invitation.user),
        invitation.country,
        &response,
        now,
    )
    .await?;
    let actor = if anonymous {
        Actor::Anonymous
    } else {
        Actor::User {
            id: invitation.user,
            role: iln_domain::account::Role::Participant,
            countries: Vec::new(),
        }
    };
    audit(
        &mut tx,
        &actor,
        AuditAction::SurveyAnswer,
        Some(format!("survey:{}", survey.id)),
        Some(
            if changed {
                "answers changed"
            } else {
                "answered"
            }
            .to_owned(),
        ),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(changed)
}

// ---------------------------------------------------------------------------------------
// Results.

/// How many of a country were asked and answered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rate {
    pub country: CountryCode,
    pub invited: usize,
    pub answered: usize,
}

/// The same question in an earlier round.
#[derive(Debug, Clone, PartialEq)]
pub struct Earlier {
    pub round: String,
    pub result: QuestionResult,
}

/// A survey's results as one reader may see them.
#[derive(Debug, Clone, PartialEq)]
pub struct Results {
    pub survey: SurveyRecord,
    pub round_name: String,
    pub invited: usize,
    pub answered: usize,
    pub by_country: Vec<Rate>,
    pub questions: Vec<QuestionResult>,
    /// Per question key: the same question in earlier rounds, oldest first.
    pub earlier: BTreeMap<QuestionKey, Vec<Earlier>>,
    /// The countries the numbers cover; None for every country.
    pub scope: Option<Vec<CountryCode>>,
    /// The invited countries the reader may narrow to, whatever `country` was asked.
    pub countries: Vec<CountryCode>,
}

/// The countries `actor` may see results of, narrowed to `country` when given: None for
/// every country (admins), or a list (country coordinators; their own only).
fn scope_of(
    actor: &Actor,
    country: Option<CountryCode>,
) -> Result<Option<Vec<CountryCode>>, AppError> {
    match actor {
        Actor::User {
            role: iln_domain::account::Role::CountryCoordinator,
            countries,
            ..
        } => Ok(Some(match country {
            Some(c) if countries.contains(&c) => vec![c],
            Some(_) => return Err(AppError::NotFound),
            None => countries.clone(),
        })),
        other if other.is_admin() => Ok(country.map(|c| vec![c])),
        _ => Err(AppError::NotFound),
    }
}

/// Free text is hidden below [`FREE_TEXT_MIN_ANSWERS`] answers in an anonymous survey, and
/// from country coordinators in every survey (their countries are small enough for a few
/// answers to point to a person).
fn hide_text_below(actor: &Actor, survey: &Survey) -> Option<usize> {
    (survey.anonymous || !actor.is_admin()).then_some(FREE_TEXT_MIN_ANSWERS)
}

/// The results of a survey for `actor`: admins see every country (or one, with `country`),
/// country coordinators their own countries only; participants get not found.
pub async fn results(
    app: &App,
    actor: &Actor,
    id: SurveyId,
    country: Option<CountryCode>,
) -> Result<Results, AppError> {
    let scope = scope_of(actor, country)?;
    let in_scope = |c: &CountryCode| scope.as_ref().is_none_or(|s| s.contains(c));
    let store = app.store();
    let survey = store.survey(id).await?.ok_or(AppError::NotFound)?;
    let round = store.round(survey.round).await?.ok_or(AppError::NotFound)?;
    let invitations = store.survey_invitations(id).await?;
    let readable = scope_of(actor, None)?;
    let countries: Vec<CountryCode> = invitations
        .iter()
        .map(|i| i.country)
        .filter(|c| readable.as_ref().is_none_or(|s| s.contains(c)))
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let mut rates: BTreeMap<CountryCode, Rate> = BTreeMap::new();
    for i in invitations.iter().filter(|i| in_scope(&i.country)) {
        let rate = rates.entry(i.country).or_insert(Rate {
            country: i.country,
            invited: 0,
            answered: 0,
        });
        rate.invited += 1;
        rate.answered += usize::from(i.responded_at.is_some());
    }
    let responses = store.survey_responses(id).await?;
    let mine: Vec<&Response> = responses
        .iter()
        .filter(|r| in_scope(&r.country))
        .map(|r| &r.response)
        .collect();
    let hide = hide_text_below(actor, &survey.survey);
    let questions = survey::tally(&survey.survey, &mine, hide);

    // The same questions in rounds that started before this one.
    let mut earlier: BTreeMap<QuestionKey, Vec<Earlier>> = BTreeMap::new();
    let keys: BTreeSet<&QuestionKey> = survey.survey.questions.iter().map(|q| &q.key).collect();
    let mut rounds: Vec<RoundRecord> = store
        .list_rounds()
        .await?
        .into_iter()
        .filter(|r| r.id != round.id && r.round.settings.starts < round.round.settings.starts)
        .collect();
    rounds.sort_by_key(|r| r.round.settings.starts);
    for other in rounds {
        for past in store.round_surveys(other.id).await? {
            if past.survey.kind != survey.survey.kind
                || !past.survey.questions.iter().any(|q| keys.contains(&q.key))
            {
                continue;
            }
            let answers = store.survey_responses(past.id).await?;
            let theirs: Vec<&Response> = answers
                .iter()
                .filter(|r| in_scope(&r.country))
                .map(|r| &r.response)
                .collect();
            // Only the numbers are compared; free text stays with its own survey.
            for result in survey::tally(&past.survey, &theirs, Some(usize::MAX)) {
                if keys.contains(&result.key) && !matches!(result.tally, Tally::Text { .. }) {
                    earlier
                        .entry(result.key.clone())
                        .or_default()
                        .push(Earlier {
                            round: other.round.settings.name.to_string(),
                            result,
                        });
                }
            }
        }
    }
    let by_country: Vec<Rate> = rates.into_values().collect();
    Ok(Results {
        round_name: round.round.settings.name.to_string(),
        invited: by_country.iter().map(|r| r.invited).sum(),
        answered: by_country.iter().map(|r| r.answered).sum(),
        by_country,
        questions,
        earlier,
        survey,
        scope,
        countries,
    })
}

/// One response as a reader may see it: its country, the person for a survey that is not
/// anonymous (admins only), and an answer per question of the survey, in order (None when
/// it was left out, or is free text the results page hides).
#[derive(Debug, Clone, PartialEq)]
pub struct AnswerRow {
    pub country: CountryCode,
    pub person: Option<String>,
    pub submitted_at: Timestamp,
    pub answers: Vec<Option<survey::AnswerValue>>,
}

/// A survey's responses in `actor`'s scope, for spreadsheets.
#[derive(Debug, Clone, PartialEq)]
pub struct Answers {
    pub survey: SurveyRecord,
    /// Whether rows name their person (an admin reading a survey that is not anonymous).
    pub show_people: bool,
    pub rows: Vec<AnswerRow>,
}

/// Every response `actor` may see: admins every country, country coordinators their own
/// countries only; free text the results page hides stays out here too.
pub async fn answers(app: &App, actor: &Actor, id: SurveyId) -> Result<Answers, AppError> {
    let scope = scope_of(actor, None)?;
    let in_scope = |c: &CountryCode| scope.as_ref().is_none_or(|s| s.contains(c));
    let store = app.store();
    let record = store.survey(id).await?.ok_or(AppError::NotFound)?;
    let survey = &record.survey;
    let show_people = actor.is_admin() && !survey.anonymous;
    let responses: Vec<_> = store
        .survey_responses(id)
        .await?
        .into_iter()
        .filter(|r| in_scope(&r.country))
        .collect();
    // The same tally as the results page, so the same free text is hidden.
    let mine: Vec<&Response> = responses.iter().map(|r| &r.response).collect();
    let hidden: BTreeSet<QuestionKey> =
        survey::tally(survey, &mine, hide_text_below(actor, survey))
            .into_iter()
            .filter(|q| matches!(q.tally, Tally::Text { hidden: true, .. }))
            .map(|q| q.key)
            .collect();
    let mut rows = Vec::new();
    for response in responses {
        let person = match (show_people, response.user) {
            (true, Some(user)) => Some(
                store
                    .user(user)
                    .await?
                    .map(|u| u.display_name.to_string())
                    .unwrap_or_default(),
            ),
            _ => None,
        };
        let answers = survey
            .questions
            .iter()
            .map(|q| {
                (!hidden.contains(&q.key))
                    .then(|| response.response.answers.get(&q.key).cloned())
                    .flatten()
            })
            .collect();
        rows.push(AnswerRow {
            country: response.country,
            person,
            submitted_at: response.submitted_at,
            answers,
        });
    }
    Ok(Answers {
        survey: record,
        show_people,
        rows,
    })
}

/// An answer as one spreadsheet cell: a rating's points, a choice, choices joined by "; ".
pub fn answer_text(answer: &survey::AnswerValue) -> String {
    match answer {
        survey::AnswerValue::Rating(p) => p.to_string(),
        survey::AnswerValue::Choice(c) => c.clone(),
        survey::AnswerValue::Choices(cs) => cs.join("; "),
        survey::AnswerValue::Text(t) => t.clone(),
    }
}

/// One row per response the reader may see, for a spreadsheet: the country, the person for
/// a survey that is not anonymous (admins only), and each question's answer as text.
pub async fn export(
    app: &App,
    actor: &Actor,
    id: SurveyId,
) -> Result<(Vec<String>, Vec<Vec<String>>), AppError> {
    let answers = answers(app, actor, id).await?;
    let mut header = vec!["country".to_owned()];
    if answers.show_people {
        header.push("person".to_owned());
    }
    header.extend(
        answers
            .survey
            .survey
            .questions
            .iter()
            .map(|q| q.prompt.clone()),
    );
    let rows = answers
        .rows
        .into_iter()
        .map(|r| {
            let mut row = vec![r.country.as_str().to_owned()];
            if answers.show_people {
                row.push(r.person.unwrap_or_default());
            }
            row.extend(
                r.answers
                    .iter()
                    .map(|a| a.as_ref().map(answer_text).unwrap_or_default()),
            );
            row
        })
        .collect();
    Ok((header, rows))
}

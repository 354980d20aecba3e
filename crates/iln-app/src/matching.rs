//! Matching: runs, locks, forbidden and allowed pairs, swaps, publishing the partnerships with
//! their introductions.
//!
//! Each use-case here takes the actor, typed input and the clock (through [`crate::App`])
//! and runs in one transaction. Publishing is the big one: the partnerships, the round's move
//! to active, the audit entry and every member's introduction commit together or not at all,
//! so a failure halfway leaves the round in matching and a retry publishes it whole.

use std::collections::{BTreeMap, BTreeSet};

use iln_domain::account::Email;
use iln_domain::audit::AuditAction;
use iln_domain::proposal::{self, MatchRequest, Proposal, ProposalError};
use iln_domain::round::{AdminAction, Milestone, RoundState};
use iln_store::{
    ApplicationId, ApplicationRecord, LadderRecord, MatchOptions, MatchRun, MatchRunId,
    MatchRunKind, NewEmail, NewMatchRun, NewPartnership, NewPartnershipMember, PartnerProfile,
    PartnershipId, PartnershipRecord, RoundId, RoundRecord, StoreError, Tx, UserId,
    matching_applicant,
};

use jiff::Timestamp;

use crate::notify::{Composed, Notice};
use crate::rounds::{apply_due_dates, record_transition, round_now};
use crate::{Actor, App, AppError, audit};

/// What this area tells people by email. The words are the web layer's
/// (`iln_web::emails::matching`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MatchingNotice {
    /// A new partnership, told to one of its members: who the others are and how to begin.
    Introduction {
        /// The member told, as they gave their name.
        name: String,
        /// The round's name.
        round: String,
        /// What the member sees of each other member (one, or two in a trio).
        partners: Vec<PartnerProfile>,
        /// Why the engine paired them, in words people read.
        explanation: String,
        /// The commitments of the version this member agreed to when applying, which may be
        /// older than the form's current wording.
        commitments: Vec<String>,
        /// The round's dates as they stand when the partnership is made.
        timeline: Vec<Milestone>,
        /// The member's partnership page, absolute.
        link: String,
    },
    /// A partnership ended early, told to each member who did not end it.
    Ended {
        name: String,
        round: String,
        /// Why, as the person who ended it wrote.
        reason: String,
        /// The member's partnership page, absolute.
        link: String,
    },
}

/// The longest reason for ending a partnership early that is kept, in characters.
pub const REASON_MAX_LEN: usize = 1000;

/// Why a matching use-case did not do what was asked.
#[derive(Debug, thiserror::Error)]
pub enum MatchingError {
    /// Runs are made only while the round is in matching.
    #[error("matching runs only while the round is in matching; it is {state}")]
    NotMatching { state: RoundState },
    /// Locks and the never-pair list belong to the matching step.
    #[error("locks and the never-pair list change only while the round is in matching")]
    PairsClosed,
    /// A swap changes the proposal of a round still in matching.
    #[error("swaps are possible only while the round is in matching")]
    SwapsClosed,
    /// A swap exchanges partners of a stored proposal; there is none yet.
    #[error("run matching first: a swap exchanges the partners of a proposal")]
    NoRunToSwap,
    /// Publishing moves a round from matching to active; this one is elsewhere.
    #[error("only a round in matching can be published")]
    NotPublishable,
    /// Publishing creates the partnerships of the latest run; there is none.
    #[error("run matching first: publishing creates the partnerships of the latest run")]
    NoRunToPublish,
    /// A decision changed after the latest run: someone in it is no longer approved.
    #[error(
        "someone in the latest run is no longer approved; run matching again before publishing"
    )]
    NoLongerApproved,
    /// The round has partnerships already.
    #[error("this round's partnerships are already published")]
    AlreadyPublished,
    /// The same application was chosen twice.
    #[error("choose two different people")]
    SamePerson,
    /// A chosen application is not an approved one of this round.
    #[error("choose two people from the approved applicants")]
    NotApproved,
    /// The engine refused the request (a lock that breaks a rule, a swap of someone unpaired),
    /// said with people's names in place of application ids.
    #[error("{0}")]
    Engine(String),
    /// The partnership has ended already.
    #[error("this partnership has already ended")]
    AlreadyEnded,
    /// Only partnerships of an active round end early.
    #[error("only a partnership of a running round can end early")]
    RoundNotRunning,
    /// Ending early needs a reason, for the coordinators to help.
    #[error("no reason given for ending the partnership")]
    NoReason,
    /// The reason is longer than [`REASON_MAX_LEN`].
    #[error("the reason has more than {REASON_MAX_LEN} characters")]
    ReasonTooLong,
    /// Another transaction moved the round between reading and writing.
    #[error("the round changed meanwhile; reload its page")]
    Moved,
    /// A re-match pairs people left alone while partnerships run; this round is elsewhere.
    #[error("a re-match is for a round whose partnerships are running")]
    NotRunning,
    /// Everyone of the round is in a running partnership.
    #[error("nobody in this round is left without a partner")]
    NobodyAlone,
    /// There is no re-match proposal, or the people left alone changed since it was made.
    #[error("run the re-match first: the people left alone have changed or none are left")]
    RematchStale,
    #[error(transparent)]
    App(#[from] AppError),
}

impl From<StoreError> for MatchingError {
    fn from(error: StoreError) -> Self {
        MatchingError::App(AppError::Store(error))
    }
}

/// A change to the pairs an admin steers the engine with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PairChange {
    /// The two are always paired.
    Lock,
    /// A lock is lifted.
    Unlock,
    /// The two are never paired (and any lock between them goes: the newer wish wins).
    Forbid,
    /// The two leave the never-pair list.
    Allow,
}

impl PairChange {
    pub const ALL: [PairChange; 4] = [
        PairChange::Lock,
        PairChange::Unlock,
        PairChange::Forbid,
        PairChange::Allow,
    ];

    /// The name forms and URLs use.
    pub fn as_str(self) -> &'static str {
        match self {
            PairChange::Lock => "lock",
            PairChange::Unlock => "unlock",
            PairChange::Forbid => "forbid",
            PairChange::Allow => "allow",
        }
    }

    /// The change named `name`, or None for anything else.
    pub fn parse(name: &str) -> Option<PairChange> {
        PairChange::ALL.into_iter().find(|c| c.as_str() == name)
    }

    fn audit_action(self) -> AuditAction {
        match self {
            PairChange::Lock => AuditAction::RoundMatchLock,
            PairChange::Unlock => AuditAction::RoundMatchUnlock,
            PairChange::Forbid => AuditAction::RoundMatchForbid,
            PairChange::Allow => AuditAction::RoundMatchAllow,
        }
    }
}

/// What [`publish`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Published {
    pub run: MatchRunId,
    pub partnerships: usize,
    pub introductions: usize,
}

fn round_target(id: RoundId) -> Option<String> {
    Some(format!("round:{id}"))
}

/// Only admins (and the operator or the platform) run and steer matching.
fn admin_only(actor: &Actor) -> Result<(), MatchingError> {
    if actor.is_admin() {
        Ok(())
    } else {
        Err(AppError::Forbidden.into())
    }
}

/// The approved applications of a round, by id, read inside `tx`.
pub async fn approved_in(
    tx: &mut Tx,
    round: RoundId,
) -> Result<BTreeMap<ApplicationId, ApplicationRecord>, StoreError> {
    Ok(tx
        .approved_applications(round)
        .await?
        .into_iter()
        .map(|record| (record.id, record))
        .collect())
}

/// The approved applications of a round, by id, as they stand now.
pub async fn approved(
    app: &App,
    round: RoundId,
) -> Result<BTreeMap<ApplicationId, ApplicationRecord>, AppError> {
    let mut tx = app.begin().await?;
    let approved = approved_in(&mut tx, round).await?;
    // Read only: nothing to keep.
    drop(tx);
    Ok(approved)
}

/// The member of a new partnership that an application becomes.
pub fn new_member(record: &ApplicationRecord) -> NewPartnershipMember {
    NewPartnershipMember {
        user: record.user,
        application: Some(record.id),
        country: record.application.country,
        sector: record.application.sector,
        profile: PartnerProfile::of(&record.application),
    }
}

/// The request for a run over a round's approved applicants with the stored locks and
/// never-pair list. Locks and forbidden pairs naming someone no longer approved are left out
/// (the page says how many), so a late decision cannot make the page unusable.
pub async fn prepare(
    app: &App,
    round: &RoundRecord,
    options: &MatchOptions,
    approved: &BTreeMap<ApplicationId, ApplicationRecord>,
) -> Result<MatchRequest, AppError> {
    let store = app.store();
    let past = store.all_past_partners().await?;
    let by_user: BTreeMap<UserId, ApplicationId> =
        approved.values().map(|r| (r.user, r.id)).collect();
    let none = BTreeSet::new();
    let applicants = approved
        .values()
        .map(|record| matching_applicant(record, &past, &by_user, &none))
        .collect();
    let known = |pairs: Vec<(ApplicationId, ApplicationId)>| -> Vec<(String, String)> {
        pairs
            .into_iter()
            .filter(|(a, b)| approved.contains_key(a) && approved.contains_key(b))
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect()
    };
    let locks = known(store.locked_pairs(round.id).await?);
    let forbidden = known(store.forbidden_pairs(round.id).await?);
    Ok(MatchRequest {
        applicants,
        weights: options.weights,
        program_languages: options.languages.clone(),
        round_start: round.round.settings.starts_at(),
        leftover: options.leftover,
        mode: options.mode,
        locks,
        forbidden,
        priority: BTreeSet::new(),
    })
}

/// An engine error with application ids replaced by names.
pub fn describe_error(
    error: &ProposalError,
    approved: &BTreeMap<ApplicationId, ApplicationRecord>,
) -> String {
    let mut text = error.to_string();
    for (id, record) in approved {
        let quoted = format!("\"{id}\"");
        if text.contains(&quoted) {
            text = text.replace(&quoted, record.application.name.as_str());
        }
    }
    text
}

/// Runs the engine over the round's approved applicants with `options` and the stored locks
/// and never-pair list, and stores the run with its audit entry.
///
/// The engine works on a snapshot read before the transaction: it can take seconds for a
/// large round, and holding the write lock that long would stall every other writer. The
/// transaction checks again that the round is in matching before it stores the run.
pub async fn run(
    app: &App,
    actor: &Actor,
    round: RoundId,
    options: &MatchOptions,
) -> Result<MatchRunId, MatchingError> {
    admin_only(actor)?;
    let record = round_now(app, round).await?;
    if record.round.state != RoundState::Matching {
        return Err(MatchingError::NotMatching {
            state: record.round.state,
        });
    }
    let approved = approved(app, round).await?;
    let request = prepare(app, &record, options, &approved).await?;
    // CPU work: off the async threads.
    let result = tokio::task::spawn_blocking(move || proposal::run(&request))
        .await
        .map_err(|e| MatchingError::Engine(format!("the matching engine stopped: {e}")))?;
    let proposal = result.map_err(|e| MatchingError::Engine(describe_error(&e, &approved)))?;
    let now = app.now();
    let mut tx = app.begin().await?;
    let current = apply_due_dates(&mut tx, app, round).await?;
    if current.round.state != RoundState::Matching {
        return Err(MatchingError::NotMatching {
            state: current.round.state,
        });
    }
    let run = save_run(&mut tx, actor, round, options, &proposal, now).await?;
    tx.commit().await?;
    Ok(run)
}

async fn save_run(
    tx: &mut Tx,
    actor: &Actor,
    round: RoundId,
    options: &MatchOptions,
    proposal: &Proposal,
    now: jiff::Timestamp,
) -> Result<MatchRunId, StoreError> {
    let run = tx
        .save_match_run(
            &NewMatchRun {
                round,
                kind: MatchRunKind::Round,
                run_by: actor.user_id(),
                options,
                proposal,
            },
            now,
        )
        .await?;
    audit(
        tx,
        actor,
        AuditAction::RoundMatch,
        round_target(round),
        Some(format!(
            "run {run}: {} people, {} partnerships, total {}",
            proposal.people,
            proposal.partnerships.len(),
            proposal.total
        )),
        now,
    )
    .await?;
    Ok(run)
}

/// Two different approved applications of the round, or why not.
fn chosen(
    approved: &BTreeMap<ApplicationId, ApplicationRecord>,
    a: ApplicationId,
    b: ApplicationId,
) -> Result<(), MatchingError> {
    if !approved.contains_key(&a) || !approved.contains_key(&b) {
        Err(MatchingError::NotApproved)
    } else if a == b {
        Err(MatchingError::SamePerson)
    } else {
        Ok(())
    }
}

/// Locks, unlocks, forbids or allows the pair `a`, `b` of approved applicants of a round in
/// matching, with its audit entry.
pub async fn change_pair(
    app: &App,
    actor: &Actor,
    round: RoundId,
    change: PairChange,
    a: ApplicationId,
    b: ApplicationId,
) -> Result<(), MatchingError> {
    admin_only(actor)?;
    let now = app.now();
    let by = actor.user_id();
    let mut tx = app.begin().await?;
    let record = apply_due_dates(&mut tx, app, round).await?;
    if record.round.state != RoundState::Matching {
        return Err(MatchingError::PairsClosed);
    }
    chosen(&approved_in(&mut tx, round).await?, a, b)?;
    // Unlocking or allowing a pair that was not locked or forbidden changes nothing and is
    // no error: the page's buttons may be pressed twice.
    match change {
        PairChange::Lock => tx.lock_pairs(round, &[(a, b)], by, now).await?,
        PairChange::Unlock => {
            tx.unlock_pair(round, a, b).await?;
        }
        PairChange::Forbid => {
            // A pair cannot be both locked and forbidden: the newer wish wins.
            tx.unlock_pair(round, a, b).await?;
            tx.forbid_pair(round, a, b, by, now).await?;
        }
        PairChange::Allow => {
            tx.allow_pair(round, a, b).await?;
        }
    }
    audit(
        &mut tx,
        actor,
        change.audit_action(),
        round_target(round),
        Some(format!("applications {a} and {b}")),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Swaps the partners of `a` and `b` in the latest proposal: two locks that the next run
/// keeps, with the audit entry.
pub async fn swap(
    app: &App,
    actor: &Actor,
    round: RoundId,
    a: ApplicationId,
    b: ApplicationId,
) -> Result<(), MatchingError> {
    admin_only(actor)?;
    let now = app.now();
    let mut tx = app.begin().await?;
    let record = apply_due_dates(&mut tx, app, round).await?;
    let approved = approved_in(&mut tx, round).await?;
    chosen(&approved, a, b)?;
    let latest = tx.latest_match_runs(round, MatchRunKind::Round, 1).await?;
    let Some(run) = latest.first() else {
        return Err(MatchingError::NoRunToSwap);
    };
    if record.round.state != RoundState::Matching {
        return Err(MatchingError::SwapsClosed);
    }
    let locks = run
        .proposal
        .swap(&a.to_string(), &b.to_string())
        .map_err(|e| MatchingError::Engine(describe_error(&e, &approved)))?;
    let pairs: Vec<(ApplicationId, ApplicationId)> = locks
        .iter()
        .filter_map(|(x, y)| Some((x.parse().ok()?, y.parse().ok()?)))
        .collect();
    tx.lock_pairs(round, &pairs, actor.user_id(), now).await?;
    audit(
        &mut tx,
        actor,
        AuditAction::RoundMatchSwap,
        round_target(round),
        Some(format!("applications {a} and {b}")),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// The introduction emails of one partnership: one to each member, naming the others, with
/// the commitments that member agreed to. Composed here, queued by the caller, so that many
/// partnerships' emails go into the store in a few statements.
pub fn introductions(
    app: &App,
    round: &RoundRecord,
    members: &[&ApplicationRecord],
    explanation: &str,
) -> Vec<NewEmail> {
    let link = app.links().url("/partnership");
    let timeline = round.round.status(app.now()).timeline;
    let profiles: Vec<PartnerProfile> = members
        .iter()
        .map(|m| PartnerProfile::of(&m.application))
        .collect();
    members
        .iter()
        .map(|member| {
            let notice = Notice::Matching(MatchingNotice::Introduction {
                name: member.application.name.to_string(),
                round: round.round.settings.name.to_string(),
                partners: members
                    .iter()
                    .zip(&profiles)
                    .filter(|(other, _)| other.user != member.user)
                    .map(|(_, profile)| profile.clone())
                    .collect(),
                explanation: explanation.to_owned(),
                commitments: member
                    .consent
                    .version
                    .commitments()
                    .iter()
                    .map(|c| (*c).to_owned())
                    .collect(),
                timeline: timeline.clone(),
                link: link.clone(),
            });
            let Composed {
                subject,
                text_body,
                html_body,
            } = app.composer().compose(&notice);
            NewEmail {
                to: member.application.email.clone(),
                subject,
                text_body,
                html_body,
            }
        })
        .collect()
}

/// Publishes the round's latest run: creates its partnerships, moves the round from matching
/// to active, writes the audit entry and queues every member's introduction, all in one
/// transaction. Anything failing leaves the round as it was, in matching, so a retry works.
pub async fn publish(app: &App, actor: &Actor, round: RoundId) -> Result<Published, MatchingError> {
    admin_only(actor)?;
    let now = app.now();
    let mut tx = app.begin().await?;
    let mut record = apply_due_dates(&mut tx, app, round).await?;
    if record.round.state != RoundState::Matching {
        return Err(MatchingError::NotPublishable);
    }
    let Some(run) = tx
        .latest_match_runs(round, MatchRunKind::Round, 1)
        .await?
        .into_iter()
        .next()
    else {
        return Err(MatchingError::NoRunToPublish);
    };
    let approved = approved_in(&mut tx, round).await?;
    let mut groups: Vec<Vec<&ApplicationRecord>> =
        Vec::with_capacity(run.proposal.partnerships.len());
    for partnership in &run.proposal.partnerships {
        let members: Option<Vec<&ApplicationRecord>> = partnership
            .members
            .iter()
            .map(|m| m.id.parse().ok().and_then(|id| approved.get(&id)))
            .collect();
        groups.push(members.ok_or(MatchingError::NoLongerApproved)?);
    }
    let partnerships: Vec<NewPartnership> = run
        .proposal
        .partnerships
        .iter()
        .zip(&groups)
        .map(|(partnership, members)| NewPartnership {
            round,
            run: Some(run.id),
            score: partnership.score,
            explanation: partnership.explanation.clone(),
            members: members.iter().map(|m| new_member(m)).collect(),
        })
        .collect();
    match tx.create_partnerships(&partnerships, true, now).await {
        Ok(_) => {}
        Err(StoreError::Conflict(_)) => return Err(MatchingError::AlreadyPublished),
        Err(error) => return Err(error.into()),
    }
    let transition = record
        .round
        .clone()
        .apply(AdminAction::Publish, now)
        .map_err(|_| MatchingError::NotPublishable)?;
    if !record_transition(&mut tx, app, actor, &record, &transition).await? {
        return Err(MatchingError::Moved);
    }
    record.round.state = transition.to;
    audit(
        &mut tx,
        actor,
        AuditAction::RoundPublish,
        round_target(round),
        Some(format!(
            "run {}: {} partnerships",
            run.id,
            partnerships.len()
        )),
        now,
    )
    .await?;
    let emails: Vec<NewEmail> = run
        .proposal
        .partnerships
        .iter()
        .zip(&groups)
        .flat_map(|(partnership, members)| {
            introductions(app, &record, members, &partnership.explanation)
        })
        .collect();
    tx.enqueue_emails(&emails, now).await?;
    crate::checkins::schedule_round(&mut tx, &record, now).await?;
    tx.commit().await?;
    Ok(Published {
        run: run.id,
        partnerships: partnerships.len(),
        introductions: emails.len(),
    })
}

/// Ends a running partnership early, by one of its members or an admin, with a reason: the
/// ending, its audit entry and an email to each other member, in one transaction.
///
/// Anyone else gets [`AppError::NotFound`], the same answer as for a partnership that does
/// not exist. Gives back the partnership as it was, for the page to go back to.
pub async fn end_partnership(
    app: &App,
    actor: &Actor,
    id: PartnershipId,
    reason: &str,
) -> Result<PartnershipRecord, MatchingError> {
    let now = app.now();
    let mut tx = app.begin().await?;
    let partnership = tx
        .partnership(id)
        .await?
        .filter(|p| actor.is_admin() || actor.user_id().is_some_and(|u| p.has_member(u)))
        .ok_or(AppError::NotFound)?;
    let round = apply_due_dates(&mut tx, app, partnership.round).await?;
    let reason = reason.trim();
    if !partnership.is_running() {
        return Err(MatchingError::AlreadyEnded);
    } else if round.round.state != RoundState::Active {
        return Err(MatchingError::RoundNotRunning);
    } else if reason.is_empty() {
        return Err(MatchingError::NoReason);
    } else if reason.chars().count() > REASON_MAX_LEN {
        return Err(MatchingError::ReasonTooLong);
    }
    tx.end_partnership(id, actor.user_id(), reason, now).await?;
    audit(
        &mut tx,
        actor,
        AuditAction::PartnershipEnd,
        Some(format!("partnership:{id}")),
        Some(reason.to_owned()),
        now,
    )
    .await?;
    let link = app.links().url("/partnership");
    let mut emails = Vec::new();
    for member in partnership
        .members
        .iter()
        .filter(|m| Some(m.user) != actor.user_id())
    {
        // The profile keeps the address as it was given on the application, which was
        // parsed then; one that no longer parses is skipped rather than failing the ending.
        let Ok(to) = Email::parse(&member.profile.email) else {
            continue;
        };
        let notice = Notice::Matching(MatchingNotice::Ended {
            name: member.profile.name.clone(),
            round: round.round.settings.name.to_string(),
            reason: reason.to_owned(),
            link: link.clone(),
        });
        let Composed {
            subject,
            text_body,
            html_body,
        } = app.composer().compose(&notice);
        emails.push(NewEmail {
            to,
            subject,
            text_body,
            html_body,
        });
    }
    tx.enqueue_emails(&emails, now).await?;
    tx.commit().await?;
    Ok(partnership)
}

// ---------------------------------------------------------------------------------------
// The re-match: people whose partnership ended early, paired among themselves or joining a
// running pair as its third member.

/// Someone of a round whose partnership ended and who is in no running partnership of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Alone {
    pub user: UserId,
    pub application: Option<ApplicationId>,
    pub name: String,
    /// Since when they have been waiting for a partner who never replied (the start of the
    /// ladder of the partnership that ended), if that is how they came to be alone. These
    /// people go first in a re-match. See [`mark_waiting`].
    pub waiting_since: Option<Timestamp>,
}

/// Whether `ladder` shows that `user` was left waiting: no contact ever stopped it, and it
/// names them as the one waiting, or names nobody (nobody answered, so both were offered).
pub fn left_waiting(ladder: &LadderRecord, user: UserId) -> bool {
    ladder.stopped_at.is_none() && ladder.waiting.is_none_or(|w| w == user)
}

/// Fills in [`Alone::waiting_since`] from the ladders of the round's ended partnerships, and
/// puts those who waited first, longest wait first; the others keep their order.
pub fn mark_waiting(
    alone: &mut [Alone],
    partnerships: &[PartnershipRecord],
    ladders: &BTreeMap<PartnershipId, LadderRecord>,
) {
    for person in alone.iter_mut() {
        person.waiting_since = partnerships
            .iter()
            .filter(|p| !p.is_running() && p.has_member(person.user))
            .filter_map(|p| ladders.get(&p.id))
            .filter(|l| left_waiting(l, person.user))
            .map(|l| l.started_at)
            .min();
    }
    alone.sort_by_key(|a| (a.waiting_since.is_none(), a.waiting_since));
}

/// The people of a round left alone, from its partnerships, each once.
pub fn left_alone(partnerships: &[PartnershipRecord]) -> Vec<Alone> {
    let running: BTreeSet<UserId> = partnerships
        .iter()
        .filter(|p| p.is_running())
        .flat_map(|p| p.members.iter().map(|m| m.user))
        .collect();
    let mut seen = BTreeSet::new();
    partnerships
        .iter()
        .filter(|p| !p.is_running())
        .flat_map(|p| &p.members)
        .filter(|m| !running.contains(&m.user) && seen.insert(m.user))
        .map(|m| Alone {
            user: m.user,
            application: m.application,
            name: m.profile.name.clone(),
            waiting_since: None,
        })
        .collect()
}

/// The latest re-match run if it is still current: it covers exactly the people alone now.
/// Anyone else left alone since, or paired again since, makes it stale.
pub fn current_rematch<'a>(latest: Option<&'a MatchRun>, alone: &[Alone]) -> Option<&'a MatchRun> {
    let alone_ids: BTreeSet<String> = alone
        .iter()
        .filter_map(|a| a.application.map(|id| id.to_string()))
        .collect();
    latest.filter(|run| {
        let proposed: BTreeSet<String> = run
            .proposal
            .partnerships
            .iter()
            .filter(|p| !p.locked || p.members.len() == 3)
            .flat_map(|p| p.members.iter().map(|m| m.id.clone()))
            .chain(run.proposal.unmatched.iter().map(|u| u.id.clone()))
            .filter(|id| alone_ids.contains(id))
            .collect();
        !alone_ids.is_empty() && proposed == alone_ids
    })
}

/// The people a re-match works on: the applications of those alone and of the members of
/// running pairs, whose pairs become locks.
struct RematchPeople {
    alone: Vec<Alone>,
    records: BTreeMap<ApplicationId, ApplicationRecord>,
    /// The running pair each lock stands for, by its sorted application ids.
    running: BTreeMap<Vec<String>, PartnershipId>,
    locks: Vec<(ApplicationId, ApplicationId)>,
}

async fn rematch_people(tx: &mut Tx, round: RoundId) -> Result<RematchPeople, MatchingError> {
    let partnerships = tx.round_partnerships(round).await?;
    let mut alone = left_alone(&partnerships);
    if alone.is_empty() {
        return Err(MatchingError::NobodyAlone);
    }
    let mut ladders = BTreeMap::new();
    for p in partnerships.iter().filter(|p| !p.is_running()) {
        if let Some(ladder) = tx.ladder(p.id).await? {
            ladders.insert(p.id, ladder);
        }
    }
    mark_waiting(&mut alone, &partnerships, &ladders);
    let mut records: BTreeMap<ApplicationId, ApplicationRecord> = BTreeMap::new();
    for id in alone.iter().filter_map(|a| a.application) {
        if let Some(record) = tx.application(id).await? {
            records.insert(id, record);
        }
    }
    let mut running = BTreeMap::new();
    let mut locks = Vec::new();
    for p in partnerships
        .iter()
        .filter(|p| p.is_running() && p.members.len() == 2)
    {
        let (Some(a), Some(b)) = (p.members[0].application, p.members[1].application) else {
            continue;
        };
        let (Some(first), Some(second)) = (tx.application(a).await?, tx.application(b).await?)
        else {
            continue;
        };
        records.insert(a, first);
        records.insert(b, second);
        let mut key = vec![a.to_string(), b.to_string()];
        key.sort();
        running.insert(key, p.id);
        locks.push((a, b));
    }
    Ok(RematchPeople {
        alone,
        records,
        running,
        locks,
    })
}

/// The engine's request for a re-match: the people alone and the running pairs as locks,
/// with the weights, languages and mode of the round's latest run.
async fn rematch_request(
    app: &App,
    round: &RoundRecord,
    people: &RematchPeople,
) -> Result<MatchRequest, AppError> {
    let store = app.store();
    let records = &people.records;
    let past = store.all_past_partners().await?;
    let by_user: BTreeMap<UserId, ApplicationId> =
        records.values().map(|r| (r.user, r.id)).collect();
    let lock_partner: BTreeMap<UserId, UserId> = people
        .locks
        .iter()
        .filter_map(|(a, b)| Some((records.get(a)?.user, records.get(b)?.user)))
        .flat_map(|(x, y)| [(x, y), (y, x)])
        .collect();
    let applicants = records
        .values()
        .map(|record| {
            // Someone in a running pair has their partner as a "previous" partner already;
            // the lock is that very partnership, not a repeat.
            let ignore: BTreeSet<UserId> = lock_partner
                .get(&record.user)
                .copied()
                .into_iter()
                .collect();
            matching_applicant(record, &past, &by_user, &ignore)
        })
        .collect();
    let runs = store
        .latest_match_runs(round.id, MatchRunKind::Round, 1)
        .await?;
    let options = runs.first().map(|run| run.options.clone());
    let settings = &round.round.settings;
    Ok(MatchRequest {
        applicants,
        weights: options.as_ref().map_or(settings.weights, |o| o.weights),
        program_languages: options
            .as_ref()
            .map_or_else(|| settings.languages.clone(), |o| o.languages.clone()),
        round_start: settings.starts_at(),
        // People alone may always join a running pair: that is the point of a re-match.
        leftover: iln_domain::round::LeftoverPolicy::Trio,
        mode: options.as_ref().map(|o| o.mode).unwrap_or_default(),
        locks: people
            .locks
            .iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect(),
        forbidden: store
            .forbidden_pairs(round.id)
            .await?
            .into_iter()
            .filter(|(a, b)| records.contains_key(a) && records.contains_key(b))
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect(),
        // Those a silent partner left waiting go first.
        priority: people
            .alone
            .iter()
            .filter(|a| a.waiting_since.is_some())
            .filter_map(|a| a.application)
            .filter(|id| records.contains_key(id))
            .map(|id| id.to_string())
            .collect(),
    })
}

/// Proposes a re-match for an active round: runs the engine over the people left alone and
/// the running pairs, and stores the run (kind re-match) with its audit entry. Nothing
/// changes for anyone until [`apply_rematch`].
pub async fn rematch(
    app: &App,
    actor: &Actor,
    round: RoundId,
) -> Result<MatchRunId, MatchingError> {
    admin_only(actor)?;
    let record = round_now(app, round).await?;
    if record.round.state != RoundState::Active {
        return Err(MatchingError::NotRunning);
    }
    let people = {
        let mut tx = app.begin().await?;
        // Read only: the snapshot the engine works on.
        rematch_people(&mut tx, round).await?
    };
    let request = rematch_request(app, &record, &people).await?;
    let options = MatchOptions::of(&request);
    let result = tokio::task::spawn_blocking(move || proposal::run(&request))
        .await
        .map_err(|e| MatchingError::Engine(format!("the matching engine stopped: {e}")))?;
    let proposal =
        result.map_err(|e| MatchingError::Engine(describe_error(&e, &people.records)))?;
    let now = app.now();
    let mut tx = app.begin().await?;
    let current = apply_due_dates(&mut tx, app, round).await?;
    if current.round.state != RoundState::Active {
        return Err(MatchingError::NotRunning);
    }
    let run = tx
        .save_match_run(
            &NewMatchRun {
                round,
                kind: MatchRunKind::Rematch,
                run_by: actor.user_id(),
                options: &options,
                proposal: &proposal,
            },
            now,
        )
        .await?;
    audit(
        &mut tx,
        actor,
        AuditAction::RoundRematch,
        round_target(round),
        Some(format!(
            "run {run}: {} people alone, {} partnerships proposed",
            people.alone.len(),
            proposal
                .partnerships
                .iter()
                .filter(|p| !p.locked || p.members.len() == 3)
                .count()
        )),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(run)
}

/// Applies the current re-match: creates its new pairs, adds each person who joins a running
/// pair as its third member, writes the audit entry and queues the introduction of every
/// partnership that changed, all in one transaction. Gives the number of partnerships made
/// or joined.
pub async fn apply_rematch(
    app: &App,
    actor: &Actor,
    round: RoundId,
) -> Result<usize, MatchingError> {
    admin_only(actor)?;
    let now = app.now();
    let mut tx = app.begin().await?;
    let record = apply_due_dates(&mut tx, app, round).await?;
    if record.round.state != RoundState::Active {
        return Err(MatchingError::NotRunning);
    }
    let people = match rematch_people(&mut tx, round).await {
        Err(MatchingError::NobodyAlone) => return Err(MatchingError::RematchStale),
        other => other?,
    };
    let latest = tx
        .latest_match_runs(round, MatchRunKind::Rematch, 1)
        .await?;
    let run = current_rematch(latest.first(), &people.alone).ok_or(MatchingError::RematchStale)?;
    let lookup = |id: &str| -> Option<&ApplicationRecord> {
        let id: ApplicationId = id.parse().ok()?;
        people.records.get(&id)
    };
    let mut changed = 0;
    let mut emails = Vec::new();
    for partnership in &run.proposal.partnerships {
        let members: Option<Vec<&ApplicationRecord>> =
            partnership.members.iter().map(|m| lookup(&m.id)).collect();
        let Some(members) = members else {
            // Someone of the proposal has no application any more: the proposal is stale.
            return Err(MatchingError::RematchStale);
        };
        if partnership.locked {
            if partnership.members.len() != 3 {
                // A running pair the re-match left as it is.
                continue;
            }
            // A running pair gains a third member.
            let mut key: Vec<String> = partnership
                .members
                .iter()
                .map(|m| m.id.clone())
                .filter(|id| people.running.keys().any(|k| k.contains(id)))
                .collect();
            key.sort();
            let Some(&running) = people.running.get(&key) else {
                return Err(MatchingError::RematchStale);
            };
            let Some(newcomer) = members.iter().find(|m| !key.contains(&m.id.to_string())) else {
                return Err(MatchingError::RematchStale);
            };
            tx.add_partnership_member(
                running,
                &new_member(newcomer),
                partnership.score,
                &partnership.explanation,
            )
            .await?;
        } else {
            let new = NewPartnership {
                round,
                run: Some(run.id),
                score: partnership.score,
                explanation: partnership.explanation.clone(),
                members: members.iter().map(|m| new_member(m)).collect(),
            };
            let made = tx
                .create_partnerships(std::slice::from_ref(&new), false, now)
                .await?;
            for id in made {
                crate::checkins::schedule_partnership(&mut tx, &record, id, now).await?;
            }
        }
        emails.extend(introductions(
            app,
            &record,
            &members,
            &partnership.explanation,
        ));
        changed += 1;
    }
    audit(
        &mut tx,
        actor,
        AuditAction::RoundRematchApply,
        round_target(round),
        Some(format!(
            "run {}: {changed} partnerships new or joined",
            run.id
        )),
        now,
    )
    .await?;
    tx.enqueue_emails(&emails, now).await?;
    tx.commit().await?;
    Ok(changed)
}

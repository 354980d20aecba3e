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
    ApplicationId, ApplicationRecord, MatchOptions, MatchRunId, MatchRunKind, NewEmail,
    NewMatchRun, NewPartnership, NewPartnershipMember, PartnerProfile, PartnershipId,
    PartnershipRecord, RoundId, RoundRecord, StoreError, Tx, UserId, matching_applicant,
};

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

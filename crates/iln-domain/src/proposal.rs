//! Running matching for a round: applicants, scores, hard rules and the admin's locks and
//! forbidden pairs go into the matching engine, and a proposal comes out: partnerships with
//! their scores and explanations, the totals an admin judges it by, who is unmatched and why,
//! whether the result is certified optimal, and what changed since the previous run.
//!
//! The engine sees only the people who are not locked: a locked pair is fixed before the run,
//! so the engine optimises everyone else around it. Hard rules become "no edge" in the
//! engine's scoring closure, so no rule-breaking pair can ever be proposed.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use iln_matching::candidates::{CandidateOptions, GroupedScores, solve_grouped};
use iln_matching::trio::{self, Leftover, UnmatchedReason};
use iln_matching::{Mode, SolveError, verify};
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::application::LanguageCode;
use crate::country::CountryCode;
use crate::round::{LeftoverPolicy, RoundSettings};
use crate::scoring::{BannedPair, Breakdown, MatchProfile, Rule, Scorer, ScorerError, Weights};

/// How many buckets the score distribution has.
pub const HISTOGRAM_BUCKETS: usize = 10;

/// One person taking part in a matching run.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Applicant {
    /// A stable key: the application's id in the app, the `id` column in `iln match`.
    pub id: String,
    pub name: String,
    pub profile: MatchProfile,
    /// Ids of everyone they were partnered with before; ids not in this run are ignored.
    pub previous_partners: BTreeSet<String>,
}

/// What the engine optimises, as offered on the page.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MatchMode {
    /// The largest total score; someone may stay single when that pays.
    #[default]
    BestTotal,
    /// As many partnerships as possible, then the largest total.
    MaxParticipation,
    /// As many partnerships as possible, then the highest lowest score, then the total.
    Fairness,
}

impl MatchMode {
    pub fn as_str(self) -> &'static str {
        match self {
            MatchMode::BestTotal => "best_total",
            MatchMode::MaxParticipation => "max_participation",
            MatchMode::Fairness => "fairness",
        }
    }

    fn engine(self) -> Mode {
        match self {
            MatchMode::BestTotal => Mode::MaxWeight,
            MatchMode::MaxParticipation => Mode::MaxCardinality,
            MatchMode::Fairness => Mode::Fairness,
        }
    }
}

/// Everything one matching run needs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MatchRequest {
    pub applicants: Vec<Applicant>,
    pub weights: Weights,
    /// Empty means any shared language will do.
    pub program_languages: BTreeSet<LanguageCode>,
    /// Time zone offsets are taken at this instant.
    pub round_start: Timestamp,
    pub leftover: LeftoverPolicy,
    pub mode: MatchMode,
    /// Pairs an admin fixed in advance, by applicant id.
    pub locks: Vec<(String, String)>,
    /// Pairs an admin said never to form, by applicant id.
    pub forbidden: Vec<(String, String)>,
    /// People who go first, by applicant id: a re-match's people who were left waiting by a
    /// partner who never replied. The run pairs as many of them as it can before it looks at
    /// anything else (within the mode's first aim: as many partnerships as possible, for the
    /// modes that have it), and they take the places in running pairs first.
    pub priority: BTreeSet<String>,
}

impl MatchRequest {
    /// A request with the round's weights, languages, start and leftover policy, no locks,
    /// no forbidden pairs and the default mode.
    pub fn for_round(settings: &RoundSettings, applicants: Vec<Applicant>) -> MatchRequest {
        MatchRequest {
            applicants,
            weights: settings.weights,
            program_languages: settings.languages.clone(),
            round_start: settings.starts_at(),
            leftover: settings.leftover,
            mode: MatchMode::default(),
            locks: Vec::new(),
            forbidden: Vec::new(),
            priority: BTreeSet::new(),
        }
    }
}

/// Why a matching run could not be done. All of them are about the request, never a panic.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ProposalError {
    #[error("two applicants have the id {0:?}")]
    DuplicateId(String),
    #[error("the {list} list names {id:?}, who is not in this round")]
    UnknownApplicant { list: &'static str, id: String },
    #[error("{0:?} cannot be locked with themselves")]
    LockedWithSelf(String),
    #[error("{0:?} is in two locked pairs")]
    LockedTwice(String),
    #[error("{a:?} and {b:?} cannot be locked together: {reason}", reason = .rule.reason())]
    LockBreaksRule { a: String, b: String, rule: Rule },
    #[error("{0:?} is not in a pair of this proposal, so they cannot be swapped")]
    NotPaired(String),
    #[error("{0:?} and {1:?} are in the same partnership; swapping them changes nothing")]
    SamePartnership(String, String),
    #[error("too many people to put first: their head start would not fit the engine's weights")]
    TooManyToPutFirst,
    #[error("scoring failed: {0}")]
    Scorer(#[from] ScorerError),
    #[error("the matching engine failed: {0}")]
    Engine(#[from] SolveError),
}

/// One member of a partnership.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Member {
    pub id: String,
    pub name: String,
    pub country: CountryCode,
}

/// The score of two members of a partnership and why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PairScore {
    pub a: String,
    pub b: String,
    pub score: i64,
    pub breakdown: Breakdown,
    pub sentence: String,
}

/// A proposed pair or trio.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Partnership {
    /// Two members, or three for a trio, in the order of the applicant list.
    pub members: Vec<Member>,
    /// The sum of the pair scores inside it (one pair, or three for a trio).
    pub score: i64,
    /// An admin fixed this pair in advance.
    pub locked: bool,
    /// The explanation a person can read.
    pub explanation: String,
    /// Every pair inside the partnership with its breakdown.
    pub pairs: Vec<PairScore>,
}

impl Partnership {
    pub fn is_trio(&self) -> bool {
        self.members.len() == 3
    }

    /// The members' ids, sorted: the partnership's identity when comparing proposals.
    pub fn key(&self) -> Vec<String> {
        let mut ids: Vec<String> = self.members.iter().map(|m| m.id.clone()).collect();
        ids.sort();
        ids
    }
}

/// Someone the proposal leaves without a partnership.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Unmatched {
    pub id: String,
    pub name: String,
    pub reason: UnmatchedKind,
    /// The reason in plain English.
    pub explanation: String,
}

/// Why someone is unmatched, as data.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UnmatchedKind {
    /// The hard rules leave nobody for them.
    NoPossiblePartner,
    /// The round's policy is to carry people left over to the next round.
    WaitsForNextRound,
    /// Trios are allowed, but no pair has both members compatible with them.
    NoCompatiblePair,
    /// Every compatible pair already took a third person.
    CompatiblePairsTaken,
    /// Everyone they could pair with is in a locked pair (that already has a third member,
    /// or the policy is to wait).
    PartnersLocked,
}

/// One bar of the score distribution: how many pair scores fall in `from..=to`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Bucket {
    pub from: i64,
    pub to: i64,
    pub count: usize,
}

/// The result of a matching run.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Proposal {
    pub mode: MatchMode,
    /// People in the run.
    pub people: usize,
    /// Sorted by the first member's position in the applicant list.
    pub partnerships: Vec<Partnership>,
    pub unmatched: Vec<Unmatched>,
    /// The sum of all partnership scores.
    pub total: i64,
    /// The lowest pair score inside any partnership.
    pub lowest: Option<i64>,
    /// Pair scores in [`HISTOGRAM_BUCKETS`] equal buckets from 0 to the highest possible
    /// score under the run's weights.
    pub histogram: Vec<Bucket>,
    /// The engine's certificate was checked over every allowed pair: no other set of pairs
    /// (around the locks) does better in the chosen mode.
    pub certified: bool,
    /// Pairs the engine looked at: the top-k candidates plus those pricing added.
    pub candidate_pairs: usize,
    pub priced_pairs: usize,
}

impl Proposal {
    pub fn pairs(&self) -> usize {
        self.partnerships.iter().filter(|p| !p.is_trio()).count()
    }

    pub fn trios(&self) -> usize {
        self.partnerships.iter().filter(|p| p.is_trio()).count()
    }

    /// The two locks that swap the partners of `a` and `b`: if `a` is with `x` and `b` with
    /// `y`, the result locks `a` with `y` and `b` with `x`. Both must be in pairs (a trio has
    /// no single partner to swap), and in different ones.
    pub fn swap(&self, a: &str, b: &str) -> Result<[(String, String); 2], ProposalError> {
        let partner = |id: &str| -> Result<(usize, String), ProposalError> {
            self.partnerships
                .iter()
                .enumerate()
                .filter(|(_, p)| !p.is_trio())
                .find_map(|(n, p)| match p.members.as_slice() {
                    [x, y] if x.id == id => Some((n, y.id.clone())),
                    [x, y] if y.id == id => Some((n, x.id.clone())),
                    _ => None,
                })
                .ok_or_else(|| ProposalError::NotPaired(id.to_owned()))
        };
        let (pa, x) = partner(a)?;
        let (pb, y) = partner(b)?;
        if pa == pb {
            return Err(ProposalError::SamePartnership(a.to_owned(), b.to_owned()));
        }
        Ok([(a.to_owned(), y), (b.to_owned(), x)])
    }
}

/// What changed between two proposals, by partnership members.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProposalDiff {
    /// Partnerships in both, as sorted member ids.
    pub kept: Vec<Vec<String>>,
    /// Partnerships of the previous proposal that are gone.
    pub broken: Vec<Vec<String>>,
    /// Partnerships that are new in the current proposal.
    pub new: Vec<Vec<String>>,
    /// Current total minus previous total.
    pub total_change: i64,
}

impl ProposalDiff {
    pub fn is_unchanged(&self) -> bool {
        self.broken.is_empty() && self.new.is_empty()
    }
}

/// Compares two proposals of the same round.
pub fn diff(previous: &Proposal, current: &Proposal) -> ProposalDiff {
    let before: BTreeSet<Vec<String>> = previous.partnerships.iter().map(|p| p.key()).collect();
    let after: BTreeSet<Vec<String>> = current.partnerships.iter().map(|p| p.key()).collect();
    ProposalDiff {
        kept: before.intersection(&after).cloned().collect(),
        broken: before.difference(&after).cloned().collect(),
        new: after.difference(&before).cloned().collect(),
        total_change: current.total - previous.total,
    }
}

/// Runs matching. Deterministic: the same request gives the same proposal.
pub fn run(request: &MatchRequest) -> Result<Proposal, ProposalError> {
    let applicants = &request.applicants;
    let n = applicants.len();
    let mut index: HashMap<&str, usize> = HashMap::with_capacity(n);
    for (i, a) in applicants.iter().enumerate() {
        if index.insert(a.id.as_str(), i).is_some() {
            return Err(ProposalError::DuplicateId(a.id.clone()));
        }
    }
    let lookup = |list: &'static str, id: &str| {
        index
            .get(id)
            .copied()
            .ok_or_else(|| ProposalError::UnknownApplicant {
                list,
                id: id.to_owned(),
            })
    };

    let mut banned = Vec::new();
    for (i, a) in applicants.iter().enumerate() {
        for previous in &a.previous_partners {
            if let Some(&j) = index.get(previous.as_str())
                && i != j
            {
                banned.push(BannedPair {
                    a: i,
                    b: j,
                    rule: Rule::PreviousPartners,
                });
            }
        }
    }
    for (a, b) in &request.forbidden {
        let (i, j) = (lookup("never-pair", a)?, lookup("never-pair", b)?);
        banned.push(BannedPair {
            a: i,
            b: j,
            rule: Rule::Forbidden,
        });
    }
    let profiles: Vec<MatchProfile> = applicants.iter().map(|a| a.profile.clone()).collect();
    let scorer = Scorer::new(
        &profiles,
        request.weights,
        &request.program_languages,
        request.round_start,
        &banned,
    )?;

    // Locks: checked against the hard rules, then taken out of the engine's problem.
    let mut locked_with: Vec<Option<usize>> = vec![None; n];
    let mut locked_pairs = Vec::new();
    for (a, b) in &request.locks {
        let (i, j) = (lookup("lock", a)?, lookup("lock", b)?);
        if i == j {
            return Err(ProposalError::LockedWithSelf(a.clone()));
        }
        for (person, id) in [(i, a), (j, b)] {
            if locked_with[person].is_some() {
                return Err(ProposalError::LockedTwice(id.clone()));
            }
        }
        if let Some(rule) = scorer.check(i, j) {
            return Err(ProposalError::LockBreaksRule {
                a: a.clone(),
                b: b.clone(),
                rule,
            });
        }
        locked_with[i] = Some(j);
        locked_with[j] = Some(i);
        locked_pairs.push((i.min(j), i.max(j)));
    }
    let free: Vec<usize> = (0..n).filter(|&i| locked_with[i].is_none()).collect();
    let local_score = |u: usize, v: usize| scorer.score(free[u], free[v]);

    let options = CandidateOptions {
        mode: request.mode.engine(),
        ..CandidateOptions::default()
    };
    let mut first = vec![false; n];
    for id in &request.priority {
        first[lookup("priority", id)?] = true;
    }
    // The engine rules out whole groups of pairs on the scorer's bounds before scoring any.
    let grouped = scorer.grouped(&free);
    let priced = if free.iter().any(|&i| first[i]) {
        let bonus = priority_bonus(request.weights.max_score(), free.len())
            .ok_or(ProposalError::TooManyToPutFirst)?;
        let bonuses: Vec<i64> = free
            .iter()
            .map(|&i| if first[i] { bonus } else { 0 })
            .collect();
        solve_grouped(&Prioritised::new(&grouped, bonuses), &options)?
    } else {
        solve_grouped(&grouped, &options)?
    };
    // The pricing pass only returns once a scan of every allowed pair under the final duals
    // found none it could improve, which is exactly what `check_all_pairs` would repeat; so
    // the independent check left to do is the certificate on the graph that was solved.
    let certified = verify(&priced.graph, &priced.matching).is_ok();

    let policy = match request.leftover {
        LeftoverPolicy::Trio => trio::LeftoverPolicy::Trio,
        LeftoverPolicy::NextRound => trio::LeftoverPolicy::Report,
    };
    let leftovers = trio::leftovers(&priced.matching, &local_score, policy);

    // Groups by global index: engine pairs, locked pairs, then trios attach to engine pairs.
    let mut groups: BTreeMap<(usize, usize), (Vec<usize>, bool)> = BTreeMap::new();
    for (u, v) in priced.matching.pairs() {
        groups.insert((free[u], free[v]), (vec![free[u], free[v]], false));
    }
    for &(i, j) in &locked_pairs {
        groups.insert((i, j), (vec![i, j], true));
    }
    // People the engine left single, by global index, with its reason.
    let mut single: Vec<(usize, UnmatchedReason)> = Vec::new();
    for leftover in leftovers {
        match leftover {
            Leftover::Trio { person, pair, .. } => {
                if let Some((members, _)) = groups.get_mut(&(free[pair.0], free[pair.1])) {
                    members.push(free[person]);
                }
            }
            Leftover::Unmatched { person, reason } => single.push((free[person], reason)),
        }
    }
    // The engine only knows the pairs it formed; a single person may still join a locked
    // pair as its third member. This is also how a re-match after partnerships end early
    // works: the running partnerships are locks and the people left alone are the rest.
    if request.leftover == LeftoverPolicy::Trio && !locked_pairs.is_empty() {
        let mut options: Vec<(i64, usize, usize)> = Vec::new();
        for (slot, &(person, reason)) in single.iter().enumerate() {
            if reason == UnmatchedReason::LeftOver {
                continue;
            }
            for (p, &(i, j)) in locked_pairs.iter().enumerate() {
                if let (Some(a), Some(b)) = (scorer.score(person, i), scorer.score(person, j)) {
                    options.push((a + b, slot, p));
                }
            }
        }
        // Those who go first take the places first; then the best fit.
        let goes_first = |slot: usize| first[single[slot].0];
        options.sort_unstable_by(|a, b| {
            goes_first(b.1)
                .cmp(&goes_first(a.1))
                .then(b.0.cmp(&a.0))
                .then(a.1.cmp(&b.1))
                .then(a.2.cmp(&b.2))
        });
        let mut placed = vec![false; single.len()];
        let mut taken = vec![false; locked_pairs.len()];
        for (_, slot, p) in options {
            if placed[slot] || taken[p] {
                continue;
            }
            if let Some((members, _)) = groups.get_mut(&locked_pairs[p]) {
                members.push(single[slot].0);
                placed[slot] = true;
                taken[p] = true;
            }
        }
        single = single
            .into_iter()
            .zip(placed)
            .filter(|(_, placed)| !placed)
            .map(|(s, _)| s)
            .collect();
    }
    let mut unmatched = Vec::new();
    for (global, reason) in single {
        let counts = scorer.rule_counts(global);
        let (kind, explanation) = match reason {
            UnmatchedReason::NoCompatiblePartner if counts.allowed > 0 => (
                UnmatchedKind::PartnersLocked,
                "everyone who could be their partner is already in a locked pair".to_owned(),
            ),
            UnmatchedReason::NoCompatiblePartner => (
                UnmatchedKind::NoPossiblePartner,
                counts
                    .describe()
                    .unwrap_or_else(|| reason.describe().to_owned()),
            ),
            UnmatchedReason::LeftOver => (
                UnmatchedKind::WaitsForNextRound,
                format!("{}; they wait for the next round", reason.describe()),
            ),
            UnmatchedReason::NoCompatiblePair => (
                UnmatchedKind::NoCompatiblePair,
                reason.describe().to_owned(),
            ),
            UnmatchedReason::CompatiblePairsTaken => (
                UnmatchedKind::CompatiblePairsTaken,
                reason.describe().to_owned(),
            ),
        };
        unmatched.push(Unmatched {
            id: applicants[global].id.clone(),
            name: applicants[global].name.clone(),
            reason: kind,
            explanation,
        });
    }

    let mut partnerships: Vec<Partnership> = groups
        .into_values()
        .map(|(members, locked)| partnership(applicants, &scorer, &members, locked))
        .collect();
    partnerships.sort_by_key(|p| {
        p.members
            .first()
            .and_then(|m| index.get(m.id.as_str()).copied())
            .unwrap_or(usize::MAX)
    });

    let pair_scores: Vec<i64> = partnerships
        .iter()
        .flat_map(|p| p.pairs.iter().map(|s| s.score))
        .collect();
    Ok(Proposal {
        mode: request.mode,
        people: n,
        total: partnerships.iter().map(|p| p.score).sum(),
        lowest: pair_scores.iter().copied().min(),
        histogram: histogram(&pair_scores, request.weights.max_score()),
        partnerships,
        unmatched,
        certified,
        candidate_pairs: priced.stats.candidate_edges,
        priced_pairs: priced.stats.added_edges,
    })
}

/// The points added to every pair for each member who goes first: more than the largest
/// total any matching of `people` can reach, so covering one more of them always outweighs
/// every score. `None` when that would pass the engine's weight limit.
fn priority_bonus(max_score: i64, people: usize) -> Option<i64> {
    let pairs = i64::try_from(people / 2 + 1).ok()?;
    let bonus = max_score.max(1).checked_mul(pairs)?.checked_add(1)?;
    // A pair can carry two bonuses on top of its score.
    let heaviest = bonus.checked_mul(2)?.checked_add(max_score)?;
    (heaviest <= iln_matching::MAX_WEIGHT / 4).then_some(bonus)
}

/// Scores with a bonus for each member who goes first. The bounds grow by the largest bonus
/// in each group, so they stay bounds and the engine's pruning stays exact.
struct Prioritised<'a, S> {
    inner: &'a S,
    bonus: Vec<i64>,
    group_bonus: Vec<i64>,
}

impl<'a, S: GroupedScores> Prioritised<'a, S> {
    fn new(inner: &'a S, bonus: Vec<i64>) -> Self {
        let mut group_bonus = vec![0; inner.group_count()];
        for (person, &b) in bonus.iter().enumerate() {
            if let Some(slot) = group_bonus.get_mut(inner.group_of(person)) {
                *slot = (*slot).max(b);
            }
        }
        Prioritised {
            inner,
            bonus,
            group_bonus,
        }
    }

    fn of(&self, person: usize) -> i64 {
        self.bonus.get(person).copied().unwrap_or(0)
    }

    fn of_group(&self, group: usize) -> i64 {
        self.group_bonus.get(group).copied().unwrap_or(0)
    }
}

impl<S: GroupedScores> GroupedScores for Prioritised<'_, S> {
    fn len(&self) -> usize {
        self.inner.len()
    }

    fn score(&self, u: usize, v: usize) -> Option<i64> {
        Some(self.inner.score(u, v)? + self.of(u) + self.of(v))
    }

    fn group_count(&self) -> usize {
        self.inner.group_count()
    }

    fn group_of(&self, person: usize) -> usize {
        self.inner.group_of(person)
    }

    fn person_bound(&self, person: usize, group: usize) -> Option<i64> {
        Some(self.inner.person_bound(person, group)? + self.of(person) + self.of_group(group))
    }

    fn group_bound(&self, a: usize, b: usize) -> Option<i64> {
        Some(self.inner.group_bound(a, b)? + self.of_group(a) + self.of_group(b))
    }

    fn lowest(&self) -> Option<i64> {
        // Bonuses are never negative, so the inner lowest is still at most every score.
        self.inner.lowest()
    }
}

/// Builds a partnership from global indices: a pair, or a pair plus its third member.
fn partnership(
    applicants: &[Applicant],
    scorer: &Scorer,
    members: &[usize],
    locked: bool,
) -> Partnership {
    let mut sorted = members.to_vec();
    sorted.sort_unstable();
    let name = |i: usize| applicants[i].name.as_str();
    let mut pairs = Vec::new();
    for (x, &i) in sorted.iter().enumerate() {
        for &j in &sorted[x + 1..] {
            let breakdown = scorer.breakdown(i, j);
            if let Some(breakdown) = breakdown {
                pairs.push(PairScore {
                    a: applicants[i].id.clone(),
                    b: applicants[j].id.clone(),
                    score: breakdown.score,
                    sentence: breakdown.sentence([name(i), name(j)]),
                    breakdown,
                });
            }
        }
    }
    let explanation = if let [only] = pairs.as_slice() {
        only.sentence.clone()
    } else {
        // A trio: one clause per pair, each saying whom it is about.
        sorted
            .iter()
            .enumerate()
            .flat_map(|(x, &i)| sorted[x + 1..].iter().map(move |&j| (i, j)))
            .zip(&pairs)
            .map(|((i, j), p)| format!("{} and {}: {}", name(i), name(j), p.sentence))
            .collect::<Vec<_>>()
            .join(" / ")
    };
    Partnership {
        members: sorted
            .iter()
            .map(|&i| Member {
                id: applicants[i].id.clone(),
                name: applicants[i].name.clone(),
                country: applicants[i].profile.country,
            })
            .collect(),
        score: pairs.iter().map(|p| p.score).sum(),
        locked,
        explanation,
        pairs,
    }
}

/// Counts `scores` into equal buckets covering `0..=max` (matching runs and the report
/// pages' score distribution).
pub fn histogram(scores: &[i64], max: i64) -> Vec<Bucket> {
    let max = max.max(scores.iter().copied().max().unwrap_or(0)).max(0);
    let buckets = i64::try_from(HISTOGRAM_BUCKETS).unwrap_or(10);
    let width = (max + 1 + buckets - 1) / buckets;
    let width = width.max(1);
    let mut out: Vec<Bucket> = (0..buckets)
        .map(|b| Bucket {
            from: b * width,
            to: (b + 1) * width - 1,
            count: 0,
        })
        .collect();
    for &s in scores {
        let slot = usize::try_from(s.max(0) / width)
            .unwrap_or(0)
            .min(HISTOGRAM_BUCKETS - 1);
        out[slot].count += 1;
    }
    out
}

/// The columns of the `iln match` input, in the documented order. Files may order them
/// differently; they are found by name.
pub const APPLICANT_COLUMNS: [&str; 11] = [
    "id",
    "name",
    "email",
    "country",
    "time_zone",
    "sector",
    "career_stage",
    "interests",
    "languages",
    "match_preference",
    "previous_partners",
];

/// The columns of the `iln match` output.
pub const PARTNERSHIP_COLUMNS: [&str; 6] = [
    "partnership",
    "member_ids",
    "member_names",
    "countries",
    "score",
    "explanation",
];

/// A problem with the header of an applicants file.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum HeaderError {
    #[error("the header has no {0:?} column; it needs {columns}", columns = APPLICANT_COLUMNS.join(","))]
    Missing(&'static str),
    #[error("the header has the column {0:?} twice")]
    Repeated(String),
}

/// Where each of [`APPLICANT_COLUMNS`] is in a file's header; other columns are ignored.
pub fn column_positions(header: &[&str]) -> Result<[usize; 11], HeaderError> {
    let names: Vec<String> = header.iter().map(|h| h.trim().to_lowercase()).collect();
    for (n, name) in names.iter().enumerate() {
        if names[..n].contains(name) && APPLICANT_COLUMNS.contains(&name.as_str()) {
            return Err(HeaderError::Repeated(name.clone()));
        }
    }
    let mut positions = [0usize; 11];
    for (slot, column) in positions.iter_mut().zip(APPLICANT_COLUMNS) {
        *slot = names
            .iter()
            .position(|n| n == column)
            .ok_or(HeaderError::Missing(column))?;
    }
    Ok(positions)
}

/// A wrong value in one column of an applicants file.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("{column}: {message}")]
pub struct ColumnError {
    pub column: &'static str,
    pub message: String,
}

/// Longest id and name accepted from a file; longer values are mistakes, not people.
const FIELD_MAX_LEN: usize = 200;

/// Parses one applicant from the values of [`APPLICANT_COLUMNS`], in that order, with one
/// error per wrong column. Communication ways are not in the file, so none are shared and
/// that criterion scores nothing; history starts empty (see [`fill_history`]).
pub fn parse_applicant(values: [&str; 11]) -> Result<Applicant, Vec<ColumnError>> {
    use crate::account::Email;
    use crate::application::{Interest, MatchPreference, parse_languages, split_list};
    use crate::profile::{CareerStage, Sector};
    use crate::scoring::History;
    use crate::timezone::TimeZoneName;

    let [
        id,
        name,
        email,
        country,
        time_zone,
        sector,
        career_stage,
        interests,
        languages,
        preference,
        previous,
    ] = values;
    let mut errors = Vec::new();
    let mut fail = |column: &'static str, message: String| {
        errors.push(ColumnError { column, message });
    };
    let text = |column: &'static str, value: &str, fail: &mut dyn FnMut(&'static str, String)| {
        let trimmed = value.trim();
        if trimmed.is_empty() {
            fail(column, "must not be empty".to_owned());
        } else if trimmed.chars().count() > FIELD_MAX_LEN {
            fail(column, format!("has more than {FIELD_MAX_LEN} characters"));
        } else if trimmed.contains(';') {
            // Output joins trio members' ids and names with `;`.
            fail(column, "cannot contain ;".to_owned());
        }
        trimmed.to_owned()
    };
    let id = text("id", id, &mut fail);
    let name = text("name", name, &mut fail);
    if let Err(e) = Email::parse(email) {
        fail("email", e.to_string());
    }
    let country = CountryCode::parse(country)
        .map_err(|e| fail("country", e.to_string()))
        .ok();
    let time_zone = TimeZoneName::parse(time_zone)
        .map_err(|e| fail("time_zone", e.to_string()))
        .ok();
    let sector = Sector::parse(sector)
        .map_err(|e| fail("sector", e.to_string()))
        .ok();
    let career_stage = CareerStage::parse(career_stage)
        .map_err(|e| fail("career_stage", e.to_string()))
        .ok();
    let interests: Option<BTreeSet<Interest>> = split_list(interests)
        .map(Interest::parse)
        .collect::<Result<_, _>>()
        .map_err(|e| fail("interests", e.to_string()))
        .ok();
    let languages = match parse_languages(languages) {
        Ok(set) if set.is_empty() => {
            fail("languages", "list at least one language code".to_owned());
            None
        }
        Ok(set) => Some(set),
        Err(e) => {
            fail("languages", e.to_string());
            None
        }
    };
    let preference = if preference.trim().is_empty() {
        Some(MatchPreference::Any)
    } else {
        MatchPreference::parse(preference)
            .map_err(|e| fail("match_preference", e.to_string()))
            .ok()
    };
    let previous_partners: BTreeSet<String> = split_list(previous).map(str::to_owned).collect();
    match (
        country,
        time_zone,
        sector,
        career_stage,
        interests,
        languages,
        preference,
    ) {
        (
            Some(country),
            Some(time_zone),
            Some(sector),
            Some(career_stage),
            Some(interests),
            Some(languages),
            Some(preference),
        ) if errors.is_empty() => Ok(Applicant {
            id,
            name,
            profile: MatchProfile {
                country,
                sector,
                career_stage,
                time_zone,
                interests,
                languages,
                communication: BTreeSet::new(),
                preference,
                history: History::default(),
            },
            previous_partners,
        }),
        _ => Err(errors),
    }
}

/// Fills each applicant's history from their previous partners who are in the same list:
/// their countries and sectors count as already known for the wider-network bonus.
pub fn fill_history(applicants: &mut [Applicant]) {
    let known: HashMap<String, (CountryCode, crate::profile::Sector)> = applicants
        .iter()
        .map(|a| (a.id.clone(), (a.profile.country, a.profile.sector)))
        .collect();
    for a in applicants.iter_mut() {
        for previous in &a.previous_partners {
            if let Some(&(country, sector)) = known.get(previous) {
                a.profile.history.countries.insert(country);
                a.profile.history.sectors.insert(sector);
            }
        }
    }
}

impl Proposal {
    /// The rows of the `iln match` output, one per partnership, in [`PARTNERSHIP_COLUMNS`]
    /// order; trio members are joined by `;`.
    pub fn rows(&self) -> Vec<[String; 6]> {
        self.partnerships
            .iter()
            .enumerate()
            .map(|(n, p)| {
                let join = |f: &dyn Fn(&Member) -> String| {
                    p.members.iter().map(f).collect::<Vec<_>>().join(";")
                };
                [
                    (n + 1).to_string(),
                    join(&|m| m.id.clone()),
                    join(&|m| m.name.clone()),
                    join(&|m| m.country.as_str().to_owned()),
                    p.score.to_string(),
                    p.explanation.clone(),
                ]
            })
            .collect()
    }

    /// The summary `iln match` prints: people, partnerships, trios, unmatched and why, total
    /// and lowest score, certified or not; one fact per line.
    pub fn summary(&self) -> String {
        let plural = |n: usize, one: &str, many: &str| {
            if n == 1 {
                format!("1 {one}")
            } else {
                format!("{n} {many}")
            }
        };
        let mut out = format!(
            "people: {}\npartnerships: {} ({}, {})\n",
            self.people,
            self.partnerships.len(),
            plural(self.pairs(), "pair", "pairs"),
            plural(self.trios(), "trio", "trios")
        );
        out.push_str(&format!("unmatched: {}\n", self.unmatched.len()));
        for u in &self.unmatched {
            out.push_str(&format!("  {} ({}): {}\n", u.id, u.name, u.explanation));
        }
        out.push_str(&format!("total score: {}\n", self.total));
        match self.lowest {
            Some(lowest) => out.push_str(&format!("lowest pair score: {lowest}\n")),
            None => out.push_str("lowest pair score: none\n"),
        }
        out.push_str(&format!("mode: {}\n", self.mode.as_str()));
        out.push_str(if self.certified {
            "certified: yes, optimal over all allowed pairs\n"
        } else {
            "certified: no\n"
        });
        out
    }
}

/// The start day `iln match` uses when none is given: a fixed day, so the same file gives the
/// same pairs on any day of the year; mid-January is northern winter and southern summer.
pub const DEFAULT_START_DATE: &str = "2027-01-15";

/// Midnight UTC at the start of a `YYYY-MM-DD` day, or `None` when the text is not a date.
pub fn parse_start_date(input: &str) -> Option<Timestamp> {
    let date: jiff::civil::Date = input.trim().parse().ok()?;
    date.to_zoned(jiff::tz::TimeZone::UTC)
        .ok()
        .map(|z| z.timestamp())
}

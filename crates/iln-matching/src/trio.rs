//! People left without a partner: attach each to the existing pair that makes the best trio
//! under the same hard filters, or report them unmatched with the reason.

use crate::Matching;

/// What to do with people the matching leaves single.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum LeftoverPolicy {
    /// Attach to the best compatible pair (each pair takes at most one extra person).
    #[default]
    Trio,
    /// Leave them single and say why.
    Report,
}

/// Why someone has no partner.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnmatchedReason {
    /// Nobody at all may be paired with them under the hard filters.
    NoCompatiblePartner,
    /// Compatible partners exist, but the optimal matching pairs them with others (an odd
    /// count, or everyone compatible is better used elsewhere).
    LeftOver,
    /// Trio mode: no pair has both members compatible with them.
    NoCompatiblePair,
    /// Trio mode: every pair compatible with them already took a third person.
    CompatiblePairsTaken,
}

impl UnmatchedReason {
    /// A sentence for people, without a trailing period.
    pub fn describe(self) -> &'static str {
        match self {
            UnmatchedReason::NoCompatiblePartner => {
                "nobody in this round can be paired with them under the rules"
            }
            UnmatchedReason::LeftOver => {
                "the best overall pairing leaves them without a partner this time"
            }
            UnmatchedReason::NoCompatiblePair => {
                "no existing pair has both members compatible with them"
            }
            UnmatchedReason::CompatiblePairsTaken => {
                "every pair compatible with them already has a third member"
            }
        }
    }
}

/// The outcome for one person the matching left single.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Leftover {
    /// Joins pair `pair` (as `(u, v)` with `u < v`); `score` is the sum of the two new
    /// pair scores.
    Trio {
        person: usize,
        pair: (usize, usize),
        score: i64,
    },
    Unmatched {
        person: usize,
        reason: UnmatchedReason,
    },
}

/// Decides for every single person, in ascending order of person. `score(i, j)` is called
/// with `i < j`; `None` forbids the pair. Trios are assigned greedily by descending trio score
/// (ties: lower person, then lower pair), which is deterministic.
pub fn leftovers<F>(matching: &Matching, score: &F, policy: LeftoverPolicy) -> Vec<Leftover>
where
    F: Fn(usize, usize) -> Option<i64> + Sync,
{
    let mate = matching.mate();
    let n = mate.len();
    let s = |a: usize, b: usize| score(a.min(b), a.max(b));
    let singles: Vec<usize> = (0..n).filter(|&v| mate[v].is_none()).collect();
    let pairs = matching.pairs();
    let mut outcome: Vec<Option<Leftover>> = vec![None; singles.len()];
    let mut options: Vec<(i64, usize, usize)> = Vec::new(); // (trio score, single slot, pair)
    for (slot, &x) in singles.iter().enumerate() {
        let has_partner = (0..n).any(|y| y != x && s(x, y).is_some());
        if !has_partner {
            outcome[slot] = Some(Leftover::Unmatched {
                person: x,
                reason: UnmatchedReason::NoCompatiblePartner,
            });
            continue;
        }
        if policy == LeftoverPolicy::Report {
            outcome[slot] = Some(Leftover::Unmatched {
                person: x,
                reason: UnmatchedReason::LeftOver,
            });
            continue;
        }
        let before = options.len();
        for (p, &(u, v)) in pairs.iter().enumerate() {
            if let (Some(a), Some(b)) = (s(x, u), s(x, v)) {
                options.push((a.saturating_add(b), slot, p));
            }
        }
        if options.len() == before {
            outcome[slot] = Some(Leftover::Unmatched {
                person: x,
                reason: UnmatchedReason::NoCompatiblePair,
            });
        }
    }
    options.sort_unstable_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)).then(a.2.cmp(&b.2)));
    let mut pair_taken = vec![false; pairs.len()];
    for (trio_score, slot, p) in options {
        if outcome[slot].is_some() || pair_taken[p] {
            continue;
        }
        pair_taken[p] = true;
        outcome[slot] = Some(Leftover::Trio {
            person: singles[slot],
            pair: pairs[p],
            score: trio_score,
        });
    }
    outcome
        .into_iter()
        .zip(&singles)
        .map(|(o, &x)| {
            o.unwrap_or(Leftover::Unmatched {
                person: x,
                reason: UnmatchedReason::CompatiblePairsTaken,
            })
        })
        .collect()
}

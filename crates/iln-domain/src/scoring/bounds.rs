//! Cheap upper bounds on pair scores over groups of people, so the matching engine's
//! candidate and pricing passes can rule out whole groups of pairs without scoring them.
//!
//! People are grouped by what fixes most of a score exactly: their (sector, career stage,
//! preference) class and their clock offset. For the rest a group keeps the union of its
//! members' interests (and, when a round has few enough interests, of the pairs and triples
//! of interests its members hold), ways to communicate and program languages, and whether
//! they all live in one country. Why each part of a bound is at least every real score is
//! written down in `docs/pricing-bounds.md`; `tests/it/scoring.rs` checks it against the
//! exact scores.

use std::collections::BTreeMap;

use iln_matching::candidates::GroupedScores;

use super::{CLASSES, Compiled, MAX_COUNTED_INTERESTS, Scorer, WAYS_COUNT, sector_bit};
use crate::profile::Sector;

/// Interest pairs are indexed when a round has at most this many interests (2,016 bits a
/// group at most) ...
const PAIRS_UP_TO: usize = 64;
/// ... and triples when it has at most this many (4,960 bits a group at most).
const TRIPLES_UP_TO: usize = 32;

/// What a group's bounds need to know of its members.
#[derive(Clone, Debug)]
struct Group {
    /// The members' class and zone (the grouping key), so those points are exact.
    class: u16,
    zone: u16,
    sector: Sector,
    /// Union of the members' ways to communicate.
    ways: u8,
    /// Union of the members' program languages.
    languages: [u64; 3],
    /// The compiled country every member lives in, or `None` when they differ.
    country: Option<u16>,
}

/// The people at `people` (positions in a [`Scorer`]) as the engine's [`GroupedScores`]:
/// person `i` of the engine is `people[i]` of the scorer.
#[derive(Clone, Debug)]
pub struct GroupScores<'a> {
    scorer: &'a Scorer,
    group_of: Vec<u32>,
    groups: Vec<Group>,
    /// Each person's place in `packed`: the members of a group are next to each other there,
    /// so scoring a group's members reads one stretch of memory (a round of 100,000 people
    /// has 7 MB of compiled records, far more than a core's cache).
    slot: Vec<u32>,
    /// Copies of the compiled records, group by group; `None` for a position out of range.
    packed: Vec<Option<(u32, Compiled)>>,
    /// Per group: the union of its members' interests, `scorer.words` u64 each.
    interests: Vec<u64>,
    /// Per group: the pairs of interests some member holds, `pair_words` u64 each (none when
    /// the round has more than [`PAIRS_UP_TO`] interests).
    pairs: Vec<u64>,
    pair_words: usize,
    /// Per group: the triples of interests some member holds, `triple_words` u64 each.
    triples: Vec<u64>,
    triple_words: usize,
    /// Per slot: the indices of the person's own pairs and triples of interests.
    combos: Vec<u32>,
    combo_at: Vec<(u32, u32, u32)>,
}

/// `n` choose 2 and `n` choose 3.
fn choose2(n: usize) -> usize {
    n * n.saturating_sub(1) / 2
}

fn choose3(n: usize) -> usize {
    n * n.saturating_sub(1) * n.saturating_sub(2) / 6
}

/// The combinatorial-number-system indices of the pairs and of the triples of set bits in
/// `bits`: pair `i < j` is `C(j, 2) + i`, triple `i < j < k` is `C(k, 3) + C(j, 2) + i`.
fn combos_of(bits: u64, triples: bool, pairs_out: &mut Vec<u32>, triples_out: &mut Vec<u32>) {
    let set: Vec<usize> = (0..64).filter(|b| bits & (1 << b) != 0).collect();
    for (k, &c) in set.iter().enumerate() {
        for (j, &b) in set[..k].iter().enumerate() {
            pairs_out.push((choose2(c) + b) as u32);
            if triples {
                for &a in &set[..j] {
                    triples_out.push((choose3(c) + choose2(b) + a) as u32);
                }
            }
        }
    }
}

fn set_bit(words: &mut [u64], index: u32) {
    let i = index as usize;
    if let Some(word) = words.get_mut(i / 64) {
        *word |= 1 << (i % 64);
    }
}

fn has_bit(words: &[u64], index: u32) -> bool {
    let i = index as usize;
    words.get(i / 64).is_some_and(|w| w & (1 << (i % 64)) != 0)
}

impl Scorer {
    /// The scores of the people at `people` (positions in this scorer), grouped for bounding.
    /// A position out of range may pair with nobody.
    pub fn grouped(&self, people: &[usize]) -> GroupScores<'_> {
        let words = self.words;
        let m = self.interest_names.len();
        let pair_words = if m <= PAIRS_UP_TO {
            choose2(m).div_ceil(64)
        } else {
            0
        };
        let triple_words = if m <= TRIPLES_UP_TO {
            choose3(m).div_ceil(64)
        } else {
            0
        };
        let mut index: BTreeMap<(u16, u16), u32> = BTreeMap::new();
        let mut groups: Vec<Group> = Vec::new();
        let mut group_of = Vec::with_capacity(people.len());
        let empty = Group {
            class: 0,
            zone: 0,
            sector: Sector::Other,
            ways: 0,
            languages: [0; 3],
            country: None,
        };
        for &global in people {
            // Fewer groups than people, and people fit a u32 (see `Scorer::new`).
            let next = u32::try_from(groups.len()).unwrap_or(u32::MAX);
            let Some(p) = self.people.get(global) else {
                // Not a person of this scorer: a group of its own with no languages, so
                // every bound with it is `None`, as every score is.
                groups.push(empty.clone());
                group_of.push(next);
                continue;
            };
            let g = *index.entry((p.class, p.zone)).or_insert_with(|| {
                groups.push(Group {
                    class: p.class,
                    zone: p.zone,
                    sector: p.sector,
                    country: Some(p.country),
                    ..empty.clone()
                });
                next
            });
            let group = &mut groups[g as usize];
            group.ways |= p.ways;
            for (slot, bits) in group.languages.iter_mut().zip(p.languages) {
                *slot |= bits;
            }
            if group.country != Some(p.country) {
                group.country = None;
            }
            group_of.push(g);
        }

        // Slots: group by group, members in the engine's order within a group.
        let mut start = vec![0u32; groups.len() + 1];
        for &g in &group_of {
            start[g as usize + 1] += 1;
        }
        for g in 0..groups.len() {
            start[g + 1] += start[g];
        }
        let mut slot = vec![0u32; people.len()];
        let mut packed: Vec<Option<(u32, Compiled)>> = vec![None; people.len()];
        for (person, &g) in group_of.iter().enumerate() {
            let at = start[g as usize];
            start[g as usize] += 1;
            slot[person] = at;
            let global = people[person];
            if let (Some(p), Ok(id)) = (self.people.get(global), u32::try_from(global)) {
                packed[at as usize] = Some((id, p.clone()));
            }
        }

        let count = groups.len();
        let mut interests = vec![0u64; count * words];
        let mut pairs = vec![0u64; count * pair_words];
        let mut triples = vec![0u64; count * triple_words];
        let mut combos = Vec::new();
        let mut combo_at = Vec::with_capacity(people.len());
        let (mut own_pairs, mut own_triples) = (Vec::new(), Vec::new());
        let mut group_by_slot = vec![0usize; people.len()];
        for (person, &g) in group_of.iter().enumerate() {
            group_by_slot[slot[person] as usize] = g as usize;
        }
        for (at, entry) in packed.iter().enumerate() {
            let from = u32::try_from(combos.len()).unwrap_or(u32::MAX);
            let Some((global, _)) = entry else {
                combo_at.push((from, from, from));
                continue;
            };
            let (g, global) = (group_by_slot[at], *global as usize);
            let own = &self.interest_bits[global * words..(global + 1) * words];
            for (slot, bits) in interests[g * words..(g + 1) * words].iter_mut().zip(own) {
                *slot |= bits;
            }
            own_pairs.clear();
            own_triples.clear();
            if pair_words > 0 {
                combos_of(own[0], triple_words > 0, &mut own_pairs, &mut own_triples);
            }
            for &i in &own_pairs {
                set_bit(&mut pairs[g * pair_words..(g + 1) * pair_words], i);
            }
            for &i in &own_triples {
                set_bit(&mut triples[g * triple_words..(g + 1) * triple_words], i);
            }
            combos.extend_from_slice(&own_pairs);
            let mid = u32::try_from(combos.len()).unwrap_or(u32::MAX);
            combos.extend_from_slice(&own_triples);
            let to = u32::try_from(combos.len()).unwrap_or(u32::MAX);
            combo_at.push((from, mid, to));
        }
        GroupScores {
            scorer: self,
            group_of,
            groups,
            slot,
            packed,
            interests,
            pairs,
            pair_words,
            triples,
            triple_words,
            combos,
            combo_at,
        }
    }
}

/// One person as the bounds read them.
struct Person<'a> {
    at: usize,
    global: usize,
    record: &'a Compiled,
}

impl GroupScores<'_> {
    /// Engine person `person` in the packed records.
    #[inline]
    fn person(&self, person: usize) -> Option<Person<'_>> {
        let at = *self.slot.get(person)? as usize;
        let (global, record) = self.packed.get(at)?.as_ref()?;
        Some(Person {
            at,
            global: *global as usize,
            record,
        })
    }

    fn union(&self, g: usize) -> &[u64] {
        let w = self.scorer.words;
        &self.interests[g * w..(g + 1) * w]
    }

    fn group_pairs(&self, g: usize) -> &[u64] {
        &self.pairs[g * self.pair_words..(g + 1) * self.pair_words]
    }

    fn group_triples(&self, g: usize) -> &[u64] {
        &self.triples[g * self.triple_words..(g + 1) * self.triple_words]
    }

    /// The most interests (counting up to [`MAX_COUNTED_INTERESTS`]) `p` can share with a
    /// member of group `g`: at most what the union holds, at least two only when some member
    /// holds one of `p`'s pairs, three only when one holds one of `p`'s triples.
    fn shared_with(&self, p: &Person, g: usize) -> u32 {
        let s = self.scorer;
        let union: u32 = if s.words == 1 {
            (p.record.interests & self.interests[g]).count_ones()
        } else {
            s.interest_bits[p.global * s.words..(p.global + 1) * s.words]
                .iter()
                .zip(self.union(g))
                .map(|(a, b)| (a & b).count_ones())
                .sum()
        };
        let union = union.min(MAX_COUNTED_INTERESTS);
        if union < 2 || self.pair_words == 0 {
            return union;
        }
        let (from, mid, to) = self.combo_at[p.at];
        let held = |list: &[u32], words: &[u64]| list.iter().any(|&i| has_bit(words, i));
        if !held(
            &self.combos[from as usize..mid as usize],
            self.group_pairs(g),
        ) {
            return 1;
        }
        if union < 3 || self.triple_words == 0 {
            return union;
        }
        if held(
            &self.combos[mid as usize..to as usize],
            self.group_triples(g),
        ) {
            3
        } else {
            2
        }
    }

    /// The same for any member of group `a` with any member of group `b`: a pair or triple
    /// two people share is held in both groups.
    fn shared_between(&self, a: usize, b: usize) -> u32 {
        let overlap = |x: &[u64], y: &[u64]| x.iter().zip(y).any(|(p, q)| p & q != 0);
        let union: u32 = self
            .union(a)
            .iter()
            .zip(self.union(b))
            .map(|(x, y)| (x & y).count_ones())
            .sum();
        let union = union.min(MAX_COUNTED_INTERESTS);
        if union < 2 || self.pair_words == 0 {
            return union;
        }
        if !overlap(self.group_pairs(a), self.group_pairs(b)) {
            return 1;
        }
        if union < 3 || self.triple_words == 0 {
            return union;
        }
        if overlap(self.group_triples(a), self.group_triples(b)) {
            3
        } else {
            2
        }
    }

    /// Interest points for `shared` interests plus the sector and preference points of the
    /// two classes. The class table is larger with a shared interest than without, so it is
    /// read with one whenever `shared > 0`.
    fn interests_and_class(&self, shared: u32, class_a: u16, class_b: u16) -> i64 {
        let s = self.scorer;
        let at =
            (usize::from(class_a) * CLASSES + usize::from(class_b)) * 2 + usize::from(shared > 0);
        i64::from(s.weights.shared_interests) * i64::from(shared) + s.class_points[at]
    }

    fn waking(&self, zone_a: u16, zone_b: u16) -> i64 {
        let s = self.scorer;
        s.waking_points[usize::from(zone_a) * s.zones + usize::from(zone_b)]
    }

    fn ways(&self, a: u8, b: u8) -> i64 {
        i64::from(self.scorer.weights.communication)
            * i64::from(WAYS_COUNT[usize::from(a & b & 15)])
    }

    /// The bound of `p` against group `g`: at least the score of every allowed pair of `p`
    /// with a member of `g`, `None` when there is none.
    #[inline]
    fn bound(&self, p: &Person, g: usize) -> Option<i64> {
        let s = self.scorer;
        let (record, group) = (p.record, self.groups.get(g)?);
        // The hard rules: everyone in the group lives in the person's country, or nobody
        // there speaks a program language the person speaks.
        if group.country == Some(record.country)
            || (0..3).all(|w| record.languages[w] & group.languages[w] == 0)
        {
            return None;
        }
        // The person's own wider-network points: a partner's sector is the group's; their
        // country is new unless every member lives in one the person knows.
        let own_side = if record.has_history {
            let new_country = group.country.is_none_or(|c| !s.knows_country(p.global, c));
            let new_sector = record.past_sectors & sector_bit(group.sector) == 0;
            let w = i64::from(s.weights.wider_network);
            match (new_country, new_sector) {
                (true, true) => w,
                (false, false) => 0,
                _ => w / 2,
            }
        } else {
            record.constant_points
        };
        // The partner's side is at most the full wider-network weight, new or returning.
        let partner_side = i64::from(s.weights.wider_network);
        Some(
            self.interests_and_class(self.shared_with(p, g), record.class, group.class)
                + self.waking(record.zone, group.zone)
                + self.ways(record.ways, group.ways)
                + own_side
                + partner_side,
        )
    }
}

impl GroupedScores for GroupScores<'_> {
    fn len(&self) -> usize {
        self.slot.len()
    }

    fn score(&self, u: usize, v: usize) -> Option<i64> {
        let (a, b) = (self.person(u)?, self.person(v)?);
        if a.global == b.global {
            return None;
        }
        let s = self.scorer;
        if s.check_compiled(a.global, a.record, b.global, b.record)
            .is_some()
        {
            return None;
        }
        Some(s.total_compiled(a.global, a.record, b.global, b.record))
    }

    fn group_count(&self) -> usize {
        self.groups.len()
    }

    fn group_of(&self, person: usize) -> usize {
        self.group_of
            .get(person)
            .map_or(usize::MAX, |&g| g as usize)
    }

    fn person_bound(&self, person: usize, group: usize) -> Option<i64> {
        self.bound(&self.person(person)?, group)
    }

    fn group_bound(&self, a: usize, b: usize) -> Option<i64> {
        let s = self.scorer;
        let (ga, gb) = (self.groups.get(a)?, self.groups.get(b)?);
        if (ga.country.is_some() && ga.country == gb.country)
            || (0..3).all(|w| ga.languages[w] & gb.languages[w] == 0)
        {
            return None;
        }
        Some(
            self.interests_and_class(self.shared_between(a, b), ga.class, gb.class)
                + self.waking(ga.zone, gb.zone)
                + self.ways(ga.ways, gb.ways)
                + 2 * i64::from(s.weights.wider_network),
        )
    }

    fn lowest(&self) -> Option<i64> {
        // Every criterion gives zero points or more.
        Some(0)
    }
}

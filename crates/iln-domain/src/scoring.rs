//! Compatibility scoring: the hard rules that forbid a pair, the integer points each criterion
//! gives a pair under a round's weights, and the breakdown that explains a score in a sentence.
//!
//! Scores are integers so the matching engine is exact, and symmetric by construction: every
//! criterion that depends on one person's wishes is counted once for each person and summed.
//! A [`Scorer`] compiles the people of a round into compact bit sets once, because the engine
//! asks for the score of every pair (tens of millions for a large round).

use std::collections::{BTreeMap, BTreeSet};

use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::application::{CommunicationWay, Interest, LanguageCode, MatchPreference};
use crate::country::CountryCode;
use crate::profile::{CareerStage, Sector};
use crate::timezone::TimeZoneName;

mod bounds;
pub use bounds::GroupScores;

/// The most shared interests that earn points: beyond three, a pair is already a good match on
/// interests and more overlap should not drown out time zones or preferences.
pub const MAX_COUNTED_INTERESTS: u32 = 3;

/// The largest weight an admin may give a criterion; it keeps every score far inside the
/// engine's integer range.
pub const MAX_WEIGHT: u32 = 1000;

/// Local waking hours used for the time-zone criterion: 08:00 to 22:00, 14 hours. Only the
/// length matters, because everyone's day starts at the same local hour.
const WAKING_MINUTES: i32 = 14 * 60;
const DAY_MINUTES: i32 = 24 * 60;

/// Points per criterion, adjustable by an admin for each round.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Weights {
    /// Per shared area of interest, for up to [`MAX_COUNTED_INTERESTS`] of them.
    pub shared_interests: u32,
    /// Per person whose matching preference the partner meets (so up to twice this).
    pub preference: u32,
    /// When both work in the same sector.
    pub sector: u32,
    /// When the two people's waking hours overlap completely; less in proportion otherwise.
    pub waking_hours: u32,
    /// Per way to communicate they both use.
    pub communication: u32,
    /// Per person for whom the partner's country and sector are new across their past rounds
    /// (half of it when only one of the two is new).
    pub wider_network: u32,
}

impl Default for Weights {
    fn default() -> Self {
        Weights {
            shared_interests: 10,
            preference: 15,
            sector: 10,
            waking_hours: 20,
            communication: 3,
            wider_network: 10,
        }
    }
}

/// The criteria of a score, in the order they are shown.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Criterion {
    SharedInterests,
    Preference,
    Sector,
    WakingHours,
    Communication,
    WiderNetwork,
}

impl Criterion {
    pub const ALL: [Criterion; 6] = [
        Criterion::SharedInterests,
        Criterion::Preference,
        Criterion::Sector,
        Criterion::WakingHours,
        Criterion::Communication,
        Criterion::WiderNetwork,
    ];

    /// The snake_case id used by forms and stored settings.
    pub fn as_str(self) -> &'static str {
        match self {
            Criterion::SharedInterests => "shared_interests",
            Criterion::Preference => "preference",
            Criterion::Sector => "sector",
            Criterion::WakingHours => "waking_hours",
            Criterion::Communication => "communication",
            Criterion::WiderNetwork => "wider_network",
        }
    }
}

/// A weight the admin typed that we cannot use.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("the weight for {criterion} must be a whole number from 0 to {MAX_WEIGHT}, not {input:?}", criterion = .criterion.as_str())]
pub struct WeightError {
    pub criterion: Criterion,
    pub input: String,
}

impl Weights {
    /// The weight of one criterion.
    pub fn get(&self, criterion: Criterion) -> u32 {
        match criterion {
            Criterion::SharedInterests => self.shared_interests,
            Criterion::Preference => self.preference,
            Criterion::Sector => self.sector,
            Criterion::WakingHours => self.waking_hours,
            Criterion::Communication => self.communication,
            Criterion::WiderNetwork => self.wider_network,
        }
    }

    fn slot(&mut self, criterion: Criterion) -> &mut u32 {
        match criterion {
            Criterion::SharedInterests => &mut self.shared_interests,
            Criterion::Preference => &mut self.preference,
            Criterion::Sector => &mut self.sector,
            Criterion::WakingHours => &mut self.waking_hours,
            Criterion::Communication => &mut self.communication,
            Criterion::WiderNetwork => &mut self.wider_network,
        }
    }

    /// Sets one weight from what an admin typed; blank keeps the current value.
    pub fn set_from_text(&mut self, criterion: Criterion, input: &str) -> Result<(), WeightError> {
        let trimmed = input.trim();
        if trimmed.is_empty() {
            return Ok(());
        }
        match trimmed.parse::<u32>() {
            Ok(value) if value <= MAX_WEIGHT => {
                *self.slot(criterion) = value;
                Ok(())
            }
            _ => Err(WeightError {
                criterion,
                input: trimmed.to_owned(),
            }),
        }
    }

    /// Weights from a form of `(criterion id, text)` fields, starting from the defaults; one
    /// error per wrong field.
    pub fn from_form<'a>(
        fields: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> Result<Weights, Vec<WeightError>> {
        let mut weights = Weights::default();
        let mut errors = Vec::new();
        for (name, value) in fields {
            if let Some(criterion) = Criterion::ALL.into_iter().find(|c| c.as_str() == name)
                && let Err(e) = weights.set_from_text(criterion, value)
            {
                errors.push(e);
            }
        }
        if errors.is_empty() {
            Ok(weights)
        } else {
            Err(errors)
        }
    }

    /// The largest score a pair can get under these weights.
    pub fn max_score(&self) -> i64 {
        i64::from(self.shared_interests) * i64::from(MAX_COUNTED_INTERESTS)
            + 2 * i64::from(self.preference)
            + i64::from(self.sector)
            + i64::from(self.waking_hours)
            + 4 * i64::from(self.communication)
            + 2 * i64::from(self.wider_network)
    }
}

/// Whom a person has been paired with before, as far as scoring needs it: the countries and
/// sectors of their partners in past rounds.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct History {
    pub countries: BTreeSet<CountryCode>,
    pub sectors: BTreeSet<Sector>,
}

impl History {
    /// True when the person has taken part before.
    pub fn is_empty(&self) -> bool {
        self.countries.is_empty() && self.sectors.is_empty()
    }
}

/// What scoring knows of one person: the answers that matter for matching, plus history.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MatchProfile {
    pub country: CountryCode,
    pub sector: Sector,
    pub career_stage: CareerStage,
    pub time_zone: TimeZoneName,
    pub interests: BTreeSet<Interest>,
    pub languages: BTreeSet<LanguageCode>,
    pub communication: BTreeSet<CommunicationWay>,
    pub preference: MatchPreference,
    pub history: History,
}

/// A hard rule that forbids a pair.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Rule {
    /// Partners are always in different countries.
    SameCountry,
    /// They must share one of the round's program languages.
    NoSharedLanguage,
    /// Never the same partner twice.
    PreviousPartners,
    /// An admin said "never pair these two".
    Forbidden,
}

impl Rule {
    pub fn as_str(self) -> &'static str {
        match self {
            Rule::SameCountry => "same_country",
            Rule::NoSharedLanguage => "no_shared_language",
            Rule::PreviousPartners => "previous_partners",
            Rule::Forbidden => "forbidden",
        }
    }

    /// Why the pair is not allowed, as a phrase for error messages.
    pub(crate) fn reason(self) -> &'static str {
        match self {
            Rule::SameCountry => "they live in the same country",
            Rule::NoSharedLanguage => "they share no program language",
            Rule::PreviousPartners => "they were partners before",
            Rule::Forbidden => "an admin asked never to pair them",
        }
    }
}

/// A pair that may never be formed, by position in the scorer's list of people.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct BannedPair {
    pub a: usize,
    pub b: usize,
    /// [`Rule::PreviousPartners`] or [`Rule::Forbidden`].
    pub rule: Rule,
}

/// Problems building a scorer; they come from the caller's lists, never from the people.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ScorerError {
    #[error("a banned pair names person {index}, but there are only {count} people")]
    UnknownPerson { index: usize, count: usize },
    #[error("a banned pair must use the rule previous_partners or forbidden, not {0}")]
    NotABanRule(&'static str),
}

/// One person compiled for fast pair scoring.
#[derive(Clone, Debug)]
struct Compiled {
    country: u16,
    sector: Sector,
    stage: CareerStage,
    /// UTC offset in minutes at the round's start.
    offset_minutes: i32,
    /// Index of that offset in the scorer's table of distinct offsets.
    zone: u16,
    /// Points this person brings to every pair whatever the partner: the wider-network
    /// points when they are new to the program.
    constant_points: i64,
    /// Languages the person speaks that are program languages, as bits of the language table.
    languages: [u64; 3],
    ways: u8,
    preference: MatchPreference,
    /// Index of (sector, career stage, preference) in the scorer's class table.
    class: u16,
    /// The first 64 interest bits, kept here so the common case reads no other memory.
    interests: u64,
    /// Past partners' sectors, a bit per sector (countries are in `Scorer::past_countries`).
    past_sectors: u16,
    has_history: bool,
    /// Whether `Scorer::banned` has entries for this person.
    has_banned: bool,
}

/// Scores pairs of a fixed list of people under a round's weights and rules.
#[derive(Clone, Debug)]
pub struct Scorer {
    weights: Weights,
    people: Vec<Compiled>,
    /// Interest bit sets, `words` u64 per person.
    interest_bits: Vec<u64>,
    words: usize,
    /// Interest names by bit index, for explanations.
    interest_names: Vec<Interest>,
    countries: Vec<CountryCode>,
    /// Per person: past partners' countries, a bit per compiled country id (there are fewer
    /// than 256 countries).
    past_countries: Vec<[u64; 4]>,
    /// Per person: banned partners, sorted, with the rule that bans each.
    banned: Vec<Vec<(u32, Rule)>>,
    /// Sector and preference points for each pair of classes (sector, stage, preference),
    /// with and without a shared interest: `[(class_a * CLASSES + class_b) * 2 + shares]`.
    class_points: Vec<i64>,
    /// Waking-hours points for each pair of distinct offsets, `zones` by `zones`.
    waking_points: Vec<i64>,
    zones: usize,
}

/// Distinct (sector, career stage, preference) combinations.
const CLASSES: usize = Sector::ALL.len() * CareerStage::ALL.len() * MatchPreference::ALL.len();

/// The class table index of a (sector, career stage, preference) combination.
fn class_of(sector: Sector, stage: CareerStage, preference: MatchPreference) -> u16 {
    let preference = match preference {
        MatchPreference::CareerStage => 0,
        MatchPreference::InterestSector => 1,
        MatchPreference::Any => 2,
    };
    ((sector as u16) * 4 + u16::from(stage_rank(stage))) * 3 + preference
}

/// How many ways are set in a 4-bit mask of [`CommunicationWay`] bits.
const WAYS_COUNT: [u8; 16] = [0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4];

/// How well one person's matching preference is met by a partner.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PreferenceFit {
    Full,
    Half,
    None,
}

impl PreferenceFit {
    fn points(self, weight: u32) -> i64 {
        match self {
            PreferenceFit::Full => i64::from(weight),
            PreferenceFit::Half => i64::from(weight) / 2,
            PreferenceFit::None => 0,
        }
    }
}

/// Points per criterion for one pair.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Points {
    pub shared_interests: i64,
    pub preference: i64,
    pub sector: i64,
    pub waking_hours: i64,
    pub communication: i64,
    pub wider_network: i64,
}

impl Points {
    pub fn total(&self) -> i64 {
        self.shared_interests
            + self.preference
            + self.sector
            + self.waking_hours
            + self.communication
            + self.wider_network
    }

    pub fn get(&self, criterion: Criterion) -> i64 {
        match criterion {
            Criterion::SharedInterests => self.shared_interests,
            Criterion::Preference => self.preference,
            Criterion::Sector => self.sector,
            Criterion::WakingHours => self.waking_hours,
            Criterion::Communication => self.communication,
            Criterion::WiderNetwork => self.wider_network,
        }
    }
}

/// Why a pair scores what it scores: the points and the facts behind them. Both arrays are
/// in the order the pair was asked for (`[a, b]`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Breakdown {
    pub score: i64,
    pub points: Points,
    /// All interests they share, sorted (points count at most [`MAX_COUNTED_INTERESTS`]).
    pub shared_interests: Vec<Interest>,
    pub same_sector: Option<Sector>,
    pub same_career_stage: Option<CareerStage>,
    pub preference_fit: [PreferenceFit; 2],
    /// Difference between their clocks at the round's start, in minutes, at most 12 hours.
    pub minutes_apart: u32,
    /// How many minutes of their 08:00-22:00 days overlap.
    pub overlap_minutes: u32,
    pub shared_ways: Vec<CommunicationWay>,
    /// The partner's country is new to this person across their past rounds.
    pub new_country: [bool; 2],
    /// The partner's sector is new to this person across their past rounds.
    pub new_sector: [bool; 2],
    /// This person has taken part before (only then is "new" worth saying).
    pub returning: [bool; 2],
}

impl Scorer {
    /// Compiles `people` for scoring. `program_languages` empty means any shared language
    /// will do. Offsets are taken at `round_start`, so daylight saving is as it will be when
    /// the partnerships begin. `banned` lists previous partners and the admin's forbidden
    /// pairs by position in `people`.
    pub fn new(
        people: &[MatchProfile],
        weights: Weights,
        program_languages: &BTreeSet<LanguageCode>,
        round_start: Timestamp,
        banned: &[BannedPair],
    ) -> Result<Scorer, ScorerError> {
        let count = people.len();
        let mut interest_index: BTreeMap<&Interest, usize> = BTreeMap::new();
        for p in people {
            for i in &p.interests {
                interest_index.insert(i, 0);
            }
        }
        for (n, slot) in interest_index.values_mut().enumerate() {
            *slot = n;
        }
        let interest_names: Vec<Interest> = interest_index.keys().map(|i| (*i).clone()).collect();
        let words = interest_names.len().div_ceil(64).max(1);

        let mut country_index: BTreeMap<CountryCode, u16> = BTreeMap::new();
        for p in people {
            country_index.insert(p.country, 0);
            for c in &p.history.countries {
                country_index.insert(*c, 0);
            }
        }
        for (n, slot) in country_index.values_mut().enumerate() {
            // There are fewer than 300 countries, so the index always fits.
            *slot = u16::try_from(n).unwrap_or(u16::MAX);
        }
        let countries: Vec<CountryCode> = country_index.keys().copied().collect();

        let language_ids: BTreeMap<LanguageCode, usize> = LanguageCode::all()
            .enumerate()
            .map(|(n, code)| (code, n))
            .collect();

        let mut banned_by: Vec<Vec<(u32, Rule)>> = vec![Vec::new(); count];
        for ban in banned {
            if !matches!(ban.rule, Rule::PreviousPartners | Rule::Forbidden) {
                return Err(ScorerError::NotABanRule(ban.rule.as_str()));
            }
            for index in [ban.a, ban.b] {
                if index >= count {
                    return Err(ScorerError::UnknownPerson { index, count });
                }
            }
            if ban.a == ban.b {
                continue;
            }
            // Indices are below `count`, which is a Vec length, so they fit a u32 for any
            // round we can hold; a larger round would fail in the engine first.
            let (a, b) = (ban.a as u32, ban.b as u32);
            banned_by[ban.a].push((b, ban.rule));
            banned_by[ban.b].push((a, ban.rule));
        }

        let mut interest_bits = vec![0u64; words * count];
        let mut compiled = Vec::with_capacity(count);
        let mut offsets: Vec<i32> = Vec::new();
        let mut past_countries_by = Vec::with_capacity(count);
        let mut banned_lists = Vec::with_capacity(count);
        for (n, (p, mut banned)) in people.iter().zip(banned_by).enumerate() {
            for i in &p.interests {
                if let Some(&bit) = interest_index.get(i) {
                    interest_bits[n * words + bit / 64] |= 1 << (bit % 64);
                }
            }
            let mut languages = [0u64; 3];
            for l in &p.languages {
                if (program_languages.is_empty() || program_languages.contains(l))
                    && let Some(&bit) = language_ids.get(l)
                {
                    languages[bit / 64] |= 1 << (bit % 64);
                }
            }
            let ways = p.communication.iter().fold(0u8, |acc, w| acc | w.bit());
            let mut past_countries = [0u64; 4];
            for c in &p.history.countries {
                if let Some(&id) = country_index.get(c) {
                    let id = usize::from(id);
                    past_countries[(id / 64) % 4] |= 1 << (id % 64);
                }
            }
            let past_sectors = p
                .history
                .sectors
                .iter()
                .fold(0u16, |acc, s| acc | sector_bit(*s));
            banned.sort_unstable();
            // A pair banned for two reasons keeps the first in Rule order.
            banned.dedup_by_key(|(other, _)| *other);
            let offset_minutes = p.time_zone.to_jiff().to_offset(round_start).seconds() / 60;
            if let Err(at) = offsets.binary_search(&offset_minutes) {
                offsets.insert(at, offset_minutes);
            }
            let has_history = !p.history.is_empty();
            let constant_points = if has_history {
                0
            } else {
                i64::from(weights.wider_network)
            };
            compiled.push(Compiled {
                country: country_index.get(&p.country).copied().unwrap_or(u16::MAX),
                sector: p.sector,
                stage: p.career_stage,
                offset_minutes,
                zone: 0,
                constant_points,
                class: class_of(p.sector, p.career_stage, p.preference),
                languages,
                ways,
                preference: p.preference,
                interests: interest_bits[n * words],
                past_sectors,
                has_history,
                has_banned: !banned.is_empty(),
            });
            past_countries_by.push(past_countries);
            banned_lists.push(banned);
        }
        // There are fewer than 40 distinct offsets in the world, so the table is tiny.
        for person in &mut compiled {
            let at = offsets.binary_search(&person.offset_minutes).unwrap_or(0);
            person.zone = u16::try_from(at).unwrap_or(0);
        }
        let zones = offsets.len();
        let mut waking_points = vec![0i64; zones * zones];
        for (x, &ox) in offsets.iter().enumerate() {
            for (y, &oy) in offsets.iter().enumerate() {
                let (_, overlap) = clock_distance(ox, oy);
                waking_points[x * zones + y] = i64::from(weights.waking_hours) * i64::from(overlap)
                    / i64::from(WAKING_MINUTES);
            }
        }
        let mut class_points = vec![0i64; CLASSES * CLASSES * 2];
        for sa in Sector::ALL {
            for ka in CareerStage::ALL {
                for pa in MatchPreference::ALL {
                    for sb in Sector::ALL {
                        for kb in CareerStage::ALL {
                            for pb in MatchPreference::ALL {
                                for shares in [false, true] {
                                    let at = (usize::from(class_of(sa, ka, pa)) * CLASSES
                                        + usize::from(class_of(sb, kb, pb)))
                                        * 2
                                        + usize::from(shares);
                                    let sector = if sa == sb { weights.sector } else { 0 };
                                    class_points[at] = i64::from(sector)
                                        + fit((pa, ka, sa), (kb, sb), shares)
                                            .points(weights.preference)
                                        + fit((pb, kb, sb), (ka, sa), shares)
                                            .points(weights.preference);
                                }
                            }
                        }
                    }
                }
            }
        }
        Ok(Scorer {
            weights,
            class_points,
            people: compiled,
            interest_bits,
            words,
            interest_names,
            countries,
            past_countries: past_countries_by,
            banned: banned_lists,
            waking_points,
            zones,
        })
    }

    /// How many people the scorer holds.
    pub fn len(&self) -> usize {
        self.people.len()
    }

    pub fn is_empty(&self) -> bool {
        self.people.is_empty()
    }

    pub fn weights(&self) -> &Weights {
        &self.weights
    }

    /// The first hard rule that forbids pairing `a` and `b`, or `None` when they may pair.
    /// Out-of-range positions and a person with themselves count as the same country.
    #[inline]
    pub fn check(&self, a: usize, b: usize) -> Option<Rule> {
        let (Some(pa), Some(pb)) = (self.people.get(a), self.people.get(b)) else {
            return Some(Rule::SameCountry);
        };
        if a == b {
            return Some(Rule::SameCountry);
        }
        self.check_compiled(a, pa, b, pb)
    }

    /// [`Scorer::check`] for two different people `a` and `b` whose compiled records are at
    /// hand (the grouped view keeps a copy of them in group order).
    #[inline]
    fn check_compiled(&self, a: usize, pa: &Compiled, b: usize, pb: &Compiled) -> Option<Rule> {
        if pa.country == pb.country {
            return Some(Rule::SameCountry);
        }
        if (0..3).all(|w| pa.languages[w] & pb.languages[w] == 0) {
            return Some(Rule::NoSharedLanguage);
        }
        if pa.has_banned {
            let banned = &self.banned[a];
            let other = b as u32;
            if let Ok(at) = banned.binary_search_by_key(&other, |(o, _)| *o) {
                return Some(banned[at].1);
            }
        }
        None
    }

    /// The score of the pair, or `None` when a hard rule forbids it. Symmetric:
    /// `score(a, b) == score(b, a)`.
    pub fn score(&self, a: usize, b: usize) -> Option<i64> {
        if self.check(a, b).is_some() {
            return None;
        }
        Some(self.total(a, b))
    }

    /// The score of a pair ignoring the hard rules, for pairs an admin locked by hand.
    pub fn score_unchecked(&self, a: usize, b: usize) -> i64 {
        if a >= self.len() || b >= self.len() {
            return 0;
        }
        self.total(a, b)
    }

    /// The same sum as `points(a, b).total()`, computed the short way: the engine asks for
    /// every pair of the round, so this is the hot loop of a matching run.
    #[inline]
    fn total(&self, a: usize, b: usize) -> i64 {
        self.total_compiled(a, &self.people[a], b, &self.people[b])
    }

    /// [`Scorer::total`] with the two compiled records at hand.
    #[inline]
    fn total_compiled(&self, a: usize, pa: &Compiled, b: usize, pb: &Compiled) -> i64 {
        let w = &self.weights;
        // The build targets baseline x86-64, where counting bits is a dozen instructions;
        // only "none, one, two, three or more" matters here, so clear the lowest bit thrice.
        let shared = if self.words == 1 {
            let x = pa.interests & pb.interests;
            let y = x & x.wrapping_sub(1);
            let z = y & y.wrapping_sub(1);
            u32::from(x != 0) + u32::from(y != 0) + u32::from(z != 0)
        } else {
            self.shared_interest_count(a, b).min(MAX_COUNTED_INTERESTS)
        };
        let class =
            (usize::from(pa.class) * CLASSES + usize::from(pb.class)) * 2 + usize::from(shared > 0);
        let mut total = pa.constant_points
            + pb.constant_points
            + i64::from(w.shared_interests) * i64::from(shared)
            + i64::from(w.communication)
                * i64::from(WAYS_COUNT[usize::from(pa.ways & pb.ways & 15)])
            + self.waking_points[usize::from(pa.zone) * self.zones + usize::from(pb.zone)]
            + self.class_points[class];
        if pa.has_history {
            total += self.wider_compiled(a, pa, pb);
        }
        if pb.has_history {
            total += self.wider_compiled(b, pb, pa);
        }
        total
    }

    fn shared_interest_count(&self, a: usize, b: usize) -> u32 {
        let (ia, ib) = (
            &self.interest_bits[a * self.words..(a + 1) * self.words],
            &self.interest_bits[b * self.words..(b + 1) * self.words],
        );
        ia.iter().zip(ib).map(|(x, y)| (x & y).count_ones()).sum()
    }

    fn points(&self, a: usize, b: usize) -> Points {
        let w = &self.weights;
        let (pa, pb) = (&self.people[a], &self.people[b]);
        let shared = self.shared_interest_count(a, b);
        let same_sector = pa.sector == pb.sector;
        let (_, overlap) = clock_distance(pa.offset_minutes, pb.offset_minutes);
        let ways = (pa.ways & pb.ways).count_ones();
        Points {
            shared_interests: i64::from(w.shared_interests)
                * i64::from(shared.min(MAX_COUNTED_INTERESTS)),
            preference: preference_fit(pa, pb, shared).points(w.preference)
                + preference_fit(pb, pa, shared).points(w.preference),
            sector: if same_sector { i64::from(w.sector) } else { 0 },
            waking_hours: i64::from(w.waking_hours) * i64::from(overlap)
                / i64::from(WAKING_MINUTES),
            communication: i64::from(w.communication) * i64::from(ways),
            wider_network: self.wider(a, b) + self.wider(b, a),
        }
    }

    /// Whether one of `person`'s past partners was from `country` (a compiled id).
    #[inline]
    fn knows_country(&self, person: usize, country: u16) -> bool {
        let id = usize::from(country);
        self.past_countries[person][(id / 64) % 4] & (1 << (id % 64)) != 0
    }

    /// The wider-network points `person` gets from `partner`.
    #[inline]
    fn wider(&self, person: usize, partner: usize) -> i64 {
        self.wider_compiled(person, &self.people[person], &self.people[partner])
    }

    /// [`Scorer::wider`] with the two compiled records at hand.
    #[inline]
    fn wider_compiled(&self, person_id: usize, person: &Compiled, partner: &Compiled) -> i64 {
        let new_country = !self.knows_country(person_id, partner.country);
        let new_sector = person.past_sectors & sector_bit(partner.sector) == 0;
        let w = i64::from(self.weights.wider_network);
        match (new_country, new_sector) {
            (true, true) => w,
            (false, false) => 0,
            _ => w / 2,
        }
    }

    /// The full explanation of a pair's score (hard rules are not checked here).
    pub fn breakdown(&self, a: usize, b: usize) -> Option<Breakdown> {
        let (pa, pb) = (self.people.get(a)?, self.people.get(b)?);
        let points = self.points(a, b);
        let mut shared_interests = Vec::new();
        for word in 0..self.words {
            let mut bits = self.interest_bits[a * self.words + word]
                & self.interest_bits[b * self.words + word];
            while bits != 0 {
                let bit = bits.trailing_zeros() as usize;
                bits &= bits - 1;
                if let Some(name) = self.interest_names.get(word * 64 + bit) {
                    shared_interests.push(name.clone());
                }
            }
        }
        let shared = self.shared_interest_count(a, b);
        let (apart, overlap) = clock_distance(pa.offset_minutes, pb.offset_minutes);
        let shared_ways = CommunicationWay::ALL
            .into_iter()
            .filter(|w| pa.ways & pb.ways & w.bit() != 0)
            .collect();
        Some(Breakdown {
            score: points.total(),
            points,
            shared_interests,
            same_sector: (pa.sector == pb.sector).then_some(pa.sector),
            same_career_stage: (pa.stage == pb.stage).then_some(pa.stage),
            preference_fit: [
                preference_fit(pa, pb, shared),
                preference_fit(pb, pa, shared),
            ],
            minutes_apart: apart,
            overlap_minutes: overlap,
            shared_ways,
            new_country: [
                !self.knows_country(a, pb.country),
                !self.knows_country(b, pa.country),
            ],
            new_sector: [
                pa.past_sectors & sector_bit(pb.sector) == 0,
                pb.past_sectors & sector_bit(pa.sector) == 0,
            ],
            returning: [pa.has_history, pb.has_history],
        })
    }

    /// How many others each hard rule rules out for `person`, in [`Rule`] order, and how many
    /// allowed partners remain. Used to say why someone could not be matched.
    pub fn rule_counts(&self, person: usize) -> RuleCounts {
        let mut counts = RuleCounts::default();
        for other in 0..self.len() {
            if other == person {
                continue;
            }
            match self.check(person, other) {
                None => counts.allowed += 1,
                Some(Rule::SameCountry) => counts.same_country += 1,
                Some(Rule::NoSharedLanguage) => counts.no_shared_language += 1,
                Some(Rule::PreviousPartners) => counts.previous_partners += 1,
                Some(Rule::Forbidden) => counts.forbidden += 1,
            }
        }
        counts
    }

    /// The country of a compiled person, for callers that only hold the scorer.
    pub fn country(&self, person: usize) -> Option<CountryCode> {
        let p = self.people.get(person)?;
        self.countries.get(usize::from(p.country)).copied()
    }
}

/// For one person, how the others fall under the hard rules.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RuleCounts {
    pub allowed: usize,
    pub same_country: usize,
    pub no_shared_language: usize,
    pub previous_partners: usize,
    pub forbidden: usize,
}

impl RuleCounts {
    /// "nobody else can be their partner: 12 live in the same country, 3 share no program
    /// language", or `None` when someone can.
    pub fn describe(&self) -> Option<String> {
        if self.allowed > 0 {
            return None;
        }
        let mut parts = Vec::new();
        let mut push = |n: usize, one: &str, many: &str| match n {
            0 => {}
            1 => parts.push(format!("1 {one}")),
            _ => parts.push(format!("{n} {many}")),
        };
        push(
            self.same_country,
            "other lives in the same country",
            "others live in the same country",
        );
        push(
            self.no_shared_language,
            "other shares no program language",
            "others share no program language",
        );
        push(
            self.previous_partners,
            "other was a partner before",
            "others were partners before",
        );
        push(
            self.forbidden,
            "other is on the never-pair list",
            "others are on the never-pair list",
        );
        if parts.is_empty() {
            Some("nobody else is in this round".to_owned())
        } else {
            Some(format!(
                "nobody else can be their partner: {}",
                parts.join(", ")
            ))
        }
    }
}

#[inline]
fn sector_bit(sector: Sector) -> u16 {
    // The enum's declaration order is Sector::ALL's order, so the discriminant is the index.
    1 << (sector as u16)
}

/// How far apart two clocks are (at most 12 hours) and how many minutes their 08:00-22:00
/// days overlap, both in minutes.
fn clock_distance(offset_a: i32, offset_b: i32) -> (u32, u32) {
    let delta = (offset_a - offset_b).rem_euclid(DAY_MINUTES);
    let apart = delta.min(DAY_MINUTES - delta);
    // Two arcs of equal length on the day's circle overlap on both sides of the gap.
    let overlap = (WAKING_MINUTES - delta).max(0) + (WAKING_MINUTES - (DAY_MINUTES - delta)).max(0);
    (
        apart.unsigned_abs(),
        overlap.min(WAKING_MINUTES).unsigned_abs(),
    )
}

#[inline]
fn preference_fit(person: &Compiled, partner: &Compiled, shared_interests: u32) -> PreferenceFit {
    fit(
        (person.preference, person.stage, person.sector),
        (partner.stage, partner.sector),
        shared_interests > 0,
    )
}

/// How well a partner of `partner` (stage, sector) meets the wishes of a person with
/// `person` (preference, stage, sector), when they share an interest or not.
fn fit(
    person: (MatchPreference, CareerStage, Sector),
    partner: (CareerStage, Sector),
    share_interests: bool,
) -> PreferenceFit {
    let (preference, stage, sector) = person;
    match preference {
        MatchPreference::Any => PreferenceFit::Full,
        MatchPreference::CareerStage => match stage_rank(stage).abs_diff(stage_rank(partner.0)) {
            0 => PreferenceFit::Full,
            1 => PreferenceFit::Half,
            _ => PreferenceFit::None,
        },
        MatchPreference::InterestSector => match (sector == partner.1, share_interests) {
            (true, true) => PreferenceFit::Full,
            (false, false) => PreferenceFit::None,
            _ => PreferenceFit::Half,
        },
    }
}

fn stage_rank(stage: CareerStage) -> u8 {
    match stage {
        CareerStage::Student => 0,
        CareerStage::Early => 1,
        CareerStage::Mid => 2,
        CareerStage::Senior => 3,
    }
}

impl Breakdown {
    /// The explanation a person can read, e.g. "you both work on social media and disaster
    /// response; both in academic libraries; 3 hours apart; a new country for both". `names`
    /// are the two people's names, in the order the pair was scored, for the parts that are
    /// about one of them.
    pub fn sentence(&self, names: [&str; 2]) -> String {
        let mut parts: Vec<String> = Vec::new();
        if !self.shared_interests.is_empty() {
            let shown: Vec<&str> = self
                .shared_interests
                .iter()
                .take(MAX_COUNTED_INTERESTS as usize)
                .map(Interest::as_str)
                .collect();
            let more = self.shared_interests.len() - shown.len();
            let mut text = format!("you both work on {}", join_and(&shown));
            if more > 0 {
                text.push_str(&format!(" (and {more} more)"));
            }
            parts.push(text);
        }
        if let Some(sector) = self.same_sector {
            parts.push(sector_phrase(sector).to_owned());
        }
        if let Some(stage) = self.same_career_stage {
            parts.push(stage_phrase(stage).to_owned());
        }
        parts.push(hours_phrase(self.minutes_apart));
        let ways: Vec<&str> = self
            .shared_ways
            .iter()
            .map(|w| w.phrase())
            .collect::<Vec<_>>();
        if !ways.is_empty() {
            parts.push(format!("both use {}", join_and(&ways)));
        }
        let country = [
            self.returning[0] && self.new_country[0],
            self.returning[1] && self.new_country[1],
        ];
        let sector = [
            self.returning[0] && self.new_sector[0],
            self.returning[1] && self.new_sector[1],
        ];
        match (country == sector, country) {
            (true, [true, true]) => parts.push("a new country and sector for both".to_owned()),
            (true, [true, false]) => {
                parts.push(format!("a new country and sector for {}", names[0]))
            }
            (true, [false, true]) => {
                parts.push(format!("a new country and sector for {}", names[1]))
            }
            _ => {
                if let Some(text) = for_whom("a new country", country, names) {
                    parts.push(text);
                }
                if let Some(text) = for_whom("a new sector", sector, names) {
                    parts.push(text);
                }
            }
        }
        parts.join("; ")
    }
}

fn for_whom(what: &str, flags: [bool; 2], names: [&str; 2]) -> Option<String> {
    match flags {
        [true, true] => Some(format!("{what} for both")),
        [true, false] => Some(format!("{what} for {}", names[0])),
        [false, true] => Some(format!("{what} for {}", names[1])),
        [false, false] => None,
    }
}

/// "a", "a and b", "a, b and c".
fn join_and(items: &[&str]) -> String {
    match items {
        [] => String::new(),
        [one] => (*one).to_owned(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

fn sector_phrase(sector: Sector) -> &'static str {
    match sector {
        Sector::Academic => "both in academic libraries",
        Sector::Public => "both in public libraries",
        Sector::School => "both in school libraries",
        Sector::Special => "both in special libraries",
        Sector::Government => "both in government libraries",
        Sector::National => "both in national libraries",
        Sector::Archives => "both in archives",
        Sector::Museum => "both in museums",
        Sector::LisEducation => "both in library and information science education",
        Sector::Vendor => "both work for vendors or suppliers",
        Sector::Other => "both outside the usual library sectors",
    }
}

fn stage_phrase(stage: CareerStage) -> &'static str {
    match stage {
        CareerStage::Student => "both students",
        CareerStage::Early => "both early in their careers",
        CareerStage::Mid => "both mid-career",
        CareerStage::Senior => "both senior in the profession",
    }
}

/// "same time zone", "1 hour apart", "5½ hours apart", "5 hours 45 minutes apart".
fn hours_phrase(minutes: u32) -> String {
    let (hours, rest) = (minutes / 60, minutes % 60);
    match (hours, rest) {
        (0, 0) => "same time zone".to_owned(),
        (1, 0) => "1 hour apart".to_owned(),
        (h, 0) => format!("{h} hours apart"),
        (0, 30) => "half an hour apart".to_owned(),
        (h, 30) => format!("{h}½ hours apart"),
        (0, m) => format!("{m} minutes apart"),
        (1, m) => format!("1 hour {m} minutes apart"),
        (h, m) => format!("{h} hours {m} minutes apart"),
    }
}

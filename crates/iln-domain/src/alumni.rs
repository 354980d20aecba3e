//! The alumni network: after a round, people may join a directory of the network's alumni,
//! choosing what it shows of them, and find people they have not met yet.
//!
//! "People you might want to meet" ranks alumni from countries the person has not met
//! through the program with the matching's own scoring ([`crate::scoring::Scorer`]), so the
//! wider-network bonus for new countries and sectors counts as it does in a round, and each
//! suggestion says why in the matching's own words.

use std::collections::BTreeSet;

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use crate::application::LanguageCode;
use crate::country::CountryCode;
use crate::profile::Sector;
use crate::scoring::{Breakdown, MatchProfile, Scorer, Weights};

/// The longest bio kept, in characters: a few sentences.
pub const BIO_MAX_LEN: usize = 600;
/// How many people a page of the directory lists.
pub const PAGE_SIZE: usize = 20;
/// How many suggestions "People you might want to meet" makes.
pub const SUGGESTIONS: usize = 10;

/// What a person's directory entry shows besides their name. Everything is their choice.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Shown {
    pub country: bool,
    pub sector: bool,
    pub role: bool,
    pub interests: bool,
    pub languages: bool,
    pub rounds: bool,
}

/// A person's directory entry as they chose it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Listing {
    pub bio: String,
    pub shown: Shown,
}

/// The join form as typed: the bio, and a box per thing to show.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub struct ListingForm {
    pub bio: String,
    pub country: String,
    pub sector: String,
    pub role: String,
    pub interests: String,
    pub languages: String,
    pub rounds: String,
}

/// What is wrong with the join form.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ListingError {
    #[error("bio: longer than {BIO_MAX_LEN} characters")]
    BioTooLong,
}

impl Listing {
    pub fn parse(form: &ListingForm) -> Result<Listing, ListingError> {
        let bio = form.bio.replace("\r\n", "\n").trim().to_owned();
        if bio.chars().count() > BIO_MAX_LEN {
            return Err(ListingError::BioTooLong);
        }
        let ticked = |v: &str| !v.trim().is_empty();
        Ok(Listing {
            bio,
            shown: Shown {
                country: ticked(&form.country),
                sector: ticked(&form.sector),
                role: ticked(&form.role),
                interests: ticked(&form.interests),
                languages: ticked(&form.languages),
                rounds: ticked(&form.rounds),
            },
        })
    }

    /// The form showing this entry, for changing it.
    pub fn form(&self) -> ListingForm {
        let on = |b: bool| if b { "on".to_owned() } else { String::new() };
        ListingForm {
            bio: self.bio.clone(),
            country: on(self.shown.country),
            sector: on(self.shown.sector),
            role: on(self.shown.role),
            interests: on(self.shown.interests),
            languages: on(self.shown.languages),
            rounds: on(self.shown.rounds),
        }
    }
}

/// A directory search. Empty fields match everyone; a search only matches on what each
/// person chose to show, so a hidden country is never found by country.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Search {
    pub country: Option<CountryCode>,
    pub sector: Option<Sector>,
    /// Matches an interest containing these words, ignoring case.
    pub interest: String,
    pub language: Option<LanguageCode>,
}

/// One alumnus as the directory knows them: their entry and what their latest application
/// says (the entry decides what of it is shown).
#[derive(Clone, Debug, PartialEq)]
pub struct Alumnus {
    pub name: String,
    pub listing: Listing,
    pub country: CountryCode,
    pub sector: Sector,
    pub role: String,
    pub interests: Vec<String>,
    pub languages: Vec<LanguageCode>,
    pub rounds: Vec<String>,
    pub joined_at: Timestamp,
}

impl Alumnus {
    pub fn matches(&self, search: &Search) -> bool {
        let shown = &self.listing.shown;
        let country = search
            .country
            .is_none_or(|c| shown.country && c == self.country);
        let sector = search
            .sector
            .is_none_or(|s| shown.sector && s == self.sector);
        let needle = search.interest.trim().to_lowercase();
        let interest = needle.is_empty()
            || (shown.interests
                && self
                    .interests
                    .iter()
                    .any(|i| i.to_lowercase().contains(&needle)));
        let language = search
            .language
            .as_ref()
            .is_none_or(|l| shown.languages && self.languages.contains(l));
        country && sector && interest && language
    }
}

/// One suggestion: who (a position in the candidates given), their score and why.
#[derive(Clone, Debug, PartialEq)]
pub struct Suggestion {
    pub candidate: usize,
    pub score: i64,
    pub why: Breakdown,
}

/// The people `me` might want to meet among `candidates`: never themselves (`me_at`), never
/// anyone in `met` (positions of people they were partnered with), only people from a country
/// new to them (neither theirs nor one of their partners'), and only someone they share a
/// language with. Ranked by the matching's score with `weights`, best first, ties by position;
/// at most `limit`.
pub fn suggest(
    profiles: &[MatchProfile],
    me_at: usize,
    met: &BTreeSet<usize>,
    weights: Weights,
    now: Timestamp,
    limit: usize,
) -> Vec<Suggestion> {
    let Some(me) = profiles.get(me_at) else {
        return Vec::new();
    };
    // Any shared language will do outside a round: no program languages.
    let Ok(scorer) = Scorer::new(profiles, weights, &BTreeSet::new(), now, &[]) else {
        return Vec::new();
    };
    let mut found: Vec<Suggestion> = profiles
        .iter()
        .enumerate()
        .filter(|(i, p)| {
            *i != me_at
                && !met.contains(i)
                && p.country != me.country
                && !me.history.countries.contains(&p.country)
        })
        .filter_map(|(i, _)| {
            // The hard rules first: another country and a shared language.
            scorer.score(me_at, i)?;
            let why = scorer.breakdown(me_at, i)?;
            Some(Suggestion {
                candidate: i,
                score: why.score,
                why,
            })
        })
        .collect();
    found.sort_by(|a, b| b.score.cmp(&a.score).then(a.candidate.cmp(&b.candidate)));
    found.truncate(limit);
    found
}

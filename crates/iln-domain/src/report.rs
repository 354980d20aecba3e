//! The numbers behind the report pages, as pure functions over plain rows: the fairness
//! report by country (how each country's applicants fared against the whole round), the
//! mixes of a group (sectors, career stages, countries) and contacts counted by week. The
//! application layer reads the rows; the web layer draws and words the results.

use std::collections::BTreeMap;

use jiff::civil::Date;

use crate::country::CountryCode;
use crate::proposal::UnmatchedKind;
use crate::status::ApplicationStatus;

/// How far, in percentage points, a country's rate may be from the round's before the
/// report marks it.
pub const MARGIN_POINTS: f64 = 10.0;

/// The fewest people a rate must count before the report marks it: below that one person
/// moves it by more than the margin.
pub const MIN_MARKED: usize = 5;

/// A partnership with no contact logged in this many days after its introduction counts as
/// having had no contact.
pub const QUIET_DAYS: i64 = 14;

/// The lowest point of the satisfaction scale that counts as satisfied (of 1 to 5).
pub const SATISFIED_FROM: u8 = 4;

/// Where an application ended up in the matching.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Placement {
    /// Not (yet) part of a published matching: the round has no partnerships, or the
    /// application was not approved.
    Outside,
    /// In a partnership.
    Matched,
    /// Approved for a published matching but left without a partner; the reason when the
    /// matching run recorded one.
    Unmatched(Option<UnmatchedKind>),
}

/// One application, as the report needs it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ApplicationFacts {
    pub country: CountryCode,
    pub status: ApplicationStatus,
    pub placement: Placement,
}

/// One member of a partnership: the partnership's facts, counted for the member's country.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MemberFacts {
    pub country: CountryCode,
    pub score: i64,
    /// Ended before the round did, by a member or an admin (a round closed early is not
    /// counted: that ends every partnership alike).
    pub ended_early: bool,
    /// Whether the partnership had no contact in its first [`QUIET_DAYS`] days; None while
    /// it is younger than that.
    pub quiet: Option<bool>,
}

/// One answer to the satisfaction question, with the respondent's country.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RatingFacts {
    pub country: CountryCode,
    /// 1 to 5.
    pub rating: u8,
}

/// A share: `count` of `of`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Rate {
    pub count: usize,
    pub of: usize,
}

impl Rate {
    /// The share in percent; None when there is nothing to share.
    pub fn percent(self) -> Option<f64> {
        #[expect(clippy::cast_precision_loss, reason = "counts of people")]
        (self.of > 0).then(|| self.count as f64 * 100.0 / self.of as f64)
    }
}

/// The rates the report compares, each with the direction that is better.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Measure {
    /// Approved of applied.
    Approved,
    /// Deferred by the country cap of applied.
    Deferred,
    /// Declined of applied.
    Declined,
    /// Matched of those placed in a published matching.
    Matched,
    /// Partnership members whose partnership ended early.
    EndedEarly,
    /// Partnership members with no contact in the first [`QUIET_DAYS`] days.
    Quiet,
    /// Satisfied ([`SATISFIED_FROM`] or more) of those who answered.
    Satisfied,
}

impl Measure {
    pub const ALL: [Measure; 7] = [
        Measure::Approved,
        Measure::Deferred,
        Measure::Declined,
        Measure::Matched,
        Measure::EndedEarly,
        Measure::Quiet,
        Measure::Satisfied,
    ];

    /// Whether a higher rate is better for the people it counts.
    pub fn higher_is_better(self) -> bool {
        matches!(
            self,
            Measure::Approved | Measure::Matched | Measure::Satisfied
        )
    }
}

/// The counts of one country, or of the whole round.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Line {
    pub applied: usize,
    pub approved: usize,
    pub deferred: usize,
    pub declined: usize,
    pub matched: usize,
    pub unmatched: usize,
    /// The unmatched by reason (None: no reason recorded), most first.
    pub unmatched_reasons: Vec<(Option<UnmatchedKind>, usize)>,
    /// Partnership members, and those of them whose partnership ended early.
    pub members: usize,
    pub ended_early: usize,
    /// Members whose partnership is old enough to tell, and those of them with no contact.
    pub quiet_known: usize,
    pub quiet: usize,
    /// Answers to the satisfaction question, and the satisfied among them.
    pub answered: usize,
    pub satisfied: usize,
    score_sum: i64,
}

impl Line {
    pub fn rate(&self, measure: Measure) -> Rate {
        let (count, of) = match measure {
            Measure::Approved => (self.approved, self.applied),
            Measure::Deferred => (self.deferred, self.applied),
            Measure::Declined => (self.declined, self.applied),
            Measure::Matched => (self.matched, self.matched + self.unmatched),
            Measure::EndedEarly => (self.ended_early, self.members),
            Measure::Quiet => (self.quiet, self.quiet_known),
            Measure::Satisfied => (self.satisfied, self.answered),
        };
        Rate { count, of }
    }

    /// The average score of the members' partnerships; None without partnerships.
    pub fn average_score(&self) -> Option<f64> {
        #[expect(clippy::cast_precision_loss, reason = "scores and counts are small")]
        (self.members > 0).then(|| self.score_sum as f64 / self.members as f64)
    }
}

/// A rate of a country set apart from the round's by more than [`MARGIN_POINTS`].
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Mark {
    pub measure: Measure,
    /// The country's percentage minus the round's.
    pub gap: f64,
    /// Whether the difference is to the country's disadvantage.
    pub worse: bool,
}

/// One country of the report.
#[derive(Clone, Debug, PartialEq)]
pub struct CountryLine {
    pub country: CountryCode,
    pub line: Line,
    pub marks: Vec<Mark>,
}

impl CountryLine {
    /// The marks to the country's disadvantage.
    pub fn worse(&self) -> impl Iterator<Item = &Mark> {
        self.marks.iter().filter(|m| m.worse)
    }

    /// The mark of `measure`, if its rate stands apart.
    pub fn mark(&self, measure: Measure) -> Option<&Mark> {
        self.marks.iter().find(|m| m.measure == measure)
    }
}

/// How the countries are listed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Order {
    /// The most marks against them first, then the largest gaps, then the most applicants.
    #[default]
    Worst,
    /// The most applicants first.
    Applied,
    /// By the country's name.
    Name,
}

/// The fairness report of a round, or of several rounds taken together.
#[derive(Clone, Debug, PartialEq)]
pub struct Fairness {
    /// Every country together: what each country is compared with.
    pub round: Line,
    pub countries: Vec<CountryLine>,
}

fn add_reason(reasons: &mut Vec<(Option<UnmatchedKind>, usize)>, reason: Option<UnmatchedKind>) {
    match reasons.iter_mut().find(|(r, _)| *r == reason) {
        Some((_, n)) => *n += 1,
        None => reasons.push((reason, 1)),
    }
}

impl Line {
    fn add_application(&mut self, a: &ApplicationFacts) {
        self.applied += 1;
        match a.status {
            ApplicationStatus::Approved => self.approved += 1,
            ApplicationStatus::Deferred => self.deferred += 1,
            ApplicationStatus::Declined => self.declined += 1,
            _ => {}
        }
        match a.placement {
            Placement::Outside => {}
            Placement::Matched => self.matched += 1,
            Placement::Unmatched(reason) => {
                self.unmatched += 1;
                add_reason(&mut self.unmatched_reasons, reason);
            }
        }
    }

    fn add_member(&mut self, m: &MemberFacts) {
        self.members += 1;
        self.score_sum += m.score;
        self.ended_early += usize::from(m.ended_early);
        if let Some(quiet) = m.quiet {
            self.quiet_known += 1;
            self.quiet += usize::from(quiet);
        }
    }

    fn add_rating(&mut self, r: &RatingFacts) {
        self.answered += 1;
        self.satisfied += usize::from(r.rating >= SATISFIED_FROM);
    }

    fn finish(&mut self) {
        self.unmatched_reasons
            .sort_by_key(|(_, n)| std::cmp::Reverse(*n));
    }
}

/// The marks of `line` against `round`: each rate of at least [`MIN_MARKED`] people more
/// than [`MARGIN_POINTS`] from the round's, in either direction.
fn marks(line: &Line, round: &Line) -> Vec<Mark> {
    Measure::ALL
        .into_iter()
        .filter_map(|measure| {
            let rate = line.rate(measure);
            if rate.of < MIN_MARKED {
                return None;
            }
            let mine = rate.percent()?;
            let theirs = round.rate(measure).percent()?;
            let gap = mine - theirs;
            (gap.abs() > MARGIN_POINTS).then_some(Mark {
                measure,
                gap,
                worse: (gap < 0.0) == measure.higher_is_better(),
            })
        })
        .collect()
}

/// The fairness report over every row given. The round's line counts every country; the
/// list has only the countries `shown` accepts (a country coordinator's own), each with at
/// least one row, in `order`.
pub fn fairness(
    applications: &[ApplicationFacts],
    members: &[MemberFacts],
    ratings: &[RatingFacts],
    shown: impl Fn(CountryCode) -> bool,
    order: Order,
) -> Fairness {
    let mut round = Line::default();
    let mut by_country: BTreeMap<CountryCode, Line> = BTreeMap::new();
    for a in applications {
        round.add_application(a);
        if shown(a.country) {
            by_country.entry(a.country).or_default().add_application(a);
        }
    }
    for m in members {
        round.add_member(m);
        if shown(m.country) {
            by_country.entry(m.country).or_default().add_member(m);
        }
    }
    for r in ratings {
        round.add_rating(r);
        if shown(r.country) {
            by_country.entry(r.country).or_default().add_rating(r);
        }
    }
    round.finish();
    let mut countries: Vec<CountryLine> = by_country
        .into_iter()
        .map(|(country, mut line)| {
            line.finish();
            CountryLine {
                country,
                marks: marks(&line, &round),
                line,
            }
        })
        .collect();
    sort(&mut countries, order);
    Fairness { round, countries }
}

/// Puts the countries in `order`; ties go by name.
pub fn sort(countries: &mut [CountryLine], order: Order) {
    let by_name = |a: &CountryLine, b: &CountryLine| {
        crate::country::name_sort_key(a.country.name())
            .cmp(&crate::country::name_sort_key(b.country.name()))
    };
    match order {
        Order::Name => countries.sort_by(by_name),
        Order::Applied => {
            countries.sort_by(|a, b| b.line.applied.cmp(&a.line.applied).then(by_name(a, b)));
        }
        Order::Worst => {
            let weight = |c: &CountryLine| -> (usize, f64) {
                (c.worse().count(), c.worse().map(|m| m.gap.abs()).sum())
            };
            countries.sort_by(|a, b| {
                let (wa, ga) = weight(a);
                let (wb, gb) = weight(b);
                wb.cmp(&wa)
                    .then(gb.total_cmp(&ga))
                    .then(b.line.applied.cmp(&a.line.applied))
                    .then(by_name(a, b))
            });
        }
    }
}

/// How many of each value, the most first and ties in the values' order.
pub fn mix<T: Ord>(values: impl IntoIterator<Item = T>) -> Vec<(T, usize)> {
    let mut counts: BTreeMap<T, usize> = BTreeMap::new();
    for v in values {
        *counts.entry(v).or_default() += 1;
    }
    let mut out: Vec<(T, usize)> = counts.into_iter().collect();
    // A stable sort keeps equal counts in the values' order.
    out.sort_by_key(|(_, n)| std::cmp::Reverse(*n));
    out
}

/// The Monday of the week `day` is in.
pub fn week_of(day: Date) -> Date {
    let back = i64::from(day.weekday().to_monday_zero_offset());
    day.checked_sub(jiff::Span::new().days(back)).unwrap_or(day)
}

/// Days counted by week (weeks start on Monday), from the first week with one to the last,
/// with the weeks between at zero so gaps show.
pub fn per_week(days: impl IntoIterator<Item = Date>) -> Vec<(Date, usize)> {
    let mut counts: BTreeMap<Date, usize> = BTreeMap::new();
    for day in days {
        *counts.entry(week_of(day)).or_default() += 1;
    }
    let (Some(first), Some(last)) = (
        counts.keys().next().copied(),
        counts.keys().next_back().copied(),
    ) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let mut week = first;
    while week <= last {
        out.push((week, counts.get(&week).copied().unwrap_or(0)));
        match week.checked_add(jiff::Span::new().days(7)) {
            Ok(next) => week = next,
            Err(_) => break,
        }
    }
    out
}

/// Whether a partnership introduced on `introduced` had no contact in its first
/// [`QUIET_DAYS`] days, given its contact days; None while `today` is within them.
pub fn quiet(introduced: Date, contacts: &[Date], today: Date) -> Option<bool> {
    let until = introduced
        .checked_add(jiff::Span::new().days(QUIET_DAYS))
        .ok()?;
    (today >= until).then(|| !contacts.iter().any(|d| *d <= until))
}

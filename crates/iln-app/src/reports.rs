//! The report pages' read use-case: one round's numbers, or every round's together, in the
//! reader's scope. It reads the round's applications, partnerships, contact days and the
//! answers to the satisfaction question, turns them into the plain rows of
//! `iln_domain::report`, and lets the domain count. Nothing is written.
//!
//! A country coordinator sees the rows of their own countries only; the fairness report
//! still compares each of those countries with the whole round (a total, naming nobody), as
//! that comparison is what the report is for.

use std::collections::BTreeMap;

use iln_domain::country::CountryCode;
use iln_domain::profile::{CareerStage, Sector};
use iln_domain::proposal::{self, Bucket, UnmatchedKind};
use iln_domain::report::{
    self, ApplicationFacts, Fairness, MemberFacts, Order, Placement, RatingFacts,
};
use iln_domain::status::ApplicationStatus;
use iln_domain::survey::{AnswerValue, QuestionKey, QuestionKind};
use iln_store::{PeopleScope, RoundId, RoundRecord, StoreError};
use jiff::civil::Date;

use crate::{Actor, App, AppError};

/// The key of the survey question whose answers the report counts as satisfaction: the
/// default surveys' "How satisfied are you with your partnership?", kept round after round.
pub const SATISFACTION_KEY: &str = "satisfaction";

/// Which rounds a report covers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Which {
    Round(RoundId),
    /// Every round together; a person in two rounds counts in each.
    All,
}

/// A report as the pages show it.
#[derive(Debug)]
pub struct Report {
    /// The round, when the report is of one.
    pub round: Option<RoundRecord>,
    /// Every round, newest first, for choosing another.
    pub rounds: Vec<(RoundId, String)>,
    /// The reader's countries, or None for every country.
    pub scope: Option<Vec<CountryCode>>,
    pub fairness: Fairness,
    /// Applications by country, the most first.
    pub applicants: Vec<(CountryCode, usize)>,
    /// Partnership members by country, the most first.
    pub participants: Vec<(CountryCode, usize)>,
    pub sectors: Vec<(Sector, usize)>,
    pub career_stages: Vec<(CareerStage, usize)>,
    /// The partnerships' scores in equal ranges from 0 to the highest possible.
    pub scores: Vec<Bucket>,
    /// Contacts logged, by the Monday of their week.
    pub contacts_per_week: Vec<(Date, usize)>,
    /// The titles of the surveys whose satisfaction answers were counted.
    pub satisfaction_from: Vec<String>,
}

/// What one round contributes to a report.
#[derive(Default)]
struct Rows {
    applications: Vec<ApplicationFacts>,
    members: Vec<MemberFacts>,
    ratings: Vec<RatingFacts>,
    sectors: Vec<Sector>,
    career_stages: Vec<CareerStage>,
    participants: Vec<CountryCode>,
    scores: Vec<i64>,
    max_score: i64,
    contact_days: Vec<Date>,
    satisfaction_from: Vec<String>,
}

/// The reader's countries (None: all); participants and visitors get not found.
fn scope_of(actor: &Actor) -> Result<Option<Vec<CountryCode>>, AppError> {
    match actor {
        Actor::User {
            role: iln_domain::account::Role::CountryCoordinator,
            countries,
            ..
        } => Ok(Some(countries.clone())),
        other if other.is_admin() => Ok(None),
        _ => Err(AppError::NotFound),
    }
}

/// The report of `which` for `actor`, its countries listed in `order`.
pub async fn report(
    app: &App,
    actor: &Actor,
    which: Which,
    order: Order,
) -> Result<Report, AppError> {
    let scope = scope_of(actor)?;
    let shown = |c: CountryCode| scope.as_ref().is_none_or(|list| list.contains(&c));
    let all = crate::rounds::rounds_now(app).await?;
    let rounds: Vec<(RoundId, String)> = all
        .iter()
        .map(|r| (r.id, r.round.settings.name.to_string()))
        .collect();
    let (round, chosen): (Option<RoundRecord>, Vec<RoundRecord>) = match which {
        Which::Round(id) => {
            let record = all
                .into_iter()
                .find(|r| r.id == id)
                .ok_or(AppError::NotFound)?;
            (Some(record.clone()), vec![record])
        }
        Which::All => (None, all),
    };
    let mut rows = Rows::default();
    for record in &chosen {
        round_rows(app, record, &scope, &shown, &mut rows).await?;
    }
    let fairness = report::fairness(
        &rows.applications,
        &rows.members,
        &rows.ratings,
        shown,
        order,
    );
    Ok(Report {
        round,
        rounds,
        applicants: report::mix(
            rows.applications
                .iter()
                .map(|a| a.country)
                .filter(|c| shown(*c)),
        ),
        participants: report::mix(rows.participants),
        sectors: report::mix(rows.sectors),
        career_stages: report::mix(rows.career_stages),
        scores: proposal::histogram(&rows.scores, rows.max_score),
        contacts_per_week: report::per_week(rows.contact_days),
        satisfaction_from: rows.satisfaction_from,
        scope,
        fairness,
    })
}

/// Adds one round's rows. The fairness rows cover every country (the round's line is
/// everyone's); the mixes, the map's participants, the scores and the contacts only the
/// countries `shown` accepts.
async fn round_rows(
    app: &App,
    record: &RoundRecord,
    scope: &Option<Vec<CountryCode>>,
    shown: &impl Fn(CountryCode) -> bool,
    rows: &mut Rows,
) -> Result<(), AppError> {
    let store = app.store();
    let settings = &record.round.settings;
    let zone = settings.time_zone.to_jiff();
    let today = app.now().to_zoned(zone.clone()).date();
    let people = match scope {
        None => PeopleScope::All,
        Some(list) => PeopleScope::Countries(list.clone()),
    };
    rows.max_score = rows.max_score.max(settings.weights.max_score());
    // The four reads are independent; the pool runs them side by side.
    let (applications, partnerships, contact_days, (ratings, satisfaction_from)) = tokio::try_join!(
        store.application_counts(record.id),
        store.partnership_summaries(record.id),
        store.contact_counts(record.id, &people),
        satisfaction(store, record.id),
    )?;
    for &(day, n) in &contact_days.per_day {
        rows.contact_days.extend(std::iter::repeat_n(day, n));
    }

    // Once published, the approved left without a partner are unmatched; the reasons are in
    // the run that was published: the first one any partnership came from (re-matches come
    // later). It is read only when someone is left over, as a large round's run is a large
    // document.
    let published = !partnerships.is_empty();
    let left_over = if published {
        applications.left_over.as_slice()
    } else {
        &[]
    };
    let reasons: BTreeMap<String, UnmatchedKind> =
        match partnerships.iter().filter_map(|p| p.run).min() {
            Some(run) if !left_over.is_empty() => store
                .match_run(run)
                .await?
                .map(|run| {
                    run.proposal
                        .unmatched
                        .into_iter()
                        .map(|u| (u.id, u.reason))
                        .collect()
                })
                .unwrap_or_default(),
            _ => BTreeMap::new(),
        };
    for &(country, status, matched, n) in &applications.by_status {
        let placement = if matched {
            Placement::Matched
        } else if published && status == ApplicationStatus::Approved {
            // Counted one by one below, with their reasons.
            continue;
        } else {
            Placement::Outside
        };
        let facts = ApplicationFacts {
            country,
            status,
            placement,
        };
        rows.applications.extend(std::iter::repeat_n(facts, n));
    }
    for &(id, country) in left_over {
        rows.applications.push(ApplicationFacts {
            country,
            status: ApplicationStatus::Approved,
            placement: Placement::Unmatched(reasons.get(&id.0.to_string()).copied()),
        });
    }
    for &(country, sector, n) in &applications.by_sector {
        if shown(country) {
            rows.sectors.extend(std::iter::repeat_n(sector, n));
        }
    }
    for &(country, stage, n) in &applications.by_career_stage {
        if shown(country) {
            rows.career_stages.extend(std::iter::repeat_n(stage, n));
        }
    }

    for p in &partnerships {
        let days = contact_days
            .first
            .get(&p.id)
            .map(std::slice::from_ref)
            .unwrap_or(&[]);
        let introduced = p.created_at.to_zoned(zone.clone()).date();
        let quiet = report::quiet(introduced, days, today);
        let ended_early = p.ended.as_ref().is_some_and(|(_, _, reason)| {
            reason != crate::ending::ENDED_WITH_ROUND && reason != crate::ending::ENDED_EARLY
        });
        let mut in_scope = false;
        for &country in &p.members {
            rows.members.push(MemberFacts {
                country,
                score: p.score,
                ended_early,
                quiet,
            });
            if shown(country) {
                in_scope = true;
                rows.participants.push(country);
            }
        }
        if in_scope {
            rows.scores.push(p.score);
        }
    }
    rows.ratings.extend(ratings);
    rows.satisfaction_from.extend(satisfaction_from);
    Ok(())
}

/// The answers to the satisfaction question of the round's latest survey that has any, with
/// each respondent's country, and that survey's title.
async fn satisfaction(
    store: &iln_store::Store,
    round: RoundId,
) -> Result<(Vec<RatingFacts>, Option<String>), StoreError> {
    let Some(key) = QuestionKey::parse(SATISFACTION_KEY) else {
        return Ok((Vec::new(), None));
    };
    let mut surveys = store.round_surveys(round).await?;
    surveys.retain(|s| {
        s.opened_at.is_some()
            && s.survey
                .question(&key)
                .is_some_and(|q| matches!(q.kind, QuestionKind::Rating { .. }))
    });
    surveys.sort_by_key(|s| std::cmp::Reverse(s.survey.opens_on));
    for survey in &surveys {
        let ratings: Vec<RatingFacts> = store
            .survey_responses(survey.id)
            .await?
            .iter()
            .filter_map(|r| match r.response.answers.get(&key) {
                Some(AnswerValue::Rating(rating)) => Some(RatingFacts {
                    country: r.country,
                    rating: *rating,
                }),
                _ => None,
            })
            .collect();
        if !ratings.is_empty() {
            return Ok((ratings, Some(survey.survey.title.clone())));
        }
    }
    Ok((Vec::new(), None))
}

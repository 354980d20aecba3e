//! The report pages, for admins and country coordinators: an overview of a round (or of
//! every round) with its sector and career-stage mixes, pair scores and contacts per week;
//! the world map of applicants or participants by country; and the fairness report by
//! country. Every page reads `?round=ID` (every round without it); each chart has its table.
//! Participants get 404, as for the other staff pages.

use askama::Template;
use axum::extract::{RawQuery, State};
use axum::response::Response;
use iln_app::Actor;
use iln_app::reports::{self, Report, Which};
use iln_domain::report::{
    CountryLine, Line, MARGIN_POINTS, MIN_MARKED, Measure, Order, QUIET_DAYS,
};
use iln_store::RoundId;

use super::common::query_value;
use super::ok;
use crate::auth::Viewer;
use crate::charts::{Bars, Columns, WorldMap};
use crate::error::WebError;
use crate::security::CsrfToken;
use crate::state::AppState;
use crate::templates::{Nav, when};
use crate::words::{self, Label};

/// What every report page shows above its content: which rounds, whose countries, and the
/// links between the pages.
pub struct Head {
    /// "2026 Round 2", or "All rounds".
    pub title: String,
    /// `?round=ID`, or empty for every round: what the links between the pages keep.
    pub query: String,
    pub round_id: Option<i64>,
    /// Every round for the chooser: id, name, whether it is the one shown.
    pub rounds: Vec<(i64, String, bool)>,
    pub scope: String,
    pub as_of: String,
    /// Which page this is: "overview", "map" or "fairness".
    pub page: &'static str,
    /// The page's own choices the round chooser keeps (which map, which order).
    pub keep: Vec<(&'static str, String)>,
}

/// The rounds asked for: `round=ID`, or every round when it is absent or "all".
fn which(query: Option<&str>) -> Result<Which, WebError> {
    let raw = query_value(query, "round");
    if raw.is_empty() || raw == "all" {
        return Ok(Which::All);
    }
    raw.parse::<i64>()
        .ok()
        .filter(|id| *id > 0)
        .map(|id| Which::Round(RoundId(id)))
        .ok_or(WebError::NotFound)
}

/// Reads the report for the signed-in staff member; participants get 404 before anything
/// is read.
async fn load(
    state: &AppState,
    viewer: &Viewer,
    query: Option<&str>,
    order: Order,
) -> Result<Report, WebError> {
    viewer.country_scope()?;
    let actor = Actor::user(&viewer.user);
    Ok(reports::report(state.app(), &actor, which(query)?, order).await?)
}

fn head(state: &AppState, viewer: &Viewer, report: &Report, page: &'static str) -> Head {
    let current = report.round.as_ref().map(|r| r.id);
    Head {
        title: report.round.as_ref().map_or_else(
            || "All rounds".to_owned(),
            |r| r.round.settings.name.to_string(),
        ),
        query: current.map_or_else(String::new, |id| format!("?round={id}")),
        round_id: current.map(|id| id.0),
        rounds: report
            .rounds
            .iter()
            .map(|(id, name)| (id.0, name.clone(), Some(*id) == current))
            .collect(),
        scope: match &report.scope {
            None => "Every country.".to_owned(),
            Some(list) if list.is_empty() => {
                "You look after no countries yet, so there is nothing to show.".to_owned()
            }
            Some(list) => format!(
                "Your countries only: {}. The whole round's figures, which your countries are \
                 compared with, count every country.",
                list.iter().map(|c| c.name()).collect::<Vec<_>>().join(", ")
            ),
        },
        as_of: when(state.now(), &viewer.time_zone()),
        page,
        keep: Vec::new(),
    }
}

// ---------------------------------------------------------------------------------------
// The overview.

#[derive(Template)]
#[template(path = "reports_overview.html")]
struct OverviewPage {
    nav: Nav,
    head: Head,
    applied: usize,
    participants: usize,
    sectors: Bars,
    career_stages: Bars,
    scores: Columns,
    pairs: usize,
    weeks: Columns,
    contacts: usize,
}

pub async fn overview(
    State(state): State<AppState>,
    viewer: Viewer,
    CsrfToken(csrf): CsrfToken,
    RawQuery(query): RawQuery,
) -> Result<Response, WebError> {
    let report = load(&state, &viewer, query.as_deref(), Order::default()).await?;
    let applied: usize = report.applicants.iter().map(|(_, n)| n).sum();
    let labelled = |rows: Vec<(&'static str, usize)>| -> Vec<(String, usize)> {
        rows.into_iter().map(|(l, n)| (l.to_owned(), n)).collect()
    };
    let sectors = labelled(
        report
            .sectors
            .iter()
            .map(|(s, n)| (s.label(), *n))
            .collect(),
    );
    let stages = labelled(
        report
            .career_stages
            .iter()
            .map(|(s, n)| (s.label(), *n))
            .collect(),
    );
    let scores: Vec<(String, usize)> = report
        .scores
        .iter()
        .map(|b| (format!("{}–{}", b.from, b.to), b.count))
        .collect();
    let weeks: Vec<(String, usize)> = report
        .contacts_per_week
        .iter()
        .map(|(monday, n)| (monday.strftime("%-d %b").to_string(), *n))
        .collect();
    ok(&OverviewPage {
        head: head(&state, &viewer, &report, "overview"),
        nav: Nav::new(Some(&viewer), &csrf),
        applied,
        participants: report.participants.iter().map(|(_, n)| n).sum(),
        sectors: Bars::new(&sectors, applied),
        career_stages: Bars::new(&stages, applied),
        pairs: scores.iter().map(|(_, n)| n).sum(),
        scores: Columns::new(&scores),
        contacts: weeks.iter().map(|(_, n)| n).sum(),
        weeks: Columns::new(&weeks),
    })
}

// ---------------------------------------------------------------------------------------
// The world map.

pub struct MapRow {
    pub name: String,
    pub count: usize,
}

#[derive(Template)]
#[template(path = "reports_map.html")]
struct MapPage {
    nav: Nav,
    head: Head,
    /// Participants rather than applicants.
    participants: bool,
    /// "applicants" or "participants".
    unit: &'static str,
    map: WorldMap,
    rows: Vec<MapRow>,
    total: usize,
}

pub async fn map(
    State(state): State<AppState>,
    viewer: Viewer,
    CsrfToken(csrf): CsrfToken,
    RawQuery(query): RawQuery,
) -> Result<Response, WebError> {
    let report = load(&state, &viewer, query.as_deref(), Order::default()).await?;
    let participants = query_value(query.as_deref(), "of") == "participants";
    let counts = if participants {
        &report.participants
    } else {
        &report.applicants
    };
    let mut rows: Vec<MapRow> = counts
        .iter()
        .map(|(c, n)| MapRow {
            name: c.name().to_owned(),
            count: *n,
        })
        .collect();
    // The most first; ties by name, as the eye looks for a country in a list.
    rows.sort_by(|a, b| {
        b.count.cmp(&a.count).then_with(|| {
            iln_domain::country::name_sort_key(&a.name)
                .cmp(&iln_domain::country::name_sort_key(&b.name))
        })
    });
    let mut top = head(&state, &viewer, &report, "map");
    if participants {
        top.keep.push(("of", "participants".to_owned()));
    }
    ok(&MapPage {
        head: top,
        nav: Nav::new(Some(&viewer), &csrf),
        participants,
        unit: if participants {
            "participants"
        } else {
            "applicants"
        },
        map: WorldMap::new(counts),
        total: rows.iter().map(|r| r.count).sum(),
        rows,
    })
}

// ---------------------------------------------------------------------------------------
// The fairness report.

/// One rate in the table: the percentage, what it is of, and how it stands against the
/// round's when it stands apart.
pub struct Cell {
    pub percent: String,
    pub of: String,
    /// "12 points below" (the overall rate), when beyond the margin.
    pub mark: Option<String>,
    pub worse: bool,
}

pub struct FairRow {
    pub name: String,
    pub applied: String,
    /// Approved, deferred, declined, matched.
    pub before: Vec<Cell>,
    pub unmatched: String,
    pub reasons: Vec<String>,
    /// Ended early, no contact, satisfied.
    pub after: Vec<Cell>,
    pub score: String,
    /// How many of its rates are worse than the round's by more than the margin.
    pub worse: usize,
    /// Those rates in a sentence each: "Satisfied: 17% (1 of 6), 33 points below the
    /// overall 50%".
    pub worse_notes: Vec<String>,
}

#[derive(Template)]
#[template(path = "reports_fairness.html")]
struct FairnessPage {
    nav: Nav,
    head: Head,
    margin: String,
    min_marked: usize,
    quiet_days: i64,
    before: Vec<&'static str>,
    after: Vec<&'static str>,
    round: FairRow,
    rows: Vec<FairRow>,
    order: &'static str,
    flagged: usize,
    satisfaction_from: String,
}

fn cell(line: &Line, measure: Measure, mark: Option<&iln_domain::report::Mark>) -> Cell {
    let rate = line.rate(measure);
    Cell {
        percent: rate
            .percent()
            .map_or_else(|| "–".to_owned(), |p| format!("{p:.0}%")),
        of: if rate.of == 0 {
            String::new()
        } else {
            format!("{} of {}", words::count(rate.count), words::count(rate.of))
        },
        mark: mark.map(|m| {
            format!(
                "{:.0} points {}",
                m.gap.abs(),
                if m.gap < 0.0 { "below" } else { "above" }
            )
        }),
        worse: mark.is_some_and(|m| m.worse),
    }
}

const BEFORE: [Measure; 4] = [
    Measure::Approved,
    Measure::Deferred,
    Measure::Declined,
    Measure::Matched,
];
const AFTER: [Measure; 3] = [Measure::EndedEarly, Measure::Quiet, Measure::Satisfied];

/// `line`'s rates that are worse than `overall`'s, in words.
fn worse_notes(line: &Line, country: Option<&CountryLine>, overall: &Line) -> Vec<String> {
    let Some(country) = country else {
        return Vec::new();
    };
    country
        .worse()
        .map(|m| {
            let mine = cell(line, m.measure, Some(m));
            let theirs = cell(overall, m.measure, None);
            format!(
                "{}: {} ({}), {} the overall {}",
                m.measure.label(),
                mine.percent,
                mine.of,
                mine.mark.unwrap_or_default(),
                theirs.percent
            )
        })
        .collect()
}

fn row(name: String, line: &Line, country: Option<&CountryLine>, overall: &Line) -> FairRow {
    let mark = |m: Measure| country.and_then(|c| c.mark(m));
    FairRow {
        name,
        applied: words::count(line.applied),
        before: BEFORE.iter().map(|m| cell(line, *m, mark(*m))).collect(),
        unmatched: words::count(line.unmatched),
        reasons: line
            .unmatched_reasons
            .iter()
            .map(|(reason, n)| {
                format!(
                    "{}: {}",
                    reason.map_or("No reason recorded", Label::label),
                    words::count(*n)
                )
            })
            .collect(),
        after: AFTER.iter().map(|m| cell(line, *m, mark(*m))).collect(),
        score: line
            .average_score()
            .map_or_else(|| "–".to_owned(), |s| format!("{s:.1}")),
        worse: country.map_or(0, |c| c.worse().count()),
        worse_notes: worse_notes(line, country, overall),
    }
}

pub async fn fairness(
    State(state): State<AppState>,
    viewer: Viewer,
    CsrfToken(csrf): CsrfToken,
    RawQuery(query): RawQuery,
) -> Result<Response, WebError> {
    let (order, order_name) = match query_value(query.as_deref(), "order").as_str() {
        "applied" => (Order::Applied, "applied"),
        "name" => (Order::Name, "name"),
        _ => (Order::Worst, "worst"),
    };
    let report = load(&state, &viewer, query.as_deref(), order).await?;
    let rows: Vec<FairRow> = report
        .fairness
        .countries
        .iter()
        .map(|c| {
            row(
                c.country.name().to_owned(),
                &c.line,
                Some(c),
                &report.fairness.round,
            )
        })
        .collect();
    let mut top = head(&state, &viewer, &report, "fairness");
    top.keep.push(("order", order_name.to_owned()));
    ok(&FairnessPage {
        head: top,
        nav: Nav::new(Some(&viewer), &csrf),
        margin: format!("{MARGIN_POINTS:.0} percentage points"),
        min_marked: MIN_MARKED,
        quiet_days: QUIET_DAYS,
        before: BEFORE.iter().map(|m| m.label()).collect(),
        after: AFTER.iter().map(|m| m.label()).collect(),
        round: row(
            if report.round.is_some() {
                "Overall: the whole round"
            } else {
                "Overall: every round"
            }
            .to_owned(),
            &report.fairness.round,
            None,
            &report.fairness.round,
        ),
        flagged: rows.iter().filter(|r| r.worse > 0).count(),
        rows,
        order: order_name,
        satisfaction_from: report.satisfaction_from.join(", "),
    })
}

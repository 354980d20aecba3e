//! The alumni network: joining and leaving the directory, searching it, "people you might
//! want to meet", and a person's own network of partners across rounds.
//!
//! Anyone who has had a partnership may join, choosing what their entry shows; leaving
//! deletes the entry, so they vanish from every page at once. The directory is for the
//! alumni who joined it and for coordinators.

use std::collections::{BTreeMap, BTreeSet};

use iln_domain::account::Role;
use iln_domain::alumni::{self, Alumnus, Listing, ListingError, ListingForm, Search};
use iln_domain::audit::AuditAction;
use iln_domain::scoring::{History, Weights};
use iln_store::{ApplicationRecord, StoreError, UserId};

use crate::{Actor, App, AppError, audit};

/// Why an alumni action was not taken.
#[derive(Debug, thiserror::Error)]
pub enum AlumniError {
    #[error(transparent)]
    Invalid(#[from] ListingError),
    /// Only people who have had a partnership are alumni.
    #[error("only people who took part in a round can join")]
    NeverTookPart,
    /// The directory is for those who joined it.
    #[error("join the directory to see it")]
    NotJoined,
    #[error(transparent)]
    App(#[from] AppError),
}

impl From<StoreError> for AlumniError {
    fn from(error: StoreError) -> Self {
        AlumniError::App(AppError::Store(error))
    }
}

fn person(actor: &Actor) -> Result<UserId, AppError> {
    actor.user_id().ok_or(AppError::Forbidden)
}

/// Joins the directory (or changes one's entry), with its audit entry.
pub async fn join(app: &App, actor: &Actor, form: &ListingForm) -> Result<Listing, AlumniError> {
    let user = person(actor)?;
    let listing = Listing::parse(form)?;
    if app.store().partnerships_of(user).await?.is_empty() {
        return Err(AlumniError::NeverTookPart);
    }
    let now = app.now();
    let mut tx = app.begin().await?;
    tx.save_alumni(user, &listing, now).await?;
    audit(
        &mut tx,
        actor,
        AuditAction::AlumniJoin,
        Some(format!("user:{user}")),
        None,
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(listing)
}

/// Leaves the directory at once; false when they were not in it.
pub async fn leave(app: &App, actor: &Actor) -> Result<bool, AlumniError> {
    let user = person(actor)?;
    let now = app.now();
    let mut tx = app.begin().await?;
    let left = tx.leave_alumni(user).await?;
    if left {
        audit(
            &mut tx,
            actor,
            AuditAction::AlumniLeave,
            Some(format!("user:{user}")),
            None,
            now,
        )
        .await?;
    }
    tx.commit().await?;
    Ok(left)
}

/// Whether `actor` may read the directory: coordinators, and alumni who joined it.
async fn may_read(app: &App, actor: &Actor) -> Result<(), AlumniError> {
    if matches!(actor.role(), Some(Role::Admin | Role::CountryCoordinator)) || actor.is_admin() {
        return Ok(());
    }
    let user = person(actor)?;
    match app.store().alumni_entry(user).await? {
        Some(_) => Ok(()),
        None => Err(AlumniError::NotJoined),
    }
}

/// Everyone in the directory with what their newest application says, oldest member first.
async fn everyone(app: &App) -> Result<Vec<(UserId, Alumnus, ApplicationRecord)>, AppError> {
    let store = app.store();
    let entries = store.alumni().await?;
    let applications: BTreeMap<UserId, ApplicationRecord> = store
        .alumni_applications()
        .await?
        .into_iter()
        .map(|a| (a.user, a))
        .collect();
    Ok(entries
        .into_iter()
        .filter_map(|entry| {
            let a = applications.get(&entry.user)?.clone();
            let application = &a.application;
            let alumnus = Alumnus {
                name: application.name.to_string(),
                listing: entry.listing,
                country: application.country,
                sector: application.sector,
                role: application.role.clone(),
                interests: application
                    .interests
                    .iter()
                    .map(|i| i.as_str().to_owned())
                    .collect(),
                languages: application.languages.iter().cloned().collect(),
                rounds: Vec::new(),
                joined_at: entry.joined_at,
            };
            Some((entry.user, alumnus, a))
        })
        .collect())
}

/// The names of the rounds `user` had a partnership in, oldest first.
async fn rounds_of(app: &App, user: UserId) -> Result<Vec<String>, AppError> {
    let store = app.store();
    let mut seen = BTreeSet::new();
    let mut names = Vec::new();
    for p in store.partnerships_of(user).await? {
        if seen.insert(p.round)
            && let Some(round) = store.round(p.round).await?
        {
            names.push((
                round.round.settings.starts,
                round.round.settings.name.to_string(),
            ));
        }
    }
    names.sort();
    Ok(names.into_iter().map(|(_, n)| n).collect())
}

/// A page of the directory.
#[derive(Debug, Clone, PartialEq)]
pub struct Directory {
    pub entries: Vec<(UserId, Alumnus)>,
    pub total: usize,
    pub page: usize,
    pub pages: usize,
}

/// Searches the directory; `page` counts from 1 (a page past the end is the last page).
pub async fn directory(
    app: &App,
    actor: &Actor,
    search: &Search,
    page: usize,
) -> Result<Directory, AlumniError> {
    may_read(app, actor).await?;
    let found: Vec<(UserId, Alumnus)> = everyone(app)
        .await?
        .into_iter()
        .filter(|(_, a, _)| a.matches(search))
        .map(|(u, a, _)| (u, a))
        .collect();
    let total = found.len();
    let pages = total.div_ceil(alumni::PAGE_SIZE).max(1);
    let page = page.clamp(1, pages);
    let mut entries: Vec<(UserId, Alumnus)> = found
        .into_iter()
        .skip((page - 1) * alumni::PAGE_SIZE)
        .take(alumni::PAGE_SIZE)
        .collect();
    for (user, a) in &mut entries {
        if a.listing.shown.rounds {
            a.rounds = rounds_of(app, *user).await?;
        }
    }
    Ok(Directory {
        entries,
        total,
        page,
        pages,
    })
}

/// One person to meet, and why, in the matching's words.
#[derive(Debug, Clone, PartialEq)]
pub struct Suggested {
    pub user: UserId,
    pub alumnus: Alumnus,
    pub score: i64,
    pub why: String,
}

/// "People you might want to meet": alumni from countries new to the person, never someone
/// they were partnered with, ranked by the matching's score (its wider-network bonus
/// included). Only for alumni who joined the directory.
pub async fn suggestions(app: &App, actor: &Actor) -> Result<Vec<Suggested>, AlumniError> {
    let me = person(actor)?;
    if app.store().alumni_entry(me).await?.is_none() {
        return Err(AlumniError::NotJoined);
    }
    let store = app.store();
    let past = store.all_past_partners().await?;
    let people = everyone(app).await?;
    let Some(me_at) = people.iter().position(|(u, _, _)| *u == me) else {
        return Ok(Vec::new());
    };
    let history = |user: &UserId| {
        past.get(user)
            .map(|p| p.history.clone())
            .unwrap_or_else(History::default)
    };
    let profiles: Vec<_> = people
        .iter()
        .map(|(u, _, a)| a.application.match_profile(history(u)))
        .collect();
    let partners = past
        .get(&me)
        .map(|p| p.partners.clone())
        .unwrap_or_default();
    let met: BTreeSet<usize> = people
        .iter()
        .enumerate()
        .filter(|(_, (u, _, _))| partners.contains(u))
        .map(|(i, _)| i)
        .collect();
    let found = alumni::suggest(
        &profiles,
        me_at,
        &met,
        Weights::default(),
        app.now(),
        alumni::SUGGESTIONS,
    );
    let my_name = people[me_at].1.name.clone();
    Ok(found
        .into_iter()
        .filter_map(|s| {
            let (user, alumnus, _) = people.get(s.candidate)?.clone();
            let why = s.why.sentence([my_name.as_str(), alumnus.name.as_str()]);
            Some(Suggested {
                user,
                alumnus,
                score: s.score,
                why,
            })
        })
        .collect())
}

/// One partner of a person's network.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Partner {
    pub name: String,
    pub country: iln_domain::country::CountryCode,
    pub institution: String,
    pub round: String,
}

/// Every partner `actor` has had, across rounds, oldest round first.
pub async fn network(app: &App, actor: &Actor) -> Result<Vec<Partner>, AppError> {
    let me = person(actor)?;
    let store = app.store();
    let mut out = Vec::new();
    for p in store.partnerships_of(me).await? {
        let round = store.round(p.round).await?.ok_or(AppError::NotFound)?;
        for m in p.partners_of(me) {
            out.push((
                round.round.settings.starts,
                Partner {
                    name: m.profile.name.clone(),
                    country: m.country,
                    institution: m.profile.institution.clone(),
                    round: round.round.settings.name.to_string(),
                },
            ));
        }
    }
    out.sort_by(|a, b| a.0.cmp(&b.0).then(a.1.name.cmp(&b.1.name)));
    Ok(out.into_iter().map(|(_, p)| p).collect())
}

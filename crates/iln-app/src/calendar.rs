//! Each person's calendar feed: a secret address that any calendar can subscribe to, with
//! the dates of their rounds. A participant's feed has the milestones of every round they
//! applied to, and for the rounds they are partnered in each topic's release (at the hour
//! it reaches them) and each survey's opening day; an admin's or a country coordinator's has
//! the milestones of every round. Making or replacing the address is audited; the old
//! address stops working at once. The words of each event are the web layer's.

use std::collections::BTreeSet;

use iln_domain::account::Role;
use iln_domain::audit::AuditAction;
use iln_domain::round::{MilestoneKind, RoundState};
use iln_domain::timezone::TimeZoneName;
use iln_store::{RoundId, SurveyId, TopicId};
use jiff::Timestamp;
use jiff::civil::Date;

use crate::accounts::new_secret;
use crate::{Actor, App, AppError, audit};

/// One dated thing of a feed, as facts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Item {
    Milestone {
        round: RoundId,
        round_name: String,
        kind: MilestoneKind,
        date: Date,
    },
    TopicRelease {
        round: RoundId,
        round_name: String,
        topic: TopicId,
        title: String,
        at: Timestamp,
    },
    SurveyOpens {
        round: RoundId,
        round_name: String,
        survey: SurveyId,
        title: String,
        on: Date,
    },
}

/// A person's feed: whose it is and what is in it.
#[derive(Debug, Clone)]
pub struct Feed {
    pub owner: String,
    pub items: Vec<Item>,
}

/// The signed-in actor's calendar token, if they made one.
pub async fn token_of(app: &App, actor: &Actor) -> Result<Option<String>, AppError> {
    let user = actor.user_id().ok_or(AppError::Forbidden)?;
    Ok(app.store().calendar_feed_of(user).await?)
}

/// Makes the actor's calendar token, or replaces it; gives back the new one. Audited.
pub async fn replace(app: &App, actor: &Actor) -> Result<String, AppError> {
    let user = actor.user_id().ok_or(AppError::Forbidden)?;
    let now = app.now();
    let token = new_secret();
    let mut tx = app.begin().await?;
    tx.replace_calendar_feed(user, &token, now).await?;
    audit(
        &mut tx,
        actor,
        AuditAction::CalendarReplace,
        Some(format!("user:{user}")),
        None,
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(token)
}

/// The feed the holder of `token` reads; [`AppError::NotFound`] for a token no one has (a
/// replaced one among them). Reads only.
pub async fn feed(app: &App, token: &str) -> Result<Feed, AppError> {
    let store = app.store();
    let user = store
        .calendar_feed_user(token)
        .await?
        .ok_or(AppError::NotFound)?;
    let user = store.user(user).await?.ok_or(AppError::NotFound)?;
    let now = app.now();
    let rounds = crate::rounds::rounds_now(app).await?;
    let staff = matches!(user.role, Role::Admin | Role::CountryCoordinator);
    let applied: BTreeSet<RoundId> = store
        .applications_of_user(user.id)
        .await?
        .into_iter()
        .map(|a| a.round)
        .collect();
    let partnered: BTreeSet<RoundId> = store
        .partnerships_of(user.id)
        .await?
        .into_iter()
        .map(|p| p.round)
        .collect();
    let zone = user
        .time_zone
        .clone()
        .or_else(|| TimeZoneName::parse("UTC").ok());
    let mut items = Vec::new();
    for record in rounds {
        if record.round.state == RoundState::Draft {
            continue;
        }
        if !staff && !applied.contains(&record.id) && !partnered.contains(&record.id) {
            continue;
        }
        let round_name = record.round.settings.name.to_string();
        for milestone in record.round.status(now).timeline {
            items.push(Item::Milestone {
                round: record.id,
                round_name: round_name.clone(),
                kind: milestone.kind,
                date: milestone.date,
            });
        }
        if staff || !partnered.contains(&record.id) {
            continue;
        }
        for topic in store.round_topics(record.id).await? {
            let at = match &zone {
                Some(zone) => topic.topic.release.for_zone(zone),
                None => topic.topic.release.earliest(),
            };
            items.push(Item::TopicRelease {
                round: record.id,
                round_name: round_name.clone(),
                topic: topic.id,
                title: topic.topic.title.clone(),
                at,
            });
        }
        for survey in store.round_surveys(record.id).await? {
            items.push(Item::SurveyOpens {
                round: record.id,
                round_name: round_name.clone(),
                survey: survey.id,
                title: survey.survey.title.clone(),
                on: survey.survey.opens_on,
            });
        }
    }
    Ok(Feed {
        owner: user.display_name.to_string(),
        items,
    })
}

//! The contact log: a member of a running partnership notes when and how they were in touch,
//! in one transaction with its audit entry. Coordinators read the log; they do not write it.

use iln_domain::audit::AuditAction;
use iln_domain::contact::{self, ContactError, ContactWay};
use iln_domain::round::RoundState;
use iln_domain::timezone::TimeZoneName;
use iln_store::{PartnershipId, StoreError, TopicId};

use crate::{Actor, App, AppError, audit};

/// Why a contact was not logged.
#[derive(Debug, thiserror::Error)]
pub enum ContactsError {
    #[error(transparent)]
    Invalid(#[from] ContactError),
    /// Only a running partnership of an active round logs contacts.
    #[error("this partnership is not running")]
    NotRunning,
    /// The topic named is not one of the round's released topics.
    #[error("that topic is not one of this round's")]
    UnknownTopic,
    #[error(transparent)]
    App(#[from] AppError),
}

impl From<StoreError> for ContactsError {
    fn from(error: StoreError) -> Self {
        ContactsError::App(AppError::Store(error))
    }
}

/// What the form says: the day (blank for today), how, and optionally which topic.
#[derive(Debug, Clone, Default)]
pub struct ContactInput {
    pub day: String,
    pub way: String,
    pub topic: Option<TopicId>,
}

/// A member logs a contact of their partnership. "Today" is today in `zone`, the member's.
pub async fn log(
    app: &App,
    actor: &Actor,
    partnership: PartnershipId,
    input: &ContactInput,
    zone: &TimeZoneName,
) -> Result<(), ContactsError> {
    let user = actor.user_id().ok_or(AppError::Forbidden)?;
    let now = app.now();
    let mut tx = app.begin().await?;
    let record = tx
        .partnership(partnership)
        .await?
        .filter(|p| p.has_member(user))
        .ok_or(AppError::NotFound)?;
    let round = tx.round(record.round).await?.ok_or(AppError::NotFound)?;
    if !record.is_running() || round.round.at(now).state != RoundState::Active {
        return Err(ContactsError::NotRunning);
    }
    let today = zone.local(now).date();
    let began = zone.local(record.created_at).date();
    let on = contact::parse_day(&input.day, today, began)?;
    let way = ContactWay::parse(&input.way)
        .ok_or_else(|| ContactError::Way(input.way.trim().chars().take(40).collect()))?;
    if let Some(topic) = input.topic {
        let known = tx
            .topic(topic)
            .await?
            .is_some_and(|t| t.round == record.round);
        if !known {
            return Err(ContactsError::UnknownTopic);
        }
    }
    tx.log_contact(partnership, user, on, way, input.topic, now)
        .await?;
    // Someone reported contact: a ladder of this partnership stops.
    crate::checkins::contact_reported(&mut tx, partnership, now).await?;
    audit(
        &mut tx,
        actor,
        AuditAction::ContactLog,
        Some(format!("partnership:{partnership}")),
        Some(format!("{on} by {}", way.as_str())),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

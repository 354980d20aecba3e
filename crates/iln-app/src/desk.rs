//! The coordinators' desk's one action: a message to a participant through the platform. It
//! goes by email, naming the coordinator who wrote, and is logged in the audit log, in one
//! transaction.

use iln_domain::audit::AuditAction;
use iln_domain::post::{PostBody, PostError};
use iln_store::{RoundId, StoreError, UserId};

use crate::notify::{self, Notice};
use crate::{Actor, App, AppError, audit};

/// What the desk tells a participant. The words around the message are the web layer's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DeskNotice {
    Message {
        name: String,
        /// The coordinator who wrote, as their account names them.
        from: String,
        round: String,
        body: String,
    },
}

/// Why a message was not sent.
#[derive(Debug, thiserror::Error)]
pub enum DeskError {
    #[error(transparent)]
    Invalid(#[from] PostError),
    #[error(transparent)]
    App(#[from] AppError),
}

impl From<StoreError> for DeskError {
    fn from(error: StoreError) -> Self {
        DeskError::App(AppError::Store(error))
    }
}

/// A coordinator writes to a participant of a round: the participant's application in the
/// round must be of a country the coordinator covers (admins cover all), else not found.
pub async fn message(
    app: &App,
    actor: &Actor,
    round: RoundId,
    to: UserId,
    body: &str,
) -> Result<(), DeskError> {
    let body = PostBody::parse(body)?;
    let from = actor.user_id().ok_or(AppError::Forbidden)?;
    let now = app.now();
    let mut tx = app.begin().await?;
    let record = tx.round(round).await?.ok_or(AppError::NotFound)?;
    let application = tx
        .application_of(round, to)
        .await?
        .filter(|a| actor.covers_country(a.application.country))
        .ok_or(AppError::NotFound)?;
    let sender = tx.user(from).await?.ok_or(AppError::Forbidden)?;
    let notice = Notice::Desk(DeskNotice::Message {
        name: application.application.name.to_string(),
        from: sender.display_name.to_string(),
        round: record.round.settings.name.to_string(),
        body: body.as_str().to_owned(),
    });
    notify::send(
        &mut tx,
        app.composer(),
        &application.application.email,
        &notice,
        now,
    )
    .await?;
    let excerpt: String = body.as_str().chars().take(200).collect();
    audit(
        &mut tx,
        actor,
        AuditAction::DeskMessage,
        Some(format!("user:{to}")),
        Some(format!("round:{round}: {excerpt}")),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

//! Writing to an alumnus through the platform: the message goes by email, and neither
//! address is shown until the other replies. Sending is limited per sender; anyone can block
//! a sender, after which nothing of theirs is delivered, and report a message to the admins.

use iln_domain::account::{Email, Role};
use iln_domain::audit::AuditAction;
use iln_domain::post::{PostBody, PostError};
use iln_store::{RelayMessage, StoreError, UserId};

use crate::notify::{self, Notice};
use crate::{Actor, App, AppError, audit};

/// How many messages one person may send in a day.
pub const PER_DAY: i64 = 5;
/// The longest note of an abuse report, in characters.
pub const REPORT_MAX_LEN: usize = 2_000;

/// What this area tells people by email. The words are the web layer's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RelayNotice {
    /// A message (or a reply) to `name` from `from`. `from_email` is set for a reply, which
    /// shows the address of the person who replied.
    Message {
        name: String,
        from: String,
        from_email: Option<String>,
        body: String,
        link: String,
    },
    /// An admin is told of a report.
    Report {
        name: String,
        reporter: String,
        sender: String,
        body: String,
        note: String,
    },
}

/// Why a message was not sent.
#[derive(Debug, thiserror::Error)]
pub enum RelayError {
    #[error(transparent)]
    Invalid(#[from] PostError),
    /// Only alumni in the directory write, and only to others in it.
    #[error("not in the directory")]
    NotInDirectory,
    /// The recipient blocked the sender.
    #[error("the recipient does not accept messages from the sender")]
    Blocked,
    #[error("more than {PER_DAY} messages in a day")]
    TooMany,
    #[error("a report note is too long")]
    NoteTooLong,
    #[error(transparent)]
    App(#[from] AppError),
}

impl From<StoreError> for RelayError {
    fn from(error: StoreError) -> Self {
        RelayError::App(AppError::Store(error))
    }
}

fn me(actor: &Actor) -> Result<UserId, AppError> {
    actor.user_id().ok_or(AppError::Forbidden)
}

async fn name_of(app: &App, user: UserId) -> Result<(String, Email), AppError> {
    let u = app.store().user(user).await?.ok_or(AppError::NotFound)?;
    Ok((u.display_name.to_string(), u.email))
}

async fn deliver(
    app: &App,
    actor: &Actor,
    to: UserId,
    reply_to: Option<i64>,
    body: &str,
) -> Result<i64, RelayError> {
    let from = me(actor)?;
    let body = PostBody::parse(body)?;
    let store = app.store();
    if from == to
        || store.alumni_entry(from).await?.is_none()
        || (reply_to.is_none() && store.alumni_entry(to).await?.is_none())
    {
        return Err(RelayError::NotInDirectory);
    }
    let now = app.now();
    let mut tx = app.begin().await?;
    if tx.is_blocked(to, from).await? {
        return Err(RelayError::Blocked);
    }
    let day_ago = now
        .checked_sub(jiff::SignedDuration::from_hours(24))
        .unwrap_or(now);
    if tx.relay_sent_since(from, day_ago).await? >= PER_DAY {
        return Err(RelayError::TooMany);
    }
    let id = tx
        .send_relay(from, to, reply_to, body.as_str(), now)
        .await?;
    let (sender, sender_email) = name_of(app, from).await?;
    let (name, email) = name_of(app, to).await?;
    let notice = Notice::Relay(RelayNotice::Message {
        name,
        from: sender,
        from_email: reply_to.map(|_| sender_email.to_string()),
        body: body.as_str().to_owned(),
        link: app.links().url(&format!("/messages/{id}")),
    });
    notify::send(&mut tx, app.composer(), &email, &notice, now).await?;
    audit(
        &mut tx,
        actor,
        AuditAction::RelayMessage,
        Some(format!("user:{to}")),
        reply_to.map(|r| format!("a reply to message {r}")),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// Writes to someone in the directory.
pub async fn write(app: &App, actor: &Actor, to: UserId, body: &str) -> Result<i64, RelayError> {
    deliver(app, actor, to, None, body).await
}

/// A message `actor` may read: one they sent or received.
pub async fn message(app: &App, actor: &Actor, id: i64) -> Result<RelayMessage, AppError> {
    let user = me(actor)?;
    app.store()
        .relay_message(id)
        .await?
        .filter(|m| m.from == user || m.to == user)
        .ok_or(AppError::NotFound)
}

/// Replies to a message received; the reply shows the replier's address to the other, and
/// from then on each sees the other's.
pub async fn reply(app: &App, actor: &Actor, id: i64, body: &str) -> Result<i64, RelayError> {
    let user = me(actor)?;
    let original = message(app, actor, id).await?;
    if original.to != user {
        return Err(AppError::NotFound.into());
    }
    deliver(app, actor, original.from, Some(id), body).await
}

/// Blocks the sender of a message received: nothing more of theirs is delivered.
pub async fn block(app: &App, actor: &Actor, id: i64) -> Result<(), RelayError> {
    let user = me(actor)?;
    let original = message(app, actor, id).await?;
    if original.to != user {
        return Err(AppError::NotFound.into());
    }
    let now = app.now();
    let mut tx = app.begin().await?;
    tx.block_sender(user, original.from, now).await?;
    audit(
        &mut tx,
        actor,
        AuditAction::RelayBlock,
        Some(format!("user:{}", original.from)),
        None,
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Reports a message received to the admins, each told by email, with an audit entry.
pub async fn report(app: &App, actor: &Actor, id: i64, note: &str) -> Result<(), RelayError> {
    let user = me(actor)?;
    let original = message(app, actor, id).await?;
    if original.to != user {
        return Err(AppError::NotFound.into());
    }
    let note = note.trim();
    if note.chars().count() > REPORT_MAX_LEN {
        return Err(RelayError::NoteTooLong);
    }
    let (reporter, _) = name_of(app, user).await?;
    let (sender, _) = name_of(app, original.from).await?;
    let admins: Vec<_> = app
        .store()
        .list_users()
        .await?
        .into_iter()
        .filter(|u| u.role == Role::Admin)
        .collect();
    let now = app.now();
    let mut tx = app.begin().await?;
    let report = tx.report_abuse(user, id, note, now).await?;
    for admin in &admins {
        let notice = Notice::Relay(RelayNotice::Report {
            name: admin.display_name.to_string(),
            reporter: reporter.clone(),
            sender: sender.clone(),
            body: original.body.clone(),
            note: note.to_owned(),
        });
        notify::send(&mut tx, app.composer(), &admin.email, &notice, now).await?;
    }
    audit(
        &mut tx,
        actor,
        AuditAction::RelayReport,
        Some(format!("message:{id}")),
        Some(format!("report {report} about user:{}", original.from)),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// One line of a person's messages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    pub message: RelayMessage,
    /// The other person's name.
    pub other: String,
    /// Their address, once a reply has been sent between the two.
    pub other_email: Option<String>,
    pub received: bool,
}

/// Every message to or from `actor`, newest first.
pub async fn inbox(app: &App, actor: &Actor) -> Result<Vec<Line>, AppError> {
    let user = me(actor)?;
    let store = app.store();
    let mut lines = Vec::new();
    for m in store.relay_messages_of(user).await? {
        let other = if m.from == user { m.to } else { m.from };
        let (name, email) = name_of(app, other).await?;
        let shown = store.relay_replied(user, other).await?;
        lines.push(Line {
            received: m.to == user,
            other: name,
            other_email: shown.then(|| email.to_string()),
            message: m,
        });
    }
    Ok(lines)
}

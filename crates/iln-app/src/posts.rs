//! What participants write during a round: posts in a topic's discussion thread, links shared
//! on the round's resources board, and "we discussed this together". Each is one use-case in
//! one transaction with its audit entry.
//!
//! Who may: the members of the round's partnerships (running or ended) and coordinators
//! (admins, country coordinators) write; the author edits or deletes their own post;
//! coordinators hide a post or show it again. Anyone else gets [`AppError::NotFound`], as for
//! a thread that does not exist.

use iln_domain::account::Role;
use iln_domain::audit::AuditAction;
use iln_domain::post::{PostBody, PostError, SharedLink};
use iln_store::{PartnershipId, PostId, PostRecord, RoundId, StoreError, Thread, TopicId, Tx};

use crate::{Actor, App, AppError, audit};

/// Why a posts use-case did not do what was asked.
#[derive(Debug, thiserror::Error)]
pub enum PostsError {
    /// The post's words or link are refused.
    #[error(transparent)]
    Invalid(#[from] PostError),
    /// Only the author changes their post.
    #[error("only its author changes a post")]
    NotYours,
    /// A deleted post stays deleted.
    #[error("this post has been deleted")]
    Deleted,
    /// The topic is not out yet: nobody discusses it before it reaches them.
    #[error("this topic has not been released yet")]
    NotReleased,
    #[error(transparent)]
    App(#[from] AppError),
}

impl From<StoreError> for PostsError {
    fn from(error: StoreError) -> Self {
        PostsError::App(AppError::Store(error))
    }
}

/// Whether the actor coordinates: admins and country coordinators.
pub fn coordinates(actor: &Actor) -> bool {
    actor.is_admin() || actor.role() == Some(Role::CountryCoordinator)
}

/// Whether the actor takes part in the round: a member of one of its partnerships.
async fn takes_part(tx: &mut Tx, actor: &Actor, round: RoundId) -> Result<bool, StoreError> {
    let Some(user) = actor.user_id() else {
        return Ok(false);
    };
    Ok(tx
        .round_partnerships(round)
        .await?
        .iter()
        .any(|p| p.has_member(user)))
}

/// The actor may read and write the round's threads, or it is as if they did not exist.
async fn may_write(tx: &mut Tx, actor: &Actor, round: RoundId) -> Result<(), PostsError> {
    if coordinates(actor) || takes_part(tx, actor, round).await? {
        Ok(())
    } else {
        Err(AppError::NotFound.into())
    }
}

fn target(id: PostId) -> Option<String> {
    Some(format!("post:{id}"))
}

/// Posts in a topic's thread. The topic must be out.
pub async fn post_in_topic(
    app: &App,
    actor: &Actor,
    topic: TopicId,
    body: &str,
) -> Result<PostId, PostsError> {
    let body = PostBody::parse(body)?;
    let author = actor.user_id().ok_or(AppError::Forbidden)?;
    let now = app.now();
    let mut tx = app.begin().await?;
    let record = tx.topic(topic).await?.ok_or(AppError::NotFound)?;
    may_write(&mut tx, actor, record.round).await?;
    if !record.is_out(now) {
        return Err(PostsError::NotReleased);
    }
    let id = tx
        .create_post(record.round, Thread::Topic(topic), author, &body, None, now)
        .await?;
    audit(
        &mut tx,
        actor,
        AuditAction::PostCreate,
        target(id),
        Some(format!("topic:{topic}")),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// Shares a link with a note on the round's resources board.
pub async fn share(
    app: &App,
    actor: &Actor,
    round: RoundId,
    url: &str,
    note: &str,
) -> Result<PostId, PostsError> {
    let url = SharedLink::parse(url)?;
    let note = PostBody::parse(note)?;
    let author = actor.user_id().ok_or(AppError::Forbidden)?;
    let now = app.now();
    let mut tx = app.begin().await?;
    tx.round(round).await?.ok_or(AppError::NotFound)?;
    may_write(&mut tx, actor, round).await?;
    let id = tx
        .create_post(round, Thread::Board, author, &note, Some(&url), now)
        .await?;
    audit(
        &mut tx,
        actor,
        AuditAction::PostCreate,
        target(id),
        Some(format!("round:{round}: resources board")),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// The post, if the actor may see it at all.
async fn visible_post(tx: &mut Tx, actor: &Actor, id: PostId) -> Result<PostRecord, PostsError> {
    let post = tx.post(id).await?.ok_or(AppError::NotFound)?;
    may_write(tx, actor, post.round).await?;
    Ok(post)
}

/// The actor's own post, not deleted: what its author may change.
async fn own_live_post(tx: &mut Tx, actor: &Actor, id: PostId) -> Result<PostRecord, PostsError> {
    let post = visible_post(tx, actor, id).await?;
    if Some(post.author) != actor.user_id() {
        return Err(PostsError::NotYours);
    }
    if post.deleted_at.is_some() {
        return Err(PostsError::Deleted);
    }
    Ok(post)
}

/// The author changes their post's words.
pub async fn edit(
    app: &App,
    actor: &Actor,
    id: PostId,
    body: &str,
) -> Result<PostRecord, PostsError> {
    let body = PostBody::parse(body)?;
    let now = app.now();
    let mut tx = app.begin().await?;
    let post = own_live_post(&mut tx, actor, id).await?;
    tx.update_post(id, &body, now).await?;
    audit(&mut tx, actor, AuditAction::PostEdit, target(id), None, now).await?;
    tx.commit().await?;
    Ok(post)
}

/// The author deletes their post: its words go, its place in the thread stays.
pub async fn delete(app: &App, actor: &Actor, id: PostId) -> Result<PostRecord, PostsError> {
    let now = app.now();
    let mut tx = app.begin().await?;
    let post = own_live_post(&mut tx, actor, id).await?;
    tx.delete_post(id, now).await?;
    audit(
        &mut tx,
        actor,
        AuditAction::PostDelete,
        target(id),
        None,
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(post)
}

/// A coordinator hides a post, or shows it again.
pub async fn set_hidden(
    app: &App,
    actor: &Actor,
    id: PostId,
    hidden: bool,
) -> Result<PostRecord, PostsError> {
    if !coordinates(actor) {
        return Err(AppError::Forbidden.into());
    }
    let now = app.now();
    let mut tx = app.begin().await?;
    let post = tx.post(id).await?.ok_or(AppError::NotFound)?;
    tx.set_post_hidden(id, hidden, actor.user_id(), now).await?;
    audit(
        &mut tx,
        actor,
        if hidden {
            AuditAction::PostHide
        } else {
            AuditAction::PostShow
        },
        target(id),
        None,
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(post)
}

/// A member marks a released topic as discussed with their partner (or takes the mark back).
/// Gives the partnership marked.
pub async fn mark_discussed(
    app: &App,
    actor: &Actor,
    topic: TopicId,
    discussed: bool,
) -> Result<PartnershipId, PostsError> {
    let user = actor.user_id().ok_or(AppError::Forbidden)?;
    let now = app.now();
    let mut tx = app.begin().await?;
    let record = tx.topic(topic).await?.ok_or(AppError::NotFound)?;
    if !record.is_out(now) {
        return Err(PostsError::NotReleased);
    }
    // The member's partnership in the topic's round; the latest if there were two.
    let partnership = tx
        .round_partnerships(record.round)
        .await?
        .into_iter()
        .filter(|p| p.has_member(user))
        .map(|p| p.id)
        .max()
        .ok_or(AppError::NotFound)?;
    let changed = if discussed {
        tx.mark_discussed(topic, partnership, Some(user), now)
            .await?
    } else {
        tx.unmark_discussed(topic, partnership).await?
    };
    if changed {
        audit(
            &mut tx,
            actor,
            AuditAction::TopicDiscussed,
            Some(format!("topic:{topic}")),
            Some(format!(
                "partnership:{partnership}: {}",
                if discussed { "discussed" } else { "not yet" }
            )),
            now,
        )
        .await?;
    }
    tx.commit().await?;
    Ok(partnership)
}

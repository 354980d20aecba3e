//! Notices: what the platform tells a person by email, as typed values. A use-case decides
//! *that* someone is told and with what facts; the web layer's [`Composer`] decides the words
//! (UI words live only there). The composed email is queued inside the use-case's own
//! transaction, so it goes out exactly when the action commits.
//!
//! Each area of the application adds its notices as one variant of [`Notice`] holding its
//! own enum, so areas never edit each other's lists.

use iln_domain::account::Email;
use iln_store::{NewEmail, StoreError, Tx};
use jiff::Timestamp;

/// Something a person is told. Each variant holds one area's notices; the facts they carry
/// are plain data, links already absolute.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Notice {
    Accounts(crate::accounts::AccountNotice),
    Applications(crate::applications::ApplicationNotice),
    Rounds(crate::rounds::RoundNotice),
    Matching(crate::matching::MatchingNotice),
    Topics(crate::topics::TopicNotice),
    CheckIns(crate::checkins::CheckInNotice),
    Desk(crate::desk::DeskNotice),
    Surveys(crate::surveys::SurveyNotice),
    Ending(crate::ending::EndingNotice),
    Relay(crate::relay::RelayNotice),
    Import(crate::import::ImportNotice),
}

/// An email's words, as the composer wrote them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Composed {
    pub subject: String,
    pub text_body: String,
    pub html_body: Option<String>,
}

/// Turns notices into words. The web layer implements it; tests may use a plain one.
pub trait Composer: Send + Sync + 'static {
    fn compose(&self, notice: &Notice) -> Composed;
}

/// Composes `notice` for `to` and queues it in `tx`.
pub async fn send(
    tx: &mut Tx,
    composer: &dyn Composer,
    to: &Email,
    notice: &Notice,
    now: Timestamp,
) -> Result<(), StoreError> {
    let Composed {
        subject,
        text_body,
        html_body,
    } = composer.compose(notice);
    tx.enqueue_email(
        &NewEmail {
            to: to.clone(),
            subject,
            text_body,
            html_body,
        },
        now,
    )
    .await?;
    Ok(())
}

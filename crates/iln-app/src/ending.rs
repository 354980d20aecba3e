//! The end of a round: when a round closes (by its `round_dates` job at the end of its last
//! day, or by an admin earlier), its running partnerships end with it, and every participant
//! gets a thank-you email with their certificate of participation and, at a round's normal
//! end, their own link to the end-of-round survey (which opens then). A round closed before
//! its end was cancelled: its surveys stay unsent.
//!
//! The certificate names the round, its dates, the partner's country, the topics the
//! partnership marked discussed and the contacts it logged: something a librarian can count
//! toward continuing professional development.

use std::collections::BTreeMap;

use iln_domain::contact::ContactWay;
use iln_domain::round::RoundState;
use iln_domain::survey::SurveyKind;
use iln_store::{PartnershipRecord, RoundId, RoundRecord, StoreError, Tx, UserId};
use jiff::Timestamp;
use jiff::civil::Date;

use crate::notify::{self, Notice};
use crate::{Actor, App, AppError};

/// What this area tells people by email. The words are the web layer's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EndingNotice {
    ThankYou {
        name: String,
        round: String,
        /// Closed before the partnerships' last day.
        early: bool,
        /// The certificate page, absolute.
        certificate: String,
        /// Their own link to the end-of-round survey, when one opened with the close.
        survey: Option<String>,
        /// Where to join the alumni directory, absolute.
        alumni: String,
    },
}

/// The reason recorded on partnerships the round's end closes.
pub const ENDED_WITH_ROUND: &str = "The round ended.";
/// The reason recorded when an admin closed the round early.
pub const ENDED_EARLY: &str = "The round was closed early.";

/// Ends the round's running partnerships and thanks their members, inside the transaction
/// that closes the round. Gives how many people were thanked.
pub(crate) async fn close(
    tx: &mut Tx,
    app: &App,
    round: &RoundRecord,
    now: Timestamp,
) -> Result<usize, StoreError> {
    let early = now < round.round.settings.ends_at();
    let running: Vec<PartnershipRecord> = tx
        .round_partnerships(round.id)
        .await?
        .into_iter()
        .filter(PartnershipRecord::is_running)
        .collect();
    for p in &running {
        tx.end_partnership(
            p.id,
            None,
            if early { ENDED_EARLY } else { ENDED_WITH_ROUND },
            now,
        )
        .await?;
    }
    // At a normal end the end-of-round survey opens now, so its link can be in the thanks.
    let mut links: BTreeMap<UserId, String> = BTreeMap::new();
    if !early {
        for stored in tx.round_surveys(round.id).await? {
            if stored.survey.kind == SurveyKind::EndOfRound && stored.opened_at.is_none() {
                links.extend(crate::surveys::open_quietly(tx, &stored, round, now).await?);
            }
        }
    }
    let certificate = app
        .links()
        .url(&format!("/rounds/{}/certificate", round.id));
    let mut thanked = 0;
    let mut seen = std::collections::BTreeSet::new();
    for p in &running {
        for m in &p.members {
            if !seen.insert(m.user) {
                continue;
            }
            let Ok(to) = iln_domain::account::Email::parse(&m.profile.email) else {
                continue;
            };
            let notice = Notice::Ending(EndingNotice::ThankYou {
                name: m.profile.name.clone(),
                round: round.round.settings.name.to_string(),
                early,
                certificate: certificate.clone(),
                survey: links
                    .get(&m.user)
                    .map(|secret| app.links().url(&format!("/survey?t={secret}"))),
                alumni: app.links().url("/alumni/join"),
            });
            notify::send(tx, app.composer(), &to, &notice, now).await?;
            thanked += 1;
        }
    }
    Ok(thanked)
}

/// A certificate of participation, as its page and PDF show it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Certificate {
    pub name: String,
    pub round: String,
    pub starts: Date,
    /// The partnership's last day: the round's, or the day it ended early.
    pub ended: Date,
    /// The partners' countries, each once.
    pub partner_countries: Vec<String>,
    /// The titles of the topics the partnership marked discussed, in release order.
    pub topics: Vec<String>,
    /// The contacts logged, oldest first.
    pub contacts: Vec<(Date, ContactWay)>,
    /// When the certificate was made (the page's own time).
    pub issued: Timestamp,
}

/// The certificate of the signed-in `actor` for `round`: only for a member of one of its
/// partnerships, once the round has closed; anyone else gets not found.
pub async fn certificate(
    app: &App,
    actor: &Actor,
    round: RoundId,
) -> Result<Certificate, AppError> {
    let user = actor.user_id().ok_or(AppError::NotFound)?;
    let store = app.store();
    let record = store.round(round).await?.ok_or(AppError::NotFound)?;
    if record.round.at(app.now()).state != RoundState::Closed {
        return Err(AppError::NotFound);
    }
    let theirs: Vec<PartnershipRecord> = store
        .partnerships_of(user)
        .await?
        .into_iter()
        .filter(|p| p.round == round)
        .collect();
    let first = theirs.first().ok_or(AppError::NotFound)?;
    let me = first
        .members
        .iter()
        .find(|m| m.user == user)
        .ok_or(AppError::NotFound)?;
    let zone = record.round.settings.time_zone.to_jiff();
    let settings = &record.round.settings;
    let ended = theirs
        .iter()
        .map(|p| match &p.ended {
            Some(e) => e.at.to_zoned(zone.clone()).date().min(settings.ends),
            None => settings.ends,
        })
        .max()
        .unwrap_or(settings.ends);
    let mut partner_countries: Vec<String> = Vec::new();
    for p in &theirs {
        for m in p.partners_of(user) {
            let name = m.country.name().to_owned();
            if !partner_countries.contains(&name) {
                partner_countries.push(name);
            }
        }
    }
    let ids: Vec<_> = theirs.iter().map(|p| p.id).collect();
    let mut topics = Vec::new();
    for topic in store.round_topics(round).await? {
        let marks = store.topic_discussions(topic.id).await?;
        if marks.iter().any(|(p, _)| ids.contains(p)) {
            topics.push(topic.topic.title.clone());
        }
    }
    let mut contacts = Vec::new();
    for id in &ids {
        contacts.extend(
            store
                .contacts_of(*id)
                .await?
                .into_iter()
                .map(|c| (c.on, c.way)),
        );
    }
    contacts.sort();
    Ok(Certificate {
        name: me.profile.name.clone(),
        round: settings.name.to_string(),
        starts: settings.starts,
        ended,
        partner_countries,
        topics,
        contacts,
        issued: app.now(),
    })
}

/// The closed rounds `user` took part in, newest first: where they have a certificate.
pub async fn certificates_of(app: &App, user: UserId) -> Result<Vec<(RoundId, String)>, AppError> {
    let store = app.store();
    let now = app.now();
    let mut rounds: Vec<RoundRecord> = Vec::new();
    for p in store.partnerships_of(user).await? {
        if rounds.iter().any(|r| r.id == p.round) {
            continue;
        }
        if let Some(record) = store.round(p.round).await?
            && record.round.at(now).state == RoundState::Closed
        {
            rounds.push(record);
        }
    }
    rounds.sort_by_key(|r| std::cmp::Reverse(r.round.settings.starts));
    Ok(rounds
        .into_iter()
        .map(|r| (r.id, r.round.settings.name.to_string()))
        .collect())
}

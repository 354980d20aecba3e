//! Published partnerships and their members: what "My partnership" shows, how a partnership
//! ends early, and the history matching reads back (previous partners, the countries and
//! sectors a person has already met).

use std::collections::{BTreeMap, BTreeSet};

use iln_domain::application::{Application, CommunicationWay};
use iln_domain::country::CountryCode;
use iln_domain::profile::{CareerStage, Sector};
use iln_domain::scoring::History;
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

use crate::{ApplicationId, MatchRunId, PartnershipId, RoundId, Store, StoreError, Tx, UserId};
use crate::{bulk, codec};

/// What a partner sees of a member: a copy of their answers when the partnership was made,
/// so a partnership reads the same after the application changes or the round is archived.
/// Values are kept as people read them (labels, language names): a stored document
/// (`partner-profile` v1), so the words it records are part of its format. They are written
/// by [`PartnerProfile::sector_text`] and its siblings, not taken from the pages' words, so
/// that rewording a page never changes what a new profile records without a new version.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct PartnerProfile {
    pub name: String,
    pub email: String,
    pub country: String,
    pub city: String,
    pub institution: String,
    pub sector: String,
    pub role: String,
    pub career_stage: String,
    pub time_zone: String,
    pub languages: Vec<String>,
    pub interests: Vec<String>,
    pub communication: Vec<String>,
    pub goals: String,
    pub offer: String,
}

impl PartnerProfile {
    /// What partners see of the person who wrote this application.
    pub fn of(application: &Application) -> PartnerProfile {
        PartnerProfile {
            name: application.name.to_string(),
            email: application.email.to_string(),
            country: application.country.name().to_owned(),
            city: application.city.clone(),
            institution: application.institution.clone(),
            sector: PartnerProfile::sector_text(application.sector).to_owned(),
            role: application.role.clone(),
            career_stage: PartnerProfile::career_stage_text(application.career_stage).to_owned(),
            time_zone: application.time_zone.as_str().to_owned(),
            languages: application
                .languages
                .iter()
                .map(|l| l.name().to_owned())
                .collect(),
            interests: application
                .interests
                .iter()
                .map(|i| i.as_str().to_owned())
                .collect(),
            communication: application
                .communication
                .iter()
                .map(|w| PartnerProfile::communication_text(*w).to_owned())
                .collect(),
            goals: application.goals.clone(),
            offer: application.offer.clone(),
        }
    }

    /// How a profile records a sector: as the application form showed it when profiles were
    /// first stored (the web's tests check the form still shows the same words).
    pub fn sector_text(sector: Sector) -> &'static str {
        match sector {
            Sector::Academic => "Academic library",
            Sector::Public => "Public library",
            Sector::School => "School library",
            Sector::Special => "Special library",
            Sector::Government => "Government library",
            Sector::National => "National library",
            Sector::Archives => "Archives",
            Sector::Museum => "Museum",
            Sector::LisEducation => "Library and information science education",
            Sector::Vendor => "Vendor or supplier",
            Sector::Other => "Other",
        }
    }

    /// How a profile records a career stage.
    pub fn career_stage_text(stage: CareerStage) -> &'static str {
        match stage {
            CareerStage::Student => "Student",
            CareerStage::Early => "Early career (up to 5 years)",
            CareerStage::Mid => "Mid career (5 to 15 years)",
            CareerStage::Senior => "Senior (more than 15 years)",
        }
    }

    /// How a profile records a way to keep in touch.
    pub fn communication_text(way: CommunicationWay) -> &'static str {
        match way {
            CommunicationWay::Email => "Email",
            CommunicationWay::Video => "Video call",
            CommunicationWay::Chat => "Chat",
            CommunicationWay::SocialMedia => "Social media",
        }
    }
}

/// A member of a partnership to create.
#[derive(Clone, Debug)]
pub struct NewPartnershipMember {
    pub user: UserId,
    pub application: Option<ApplicationId>,
    pub country: CountryCode,
    pub sector: Sector,
    pub profile: PartnerProfile,
}

/// A partnership to create.
#[derive(Clone, Debug)]
pub struct NewPartnership {
    pub round: RoundId,
    pub run: Option<MatchRunId>,
    pub score: i64,
    pub explanation: String,
    /// Two members, or three for a trio.
    pub members: Vec<NewPartnershipMember>,
}

/// A member as stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PartnershipMember {
    pub user: UserId,
    pub application: Option<ApplicationId>,
    pub country: CountryCode,
    pub sector: Sector,
    pub profile: PartnerProfile,
}

/// How a partnership ended early.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Ending {
    pub at: Timestamp,
    pub by: Option<UserId>,
    pub reason: String,
}

/// A partnership as stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PartnershipRecord {
    pub id: PartnershipId,
    pub round: RoundId,
    pub run: Option<MatchRunId>,
    pub score: i64,
    pub explanation: String,
    pub created_at: Timestamp,
    /// None while it runs.
    pub ended: Option<Ending>,
    /// In the order they were given.
    pub members: Vec<PartnershipMember>,
}

impl PartnershipRecord {
    pub fn is_running(&self) -> bool {
        self.ended.is_none()
    }

    pub fn has_member(&self, user: UserId) -> bool {
        self.members.iter().any(|m| m.user == user)
    }

    /// Everyone in it but `user`.
    pub fn partners_of(&self, user: UserId) -> impl Iterator<Item = &PartnershipMember> {
        self.members.iter().filter(move |m| m.user != user)
    }
}

const PARTNERSHIP_COLUMNS: &str =
    "id, round_id, run_id, score, explanation, created_at, ended_at, ended_by, end_reason";

fn member_from_row(row: &AnyRow) -> Result<(i64, PartnershipMember), StoreError> {
    let profile: String = row.try_get("profile")?;
    Ok((
        row.try_get("partnership_id")?,
        PartnershipMember {
            user: UserId(row.try_get("user_id")?),
            application: row
                .try_get::<Option<i64>, _>("application_id")?
                .map(ApplicationId),
            country: codec::country(&row.try_get::<String, _>("country")?)?,
            sector: codec::sector(&row.try_get::<String, _>("sector")?)?,
            profile: codec::from_document("a partner's profile", &profile)?,
        },
    ))
}

fn partnership_from_row(row: &AnyRow) -> Result<PartnershipRecord, StoreError> {
    let ended_at: Option<i64> = row.try_get("ended_at")?;
    let ended = match ended_at {
        Some(at) => Some(Ending {
            at: codec::from_ts(at)?,
            by: row.try_get::<Option<i64>, _>("ended_by")?.map(UserId),
            reason: row
                .try_get::<Option<String>, _>("end_reason")?
                .unwrap_or_default(),
        }),
        None => None,
    };
    Ok(PartnershipRecord {
        id: PartnershipId(row.try_get("id")?),
        round: RoundId(row.try_get("round_id")?),
        run: row.try_get::<Option<i64>, _>("run_id")?.map(MatchRunId),
        score: row.try_get("score")?,
        explanation: row.try_get("explanation")?,
        created_at: codec::from_ts(row.try_get("created_at")?)?,
        ended,
        members: Vec::new(),
    })
}

/// The columns of `partnerships` a new partnership fills, its id first.
const NEW_PARTNERSHIP_COLUMNS: &str = "id, round_id, run_id, score, explanation, created_at";
const NEW_PARTNERSHIP_WIDTH: usize = 6;
const MEMBER_COLUMNS: &str =
    "partnership_id, user_id, application_id, position, country, sector, profile";
const MEMBER_WIDTH: usize = 7;

/// A member row to insert.
struct MemberRow<'a> {
    partnership: i64,
    position: usize,
    member: &'a NewPartnershipMember,
}

/// Reads partnerships chosen by `filter` (a WHERE clause on `partnerships` with `$1` bound to
/// `value`) with their members, ordered by id.
async fn partnerships_where(
    conn: &mut AnyConnection,
    filter: &str,
    value: i64,
) -> Result<Vec<PartnershipRecord>, StoreError> {
    let sql = format!("SELECT {PARTNERSHIP_COLUMNS} FROM partnerships WHERE {filter} ORDER BY id");
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(value)
        .fetch_all(&mut *conn)
        .await?;
    let mut partnerships = rows
        .iter()
        .map(partnership_from_row)
        .collect::<Result<Vec<_>, _>>()?;
    let sql = format!(
        "SELECT partnership_id, user_id, application_id, country, sector, profile \
         FROM partnership_members WHERE partnership_id IN \
         (SELECT id FROM partnerships WHERE {filter}) ORDER BY partnership_id, position"
    );
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(value)
        .fetch_all(&mut *conn)
        .await?;
    let mut members: BTreeMap<i64, Vec<PartnershipMember>> = BTreeMap::new();
    for row in &rows {
        let (partnership, member) = member_from_row(row)?;
        members.entry(partnership).or_default().push(member);
    }
    for partnership in &mut partnerships {
        partnership.members = members.remove(&partnership.id.0).unwrap_or_default();
    }
    Ok(partnerships)
}

impl Tx {
    /// Inserts member rows, many to a statement.
    async fn insert_members(&mut self, rows: &[MemberRow<'_>]) -> Result<(), StoreError> {
        for chunk in rows.chunks(bulk::rows_per_statement(MEMBER_WIDTH)) {
            let sql = format!(
                "INSERT INTO partnership_members ({MEMBER_COLUMNS}) VALUES {}",
                bulk::values(chunk.len(), MEMBER_WIDTH)
            );
            let mut statement = sqlx::query(sqlx::AssertSqlSafe(sql));
            for row in chunk {
                let profile = codec::document("a partner's profile", &row.member.profile)?;
                statement = statement
                    .bind(row.partnership)
                    .bind(row.member.user.0)
                    .bind(row.member.application.map(|a| a.0))
                    .bind(i64::try_from(row.position).unwrap_or(i64::MAX))
                    .bind(row.member.country.as_str())
                    .bind(row.member.sector.as_str())
                    .bind(profile);
            }
            self.exec(statement).await?;
        }
        Ok(())
    }

    /// Whether the round has any partnership yet: once it has, it is published.
    pub async fn round_has_partnerships(&mut self, round: RoundId) -> Result<bool, StoreError> {
        let row = sqlx::query("SELECT COUNT(*) AS n FROM partnerships WHERE round_id = $1")
            .bind(round.0)
            .fetch_one(self.conn())
            .await?;
        Ok(row.try_get::<i64, _>("n")? > 0)
    }

    /// Creates partnerships with their members, a few statements for thousands of them. With
    /// `first_for_round` it refuses (Conflict) when a round already has partnerships, so
    /// publishing twice cannot double them; a re-match adds to a round that has them and
    /// passes false. The ids come back in the order of `partnerships`.
    pub async fn create_partnerships(
        &mut self,
        partnerships: &[NewPartnership],
        first_for_round: bool,
        now: Timestamp,
    ) -> Result<Vec<PartnershipId>, StoreError> {
        if first_for_round {
            let rounds: BTreeSet<RoundId> = partnerships.iter().map(|p| p.round).collect();
            for round in rounds {
                if self.round_has_partnerships(round).await? {
                    return Err(StoreError::Conflict(
                        "the partnerships of this round".to_owned(),
                    ));
                }
            }
        }
        let ids = self.take_ids("partnerships", partnerships.len()).await?;
        let insert = self.insert_with_ids("partnerships", NEW_PARTNERSHIP_COLUMNS);
        let per_statement = bulk::rows_per_statement(NEW_PARTNERSHIP_WIDTH);
        for (chunk, chunk_ids) in partnerships
            .chunks(per_statement)
            .zip(ids.chunks(per_statement))
        {
            let sql = format!(
                "{insert}{}",
                bulk::values(chunk.len(), NEW_PARTNERSHIP_WIDTH)
            );
            let mut statement = sqlx::query(sqlx::AssertSqlSafe(sql));
            for (partnership, id) in chunk.iter().zip(chunk_ids) {
                statement = statement
                    .bind(*id)
                    .bind(partnership.round.0)
                    .bind(partnership.run.map(|run| run.0))
                    .bind(partnership.score)
                    .bind(partnership.explanation.as_str())
                    .bind(codec::ts(now));
            }
            self.exec(statement).await?;
        }
        let members: Vec<MemberRow<'_>> = partnerships
            .iter()
            .zip(&ids)
            .flat_map(|(partnership, id)| {
                partnership
                    .members
                    .iter()
                    .enumerate()
                    .map(|(position, member)| MemberRow {
                        partnership: *id,
                        position,
                        member,
                    })
            })
            .collect();
        self.insert_members(&members).await?;
        Ok(ids.into_iter().map(PartnershipId).collect())
    }

    /// Adds a third member to a running partnership (someone left alone joining a pair), with
    /// the new score and explanation of the trio.
    pub async fn add_partnership_member(
        &mut self,
        id: PartnershipId,
        member: &NewPartnershipMember,
        score: i64,
        explanation: &str,
    ) -> Result<(), StoreError> {
        self.exec_one(
            sqlx::query(
                "UPDATE partnerships SET score = $2, explanation = $3 \
                 WHERE id = $1 AND ended_at IS NULL",
            )
            .bind(id.0)
            .bind(score)
            .bind(explanation),
            || format!("running partnership {id}"),
        )
        .await?;
        let row =
            sqlx::query("SELECT COUNT(*) AS n FROM partnership_members WHERE partnership_id = $1")
                .bind(id.0)
                .fetch_one(self.conn())
                .await?;
        let position = usize::try_from(row.try_get::<i64, _>("n")?).unwrap_or(usize::MAX);
        self.insert_members(&[MemberRow {
            partnership: id.0,
            position,
            member,
        }])
        .await
    }

    /// Ends a running partnership early. NotFound when it does not exist; Conflict when it
    /// has already ended.
    pub async fn end_partnership(
        &mut self,
        id: PartnershipId,
        by: Option<UserId>,
        reason: &str,
        now: Timestamp,
    ) -> Result<(), StoreError> {
        let row = sqlx::query("SELECT ended_at FROM partnerships WHERE id = $1")
            .bind(id.0)
            .fetch_optional(self.conn())
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("partnership {id}")))?;
        if row.try_get::<Option<i64>, _>("ended_at")?.is_some() {
            return Err(StoreError::Conflict(
                "an ending for this partnership".to_owned(),
            ));
        }
        self.exec(
            sqlx::query(
                "UPDATE partnerships SET ended_at = $2, ended_by = $3, end_reason = $4 \
                 WHERE id = $1 AND ended_at IS NULL",
            )
            .bind(id.0)
            .bind(codec::ts(now))
            .bind(by.map(|user| user.0))
            .bind(reason),
        )
        .await?;
        Ok(())
    }

    /// [`Store::partnership`] inside the transaction.
    pub async fn partnership(
        &mut self,
        id: PartnershipId,
    ) -> Result<Option<PartnershipRecord>, StoreError> {
        Ok(partnerships_where(self.conn(), "id = $1", id.0)
            .await?
            .pop())
    }

    /// [`Store::round_partnerships`] inside the transaction.
    pub async fn round_partnerships(
        &mut self,
        round: RoundId,
    ) -> Result<Vec<PartnershipRecord>, StoreError> {
        partnerships_where(self.conn(), "round_id = $1", round.0).await
    }
}

impl Store {
    /// [`Tx::create_partnerships`] in its own transaction.
    pub async fn create_partnerships(
        &self,
        partnerships: &[NewPartnership],
        first_for_round: bool,
        now: Timestamp,
    ) -> Result<Vec<PartnershipId>, StoreError> {
        let mut tx = self.begin().await?;
        let ids = tx
            .create_partnerships(partnerships, first_for_round, now)
            .await?;
        tx.commit().await?;
        Ok(ids)
    }

    /// [`Tx::add_partnership_member`] in its own transaction.
    pub async fn add_partnership_member(
        &self,
        id: PartnershipId,
        member: &NewPartnershipMember,
        score: i64,
        explanation: &str,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin().await?;
        tx.add_partnership_member(id, member, score, explanation)
            .await?;
        tx.commit().await
    }

    /// [`Tx::end_partnership`] in its own transaction.
    pub async fn end_partnership(
        &self,
        id: PartnershipId,
        by: Option<UserId>,
        reason: &str,
        now: Timestamp,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin().await?;
        tx.end_partnership(id, by, reason, now).await?;
        tx.commit().await
    }

    /// [`partnerships_where`] on a connection of the pool.
    async fn partnerships_where(
        &self,
        filter: &str,
        value: i64,
    ) -> Result<Vec<PartnershipRecord>, StoreError> {
        let mut conn = self.pool.acquire().await?;
        partnerships_where(&mut conn, filter, value).await
    }

    /// The partnership with this id.
    pub async fn partnership(
        &self,
        id: PartnershipId,
    ) -> Result<Option<PartnershipRecord>, StoreError> {
        Ok(self.partnerships_where("id = $1", id.0).await?.pop())
    }

    /// Every partnership of a round, running or ended, in the order they were made.
    pub async fn round_partnerships(
        &self,
        round: RoundId,
    ) -> Result<Vec<PartnershipRecord>, StoreError> {
        self.partnerships_where("round_id = $1", round.0).await
    }

    /// Every partnership a person has been in, newest first.
    pub async fn partnerships_of(
        &self,
        user: UserId,
    ) -> Result<Vec<PartnershipRecord>, StoreError> {
        let mut all = self
            .partnerships_where(
                "id IN (SELECT partnership_id FROM partnership_members WHERE user_id = $1)",
                user.0,
            )
            .await?;
        all.reverse();
        Ok(all)
    }

    /// Everyone a person has been partnered with, in any round and however it ended: the
    /// "never a previous partner" rule. Sorted, without repeats.
    pub async fn previous_partners(&self, user: UserId) -> Result<Vec<UserId>, StoreError> {
        let rows = sqlx::query(
            "SELECT DISTINCT other.user_id AS partner FROM partnership_members mine \
             JOIN partnership_members other ON other.partnership_id = mine.partnership_id \
             WHERE mine.user_id = $1 AND other.user_id <> $1 ORDER BY partner",
        )
        .bind(user.0)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| Ok(UserId(row.try_get("partner")?)))
            .collect()
    }

    /// The countries and sectors of a person's past partners: what the wider-network bonus
    /// counts as already known.
    pub async fn partner_history(&self, user: UserId) -> Result<History, StoreError> {
        let rows = sqlx::query(
            "SELECT other.country, other.sector FROM partnership_members mine \
             JOIN partnership_members other ON other.partnership_id = mine.partnership_id \
             WHERE mine.user_id = $1 AND other.user_id <> $1",
        )
        .bind(user.0)
        .fetch_all(&self.pool)
        .await?;
        let mut history = History::default();
        for row in &rows {
            history
                .countries
                .insert(codec::country(&row.try_get::<String, _>("country")?)?);
            history
                .sectors
                .insert(codec::sector(&row.try_get::<String, _>("sector")?)?);
        }
        Ok(history)
    }
}

/// One person's past partners and what the wider-network bonus knows of them.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PastPartners {
    pub partners: BTreeSet<UserId>,
    pub history: History,
}

impl Store {
    /// [`Store::previous_partners`] and [`Store::partner_history`] for everyone at once, in
    /// one query: a matching run needs them for thousands of applicants. People who never had
    /// a partner are absent.
    pub async fn all_past_partners(&self) -> Result<BTreeMap<UserId, PastPartners>, StoreError> {
        let rows = sqlx::query(
            "SELECT mine.user_id AS person, other.user_id AS partner, other.country, \
             other.sector FROM partnership_members mine \
             JOIN partnership_members other ON other.partnership_id = mine.partnership_id \
             WHERE other.user_id <> mine.user_id",
        )
        .fetch_all(&self.pool)
        .await?;
        let mut all: BTreeMap<UserId, PastPartners> = BTreeMap::new();
        for row in &rows {
            let entry = all.entry(UserId(row.try_get("person")?)).or_default();
            entry.partners.insert(UserId(row.try_get("partner")?));
            entry
                .history
                .countries
                .insert(codec::country(&row.try_get::<String, _>("country")?)?);
            entry
                .history
                .sectors
                .insert(codec::sector(&row.try_get::<String, _>("sector")?)?);
        }
        // Partners from before this platform (an imported file said so) are never paired
        // again either; their countries and sectors are not known, so history is unchanged.
        for (person, partner) in self.declared_partner_pairs().await? {
            all.entry(person).or_default().partners.insert(partner);
            all.entry(partner).or_default().partners.insert(person);
        }
        Ok(all)
    }
}

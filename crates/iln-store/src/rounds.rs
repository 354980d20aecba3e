//! Rounds: their settings (one JSON document of the domain's `RoundSettings`), their state and
//! the areas of interest their application form offers.

use iln_domain::application::InterestCatalogue;
use iln_domain::round::{Round, RoundSettings, RoundState, Transition};
use jiff::Timestamp;
use sqlx::Row;
use sqlx::any::AnyRow;

use crate::codec;
use crate::{Listing, RoundId, Store, StoreError, Tx};

/// A round as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoundRecord {
    pub id: RoundId,
    pub round: Round,
    /// The areas of interest applicants choose from.
    pub interests: InterestCatalogue,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

const ROUND_COLUMNS: &str = "id, settings, state, interests, created_at, updated_at";

fn round_from_row(row: &AnyRow) -> Result<RoundRecord, StoreError> {
    let id = RoundId(row.try_get("id")?);
    let settings: String = row.try_get("settings")?;
    let settings: RoundSettings =
        codec::from_document(&format!("round {id}'s settings"), &settings)?;
    let state: String = row.try_get("state")?;
    let state = RoundState::parse(&state).map_err(|e| StoreError::Corrupt(e.to_string()))?;
    let interests: String = row.try_get("interests")?;
    Ok(RoundRecord {
        id,
        round: Round { settings, state },
        interests: catalogue(&interests)?,
        created_at: codec::from_ts(row.try_get("created_at")?)?,
        updated_at: codec::from_ts(row.try_get("updated_at")?)?,
    })
}

fn catalogue(text: &str) -> Result<InterestCatalogue, StoreError> {
    InterestCatalogue::new(codec::from_string_list(text)?)
        .map_err(|e| StoreError::Corrupt(format!("interests {text:?}: {e}")))
}

fn catalogue_text(interests: &InterestCatalogue) -> Result<String, StoreError> {
    let names: Vec<String> = interests.iter().map(|i| i.as_str().to_owned()).collect();
    codec::string_list(&names)
}

fn settings_text(settings: &RoundSettings) -> Result<String, StoreError> {
    codec::document("round settings", settings)
}

impl Tx {
    /// Creates a round in draft, offering the default areas of interest until a coordinator
    /// edits them.
    pub async fn create_round(
        &mut self,
        settings: &RoundSettings,
        now: Timestamp,
    ) -> Result<RoundId, StoreError> {
        let id = self
            .insert_returning_id(
                sqlx::query(
                    "INSERT INTO rounds (name, settings, state, interests, created_at, updated_at) \
                     VALUES ($1, $2, $3, $4, $5, $5) RETURNING id",
                )
                .bind(settings.name.as_str())
                .bind(settings_text(settings)?)
                .bind(RoundState::Draft.as_str())
                .bind(catalogue_text(&InterestCatalogue::default_topics())?)
                .bind(codec::ts(now)),
            )
            .await?;
        Ok(RoundId(id))
    }

    /// The round with this id as stored, read inside the transaction.
    pub async fn round(&mut self, id: RoundId) -> Result<Option<RoundRecord>, StoreError> {
        let sql = format!("SELECT {ROUND_COLUMNS} FROM rounds WHERE id = $1");
        let row = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(id.0)
            .fetch_optional(self.conn())
            .await?;
        row.as_ref().map(round_from_row).transpose()
    }

    /// Replaces a round's settings. Whether they may still change is the caller's rule
    /// ([`Round::settings_editable`]); the store only refuses a round that does not exist.
    pub async fn update_round_settings(
        &mut self,
        id: RoundId,
        settings: &RoundSettings,
        now: Timestamp,
    ) -> Result<(), StoreError> {
        self.exec_one(
            sqlx::query(
                "UPDATE rounds SET name = $1, settings = $2, updated_at = $3 WHERE id = $4",
            )
            .bind(settings.name.as_str())
            .bind(settings_text(settings)?)
            .bind(codec::ts(now))
            .bind(id.0),
            || format!("round {id}"),
        )
        .await
    }

    /// Replaces the areas of interest a round's form offers. Applications keep what they chose.
    pub async fn update_round_interests(
        &mut self,
        id: RoundId,
        interests: &InterestCatalogue,
        now: Timestamp,
    ) -> Result<(), StoreError> {
        self.exec_one(
            sqlx::query("UPDATE rounds SET interests = $1, updated_at = $2 WHERE id = $3")
                .bind(catalogue_text(interests)?)
                .bind(codec::ts(now))
                .bind(id.0),
            || format!("round {id}"),
        )
        .await
    }

    /// Puts a round in `state`, whatever it was.
    pub async fn set_round_state(
        &mut self,
        id: RoundId,
        state: RoundState,
        now: Timestamp,
    ) -> Result<(), StoreError> {
        self.exec_one(
            sqlx::query("UPDATE rounds SET state = $1, updated_at = $2 WHERE id = $3")
                .bind(state.as_str())
                .bind(codec::ts(now))
                .bind(id.0),
            || format!("round {id}"),
        )
        .await
    }

    /// Records a transition only if the round is still in its `from` state, and says whether
    /// it did. Two actors that both see a date pass race here; exactly one wins, so the
    /// transition's side effects (deferrals, emails, the audit entry) happen once.
    pub async fn record_transition(
        &mut self,
        id: RoundId,
        transition: &Transition,
    ) -> Result<bool, StoreError> {
        let changed = self
            .exec(
                sqlx::query(
                    "UPDATE rounds SET state = $1, updated_at = $2 WHERE id = $3 AND state = $4",
                )
                .bind(transition.to.as_str())
                .bind(codec::ts(transition.at))
                .bind(id.0)
                .bind(transition.from.as_str()),
            )
            .await?;
        Ok(changed == 1)
    }
}

impl Store {
    /// [`Tx::create_round`] in a transaction of its own.
    pub async fn create_round(
        &self,
        settings: &RoundSettings,
        now: Timestamp,
    ) -> Result<RoundId, StoreError> {
        let mut tx = self.begin().await?;
        let id = tx.create_round(settings, now).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// The round with this id, if any, as stored: pages show it as it stands now with
    /// [`Round::at`], and the round's date job records the transitions.
    pub async fn round(&self, id: RoundId) -> Result<Option<RoundRecord>, StoreError> {
        let sql = format!("SELECT {ROUND_COLUMNS} FROM rounds WHERE id = $1");
        let row = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(id.0)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(round_from_row).transpose()
    }

    /// Every round, newest first.
    ///
    /// A round whose settings this release cannot read ([`StoreError::Unreadable`]) is left
    /// out, with a warning in the log, so one such row does not take every list of rounds
    /// down with it; its own page says what is wrong ([`Store::round`] returns the error),
    /// and [`Store::round_listing`] names it for the pages that list rounds.
    pub async fn list_rounds(&self) -> Result<Vec<RoundRecord>, StoreError> {
        Ok(self.round_listing().await?.rows)
    }

    /// Every round, newest first, with those this release cannot read set apart.
    pub async fn round_listing(&self) -> Result<Listing<RoundRecord>, StoreError> {
        let sql = format!("SELECT {ROUND_COLUMNS} FROM rounds ORDER BY id DESC");
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .fetch_all(&self.pool)
            .await?;
        codec::listing(&rows, round_from_row)
    }

    /// [`Tx::update_round_settings`] in a transaction of its own.
    pub async fn update_round_settings(
        &self,
        id: RoundId,
        settings: &RoundSettings,
        now: Timestamp,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin().await?;
        tx.update_round_settings(id, settings, now).await?;
        tx.commit().await
    }

    /// [`Tx::update_round_interests`] in a transaction of its own.
    pub async fn update_round_interests(
        &self,
        id: RoundId,
        interests: &InterestCatalogue,
        now: Timestamp,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin().await?;
        tx.update_round_interests(id, interests, now).await?;
        tx.commit().await
    }

    /// [`Tx::set_round_state`] in a transaction of its own.
    pub async fn set_round_state(
        &self,
        id: RoundId,
        state: RoundState,
        now: Timestamp,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin().await?;
        tx.set_round_state(id, state, now).await?;
        tx.commit().await
    }

    /// [`Tx::record_transition`] in a transaction of its own.
    pub async fn record_transition(
        &self,
        id: RoundId,
        transition: &Transition,
    ) -> Result<bool, StoreError> {
        let mut tx = self.begin().await?;
        let changed = tx.record_transition(id, transition).await?;
        tx.commit().await?;
        Ok(changed)
    }
}

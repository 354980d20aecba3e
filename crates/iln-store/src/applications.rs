//! Applications to a round: submitting and editing them, the review decisions, the duplicate
//! flags and the country cap's deferrals, carrying deferred people over to the next round, and
//! coordinators' notes and endorsements. Lists are always read through a [`PeopleScope`], so a
//! country coordinator's queries cannot return applicants of other countries.

use std::collections::{BTreeMap, BTreeSet};

use iln_domain::application::{
    Application, ApplicationForm, DuplicateReason, Identity, InterestCatalogue,
    country_cap_deferrals, find_duplicates,
};
use iln_domain::commitments::{CommitmentsVersion, Consent};
use iln_domain::country::CountryCode;
use iln_domain::profile::Sector;
use iln_domain::round::CountryCap;
pub use iln_domain::status::ApplicationStatus;
use jiff::Timestamp;
use sqlx::Row;
use sqlx::any::AnyRow;

use crate::codec;
use crate::people::scope_filter;
use crate::{ApplicationId, Listing, PeopleScope, RoundId, Store, StoreError, Tx, UserId};

/// An application as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApplicationRecord {
    pub id: ApplicationId,
    pub round: RoundId,
    pub user: UserId,
    pub application: Application,
    pub status: ApplicationStatus,
    pub submitted_at: Timestamp,
    pub updated_at: Timestamp,
    /// When a coordinator last decided (approved, declined, wait-listed) or the cap deferred it.
    pub decided_at: Option<Timestamp>,
    /// The optional message sent with the decision.
    pub decision_message: Option<String>,
    /// While flagged as a likely duplicate: the first application of its group (itself for
    /// that first one) and why.
    pub duplicate_of: Option<ApplicationId>,
    pub duplicate_reason: Option<DuplicateReason>,
    /// A coordinator kept it despite a duplicate flag; it is not flagged again.
    pub duplicate_kept: bool,
    /// The deferred application of an earlier round this one was carried over from.
    pub carried_from: Option<ApplicationId>,
    /// The commitments the applicant agreed to when they last sent the form, and when.
    pub consent: Consent,
}

impl ApplicationRecord {
    /// Whether the application is flagged as a likely duplicate now.
    pub fn is_flagged_duplicate(&self) -> bool {
        self.duplicate_of.is_some()
    }
}

/// Which applications of a round to list. The scope is the reader's (a coordinator's
/// countries); a country filter is a narrower scope.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApplicationFilter {
    pub status: Option<ApplicationStatus>,
    pub scope: PeopleScope,
    pub sector: Option<Sector>,
    pub duplicates_only: bool,
}

impl ApplicationFilter {
    /// Every application of the round.
    pub fn all() -> ApplicationFilter {
        ApplicationFilter {
            status: None,
            scope: PeopleScope::All,
            sector: None,
            duplicates_only: false,
        }
    }

    /// The applications with this status.
    pub fn with_status(status: ApplicationStatus) -> ApplicationFilter {
        ApplicationFilter {
            status: Some(status),
            ..ApplicationFilter::all()
        }
    }
}

/// A coordinator's note on an application.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApplicationNote {
    pub id: i64,
    pub application: ApplicationId,
    pub author: Option<UserId>,
    /// The author's display name at the time of reading.
    pub author_name: Option<String>,
    /// True when the note endorses the applicant.
    pub endorsement: bool,
    pub body: String,
    pub created_at: Timestamp,
}

pub(crate) const APPLICATION_COLUMNS: &str = "id, round_id, user_id, answers, status, submitted_at, \
     updated_at, decided_at, decision_message, duplicate_of, duplicate_reason, \
     duplicate_kept_at, carried_from, consent_version, consented_at";

fn duplicate_reason_str(reason: DuplicateReason) -> &'static str {
    match reason {
        DuplicateReason::SameEmail => "same_email",
        DuplicateReason::SameNameInstitutionCountry => "same_name_institution_country",
    }
}

fn parse_duplicate_reason(text: &str) -> Result<DuplicateReason, StoreError> {
    match text {
        "same_email" => Ok(DuplicateReason::SameEmail),
        "same_name_institution_country" => Ok(DuplicateReason::SameNameInstitutionCountry),
        other => Err(StoreError::Corrupt(format!("duplicate reason {other:?}"))),
    }
}

fn status(text: &str) -> Result<ApplicationStatus, StoreError> {
    ApplicationStatus::parse(text)
        .ok_or_else(|| StoreError::Corrupt(format!("application status {text:?}")))
}

/// The answers as stored: the form the application parses back from.
fn answers_text(application: &Application) -> Result<String, StoreError> {
    codec::document("application answers", &application.to_form())
}

/// Parses stored answers back into an application. The round's catalogue may have changed
/// since, so the interests are checked against the application's own choices, and consent
/// (stored apart, with its version and time) is taken as given. `what` names the record in
/// the error: answers that a later, stricter rule refuses are unreadable, never a panic.
pub(crate) fn application_from_answers(what: &str, text: &str) -> Result<Application, StoreError> {
    let mut form: ApplicationForm = codec::from_document(what, text)?;
    form.consent = "on".to_owned();
    let unreadable = |reason: String| StoreError::Unreadable {
        what: what.to_owned(),
        reason,
    };
    let own = InterestCatalogue::new(&form.interests)
        .map_err(|e| unreadable(format!("its areas of interest: {e}")))?;
    Application::parse(&form, &own).map_err(|errors| {
        let words: Vec<String> = errors.iter().map(ToString::to_string).collect();
        unreadable(words.join("; "))
    })
}

pub(crate) fn application_from_row(row: &AnyRow) -> Result<ApplicationRecord, StoreError> {
    let reason: Option<String> = row.try_get("duplicate_reason")?;
    let id = ApplicationId(row.try_get("id")?);
    Ok(ApplicationRecord {
        id,
        round: RoundId(row.try_get("round_id")?),
        user: UserId(row.try_get("user_id")?),
        application: application_from_answers(
            &format!("application {id}'s answers"),
            &row.try_get::<String, _>("answers")?,
        )?,
        status: status(&row.try_get::<String, _>("status")?)?,
        submitted_at: codec::from_ts(row.try_get("submitted_at")?)?,
        updated_at: codec::from_ts(row.try_get("updated_at")?)?,
        decided_at: codec::from_opt_ts(row.try_get("decided_at")?)?,
        decision_message: row.try_get("decision_message")?,
        duplicate_of: row
            .try_get::<Option<i64>, _>("duplicate_of")?
            .map(ApplicationId),
        duplicate_reason: reason.as_deref().map(parse_duplicate_reason).transpose()?,
        duplicate_kept: row
            .try_get::<Option<i64>, _>("duplicate_kept_at")?
            .is_some(),
        carried_from: row
            .try_get::<Option<i64>, _>("carried_from")?
            .map(ApplicationId),
        consent: consent_from_row(row)?,
    })
}

/// The consent stored with an application.
fn consent_from_row(row: &AnyRow) -> Result<Consent, StoreError> {
    let number: i64 = row.try_get("consent_version")?;
    Ok(Consent {
        version: CommitmentsVersion::from_number(number)
            .ok_or_else(|| StoreError::Corrupt(format!("commitments version {number}")))?,
        at: codec::from_ts(row.try_get("consented_at")?)?,
    })
}

/// The columns duplicate detection reads.
const FLAG_COLUMNS: &str = "id, email, full_name, institution, country, status, \
     duplicate_kept_at, duplicate_of, duplicate_reason";

/// `$first, $first+1, …` for `n` values.
fn placeholders(first: usize, n: usize) -> String {
    (first..first + n)
        .map(|k| format!("${k}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Which applications a change of duplicate flags is about: a whole round, or only the
/// neighbourhood of some emails and countries.
enum Near {
    Round,
    /// The applications of these countries (where a name match lives) and of these emails.
    Keys {
        emails: BTreeSet<String>,
        countries: BTreeSet<String>,
    },
}

/// Recomputes duplicate flags inside `tx`, with the domain's `find_duplicates` over the live
/// applications; kept ones are compared (so a new look-alike of a kept application is still
/// flagged) but never flagged themselves. Only flags that change are written.
///
/// For [`Near::Keys`], only the flags that a change of an application with those emails and
/// countries can affect are recomputed: a flag depends on the applications sharing the
/// email and those sharing the name, institution and country, so the rows read are those of
/// the countries involved (with the countries of everyone sharing one of the emails) and
/// everyone sharing an email with them; the flags written are those of the countries
/// involved, whose groups are then complete. One application sent to a round of thousands
/// reads one or two countries, not the round.
async fn refresh_duplicates(tx: &mut Tx, round: RoundId, near: Near) -> Result<(), StoreError> {
    let (rows, writable) = match near {
        Near::Round => {
            let sql =
                format!("SELECT {FLAG_COLUMNS} FROM applications WHERE round_id = $1 ORDER BY id");
            let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
                .bind(round.0)
                .fetch_all(tx.conn())
                .await?;
            (rows, None)
        }
        Near::Keys {
            emails,
            mut countries,
        } => {
            if !emails.is_empty() {
                let sql = format!(
                    "SELECT DISTINCT country FROM applications WHERE round_id = $1 \
                     AND email IN ({})",
                    placeholders(2, emails.len())
                );
                let mut query = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(round.0);
                for email in &emails {
                    query = query.bind(email.as_str());
                }
                for row in query.fetch_all(tx.conn()).await? {
                    countries.insert(row.try_get("country")?);
                }
            }
            if countries.is_empty() {
                return Ok(());
            }
            let listed = placeholders(2, countries.len());
            let sql = format!(
                "SELECT {FLAG_COLUMNS} FROM applications WHERE round_id = $1 \
                 AND (country IN ({listed}) OR email IN (SELECT email FROM applications \
                 WHERE round_id = $1 AND country IN ({listed}))) ORDER BY id"
            );
            let mut query = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(round.0);
            for country in &countries {
                query = query.bind(country.as_str());
            }
            let rows = query.fetch_all(tx.conn()).await?;
            (rows, Some(countries))
        }
    };
    let mut ids = Vec::new();
    let mut kept = Vec::new();
    let mut identities = Vec::new();
    // The flags as stored, of the rows this call may write.
    let mut stored: BTreeMap<i64, (i64, String)> = BTreeMap::new();
    let mut may_write: BTreeSet<i64> = BTreeSet::new();
    for row in &rows {
        let id: i64 = row.try_get("id")?;
        let country: String = row.try_get("country")?;
        if writable.as_ref().is_none_or(|c| c.contains(&country)) {
            may_write.insert(id);
            if let (Some(first), Some(reason)) = (
                row.try_get::<Option<i64>, _>("duplicate_of")?,
                row.try_get::<Option<String>, _>("duplicate_reason")?,
            ) {
                stored.insert(id, (first, reason));
            }
        }
        if !status(&row.try_get::<String, _>("status")?)?.is_live() {
            continue;
        }
        ids.push(id);
        kept.push(
            row.try_get::<Option<i64>, _>("duplicate_kept_at")?
                .is_some(),
        );
        identities.push(Identity {
            email: row.try_get("email")?,
            name: row.try_get("full_name")?,
            institution: row.try_get("institution")?,
            country: codec::country(&country)?,
        });
    }
    let mut flags: BTreeMap<i64, (i64, DuplicateReason)> = BTreeMap::new();
    for group in find_duplicates(&identities) {
        let Some(&first) = group.members.first() else {
            continue;
        };
        for &member in &group.members {
            if !kept[member] && may_write.contains(&ids[member]) {
                flags
                    .entry(ids[member])
                    .or_insert((ids[first], group.reason));
            }
        }
    }
    for (id, (first, reason)) in &flags {
        let reason = duplicate_reason_str(*reason);
        if stored.remove(id).as_ref() != Some(&(*first, reason.to_owned())) {
            tx.exec(
                sqlx::query(
                    "UPDATE applications SET duplicate_of = $1, duplicate_reason = $2 \
                     WHERE id = $3",
                )
                .bind(*first)
                .bind(reason)
                .bind(*id),
            )
            .await?;
        }
    }
    // What is left was flagged and no longer is.
    for id in stored.keys() {
        tx.exec(
            sqlx::query(
                "UPDATE applications SET duplicate_of = NULL, duplicate_reason = NULL \
                 WHERE id = $1",
            )
            .bind(*id),
        )
        .await?;
    }
    Ok(())
}

/// What an application's duplicate flags depend on, read inside `tx`: its round, email,
/// country, and whether it is live.
struct FlagKeys {
    round: RoundId,
    email: String,
    country: String,
    live: bool,
}

async fn keys_of(tx: &mut Tx, id: ApplicationId) -> Result<FlagKeys, StoreError> {
    let row =
        sqlx::query("SELECT round_id, email, country, status FROM applications WHERE id = $1")
            .bind(id.0)
            .fetch_optional(tx.conn())
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("application {id}")))?;
    Ok(FlagKeys {
        round: RoundId(row.try_get("round_id")?),
        email: row.try_get("email")?,
        country: row.try_get("country")?,
        live: status(&row.try_get::<String, _>("status")?)?.is_live(),
    })
}

/// Whether a change can move duplicate flags: answers and keeping always can, a status only
/// when the application starts or stops taking part (approving a submitted one cannot).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Reflag {
    Always,
    IfLivenessChanges,
}

impl Tx {
    /// Runs one update of an application and recomputes its round's duplicate flags; an
    /// application that does not exist is [`StoreError::NotFound`].
    async fn change_application(
        &mut self,
        id: ApplicationId,
        reflag: Reflag,
        statement: sqlx::query::Query<'_, sqlx::Any, sqlx::any::AnyArguments>,
    ) -> Result<(), StoreError> {
        let before = keys_of(self, id).await?;
        self.exec(statement).await?;
        let after = keys_of(self, id).await?;
        if reflag == Reflag::Always || before.live != after.live {
            let near = Near::Keys {
                emails: BTreeSet::from([before.email, after.email]),
                countries: BTreeSet::from([before.country, after.country]),
            };
            refresh_duplicates(self, after.round, near).await?;
        }
        Ok(())
    }

    /// Adds an application to a round, with the consent given to the commitments of
    /// `consent` (their version) at `now`, and updates the round's duplicate flags. A second
    /// application of the same account to the same round is a [`StoreError::Conflict`].
    pub async fn submit_application(
        &mut self,
        round: RoundId,
        user: UserId,
        application: &Application,
        consent: Consent,
        now: Timestamp,
    ) -> Result<ApplicationId, StoreError> {
        let id = insert_application(
            self,
            round,
            user,
            application,
            InsertTimes {
                submitted: now,
                now,
                consent,
            },
            None,
        )
        .await?;
        let near = Near::Keys {
            emails: BTreeSet::from([application.email.as_str().to_owned()]),
            countries: BTreeSet::from([application.country.as_str().to_owned()]),
        };
        refresh_duplicates(self, round, near).await?;
        Ok(id)
    }

    /// Inserts an imported application without checking duplicates: an import inserts a
    /// whole file, then calls [`Tx::refresh_round_duplicates`] once, instead of once a row.
    pub async fn import_application(
        &mut self,
        round: RoundId,
        user: UserId,
        application: &Application,
        consent: Consent,
        now: Timestamp,
    ) -> Result<ApplicationId, StoreError> {
        insert_application(
            self,
            round,
            user,
            application,
            InsertTimes {
                submitted: now,
                now,
                consent,
            },
            None,
        )
        .await
    }

    /// Recomputes the duplicate flags of the whole round.
    pub async fn refresh_round_duplicates(&mut self, round: RoundId) -> Result<(), StoreError> {
        refresh_duplicates(self, round, Near::Round).await
    }

    /// Replaces an application's answers, with the consent given when they were sent again,
    /// and updates the round's duplicate flags.
    pub async fn update_application(
        &mut self,
        id: ApplicationId,
        application: &Application,
        consent: Consent,
        now: Timestamp,
    ) -> Result<(), StoreError> {
        self.change_application(
            id,
            Reflag::Always,
            sqlx::query(
                "UPDATE applications SET answers = $1, email = $2, full_name = $3, \
                 institution = $4, country = $5, sector = $6, updated_at = $7, \
                 consent_version = $8, consented_at = $9 WHERE id = $10",
            )
            .bind(answers_text(application)?)
            .bind(application.email.as_str())
            .bind(application.name.as_str())
            .bind(application.institution.as_str())
            .bind(application.country.as_str())
            .bind(application.sector.as_str())
            .bind(codec::ts(now))
            .bind(i64::from(consent.version.number()))
            .bind(codec::ts(consent.at))
            .bind(id.0),
        )
        .await
    }

    /// Sets an application's status, with the optional message sent with a decision, and
    /// updates the round's duplicate flags (a withdrawn application is no longer compared).
    /// Whether the change is allowed is the domain's rule
    /// ([`ApplicationStatus::change`]); the store only persists it.
    pub async fn set_application_status(
        &mut self,
        id: ApplicationId,
        status: ApplicationStatus,
        message: Option<&str>,
        now: Timestamp,
    ) -> Result<(), StoreError> {
        let decided = status.is_decided();
        self.change_application(
            id,
            Reflag::IfLivenessChanges,
            sqlx::query(
                "UPDATE applications SET status = $1, updated_at = $2, \
                 decided_at = CASE WHEN $3 = 1 THEN $2 ELSE decided_at END, \
                 decision_message = CASE WHEN $3 = 1 THEN $4 ELSE decision_message END \
                 WHERE id = $5",
            )
            .bind(status.as_str())
            .bind(codec::ts(now))
            .bind(i64::from(decided))
            .bind(message.map(str::trim).filter(|m| !m.is_empty()))
            .bind(id.0),
        )
        .await
    }

    /// A coordinator keeps an application despite its duplicate flag: it is never flagged
    /// again, and the rest of its group is re-examined without it.
    pub async fn keep_duplicate(
        &mut self,
        id: ApplicationId,
        now: Timestamp,
    ) -> Result<(), StoreError> {
        self.change_application(
            id,
            Reflag::Always,
            sqlx::query("UPDATE applications SET duplicate_kept_at = $1 WHERE id = $2")
                .bind(codec::ts(now))
                .bind(id.0),
        )
        .await
    }

    /// Applies the country cap to a round's live applications, in order of arrival (a
    /// carried-over application keeps its first submission time, so it comes first), and
    /// defers those beyond it. Returns the deferred applications' ids.
    pub async fn apply_country_cap(
        &mut self,
        round: RoundId,
        cap: CountryCap,
        now: Timestamp,
    ) -> Result<Vec<ApplicationId>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, country, status FROM applications WHERE round_id = $1 \
             ORDER BY submitted_at, id",
        )
        .bind(round.0)
        .fetch_all(self.conn())
        .await?;
        let mut ids = Vec::new();
        let mut countries: Vec<CountryCode> = Vec::new();
        for row in &rows {
            if status(&row.try_get::<String, _>("status")?)?.is_live() {
                ids.push(ApplicationId(row.try_get("id")?));
                countries.push(codec::country(&row.try_get::<String, _>("country")?)?);
            }
        }
        let deferred: Vec<ApplicationId> = country_cap_deferrals(&countries, cap)
            .into_iter()
            .map(|n| ids[n])
            .collect();
        for id in &deferred {
            self.exec(
                sqlx::query(
                    "UPDATE applications SET status = $1, updated_at = $2, decided_at = $2 \
                     WHERE id = $3",
                )
                .bind(ApplicationStatus::Deferred.as_str())
                .bind(codec::ts(now))
                .bind(id.0),
            )
            .await?;
        }
        refresh_duplicates(self, round, Near::Round).await?;
        Ok(deferred)
    }

    /// Copies every deferred application of other rounds that was not carried over yet into
    /// `into`, as submitted, keeping its first submission time and its consent; a person who
    /// has already applied to `into` is skipped. Returns the new applications' ids.
    pub async fn carry_over_deferred(
        &mut self,
        into: RoundId,
        now: Timestamp,
    ) -> Result<Vec<ApplicationId>, StoreError> {
        let rows = sqlx::query(
            "SELECT a.id, a.user_id, a.answers, a.submitted_at, a.consent_version, \
             a.consented_at FROM applications a \
             WHERE a.status = $1 AND a.round_id <> $2 \
             AND NOT EXISTS (SELECT 1 FROM applications c WHERE c.carried_from = a.id) \
             AND NOT EXISTS (SELECT 1 FROM applications o \
                             WHERE o.round_id = $2 AND o.user_id = a.user_id) \
             ORDER BY a.submitted_at, a.id",
        )
        .bind(ApplicationStatus::Deferred.as_str())
        .bind(into.0)
        .fetch_all(self.conn())
        .await?;
        let mut created = Vec::new();
        for row in &rows {
            let from = ApplicationId(row.try_get("id")?);
            let user = UserId(row.try_get("user_id")?);
            // Deferred in two rounds at once is possible; the earliest is carried, once.
            if created.iter().any(|(u, _)| *u == user) {
                continue;
            }
            let application = application_from_answers(
                &format!("application {from}'s answers"),
                &row.try_get::<String, _>("answers")?,
            )?;
            let submitted = codec::from_ts(row.try_get("submitted_at")?)?;
            let consent = consent_from_row(row)?;
            let id = insert_application(
                self,
                into,
                user,
                &application,
                InsertTimes {
                    submitted,
                    now,
                    consent,
                },
                Some(from),
            )
            .await?;
            created.push((user, id));
        }
        refresh_duplicates(self, into, Near::Round).await?;
        Ok(created.into_iter().map(|(_, id)| id).collect())
    }

    /// Adds a note that came with an imported row (its left-over columns); written by the
    /// importing admin, or by no one when the operator imported at the command line.
    pub async fn add_import_note(
        &mut self,
        id: ApplicationId,
        author: Option<UserId>,
        body: &str,
        now: Timestamp,
    ) -> Result<(), StoreError> {
        self.exec(
            sqlx::query(
                "INSERT INTO application_notes (application_id, author_id, endorsement, body, \
                 created_at) VALUES ($1, $2, 0, $3, $4)",
            )
            .bind(id.0)
            .bind(author.map(|a| a.0))
            .bind(body)
            .bind(codec::ts(now)),
        )
        .await?;
        Ok(())
    }

    /// Adds a coordinator's note (or endorsement) to an application.
    pub async fn add_application_note(
        &mut self,
        id: ApplicationId,
        author: UserId,
        endorsement: bool,
        body: &str,
        now: Timestamp,
    ) -> Result<(), StoreError> {
        self.exec(
            sqlx::query(
                "INSERT INTO application_notes (application_id, author_id, endorsement, body, \
                 created_at) VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(id.0)
            .bind(author.0)
            .bind(i64::from(endorsement))
            .bind(body)
            .bind(codec::ts(now)),
        )
        .await?;
        Ok(())
    }

    /// The application with this id, read inside the transaction.
    pub async fn application(
        &mut self,
        id: ApplicationId,
    ) -> Result<Option<ApplicationRecord>, StoreError> {
        let sql = format!("SELECT {APPLICATION_COLUMNS} FROM applications WHERE id = $1");
        let row = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(id.0)
            .fetch_optional(self.conn())
            .await?;
        row.as_ref().map(application_from_row).transpose()
    }

    /// This person's application to this round, read inside the transaction.
    pub async fn application_of(
        &mut self,
        round: RoundId,
        user: UserId,
    ) -> Result<Option<ApplicationRecord>, StoreError> {
        let sql = format!(
            "SELECT {APPLICATION_COLUMNS} FROM applications WHERE round_id = $1 AND user_id = $2"
        );
        let row = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(round.0)
            .bind(user.0)
            .fetch_optional(self.conn())
            .await?;
        row.as_ref().map(application_from_row).transpose()
    }
}

impl Store {
    /// [`Tx::submit_application`] in a transaction of its own, consenting to the current
    /// commitments at `now` (the demo and tests; people apply through the application layer).
    pub async fn submit_application(
        &self,
        round: RoundId,
        user: UserId,
        application: &Application,
        now: Timestamp,
    ) -> Result<ApplicationId, StoreError> {
        let mut tx = self.begin().await?;
        let id = tx
            .submit_application(round, user, application, Consent::current(now), now)
            .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// [`Tx::update_application`] in a transaction of its own, consenting to the current
    /// commitments at `now`.
    pub async fn update_application(
        &self,
        id: ApplicationId,
        application: &Application,
        now: Timestamp,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin().await?;
        tx.update_application(id, application, Consent::current(now), now)
            .await?;
        tx.commit().await
    }

    /// [`Tx::set_application_status`] in a transaction of its own.
    pub async fn set_application_status(
        &self,
        id: ApplicationId,
        status: ApplicationStatus,
        message: Option<&str>,
        now: Timestamp,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin().await?;
        tx.set_application_status(id, status, message, now).await?;
        tx.commit().await
    }

    /// [`Tx::keep_duplicate`] in a transaction of its own.
    pub async fn keep_duplicate(
        &self,
        id: ApplicationId,
        now: Timestamp,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin().await?;
        tx.keep_duplicate(id, now).await?;
        tx.commit().await
    }

    /// [`Tx::apply_country_cap`] in a transaction of its own.
    pub async fn apply_country_cap(
        &self,
        round: RoundId,
        cap: CountryCap,
        now: Timestamp,
    ) -> Result<Vec<ApplicationId>, StoreError> {
        let mut tx = self.begin().await?;
        let deferred = tx.apply_country_cap(round, cap, now).await?;
        tx.commit().await?;
        Ok(deferred)
    }

    /// [`Tx::carry_over_deferred`] in a transaction of its own.
    pub async fn carry_over_deferred(
        &self,
        into: RoundId,
        now: Timestamp,
    ) -> Result<Vec<ApplicationId>, StoreError> {
        let mut tx = self.begin().await?;
        let created = tx.carry_over_deferred(into, now).await?;
        tx.commit().await?;
        Ok(created)
    }

    /// [`Tx::add_application_note`] in a transaction of its own.
    pub async fn add_application_note(
        &self,
        id: ApplicationId,
        author: UserId,
        endorsement: bool,
        body: &str,
        now: Timestamp,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin().await?;
        tx.add_application_note(id, author, endorsement, body, now)
            .await?;
        tx.commit().await
    }

    /// The application with this id, whatever its country: callers that serve a scoped
    /// reader must check the country (or use [`Store::application_in_scope`]).
    pub async fn application(
        &self,
        id: ApplicationId,
    ) -> Result<Option<ApplicationRecord>, StoreError> {
        self.application_in_scope(id, &PeopleScope::All).await
    }

    /// The application with this id if the scope covers its country; None otherwise, exactly
    /// as for one that does not exist.
    pub async fn application_in_scope(
        &self,
        id: ApplicationId,
        scope: &PeopleScope,
    ) -> Result<Option<ApplicationRecord>, StoreError> {
        let Some((filter, codes)) = scope_filter(scope, 2) else {
            return Ok(None);
        };
        let sql =
            format!("SELECT {APPLICATION_COLUMNS} FROM applications WHERE id = $1 AND {filter}");
        let mut query = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(id.0);
        for code in codes {
            query = query.bind(code);
        }
        let row = query.fetch_optional(&self.pool).await?;
        row.as_ref().map(application_from_row).transpose()
    }

    /// The applications a WHERE clause (and its ORDER BY) picks; `ids` are bound to `$1`,
    /// `$2`, … in order. Only our own constant clauses are formatted into the SQL.
    pub(crate) async fn select_applications(
        &self,
        clause: &str,
        ids: &[i64],
    ) -> Result<Vec<ApplicationRecord>, StoreError> {
        let sql = format!("SELECT {APPLICATION_COLUMNS} FROM applications WHERE {clause}");
        let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
        for id in ids {
            query = query.bind(*id);
        }
        let rows = query.fetch_all(&self.pool).await?;
        rows.iter().map(application_from_row).collect()
    }

    /// This person's application to this round, if any.
    pub async fn application_of(
        &self,
        round: RoundId,
        user: UserId,
    ) -> Result<Option<ApplicationRecord>, StoreError> {
        let found = self
            .select_applications("round_id = $1 AND user_id = $2", &[round.0, user.0])
            .await?;
        Ok(found.into_iter().next())
    }

    /// This person's most recent application to any round, to fill in the next form.
    pub async fn latest_application_of(
        &self,
        user: UserId,
    ) -> Result<Option<ApplicationRecord>, StoreError> {
        let found = self
            .select_applications(
                "user_id = $1 ORDER BY updated_at DESC, id DESC LIMIT 1",
                &[user.0],
            )
            .await?;
        Ok(found.into_iter().next())
    }

    /// Every application of this person, newest first, for their dashboard.
    pub async fn applications_of_user(
        &self,
        user: UserId,
    ) -> Result<Vec<ApplicationRecord>, StoreError> {
        self.select_applications("user_id = $1 ORDER BY id DESC", &[user.0])
            .await
    }

    /// A round's applications that pass the filter, by country and then in order of arrival.
    /// One that this release cannot read fails the list ([`Store::application_listing`] sets
    /// it apart instead).
    pub async fn applications(
        &self,
        round: RoundId,
        filter: &ApplicationFilter,
    ) -> Result<Vec<ApplicationRecord>, StoreError> {
        let rows = self.application_rows(round, filter).await?;
        rows.iter().map(application_from_row).collect()
    }

    /// [`Store::applications`] with the applications this release cannot read set apart, for
    /// the pages that list them.
    pub async fn application_listing(
        &self,
        round: RoundId,
        filter: &ApplicationFilter,
    ) -> Result<Listing<ApplicationRecord>, StoreError> {
        let rows = self.application_rows(round, filter).await?;
        codec::listing(&rows, application_from_row)
    }

    async fn application_rows(
        &self,
        round: RoundId,
        filter: &ApplicationFilter,
    ) -> Result<Vec<AnyRow>, StoreError> {
        // Placeholders: $1 round, $2 status, $3 sector, then the scope's countries.
        let Some((scope, codes)) = scope_filter(&filter.scope, 4) else {
            return Ok(Vec::new());
        };
        let duplicates = if filter.duplicates_only {
            "AND duplicate_of IS NOT NULL"
        } else {
            ""
        };
        let sql = format!(
            "SELECT {APPLICATION_COLUMNS} FROM applications WHERE round_id = $1 \
             AND ($2 = '' OR status = $2) AND ($3 = '' OR sector = $3) {duplicates} \
             AND {scope} ORDER BY country, submitted_at, id"
        );
        let mut query = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(round.0)
            .bind(filter.status.map_or("", ApplicationStatus::as_str))
            .bind(filter.sector.map_or("", Sector::as_str));
        for code in codes {
            query = query.bind(code);
        }
        Ok(query.fetch_all(&self.pool).await?)
    }

    /// How many applications of a round in scope have each status.
    pub async fn count_applications_by_status(
        &self,
        round: RoundId,
        scope: &PeopleScope,
    ) -> Result<Vec<(ApplicationStatus, i64)>, StoreError> {
        let Some((filter, codes)) = scope_filter(scope, 2) else {
            return Ok(Vec::new());
        };
        let sql = format!(
            "SELECT status, COUNT(*) AS n FROM applications WHERE round_id = $1 AND {filter} \
             GROUP BY status"
        );
        let mut query = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(round.0);
        for code in codes {
            query = query.bind(code);
        }
        let rows = query.fetch_all(&self.pool).await?;
        let mut counts: Vec<(ApplicationStatus, i64)> = rows
            .iter()
            .map(|row| {
                Ok((
                    status(&row.try_get::<String, _>("status")?)?,
                    row.try_get("n")?,
                ))
            })
            .collect::<Result<_, StoreError>>()?;
        counts.sort();
        Ok(counts)
    }

    /// An application's notes, oldest first, with their authors' names.
    pub async fn application_notes(
        &self,
        id: ApplicationId,
    ) -> Result<Vec<ApplicationNote>, StoreError> {
        let rows = sqlx::query(
            "SELECT n.id, n.application_id, n.author_id, u.display_name, n.endorsement, n.body, \
             n.created_at FROM application_notes n LEFT JOIN users u ON u.id = n.author_id \
             WHERE n.application_id = $1 ORDER BY n.id",
        )
        .bind(id.0)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| {
                Ok(ApplicationNote {
                    id: row.try_get("id")?,
                    application: ApplicationId(row.try_get("application_id")?),
                    author: row.try_get::<Option<i64>, _>("author_id")?.map(UserId),
                    author_name: row.try_get("display_name")?,
                    endorsement: row.try_get::<i64, _>("endorsement")? == 1,
                    body: row.try_get("body")?,
                    created_at: codec::from_ts(row.try_get("created_at")?)?,
                })
            })
            .collect()
    }

    /// The ids of a round's applications that at least one coordinator endorsed.
    pub async fn endorsed_applications(
        &self,
        round: RoundId,
    ) -> Result<Vec<ApplicationId>, StoreError> {
        let rows = sqlx::query(
            "SELECT DISTINCT n.application_id FROM application_notes n \
             JOIN applications a ON a.id = n.application_id \
             WHERE a.round_id = $1 AND n.endorsement = 1 ORDER BY n.application_id",
        )
        .bind(round.0)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| Ok(ApplicationId(row.try_get("application_id")?)))
            .collect()
    }
}

/// The times of a new application: when it was first submitted (a carried-over one keeps
/// its first), now, and the consent it carries.
struct InsertTimes {
    submitted: Timestamp,
    now: Timestamp,
    consent: Consent,
}

/// Inserts one application inside `tx`.
async fn insert_application(
    tx: &mut Tx,
    round: RoundId,
    user: UserId,
    application: &Application,
    times: InsertTimes,
    carried_from: Option<ApplicationId>,
) -> Result<ApplicationId, StoreError> {
    let id = tx
        .insert_returning_id(
            sqlx::query(
                "INSERT INTO applications (round_id, user_id, answers, email, full_name, \
                 institution, country, sector, status, submitted_at, updated_at, carried_from, \
                 consent_version, consented_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) RETURNING id",
            )
            .bind(round.0)
            .bind(user.0)
            .bind(answers_text(application)?)
            .bind(application.email.as_str())
            .bind(application.name.as_str())
            .bind(application.institution.as_str())
            .bind(application.country.as_str())
            .bind(application.sector.as_str())
            .bind(ApplicationStatus::Submitted.as_str())
            .bind(codec::ts(times.submitted))
            .bind(codec::ts(times.now))
            .bind(carried_from.map(|id| id.0))
            .bind(i64::from(times.consent.version.number()))
            .bind(codec::ts(times.consent.at)),
        )
        .await?;
    Ok(ApplicationId(id))
}

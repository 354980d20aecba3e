//! Participant profiles, always read through a [`PeopleScope`] so a country coordinator's
//! queries cannot return people of other countries.

use iln_domain::country::CountryCode;
use jiff::Timestamp;
use sqlx::Row;
use sqlx::any::AnyRow;

use crate::codec;
use crate::{NewPerson, PeopleScope, Person, PersonId, Store, StoreError, Tx, UserId};

const PERSON_COLUMNS: &str = "id, user_id, full_name, email, country, city, institution, sector, \
     career_stage, time_zone, languages, interests, created_at";

fn person_from_row(row: &AnyRow) -> Result<Person, StoreError> {
    Ok(Person {
        id: PersonId(row.try_get("id")?),
        user: row.try_get::<Option<i64>, _>("user_id")?.map(UserId),
        full_name: row.try_get("full_name")?,
        email: codec::email(&row.try_get::<String, _>("email")?)?,
        country: codec::country(&row.try_get::<String, _>("country")?)?,
        city: row.try_get("city")?,
        institution: row.try_get("institution")?,
        sector: codec::sector(&row.try_get::<String, _>("sector")?)?,
        career_stage: codec::career_stage(&row.try_get::<String, _>("career_stage")?)?,
        time_zone: codec::time_zone(&row.try_get::<String, _>("time_zone")?)?,
        languages: codec::from_string_list(&row.try_get::<String, _>("languages")?)?,
        interests: codec::from_string_list(&row.try_get::<String, _>("interests")?)?,
        created_at: codec::from_ts(row.try_get("created_at")?)?,
    })
}

/// A WHERE clause for the scope whose placeholders start at `$first`, and the values to
/// bind to them. Only placeholder numbers are formatted into the SQL; the codes are bound.
/// None means the scope is empty and the query can be skipped.
pub(crate) fn scope_filter(
    scope: &PeopleScope,
    first: usize,
) -> Option<(String, Vec<&'static str>)> {
    match scope {
        PeopleScope::All => Some(("1 = 1".to_owned(), Vec::new())),
        PeopleScope::Countries(countries) => {
            let mut codes: Vec<CountryCode> = countries.clone();
            codes.sort();
            codes.dedup();
            if codes.is_empty() {
                return None;
            }
            let placeholders: Vec<String> = (first..first + codes.len())
                .map(|n| format!("${n}"))
                .collect();
            Some((
                format!("country IN ({})", placeholders.join(", ")),
                codes.into_iter().map(CountryCode::as_str).collect(),
            ))
        }
    }
}

impl Tx {
    /// Adds a participant profile.
    pub async fn create_person(
        &mut self,
        person: &NewPerson,
        now: Timestamp,
    ) -> Result<PersonId, StoreError> {
        let languages = codec::string_list(&person.languages)?;
        let interests = codec::string_list(&person.interests)?;
        let id = self
            .insert_returning_id(
                sqlx::query(
                    "INSERT INTO people (user_id, full_name, email, country, city, institution, \
                     sector, career_stage, time_zone, languages, interests, created_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id",
                )
                .bind(person.user.map(|user| user.0))
                .bind(person.full_name.as_str())
                .bind(person.email.as_str())
                .bind(person.country.as_str())
                .bind(person.city.as_str())
                .bind(person.institution.as_str())
                .bind(person.sector.as_str())
                .bind(person.career_stage.as_str())
                .bind(person.time_zone.as_str())
                .bind(languages)
                .bind(interests)
                .bind(codec::ts(now)),
            )
            .await?;
        Ok(PersonId(id))
    }

    /// Makes `person` the profile of its account: the account's profile is replaced with
    /// these details, or created when it has none. The profile is the one place a person's
    /// details live, so every application they send or edit passes through here.
    pub async fn save_profile(
        &mut self,
        user: UserId,
        person: &NewPerson,
        now: Timestamp,
    ) -> Result<PersonId, StoreError> {
        let languages = codec::string_list(&person.languages)?;
        let interests = codec::string_list(&person.interests)?;
        // One statement, so two first applications of one account at once cannot both insert.
        let id = self
            .insert_returning_id(
                sqlx::query(
                    "INSERT INTO people (user_id, full_name, email, country, city, institution, \
                     sector, career_stage, time_zone, languages, interests, created_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) \
                     ON CONFLICT (user_id) DO UPDATE SET full_name = excluded.full_name, \
                     email = excluded.email, country = excluded.country, city = excluded.city, \
                     institution = excluded.institution, sector = excluded.sector, \
                     career_stage = excluded.career_stage, time_zone = excluded.time_zone, \
                     languages = excluded.languages, interests = excluded.interests \
                     RETURNING id",
                )
                .bind(user.0)
                .bind(person.full_name.as_str())
                .bind(person.email.as_str())
                .bind(person.country.as_str())
                .bind(person.city.as_str())
                .bind(person.institution.as_str())
                .bind(person.sector.as_str())
                .bind(person.career_stage.as_str())
                .bind(person.time_zone.as_str())
                .bind(languages)
                .bind(interests)
                .bind(codec::ts(now)),
            )
            .await?;
        Ok(PersonId(id))
    }
}

impl Store {
    /// [`Tx::create_person`] in a transaction of its own.
    pub async fn create_person(
        &self,
        person: &NewPerson,
        now: Timestamp,
    ) -> Result<PersonId, StoreError> {
        let mut tx = self.begin().await?;
        let id = tx.create_person(person, now).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// The profile with this id, whatever its country: callers that serve a scoped reader
    /// must check the country (or use [`Store::person_in_scope`]).
    pub async fn person(&self, id: PersonId) -> Result<Option<Person>, StoreError> {
        let sql = format!("SELECT {PERSON_COLUMNS} FROM people WHERE id = $1");
        let row = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(id.0)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(person_from_row).transpose()
    }

    /// The profile with this id if the scope covers its country; None otherwise, exactly as
    /// for a profile that does not exist.
    pub async fn person_in_scope(
        &self,
        id: PersonId,
        scope: &PeopleScope,
    ) -> Result<Option<Person>, StoreError> {
        let Some((filter, codes)) = scope_filter(scope, 2) else {
            return Ok(None);
        };
        let sql = format!("SELECT {PERSON_COLUMNS} FROM people WHERE id = $1 AND {filter}");
        let mut query = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(id.0);
        for code in codes {
            query = query.bind(code);
        }
        let row = query.fetch_optional(&self.pool).await?;
        row.as_ref().map(person_from_row).transpose()
    }

    /// The profile linked to this account, if any.
    pub async fn person_for_user(&self, user: UserId) -> Result<Option<Person>, StoreError> {
        let sql = format!("SELECT {PERSON_COLUMNS} FROM people WHERE user_id = $1");
        let row = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(user.0)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(person_from_row).transpose()
    }

    /// A page of the profiles in scope, by country and then in the order they were added.
    pub async fn list_people(
        &self,
        scope: &PeopleScope,
        limit: i64,
        offset: i64,
    ) -> Result<Vec<Person>, StoreError> {
        let Some((filter, codes)) = scope_filter(scope, 3) else {
            return Ok(Vec::new());
        };
        let sql = format!(
            "SELECT {PERSON_COLUMNS} FROM people WHERE {filter} \
             ORDER BY country, id LIMIT $1 OFFSET $2"
        );
        let mut query = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(limit.max(0))
            .bind(offset.max(0));
        for code in codes {
            query = query.bind(code);
        }
        let rows = query.fetch_all(&self.pool).await?;
        rows.iter().map(person_from_row).collect()
    }

    /// How many profiles are in scope.
    pub async fn count_people(&self, scope: &PeopleScope) -> Result<i64, StoreError> {
        let Some((filter, codes)) = scope_filter(scope, 1) else {
            return Ok(0);
        };
        let sql = format!("SELECT COUNT(*) AS n FROM people WHERE {filter}");
        let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
        for code in codes {
            query = query.bind(code);
        }
        let row = query.fetch_one(&self.pool).await?;
        Ok(row.try_get("n")?)
    }

    /// How many profiles each country in scope has, largest first (ties by code).
    pub async fn count_people_by_country(
        &self,
        scope: &PeopleScope,
    ) -> Result<Vec<(CountryCode, i64)>, StoreError> {
        let Some((filter, codes)) = scope_filter(scope, 1) else {
            return Ok(Vec::new());
        };
        let sql = format!(
            "SELECT country, COUNT(*) AS n FROM people WHERE {filter} \
             GROUP BY country ORDER BY n DESC, country"
        );
        let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
        for code in codes {
            query = query.bind(code);
        }
        let rows = query.fetch_all(&self.pool).await?;
        rows.iter()
            .map(|row| {
                Ok((
                    codec::country(&row.try_get::<String, _>("country")?)?,
                    row.try_get("n")?,
                ))
            })
            .collect()
    }
}

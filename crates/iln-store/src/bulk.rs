//! Many rows in few statements: multi-row `INSERT … VALUES (…), (…)` in chunks, and new ids
//! taken ahead of the rows that need them. Publishing a 10,000-person round writes 5,000
//! partnerships, 10,000 members and 10,000 emails in one transaction; a statement per row
//! would spend most of that time in round trips and statement overhead.

use sqlx::Row;

use crate::{Backend, StoreError, Tx};

/// The most bind parameters one statement carries, far under SQLite's limit (32,766 since
/// 3.32) and PostgreSQL's (65,535). Kept small on purpose: sqlx's SQLite driver looks up
/// each numbered parameter's name by index, a linear scan in SQLite, so binding costs grow
/// with the square of a statement's parameters; with 30,000 that lookup took over half of
/// publishing a 10,000-person round (docs/benchmarks.md, "Publishing").
const MAX_BINDS: usize = 1_000;
/// The most rows one statement carries, so no single statement grows without bound.
const MAX_ROWS: usize = 1_000;

/// How many rows of `columns` values one INSERT carries.
pub(crate) fn rows_per_statement(columns: usize) -> usize {
    (MAX_BINDS / columns.max(1)).clamp(1, MAX_ROWS)
}

/// The `VALUES` list of `rows` rows of `columns` numbered placeholders each:
/// `($1, $2), ($3, $4)`. Only placeholders go into the text; every value is bound.
pub(crate) fn values(rows: usize, columns: usize) -> String {
    let mut text = String::with_capacity(rows * columns * 6);
    let mut n = 0;
    for row in 0..rows {
        if row > 0 {
            text.push_str(", ");
        }
        text.push('(');
        for column in 0..columns {
            if column > 0 {
                text.push_str(", ");
            }
            n += 1;
            text.push('$');
            text.push_str(&n.to_string());
        }
        text.push(')');
    }
    text
}

impl Tx {
    /// Takes `count` new ids for rows of `table` (whose `id` the database numbers), so that
    /// rows inserted many to a statement can be referred to before the database returns
    /// anything: the order `RETURNING` gives rows back in is not promised by either engine.
    ///
    /// On PostgreSQL the ids come from the column's own sequence (the rows must then be
    /// inserted with `OVERRIDING SYSTEM VALUE`). On SQLite this transaction holds the write
    /// lock (`BEGIN IMMEDIATE`), so the next ids after the highest ever handed out (the
    /// AUTOINCREMENT counter, which inserting them moves on) are ours alone.
    pub(crate) async fn take_ids(
        &mut self,
        table: &'static str,
        count: usize,
    ) -> Result<Vec<i64>, StoreError> {
        if count == 0 {
            return Ok(Vec::new());
        }
        let count = i64::try_from(count)
            .map_err(|_| StoreError::Conflict(format!("{count} rows at once")))?;
        match self.backend() {
            Backend::Sqlite => {
                let sql = format!(
                    "SELECT MAX(COALESCE((SELECT seq FROM sqlite_sequence WHERE name = $1), 0), \
                     COALESCE((SELECT MAX(id) FROM {table}), 0)) AS last"
                );
                let row = sqlx::query(sqlx::AssertSqlSafe(sql))
                    .bind(table)
                    .fetch_one(self.conn())
                    .await?;
                let last: i64 = row.try_get("last")?;
                Ok((1..=count).map(|n| last + n).collect())
            }
            Backend::Postgres => {
                let rows = sqlx::query(
                    "SELECT nextval(pg_get_serial_sequence($1, 'id')) AS id \
                     FROM generate_series(1, $2)",
                )
                .bind(table)
                .bind(count)
                .fetch_all(self.conn())
                .await?;
                rows.iter()
                    .map(|row| Ok(row.try_get::<i64, _>("id")?))
                    .collect()
            }
        }
    }

    /// `INSERT INTO` for rows whose ids come from [`Tx::take_ids`]: PostgreSQL refuses an id
    /// for an identity column unless told that the caller chose it.
    pub(crate) fn insert_with_ids(&self, table: &str, columns: &str) -> String {
        match self.backend() {
            Backend::Sqlite => format!("INSERT INTO {table} ({columns}) VALUES "),
            Backend::Postgres => {
                format!("INSERT INTO {table} ({columns}) OVERRIDING SYSTEM VALUE VALUES ")
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_numbered_across_rows() {
        assert_eq!(values(2, 3), "($1, $2, $3), ($4, $5, $6)");
        assert_eq!(values(1, 1), "($1)");
    }

    #[test]
    fn a_statement_stays_under_the_bind_limit() {
        assert_eq!(rows_per_statement(7), 142);
        assert_eq!(rows_per_statement(100), 10);
        assert!(rows_per_statement(100_000) >= 1);
    }
}

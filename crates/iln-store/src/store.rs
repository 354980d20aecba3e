//! Opening the database, applying migrations, and the write-transaction discipline.

use std::sync::Arc;
use std::time::Duration;

use sqlx::any::{AnyArguments, AnyPoolOptions, AnyRow, install_default_drivers};
use sqlx::migrate::Migrator;
use sqlx::query::Query;
use sqlx::{Any, AnyConnection, AnyPool, Connection, Executor, Row, Transaction};

use crate::StoreError;

static SQLITE_MIGRATIONS: Migrator = sqlx::migrate!("migrations/sqlite");
static POSTGRES_MIGRATIONS: Migrator = sqlx::migrate!("migrations/postgres");

/// How long we wait for a first connection before telling the user the database is
/// unreachable, instead of hanging at start-up.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// How long a health check waits for the database.
const PING_TIMEOUT: Duration = Duration::from_secs(3);
/// How long SQLite waits for another writer (another process, say `iln admin` while the server
/// runs) before giving up with "database is locked".
const SQLITE_BUSY_TIMEOUT_MS: u32 = 5_000;

/// Which database engine a [`Store`] talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    /// Picks the backend from the URL scheme.
    pub fn from_url(url: &str) -> Result<Self, StoreError> {
        let lower = url.trim_start().to_ascii_lowercase();
        if lower.starts_with("sqlite:") {
            Ok(Backend::Sqlite)
        } else if lower.starts_with("postgres://") || lower.starts_with("postgresql://") {
            Ok(Backend::Postgres)
        } else {
            Err(StoreError::UnsupportedUrl(redact(url)))
        }
    }

    /// A short name for logs and health output.
    pub fn as_str(self) -> &'static str {
        match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        }
    }
}

/// The database handle: cheap to clone (it shares one connection pool), safe to use from
/// many tasks at once.
#[derive(Clone)]
pub struct Store {
    pub(crate) pool: AnyPool,
    pub(crate) backend: Backend,
    /// Where the database is, without any password, for messages.
    location: Arc<str>,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store")
            .field("backend", &self.backend)
            .field("location", &self.location)
            .finish_non_exhaustive()
    }
}

impl Store {
    /// Opens the database named by `url`: `sqlite:PATH` (created if missing, but not its
    /// folder) or `postgres://…`. Fails with [`StoreError::Connect`] when the file cannot be
    /// opened, is locked, is not a database, or the server cannot be reached.
    pub async fn connect(url: &str) -> Result<Self, StoreError> {
        install_default_drivers();
        let backend = Backend::from_url(url)?;
        let location = describe(url, backend);
        let url = match backend {
            Backend::Sqlite => sqlite_url(url.trim()),
            Backend::Postgres => url.trim().to_owned(),
        };
        let connect_error = |reason: String| StoreError::Connect {
            location: location.clone(),
            reason,
        };

        // One direct connection first: the pool would retry a refused connection until its
        // timeout and then report only "timed out", while this gives the real reason at once.
        let probe = tokio::time::timeout(CONNECT_TIMEOUT, async {
            let mut conn = AnyConnection::connect(&url).await?;
            if backend == Backend::Sqlite {
                // WAL lets readers work while one writer writes. It is a property of the file,
                // so set it once here rather than racing for it on every pooled connection.
                conn.execute("PRAGMA journal_mode = WAL").await?;
            }
            sqlx::query("SELECT 1").fetch_one(&mut conn).await?;
            conn.close().await
        })
        .await;
        match probe {
            Err(_) => {
                return Err(connect_error(format!(
                    "no answer within {} seconds",
                    CONNECT_TIMEOUT.as_secs()
                )));
            }
            Ok(Err(error)) => return Err(connect_error(reason(&error))),
            Ok(Ok(())) => {}
        }

        let in_memory = backend == Backend::Sqlite && is_sqlite_memory(&url);
        let mut options = AnyPoolOptions::new()
            .acquire_timeout(CONNECT_TIMEOUT)
            .max_connections(match backend {
                // Each connection to an in-memory SQLite database is a separate database.
                Backend::Sqlite if in_memory => 1,
                Backend::Sqlite => 8,
                Backend::Postgres => 10,
            });
        if in_memory {
            options = options
                .min_connections(1)
                .idle_timeout(None)
                .max_lifetime(None);
        }
        if backend == Backend::Sqlite {
            options = options.after_connect(|conn, _meta| {
                Box::pin(async move {
                    conn.execute("PRAGMA foreign_keys = ON").await?;
                    conn.execute(sqlx::AssertSqlSafe(format!(
                        "PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}"
                    )))
                    .await?;
                    Ok(())
                })
            });
        }
        let pool = options
            .connect(&url)
            .await
            .map_err(|error| connect_error(reason(&error)))?;
        Ok(Self {
            pool,
            backend,
            location: location.into(),
        })
    }

    /// Applies the embedded migrations of this backend that have not run yet.
    pub async fn migrate(&self) -> Result<(), StoreError> {
        let migrator = match self.backend {
            Backend::Sqlite => &SQLITE_MIGRATIONS,
            Backend::Postgres => &POSTGRES_MIGRATIONS,
        };
        migrator.run(&self.pool).await?;
        Ok(())
    }

    /// Checks that the database answers (for `/healthz`), within a few seconds: a health
    /// check that hangs as long as the pool's acquire timeout is no use to a load balancer.
    pub async fn ping(&self) -> Result<(), StoreError> {
        tokio::time::timeout(PING_TIMEOUT, sqlx::query("SELECT 1").fetch_one(&self.pool))
            .await
            .map_err(|_| StoreError::Database(sqlx::Error::PoolTimedOut))??;
        Ok(())
    }

    /// Which engine this store talks to.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Where the database is (a path or a URL without its password), for messages.
    pub fn location(&self) -> &str {
        &self.location
    }

    /// True when no account exists yet: a fresh install, where the demo may be loaded.
    pub async fn is_empty(&self) -> Result<bool, StoreError> {
        let row = sqlx::query("SELECT COUNT(*) AS n FROM users")
            .fetch_one(&self.pool)
            .await?;
        Ok(row.try_get::<i64, _>("n")? == 0)
    }

    /// Closes every connection; waits for the ones in use to be returned.
    pub async fn close(&self) {
        self.pool.close().await;
    }

    /// Starts a transaction that will write. On SQLite it takes the write lock up front
    /// (`BEGIN IMMEDIATE`): a deferred transaction that reads and then writes can fail with
    /// SQLITE_BUSY when another writer got in between, and no busy timeout can save it.
    pub(crate) async fn write_tx(&self) -> Result<Transaction<'static, Any>, StoreError> {
        let tx = match self.backend {
            Backend::Sqlite => self.pool.begin_with("BEGIN IMMEDIATE").await?,
            Backend::Postgres => self.pool.begin().await?,
        };
        Ok(tx)
    }

    /// Runs one writing statement in its own write transaction; returns the rows it changed.
    pub(crate) async fn write(
        &self,
        statement: Query<'_, Any, AnyArguments>,
    ) -> Result<u64, StoreError> {
        let mut tx = self.write_tx().await?;
        let done = statement.execute(&mut *tx).await?;
        tx.commit().await?;
        Ok(done.rows_affected())
    }

    /// Runs one writing statement with a RETURNING clause in its own write transaction, and
    /// gives back the row it returned, if any.
    pub(crate) async fn write_returning(
        &self,
        statement: Query<'_, Any, AnyArguments>,
    ) -> Result<Option<AnyRow>, StoreError> {
        let mut tx = self.write_tx().await?;
        let row = statement.fetch_optional(&mut *tx).await?;
        tx.commit().await?;
        Ok(row)
    }

    /// Runs an `INSERT … RETURNING id` and gives back the new id.
    pub(crate) async fn insert_returning_id(
        &self,
        statement: Query<'_, Any, AnyArguments>,
    ) -> Result<i64, StoreError> {
        let row = self
            .write_returning(statement)
            .await?
            .ok_or_else(|| StoreError::Corrupt("an insert returned no id".to_owned()))?;
        Ok(row.try_get("id")?)
    }

    /// [`Store::write`] for a statement that must change a row: when it changes none, the
    /// row `what` names does not exist.
    pub(crate) async fn write_one(
        &self,
        statement: Query<'_, Any, AnyArguments>,
        what: impl FnOnce() -> String,
    ) -> Result<(), StoreError> {
        if self.write(statement).await? == 0 {
            return Err(StoreError::NotFound(what()));
        }
        Ok(())
    }
}

/// Adds `mode=rwc` (read, write, create) unless the URL chooses a mode itself: a fresh
/// install should get a new database file, not an error.
fn sqlite_url(url: &str) -> String {
    if url.contains("mode=") || url.contains(":memory:") {
        url.to_owned()
    } else if url.contains('?') {
        format!("{url}&mode=rwc")
    } else {
        format!("{url}?mode=rwc")
    }
}

fn is_sqlite_memory(url: &str) -> bool {
    url.contains(":memory:") || url.contains("mode=memory")
}

/// A description of the database for error messages: the file path for SQLite, the URL
/// without its password for PostgreSQL.
fn describe(url: &str, backend: Backend) -> String {
    match backend {
        Backend::Sqlite => {
            let rest = url.trim().trim_start_matches("sqlite:");
            let rest = rest.strip_prefix("//").unwrap_or(rest);
            rest.split('?').next().unwrap_or(rest).to_owned()
        }
        Backend::Postgres => redact(url),
    }
}

/// The URL with any password replaced, so it can be printed and logged.
fn redact(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    let (authority, tail) = match rest.find('/') {
        Some(slash) => rest.split_at(slash),
        None => (rest, ""),
    };
    match authority.rsplit_once('@') {
        Some((userinfo, host)) => match userinfo.split_once(':') {
            Some((user, _password)) => format!("{scheme}://{user}:***@{host}{tail}"),
            None => url.to_owned(),
        },
        None => url.to_owned(),
    }
}

/// The part of a connection error a person can act on, without sqlx's wrapping.
fn reason(error: &sqlx::Error) -> String {
    match error {
        sqlx::Error::Database(db) => db.message().to_owned(),
        sqlx::Error::Io(io) => io.to_string(),
        sqlx::Error::Tls(tls) => format!("TLS: {tls}"),
        sqlx::Error::Configuration(config) => format!("bad URL: {config}"),
        sqlx::Error::PoolTimedOut => "timed out waiting for a connection".to_owned(),
        other => other.to_string(),
    }
}

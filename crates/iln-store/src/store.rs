//! Opening the database, applying migrations, and the write-transaction discipline: [`Tx`],
//! the one handle through which writes happen, so that an action's changes, its audit entry
//! and the jobs it causes commit together or not at all.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use sqlx::any::{AnyArguments, AnyPoolOptions, AnyRow, install_default_drivers};
use sqlx::migrate::Migrator;
use sqlx::pool::PoolConnection;
use sqlx::query::Query;
use sqlx::{Any, AnyConnection, AnyPool, Connection, Database, Executor, Row};
use sqlx_core::transaction::TransactionManager;

use crate::StoreError;

static SQLITE_MIGRATIONS: Migrator = sqlx::migrate!("migrations/sqlite");
static POSTGRES_MIGRATIONS: Migrator = sqlx::migrate!("migrations/postgres");

/// How long we wait for a first connection before telling the user the database is
/// unreachable, instead of hanging at start-up.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// How long a health check waits for the database.
const PING_TIMEOUT: Duration = Duration::from_secs(3);
/// How long SQLite waits for another writer (another process, say `iln admin` while the server
/// runs) before giving up with "database is locked", unless [`StoreOptions`] says otherwise.
const SQLITE_BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// How a [`Store`] connects, beyond its URL.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StoreOptions {
    /// How long a SQLite write waits for another process's write lock before it fails with
    /// [`StoreError::Busy`]. Tests shorten it so a held lock shows at once.
    pub sqlite_busy_timeout: Duration,
}

impl Default for StoreOptions {
    fn default() -> Self {
        Self {
            sqlite_busy_timeout: SQLITE_BUSY_TIMEOUT,
        }
    }
}

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
    /// A fault armed by a test: the write step at which the next transaction fails.
    faults: Arc<Faults>,
}

/// Fault injection for tests that prove an action is all or nothing: when armed with `n`, the
/// n-th write step from now (in any transaction of this store) fails with
/// [`StoreError::InjectedFault`], as a crash or a lost connection would at that point.
#[derive(Debug, Default)]
struct Faults {
    /// Write steps left before the fault; 0 means disarmed.
    countdown: AtomicU64,
}

impl Faults {
    fn step(&self) -> Result<(), StoreError> {
        let fired = self
            .countdown
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |left| match left {
                0 => None,
                left => Some(left - 1),
            });
        match fired {
            Ok(1) => Err(StoreError::InjectedFault),
            _ => Ok(()),
        }
    }
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
        Self::connect_with(url, StoreOptions::default()).await
    }

    /// [`Store::connect`] with options other than the defaults.
    pub async fn connect_with(url: &str, options: StoreOptions) -> Result<Self, StoreError> {
        install_default_drivers();
        let busy_timeout_ms = options.sqlite_busy_timeout.as_millis();
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
        let mut pool_options = AnyPoolOptions::new()
            .acquire_timeout(CONNECT_TIMEOUT)
            .max_connections(match backend {
                // Each connection to an in-memory SQLite database is a separate database.
                Backend::Sqlite if in_memory => 1,
                Backend::Sqlite => 8,
                Backend::Postgres => 10,
            });
        if in_memory {
            pool_options = pool_options
                .min_connections(1)
                .idle_timeout(None)
                .max_lifetime(None);
        }
        if backend == Backend::Sqlite {
            pool_options = pool_options.after_connect(move |conn, _meta| {
                Box::pin(async move {
                    conn.execute("PRAGMA foreign_keys = ON").await?;
                    // In WAL mode NORMAL syncs at checkpoints rather than at every commit: a
                    // killed process loses nothing committed, and only a power cut can cost
                    // the last commits (never consistency). Full sync per commit made every
                    // job's claim and completion wait for the disk.
                    conn.execute("PRAGMA synchronous = NORMAL").await?;
                    conn.execute(sqlx::AssertSqlSafe(format!(
                        "PRAGMA busy_timeout = {busy_timeout_ms}"
                    )))
                    .await?;
                    Ok(())
                })
            });
        }
        let pool = pool_options
            .connect(&url)
            .await
            .map_err(|error| connect_error(reason(&error)))?;
        Ok(Self {
            pool,
            backend,
            location: location.into(),
            faults: Arc::default(),
        })
    }

    /// Arms a fault for tests: the `step`-th write from now fails with
    /// [`StoreError::InjectedFault`] and its transaction rolls back. `0` disarms it.
    pub fn fail_at_write_step(&self, step: u64) {
        self.faults.countdown.store(step, Ordering::SeqCst);
    }

    /// Whether an armed fault has not fired yet (a test that walks every step of an action
    /// uses this to know it has passed the last one).
    pub fn fault_pending(&self) -> bool {
        self.faults.countdown.load(Ordering::SeqCst) != 0
    }

    /// Starts a transaction that will write. On SQLite it takes the write lock up front
    /// (`BEGIN IMMEDIATE`): a deferred transaction that reads and then writes can fail with
    /// SQLITE_BUSY when another writer got in between, and no busy timeout can save it.
    ///
    /// Every method of [`Tx`] runs inside it; nothing is visible to anyone else until
    /// [`Tx::commit`]. Dropping it without committing rolls it back.
    pub async fn begin(&self) -> Result<Tx, StoreError> {
        let mut conn = self.pool.acquire().await?;
        let statement = match self.backend {
            Backend::Sqlite => Some(sqlx::SqlStr::from_static("BEGIN IMMEDIATE")),
            Backend::Postgres => None,
        };
        <Any as Database>::TransactionManager::begin(&mut conn, statement).await?;
        Ok(Tx {
            conn,
            backend: self.backend,
            faults: Arc::clone(&self.faults),
            open: true,
        })
    }

    /// Fails with [`StoreError::ReadOnly`] when the database accepts reads but no writes (a
    /// read-only file or mount, `mode=ro`, a read-only PostgreSQL server or role), so `serve`
    /// can stop at start-up instead of failing on every form later. It writes nothing: the
    /// probe's table is rolled back.
    pub async fn check_writable(&self) -> Result<(), StoreError> {
        let mut conn = self.pool.acquire().await?;
        match self.backend {
            Backend::Sqlite => {
                <Any as Database>::TransactionManager::begin(
                    &mut conn,
                    Some(sqlx::SqlStr::from_static("BEGIN IMMEDIATE")),
                )
                .await?;
                let created = conn
                    .execute("CREATE TABLE iln_write_probe (x INTEGER)")
                    .await;
                if let Err(error) = <Any as Database>::TransactionManager::rollback(&mut conn).await
                {
                    // Never hand a connection still inside the probe's transaction back.
                    conn.close_on_drop();
                    return Err(error.into());
                }
                created?;
                Ok(())
            }
            Backend::Postgres => {
                let row = sqlx::query("SELECT current_setting('transaction_read_only') AS ro")
                    .fetch_one(&mut *conn)
                    .await?;
                if row.try_get::<String, _>("ro")? == "on" {
                    return Err(StoreError::ReadOnly(
                        "the server allows read-only transactions only".to_owned(),
                    ));
                }
                Ok(())
            }
        }
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
}

/// A write transaction: the unit of work of one action. The store's writing methods live on
/// it, so that an application-layer use-case calls them in sequence and commits once.
///
/// It owns its pooled connection. A commit that fails (a full disk, a lost server) closes
/// that connection instead of handing it back to the pool, so no later request ever finds a
/// connection stuck inside a transaction.
pub struct Tx {
    conn: PoolConnection<Any>,
    backend: Backend,
    faults: Arc<Faults>,
    /// False once committed or rolled back.
    open: bool,
}

impl std::fmt::Debug for Tx {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Tx")
            .field("backend", &self.backend)
            .field("open", &self.open)
            .finish_non_exhaustive()
    }
}

impl Tx {
    /// Which engine this transaction runs on.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Makes every change of this transaction visible at once.
    pub async fn commit(mut self) -> Result<(), StoreError> {
        self.open = false;
        if let Err(error) = <Any as Database>::TransactionManager::commit(&mut self.conn).await {
            self.conn.close_on_drop();
            return Err(error.into());
        }
        Ok(())
    }

    /// Throws every change of this transaction away.
    pub async fn rollback(mut self) -> Result<(), StoreError> {
        self.open = false;
        if let Err(error) = <Any as Database>::TransactionManager::rollback(&mut self.conn).await {
            self.conn.close_on_drop();
            return Err(error.into());
        }
        Ok(())
    }

    /// The connection, for reads inside the transaction.
    pub(crate) fn conn(&mut self) -> &mut AnyConnection {
        &mut self.conn
    }

    /// A point where an armed test fault fires; every write goes through one.
    fn step(&self) -> Result<(), StoreError> {
        self.faults.step()
    }

    /// Runs one writing statement; returns the rows it changed.
    pub(crate) async fn exec(
        &mut self,
        statement: Query<'_, Any, AnyArguments>,
    ) -> Result<u64, StoreError> {
        self.step()?;
        Ok(statement.execute(&mut *self.conn).await?.rows_affected())
    }

    /// Runs one writing statement with a RETURNING clause and gives back its row, if any.
    pub(crate) async fn exec_returning(
        &mut self,
        statement: Query<'_, Any, AnyArguments>,
    ) -> Result<Option<AnyRow>, StoreError> {
        self.step()?;
        Ok(statement.fetch_optional(&mut *self.conn).await?)
    }

    /// Runs an `INSERT … RETURNING id` and gives back the new id.
    pub(crate) async fn insert_returning_id(
        &mut self,
        statement: Query<'_, Any, AnyArguments>,
    ) -> Result<i64, StoreError> {
        let row = self
            .exec_returning(statement)
            .await?
            .ok_or_else(|| StoreError::Corrupt("an insert returned no id".to_owned()))?;
        Ok(row.try_get("id")?)
    }

    /// [`Tx::exec`] for a statement that must change a row: when it changes none, the row
    /// `what` names does not exist.
    pub(crate) async fn exec_one(
        &mut self,
        statement: Query<'_, Any, AnyArguments>,
        what: impl FnOnce() -> String,
    ) -> Result<(), StoreError> {
        if self.exec(statement).await? == 0 {
            return Err(StoreError::NotFound(what()));
        }
        Ok(())
    }
}

impl Drop for Tx {
    fn drop(&mut self) {
        if self.open {
            // Dropped on an error path: queue the rollback, which runs before the connection
            // is used again (the same path sqlx's own transactions take).
            <Any as Database>::TransactionManager::start_rollback(&mut self.conn);
        }
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

//! Fresh databases for each test, and the macro that runs one test body on both backends.

use std::io::Write;
use std::sync::Once;

use iln_domain::account::{DisplayName, Email, Role};
use iln_store::{NewUser, Store, UserId};
use jiff::Timestamp;
use rand::RngCore;
use sqlx::{AnyConnection, Connection, Executor};

/// The PostgreSQL server to test against; unset means the PostgreSQL half is skipped, loudly.
pub const POSTGRES_URL_VAR: &str = "ILN_TEST_POSTGRES_URL";

/// A fresh, migrated database that lives as long as the value.
pub struct TestDb {
    pub store: Store,
    /// The URL the store was opened with, for tests that need a raw connection.
    pub url: String,
    /// Keeps the SQLite file's folder alive.
    _dir: Option<tempfile::TempDir>,
    /// The PostgreSQL server URL and this test's schema, dropped at the end.
    pg_schema: Option<(String, String)>,
}

impl TestDb {
    pub async fn sqlite() -> TestDb {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let url = format!("sqlite:{}", dir.path().join("test.db").display());
        let store = Store::connect(&url).await.expect("open SQLite");
        store.migrate().await.expect("migrate SQLite");
        TestDb {
            store,
            url,
            _dir: Some(dir),
            pg_schema: None,
        }
    }

    /// A fresh schema on the test server, or None (after saying so once) when no server is
    /// configured.
    pub async fn postgres() -> Option<TestDb> {
        let Ok(server) = std::env::var(POSTGRES_URL_VAR) else {
            static SAID: Once = Once::new();
            SAID.call_once(|| {
                // Straight to stderr, past the test harness's capture, so the skip is visible
                // in every run.
                let _ = writeln!(
                    std::io::stderr(),
                    "NOTE: {POSTGRES_URL_VAR} is not set: the PostgreSQL store suite did not run"
                );
            });
            return None;
        };
        sqlx::any::install_default_drivers();
        ensure_database(&server).await;
        let mut bytes = [0_u8; 8];
        rand::rng().fill_bytes(&mut bytes);
        let schema = format!(
            "t_{}",
            bytes.iter().map(|b| format!("{b:02x}")).collect::<String>()
        );
        let mut admin = AnyConnection::connect(&server)
            .await
            .expect("connect to ILN_TEST_POSTGRES_URL");
        admin
            .execute(sqlx::AssertSqlSafe(format!("CREATE SCHEMA {schema}")))
            .await
            .expect("create a test schema");
        admin.close().await.expect("close");
        let separator = if server.contains('?') { '&' } else { '?' };
        let url = format!("{server}{separator}options=-c%20search_path%3D{schema}");
        let store = Store::connect(&url).await.expect("open PostgreSQL");
        store.migrate().await.expect("migrate PostgreSQL");
        Some(TestDb {
            store,
            url,
            _dir: None,
            pg_schema: Some((server, schema)),
        })
    }

    /// Drops the PostgreSQL schema; SQLite files go with their folder.
    pub async fn finish(self) {
        self.store.close().await;
        if let Some((server, schema)) = self.pg_schema {
            let mut admin = AnyConnection::connect(&server).await.expect("reconnect");
            admin
                .execute(sqlx::AssertSqlSafe(format!("DROP SCHEMA {schema} CASCADE")))
                .await
                .expect("drop the test schema");
        }
    }

    /// A raw connection to the same database, for checks the store API cannot express.
    pub async fn raw(&self) -> AnyConnection {
        AnyConnection::connect(&self.url)
            .await
            .expect("raw connection")
    }
}

/// Creates the test database when the server does not have it yet (a fresh CI machine), so the
/// suite needs only a running server. Parallel tests may race to create it; losing is fine.
async fn ensure_database(server: &str) {
    use sqlx::migrate::MigrateDatabase;
    if sqlx::Any::database_exists(server)
        .await
        .expect("ILN_TEST_POSTGRES_URL should name a reachable PostgreSQL server")
    {
        return;
    }
    if let Err(error) = sqlx::Any::create_database(server).await {
        assert!(
            sqlx::Any::database_exists(server).await.unwrap_or(false),
            "could not create the test database: {error}"
        );
    }
}

/// A fixed instant, so tests state times relative to it.
pub fn t0() -> Timestamp {
    Timestamp::from_second(1_780_000_000).expect("a valid timestamp")
}

/// `t0` plus some seconds.
pub fn at(seconds: i64) -> Timestamp {
    Timestamp::from_second(1_780_000_000 + seconds).expect("a valid timestamp")
}

pub fn email(text: &str) -> Email {
    Email::parse(text).expect("a valid email")
}

pub fn new_user(address: &str, role: Role) -> NewUser {
    NewUser {
        email: email(address),
        display_name: DisplayName::parse("Test Person").expect("a valid name"),
        password_hash: None,
        role,
        countries: Vec::new(),
        email_verified: false,
        time_zone: None,
    }
}

/// Creates a participant account and returns its id.
pub async fn participant(store: &Store, address: &str) -> UserId {
    store
        .create_user(&new_user(address, Role::Participant), t0())
        .await
        .expect("create a user")
}

/// Declares `async fn name(db: &TestDb)` test bodies as tests on SQLite and on PostgreSQL.
#[macro_export]
macro_rules! store_tests {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    let db = $crate::support::TestDb::sqlite().await;
                    super::$name(&db).await;
                    db.finish().await;
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    let Some(db) = $crate::support::TestDb::postgres().await else {
                        return;
                    };
                    super::$name(&db).await;
                    db.finish().await;
                }
            )*
        }
    };
}

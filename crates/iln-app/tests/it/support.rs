//! A fresh application for each test: a migrated database (SQLite, or a fresh PostgreSQL
//! schema when `ILN_TEST_POSTGRES_URL` is set), a clock the test moves by hand, and a composer
//! that writes each notice's facts as the email, so tests can read what was queued.

use std::io::Write;
use std::sync::{Arc, Once};

use iln_app::notify::{Composed, Composer, Notice};
use iln_app::{App, Links};
use iln_domain::clock::ManualClock;
use iln_store::Store;
use jiff::Timestamp;
use sqlx::{AnyConnection, Connection, Executor};

pub const POSTGRES_URL_VAR: &str = "ILN_TEST_POSTGRES_URL";

/// The composer tests use: the subject is the notice's variant, the body its facts.
pub struct FactsComposer;

impl Composer for FactsComposer {
    fn compose(&self, notice: &Notice) -> Composed {
        let facts = format!("{notice:?}");
        let subject = facts.split('(').nth(1).unwrap_or(&facts).to_owned();
        Composed {
            subject,
            text_body: facts,
            html_body: None,
        }
    }
}

/// One test's application and what it runs on.
pub struct TestApp {
    pub app: App,
    pub store: Store,
    pub clock: Arc<ManualClock>,
    _dir: Option<tempfile::TempDir>,
    pg_schema: Option<(String, String)>,
}

/// A fixed starting instant (2026-05-28 20:26:40 UTC), so tests state times relative to it.
pub fn t0() -> Timestamp {
    Timestamp::from_second(1_780_000_000).expect("a valid timestamp")
}

impl TestApp {
    fn around(store: Store, dir: Option<tempfile::TempDir>, pg: Option<(String, String)>) -> Self {
        let clock = Arc::new(ManualClock::new(t0()));
        let app = App::new(
            store.clone(),
            clock.clone(),
            Arc::new(FactsComposer),
            Links::new("https://iln.test"),
        );
        TestApp {
            app,
            store,
            clock,
            _dir: dir,
            pg_schema: pg,
        }
    }

    pub async fn sqlite() -> TestApp {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let url = format!("sqlite:{}", dir.path().join("test.db").display());
        let store = Store::connect(&url).await.expect("open SQLite");
        store.migrate().await.expect("migrate SQLite");
        Self::around(store, Some(dir), None)
    }

    /// A fresh schema on the test server, or None (said once) when none is configured.
    pub async fn postgres() -> Option<TestApp> {
        let Ok(server) = std::env::var(POSTGRES_URL_VAR) else {
            static SAID: Once = Once::new();
            SAID.call_once(|| {
                let _ = writeln!(
                    std::io::stderr(),
                    "NOTE: {POSTGRES_URL_VAR} is not set: the PostgreSQL use-case tests did not run"
                );
            });
            return None;
        };
        sqlx::any::install_default_drivers();
        let schema = format!(
            "app_{}_{}",
            std::process::id(),
            SCHEMAS.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
        );
        let mut admin = AnyConnection::connect(&server)
            .await
            .expect("connect to ILN_TEST_POSTGRES_URL");
        admin
            .execute(sqlx::AssertSqlSafe(format!(
                "DROP SCHEMA IF EXISTS {schema} CASCADE; CREATE SCHEMA {schema}"
            )))
            .await
            .expect("create a test schema");
        admin.close().await.expect("close");
        let separator = if server.contains('?') { '&' } else { '?' };
        let url = format!("{server}{separator}options=-c%20search_path%3D{schema}");
        let store = Store::connect(&url).await.expect("open PostgreSQL");
        store.migrate().await.expect("migrate PostgreSQL");
        Some(Self::around(store, None, Some((server, schema))))
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
}

static SCHEMAS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

/// Declares `async fn name(t: &TestApp)` test bodies as tests on SQLite and on PostgreSQL.
#[macro_export]
macro_rules! app_tests {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    let t = $crate::support::TestApp::sqlite().await;
                    super::$name(&t).await;
                    t.finish().await;
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    let Some(t) = $crate::support::TestApp::postgres().await else {
                        return;
                    };
                    super::$name(&t).await;
                    t.finish().await;
                }
            )*
        }
    };
}

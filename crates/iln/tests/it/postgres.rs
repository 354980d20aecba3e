//! The same binary on PostgreSQL: `migrate`, `admin create-user` and `serve` against a fresh
//! schema on the server named by `ILN_TEST_POSTGRES_URL` (skipped, and said so, when unset).

use std::io::Write;

use sqlx::{AnyConnection, Connection, Executor};

use crate::cli::{Scratch, assert_one_line_error, run};

/// A fresh schema on the test server, dropped on `finish`.
pub(crate) struct Schema {
    server: String,
    name: String,
    pub(crate) url: String,
}

impl Schema {
    /// A schema named after `tag` and this process, so tests running at once get their own.
    pub(crate) async fn create(tag: &str) -> Option<Schema> {
        let Ok(server) = std::env::var("ILN_TEST_POSTGRES_URL") else {
            let _ = writeln!(
                std::io::stderr(),
                "NOTE: ILN_TEST_POSTGRES_URL is not set: the binary's PostgreSQL test did not run"
            );
            return None;
        };
        sqlx::any::install_default_drivers();
        let name = format!("iln_cli_{tag}_{}", std::process::id());
        let mut admin = AnyConnection::connect(&server)
            .await
            .expect("connect to ILN_TEST_POSTGRES_URL");
        admin
            .execute(sqlx::AssertSqlSafe(format!(
                "DROP SCHEMA IF EXISTS {name} CASCADE; CREATE SCHEMA {name}"
            )))
            .await
            .expect("create a schema");
        let _ = admin.close().await;
        let separator = if server.contains('?') { '&' } else { '?' };
        let url = format!("{server}{separator}options=-c%20search_path%3D{name}");
        Some(Schema { server, name, url })
    }

    pub(crate) async fn finish(self) {
        let mut admin = AnyConnection::connect(&self.server)
            .await
            .expect("reconnect");
        admin
            .execute(sqlx::AssertSqlSafe(format!(
                "DROP SCHEMA {} CASCADE",
                self.name
            )))
            .await
            .expect("drop the schema");
    }
}

#[tokio::test]
async fn the_same_binary_runs_on_postgres() {
    let Some(schema) = Schema::create("binary").await else {
        return;
    };
    let scratch = Scratch::new();
    let on_pg = |command: &mut std::process::Command| {
        command.env("ILN_DATABASE_URL", &schema.url);
    };

    let mut migrate = scratch.iln();
    on_pg(&mut migrate);
    let (code, stdout, stderr) = run(migrate.arg("migrate"));
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("(postgres) is up to date"), "{stdout}");

    let mut create = scratch.iln();
    on_pg(&mut create);
    create.env("ILN_PASSWORD", "catalogue-otter-lantern").args([
        "admin",
        "create-user",
        "--email",
        "admin@example.org",
        "--role",
        "admin",
    ]);
    let (code, _, stderr) = run(&mut create);
    assert_eq!(code, 0, "{stderr}");
    assert_one_line_error(&run(&mut create), "already exists");

    let store = iln_store::Store::connect(&schema.url).await.unwrap();
    let users = store.list_users().await.unwrap();
    assert_eq!(users.len(), 1);
    assert_eq!(users[0].email.as_str(), "admin@example.org");
    store.close().await;

    let mut serve = scratch.iln();
    on_pg(&mut serve);
    serve.args(["serve", "--bind", "127.0.0.1:0"]);
    let running = crate::serve::start_command(serve);
    assert_eq!(
        crate::serve::get_status(&running.address, "/healthz"),
        "HTTP/1.1 200 OK"
    );
    assert_eq!(
        crate::serve::get_status(&running.address, "/"),
        "HTTP/1.1 200 OK"
    );
    crate::serve::stop(running);
    schema.finish().await;
}

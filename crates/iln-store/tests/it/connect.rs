//! Opening databases that are missing, unwritable, not databases, locked or unreachable gives
//! one clear `Connect` error rather than a hang or a panic.

use iln_store::{Backend, Store, StoreError};
use sqlx::{AnyConnection, Connection, Executor};

fn expect_connect_error(result: Result<Store, StoreError>, location: &str) -> String {
    let error = result.expect_err("connecting should fail");
    let message = error.to_string();
    assert!(
        matches!(error, StoreError::Connect { .. }),
        "not a Connect error: {error:?}"
    );
    assert!(
        message.starts_with(&format!("could not open the database at {location}: ")),
        "{message}"
    );
    assert!(!message.contains('\n'), "{message}");
    message
}

#[tokio::test]
async fn a_missing_folder_is_a_connect_error() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("no-such-folder").join("iln.db");
    let message = expect_connect_error(
        Store::connect(&format!("sqlite:{}", path.display())).await,
        &path.display().to_string(),
    );
    assert!(message.contains("unable to open"), "{message}");
}

#[tokio::test]
async fn a_path_under_a_file_is_a_connect_error() {
    // Root can write anywhere, so "unwritable" is made with a path no one can create.
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("plain-file");
    std::fs::write(&file, "not a folder").unwrap();
    let path = file.join("iln.db");
    expect_connect_error(
        Store::connect(&format!("sqlite://{}", path.display())).await,
        &path.display().to_string(),
    );
}

#[tokio::test]
async fn a_file_that_is_not_a_database_is_a_connect_error() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("notes.db");
    std::fs::write(&path, "x".repeat(4096)).unwrap();
    let message = expect_connect_error(
        Store::connect(&format!("sqlite:{}", path.display())).await,
        &path.display().to_string(),
    );
    assert!(message.contains("not a database"), "{message}");
}

#[tokio::test]
async fn a_locked_database_is_a_connect_error() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("locked.db");
    let url = format!("sqlite:{}?mode=rwc", path.display());
    sqlx::any::install_default_drivers();
    // Another program holds an exclusive lock on a database in rollback-journal mode; turning
    // on WAL needs that lock, so opening waits for the busy timeout and then says so.
    let mut holder = AnyConnection::connect(&url).await.unwrap();
    holder
        .execute("PRAGMA journal_mode = DELETE")
        .await
        .unwrap();
    holder.execute("CREATE TABLE t (x INTEGER)").await.unwrap();
    holder.execute("BEGIN EXCLUSIVE").await.unwrap();
    holder.execute("INSERT INTO t VALUES (1)").await.unwrap();
    let message = expect_connect_error(
        Store::connect(&format!("sqlite:{}", path.display())).await,
        &path.display().to_string(),
    );
    assert!(message.contains("locked"), "{message}");
    holder.execute("ROLLBACK").await.unwrap();
    holder.close().await.unwrap();
}

#[tokio::test]
async fn an_unreachable_server_is_a_connect_error() {
    // Port 1 on the loopback interface refuses at once; the password must not be printed.
    let message = expect_connect_error(
        Store::connect("postgres://iln:secret@127.0.0.1:1/iln").await,
        "postgres://iln:***@127.0.0.1:1/iln",
    );
    assert!(!message.contains("secret"), "{message}");
    assert!(message.to_lowercase().contains("refused"), "{message}");
}

#[tokio::test]
async fn an_unknown_scheme_is_refused() {
    let error = Store::connect("mysql://root@localhost/iln")
        .await
        .unwrap_err();
    assert!(matches!(error, StoreError::UnsupportedUrl(_)), "{error:?}");
    assert_eq!(
        error.to_string(),
        "unsupported database URL \"mysql://root@localhost/iln\": use sqlite:PATH or \
         postgres://USER@HOST/DB"
    );
}

#[tokio::test]
async fn a_new_sqlite_file_is_created_in_wal_mode_and_migrates_twice() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("fresh.db");
    let store = Store::connect(&format!("sqlite:{}", path.display()))
        .await
        .unwrap();
    assert_eq!(store.backend(), Backend::Sqlite);
    assert_eq!(store.location(), path.display().to_string());
    store.migrate().await.unwrap();
    // Running the migrations again is a no-op, as `serve` does at every start.
    store.migrate().await.unwrap();
    assert!(store.is_empty().await.unwrap());
    store.ping().await.unwrap();
    store.close().await;
    // A closed store is not healthy: /healthz must say so rather than hang.
    assert!(store.ping().await.is_err());
    assert!(path.exists());
    let wal: String = sqlx::query_scalar("PRAGMA journal_mode")
        .fetch_one(
            &mut AnyConnection::connect(&format!("sqlite:{}", path.display()))
                .await
                .unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(wal, "wal");
}

#[tokio::test]
async fn an_in_memory_database_keeps_its_schema() {
    // One connection only: each new connection to :memory: would be a separate, empty database.
    let store = Store::connect("sqlite::memory:").await.unwrap();
    store.migrate().await.unwrap();
    for _ in 0..3 {
        assert!(store.is_empty().await.unwrap());
    }
}

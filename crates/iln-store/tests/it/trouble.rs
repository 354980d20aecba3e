//! Database trouble a caller can wait out: a write lock held by another process is
//! [`StoreError::Busy`], a full disk is [`StoreError::DiskFull`] and every pooled connection
//! works again once space returns, and a read-only database is [`StoreError::ReadOnly`].

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use iln_domain::account::Role;
use iln_store::{Store, StoreError, StoreOptions};
use sqlx::{AnyConnection, Connection, Executor};

use crate::support::{new_user, t0};

/// A migrated SQLite store in `dir` that waits only a moment for another writer.
async fn impatient_store(dir: &Path) -> (Store, String) {
    let url = format!("sqlite:{}", dir.join("iln.db").display());
    let store = Store::connect_with(
        &url,
        StoreOptions {
            sqlite_busy_timeout: Duration::from_millis(100),
        },
    )
    .await
    .unwrap();
    store.migrate().await.unwrap();
    (store, url)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_write_lock_held_by_another_process_is_busy_and_passes() {
    let dir = tempfile::tempdir().unwrap();
    let (store, url) = impatient_store(dir.path()).await;
    store
        .create_user(&new_user("first@iln.test", Role::Participant), t0())
        .await
        .unwrap();

    // Another program (say `iln admin` or a backup tool) takes the write lock and keeps it.
    let mut holder = AnyConnection::connect(&url).await.unwrap();
    holder.execute("BEGIN IMMEDIATE").await.unwrap();
    holder
        .execute("UPDATE users SET display_name = 'Held' WHERE id = 1")
        .await
        .unwrap();

    let error = store
        .create_user(&new_user("second@iln.test", Role::Participant), t0())
        .await
        .unwrap_err();
    assert!(matches!(error, StoreError::Busy(_)), "{error:?}");
    assert!(error.is_unavailable());
    assert!(error.to_string().contains("busy"), "{error}");
    // Readers are not held up by a writer (WAL).
    assert!(!store.is_empty().await.unwrap());

    holder.execute("ROLLBACK").await.unwrap();
    holder.close().await.unwrap();
    // Nothing of the refused write remains, and the same write now works.
    assert_eq!(
        store
            .user_by_email(&crate::support::email("second@iln.test"))
            .await
            .unwrap(),
        None
    );
    store
        .create_user(&new_user("second@iln.test", Role::Participant), t0())
        .await
        .unwrap();
    store.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_read_only_database_is_refused_before_any_write() {
    let dir = tempfile::tempdir().unwrap();
    let (store, url) = impatient_store(dir.path()).await;
    store.check_writable().await.unwrap();
    store.close().await;

    let read_only = Store::connect(&format!("{url}?mode=ro")).await.unwrap();
    let error = read_only.check_writable().await.unwrap_err();
    assert!(matches!(error, StoreError::ReadOnly(_)), "{error:?}");
    assert!(error.to_string().starts_with("the database is read-only: "));
    // Reading still works, and writing fails with the same typed error.
    assert!(read_only.is_empty().await.unwrap());
    let write = read_only
        .create_user(&new_user("x@iln.test", Role::Participant), t0())
        .await
        .unwrap_err();
    assert!(matches!(write, StoreError::ReadOnly(_)), "{write:?}");
    read_only.close().await;

    // The probe on the writable database left nothing behind.
    let mut raw = AnyConnection::connect(&url).await.unwrap();
    let probes = sqlx::query("SELECT name FROM sqlite_master WHERE name = 'iln_write_probe'")
        .fetch_all(&mut raw)
        .await
        .unwrap();
    assert!(probes.is_empty());
    raw.close().await.unwrap();
}

/// A small tmpfs, unmounted when dropped.
struct SmallDisk {
    path: PathBuf,
    _parent: tempfile::TempDir,
}

impl SmallDisk {
    /// None (said once on stderr) when this machine does not let us mount one, as without
    /// root; the error mapping is then still covered by the busy and read-only tests.
    fn mount() -> Option<SmallDisk> {
        let parent = tempfile::tempdir().unwrap();
        let path = parent.path().join("disk");
        std::fs::create_dir(&path).unwrap();
        let mounted = Command::new("mount")
            .args(["-t", "tmpfs", "-o", "size=4m", "tmpfs"])
            .arg(&path)
            .output()
            .is_ok_and(|out| out.status.success());
        if !mounted {
            let _ = writeln!(
                std::io::stderr(),
                "NOTE: could not mount a tmpfs (needs root): the full-disk test did not run"
            );
            return None;
        }
        Some(SmallDisk {
            path,
            _parent: parent,
        })
    }

    /// Fills the disk to the last byte with a file, and returns its path.
    fn fill(&self) -> PathBuf {
        let filler = self.path.join("filler");
        let mut file = std::fs::File::create(&filler).unwrap();
        let block = vec![0_u8; 64 * 1024];
        loop {
            match file.write(&block) {
                Ok(0) | Err(_) => break,
                Ok(_) => {}
            }
        }
        // Whatever the last partial block left.
        while file.write(&[0_u8]).is_ok_and(|n| n == 1) {}
        filler
    }
}

impl Drop for SmallDisk {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg("-l").arg(&self.path).output();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_full_disk_is_disk_full_and_every_connection_recovers() {
    let Some(disk) = SmallDisk::mount() else {
        return;
    };
    let (store, _url) = impatient_store(&disk.path).await;
    let filler = disk.fill();

    // Writes fail once SQLite needs a page the disk no longer has; each failure is typed.
    let mut written = 0;
    let mut failure = None;
    for n in 0..2_000 {
        let mut user = new_user(&format!("person{n}@iln.test"), Role::Participant);
        user.display_name =
            iln_domain::account::DisplayName::parse(&"Long Name ".repeat(10)).unwrap();
        match store.create_user(&user, t0()).await {
            Ok(_) => written += 1,
            Err(error) => {
                failure = Some(error);
                break;
            }
        }
    }
    let failure = failure.expect("the disk filled up");
    assert!(
        matches!(failure, StoreError::DiskFull(_)),
        "{failure:?} after {written} writes"
    );

    // Space returns: every pooled connection (more requests than the pool holds, at once)
    // writes again, so none was left inside a failed transaction.
    std::fs::remove_file(filler).unwrap();
    let writes = (0..20).map(|n| {
        let store = store.clone();
        tokio::spawn(async move {
            store
                .create_user(
                    &new_user(&format!("after{n}@iln.test"), Role::Participant),
                    t0(),
                )
                .await
        })
    });
    for write in writes {
        write.await.unwrap().unwrap();
    }
    assert_eq!(store.list_users().await.unwrap().len(), written + 20);
    store.close().await;
}

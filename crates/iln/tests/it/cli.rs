//! The binary's command line: help, configuration mistakes and bad databases give one clear
//! line and a non-zero exit; `migrate` creates a database. Also the helpers other modules use
//! to run the real binary in a scratch folder.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

/// A scratch folder with its own SQLite database URL.
pub struct Scratch {
    pub dir: tempfile::TempDir,
}

impl Scratch {
    pub fn new() -> Scratch {
        Scratch {
            dir: tempfile::tempdir().expect("a temporary folder"),
        }
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    pub fn db_path(&self) -> PathBuf {
        self.path().join("iln.db")
    }

    pub fn database_url(&self) -> String {
        format!("sqlite:{}", self.db_path().display())
    }

    /// `iln` run in this folder with a clean environment: no `ILN_*` setting of the machine
    /// leaks in, and the database is this folder's.
    pub fn iln(&self) -> Command {
        let mut command = Command::new(env!("CARGO_BIN_EXE_iln"));
        for (name, _) in std::env::vars() {
            if name.starts_with("ILN_") {
                command.env_remove(name);
            }
        }
        command
            .current_dir(self.path())
            .env("ILN_DATABASE_URL", self.database_url())
            .env("ILN_MAIL_DIR", self.path().join("mail"))
            .env("RUST_LOG", "warn")
            .stdin(Stdio::null());
        command
    }
}

/// Runs and returns (exit code, stdout, stderr).
pub fn run(command: &mut Command) -> (i32, String, String) {
    let Output {
        status,
        stdout,
        stderr,
    } = command.output().expect("run iln");
    (
        status.code().unwrap_or(-1),
        String::from_utf8_lossy(&stdout).into_owned(),
        String::from_utf8_lossy(&stderr).into_owned(),
    )
}

/// Asserts a failure reported as exactly one line starting with `error: ` and containing
/// `needle`.
pub fn assert_one_line_error(result: &(i32, String, String), needle: &str) {
    let (code, _, stderr) = result;
    assert_ne!(*code, 0, "should fail; stderr: {stderr}");
    assert_eq!(stderr.lines().count(), 1, "one line expected: {stderr:?}");
    assert!(stderr.starts_with("error: "), "{stderr:?}");
    assert!(stderr.contains(needle), "{needle:?} not in {stderr:?}");
}

#[test]
fn help_is_everywhere() {
    let scratch = Scratch::new();
    for args in [
        vec!["--help"],
        vec!["serve", "--help"],
        vec!["worker", "--help"],
        vec!["migrate", "--help"],
        vec!["demo", "--help"],
        vec!["admin", "--help"],
        vec!["admin", "create-user", "--help"],
        vec!["admin", "set-password", "--help"],
        vec!["admin", "list-users", "--help"],
        vec!["solve", "--help"],
    ] {
        let (code, stdout, stderr) = run(scratch.iln().args(&args));
        assert_eq!(code, 0, "{args:?}: {stderr}");
        assert!(stdout.contains("Usage: iln"), "{args:?}: {stdout}");
    }
    let (_, stdout, _) = run(scratch.iln().arg("--help"));
    for command in ["serve", "worker", "migrate", "demo", "admin", "solve"] {
        assert!(stdout.contains(command), "{command} missing from {stdout}");
    }
    let (_, stdout, _) = run(scratch.iln().args(["serve", "--help"]));
    assert!(
        stdout.contains("--bind")
            && stdout.contains("--demo")
            && stdout.contains("--no-worker")
            && stdout.contains("--grace"),
        "{stdout}"
    );
    assert!(stdout.contains("ILN_BIND"), "{stdout}");
}

#[test]
fn migrate_creates_the_database_and_is_repeatable() {
    let scratch = Scratch::new();
    let (code, stdout, stderr) = run(scratch.iln().arg("migrate"));
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("up to date"), "{stdout}");
    assert!(scratch.db_path().exists());
    let (code, _, stderr) = run(scratch.iln().arg("migrate"));
    assert_eq!(code, 0, "{stderr}");
}

#[test]
fn the_default_database_is_iln_db_in_the_working_directory() {
    let scratch = Scratch::new();
    let (code, _, stderr) = run(scratch.iln().env_remove("ILN_DATABASE_URL").arg("migrate"));
    assert_eq!(code, 0, "{stderr}");
    assert!(scratch.path().join("iln.db").exists());
}

#[test]
fn the_flag_beats_the_environment_which_beats_the_file() {
    let scratch = Scratch::new();
    std::fs::write(
        scratch.path().join("iln.toml"),
        "database_url = \"sqlite:from-file.db\"\n",
    )
    .unwrap();
    let (code, _, stderr) = run(scratch.iln().env_remove("ILN_DATABASE_URL").arg("migrate"));
    assert_eq!(code, 0, "{stderr}");
    assert!(scratch.path().join("from-file.db").exists());

    let (code, _, stderr) = run(scratch
        .iln()
        .env("ILN_DATABASE_URL", "sqlite:from-env.db")
        .arg("migrate"));
    assert_eq!(code, 0, "{stderr}");
    assert!(scratch.path().join("from-env.db").exists());

    let (code, _, stderr) = run(scratch
        .iln()
        .env("ILN_DATABASE_URL", "sqlite:from-env.db")
        .args(["--database-url", "sqlite:from-flag.db", "migrate"]));
    assert_eq!(code, 0, "{stderr}");
    assert!(scratch.path().join("from-flag.db").exists());
}

#[test]
fn bad_databases_give_one_clear_line() {
    let scratch = Scratch::new();
    let result =
        run(scratch
            .iln()
            .args(["--database-url", "mysql://root@localhost/iln", "migrate"]));
    assert_one_line_error(&result, "unsupported database URL");

    let missing = scratch.path().join("no-such-folder").join("iln.db");
    let result = run(scratch.iln().args([
        "--database-url",
        &format!("sqlite:{}", missing.display()),
        "migrate",
    ]));
    assert_one_line_error(
        &result,
        &format!("could not open the database at {}", missing.display()),
    );

    std::fs::write(scratch.path().join("notes.db"), "x".repeat(4096)).unwrap();
    let result = run(scratch
        .iln()
        .args(["--database-url", "sqlite:notes.db", "migrate"]));
    assert_one_line_error(&result, "not a database");

    let result = run(scratch.iln().args([
        "--database-url",
        "postgres://iln:secret@127.0.0.1:1/iln",
        "admin",
        "set-password",
        "--email",
        "a@example.org",
    ]));
    assert_one_line_error(
        &result,
        "could not open the database at postgres://iln:***@",
    );
    assert!(!result.2.contains("secret"), "{}", result.2);
}

#[test]
fn configuration_mistakes_give_one_clear_line() {
    let scratch = Scratch::new();
    let result = run(scratch.iln().args(["--config", "missing.toml", "migrate"]));
    assert_one_line_error(&result, "missing.toml does not exist");

    std::fs::write(scratch.path().join("iln.toml"), "databse_url = \"x\"\n").unwrap();
    let result = run(scratch.iln().arg("migrate"));
    assert_one_line_error(&result, "databse_url");

    std::fs::write(scratch.path().join("iln.toml"), "").unwrap();
    let result = run(scratch
        .iln()
        .env("ILN_SECURE_COOKIES", "sometimes")
        .arg("migrate"));
    assert_one_line_error(&result, "secure_cookies");
}

#[test]
fn the_example_configuration_is_valid() {
    let scratch = Scratch::new();
    let example = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../iln.example.toml");
    let (code, _, stderr) = run(scratch
        .iln()
        .env_remove("ILN_DATABASE_URL")
        .arg("--config")
        .arg(&example)
        .arg("migrate"));
    assert_eq!(code, 0, "{stderr}");
    assert!(scratch.path().join("iln.db").exists());
}

#[test]
fn usage_mistakes_exit_with_two() {
    let scratch = Scratch::new();
    let (code, _, stderr) = run(scratch.iln().arg("frobnicate"));
    assert_eq!(code, 2, "{stderr}");
    let (code, _, stderr) = run(scratch
        .iln()
        .args(["admin", "create-user", "--role", "admin"]));
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("--email"), "{stderr}");
}

#[test]
fn solve_runs_without_a_database_and_exits_two_on_bad_input() {
    let scratch = Scratch::new();
    // A broken configuration file does not matter to solve, which needs none.
    std::fs::write(scratch.path().join("iln.toml"), "bind = [\n").unwrap();
    let mut child = scratch
        .iln()
        .arg("solve")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    std::io::Write::write_all(&mut child.stdin.take().unwrap(), b"1 2 x\n").unwrap();
    let output = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.starts_with("error: line 1"), "{stderr}");
    assert!(!scratch.db_path().exists());
}

#[test]
fn a_closed_standard_output_is_not_a_panic() {
    let scratch = Scratch::new();
    let mut child = scratch
        .iln()
        .args(["admin", "list-users"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Close the reading end before iln has opened the database, like `iln … | true`.
    drop(child.stdout.take());
    let output = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    // 1 when the write found the pipe closed (and said nothing), 0 if it won the race.
    assert!(
        matches!(output.status.code(), Some(0 | 1)),
        "{:?}",
        output.status
    );
    assert!(stderr.is_empty(), "{stderr}");
}

/// Runs `command`, killing it if it has not ended within a minute (a server that started
/// when it should have refused would otherwise hang the test), and returns what `run` does.
fn run_briefly(command: &mut Command) -> (i32, String, String) {
    let mut child = command
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run iln");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while child.try_wait().expect("wait for iln").is_none() {
        if std::time::Instant::now() > deadline {
            let _ = child.kill();
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    let Output {
        status,
        stdout,
        stderr,
    } = child.wait_with_output().expect("collect iln's output");
    (
        status.code().unwrap_or(-1),
        String::from_utf8_lossy(&stdout).into_owned(),
        String::from_utf8_lossy(&stderr).into_owned(),
    )
}

#[test]
fn serve_refuses_a_read_only_database_with_one_line() {
    let scratch = Scratch::new();
    let (code, _, stderr) = run(scratch.iln().arg("migrate"));
    assert_eq!(code, 0, "{stderr}");

    // Opened read-only by its URL: reads would work, every form would fail.
    let result = run_briefly(
        scratch
            .iln()
            .env(
                "ILN_DATABASE_URL",
                format!("{}?mode=ro", scratch.database_url()),
            )
            .args(["serve", "--bind", "127.0.0.1:0"]),
    );
    assert_one_line_error(
        &result,
        &format!(
            "cannot serve from the database at {}: the database is read-only",
            scratch.db_path().display()
        ),
    );
    // Commands that only read still work on it.
    let (code, _, stderr) = run(scratch
        .iln()
        .env(
            "ILN_DATABASE_URL",
            format!("{}?mode=ro", scratch.database_url()),
        )
        .args(["admin", "list-users"]));
    assert_eq!(code, 0, "{stderr}");
}

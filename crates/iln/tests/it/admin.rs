//! `iln admin create-user` and `set-password` against a real SQLite file, checked through the
//! store.

use std::io::Write;
use std::process::Stdio;

use iln_domain::account::{Email, Role, verify_password};
use iln_domain::country::CountryCode;
use iln_store::Store;

use crate::cli::{Scratch, assert_one_line_error, run};

async fn store(scratch: &Scratch) -> Store {
    Store::connect(&scratch.database_url())
        .await
        .expect("open the test database")
}

#[tokio::test]
async fn create_user_then_set_password() {
    let scratch = Scratch::new();
    let (code, stdout, stderr) = run(scratch
        .iln()
        .env("ILN_PASSWORD", "catalogue-otter-lantern")
        .args([
            "admin",
            "create-user",
            "--email",
            "Nomvula@Example.org",
            "--role",
            "country_coordinator",
            "--country",
            "ZA",
            "--country",
            "botswana",
            "--name",
            "Nomvula Dlamini",
        ]));
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("nomvula@example.org"), "{stdout}");

    let email = Email::parse("nomvula@example.org").unwrap();
    let db = store(&scratch).await;
    let user = db.user_by_email(&email).await.unwrap().unwrap();
    assert_eq!(user.role, Role::CountryCoordinator);
    assert_eq!(
        user.countries,
        vec![
            CountryCode::parse("BW").unwrap(),
            CountryCode::parse("ZA").unwrap()
        ]
    );
    assert_eq!(user.display_name.as_str(), "Nomvula Dlamini");
    assert!(user.email_verified);
    let hash = user.password_hash.clone().unwrap();
    assert!(verify_password("catalogue-otter-lantern", &hash));
    db.create_session(
        "abc",
        user.id,
        jiff::Timestamp::UNIX_EPOCH,
        jiff::Timestamp::MAX,
    )
    .await
    .unwrap();
    db.close().await;

    // The password piped on standard input, as a script would.
    let mut child = scratch
        .iln()
        .args(["admin", "set-password", "--email", "nomvula@example.org"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"reading-room-lamp\n")
        .unwrap();
    let output = child.wait_with_output().unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );

    let db = store(&scratch).await;
    let user = db.user_by_email(&email).await.unwrap().unwrap();
    let hash = user.password_hash.unwrap();
    assert!(verify_password("reading-room-lamp", &hash));
    assert!(!verify_password("catalogue-otter-lantern", &hash));
    // The old session is gone.
    assert_eq!(
        db.session_user("abc", jiff::Timestamp::UNIX_EPOCH)
            .await
            .unwrap(),
        None
    );
    let (code, listing, stderr) = run(scratch.iln().args(["admin", "list-users"]));
    assert_eq!(code, 0, "{stderr}");
    let line = listing.lines().next().unwrap();
    for part in [
        "nomvula@example.org",
        "country_coordinator",
        "verified",
        "BW,ZA",
    ] {
        assert!(line.contains(part), "{part} not in {line:?}");
    }
    let audit = db.list_audit(10, 0).await.unwrap();
    let actions: Vec<&str> = audit.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(actions, vec!["cli.set_password", "cli.create_user"]);
    db.close().await;
}

#[tokio::test]
async fn refused_input_changes_nothing() {
    let scratch = Scratch::new();
    let create = |email: &str, role: &str, extra: &[&str], password: &str| {
        let mut command = scratch.iln();
        command
            .env("ILN_PASSWORD", password)
            .args(["admin", "create-user", "--email", email, "--role", role])
            .args(extra);
        run(&mut command)
    };
    assert_one_line_error(
        &create("a@example.org", "admin", &[], "password123"),
        "most common",
    );
    assert_one_line_error(
        &create("a@example.org", "admin", &[], "short"),
        "at least 8 characters",
    );
    assert_one_line_error(
        &create("a@example.org", "admin", &[], "a@example.org"),
        "cannot be your email",
    );
    assert_one_line_error(
        &create("not-an-email", "admin", &[], "catalogue-otter-lantern"),
        "--email",
    );
    assert_one_line_error(
        &create("a@example.org", "librarian", &[], "catalogue-otter-lantern"),
        "unknown role",
    );
    assert_one_line_error(
        &create(
            "a@example.org",
            "country_coordinator",
            &[],
            "catalogue-otter-lantern",
        ),
        "at least one --country",
    );
    assert_one_line_error(
        &create(
            "a@example.org",
            "participant",
            &["--country", "GH"],
            "catalogue-otter-lantern",
        ),
        "only a country coordinator",
    );
    assert_one_line_error(
        &create(
            "a@example.org",
            "country_coordinator",
            &["--country", "Atlantis"],
            "catalogue-otter-lantern",
        ),
        "Atlantis",
    );
    let db = store(&scratch).await;
    assert!(db.list_users().await.unwrap().is_empty());
    db.close().await;
    let (code, listing, _) = run(scratch.iln().args(["admin", "list-users"]));
    assert_eq!(code, 0);
    assert_eq!(listing.trim(), "There are no accounts yet.");

    let (code, _, stderr) = create("a@example.org", "admin", &[], "catalogue-otter-lantern");
    assert_eq!(code, 0, "{stderr}");
    assert_one_line_error(
        &create(
            "A@example.org",
            "participant",
            &[],
            "catalogue-otter-lantern",
        ),
        "already exists",
    );
    let mut command = scratch.iln();
    command
        .env("ILN_PASSWORD", "catalogue-otter-lantern")
        .args(["admin", "set-password", "--email", "nobody@example.org"]);
    assert_one_line_error(
        &run(&mut command),
        "no account with the email nobody@example.org",
    );
    // No password at all: standard input is empty.
    let mut command = scratch.iln();
    command.args(["admin", "set-password", "--email", "a@example.org"]);
    assert_one_line_error(&run(&mut command), "no password given");
}

/// `iln rounds list` shows each round's id, name and state, as a table and as JSON, so a
/// script can find the round it works on; an empty database says so.
#[test]
fn rounds_list_prints_a_table_and_json() {
    let scratch = Scratch::new();
    let (code, stdout, stderr) = run(scratch.iln().args(["rounds", "list"]));
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("No rounds yet."), "{stdout}");
    let (code, _, stderr) = run(scratch.iln().args(["demo"]));
    assert_eq!(code, 0, "{stderr}");
    let (code, table, stderr) = run(scratch.iln().args(["rounds", "list"]));
    assert_eq!(code, 0, "{stderr}");
    assert!(
        table.contains("Demo round (active)") && table.contains("active"),
        "{table}"
    );
    let (code, json, stderr) = run(scratch.iln().args(["rounds", "list", "--json"]));
    assert_eq!(code, 0, "{stderr}");
    let rounds: serde_json::Value = serde_json::from_str(&json).expect("JSON");
    let rounds = rounds.as_array().expect("an array");
    assert_eq!(rounds.len(), 3);
    let states: Vec<&str> = rounds.iter().filter_map(|r| r["state"].as_str()).collect();
    for state in ["review", "closed", "active"] {
        assert!(states.contains(&state), "{states:?}");
    }
    assert!(
        rounds
            .iter()
            .all(|r| r["id"].as_i64().is_some_and(|id| id > 0))
    );
}

/// `iln export` writes a round's data as CSV to standard output or a file, and refuses what
/// it cannot export with one line.
#[test]
fn export_writes_csv_and_refuses_with_one_line() {
    let scratch = Scratch::new();
    let (code, _, stderr) = run(scratch.iln().args(["demo"]));
    assert_eq!(code, 0, "{stderr}");
    let (code, csv, stderr) = run(scratch
        .iln()
        .args(["export", "applications", "--round", "1"]));
    assert_eq!(code, 0, "{stderr}");
    let mut lines = csv.lines();
    assert!(
        lines.next().unwrap().starts_with("name,email,country,"),
        "{csv}"
    );
    assert!(lines.count() > 100, "the in-review round's applications");
    let file = scratch.path().join("pairs.csv");
    let (code, _, stderr) = run(scratch.iln().args([
        "export",
        "partnerships",
        "--round",
        "3",
        "--out",
        file.to_str().unwrap(),
    ]));
    assert_eq!(code, 0, "{stderr}");
    let written = std::fs::read_to_string(&file).unwrap();
    assert!(
        written.starts_with("partnership,members,countries,score,"),
        "{written}"
    );
    for (args, needle) in [
        (
            vec!["export", "everything", "--round", "1"],
            "cannot be exported",
        ),
        (
            vec!["export", "applications", "--round", "999"],
            "there is no round 999",
        ),
        (
            vec!["export", "applications", "--round", "1", "--format", "pdf"],
            "choose csv or xlsx",
        ),
    ] {
        assert_one_line_error(&run(scratch.iln().args(&args)), needle);
    }

    // XLSX reads back with the same header and rows as the CSV.
    let book = scratch.path().join("applications.xlsx");
    let (code, _, stderr) = run(scratch.iln().args([
        "export",
        "applications",
        "--round",
        "1",
        "--format",
        "xlsx",
        "--out",
        book.to_str().unwrap(),
    ]));
    assert_eq!(code, 0, "{stderr}");
    let bytes = std::fs::read(&book).unwrap();
    let sheet = iln_sheet::read(&bytes, "applications.xlsx").unwrap();
    let from_csv = iln_sheet::read(csv.as_bytes(), "applications.csv").unwrap();
    assert_eq!(sheet.header, from_csv.header);
    assert_eq!(sheet.rows.len(), from_csv.rows.len());
    let at = sheet
        .header
        .iter()
        .position(|h| h == "submitted_at")
        .unwrap();
    assert!(
        sheet.rows[0].cells[at].starts_with(&from_csv.rows[0].cells[at][..19]),
        "a date-time cell: {} vs {}",
        sheet.rows[0].cells[at],
        from_csv.rows[0].cells[at]
    );
}

/// `iln import applications`: a dry run lists every problem by line and field and exits 2,
/// writing nothing; a mapping file translates what the recogniser does not know; the import
/// then writes the applications, which the export shows; its mistakes are one line each.
#[test]
fn import_applications_dry_runs_maps_and_imports() {
    let scratch = Scratch::new();
    let (code, _, stderr) = run(scratch.iln().args(["demo"]));
    assert_eq!(code, 0, "{stderr}");
    let (_, json, _) = run(scratch.iln().args(["rounds", "list", "--json"]));
    let rounds: serde_json::Value = serde_json::from_str(&json).expect("JSON");
    let review = rounds
        .as_array()
        .expect("an array")
        .iter()
        .find(|r| r["state"] == "review")
        .and_then(|r| r["id"].as_i64())
        .expect("the round in review")
        .to_string();
    let file = scratch.path().join("responses.csv");
    std::fs::write(
        &file,
        "Timestamp,Email Address,Your name,Country,City,Institution,Type of library,Job title,\
         Years of experience,Areas of interest,Languages,How would you like to communicate?,\
         Who would you like to be matched with?,Goals\n\
         2017/02/01,ana.cli@example.net,Ana Lima,Brasil,Recife,UFPE,Academic library,Librarian,\
         Over 15 yrs,Open access,Portuguese,Email,Open to any,Learn about open access\n\
         2017/02/02,joe.cli@example.net,Joe Bloggs,USA,Austin,APL,Public library,Manager,\
         5-15 years,Advocacy,English,Email,Open to any,Meet colleagues\n",
    )
    .expect("write the file");
    let file = file.to_str().expect("a UTF-8 path");
    let (code, stdout, stderr) = run(scratch.iln().args([
        "import",
        "applications",
        file,
        "--round",
        &review,
        "--dry-run",
    ]));
    assert_eq!(code, 2, "{stdout}{stderr}");
    assert!(
        stdout.contains("country: \"Brasil\" is not a value we know (line 2)"),
        "{stdout}"
    );
    assert!(stdout.contains("career_stage: \"Over 15 yrs\""), "{stdout}");
    assert!(
        stderr.contains("1 of 2 rows have problems; nothing was written"),
        "{stderr}"
    );

    let mapping = scratch.path().join("mapping.toml");
    std::fs::write(
        &mapping,
        "[values.country]\n\"Brasil\" = \"BR\"\n\n[values.career_stage]\n\"Over 15 yrs\" = \"senior\"\n",
    )
    .expect("write the mapping");
    let mapping = mapping.to_str().expect("a UTF-8 path");
    let (code, stdout, stderr) = run(scratch.iln().args([
        "import",
        "applications",
        file,
        "--round",
        &review,
        "--mapping",
        mapping,
        "--dry-run",
    ]));
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stdout.contains("2 rows, no problems; nothing was written"),
        "{stdout}"
    );
    let (_, before, _) = run(scratch
        .iln()
        .args(["export", "applications", "--round", &review]));
    assert!(!before.contains("ana.cli@example.net"));

    let (code, stdout, stderr) = run(scratch.iln().args([
        "import",
        "applications",
        file,
        "--round",
        &review,
        "--mapping",
        mapping,
        "--no-invite",
    ]));
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("Imported 2 applications"), "{stdout}");
    assert!(stdout.contains("0 invited"), "{stdout}");
    let (_, after, _) = run(scratch
        .iln()
        .args(["export", "applications", "--round", &review]));
    let ana = after
        .lines()
        .find(|l| l.contains("ana.cli@example.net"))
        .expect("Ana's application");
    assert!(ana.contains(",BR,") && ana.contains(",senior,"), "{ana}");

    // Again: both have applied now, so every row is a problem and nothing is written.
    let (code, stdout, _) = run(scratch.iln().args([
        "import",
        "applications",
        file,
        "--round",
        &review,
        "--mapping",
        mapping,
    ]));
    assert_eq!(code, 2);
    assert!(
        stdout.contains("line 3: email: someone with this email address has applied"),
        "{stdout}"
    );

    let bad = scratch.path().join("bad.toml");
    std::fs::write(&bad, "[columns]\nnmae = \"Your name\"\n").expect("write");
    let mut command = scratch.iln();
    command.args([
        "import",
        "applications",
        file,
        "--round",
        &review,
        "--mapping",
        bad.to_str().expect("a UTF-8 path"),
    ]);
    assert_one_line_error(&run(&mut command), "\"nmae\" is not one of our fields");
    let mut command = scratch.iln();
    command.args(["import", "applications", file, "--round", "999"]);
    assert_one_line_error(&run(&mut command), "there is no round 999");
}

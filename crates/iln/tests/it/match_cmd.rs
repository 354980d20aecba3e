//! `iln match` end to end: the real binary on applicant files.
#![expect(
    clippy::unwrap_used,
    reason = "test helpers: a panic here is a failed test"
)]

use std::path::Path;
use std::process::Command;

const HEADER: &str = "id,name,email,country,time_zone,sector,career_stage,interests,languages,match_preference,previous_partners\n";

/// Runs `iln match` with `args` (the applicants file is written into `dir` first) and returns
/// the exit code, standard output and standard error.
fn iln_match(dir: &Path, csv: &str, args: &[&str]) -> (i32, String, String) {
    let file = dir.join("applicants.csv");
    std::fs::write(&file, csv).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_iln"))
        .arg("match")
        .arg(&file)
        .args(args)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

/// Twelve people from six countries, two per country, with a previous partnership.
fn round() -> String {
    let places = [
        ("BR", "America/Sao_Paulo"),
        ("Nigeria", "Africa/Lagos"),
        ("FR", "Europe/Paris"),
        ("IN", "Asia/Kolkata"),
        ("JP", "Asia/Tokyo"),
        ("AU", "Australia/Sydney"),
    ];
    let sectors = ["academic", "public", "school", "special"];
    let interests = [
        "social media",
        "disaster response",
        "open access",
        "advocacy",
    ];
    let mut csv = HEADER.to_owned();
    for i in 0..12 {
        let (country, tz) = places[i % 6];
        let previous = if i == 0 {
            "p1"
        } else if i == 1 {
            "p0"
        } else {
            ""
        };
        csv.push_str(&format!(
            "p{i},Person {i},p{i}@example.org,{country},{tz},{},{},{};{},en,{},{previous}\n",
            sectors[i % 4],
            ["student", "early", "mid", "senior"][i % 4],
            interests[i % 4],
            interests[(i + 1) % 4],
            ["any", "career_stage", "interest_sector"][i % 3],
        ));
    }
    csv
}

#[test]
fn pairs_everyone_across_countries_and_writes_the_documented_rows() {
    let dir = tempfile::tempdir().unwrap();
    let (code, out, err) = iln_match(dir.path(), &round(), &[]);
    assert_eq!(code, 0, "{err}");
    let mut lines = out.lines();
    assert_eq!(
        lines.next(),
        Some("partnership,member_ids,member_names,countries,score,explanation")
    );
    let rows: Vec<csv::StringRecord> = csv::Reader::from_reader(out.as_bytes())
        .records()
        .map(Result::unwrap)
        .collect();
    assert_eq!(rows.len(), 6);
    let mut seen = Vec::new();
    for row in &rows {
        let ids: Vec<&str> = row[1].split(';').collect();
        let countries: Vec<&str> = row[3].split(';').collect();
        assert_eq!(ids.len(), 2);
        assert_ne!(countries[0], countries[1], "{row:?}");
        // p0 and p1 were partners before.
        assert!(!(ids.contains(&"p0") && ids.contains(&"p1")));
        assert!(row[4].parse::<i64>().unwrap() > 0);
        assert!(!row[5].is_empty());
        seen.extend(ids.iter().map(|s| s.to_string()));
    }
    seen.sort();
    seen.dedup();
    assert_eq!(seen.len(), 12);
    assert!(err.contains("people: 12\n"), "{err}");
    assert!(err.contains("partnerships: 6 (6 pairs, 0 trios)\n"));
    assert!(err.contains("certified: yes"));
}

#[test]
fn the_same_input_gives_the_same_output_and_out_writes_a_file() {
    let dir = tempfile::tempdir().unwrap();
    let (_, first, _) = iln_match(dir.path(), &round(), &["--fairness"]);
    let (_, second, _) = iln_match(dir.path(), &round(), &["--fairness"]);
    assert_eq!(first, second);
    let out = dir.path().join("pairs.csv");
    let (code, stdout, _) = iln_match(
        dir.path(),
        &round(),
        &["--fairness", "--out", out.to_str().unwrap()],
    );
    assert_eq!(code, 0);
    assert!(stdout.is_empty());
    assert_eq!(std::fs::read_to_string(&out).unwrap(), first);
}

#[test]
fn an_odd_person_joins_a_trio_or_is_reported_unmatched() {
    let dir = tempfile::tempdir().unwrap();
    let mut csv = round();
    csv.push_str("p12,Person 12,p12@example.org,KE,Africa/Nairobi,archives,mid,advocacy,en,any,\n");
    let (code, out, err) = iln_match(dir.path(), &csv, &[]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.lines()
            .any(|l| l.split(',').nth(1).unwrap().split(';').count() == 3)
    );
    assert!(err.contains("(5 pairs, 1 trio)"), "{err}");
    let (_, _, err) = iln_match(dir.path(), &csv, &["--no-trios", "--max-cardinality"]);
    assert!(err.contains("unmatched: 1\n"), "{err}");
    assert!(err.contains("they wait for the next round"));
}

#[test]
fn json_has_the_whole_proposal() {
    let dir = tempfile::tempdir().unwrap();
    let (code, out, _) = iln_match(dir.path(), &round(), &["--json", "--max-cardinality"]);
    assert_eq!(code, 0);
    let json: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(json["mode"], "max_participation");
    assert_eq!(json["people"], 12);
    assert_eq!(json["partnerships"].as_array().unwrap().len(), 6);
    assert_eq!(json["certified"], true);
    assert!(json["partnerships"][0]["pairs"][0]["breakdown"]["points"].is_object());
}

#[test]
fn bad_rows_are_reported_by_line_and_nothing_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let mut csv = round();
    csv.push_str("p12,Person 12,p12@example.org,Atlantis,Africa/Nairobi,archives,mid,,en,any,\n");
    csv.push_str("p0,Again,again@example.org,KE,Africa/Nairobi,archives,mid,,xx,whenever,\n");
    let out = dir.path().join("pairs.csv");
    let (code, stdout, err) = iln_match(dir.path(), &csv, &["--out", out.to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(stdout.is_empty());
    assert!(!out.exists());
    assert!(err.contains("2 bad rows"), "{err}");
    assert!(err.contains("line 14: country: \"Atlantis\""), "{err}");
    assert!(
        err.contains("line 15: id: \"p0\" is already used on line 2"),
        "{err}"
    );
    assert!(err.contains("line 15: languages: \"xx\""), "{err}");
    assert!(
        err.contains("line 15: match_preference: \"whenever\""),
        "{err}"
    );

    let (code, _, err) = iln_match(dir.path(), "id,name\np1,Ana\n", &[]);
    assert_eq!(code, 2);
    assert!(
        err.contains("line 1: the header has no \"email\" column"),
        "{err}"
    );
}

#[test]
fn a_missing_file_is_one_clear_line() {
    let out = Command::new(env!("CARGO_BIN_EXE_iln"))
        .args(["match", "/nonexistent/applicants.csv"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.contains("could not read /nonexistent/applicants.csv"),
        "{err}"
    );
    assert_eq!(err.trim().lines().count(), 1);
}

#[test]
fn program_languages_restrict_who_can_pair() {
    let dir = tempfile::tempdir().unwrap();
    let mut csv = HEADER.to_owned();
    csv.push_str("a,Ana,a@example.org,BR,America/Sao_Paulo,academic,early,,pt,any,\n");
    csv.push_str("b,Bia,b@example.org,PT,Europe/Lisbon,academic,early,,pt,any,\n");
    let (code, out, _) = iln_match(dir.path(), &csv, &[]);
    assert_eq!(code, 0);
    assert_eq!(out.lines().count(), 2);
    let (code, out, err) = iln_match(dir.path(), &csv, &["--languages", "en"]);
    assert_eq!(code, 0);
    assert_eq!(out.lines().count(), 1, "{out}");
    assert!(err.contains("shares no program language"), "{err}");
    let (code, _, err) = iln_match(dir.path(), &csv, &["--languages", "elvish"]);
    assert_eq!(code, 2);
    assert!(err.contains("--languages"), "{err}");
}

/// A file as people fill it in elsewhere: "USA", "15+ years", "Academic library", "Open to
/// any". Every row is read, and everyone is paired.
#[test]
fn values_typed_in_other_forms_are_read() {
    let dir = tempfile::tempdir().unwrap();
    let csv = format!(
        "{HEADER}\
         a1,Ana,ana@example.org,USA,America/New_York,Academic library,15+ years,open access,English,Open to any,\n\
         a2,Ben,ben@example.org,UK,Europe/London,Public libraries,0-5 years,open access,en,By career stage,\n\
         a3,Chi,chi@example.org,Nigeria,Africa/Lagos,University Library,5-15 years,open access,English,by interest/sector,\n\
         a4,Dev,dev@example.org,India,Asia/Kolkata,Library school,More than 15 years,open access,EN,No preference,\n"
    );
    let (code, out, err) = iln_match(dir.path(), &csv, &[]);
    assert_eq!(code, 0, "{err}");
    for id in ["a1", "a2", "a3", "a4"] {
        assert!(out.contains(id), "{id} missing from {out}");
    }
}

/// The same applicants as an Excel workbook give the same partnerships; a workbook that is
/// refused says why in one line, with exit code 2.
#[test]
fn an_xlsx_file_matches_like_its_csv() {
    let dir = tempfile::tempdir().unwrap();
    let csv = round();
    let (code, from_csv, stderr) = iln_match(dir.path(), &csv, &[]);
    assert_eq!(code, 0, "{stderr}");
    let sheet = iln_sheet::read(csv.as_bytes(), "applicants.csv").unwrap();
    let rows = sheet.rows.into_iter().map(|r| r.cells).collect();
    let xlsx =
        iln_sheet::write_xlsx(&iln_sheet::Table::text(sheet.header, rows), "Applicants").unwrap();
    let file = dir.path().join("applicants.xlsx");
    std::fs::write(&file, &xlsx).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_iln"))
        .arg("match")
        .arg(&file)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(String::from_utf8(out.stdout).unwrap(), from_csv);

    // A zip that is not a workbook.
    let mut fake = b"PK\x03\x04".to_vec();
    fake.extend_from_slice(&[0; 64]);
    std::fs::write(&file, &fake).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_iln"))
        .arg("match")
        .arg(&file)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.starts_with("error: could not read the applicants file: "),
        "{stderr}"
    );
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
}

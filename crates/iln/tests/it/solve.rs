//! `iln solve` end to end: the real binary on files and standard input.

use std::io::Write;
use std::process::{Command, Stdio};

fn iln_solve(args: &[&str], stdin: &str) -> (i32, String, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_iln"))
        .arg("solve")
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start iln solve");
    child
        .stdin
        .take()
        .expect("a pipe to standard input")
        .write_all(stdin.as_bytes())
        .expect("write standard input");
    let out = child.wait_with_output().expect("wait for iln solve");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).expect("UTF-8 output"),
        String::from_utf8(out.stderr).expect("UTF-8 errors"),
    )
}

#[test]
fn solves_standard_input_and_certifies() {
    let (code, out, _) = iln_solve(&["--certify"], "# round\n10 20 5\n20 30 6\n30 40 5\n");
    assert_eq!(code, 0);
    let json: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(json["weight"], 10);
    assert_eq!(json["cardinality"], 2);
    assert_eq!(json["pairs"], serde_json::json!([[10, 20], [30, 40]]));
    assert_eq!(json["certified"], true);
}

#[test]
fn reads_a_file_in_every_mode() {
    let dir = std::env::temp_dir().join(format!("iln-solve-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("edges.txt");
    // A path whose heavy middle edge beats the two light ends together: maximum weight
    // takes it alone, maximum cardinality takes the two ends.
    std::fs::write(&file, "1 2 1\n2 3 10\n3 4 1\n").unwrap();
    let path = file.to_str().unwrap();
    let (_, out, _) = iln_solve(&[path], "");
    let json: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(
        (json["weight"].as_i64(), json["cardinality"].as_i64()),
        (Some(10), Some(1))
    );
    let (_, out, _) = iln_solve(&["--max-cardinality", path], "");
    let json: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(
        (json["weight"].as_i64(), json["cardinality"].as_i64()),
        (Some(2), Some(2))
    );
    let (_, out, _) = iln_solve(&["--fairness", "--certify", path], "");
    let json: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(json["floor"], 1);
    assert_eq!(json["certified"], true);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn empty_input_gives_no_pairs() {
    let (code, out, _) = iln_solve(&[], "");
    assert_eq!(code, 0);
    let json: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(json["weight"], 0);
    assert_eq!(json["pairs"], serde_json::json!([]));
}

#[test]
fn a_malformed_line_exits_2_and_names_the_line() {
    let (code, out, err) = iln_solve(&[], "1 2 3\n\n4 5 six\n");
    assert_eq!(code, 2);
    assert!(out.is_empty());
    assert!(err.contains("line 3"), "{err}");
    assert!(err.contains("six"), "{err}");
}

//! A round's downloads: admins get every row and coordinators their countries' rows, as CSV
//! and typed XLSX with attachment headers and a file name from the round's name; cells that
//! would run a formula are inert in both; participants, unknown exports and unknown rounds
//! get 404; signed-out visitors are sent to sign in.

use axum::http::{StatusCode, header};
use calamine::{Data, Reader, Xlsx};
use iln_domain::account::Role;

use crate::helpers::TestApp;
use crate::matching::answers;
use crate::partnerships::published;

const FORMULA: &str = "=HYPERLINK(\"http://evil.example\",\"click\")";

fn header_of(page: &crate::helpers::Page, name: header::HeaderName) -> &str {
    page.headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
}

#[tokio::test]
async fn staff_download_a_rounds_exports_in_their_scope() {
    let app = TestApp::new().await;
    let round = published(&app, 6).await;
    // One more application in Kenya, with cells a spreadsheet would run.
    let user = app
        .user("formula@example.org", Role::Participant, &[])
        .await;
    let mut sly = answers(9, "KE");
    sly.institution = FORMULA.to_owned();
    sly.goals = "-2+3".to_owned();
    app.store
        .submit_application(round, user, &sly, app.clock_now())
        .await
        .unwrap();
    app.user("coord@iln.test", Role::CountryCoordinator, &["KE"])
        .await;

    let mut admin = app.browser();
    admin.sign_in("admin@example.org").await;
    let page = admin.get(&format!("/rounds/{round}")).await;
    for file in ["applications.csv", "applications.xlsx", "surveys.xlsx"] {
        assert!(
            page.body
                .contains(&format!("href=\"/rounds/{round}/export/{file}\"")),
            "{file}: {}",
            page.body
        );
    }

    // CSV: every row, inert formulas, an attachment named after the round.
    let csv = admin
        .get(&format!("/rounds/{round}/export/applications.csv"))
        .await;
    assert_eq!(csv.status, StatusCode::OK);
    assert_eq!(
        header_of(&csv, header::CONTENT_TYPE),
        "text/csv; charset=utf-8"
    );
    assert_eq!(
        header_of(&csv, header::CONTENT_DISPOSITION),
        "attachment; filename=\"2027-round-1-applications.csv\""
    );
    assert!(
        csv.body.starts_with("\u{feff}name,email,country,"),
        "a byte-order mark for Excel, then the header: {}",
        csv.body
    );
    assert_eq!(
        csv.body.lines().count(),
        8,
        "a header and seven applications"
    );
    assert!(
        csv.body
            .contains("\"'=HYPERLINK(\"\"http://evil.example\"\",\"\"click\"\")\""),
        "{}",
        csv.body
    );
    assert!(csv.body.contains(",'-2+3,"), "{}", csv.body);

    // XLSX: the same rows, typed, no cell a formula, and text exactly as typed.
    let xlsx = admin
        .get(&format!("/rounds/{round}/export/applications.xlsx"))
        .await;
    assert_eq!(xlsx.status, StatusCode::OK);
    assert_eq!(
        header_of(&xlsx, header::CONTENT_TYPE),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    );
    assert!(header_of(&xlsx, header::CONTENT_DISPOSITION).ends_with("applications.xlsx\""));
    let sheet = iln_sheet::read(&xlsx.bytes, "applications.xlsx").unwrap();
    assert_eq!(sheet.rows.len(), 7);
    let institution = sheet
        .header
        .iter()
        .position(|h| h == "institution")
        .unwrap();
    assert!(sheet.rows.iter().any(|r| r.cells[institution] == FORMULA));
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(xlsx.bytes.clone())).unwrap();
    let mut xml = String::new();
    std::io::Read::read_to_string(
        &mut archive.by_name("xl/worksheets/sheet1.xml").unwrap(),
        &mut xml,
    )
    .unwrap();
    assert!(!xml.contains("<f>") && !xml.contains("<f "), "no formulas");
    let mut book: Xlsx<_> = Xlsx::new(std::io::Cursor::new(xlsx.bytes.clone())).unwrap();
    let range = book.worksheet_range("applications").unwrap();
    let submitted = sheet
        .header
        .iter()
        .position(|h| h == "submitted_at")
        .unwrap();
    let first = range.rows().nth(1).unwrap();
    assert!(
        matches!(first[submitted], Data::DateTime(_)),
        "{:?}",
        first[submitted]
    );

    let pairs = admin
        .get(&format!("/rounds/{round}/export/partnerships.xlsx"))
        .await;
    let mut book: Xlsx<_> = Xlsx::new(std::io::Cursor::new(pairs.bytes)).unwrap();
    let range = book.worksheet_range("partnerships").unwrap();
    let row = range.rows().nth(1).unwrap();
    assert!(matches!(row[0], Data::Float(_)), "the id: {:?}", row[0]);
    assert!(matches!(row[3], Data::Float(_)), "the score: {:?}", row[3]);

    let surveys = admin
        .get(&format!("/rounds/{round}/export/surveys.csv"))
        .await;
    assert_eq!(surveys.status, StatusCode::OK);
    assert!(
        surveys
            .body
            .starts_with("\u{feff}survey,survey_title,question,")
    );

    // A coordinator gets their country's rows only, and the page says so.
    let mut coordinator = app.browser();
    coordinator.sign_in("coord@iln.test").await;
    let page = coordinator.get(&format!("/rounds/{round}")).await;
    assert!(page.body.contains("people of your countries only"));
    assert!(
        page.body
            .contains(&format!("/rounds/{round}/export/participants.csv"))
    );
    let theirs = coordinator
        .get(&format!("/rounds/{round}/export/applications.csv"))
        .await;
    assert_eq!(theirs.status, StatusCode::OK);
    let sheet = iln_sheet::read(theirs.body.as_bytes(), "x.csv").unwrap();
    let country = sheet.header.iter().position(|h| h == "country").unwrap();
    assert_eq!(sheet.rows.len(), 2);
    assert!(sheet.rows.iter().all(|r| r.cells[country] == "KE"));
    let theirs = coordinator
        .get(&format!("/rounds/{round}/export/participants.xlsx"))
        .await;
    let sheet = iln_sheet::read(&theirs.bytes, "x.xlsx").unwrap();
    assert!(sheet.rows.iter().all(|r| r.cells[2] == "KE"), "{sheet:?}");

    // Participants, unknown exports, formats and rounds: 404. Visitors: sign in first.
    let mut participant = app.browser();
    participant.sign_in("applicant1@example.org").await;
    for path in [
        format!("/rounds/{round}/export/applications.csv"),
        format!("/rounds/{round}/export/surveys.xlsx"),
    ] {
        assert_eq!(participant.get(&path).await.status, StatusCode::NOT_FOUND);
    }
    for path in [
        format!("/rounds/{round}/export/everything.csv"),
        format!("/rounds/{round}/export/applications.pdf"),
        format!("/rounds/{round}/export/applications"),
        "/rounds/999/export/applications.csv".to_owned(),
        "/rounds/x/export/applications.csv".to_owned(),
    ] {
        assert_eq!(
            admin.get(&path).await.status,
            StatusCode::NOT_FOUND,
            "{path}"
        );
    }
    let mut visitor = app.browser();
    let page = visitor
        .get(&format!("/rounds/{round}/export/applications.csv"))
        .await;
    assert_ne!(page.status, StatusCode::OK);
    assert!(
        page.location().starts_with("/signin"),
        "{}",
        page.location()
    );
}

//! Importing applications through the site: an admin uploads a Google-Forms-style CSV, says
//! what an unknown answer means, leaves a bad row out, confirms and imports, and the new
//! people are invited; the upload form's token is checked; others cannot reach the pages;
//! a file too large, empty or not a spreadsheet is refused with words that say why.

use axum::http::StatusCode;
use iln_domain::account::Role;
use iln_store::{ApplicationFilter, RoundId};

use crate::helpers::TestApp;
use crate::rounds::{ROUND_FIELDS, admin, create_round};

const FILE: &str = "Timestamp,Email Address,Your name,Which country do you work in?,City or town,\
Institution / organisation,Type of library,Job title,Years of experience,Areas of interest,\
Languages you speak,How would you like to communicate?,Who would you like to be matched with?,\
What do you hope to gain?
2017/02/01 10:00,ana@example.net,Ana Lima,Brasil,Recife,UFPE,Academic library,Librarian,\
15+ years,\"Open access, Social media\",\"Portuguese, English\",\"Email, Video calls\",\
Open to any,Learn about open access
2017/02/01 11:00,joe@example.net,Joe Bloggs,USA,Austin,Austin Public Library,Public library,\
Branch manager,5-15 years,Open access,English,Email,Open to any,Meet colleagues
2017/02/01 12:00,kim@example,Kim Lee,\"Korea, Republic of\",Seoul,SNU,Academic library,\
Cataloguer,0-5 years,Open access,English,Email,Open to any,Share practice
";

#[expect(
    clippy::unwrap_used,
    reason = "test helper: a panic here is a failed test"
)]
async fn count(app: &TestApp, round: i64) -> usize {
    app.store
        .applications(RoundId(round), &ApplicationFilter::all())
        .await
        .unwrap()
        .len()
}

#[tokio::test]
async fn an_admin_uploads_maps_leaves_out_confirms_and_imports() {
    let app = TestApp::new().await;
    let mut admin = admin(&app).await;
    let round = create_round(&mut admin, &ROUND_FIELDS).await;
    let page = admin.get(&format!("/rounds/{round}")).await;
    assert!(page.body.contains(&format!("/rounds/{round}/import")));
    let page = admin
        .post_file(
            &format!("/rounds/{round}/import"),
            &[],
            ("forms.csv", FILE.as_bytes()),
            true,
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    let review = page.location().to_owned();
    assert!(review.starts_with("/imports/"), "{review}");
    let page = admin.get(&review).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("“Brasil”"), "{}", page.body);
    assert!(page.body.contains("Line 4"), "the bad email's line");
    assert!(page.body.contains("must be a domain"), "{}", page.body);
    // The suggested columns are selected.
    assert!(page.body.contains("<option value=\"Your name\" selected>"));
    // Not ready: the confirmation is refused while rows have problems.
    let confirm = admin.get(&format!("{review}/confirm")).await;
    assert!(
        confirm.body.contains("still have problems"),
        "{}",
        confirm.body
    );

    let mut fields: Vec<(String, String)> = vec![
        ("value_0".into(), "BR".into()),
        ("text_0".into(), "Brasil".into()),
        ("exclude".into(), "4".into()),
        ("keep_notes".into(), "on".into()),
        ("save_as".into(), "Forms 2017".into()),
    ];
    for (field, header) in [
        ("name", "Your name"),
        ("email", "Email Address"),
        ("country", "Which country do you work in?"),
        ("city", "City or town"),
        ("institution", "Institution / organisation"),
        ("sector", "Type of library"),
        ("role", "Job title"),
        ("career_stage", "Years of experience"),
        ("interests", "Areas of interest"),
        ("languages", "Languages you speak"),
        ("communication", "How would you like to communicate?"),
        ("match_preference", "Who would you like to be matched with?"),
        ("goals", "What do you hope to gain?"),
    ] {
        fields.push((format!("col_{field}"), header.to_owned()));
    }
    let borrowed: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let page = admin.post(&review, &borrowed).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    assert!(page.location().ends_with("?done=saved"));
    let page = admin.get(&review).await;
    assert!(page.body.contains("means Brazil"), "{}", page.body);
    assert!(page.body.contains("2 ready to import"), "{}", page.body);
    let mapping = admin.get(&format!("{review}/mapping.toml")).await;
    assert!(
        mapping
            .body
            .contains("[values.country]\n\"brasil\" = \"BR\""),
        "{}",
        mapping.body
    );

    let confirm = admin.get(&format!("{review}/confirm")).await;
    assert!(
        confirm.body.contains("Import 2 applications"),
        "{}",
        confirm.body
    );
    assert!(
        confirm
            .body
            .contains("Email the 2 people new to the platform")
    );
    assert_eq!(count(&app, round).await, 0, "nothing before the yes");
    let page = admin
        .post(&format!("{review}/commit"), &[("invite", "on")])
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    assert!(
        page.location().contains("imported=2"),
        "{}",
        page.location()
    );
    assert_eq!(count(&app, round).await, 2);
    app.deliver().await;
    let link = app.link_in_mail("ana@example.net", "/reset?token=");
    assert!(!link.is_empty());
    let done = admin.get(page.location()).await;
    assert!(
        done.body.contains("Imported 2 applications"),
        "{}",
        done.body
    );
    // The saved mapping is offered for the next file.
    assert!(
        done.body.contains("<option value=\"Forms 2017\">"),
        "{}",
        done.body
    );
    // The upload is gone.
    assert_eq!(admin.get(&review).await.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_import_pages_are_for_admins_and_check_the_token() {
    let app = TestApp::new().await;
    let mut admin = admin(&app).await;
    let round = create_round(&mut admin, &ROUND_FIELDS).await;
    let path = format!("/rounds/{round}/import");
    let page = admin
        .post_file(&path, &[], ("forms.csv", FILE.as_bytes()), false)
        .await;
    assert_eq!(page.status, StatusCode::FORBIDDEN, "no token, no upload");
    for (email, role, countries) in [
        ("p@iln.test", Role::Participant, vec![]),
        ("c@iln.test", Role::CountryCoordinator, vec!["US"]),
    ] {
        app.user(email, role, &countries).await;
        let mut other = app.browser();
        other.sign_in(email).await;
        assert_eq!(other.get(&path).await.status, StatusCode::FORBIDDEN);
        let page = other
            .post_file(&path, &[], ("forms.csv", FILE.as_bytes()), true)
            .await;
        assert_eq!(page.status, StatusCode::FORBIDDEN);
    }
    assert_eq!(count(&app, round).await, 0);
}

#[tokio::test]
async fn files_that_cannot_be_imported_are_refused_with_reasons() {
    let app = TestApp::new().await;
    let mut admin = admin(&app).await;
    let round = create_round(&mut admin, &ROUND_FIELDS).await;
    let path = format!("/rounds/{round}/import");
    let big = vec![b'a'; iln_sheet::MAX_FILE_BYTES + 300 * 1024];
    let page = admin.post_file(&path, &[], ("big.csv", &big), true).await;
    assert_eq!(page.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(page.body.contains("at most 20 MB"), "{}", page.body);
    for (name, bytes, words) in [
        ("empty.csv", &b""[..], "The file is empty"),
        (
            "picture.png",
            &b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"[..],
            "picture.png:",
        ),
        (
            "header.csv",
            &b"Name,Email\n"[..],
            "no rows of data below it",
        ),
    ] {
        let page = admin.post_file(&path, &[], (name, bytes), true).await;
        assert_eq!(page.status, StatusCode::OK, "{name}: {}", page.body);
        assert!(page.body.contains("role=\"alert\""), "{name}");
        assert!(page.body.contains(words), "{name}: {}", page.body);
    }
    assert_eq!(count(&app, round).await, 0);
}

#[tokio::test]
async fn an_xlsx_file_imports_and_other_encodings_are_refused() {
    let app = TestApp::new().await;
    let mut admin = admin(&app).await;
    let round = create_round(&mut admin, &ROUND_FIELDS).await;
    let path = format!("/rounds/{round}/import");
    // The same answers as an Excel workbook: read like the CSV, the lines its row numbers.
    let sheet = iln_sheet::read(FILE.as_bytes(), "forms.csv").expect("the CSV reads");
    let rows: Vec<Vec<String>> = sheet.rows.into_iter().map(|r| r.cells).collect();
    let xlsx = iln_sheet::write_xlsx(
        &iln_sheet::Table::text(sheet.header, rows),
        "Form responses 1",
    )
    .expect("a workbook");
    let page = admin
        .post_file(&path, &[], ("Form responses.xlsx", &xlsx), true)
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    let review = admin.get(page.location()).await;
    assert!(review.body.contains("“Brasil”"), "{}", review.body);
    assert!(review.body.contains("Line 4"), "the bad email's row number");
    // UTF-16 (as Excel's "Unicode text") and Windows-1252 are refused with how to fix it.
    let utf16: Vec<u8> = [0xFF, 0xFE]
        .into_iter()
        .chain(FILE.encode_utf16().flat_map(u16::to_le_bytes))
        .collect();
    let latin1: Vec<u8> = b"Name,Email\nJos\xe9 P\xe9rez,jose@example.net\n".to_vec();
    for (name, bytes) in [("utf16.csv", utf16), ("latin1.csv", latin1)] {
        let page = admin.post_file(&path, &[], (name, &bytes), true).await;
        assert_eq!(page.status, StatusCode::OK, "{name}");
        assert!(page.body.contains("UTF-8"), "{name}: {}", page.body);
    }
    assert_eq!(count(&app, round).await, 0);
}

#[tokio::test]
async fn problems_come_a_hundred_a_page_and_choices_on_other_pages_are_kept() {
    let app = TestApp::new().await;
    let mut admin = admin(&app).await;
    let round = create_round(&mut admin, &ROUND_FIELDS).await;
    // 150 rows without a city: every one has a problem.
    let mut text = String::from(
        "Your name,Email,Country,Sector,Career stage,Languages,Communication,Match preference,Goals,Institution,Role\n",
    );
    for i in 0..150 {
        text.push_str(&format!(
            "Person {i},p{i}@example.net,Kenya,Public library,5-15 years,English,Email,Open to any,Learn,Library {i},Librarian\n"
        ));
    }
    let page = admin
        .post_file(
            &format!("/rounds/{round}/import"),
            &[],
            ("many.csv", text.as_bytes()),
            true,
        )
        .await;
    let review = page.location().to_owned();
    let first = admin.get(&review).await;
    assert!(first.body.contains("Line 2:") && first.body.contains("Line 101:"));
    assert!(
        !first.body.contains("Line 102:"),
        "a hundred on the first page"
    );
    assert!(first.body.contains("Page 1 of 2"), "{}", first.body);
    let second = admin.get(&format!("{review}?page=2")).await;
    assert!(second.body.contains("Line 151:") && !second.body.contains("Line 101:"));
    // Leave out line 151 on page 2, then line 2 on page 1: both stay left out.
    let shown2: Vec<String> = (102..=151).map(|l| l.to_string()).collect();
    let shown2 = shown2.join(",");
    let page = admin
        .post(
            &review,
            &[("shown", &shown2), ("page", "2"), ("exclude", "151")],
        )
        .await;
    assert!(page.location().ends_with("page=2"), "{}", page.location());
    let shown1: Vec<String> = (2..=101).map(|l| l.to_string()).collect();
    let shown1 = shown1.join(",");
    admin
        .post(&review, &[("shown", &shown1), ("exclude", "2")])
        .await;
    let page = admin.get(&review).await;
    assert!(page.body.contains("2 left out"), "{}", page.body);
}

#[tokio::test]
async fn a_round_past_its_review_says_it_takes_no_imports() {
    let app = TestApp::new().await;
    let round = crate::partnerships::published(&app, 4).await;
    let mut admin = app.browser();
    admin.sign_in("admin@example.org").await;
    let page = admin.get(&format!("/rounds/{round}/import")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body.contains("while a round is open or in review"),
        "{}",
        page.body
    );
    assert!(!page.body.contains("type=\"file\""));
    let round_page = admin.get(&format!("/rounds/{round}")).await;
    assert!(
        !round_page.body.contains("/import\""),
        "no link to it either"
    );
}

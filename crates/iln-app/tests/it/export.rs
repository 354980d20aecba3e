//! Exports on both backends: every application of a round with its codes, a country
//! coordinator's own countries only, nothing for participants; CSV cells a spreadsheet would
//! run are made inert.

use iln_app::Actor;
use iln_app::export::{self, Table, What};
use iln_domain::account::Role;

use crate::app_tests;
use crate::support::TestApp;
use crate::topics::active_round;

app_tests!(a_round_exports_in_each_readers_scope,);

async fn a_round_exports_in_each_readers_scope(t: &TestApp) {
    let (round, _) = active_round(t).await;
    let all = export::table(&t.app, &Actor::Cli, round, What::Applications)
        .await
        .unwrap();
    assert_eq!(all.rows.len(), 6);
    assert_eq!(all.header[0], "name");
    let country = all.header.iter().position(|h| h == "country").unwrap();
    assert!(all.rows.iter().any(|r| r[country] == "IN"));
    let india = iln_domain::country::CountryCode::parse("IN").unwrap();
    let coordinator = Actor::User {
        id: iln_store::UserId(1),
        role: Role::CountryCoordinator,
        countries: vec![india],
    };
    for what in [What::Applications, What::Participants] {
        let theirs = export::table(&t.app, &coordinator, round, what)
            .await
            .unwrap();
        assert_eq!(theirs.rows.len(), 1, "{what:?}");
        assert!(
            theirs.rows[0].contains(&"IN".to_owned()),
            "{what:?}: {:?}",
            theirs.rows
        );
    }
    // Each export reads back through iln-sheet with the same cells, in both formats (XLSX
    // gives date-times without their zone: a spreadsheet has none).
    for what in What::ALL {
        let table = export::table(&t.app, &Actor::Cli, round, what)
            .await
            .unwrap();
        if table.rows.is_empty() {
            continue;
        }
        for format in export::Format::ALL {
            let bytes = export::write(&table, format, what.as_str()).unwrap();
            let sheet = iln_sheet::read(&bytes, "export").unwrap();
            assert_eq!(sheet.header, table.header, "{what:?} {format:?}");
            let back: Vec<Vec<String>> = sheet.rows.into_iter().map(|r| r.cells).collect();
            let expected: Vec<Vec<String>> = table
                .rows
                .iter()
                .map(|row| {
                    row.iter()
                        .enumerate()
                        .map(|(n, cell)| match (format, table.kind(n)) {
                            (export::Format::Xlsx, export::Kind::DateTime) => {
                                cell.trim_end_matches('Z').to_owned()
                            }
                            _ => cell.trim().to_owned(),
                        })
                        .collect()
                })
                .collect();
            assert_eq!(back, expected, "{what:?} {format:?}");
        }
    }

    let pairs = export::table(&t.app, &coordinator, round, What::Partnerships)
        .await
        .unwrap();
    assert_eq!(pairs.rows.len(), 1);
    assert_eq!(
        pairs.rows[0][2], "IN",
        "the partner of another country is not named"
    );
    let participant = Actor::User {
        id: iln_store::UserId(1),
        role: Role::Participant,
        countries: Vec::new(),
    };
    assert!(matches!(
        export::table(&t.app, &participant, round, What::Applications).await,
        Err(iln_app::AppError::NotFound)
    ));
    assert!(matches!(
        export::table(
            &t.app,
            &Actor::Cli,
            iln_store::RoundId(999),
            What::Applications
        )
        .await,
        Err(iln_app::AppError::NotFound)
    ));

    // Formula cells are inert; commas, quotes and line breaks are quoted.
    let table = Table::text(
        vec!["a".to_owned(), "b".to_owned()],
        vec![
            vec!["=HYPERLINK(\"x\")".to_owned(), "+1".to_owned()],
            vec!["@SUM(A1)".to_owned(), "\tx".to_owned()],
            vec!["Lagos, Nigeria".to_owned(), "two\nlines".to_owned()],
        ],
    );
    let csv = export::csv(&table);
    assert_eq!(
        csv,
        "a,b\r\n\"'=HYPERLINK(\"\"x\"\")\",'+1\r\n'@SUM(A1),\"'\tx\"\r\n\"Lagos, Nigeria\",\"two\nlines\"\r\n"
    );
}

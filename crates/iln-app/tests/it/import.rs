//! Importing applications from a spreadsheet, on both backends: a Google-Forms-style file
//! with an unknown value mapped, people found by email or created and invited, notes from
//! the left-over columns, previous partners kept apart; the commit all or nothing; the
//! refusals; and an export of a round read back into an empty round with the same answers.

use std::collections::BTreeSet;

use iln_app::export::{self, What};
use iln_app::import::{self, File, ImportError};
use iln_app::{Actor, AppError};
use iln_domain::account::Role;
use iln_domain::import::{Field, Mapping, ProblemKind};
use iln_domain::round::RoundState;
use iln_store::ApplicationFilter;

use crate::app_tests;
use crate::applications::{account, open_round};
use crate::support::TestApp;
use crate::topics::active_round;

app_tests!(
    a_forms_file_imports_people_invitations_notes_and_previous_partners,
    a_commit_is_all_or_nothing_until_the_rows_are_fixed_or_left_out,
    imports_are_refused_with_reasons_and_write_nothing,
    an_export_reads_back_into_an_empty_round_with_the_same_answers,
    an_xlsx_export_reads_back_the_same,
);

const HEADER: &str = "Timestamp,Email Address,Your name,Which country do you work in?,City or town,\
Institution / organisation,Type of library,Job title,Years of experience,Areas of interest,\
Languages you speak,How would you like to communicate?,Who would you like to be matched with?,\
What do you hope to gain?,Previous partners";

fn file(rows: &[&str]) -> Vec<u8> {
    let mut text = String::from(HEADER);
    for row in rows {
        text.push('\n');
        text.push_str(row);
    }
    text.push('\n');
    text.into_bytes()
}

const ANA: &str = "2017/02/01 10:00,ana@example.net,Ana Lima,Brasil,Recife,UFPE,Academic library,\
Librarian,15+ years,\"Open access, Social media\",\"Portuguese, English\",\"Email, Video calls\",\
Open to any,Learn about open access,old.partner@example.org";
const JOE: &str = "2017/02/01 11:00,joe@example.net,Joe Bloggs,USA,Austin,Austin Public Library,\
Public library,Branch manager,5-15 years,Advocacy,English,Email,Open to any,Meet colleagues,";
const KIM: &str = "2017/02/01 12:00,kim@example.net,Kim Lee,\"Korea, Republic of\",Seoul,SNU,\
Academic library,Cataloguer,0-5 years,Cataloguing and metadata,\"Korean, English\",Email,\
Open to any,Share cataloguing practice,";

async fn admin(t: &TestApp) -> Actor {
    account(t, "admin@example.org", Role::Admin, &[], true).await
}

async fn applications(t: &TestApp, round: iln_store::RoundId) -> usize {
    t.store
        .applications(round, &ApplicationFilter::all())
        .await
        .unwrap()
        .len()
}

async fn a_forms_file_imports_people_invitations_notes_and_previous_partners(t: &TestApp) {
    let round = open_round(t).await;
    let admin = admin(t).await;
    // Joe has an account already: he is found by email, not made twice, and not invited.
    account(t, "joe@example.net", Role::Participant, &[], true).await;
    let old = account(t, "old.partner@example.org", Role::Participant, &[], true).await;
    let bytes = file(&[ANA, JOE, KIM]);
    let upload = import::upload(
        &t.app,
        &admin,
        round,
        File {
            name: "forms.csv",
            bytes: &bytes,
        },
        None,
    )
    .await
    .unwrap();
    let checked = import::check(&t.app, &admin, upload).await.unwrap();
    assert_eq!(checked.preview.rows.len(), 3);
    assert_eq!(
        checked.preview.unknown.len(),
        1,
        "{:?}",
        checked.preview.unknown
    );
    assert_eq!(checked.preview.unknown[0].text, "Brasil");
    assert_eq!(checked.preview.unknown[0].lines, vec![2]);
    assert!(matches!(
        import::commit(&t.app, &admin, upload, true).await,
        Err(ImportError::Problems { lines }) if lines == vec![2]
    ));
    assert_eq!(applications(t, round).await, 0, "nothing written");

    let mut mapping = checked.upload.mapping.clone();
    mapping
        .values
        .entry(Field::Country)
        .or_default()
        .insert(Mapping::value_key("Brasil"), "XX".to_owned());
    assert!(matches!(
        import::set_mapping(&t.app, &admin, upload, &mapping, &BTreeSet::new()).await,
        Err(ImportError::NotAValue {
            field: Field::Country,
            ..
        })
    ));
    mapping
        .values
        .entry(Field::Country)
        .or_default()
        .insert(Mapping::value_key("Brasil"), "BR".to_owned());
    import::set_mapping(&t.app, &admin, upload, &mapping, &BTreeSet::new())
        .await
        .unwrap();
    import::save_mapping(&t.app, &admin, "Google Form 2017", &mapping)
        .await
        .unwrap();
    let imported = import::commit(&t.app, &admin, upload, true).await.unwrap();
    assert_eq!(imported.applications, 3);
    assert_eq!(imported.new_people, 2);
    assert_eq!(imported.invited, 2);
    assert_eq!(applications(t, round).await, 3);

    let ana = t
        .store
        .user_by_email(&iln_domain::account::Email::parse("ana@example.net").unwrap())
        .await
        .unwrap()
        .unwrap();
    assert!(!ana.email_verified, "the invitation link confirms it");
    let application = t
        .store
        .application_of(round, ana.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(application.application.country.as_str(), "BR");
    assert_eq!(application.application.career_stage.as_str(), "senior");
    let notes = t.store.application_notes(application.id).await.unwrap();
    assert_eq!(notes.len(), 1);
    assert!(
        notes[0].body.contains("Timestamp: 2017/02/01 10:00"),
        "{}",
        notes[0].body
    );

    let mail = t.store.list_outbox(100, 0).await.unwrap();
    let invited: Vec<&str> = mail
        .iter()
        .filter(|m| m.subject.starts_with("Invited"))
        .map(|m| m.to.as_str())
        .collect();
    assert_eq!(invited.len(), 2);
    assert!(invited.contains(&"ana@example.net") && invited.contains(&"kim@example.net"));

    let past = t.store.all_past_partners().await.unwrap();
    assert!(past[&ana.id].partners.contains(&old.user_id().unwrap()));
    assert!(past[&old.user_id().unwrap()].partners.contains(&ana.id));

    let log = t.store.list_audit(5, 0).await.unwrap();
    let entry = log
        .iter()
        .find(|e| e.action == "import.applications")
        .unwrap();
    let detail = entry.detail.as_deref().unwrap();
    assert!(
        detail.contains("forms.csv") && detail.contains(&format!("{} bytes", bytes.len())),
        "{detail}"
    );
    assert!(detail.contains("3 rows"), "{detail}");
    assert!(log.iter().any(|e| e.action == "import.mapping_save"));
    // The upload is gone once committed; the saved mapping stays for the next file.
    assert!(matches!(
        import::check(&t.app, &admin, upload).await,
        Err(ImportError::App(AppError::NotFound))
    ));
    let saved = import::saved_mappings(&t.app, &admin).await.unwrap();
    assert_eq!(saved.len(), 1);
    assert_eq!(saved[0].mapping, mapping);
}

async fn a_commit_is_all_or_nothing_until_the_rows_are_fixed_or_left_out(t: &TestApp) {
    let round = open_round(t).await;
    let admin = admin(t).await;
    let bad = "2017/02/01 13:00,not-an-email,Lee Chan,Singapore,Singapore,NLB,Public library,\
Librarian,0-5 years,Advocacy,English,Email,Open to any,Learn,";
    let bytes = file(&[JOE, bad, JOE]);
    let upload = import::upload(
        &t.app,
        &admin,
        round,
        File {
            name: "late.csv",
            bytes: &bytes,
        },
        None,
    )
    .await
    .unwrap();
    let checked = import::check(&t.app, &admin, upload).await.unwrap();
    let kinds: Vec<(u64, Option<Field>, ProblemKind)> = checked
        .preview
        .rows_with_problems()
        .flat_map(|r| r.problems.iter().map(|p| (p.line, p.field, p.kind.clone())))
        .collect();
    assert!(
        kinds.iter().any(|(l, f, k)| *l == 3
            && *f == Some(Field::Email)
            && matches!(k, ProblemKind::Invalid { .. })),
        "{kinds:?}"
    );
    assert!(kinds.contains(&(
        4,
        Some(Field::Email),
        ProblemKind::DuplicateInFile { first_line: 2 }
    )));
    assert!(matches!(
        import::commit(&t.app, &admin, upload, true).await,
        Err(ImportError::Problems { lines }) if lines == vec![3, 4]
    ));
    assert_eq!(applications(t, round).await, 0);
    let users = t.store.list_users().await.unwrap().len();
    let mapping = checked.upload.mapping.clone();
    import::set_mapping(&t.app, &admin, upload, &mapping, &BTreeSet::from([3, 4]))
        .await
        .unwrap();
    let imported = import::commit(&t.app, &admin, upload, false).await.unwrap();
    assert_eq!((imported.applications, imported.invited), (1, 0));
    assert_eq!(t.store.list_users().await.unwrap().len(), users + 1);
    // The same file again: Joe has applied now, so his row is a problem, not a second one.
    let again = import::upload(
        &t.app,
        &admin,
        round,
        File {
            name: "late.csv",
            bytes: &file(&[JOE]),
        },
        None,
    )
    .await
    .unwrap();
    let checked = import::check(&t.app, &admin, again).await.unwrap();
    assert_eq!(
        checked.preview.rows[0].problems[0].kind,
        ProblemKind::AlreadyApplied
    );
    assert!(import::commit(&t.app, &admin, again, false).await.is_err());
    assert_eq!(applications(t, round).await, 1);
}

async fn imports_are_refused_with_reasons_and_write_nothing(t: &TestApp) {
    let round = open_round(t).await;
    let admin = admin(t).await;
    let participant = account(t, "p@example.org", Role::Participant, &[], true).await;
    let coordinator = account(t, "c@example.org", Role::CountryCoordinator, &["US"], true).await;
    let bytes = file(&[JOE]);
    let joe = || File {
        name: "joe.csv",
        bytes: &bytes,
    };
    for actor in [&participant, &coordinator] {
        assert!(matches!(
            import::upload(&t.app, actor, round, joe(), None).await,
            Err(ImportError::App(AppError::Forbidden))
        ));
    }
    assert!(matches!(
        import::upload(
            &t.app,
            &admin,
            round,
            File {
                name: "e.csv",
                bytes: b""
            },
            None
        )
        .await,
        Err(ImportError::Sheet(_))
    ));
    let header_only = format!("{HEADER}\n");
    assert!(matches!(
        import::upload(
            &t.app,
            &admin,
            round,
            File {
                name: "h.csv",
                bytes: header_only.as_bytes()
            },
            None
        )
        .await,
        Err(ImportError::Sheet(iln_sheet::SheetError::NoRows))
    ));
    assert!(matches!(
        import::upload(&t.app, &admin, round, joe(), Some("No such mapping")).await,
        Err(ImportError::NoSuchMapping(_))
    ));
    // A round past its review takes no imports.
    let (active, _) = active_round(t).await;
    assert!(matches!(
        import::upload(&t.app, &admin, active, joe(), None).await,
        Err(ImportError::RoundState {
            state: RoundState::Active
        })
    ));
    assert_eq!(applications(t, round).await, 0);
}

async fn an_export_reads_back_into_an_empty_round_with_the_same_answers(t: &TestApp) {
    let (source, _) = active_round(t).await;
    let target = open_round(t).await;
    let admin = admin(t).await;
    let exported = export::table(&t.app, &Actor::Cli, source, What::Applications)
        .await
        .unwrap();
    let csv = export::csv(&exported);
    round_trip(t, &admin, source, target, "export.csv", csv.as_bytes()).await;
}

async fn an_xlsx_export_reads_back_the_same(t: &TestApp) {
    let (source, _) = active_round(t).await;
    let target = open_round(t).await;
    let admin = admin(t).await;
    let exported = export::table(&t.app, &Actor::Cli, source, What::Applications)
        .await
        .unwrap();
    let xlsx = export::write(&exported, export::Format::Xlsx, "Applications").unwrap();
    round_trip(t, &admin, source, target, "export.xlsx", &xlsx).await;
}

/// Imports `bytes` (an export of `source`) into `target` and checks the answers match.
async fn round_trip(
    t: &TestApp,
    admin: &Actor,
    source: iln_store::RoundId,
    target: iln_store::RoundId,
    name: &str,
    bytes: &[u8],
) {
    let exported = export::table(&t.app, &Actor::Cli, source, What::Applications)
        .await
        .unwrap();
    let imported = import::import_file(&t.app, admin, target, File { name, bytes }, None, false)
        .await
        .unwrap();
    assert_eq!(imported.applications, exported.rows.len());
    let again = export::table(&t.app, &Actor::Cli, target, What::Applications)
        .await
        .unwrap();
    // The answers, not the review's own columns (status, times, flags).
    let answers = |table: &export::Table| -> BTreeSet<Vec<String>> {
        let end = table.header.iter().position(|h| h == "status").unwrap();
        table.rows.iter().map(|r| r[..end].to_vec()).collect()
    };
    assert_eq!(answers(&again), answers(&exported));
}

//! Loading the demo network into a real SQLite store: everyone arrives, the demo accounts can
//! be found and their passwords verify, coordinators get their scopes, and a second load is
//! refused without touching the data.

// The binary has no library target, so the loader is compiled into this test directly.
#[path = "../../src/demo.rs"]
mod loader;

use iln_demo as demo;
use iln_domain::account::{Email, Role, verify_password};
use iln_domain::clock::SystemClock;
use iln_domain::country::CountryCode;
use iln_store::{PeopleScope, Store};
use iln_web::words::Label;

use crate::cli::{Scratch, assert_one_line_error, run};

async fn migrated(scratch: &Scratch) -> Result<Store, iln_store::StoreError> {
    let store = Store::connect(&scratch.database_url()).await?;
    store.migrate().await?;
    Ok(store)
}

#[tokio::test]
async fn loads_everyone_and_the_three_accounts_can_sign_in() {
    let scratch = Scratch::new();
    let store = migrated(&scratch).await.unwrap();
    let accounts = loader::load(&store, &SystemClock, demo::DEFAULT_SEED)
        .await
        .unwrap();

    assert_eq!(store.count_people(&PeopleScope::All).await.unwrap(), 700);
    let by_country = store
        .count_people_by_country(&PeopleScope::All)
        .await
        .unwrap();
    assert_eq!(by_country.len(), 60);
    let network = demo::generate(demo::DEFAULT_SEED);
    for country in &network.countries {
        let stored = by_country.iter().find(|(code, _)| *code == country.code);
        assert_eq!(stored.map(|(_, n)| *n), Some(country.people as i64));
    }

    let emails: Vec<&str> = accounts.accounts.iter().map(|a| a.email.as_str()).collect();
    assert_eq!(
        emails,
        [
            demo::ADMIN_EMAIL,
            demo::COORDINATOR_EMAIL,
            demo::PARTICIPANT_EMAIL
        ]
    );
    assert_eq!(accounts, loader::DemoAccounts::standard());
    for account in &accounts.accounts {
        let user = store
            .user_by_email(&Email::parse(&account.email).unwrap())
            .await
            .unwrap()
            .unwrap();
        assert!(user.email_verified, "{}", account.email);
        assert_eq!(user.role.label(), account.role);
        let hash = user.password_hash.as_ref().unwrap();
        assert!(
            verify_password(&account.password, hash),
            "{}",
            account.email
        );
        assert!(!verify_password("not-the-password", hash));
    }
}

/// The accounts of the network itself, without the password-less ones the demo round makes
/// for its applicants.
fn network_accounts(users: &[iln_store::User]) -> usize {
    users
        .iter()
        .filter(|u| u.role != Role::Participant || u.password_hash.is_some())
        .count()
}

#[tokio::test]
async fn roles_scopes_and_links_are_stored() {
    let scratch = Scratch::new();
    let store = migrated(&scratch).await.unwrap();
    loader::load(&store, &SystemClock, demo::DEFAULT_SEED)
        .await
        .unwrap();

    let users = store.list_users().await.unwrap();
    let network = demo::generate(demo::DEFAULT_SEED);
    assert_eq!(network_accounts(&users), network.accounts.len());
    let admins = users.iter().filter(|u| u.role == Role::Admin).count();
    assert_eq!(admins, 1);

    let coordinator = users
        .iter()
        .find(|u| u.email.as_str() == demo::COORDINATOR_EMAIL)
        .unwrap();
    assert_eq!(coordinator.role, Role::CountryCoordinator);
    let mut scope: Vec<CountryCode> = demo::COORDINATOR_COUNTRIES
        .iter()
        .map(|c| CountryCode::parse(c).unwrap())
        .collect();
    scope.sort();
    assert_eq!(coordinator.countries, scope);
    // The coordinator's scope holds exactly the people of their two countries.
    let in_scope = store
        .count_people(&PeopleScope::Countries(coordinator.countries.clone()))
        .await
        .unwrap();
    let expected: usize = network
        .countries
        .iter()
        .filter(|c| scope.contains(&c.code))
        .map(|c| c.people)
        .sum();
    assert_eq!(in_scope, expected as i64);

    // Other coordinators cannot sign in until they set a password, and each is linked to
    // their own profile in their own country.
    let volunteers: Vec<_> = users
        .iter()
        .filter(|u| u.role == Role::CountryCoordinator && u.id != coordinator.id)
        .collect();
    assert_eq!(volunteers.len(), 16);
    for user in volunteers {
        assert!(user.password_hash.is_none());
        let person = store.person_for_user(user.id).await.unwrap().unwrap();
        assert_eq!(user.countries, [person.country]);
        assert_eq!(person.email, user.email);
    }

    let participant = users
        .iter()
        .find(|u| u.email.as_str() == demo::PARTICIPANT_EMAIL)
        .unwrap();
    let person = store
        .person_for_user(participant.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(person.full_name, participant.display_name.as_str());
    assert_eq!(person.full_name, network.people[0].full_name);
    assert_eq!(person.country.as_str(), "AU");

    let audit = store.list_audit(10, 0).await.unwrap();
    assert_eq!(audit.len(), 1);
    assert_eq!(audit[0].action, "demo.load");
    assert_eq!(audit[0].actor, None);
}

#[tokio::test]
async fn a_second_load_is_refused_and_changes_nothing() {
    let scratch = Scratch::new();
    let store = migrated(&scratch).await.unwrap();
    loader::load(&store, &SystemClock, 1).await.unwrap();
    let error = loader::load(&store, &SystemClock, 2).await.unwrap_err();
    let message = format!("{error:#}");
    assert!(message.contains("already has accounts"), "{message}");
    assert!(!message.contains('\n'), "one line: {message}");
    assert_eq!(store.count_people(&PeopleScope::All).await.unwrap(), 700);
    let network = demo::generate(1);
    assert_eq!(
        network_accounts(&store.list_users().await.unwrap()),
        network.accounts.len()
    );
}

#[tokio::test]
async fn refuses_a_database_that_has_any_account() {
    let scratch = Scratch::new();
    let store = migrated(&scratch).await.unwrap();
    let email = Email::parse("ada@example.org").unwrap();
    store
        .create_user(
            &iln_store::NewUser {
                email,
                display_name: iln_domain::account::DisplayName::parse("Ada").unwrap(),
                password_hash: None,
                role: Role::Admin,
                countries: Vec::new(),
                email_verified: true,
                time_zone: None,
            },
            iln_domain::clock::Clock::now(&SystemClock),
        )
        .await
        .unwrap();
    assert!(loader::load(&store, &SystemClock, 1).await.is_err());
    assert_eq!(store.count_people(&PeopleScope::All).await.unwrap(), 0);
}

#[test]
fn the_printed_table_names_every_role_email_and_password() {
    let text = loader::DemoAccounts::standard().to_string();
    for needle in [
        "Program coordinator",
        "Country coordinator",
        "Participant",
        demo::ADMIN_EMAIL,
        demo::ADMIN_PASSWORD,
        demo::COORDINATOR_EMAIL,
        demo::COORDINATOR_PASSWORD,
        demo::PARTICIPANT_EMAIL,
        demo::PARTICIPANT_PASSWORD,
    ] {
        assert!(text.contains(needle), "{needle} missing from:\n{text}");
    }
    assert_eq!(text.lines().count(), 4);
}

#[test]
fn the_demo_command_loads_once_and_then_refuses_in_one_line() {
    let scratch = Scratch::new();
    let (code, stdout, stderr) = run(scratch.iln().arg("demo"));
    assert_eq!(code, 0, "stderr: {stderr}");
    for needle in [
        demo::ADMIN_EMAIL,
        demo::ADMIN_PASSWORD,
        demo::COORDINATOR_EMAIL,
        demo::PARTICIPANT_PASSWORD,
    ] {
        assert!(stdout.contains(needle), "{needle} missing from {stdout}");
    }
    let again = run(scratch.iln().args(["demo", "--seed", "7"]));
    assert_one_line_error(&again, "already has accounts");
}

#[tokio::test]
async fn the_current_round_is_in_review_with_decisions_duplicates_and_deferrals() {
    use iln_domain::clock::Clock as _;
    use iln_domain::round::RoundState;
    use iln_store::{ApplicationFilter, ApplicationStatus};

    let scratch = Scratch::new();
    let store = migrated(&scratch).await.unwrap();
    loader::load(&store, &SystemClock, demo::DEFAULT_SEED)
        .await
        .unwrap();
    let rounds = store.list_rounds().await.unwrap();
    let current = rounds
        .iter()
        .find(|r| r.round.settings.name.as_str() == loader::CURRENT_ROUND_NAME)
        .unwrap();
    assert_eq!(current.round.state, RoundState::Review);
    // The dates agree with the state: closed, and matching still to come.
    let mut ticked = current.round.clone();
    assert!(ticked.tick(SystemClock.now()).is_empty());

    let all = store
        .applications(current.id, &ApplicationFilter::all())
        .await
        .unwrap();
    assert_eq!(all.len(), loader::CURRENT_ROUND_APPLICANTS + 2);
    let count = |status: ApplicationStatus| all.iter().filter(|a| a.status == status).count();
    assert!(
        count(ApplicationStatus::Approved) > 100,
        "most are approved"
    );
    assert!(
        count(ApplicationStatus::Submitted) > 10,
        "some wait for review"
    );
    assert!(count(ApplicationStatus::Waitlisted) > 0);
    assert!(count(ApplicationStatus::Declined) > 0);
    assert!(
        count(ApplicationStatus::Deferred) > 0,
        "a country passed the cap"
    );
    assert!(all.iter().filter(|a| a.is_flagged_duplicate()).count() >= 4);
    // The demo participant applied, so their pages have something to show.
    let participant = store
        .user_by_email(&Email::parse(demo::PARTICIPANT_EMAIL).unwrap())
        .await
        .unwrap()
        .unwrap();
    assert!(
        store
            .application_of(current.id, participant.id)
            .await
            .unwrap()
            .is_some()
    );
}

#[tokio::test]
async fn a_closed_past_round_gives_the_current_one_partner_history() {
    use iln_domain::round::RoundState;
    use iln_store::{ApplicationFilter, ApplicationStatus, MatchRunKind};

    let scratch = Scratch::new();
    let store = migrated(&scratch).await.unwrap();
    loader::load(&store, &SystemClock, demo::DEFAULT_SEED)
        .await
        .unwrap();
    let rounds = store.list_rounds().await.unwrap();
    let past = rounds
        .iter()
        .find(|r| r.round.settings.name.as_str() == loader::PAST_ROUND_NAME)
        .unwrap();
    assert_eq!(past.round.state, RoundState::Closed);
    let partnerships = store.round_partnerships(past.id).await.unwrap();
    let members: usize = partnerships.iter().map(|p| p.members.len()).sum();
    assert_eq!(members, loader::PAST_ROUND_PARTICIPANTS);
    assert_eq!(partnerships.iter().filter(|p| !p.is_running()).count(), 2);
    for p in &partnerships {
        assert!(p.members.len() >= 2);
        assert_ne!(p.members[0].country, p.members[1].country);
    }
    // Its run is stored, so its matching page shows what was published.
    let runs = store
        .latest_match_runs(past.id, MatchRunKind::Round, 1)
        .await
        .unwrap();
    assert_eq!(runs[0].proposal.partnerships.len(), partnerships.len());

    // The demo participant took part, and has a previous partner and history.
    let participant = store
        .user_by_email(&Email::parse(demo::PARTICIPANT_EMAIL).unwrap())
        .await
        .unwrap()
        .unwrap();
    assert!(
        !store
            .previous_partners(participant.id)
            .await
            .unwrap()
            .is_empty()
    );
    assert!(
        !store
            .partner_history(participant.id)
            .await
            .unwrap()
            .is_empty()
    );

    // Many approved applicants of the current round were partners before.
    let current = rounds
        .iter()
        .find(|r| r.round.settings.name.as_str() == loader::CURRENT_ROUND_NAME)
        .unwrap();
    let approved = store
        .applications(
            current.id,
            &ApplicationFilter::with_status(ApplicationStatus::Approved),
        )
        .await
        .unwrap();
    let past_partners = store.all_past_partners().await.unwrap();
    let returning = approved
        .iter()
        .filter(|a| past_partners.contains_key(&a.user))
        .count();
    assert!(returning > 30, "{returning} returning applicants");
}

/// The active round runs five weeks in, with the real program's topics: those whose day has
/// come are out, the rest wait with their release jobs armed; the demo participant is in it.
#[tokio::test]
async fn the_active_round_carries_the_real_programs_topics() {
    use iln_domain::round::RoundState;

    let scratch = Scratch::new();
    let store = migrated(&scratch).await.unwrap();
    loader::load(&store, &SystemClock, demo::DEFAULT_SEED)
        .await
        .unwrap();
    let rounds = store.list_rounds().await.unwrap();
    let active = rounds
        .iter()
        .find(|r| r.round.settings.name.as_str() == loader::ACTIVE_ROUND_NAME)
        .unwrap();
    assert_eq!(active.round.state, RoundState::Active);
    let partnerships = store.round_partnerships(active.id).await.unwrap();
    let members: usize = partnerships.iter().map(|p| p.members.len()).sum();
    assert_eq!(members, loader::ACTIVE_ROUND_PARTICIPANTS);
    // One ended early for a reason of its own; one because a partner never replied and the
    // one left waiting took the offer of a new partner.
    assert_eq!(partnerships.iter().filter(|p| !p.is_running()).count(), 2);
    let participant = store
        .user_by_email(&Email::parse(demo::PARTICIPANT_EMAIL).unwrap())
        .await
        .unwrap()
        .unwrap();
    assert!(
        partnerships
            .iter()
            .any(|p| p.is_running() && p.has_member(participant.id))
    );

    let topics = store.round_topics(active.id).await.unwrap();
    let titles: Vec<&str> = topics.iter().map(|t| t.topic.title.as_str()).collect();
    for title in [
        "Getting to know you and participant work spaces",
        "Libraries & Social Media",
        "A Pinterest Roundup",
        "Follow a Library day",
        "Technology & Libraries",
        "Technology & Libraries (Part 2)",
        "The role of Libraries in Disasters",
        "Conferences & Events",
    ] {
        assert!(titles.contains(&title), "{title}: {titles:?}");
    }
    let released = topics.iter().filter(|t| t.released_at.is_some()).count();
    assert!(released >= 4 && released < topics.len(), "{released}");
    assert!(topics.iter().any(|t| t.part_of.is_some()));
    // Participants wrote in the released topics, shared the real program's resources and
    // marked topics discussed.
    let first = topics.iter().find(|t| t.released_at.is_some()).unwrap();
    assert!(
        !store
            .thread_posts(active.id, iln_store::Thread::Topic(first.id))
            .await
            .unwrap()
            .is_empty()
    );
    let board = store
        .thread_posts(active.id, iln_store::Thread::Board)
        .await
        .unwrap();
    assert_eq!(board.len(), 3);
    assert!(
        board
            .iter()
            .any(|p| p.body.contains("Directory of Free Arab Journals"))
    );
    assert!(!store.topic_discussions(first.id).await.unwrap().is_empty());
    // Check-ins were answered, one quiet partnership is flagged and one offered a new partner.
    let checkins = store.round_checkins(active.id).await.unwrap();
    assert!(checkins.iter().any(|c| c.answer.is_some()));
    let ladders = store.round_ladders(active.id).await.unwrap();
    assert!(
        ladders
            .iter()
            .any(|l| l.step == iln_domain::checkin::LadderStep::Flagged)
    );
    assert!(
        ladders
            .iter()
            .any(|l| l.step == iln_domain::checkin::LadderStep::Offered)
    );
    // Of the people left alone, the one a silent partner left waiting goes first.
    let mut alone = iln_app::matching::left_alone(&partnerships);
    let by_partnership = ladders.iter().map(|l| (l.partnership, l.clone())).collect();
    iln_app::matching::mark_waiting(&mut alone, &partnerships, &by_partnership);
    assert_eq!(alone.len(), 4, "{alone:?}");
    assert!(alone[0].waiting_since.is_some(), "{alone:?}");
    assert_eq!(
        alone.iter().filter(|a| a.waiting_since.is_some()).count(),
        1
    );
    for topic in topics.iter().filter(|t| t.released_at.is_none()) {
        let job = store
            .job_by_key(&iln_app::topics::release_job_key(topic.id))
            .await
            .unwrap()
            .unwrap();
        assert_eq!(job.run_at, topic.topic.release.earliest());
    }
}

/// The past round's surveys were answered as the real program's were: about six in ten,
/// most by people who kept in touch by email, with satisfaction rising with contact. The
/// other rounds have their surveys waiting for their days, copied from the past round.
#[tokio::test]
async fn the_past_round_carries_answered_surveys_that_tie_satisfaction_to_contact() {
    use iln_domain::survey::{AnswerValue, QuestionKey};

    let scratch = Scratch::new();
    let store = migrated(&scratch).await.unwrap();
    loader::load(&store, &SystemClock, demo::DEFAULT_SEED)
        .await
        .unwrap();
    let rounds = store.list_rounds().await.unwrap();
    let round = |name: &str| {
        rounds
            .iter()
            .find(|r| r.round.settings.name.as_str() == name)
            .unwrap()
            .id
    };
    let past = store
        .round_surveys(round(loader::PAST_ROUND_NAME))
        .await
        .unwrap();
    assert_eq!(past.len(), 2);
    let key = |k: &str| QuestionKey::parse(k).unwrap();
    for survey in &past {
        assert!(survey.opened_at.is_some());
        let invited = store.survey_invitations(survey.id).await.unwrap();
        let answers = store.survey_responses(survey.id).await.unwrap();
        let rate = answers.len() * 100 / invited.len();
        assert!(
            (50..=70).contains(&rate),
            "{}: {rate}% answered",
            survey.survey.title
        );
        assert_eq!(
            answers.iter().all(|a| a.user.is_none()),
            survey.survey.anonymous
        );
        // Average satisfaction by how often partners were in touch.
        let mut by_frequency: std::collections::BTreeMap<String, (u32, u32)> = Default::default();
        for a in &answers {
            let (Some(AnswerValue::Choice(f)), Some(AnswerValue::Rating(s))) = (
                a.response.answers.get(&key("contact_frequency")),
                a.response.answers.get(&key("satisfaction")),
            ) else {
                panic!("{a:?}");
            };
            let slot = by_frequency.entry(f.clone()).or_default();
            slot.0 += u32::from(*s);
            slot.1 += 1;
        }
        let average = |f: &str| {
            let (sum, n) = by_frequency[f];
            f64::from(sum) / f64::from(n)
        };
        assert!(
            average("Every week") > average("Every month") + 0.5
                && average("Every month") > average("We have not been in touch") + 0.5,
            "{by_frequency:?}"
        );
    }
    // Most kept in touch by email, and most joined to build their network.
    let mid = past.iter().find(|s| !s.survey.anonymous).unwrap();
    let answers = store.survey_responses(mid.id).await.unwrap();
    let chose = |k: &str, option: &str| {
        answers
            .iter()
            .filter(|a| matches!(a.response.answers.get(&key(k)), Some(AnswerValue::Choices(c)) if c.iter().any(|o| o == option)))
            .count()
    };
    assert!(chose("contact_ways", "Email") * 100 / answers.len() > 60);
    assert!(chose("reasons", "To build my professional network") * 100 / answers.len() > 70);
    // The others wait for their days, with the same questions (so results compare).
    for name in [loader::ACTIVE_ROUND_NAME, loader::CURRENT_ROUND_NAME] {
        let surveys = store.round_surveys(round(name)).await.unwrap();
        assert_eq!(surveys.len(), 2, "{name}");
        assert!(surveys.iter().all(|s| s.opened_at.is_none()));
        for s in &surveys {
            let job = store
                .job_by_key(&iln_app::surveys::open_job_key(s.id))
                .await
                .unwrap()
                .unwrap();
            assert_eq!(job.status, iln_store::JobStatus::Pending);
        }
        assert_eq!(surveys[0].survey.questions, past[0].survey.questions);
    }
}

/// About two in five past participants joined the alumni directory, the demo participant
/// among them, so the directory and the suggestions have people to show.
#[tokio::test]
async fn past_participants_joined_the_alumni_directory() {
    let scratch = Scratch::new();
    let store = migrated(&scratch).await.unwrap();
    loader::load(&store, &SystemClock, demo::DEFAULT_SEED)
        .await
        .unwrap();
    let alumni = store.alumni().await.unwrap();
    let share = alumni.len() * 100 / loader::PAST_ROUND_PARTICIPANTS;
    assert!((25..=55).contains(&share), "{share}% joined");
    let participant = store
        .user_by_email(&Email::parse(demo::PARTICIPANT_EMAIL).unwrap())
        .await
        .unwrap()
        .unwrap();
    assert!(alumni.iter().any(|a| a.user == participant.id));
    assert!(
        alumni.iter().any(|a| !a.listing.shown.country),
        "some hide their country"
    );
}

/// The demo keeps an import mapping, and the example file in `docs/examples` reads with it:
/// its unknown answers are translated, and what is left are the file's real mistakes.
#[tokio::test]
async fn the_demo_mapping_reads_the_example_form_file() {
    use iln_domain::import::{Field, ProblemKind, preview};

    let scratch = Scratch::new();
    let store = migrated(&scratch).await.unwrap();
    loader::load(&store, &SystemClock, demo::DEFAULT_SEED)
        .await
        .unwrap();
    let saved = store.saved_mappings().await.unwrap();
    let mapping = &saved
        .iter()
        .find(|m| m.name == loader::DEMO_MAPPING_NAME)
        .expect("the demo's mapping")
        .mapping;
    let bytes = include_bytes!("../../../../docs/examples/google-form-responses.csv");
    let sheet = iln_sheet::read(bytes, "google-form-responses.csv").unwrap();
    let mut full = iln_domain::import::suggest(&sheet.header);
    full.values = mapping.values.clone();
    let rows: Vec<iln_domain::import::RawRow> = sheet
        .rows
        .into_iter()
        .map(|r| iln_domain::import::RawRow {
            line: r.line,
            cells: r.cells,
        })
        .collect();
    let checked = preview(
        &sheet.header,
        &rows,
        &full,
        &iln_domain::application::InterestCatalogue::default_topics(),
        &std::collections::BTreeSet::new(),
    );
    assert!(checked.unknown.is_empty(), "{:?}", checked.unknown);
    let wrong: Vec<(u64, Option<Field>)> = checked
        .rows_with_problems()
        .flat_map(|r| r.problems.iter().map(|p| (p.line, p.field)))
        .collect();
    assert_eq!(
        wrong,
        vec![(7, Some(Field::Email)), (9, Some(Field::Goals))]
    );
    assert!(checked.rows[4].problems.is_empty());
    assert!(matches!(
        checked.rows[7].problems[0].kind,
        ProblemKind::Missing
    ));
    assert_eq!(
        checked.rows[4].previous_partners[0].as_str(),
        "priya.old.partner@example.org"
    );
}

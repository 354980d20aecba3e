//! Who may act on what.

use iln_app::Actor;
use iln_domain::account::Role;
use iln_domain::country::CountryCode;
use iln_store::UserId;

fn country(code: &str) -> CountryCode {
    CountryCode::parse(code).expect("a valid country code in the test")
}

#[test]
fn a_country_coordinator_covers_only_their_countries() {
    let coordinator = Actor::User {
        id: UserId(7),
        role: Role::CountryCoordinator,
        countries: vec![country("NG")],
    };
    assert!(coordinator.covers_country(country("NG")));
    assert!(!coordinator.covers_country(country("AU")));
    assert!(!coordinator.is_admin());
    assert_eq!(coordinator.user_id(), Some(UserId(7)));
}

#[test]
fn admins_the_operator_and_jobs_cover_everything_participants_nothing() {
    let admin = Actor::User {
        id: UserId(1),
        role: Role::Admin,
        countries: vec![],
    };
    let participant = Actor::User {
        id: UserId(2),
        role: Role::Participant,
        countries: vec![],
    };
    for actor in [&admin, &Actor::Cli, &Actor::System] {
        assert!(actor.covers_country(country("AU")));
        assert!(actor.is_admin());
    }
    assert!(!participant.covers_country(country("AU")));
    assert!(!Actor::Anonymous.covers_country(country("AU")));
    assert_eq!(Actor::Cli.user_id(), None);
}

//! The demo network: determinism, sizes, the Zipf shape, and that every value is one the
//! platform accepts.

use std::collections::{HashMap, HashSet};

use iln_demo::{self as demo, DemoNetwork};
use iln_domain::account::{Email, NewPassword, Role};
use iln_domain::country::CountryCode;
use iln_domain::profile::Sector;
use iln_domain::timezone::TimeZoneName;

fn network() -> DemoNetwork {
    demo::generate(demo::DEFAULT_SEED)
}

#[test]
fn same_seed_same_network_and_other_seeds_differ() {
    assert_eq!(demo::generate(7), demo::generate(7));
    assert_eq!(network(), network());
    let a = demo::generate(1);
    let b = demo::generate(2);
    assert_ne!(a.people, b.people);
    // The shape is fixed by the country order, not by the seed.
    assert_eq!(a.countries, b.countries);
}

#[test]
fn seven_hundred_people_in_sixty_countries() {
    let net = network();
    assert_eq!(net.people.len(), demo::PEOPLE);
    assert_eq!(net.people.len(), 700);
    assert_eq!(net.countries.len(), 60);
    let codes: HashSet<CountryCode> = net.countries.iter().map(|c| c.code).collect();
    assert_eq!(codes.len(), 60);
    assert_eq!(net.countries.iter().map(|c| c.people).sum::<usize>(), 700);

    let mut counted: HashMap<CountryCode, usize> = HashMap::new();
    for person in &net.people {
        *counted.entry(person.country).or_default() += 1;
    }
    for country in &net.countries {
        assert_eq!(
            counted.get(&country.code),
            Some(&country.people),
            "{}",
            country.code
        );
    }
}

#[test]
fn country_sizes_follow_a_zipf_like_law() {
    let net = network();
    let sizes: Vec<usize> = net.countries.iter().map(|c| c.people).collect();
    assert!(sizes.windows(2).all(|w| w[0] >= w[1]), "{sizes:?}");
    let largest = sizes[0] as f64 / 700.0;
    assert!(largest > 0.10 && largest <= 0.20, "largest share {largest}");
    assert!(*sizes.last().unwrap() >= 2, "{sizes:?}");

    // Least-squares slope of log(size) against log(rank): about -exponent for a Zipf law.
    let points: Vec<(f64, f64)> = sizes
        .iter()
        .enumerate()
        .map(|(i, &s)| (((i + 1) as f64).ln(), (s as f64).ln()))
        .collect();
    let n = points.len() as f64;
    let mean_x = points.iter().map(|p| p.0).sum::<f64>() / n;
    let mean_y = points.iter().map(|p| p.1).sum::<f64>() / n;
    let cov: f64 = points.iter().map(|p| (p.0 - mean_x) * (p.1 - mean_y)).sum();
    let var: f64 = points.iter().map(|p| (p.0 - mean_x).powi(2)).sum();
    let slope = cov / var;
    assert!((-1.1..=-0.7).contains(&slope), "slope {slope}");
}

#[test]
fn english_speaking_countries_lead_and_every_region_takes_part() {
    let net = network();
    let leaders: Vec<&str> = net.countries[..3].iter().map(|c| c.code.as_str()).collect();
    assert_eq!(leaders, ["AU", "US", "GB"]);
    let codes: HashSet<&str> = net.countries.iter().map(|c| c.code.as_str()).collect();
    // One country per region, from the tail where the regions would be easy to lose.
    for code in ["NG", "KE", "BR", "MX", "JP", "IN", "DE", "FJ", "JO", "EG"] {
        assert!(codes.contains(code), "{code} missing");
    }
}

#[test]
fn zipf_sizes_handles_edges() {
    assert!(demo::zipf_sizes(10, 0, 1.0).is_empty());
    assert_eq!(demo::zipf_sizes(3, 3, 1.0), [1, 1, 1]);
    assert_eq!(demo::zipf_sizes(2, 4, 1.0), [1, 1, 1, 1]);
    assert_eq!(demo::zipf_sizes(100, 1, 1.0), [100]);
    let sizes = demo::zipf_sizes(1000, 7, 1.0);
    assert_eq!(sizes.iter().sum::<usize>(), 1000);
    assert!(sizes.windows(2).all(|w| w[0] >= w[1]));
}

#[test]
fn emails_are_unique_valid_and_at_reserved_domains() {
    let net = network();
    let mut seen = HashSet::new();
    for person in &net.people {
        let email = Email::parse(&person.email).unwrap();
        assert_eq!(email.as_str(), person.email, "already normalised");
        assert!(person.email.is_ascii());
        let domain = person.email.split('@').nth(1).unwrap();
        assert!(["example.org", "example.net", "example.com"].contains(&domain));
        assert!(seen.insert(person.email.clone()), "{} twice", person.email);
    }
}

#[test]
fn profiles_hold_values_the_platform_accepts() {
    let net = network();
    let interests: HashSet<&str> = demo::INTERESTS.into_iter().collect();
    for person in &net.people {
        assert_eq!(
            CountryCode::parse(person.country.as_str()),
            Ok(person.country)
        );
        assert_eq!(person.full_name.trim(), person.full_name);
        assert!(person.full_name.contains(' '), "{}", person.full_name);
        assert!(!person.city.is_empty() && !person.institution.is_empty());
        // No zone fell back to UTC, which would mean a typo in the city table.
        assert_ne!(person.time_zone, TimeZoneName::utc(), "{}", person.city);
        assert_eq!(
            TimeZoneName::parse(person.time_zone.as_str()),
            Ok(person.time_zone.clone())
        );

        assert_eq!(person.languages[0], "en");
        let langs: HashSet<&String> = person.languages.iter().collect();
        assert_eq!(langs.len(), person.languages.len());
        for lang in &person.languages {
            assert!(
                lang.len() == 2 && lang.bytes().all(|b| b.is_ascii_lowercase()),
                "{lang}"
            );
        }

        assert!((2..=5).contains(&person.interests.len()));
        let own: HashSet<&String> = person.interests.iter().collect();
        assert_eq!(own.len(), person.interests.len());
        assert!(
            person
                .interests
                .iter()
                .all(|i| interests.contains(i.as_str()))
        );
    }
}

#[test]
fn big_countries_span_several_time_zones() {
    let net = network();
    for (code, at_least) in [("AU", 4), ("US", 4), ("CA", 3), ("BR", 2)] {
        let zones: HashSet<&str> = net
            .people
            .iter()
            .filter(|p| p.country.as_str() == code)
            .map(|p| p.time_zone.as_str())
            .collect();
        assert!(zones.len() >= at_least, "{code}: {zones:?}");
    }
}

#[test]
fn sectors_and_stages_are_all_represented_with_academics_leading() {
    let net = network();
    let mut sectors: HashMap<Sector, usize> = HashMap::new();
    for person in &net.people {
        *sectors.entry(person.sector).or_default() += 1;
    }
    assert_eq!(sectors.len(), Sector::ALL.len());
    let most = sectors.iter().max_by_key(|(_, n)| **n).unwrap();
    assert_eq!(*most.0, Sector::Academic);
    let stages: HashSet<_> = net.people.iter().map(|p| p.career_stage).collect();
    assert_eq!(stages.len(), 4);
    let national: Vec<&str> = net
        .people
        .iter()
        .filter(|p| p.sector == Sector::National && p.country.as_str() == "AU")
        .map(|p| p.institution.as_str())
        .collect();
    assert!(
        national
            .iter()
            .all(|i| *i == "National Library of Australia")
    );
}

#[test]
fn the_three_demo_accounts_come_first_with_passwords_that_pass_our_rules() {
    let net = network();
    let expected = [
        (demo::ADMIN_EMAIL, demo::ADMIN_PASSWORD, Role::Admin),
        (
            demo::COORDINATOR_EMAIL,
            demo::COORDINATOR_PASSWORD,
            Role::CountryCoordinator,
        ),
        (
            demo::PARTICIPANT_EMAIL,
            demo::PARTICIPANT_PASSWORD,
            Role::Participant,
        ),
    ];
    for (account, (email, password, role)) in net.accounts.iter().zip(expected) {
        assert_eq!(account.email, email);
        assert_eq!(account.password, Some(password));
        assert_eq!(account.role, role);
        let parsed = Email::parse(email).unwrap();
        assert!(NewPassword::parse(password, &parsed).is_ok(), "{password}");
    }

    let coordinator = net.account(demo::COORDINATOR_EMAIL).unwrap();
    let scope: Vec<&str> = coordinator.countries.iter().map(|c| c.as_str()).collect();
    assert_eq!(scope, demo::COORDINATOR_COUNTRIES);

    let participant = net.account(demo::PARTICIPANT_EMAIL).unwrap();
    assert_eq!(participant.person, Some(0));
    assert_eq!(net.people[0].email, demo::PARTICIPANT_EMAIL);
    assert_eq!(participant.display_name, net.people[0].full_name);
    assert!(net.account(demo::ADMIN_EMAIL).unwrap().countries.is_empty());
}

#[test]
fn the_largest_countries_have_their_own_coordinators() {
    let net = network();
    let others: Vec<_> = net.accounts[3..].iter().collect();
    assert_eq!(others.len(), 4 * 2 + 8);
    let mut per_country: HashMap<CountryCode, usize> = HashMap::new();
    for account in &others {
        assert_eq!(account.role, Role::CountryCoordinator);
        assert_eq!(account.password, None);
        assert_eq!(account.countries.len(), 1);
        let person = &net.people[account.person.unwrap()];
        assert_eq!(person.country, account.countries[0]);
        assert_eq!(person.email, account.email);
        *per_country.entry(account.countries[0]).or_default() += 1;
    }
    for (rank, country) in net.countries.iter().enumerate().take(12) {
        let want = if rank < 4 { 2 } else { 1 };
        assert_eq!(
            per_country.get(&country.code),
            Some(&want),
            "{}",
            country.code
        );
    }
    let emails: HashSet<&str> = net.accounts.iter().map(|a| a.email.as_str()).collect();
    assert_eq!(emails.len(), net.accounts.len());
}

#[test]
fn invariants_hold_for_other_seeds_too() {
    for seed in [0, 1, 42, 9_999, u64::MAX] {
        let net = demo::generate(seed);
        assert_eq!(net.seed, seed);
        assert_eq!(net.people.len(), 700, "seed {seed}");
        assert_eq!(net.accounts.len(), 3 + 16, "seed {seed}");
        let emails: HashSet<&str> = net.people.iter().map(|p| p.email.as_str()).collect();
        assert_eq!(emails.len(), 700, "seed {seed}");
        let account_emails: HashSet<&str> = net.accounts.iter().map(|a| a.email.as_str()).collect();
        assert_eq!(account_emails.len(), net.accounts.len(), "seed {seed}");
        assert!(
            net.people
                .iter()
                .all(|p| p.time_zone != TimeZoneName::utc())
        );
        assert_eq!(net.people[0].email, demo::PARTICIPANT_EMAIL);
    }
}

//! Tests of the account rules: emails, names, roles, password rules and hashing.

use proptest::prelude::*;

use iln_domain::account::{
    DisplayName, DisplayNameError, Email, EmailError, NewPassword, PasswordError, PasswordHash,
    Role, hash_password, verify_password, verify_password_against_nothing,
};

#[test]
fn email_is_trimmed_and_lowercased() {
    let email = Email::parse("  Ana.Lopez@Biblioteca.EXAMPLE.org \n").unwrap();
    assert_eq!(email.as_str(), "ana.lopez@biblioteca.example.org");
    assert_eq!(email.local_part(), "ana.lopez");
    assert_eq!(email.to_string(), "ana.lopez@biblioteca.example.org");
    assert!(Email::parse("o'brien+ifla@lib.ie").is_ok());
    assert!(Email::parse("bibliothèque@université.fr").is_ok());
}

#[test]
fn email_errors_are_specific() {
    let cases = [
        ("", EmailError::Empty),
        ("   ", EmailError::Empty),
        ("ana lopez@example.org", EmailError::Whitespace),
        ("ana\u{0}@example.org", EmailError::Whitespace),
        ("ana.example.org", EmailError::At),
        ("ana@lib@example.org", EmailError::At),
        ("@example.org", EmailError::LocalPart),
        (".ana@example.org", EmailError::LocalPart),
        ("an..a@example.org", EmailError::LocalPart),
        ("<ana>@example.org", EmailError::LocalPart),
        ("ana@", EmailError::Domain),
        ("ana@localhost", EmailError::Domain),
        ("ana@example..org", EmailError::Domain),
        ("ana@-example.org", EmailError::Domain),
        ("ana@exa_mple.org", EmailError::Domain),
        ("ana@127.0.0.1", EmailError::Domain),
    ];
    for (input, expected) in cases {
        assert_eq!(Email::parse(input), Err(expected), "input {input:?}");
    }
    let long_local = format!("{}@example.org", "a".repeat(65));
    assert_eq!(Email::parse(&long_local), Err(EmailError::LocalPart));
    let too_long = format!("ana@{}.org", "a".repeat(260));
    assert_eq!(Email::parse(&too_long), Err(EmailError::TooLong));
}

#[test]
fn display_name_rules() {
    assert_eq!(
        DisplayName::parse("  Nomvula Dlamini ").unwrap().as_str(),
        "Nomvula Dlamini"
    );
    assert_eq!(DisplayName::parse(" "), Err(DisplayNameError::Empty));
    assert_eq!(
        DisplayName::parse(&"x".repeat(101)),
        Err(DisplayNameError::TooLong)
    );
    assert!(DisplayName::parse(&"é".repeat(100)).is_ok());
    assert_eq!(
        DisplayName::parse("Ana\u{7}"),
        Err(DisplayNameError::Control)
    );
    assert_eq!(
        DisplayName::parse("admin\u{202E}nimda"),
        Err(DisplayNameError::Control)
    );
}

#[test]
fn roles_round_trip_through_their_ids() {
    for role in Role::ALL {
        assert_eq!(Role::parse(role.as_str()).unwrap(), role);
    }
    assert_eq!(Role::CountryCoordinator.as_str(), "country_coordinator");
    assert_eq!(
        Role::parse("Country-Coordinator").unwrap(),
        Role::CountryCoordinator
    );
    let error = Role::parse("root").unwrap_err();
    assert!(error.to_string().contains("\"root\""));
}

fn email() -> Email {
    Email::parse("ana.lopez@example.org").expect("a valid email")
}

#[test]
fn password_length_limits_count_characters() {
    assert_eq!(
        NewPassword::parse("Sh0rt!x", &email()).unwrap_err(),
        PasswordError::TooShort
    );
    // Eight characters that are sixteen bytes are long enough.
    assert!(NewPassword::parse("ñandúñandú", &email()).is_ok());
    assert!(NewPassword::parse(&"q7".repeat(64), &email()).is_ok());
    assert_eq!(
        NewPassword::parse(&"q7".repeat(64).replace("q7q7", "q7q7x"), &email()).unwrap_err(),
        PasswordError::TooLong
    );
}

#[test]
fn common_passwords_are_refused_in_any_case() {
    for common in [
        "password",
        "PASSWORD1",
        "12345678",
        "qwertyuiop",
        "iloveyou",
    ] {
        assert_eq!(
            NewPassword::parse(common, &email()).unwrap_err(),
            PasswordError::Common,
            "{common}"
        );
    }
    assert!(NewPassword::parse("catalogue-otter-lantern", &email()).is_ok());
}

#[test]
fn the_email_is_not_a_password() {
    assert_eq!(
        NewPassword::parse("Ana.Lopez@example.org", &email()).unwrap_err(),
        PasswordError::SameAsEmail
    );
    assert_eq!(
        NewPassword::parse("ana.lopez", &email()).unwrap_err(),
        PasswordError::SameAsEmail
    );
}

#[test]
fn hashing_uses_argon2id_with_the_owasp_floor_and_verifies() {
    let password = NewPassword::parse("catalogue-otter-lantern", &email()).unwrap();
    let hash = hash_password(&password);
    assert!(
        hash.as_str().starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
        "{}",
        hash.as_str()
    );
    assert!(verify_password("catalogue-otter-lantern", &hash));
    assert!(!verify_password("catalogue-otter-lanterN", &hash));
    assert!(!verify_password("", &hash));

    // A fresh salt each time: the same password never gives the same hash.
    let again = hash_password(&password);
    assert_ne!(hash, again);
    assert!(verify_password("catalogue-otter-lantern", &again));

    // What the store reads back parses to the same hash, and secrets stay out of Debug.
    let stored = PasswordHash::parse(hash.as_str()).unwrap();
    assert_eq!(stored, hash);
    assert_eq!(format!("{stored:?}"), "PasswordHash(<redacted>)");
    assert_eq!(format!("{password:?}"), "NewPassword(<redacted>)");
}

#[test]
fn malformed_hashes_are_refused_and_never_match() {
    assert!(PasswordHash::parse("plaintext").is_err());
    assert!(PasswordHash::parse("").is_err());
    assert!(!verify_password_against_nothing("catalogue-otter-lantern"));
}

proptest! {
    #[test]
    fn email_parsing_never_panics_and_is_idempotent(input in "\\PC{0,300}") {
        if let Ok(email) = Email::parse(&input) {
            prop_assert_eq!(email.as_str(), email.as_str().to_lowercase());
            prop_assert_eq!(email.as_str(), email.as_str().trim());
            prop_assert!(email.as_str().chars().count() <= 254);
            prop_assert_eq!(Email::parse(email.as_str()), Ok(email.clone()));
        }
    }

    #[test]
    fn plausible_addresses_are_accepted(
        local in "[a-z0-9][a-z0-9._+-]{0,20}[a-z0-9]",
        domain in "[a-z0-9]{1,10}(-[a-z0-9]{1,10})?",
        tld in "[a-z]{2,6}",
    ) {
        let text = format!("{local}@{domain}.{tld}");
        prop_assume!(!local.contains(".."));
        prop_assert!(Email::parse(&text).is_ok(), "{}", text);
    }

    #[test]
    fn names_and_password_rules_never_panic(input in "\\PC{0,200}") {
        let _ = DisplayName::parse(&input);
        let _ = NewPassword::parse(&input, &email());
        let _ = Role::parse(&input);
        let _ = PasswordHash::parse(&input);
    }
}

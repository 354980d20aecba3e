//! Accounts: email addresses, display names, roles, and passwords (rules and argon2id hashing).
//!
//! Hashing is pure computation, so it lives here beside the password rules; the store keeps
//! only the resulting [`PasswordHash`] and the web layer only calls [`hash_password`] and
//! [`verify_password`].

use std::collections::HashSet;
use std::fmt;
use std::sync::LazyLock;

use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use argon2::{Algorithm, Argon2, Params, Version};
use rand::RngCore;

/// The longest address SMTP can carry (RFC 5321 path limit less the angle brackets).
const EMAIL_MAX_LEN: usize = 254;
/// RFC 5321 limit for the part before the `@`.
const EMAIL_LOCAL_MAX_LEN: usize = 64;

/// A syntactically sane email address, trimmed and lowercased.
///
/// Lowercasing the whole address (not only the domain) is a deliberate simplification: no
/// mail provider our members use treats the local part case-sensitively, and it stops the same
/// person from signing up twice as `Ana@x.org` and `ana@x.org`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Email(String);

/// Why a text is not an email address we accept.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EmailError {
    #[error("enter an email address")]
    Empty,
    #[error("an email address has at most {EMAIL_MAX_LEN} characters")]
    TooLong,
    #[error("an email address cannot contain spaces or control characters")]
    Whitespace,
    #[error("an email address needs exactly one @, as in name@example.org")]
    At,
    #[error("the part before the @ is missing or too long")]
    LocalPart,
    #[error("the part after the @ must be a domain such as example.org")]
    Domain,
}

impl Email {
    /// Parses what a person typed: surrounding whitespace is ignored and the result is
    /// lowercased.
    pub fn parse(input: &str) -> Result<Self, EmailError> {
        let trimmed = input.trim();
        if trimmed.is_empty() {
            return Err(EmailError::Empty);
        }
        if trimmed.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(EmailError::Whitespace);
        }
        // Measured after lowercasing, which can lengthen some letters (İ becomes i̇).
        let lower = trimmed.to_lowercase();
        if lower.chars().count() > EMAIL_MAX_LEN {
            return Err(EmailError::TooLong);
        }
        let mut parts = lower.split('@');
        let (Some(local), Some(domain), None) = (parts.next(), parts.next(), parts.next()) else {
            return Err(EmailError::At);
        };
        if local.is_empty()
            || local.len() > EMAIL_LOCAL_MAX_LEN
            || local.starts_with('.')
            || local.ends_with('.')
            || local.contains("..")
            || local.chars().any(|c| "<>()[],;:\\\"".contains(c))
        {
            return Err(EmailError::LocalPart);
        }
        if !is_sane_domain(domain) {
            return Err(EmailError::Domain);
        }
        Ok(Self(lower))
    }

    /// The address as stored and sent.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The part before the `@`.
    pub fn local_part(&self) -> &str {
        self.0.split('@').next().unwrap_or_default()
    }
}

/// A domain with at least two labels, each of letters (any script), digits and inner hyphens.
fn is_sane_domain(domain: &str) -> bool {
    let labels: Vec<&str> = domain.split('.').collect();
    labels.len() >= 2
        && labels.iter().all(|label| {
            !label.is_empty()
                && label.chars().count() <= 63
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label.chars().all(|c| c.is_alphanumeric() || c == '-')
        })
        // A top-level domain is never all digits; this refuses bare IPv4 addresses.
        && labels
            .last()
            .is_some_and(|tld| !tld.chars().all(|c| c.is_ascii_digit()))
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl AsRef<str> for Email {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

/// The name shown for a person in the interface: trimmed, 1 to 100 characters, no control
/// characters.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct DisplayName(String);

/// The longest display name we keep, so layouts and emails stay readable.
const DISPLAY_NAME_MAX_LEN: usize = 100;

/// Why a text is not a display name we accept.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DisplayNameError {
    #[error("enter a name")]
    Empty,
    #[error("a name has at most {DISPLAY_NAME_MAX_LEN} characters")]
    TooLong,
    #[error("a name cannot contain control characters")]
    Control,
}

impl DisplayName {
    /// Parses what a person typed; surrounding whitespace is ignored.
    pub fn parse(input: &str) -> Result<Self, DisplayNameError> {
        let trimmed = input.trim();
        if trimmed.is_empty() {
            return Err(DisplayNameError::Empty);
        }
        if trimmed.chars().count() > DISPLAY_NAME_MAX_LEN {
            return Err(DisplayNameError::TooLong);
        }
        if trimmed
            .chars()
            .any(|c| c.is_control() || is_bidi_control(c))
        {
            return Err(DisplayNameError::Control);
        }
        Ok(Self(trimmed.to_owned()))
    }

    /// The name as shown.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Unicode's explicit direction overrides and isolates: in a name they can make one account
/// look like another in an admin's list, and no real name needs them.
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

impl fmt::Display for DisplayName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// What an account may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Role {
    /// A program coordinator: sees and manages everything.
    Admin,
    /// Manages the people of one or more countries, and nothing else.
    CountryCoordinator,
    /// A librarian taking part in the program.
    Participant,
}

/// The text is not one of the role ids.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown role {0:?}: use admin, country_coordinator or participant")]
pub struct RoleError(pub String);

impl Role {
    /// Every role, from the most to the least powerful.
    pub const ALL: [Role; 3] = [Role::Admin, Role::CountryCoordinator, Role::Participant];

    /// The id stored in the database and used on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::CountryCoordinator => "country_coordinator",
            Role::Participant => "participant",
        }
    }

    /// Parses a role id; a hyphen is accepted in place of the underscore, and case is ignored.
    pub fn parse(input: &str) -> Result<Self, RoleError> {
        let normalized = input.trim().to_ascii_lowercase().replace('-', "_");
        Role::ALL
            .into_iter()
            .find(|role| role.as_str() == normalized)
            .ok_or_else(|| RoleError(input.to_owned()))
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Shortest password we accept (NIST SP 800-63B's floor for user-chosen secrets).
pub const PASSWORD_MIN_CHARS: usize = 8;
/// Longest password we accept: long enough for any passphrase, short enough that hashing a
/// hostile input stays cheap.
pub const PASSWORD_MAX_CHARS: usize = 128;

/// Common passwords of at least eight characters, lowercased and sorted: the entries of
/// Django's `common-passwords.txt.gz` (itself from Royce Williams' list of the most frequent
/// leaked passwords) that our length rule does not already refuse.
static COMMON_PASSWORDS: LazyLock<HashSet<&'static str>> = LazyLock::new(|| {
    include_str!("../data/common-passwords.txt")
        .lines()
        .filter(|line| !line.is_empty())
        .collect()
});

/// A password a person chose that passes our rules; it can only be hashed.
#[derive(Clone)]
pub struct NewPassword(String);

/// Why a chosen password is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PasswordError {
    #[error("use at least {PASSWORD_MIN_CHARS} characters")]
    TooShort,
    #[error("use at most {PASSWORD_MAX_CHARS} characters")]
    TooLong,
    #[error("this password is one of the most common ones; choose another")]
    Common,
    #[error("the password cannot be your email address")]
    SameAsEmail,
}

impl NewPassword {
    /// Checks a chosen password against our rules. It is not trimmed: spaces are characters
    /// like any other in a passphrase.
    pub fn parse(candidate: &str, email: &Email) -> Result<Self, PasswordError> {
        let chars = candidate.chars().count();
        if chars < PASSWORD_MIN_CHARS {
            return Err(PasswordError::TooShort);
        }
        if chars > PASSWORD_MAX_CHARS {
            return Err(PasswordError::TooLong);
        }
        let lower = candidate.trim().to_lowercase();
        if lower == email.as_str() || lower == email.local_part() {
            return Err(PasswordError::SameAsEmail);
        }
        if COMMON_PASSWORDS.contains(lower.as_str()) {
            return Err(PasswordError::Common);
        }
        Ok(Self(candidate.to_owned()))
    }
}

impl fmt::Debug for NewPassword {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("NewPassword(<redacted>)")
    }
}

/// An argon2id hash in PHC string form (`$argon2id$v=19$m=19456,t=2,p=1$salt$hash`), which
/// carries its own parameters so they can be raised later without breaking old hashes.
#[derive(Clone, PartialEq, Eq)]
pub struct PasswordHash(String);

/// A stored text is not a PHC password hash.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not a PHC password hash")]
pub struct PasswordHashError;

impl PasswordHash {
    /// Accepts a PHC string read back from storage.
    pub fn parse(phc: &str) -> Result<Self, PasswordHashError> {
        argon2::PasswordHash::new(phc).map_err(|_| PasswordHashError)?;
        Ok(Self(phc.to_owned()))
    }

    /// The PHC string, for storage.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for PasswordHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The hash is not the password, but it is offline-attackable: keep it out of logs.
        f.write_str("PasswordHash(<redacted>)")
    }
}

/// argon2id with the OWASP floor: 19 MiB of memory, two passes, one lane.
fn hasher() -> Argon2<'static> {
    // The constants are within argon2's limits; the fallback default has the same values.
    let params = Params::new(19_456, 2, 1, None).unwrap_or_default();
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// Hashes a password with a fresh random 16-byte salt.
pub fn hash_password(password: &NewPassword) -> PasswordHash {
    let mut salt = [0_u8; 16];
    rand::rng().fill_bytes(&mut salt);
    let hash = hasher()
        .hash_password_with_salt(password.0.as_bytes(), &salt)
        // Reachable only if the fixed parameters or salt length above were invalid, which a
        // test pins; no input a person sends can make it fail (passwords are at most 128 chars).
        .expect("argon2id with fixed parameters and a 16-byte salt always hashes");
    PasswordHash(hash.to_string())
}

/// Whether `password` matches `hash`. Uses the parameters recorded in the hash; any malformed
/// hash simply does not match.
pub fn verify_password(password: &str, hash: &PasswordHash) -> bool {
    let Ok(parsed) = argon2::PasswordHash::new(&hash.0) else {
        return false;
    };
    // Refuse absurd inputs before doing the expensive work on them.
    if password.len() > PASSWORD_MAX_CHARS * 4 {
        return false;
    }
    hasher()
        .verify_password(password.as_bytes(), &parsed)
        .is_ok()
}

/// A hash of a random password, verified against when an account does not exist, so that
/// signing in with an unknown email takes as long as with a known one.
static DUMMY_HASH: LazyLock<PasswordHash> = LazyLock::new(|| {
    let mut secret = [0_u8; 24];
    rand::rng().fill_bytes(&mut secret);
    let text: String = secret.iter().map(|b| format!("{b:02x}")).collect();
    hash_password(&NewPassword(text))
});

/// Spends the time of one [`verify_password`] and always answers `false`: call it when there
/// is no account for an email, so response times do not reveal which emails exist.
pub fn verify_password_against_nothing(password: &str) -> bool {
    let _ = verify_password(password, &DUMMY_HASH);
    false
}

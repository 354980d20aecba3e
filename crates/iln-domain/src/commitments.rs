//! What every participant commits to, in one versioned copy. The application form shows the
//! current version, the consent stored with each application names the version the person
//! agreed to, and their introduction lists exactly that version, even after the wording
//! changes. A new wording is a new version added to [`VERSIONS`]; an old one is never edited.

use jiff::Timestamp;

/// A version of the commitments, as stored with a consent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CommitmentsVersion(u16);

/// Every version's commitments, oldest first: version n is `VERSIONS[n - 1]`.
const VERSIONS: &[&[&str]] = &[&[
    "Reply to your partner within a week of their message.",
    "Keep what your partner tells you confidential.",
    "Follow the network's code of conduct.",
    "Give the partnership about an hour a week.",
]];

impl CommitmentsVersion {
    /// The version the form shows now.
    pub fn current() -> CommitmentsVersion {
        // VERSIONS is a non-empty constant list, far shorter than u16::MAX.
        CommitmentsVersion(VERSIONS.len() as u16)
    }

    /// The version with this number, if there is one.
    pub fn from_number(number: i64) -> Option<CommitmentsVersion> {
        let n = u16::try_from(number).ok()?;
        (1..=VERSIONS.len())
            .contains(&usize::from(n))
            .then_some(CommitmentsVersion(n))
    }

    /// The number stored in the database.
    pub fn number(self) -> u16 {
        self.0
    }

    /// The commitments of this version, in the order the form lists them.
    pub fn commitments(self) -> &'static [&'static str] {
        VERSIONS
            .get(usize::from(self.0).wrapping_sub(1))
            .copied()
            .unwrap_or(&[])
    }
}

/// A person's agreement to the commitments: which version and when.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Consent {
    pub version: CommitmentsVersion,
    pub at: Timestamp,
}

impl Consent {
    /// Consent to the current commitments at `at`, given by ticking the form's box.
    pub fn current(at: Timestamp) -> Consent {
        Consent {
            version: CommitmentsVersion::current(),
            at,
        }
    }
}

//! The versioned commitments.

use iln_domain::commitments::{CommitmentsVersion, Consent};
use jiff::Timestamp;

#[test]
fn every_stored_version_reads_back_and_nothing_else_does() {
    let current = CommitmentsVersion::current();
    assert_eq!(
        CommitmentsVersion::from_number(i64::from(current.number())),
        Some(current)
    );
    assert_eq!(
        CommitmentsVersion::from_number(1).map(|v| v.number()),
        Some(1)
    );
    for bad in [0, -1, i64::from(current.number()) + 1, i64::MAX] {
        assert_eq!(CommitmentsVersion::from_number(bad), None, "{bad}");
    }
}

#[test]
fn the_first_version_is_what_the_form_showed() {
    let first = CommitmentsVersion::from_number(1).map(CommitmentsVersion::commitments);
    assert_eq!(
        first,
        Some(
            &[
                "Reply to your partner within a week of their message.",
                "Keep what your partner tells you confidential.",
                "Follow the network's code of conduct.",
                "Give the partnership about an hour a week.",
            ][..]
        )
    );
}

#[test]
fn a_consent_ticked_now_is_to_the_current_version() {
    let at = Timestamp::UNIX_EPOCH;
    let consent = Consent::current(at);
    assert_eq!(consent.version, CommitmentsVersion::current());
    assert_eq!(consent.at, at);
    assert!(!consent.version.commitments().is_empty());
}

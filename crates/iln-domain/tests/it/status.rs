//! Application statuses and the rules for changing them.

use iln_domain::status::{ApplicationStatus, Decision, StatusChange, StatusError};

use ApplicationStatus::{Approved, Declined, Deferred, Submitted, Waitlisted, Withdrawn};

#[test]
fn a_status_reads_back_from_its_id_in_any_case() {
    for status in ApplicationStatus::ALL {
        assert_eq!(ApplicationStatus::parse(status.as_str()), Some(status));
        assert_eq!(
            ApplicationStatus::parse(&format!(" {} ", status.as_str().to_uppercase())),
            Some(status)
        );
    }
    assert_eq!(ApplicationStatus::parse("accepted"), None);
}

#[test]
fn only_the_three_decisions_parse_as_decisions() {
    assert_eq!(Decision::parse("approved"), Ok(Decision::Approve));
    assert_eq!(Decision::parse("Declined"), Ok(Decision::Decline));
    assert_eq!(Decision::parse("waitlisted"), Ok(Decision::Waitlist));
    for other in ["withdrawn", "deferred", "submitted", "", "yes"] {
        assert!(Decision::parse(other).is_err(), "{other}");
    }
}

#[test]
fn reviewers_decide_what_is_still_in_the_round() {
    for from in [Submitted, Approved, Declined, Waitlisted] {
        for decision in Decision::ALL {
            assert_eq!(
                from.change(StatusChange::Decide(decision)),
                Ok(decision.status())
            );
        }
    }
    for from in [Withdrawn, Deferred] {
        let change = StatusChange::Decide(Decision::Approve);
        assert_eq!(from.change(change), Err(StatusError { from, change }));
    }
}

#[test]
fn withdrawing_sending_again_and_deferring_follow_their_rules() {
    assert_eq!(Approved.change(StatusChange::Withdraw), Ok(Withdrawn));
    assert!(Withdrawn.change(StatusChange::Withdraw).is_err());
    assert!(Deferred.change(StatusChange::Withdraw).is_err());
    assert_eq!(Withdrawn.change(StatusChange::Resubmit), Ok(Submitted));
    assert!(Submitted.change(StatusChange::Resubmit).is_err());
    for from in ApplicationStatus::ALL {
        assert_eq!(
            from.change(StatusChange::Defer).is_ok(),
            from.is_live(),
            "{from}"
        );
    }
    let refused = Withdrawn.change(StatusChange::Withdraw).unwrap_err();
    assert_eq!(
        refused.to_string(),
        "cannot withdraw an application that is withdrawn"
    );
}

#[test]
fn live_and_decided_statuses() {
    let live: Vec<_> = ApplicationStatus::ALL
        .into_iter()
        .filter(|s| s.is_live())
        .collect();
    assert_eq!(live, [Submitted, Approved, Waitlisted]);
    let decided: Vec<_> = ApplicationStatus::ALL
        .into_iter()
        .filter(|s| s.is_decided())
        .collect();
    assert_eq!(decided, [Approved, Declined, Waitlisted, Deferred]);
}

//! Tests of the manual clock that every expiry test relies on.

use iln_domain::clock::{Clock, ManualClock, SystemClock};
use jiff::{SignedDuration, Timestamp};

#[test]
fn manual_clock_stays_put_until_moved() {
    let start = Timestamp::from_second(1_700_000_000).unwrap();
    let clock = ManualClock::new(start);
    assert_eq!(clock.now(), start);
    assert_eq!(clock.now(), start);

    clock.advance(SignedDuration::from_mins(61));
    assert_eq!(clock.now().as_second(), 1_700_000_000 + 61 * 60);

    clock.advance(SignedDuration::from_secs(-60));
    assert_eq!(clock.now().as_second(), 1_700_000_000 + 60 * 60);

    let later = Timestamp::from_second(1_800_000_000).unwrap();
    clock.set(later);
    assert_eq!(clock.now(), later);
}

#[test]
fn manual_clock_saturates_instead_of_panicking() {
    let clock = ManualClock::new(Timestamp::MAX);
    clock.advance(SignedDuration::from_hours(1));
    assert_eq!(clock.now(), Timestamp::MAX);
    clock.set(Timestamp::MIN);
    clock.advance(SignedDuration::from_hours(-1));
    assert_eq!(clock.now(), Timestamp::MIN);
}

#[test]
fn clocks_work_behind_a_trait_object() {
    let clocks: Vec<Box<dyn Clock>> = vec![
        Box::new(SystemClock),
        Box::new(ManualClock::new(Timestamp::UNIX_EPOCH)),
    ];
    // The real clock is well past 2020; the manual one is where we put it.
    assert!(clocks[0].now().as_second() > 1_577_836_800);
    assert_eq!(clocks[1].now(), Timestamp::UNIX_EPOCH);
}

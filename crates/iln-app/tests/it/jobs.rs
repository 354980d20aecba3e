//! The job runner's backoff: growing waits, capped, stretched by jitter within bounds.

use iln_app::jobs::backoff;
use jiff::SignedDuration;

#[test]
fn backoff_doubles_from_thirty_seconds_up_to_an_hour() {
    let secs = |attempts| backoff(attempts, 0.0).as_secs();
    assert_eq!(secs(1), 30);
    assert_eq!(secs(2), 60);
    assert_eq!(secs(3), 120);
    assert_eq!(secs(8), 3_600);
    assert_eq!(secs(50), 3_600);
    // Nonsense counts are read as the first attempt, never a panic or a negative wait.
    assert_eq!(secs(0), 30);
    assert_eq!(secs(-5), 30);
}

#[test]
fn jitter_adds_up_to_half_the_wait() {
    assert_eq!(backoff(1, 1.0), SignedDuration::from_secs(45));
    assert_eq!(backoff(8, 1.0), SignedDuration::from_secs(5_400));
    assert_eq!(backoff(2, 0.5), SignedDuration::from_secs(75));
    // Out of range or not a number: clamped, not trusted.
    assert_eq!(backoff(1, 7.0), SignedDuration::from_secs(45));
    assert_eq!(backoff(1, f64::NAN), SignedDuration::from_secs(30));
}

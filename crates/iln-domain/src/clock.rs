//! The clock: the one place that reads the real time, and a manual clock for tests.
//!
//! Everything that depends on "now" (token expiry, session lifetime, outbox retries) takes a
//! [`Clock`] or a `jiff::Timestamp` parameter, so tests can move time forward instead of
//! sleeping. Clippy's `disallowed-methods` forbids reading the system time anywhere else.

use std::sync::Mutex;

use jiff::{SignedDuration, Timestamp};

/// A source of the current time.
pub trait Clock: Send + Sync + 'static {
    /// The current instant.
    fn now(&self) -> Timestamp;
}

/// The real wall clock, used by the running server.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    #[expect(
        clippy::disallowed_methods,
        reason = "SystemClock is the one sanctioned reader of the real time"
    )]
    fn now(&self) -> Timestamp {
        Timestamp::now()
    }
}

/// A clock that only moves when told to, so tests can check expiry deterministically.
#[derive(Debug)]
pub struct ManualClock {
    // A mutex rather than an atomic: a Timestamp has nanosecond precision beyond an i64 of
    // seconds, and tests are not contended enough for the lock to matter.
    now: Mutex<Timestamp>,
}

impl ManualClock {
    /// A clock stopped at `start`.
    pub fn new(start: Timestamp) -> Self {
        Self {
            now: Mutex::new(start),
        }
    }

    /// Moves the clock to `to` (backwards too, if a test wants that).
    pub fn set(&self, to: Timestamp) {
        *self.lock() = to;
    }

    /// Moves the clock forward by `by` (backwards when negative). Saturates at the limits of
    /// `Timestamp` instead of panicking.
    pub fn advance(&self, by: SignedDuration) {
        let mut now = self.lock();
        *now = now.checked_add(by).unwrap_or(if by.is_negative() {
            Timestamp::MIN
        } else {
            Timestamp::MAX
        });
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Timestamp> {
        // A poisoned lock only means another test thread panicked while holding it; the
        // timestamp inside is still a valid value, so keep using it.
        self.now
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

impl Clock for ManualClock {
    fn now(&self) -> Timestamp {
        *self.lock()
    }
}

//! A small in-memory rate limiter keyed by strings (an IP address, an email), driven by the
//! injected clock so tests can step time instead of sleeping.
//!
//! Fixed windows are enough here: the limits protect sign-in and password reset from guessing
//! and mail flooding, where an attacker gaining a factor of two at a window edge changes nothing.
//! The counters live in the process: with several app servers each enforces its own limit, which
//! still bounds the total by the number of servers.

use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};

use jiff::{SignedDuration, Timestamp};

/// Above this many keys, expired windows are swept before inserting, so memory stays bounded
/// even when an attacker sprays many distinct keys.
const SWEEP_ABOVE: usize = 10_000;

#[derive(Debug)]
pub struct RateLimiter {
    max: u32,
    window: SignedDuration,
    windows: Mutex<HashMap<String, Window>>,
}

#[derive(Debug, Clone, Copy)]
struct Window {
    started: Timestamp,
    count: u32,
}

/// A refused request: how many whole seconds until the window resets (at least 1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryAfter(pub u64);

impl RateLimiter {
    /// Allows `max` hits per key in each `window`.
    pub fn new(max: u32, window: SignedDuration) -> Self {
        Self {
            max,
            window,
            windows: Mutex::new(HashMap::new()),
        }
    }

    /// Counts one hit for `key` at `now`, or refuses it when the key is over its limit.
    pub fn hit(&self, key: &str, now: Timestamp) -> Result<(), RetryAfter> {
        let mut windows = self.windows.lock().unwrap_or_else(PoisonError::into_inner);
        if windows.len() > SWEEP_ABOVE {
            let window = self.window;
            windows.retain(|_, w| now.duration_since(w.started) < window);
        }
        let entry = windows.entry(key.to_owned()).or_insert(Window {
            started: now,
            count: 0,
        });
        let elapsed = now.duration_since(entry.started);
        // A clock that went backwards also starts a new window rather than locking people out.
        if elapsed >= self.window || elapsed.is_negative() {
            *entry = Window {
                started: now,
                count: 0,
            };
        }
        if entry.count >= self.max {
            let left = self.window - now.duration_since(entry.started);
            let seconds = u64::try_from(left.as_secs()).unwrap_or(0);
            let seconds = if left.subsec_nanos() > 0 {
                seconds + 1
            } else {
                seconds
            };
            return Err(RetryAfter(seconds.max(1)));
        }
        entry.count += 1;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_after_max_and_recovers_after_the_window() {
        let limiter = RateLimiter::new(2, SignedDuration::from_mins(1));
        let t0 = Timestamp::from_second(1_000_000).unwrap();
        assert_eq!(limiter.hit("a", t0), Ok(()));
        assert_eq!(limiter.hit("a", t0), Ok(()));
        assert_eq!(limiter.hit("a", t0), Err(RetryAfter(60)));
        assert_eq!(limiter.hit("b", t0), Ok(()), "keys are independent");
        let later = t0 + SignedDuration::from_secs(45);
        assert_eq!(limiter.hit("a", later), Err(RetryAfter(15)));
        let next = t0 + SignedDuration::from_secs(60);
        assert_eq!(limiter.hit("a", next), Ok(()));
    }
}

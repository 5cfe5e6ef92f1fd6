//! The clock, as an input.
//!
//! Rules never read the clock: they take `now: Timestamp` as an argument, so every rule can be
//! tested at any instant (a Friday before a holiday, a DST change, a year end). Only shells — the
//! CLI, the server, a batch job — own a [`Clock`] and pass its reading in.

use jiff::Timestamp;

/// A source of "now" for shells.
pub trait Clock: Send + Sync {
    /// The current instant.
    fn now(&self) -> Timestamp;
}

/// The system's wall clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> Timestamp {
        Timestamp::now()
    }
}

/// A clock stopped at one instant: for tests, the demo, and replaying history.
#[derive(Debug, Clone, Copy)]
pub struct FixedClock(pub Timestamp);

impl Clock for FixedClock {
    fn now(&self) -> Timestamp {
        self.0
    }
}

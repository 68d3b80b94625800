//! A stuck meter: the same value again and again where the meter normally
//! varies.
//!
//! Each meter learns, per hour of the day, how often a value exactly
//! repeats the previous one (a coarse register at night repeats all the
//! time; a busy afternoon almost never). A run of repeats is scored by how
//! unlikely it is under those rates: each repeat adds `ln(1 / rate)` nats,
//! and `n` nats correspond to a tail of `sqrt(2 n)` standard deviations,
//! which puts the run on the same surprise scale as everything else.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// However long a meter went without a repeat, one is taken to be at
/// least this likely: one in a thousand.
const MIN_REPEAT_RATE: f64 = 0.001;

/// Two values this close (relative) are the same reading: identical
/// registers differenced in floating point can differ in the last bits.
const SAME_VALUE_TOLERANCE: f64 = 1e-9;

/// The current run of identical values of one meter.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub(crate) struct Run {
    /// The last value seen.
    pub(crate) last: Option<f64>,
    /// Observations in a row equal to the one before.
    pub(crate) repeats: u32,
    /// Nats of surprise accumulated over the run.
    pub(crate) nats: f64,
    /// Start of the first interval of the run.
    pub(crate) since: Option<DateTime<Utc>>,
    /// Start of the interval of `last`.
    pub(crate) last_ts: Option<DateTime<Utc>>,
}

impl Run {
    /// Adds one value; returns whether it repeated the previous one.
    pub(crate) fn push(&mut self, value: f64, repeat_rate: f64, ts: DateTime<Utc>) -> bool {
        let repeated = self
            .last
            .is_some_and(|last| (last - value).abs() <= SAME_VALUE_TOLERANCE * last.abs().max(1.0));
        if repeated {
            self.repeats = self.repeats.saturating_add(1);
            self.nats += (1.0 / repeat_rate.max(MIN_REPEAT_RATE)).ln();
            if self.since.is_none() {
                self.since = self.last_ts;
            }
        } else {
            self.repeats = 0;
            self.nats = 0.0;
            self.since = None;
        }
        self.last = Some(value);
        self.last_ts = Some(ts);
        repeated
    }

    /// Forgets the previous value: after a gap, a repeat proves nothing.
    pub(crate) fn interrupt(&mut self) {
        *self = Self::default();
    }

    /// The run's surprise on the point scale, ramped in over the first
    /// `min_count` repeats and `min_secs` of run.
    pub(crate) fn surprise(&self, cadence_secs: i64, min_count: u32, min_secs: u32) -> f64 {
        let repeats = f64::from(self.repeats);
        let run_secs = repeats * cadence_secs as f64;
        let ramp = (repeats / f64::from(min_count))
            .min(run_secs / f64::from(min_secs.max(1)))
            .min(1.0);
        (2.0 * self.nats).sqrt() * ramp
    }
}

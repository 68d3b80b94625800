//! Load left on where the meter is normally quiet: a heater over the
//! weekend, a pump running all night, a leak.
//!
//! A cumulative sum (CUSUM) of calibrated surprise over the meter's quiet
//! hours only, counted in independent samples (an hour each, or one
//! observation at coarser cadence) so that a finer cadence does not
//! accumulate faster for the same load. Outside quiet hours the sum decays
//! as if the meter were normal, so a leak that stops is forgotten by the
//! next night.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// Load accumulates above half a deviation: when a meter is normally
/// quiet, even a modest load that stays is telling.
const SLACK: f64 = 0.5;

/// Accumulated excess at which off-hours load scores `open_score`: two
/// deviations for four hours of a night.
const THRESHOLD: f64 = 6.0;

/// One observation adds at most this much: a spike alone is a spike.
const INPUT_CLIP: f64 = 3.0;

/// The sum stops growing a quarter above its threshold, so that an
/// episode ends within a few hours of the load going off.
const CAP_FACTOR: f64 = 1.25;

/// The running sum of one meter.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub(crate) struct OffHoursWatch {
    /// Excess above normal in quiet hours.
    pub(crate) sum: f64,
    /// When `sum` last left zero.
    pub(crate) since: Option<DateTime<Utc>>,
}

impl OffHoursWatch {
    /// Adds one observation's signed surprise, worth `weight` independent
    /// samples; `quiet` when its slot is one of the meter's quiet hours.
    pub(crate) fn push(&mut self, signed: f64, quiet: bool, weight: f64, ts: DateTime<Utc>) {
        let input = if quiet {
            signed.clamp(-INPUT_CLIP, INPUT_CLIP) - SLACK
        } else {
            -SLACK
        };
        self.sum = (self.sum + weight * input).clamp(0.0, CAP_FACTOR * THRESHOLD);
        if self.sum == 0.0 {
            self.since = None;
        } else if self.since.is_none() {
            self.since = Some(ts);
        }
    }

    /// Off-hours load as a surprise on the point scale: `open_surprise`
    /// at the threshold.
    pub(crate) fn surprise(&self, open_surprise: f64) -> f64 {
        open_surprise * self.sum / THRESHOLD
    }
}

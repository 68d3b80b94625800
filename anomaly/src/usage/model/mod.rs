//! One meter's learned normal: a log floor, whole-meter averages, a drift
//! level and the seasonal profile, and how one observation updates them.
//!
//! Consumption is compared as `ln(value + floor)`. Energy use varies by
//! multiples (a heater on doubles it), so the log makes "twice the usual"
//! equally surprising at night and at noon; the floor, a share of the
//! meter's mean, keeps near-zero values from looking wildly different from
//! each other.

use serde::{Deserialize, Serialize};

mod floor;
mod learn;

pub(crate) use floor::remap as remap_floor;

use super::clock::{Clock, step};
use super::profile::Profile;

/// The floor never falls below this, so that a meter reading only zeros
/// still has finite logs; it is replaced once a positive value arrives.
const MIN_FLOOR: f64 = 1e-9;

/// The floor is re-derived from the meter's mean only when it is off by
/// more than this factor: re-expressing the profile costs a little accuracy.
const FLOOR_REMAP_FACTOR: f64 = 2.0;

/// The learned normal of one meter.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct Model {
    /// Seasonal arrays, relative to `level`.
    pub(crate) profile: Profile,
    /// Drift of the whole meter, in log units, added to every slot.
    pub(crate) level: f64,
    /// The log floor, in the meter's value unit.
    pub(crate) floor: f64,
    /// Exponential mean of the values, in the meter's unit.
    pub(crate) mean_value: f64,
    /// Observations learned from.
    pub(crate) n: u32,
    /// Exponential mean of all log values, whatever the slot.
    pub(crate) all_loc: f64,
    /// Spread of all log values around `all_loc`, seasonality included.
    pub(crate) all_scale: f64,
    /// Spread of prediction residuals over all slots.
    pub(crate) resid_scale: f64,
    /// Residuals behind `resid_scale`.
    pub(crate) resid_n: u32,
    /// Mean squared difference between weekly and hour-of-day values: how
    /// much the day of the week matters for this meter.
    pub(crate) week_contrast: f64,
    /// Mean squared difference between hour-of-day values and the meter's
    /// mean: how much the time of day matters.
    pub(crate) day_contrast: f64,
    /// Running 99th percentile of absolute standardised residuals.
    pub(crate) tail: f64,
    /// Level relative to the property's pooled profile, while it is used.
    pub(crate) peer_level: f64,
    /// Observations behind `peer_level`.
    pub(crate) peer_n: u32,
}

impl Model {
    /// A meter with nothing learned.
    pub(crate) fn new(clock: &Clock) -> Self {
        Self {
            profile: Profile::new(clock),
            level: 0.0,
            floor: 0.0,
            mean_value: 0.0,
            n: 0,
            all_loc: 0.0,
            all_scale: 0.0,
            resid_scale: 0.0,
            resid_n: 0,
            week_contrast: 0.0,
            day_contrast: 0.0,
            tail: super::score::TAIL_NORMAL,
            peer_level: 0.0,
            peer_n: 0,
        }
    }

    /// The value in log space, fixing the floor on the first observation.
    pub(crate) fn log_value(&mut self, value: f64, share: f64) -> f64 {
        if self.floor <= 0.0 {
            self.floor = (share * value).max(MIN_FLOOR);
        }
        (value.max(0.0) + self.floor).ln()
    }

    /// Days of data learned, at the given cadence.
    pub(crate) fn days(&self, clock: &Clock) -> f64 {
        f64::from(self.n) / clock.per_day()
    }

    /// Re-derives the floor from the meter's mean when it has moved far.
    pub(crate) fn refresh_floor(&mut self, share: f64) {
        let wanted = (share * self.mean_value).max(MIN_FLOOR);
        let ratio = wanted / self.floor;
        if !(1.0 / FLOOR_REMAP_FACTOR..=FLOOR_REMAP_FACTOR).contains(&ratio) {
            remap_floor(self, wanted);
        }
    }

    /// The usual consumption of the quietest and the busiest hour of the
    /// day, in the meter's unit; None before a day has been seen.
    pub(crate) fn day_extremes(&self) -> Option<(f64, f64)> {
        let usual = self
            .profile
            .day_loc
            .iter()
            .zip(&self.profile.day_n)
            .filter(|(_, n)| **n > 0)
            .map(|(loc, _)| ((f64::from(*loc) + self.level).exp() - self.floor).max(0.0));
        usual.fold(None, |acc, v| match acc {
            None => Some((v, v)),
            Some((lo, hi)) => Some((lo.min(v), hi.max(v))),
        })
    }

    /// Keeps the running tail percentile of absolute standardised
    /// residuals, which calibrates the score to this meter's tails.
    pub(crate) fn learn_tail(&mut self, abs_z: f64) {
        self.tail = super::score::next_tail(self.tail, abs_z);
    }

    /// Follows the meter's offset from its property's profile.
    pub(crate) fn learn_peer_level(&mut self, y: f64, peer_shape: f64) {
        self.peer_n = self.peer_n.saturating_add(1);
        let rate = step(self.peer_n, super::peers::PEER_LEVEL_RATE);
        self.peer_level += rate * (y - peer_shape - self.peer_level);
    }
}

//! A meter's seasonal memory: fixed-size arrays of running statistics, one
//! entry per hour of the week and per hour of the day.
//!
//! Values are stored as `f32`: the checkpoint of one meter at sub-daily
//! cadence holds about 600 numbers, and seven significant digits are far
//! finer than the noise of any meter.

use serde::{Deserialize, Serialize};

use super::clock::{Clock, Slot, step};

/// How much a slot's usual value is followed towards each new one, clipped
/// at this many of the predictive spreads so one anomaly barely moves it.
pub(crate) const CLIP_SIGMAS: f64 = 3.0;

/// A repeat is assumed to be this likely before a slot has evidence: rare,
/// but not so rare that the first coincidental repeats look stuck.
const REPEAT_PRIOR: f32 = 0.05;

/// Pseudo-observations behind the repeat prior.
const REPEAT_PRIOR_COUNT: u32 = 20;

/// The seasonal arrays of one meter, in log space and relative to the
/// meter's drift level.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct Profile {
    /// Usual value per hour of the week (day of the week at daily cadence).
    pub(crate) week_loc: Vec<f32>,
    /// Observations behind each `week_loc`.
    pub(crate) week_n: Vec<u32>,
    /// Usual value per hour of the day, the fallback while weekly slots are
    /// young.
    pub(crate) day_loc: Vec<f32>,
    /// Observations behind each `day_loc`.
    pub(crate) day_n: Vec<u32>,
    /// Predictive spread per hour of the day, pooled over the week because
    /// one weekly slot sees too few values to estimate a spread.
    pub(crate) day_scale: Vec<f32>,
    /// Observations behind each `day_scale`.
    pub(crate) day_scale_n: Vec<u32>,
    /// Share of observations per hour of the day that repeat the previous
    /// value exactly.
    pub(crate) repeat_rate: Vec<f32>,
    /// Observations behind each `repeat_rate`.
    pub(crate) repeat_n: Vec<u32>,
}

impl Profile {
    /// Empty arrays sized for `clock`.
    pub(crate) fn new(clock: &Clock) -> Self {
        let (week, day) = (clock.week_len(), clock.day_len());
        Self {
            week_loc: vec![0.0; week],
            week_n: vec![0; week],
            day_loc: vec![0.0; day],
            day_n: vec![0; day],
            day_scale: vec![0.0; day],
            day_scale_n: vec![0; day],
            repeat_rate: vec![REPEAT_PRIOR; day],
            repeat_n: vec![0; day],
        }
    }

    /// Whether every array has the length `clock` needs: a checkpoint
    /// written at another cadence does not.
    pub(crate) fn fits(&self, clock: &Clock) -> bool {
        let (week, day) = (clock.week_len(), clock.day_len());
        self.week_loc.len() == week
            && self.week_n.len() == week
            && [&self.day_loc, &self.day_scale, &self.repeat_rate]
                .iter()
                .all(|v| v.len() == day)
            && [&self.day_n, &self.day_scale_n, &self.repeat_n]
                .iter()
                .all(|v| v.len() == day)
    }

    /// The usual value of a weekly slot and the visits (weeks) behind it.
    pub(crate) fn week(&self, slot: Slot, clock: &Clock) -> Option<(f64, f64)> {
        let n = *self.week_n.get(slot.week)?;
        let loc = f64::from(*self.week_loc.get(slot.week)?);
        (n > 0).then(|| (loc, f64::from(n) / clock.per_visit()))
    }

    /// The usual value of an hour-of-day slot and the visits (days) behind it.
    pub(crate) fn day(&self, slot: Slot, clock: &Clock) -> Option<(f64, f64)> {
        let n = *self.day_n.get(slot.day)?;
        let loc = f64::from(*self.day_loc.get(slot.day)?);
        (n > 0).then(|| (loc, f64::from(n) / clock.per_visit()))
    }

    /// The spread of an hour of the day and the observations behind it.
    pub(crate) fn scale(&self, slot: Slot) -> (f64, f64) {
        let n = self.day_scale_n.get(slot.day).copied().unwrap_or(0);
        let scale = self.day_scale.get(slot.day).copied().unwrap_or(0.0);
        (f64::from(scale), f64::from(n))
    }

    /// How likely an exact repeat is at this hour of the day. A slot that
    /// never saw one is not taken to make them impossible: the rate is at
    /// least half a repeat in the observations behind it (as many as the
    /// learning rate remembers).
    pub(crate) fn repeat_rate(&self, slot: Slot, clock: &Clock) -> f64 {
        let rate = f64::from(
            self.repeat_rate
                .get(slot.day)
                .copied()
                .unwrap_or(REPEAT_PRIOR),
        );
        let seen = f64::from(self.repeat_n.get(slot.day).copied().unwrap_or(0));
        let remembered = seen.min(2.0 / clock.scale_rate) + f64::from(REPEAT_PRIOR_COUNT);
        rate.max(0.5 / remembered)
    }

    /// Moves the slot's usual values towards `target` (log value minus
    /// level), each by at most `limit`. A slot seen for the first time
    /// starts from `anchor` (what was expected of it, minus level) moved by
    /// at most `limit`, so that an anomaly arriving first is not taken as
    /// the slot's normal.
    pub(crate) fn learn_value(
        &mut self,
        slot: Slot,
        target: f64,
        anchor: Option<f64>,
        limit: f64,
        clock: &Clock,
    ) {
        let target = Target {
            value: target,
            anchor,
            limit,
        };
        if let (Some(loc), Some(n)) = (
            self.week_loc.get_mut(slot.week),
            self.week_n.get_mut(slot.week),
        ) {
            follow(loc, n, target, clock.week_rate);
        }
        if let (Some(loc), Some(n)) = (self.day_loc.get_mut(slot.day), self.day_n.get_mut(slot.day))
        {
            follow(loc, n, target, clock.day_rate);
        }
    }

    /// Moves the hour's spread towards one more absolute residual.
    pub(crate) fn learn_scale(&mut self, slot: Slot, abs_residual_sigma: f64, clock: &Clock) {
        if let (Some(scale), Some(n)) = (
            self.day_scale.get_mut(slot.day),
            self.day_scale_n.get_mut(slot.day),
        ) {
            *n = n.saturating_add(1);
            let rate = step(*n, clock.scale_rate);
            let next = f64::from(*scale) + rate * (abs_residual_sigma - f64::from(*scale));
            *scale = narrow(next);
        }
    }

    /// Counts one more observation at this hour, repeated or not.
    pub(crate) fn learn_repeat(&mut self, slot: Slot, repeated: bool, clock: &Clock) {
        if let (Some(rate), Some(n)) = (
            self.repeat_rate.get_mut(slot.day),
            self.repeat_n.get_mut(slot.day),
        ) {
            *n = n.saturating_add(1);
            let step = step(n.saturating_add(REPEAT_PRIOR_COUNT), clock.scale_rate);
            let seen = if repeated { 1.0 } else { 0.0 };
            *rate = narrow(f64::from(*rate) + step * (seen - f64::from(*rate)));
        }
    }
}

/// One robust exponential step of a location: the first value is taken
/// (within `limit` of the anchor), later ones pull by at most `limit`.
fn follow(loc: &mut f32, n: &mut u32, target: Target, mature_rate: f64) {
    *n = n.saturating_add(1);
    let limit = target.limit;
    if *n == 1 {
        let start = target.anchor.map_or(target.value, |anchor| {
            anchor + (target.value - anchor).clamp(-limit, limit)
        });
        *loc = narrow(start);
        return;
    }
    let pull = (target.value - f64::from(*loc)).clamp(-limit, limit);
    *loc = narrow(f64::from(*loc) + step(*n, mature_rate) * pull);
}

/// What a slot learns from one observation.
#[derive(Debug, Clone, Copy)]
struct Target {
    /// The log value minus level.
    value: f64,
    /// What was expected, minus level, when anything was.
    anchor: Option<f64>,
    /// The most one observation may move a usual value.
    limit: f64,
}

/// Stores a statistic in single precision. Values here are logs of
/// consumption and spreads of them, a few units at most, so nothing is
/// lost that the noise does not already hide.
#[allow(clippy::cast_possible_truncation)]
pub(crate) fn narrow(value: f64) -> f32 {
    value as f32
}

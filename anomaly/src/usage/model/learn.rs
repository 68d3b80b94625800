//! How one observation updates a meter's learned normal: its spreads, its
//! drift level, its seasonal slots and its whole-meter averages.

use super::Model;
use crate::usage::clock::{Clock, Slot, step};
use crate::usage::predict::Prediction;
use crate::usage::profile::CLIP_SIGMAS;

/// A residual counts towards a spread up to this many spreads. Two keeps
/// holidays and incidents (several percent of days in real data) from
/// doubling the spread, at the cost of following a genuine widening
/// more slowly.
const SCALE_CLIP_SIGMAS: f64 = 2.0;

/// The mean of normal absolute residuals clipped at two standard
/// deviations is 0.781 of one: spreads are kept as standard deviations.
pub(crate) const CLIPPED_ABS_TO_SIGMA: f64 = 1.0 / 0.781;

/// Unclipped, the mean absolute residual is 0.798 of a standard deviation.
const ABS_TO_SIGMA: f64 = 1.2533;

/// Bounds on an hour's weight in the level: no hour counts more than four
/// typical ones, nor less than a quarter.
const LEVEL_WEIGHT_BOUNDS: (f64, f64) = (0.25, 4.0);

impl Model {
    /// Learns one observation (`value`, its log `y`) after it was scored
    /// against `prediction`.
    pub(crate) fn learn(
        &mut self,
        value: f64,
        y: f64,
        slot: Slot,
        pred: Option<&Prediction>,
        clock: &Clock,
    ) {
        self.n = self.n.saturating_add(1);
        let limit = pred.map_or(f64::INFINITY, |p| CLIP_SIGMAS * p.scale);

        // Residuals from before a slot's day of the week was first seen
        // measure the warm-up, not the meter: they would inflate its spread
        // for weeks after.
        let seen_weekday = self.profile.week(slot, clock).is_some();
        if let Some(p) = pred {
            if seen_weekday {
                self.learn_residual(y - p.center, p, slot, clock);
            }
            let residual = (y - p.center).clamp(-limit, limit);
            self.level += clock.level_rate * p.week_weight * self.level_weight(p) * residual;
        }

        let anchor = pred.map(|p| p.center - self.level);
        self.profile
            .learn_value(slot, y - self.level, anchor, limit, clock);
        self.learn_whole_meter(y, slot, clock);
        self.mean_value += step(self.n, clock.meter_rate) * (value.max(0.0) - self.mean_value);
    }

    /// How much one residual tells about the meter's level: a quiet,
    /// steady hour says more than a noisy evening, in inverse proportion to
    /// its variance. Weights average 1 over the hours of the day, so the
    /// level moves as fast as its half-life says.
    fn level_weight(&self, pred: &Prediction) -> f64 {
        let learned = self
            .profile
            .day_scale
            .iter()
            .zip(&self.profile.day_scale_n)
            .filter(|(s, n)| **n > 0 && **s > 0.0)
            .map(|(s, _)| f64::from(*s));
        let (sum, count) = learned.fold((0.0, 0.0), |(sum, count), s| {
            (sum + 1.0 / (s * s), count + 1.0)
        });
        if count == 0.0 {
            return 1.0;
        }
        let typical_precision = sum / count;
        let precision = 1.0 / (pred.scale * pred.scale);
        (precision / typical_precision).clamp(LEVEL_WEIGHT_BOUNDS.0, LEVEL_WEIGHT_BOUNDS.1)
    }

    /// Updates the spreads with one prediction residual.
    fn learn_residual(&mut self, residual: f64, pred: &Prediction, slot: Slot, clock: &Clock) {
        let (_, seen) = self.profile.scale(slot);
        // The first few residuals of an hour set its spread unclipped: there
        // is nothing yet to clip against.
        let sigma = if seen < 3.0 {
            ABS_TO_SIGMA * residual.abs()
        } else {
            CLIPPED_ABS_TO_SIGMA * residual.abs().min(SCALE_CLIP_SIGMAS * pred.scale)
        };
        self.profile.learn_scale(slot, sigma, clock);

        self.resid_n = self.resid_n.saturating_add(1);
        let rate = step(self.resid_n, clock.meter_rate);
        self.resid_scale += rate * (sigma - self.resid_scale);
    }

    /// Updates the averages that ignore the slot, and the contrasts that
    /// tell how much the slots matter.
    fn learn_whole_meter(&mut self, y: f64, slot: Slot, clock: &Clock) {
        let rate = step(self.n, clock.meter_rate);
        let deviation = y - self.all_loc;
        if self.n == 1 {
            self.all_loc = y;
        } else {
            self.all_loc += rate * deviation;
            self.all_scale += rate * (ABS_TO_SIGMA * deviation.abs() - self.all_scale);
        }

        let day = self.profile.day(slot, clock).map(|(loc, _)| loc);
        let week = self.profile.week(slot, clock).map(|(loc, _)| loc);
        if let Some(day) = day {
            let gap = self.level + day - self.all_loc;
            self.day_contrast += rate * (gap * gap - self.day_contrast);
            if let Some(week) = week {
                let gap = week - day;
                self.week_contrast += rate * (gap * gap - self.week_contrast);
            }
        }
    }
}

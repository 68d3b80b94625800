//! The views of one observation besides its point surprise: what counts
//! as a quiet hour, as load left on, as a holiday-like day.

use super::{Meter, Settings};
use crate::usage::components::Components;
use crate::usage::config::UsageConfig;
use crate::usage::holiday;
use crate::usage::predict::{Baseline, Prediction};
use crate::usage::surprise::Surprise;
use crate::usage::window;

/// The spreads learn, and the tail percentile with them, only after two
/// days: before, spreads are widened for warm-up and residuals look
/// smaller than they are.
const LEARN_SPREADS_AFTER_DAYS: f64 = 2.0;

/// Load at quiet hours counts as left on only when it exceeds the usual
/// by at least this share of the meter's mean.
const OFF_HOURS_MIN_EXCESS_SHARE_OF_MEAN: f64 = 0.2;

impl Meter {
    /// Nothing is going on and the meter is past its first days: what it
    /// does now may teach it how much it usually varies.
    pub(super) fn calm(&self, clock: &crate::usage::clock::Clock) -> bool {
        self.episode.is_none() && self.model.days(clock) >= LEARN_SPREADS_AFTER_DAYS
    }

    /// Keeps the run of holiday-like days, and withdraws an excuse that
    /// has run out.
    pub(super) fn track_holidays(&mut self, surprise: &mut Surprise, today: i64, excusable: bool) {
        let ordinary = surprise.z.abs() < holiday::ORDINARY_WITHIN
            && surprise
                .other_days
                .is_some_and(|o| o.above_lowest >= holiday::OTHER_DAYS_BEYOND);
        if ordinary {
            self.holidays.ordinary(today);
        }
        if surprise.holiday.is_some() {
            self.holidays.record(today);
            if !excusable {
                surprise.holiday = None;
            }
        }
    }

    /// Whether `value` exceeds the usual of its slot by enough load to be
    /// worth reporting: weather moves a quiet night by a tenth or two, a
    /// heater left on by a good share of what the meter uses on average.
    pub(super) fn substantial_excess(&self, value: f64, pred: &Prediction) -> bool {
        value - self.usual(pred) >= OFF_HOURS_MIN_EXCESS_SHARE_OF_MEAN * self.model.mean_value
    }

    /// Whether the slot predicted by `pred` is one of the meter's quiet
    /// hours, on a meter with a marked rhythm.
    pub(super) fn is_quiet_hour(&self, pred: &Prediction, config: &UsageConfig) -> bool {
        let Some((quietest, busiest)) = self.model.day_extremes() else {
            return false;
        };
        pred.source != Baseline::WarmUp
            && busiest >= config.quiet_min_contrast_ratio * quietest
            && self.usual(pred) <= config.quiet_within_ratio * quietest
    }

    /// The slot's long-run usual consumption, in the meter's unit.
    fn usual(&self, pred: &Prediction) -> f64 {
        ((pred.center - pred.drift).exp() - self.model.floor).max(0.0)
    }

    /// Every view's surprise on the point scale.
    pub(super) fn components(&self, surprise: Option<Surprise>, settings: &Settings) -> Components {
        let (config, clock, open) = (&settings.config, &settings.clock, settings.open_surprise);
        Components {
            point: surprise.map_or(0.0, |s| s.signed),
            sustained: self.hours.surprise(open, &window::HOURS, clock),
            level: self.level.surprise(open, &window::DAY, clock),
            off_hours: self.off_hours.surprise(open),
            flatline: self.run.surprise(
                clock.cadence_secs,
                config.flatline_min_count,
                config.flatline_min_secs,
            ),
        }
    }
}

//! Where an observation falls in the week, and the per-observation learning
//! rates that the configured half-lives come to at the configured cadence.

use chrono::{DateTime, Utc};

use super::config::UsageConfig;

/// Seconds in an hour.
pub(crate) const HOUR_SECS: i64 = 3600;
/// Seconds in a day.
pub(crate) const DAY_SECS: i64 = 86_400;
/// Seconds in a week.
pub(crate) const WEEK_SECS: i64 = 7 * DAY_SECS;

/// 1970-01-01 was a Thursday; three days later puts Monday 00:00 at zero.
const EPOCH_TO_MONDAY_SECS: i64 = 3 * DAY_SECS;

/// Residuals of energy series stay correlated for about an hour (a load
/// that is on tends to stay on), so an hour is one independent sample for
/// the sustained detectors whatever the cadence.
const DECORRELATION_SECS: f64 = 3600.0;

/// The level never follows faster than a half-life of five observations:
/// at daily cadence a two-day half-life would swallow a level shift before
/// it could be seen.
const MIN_LEVEL_HALF_LIFE_COUNT: f64 = 5.0;

/// The two positions of one interval: in the week and in the day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Slot {
    /// Hour of the week from Monday 00:00, or day of the week at daily
    /// cadence.
    pub(crate) week: usize,
    /// Hour of the day, or always 0 at daily cadence.
    pub(crate) day: usize,
}

/// The slot layout and learning rates for one cadence.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Clock {
    /// Seconds between observations.
    pub(crate) cadence_secs: i64,
    /// Width of a slot: an hour, or a day at daily cadence.
    slot_secs: i64,
    /// Step of the hour-of-week baselines once they are mature.
    pub(crate) week_rate: f64,
    /// Step of the hour-of-day profile once it is mature.
    pub(crate) day_rate: f64,
    /// Step of the spread estimates.
    pub(crate) scale_rate: f64,
    /// Step of the drift-tracking level.
    pub(crate) level_rate: f64,
    /// Step of the slow whole-meter averages (mean, floor, contrasts).
    pub(crate) meter_rate: f64,
}

impl Clock {
    /// The layout for `config`'s cadence.
    pub(crate) fn new(config: &UsageConfig) -> Self {
        let cadence_secs = i64::from(config.cadence_secs).max(1);
        let slot_secs = if cadence_secs >= DAY_SECS {
            DAY_SECS
        } else {
            HOUR_SECS
        };
        let per_slot_visit = (slot_secs as f64 / cadence_secs as f64).max(1.0);
        let per_day = (DAY_SECS as f64 / cadence_secs as f64).max(1.0);
        Self {
            cadence_secs,
            slot_secs,
            week_rate: forgetting(config.weekly_half_life_days / 7.0 * per_slot_visit),
            day_rate: forgetting(config.daily_half_life_days * per_slot_visit),
            scale_rate: forgetting(config.scale_half_life_days * per_slot_visit),
            level_rate: forgetting(
                (config.level_half_life_hours * 3600.0 / cadence_secs as f64)
                    .max(MIN_LEVEL_HALF_LIFE_COUNT),
            ),
            meter_rate: forgetting(config.scale_half_life_days * per_day),
        }
    }

    /// Number of hour-of-week (or day-of-week) slots.
    pub(crate) fn week_len(&self) -> usize {
        usize::try_from(WEEK_SECS / self.slot_secs).unwrap_or(1)
    }

    /// Number of hour-of-day slots; 1 at daily cadence.
    pub(crate) fn day_len(&self) -> usize {
        usize::try_from(DAY_SECS / self.slot_secs).unwrap_or(1)
    }

    /// Observations one slot receives per visit (per day for an hour-of-day
    /// slot, per week for an hour-of-week slot): 4 at quarter-hours.
    pub(crate) fn per_visit(&self) -> f64 {
        (self.slot_secs as f64 / self.cadence_secs as f64).max(1.0)
    }

    /// Observations per day, at least 1.
    pub(crate) fn per_day(&self) -> f64 {
        (DAY_SECS as f64 / self.cadence_secs as f64).max(1.0)
    }

    /// How many independent samples one observation is worth to the
    /// sustained detectors.
    pub(crate) fn weight(&self) -> f64 {
        (self.cadence_secs as f64 / DECORRELATION_SECS).min(1.0)
    }

    /// Whether there is a time of day to learn (cadence under a day).
    pub(crate) fn has_time_of_day(&self) -> bool {
        self.slot_secs < DAY_SECS
    }

    /// The slot of an interval starting at `ts`, on the local clock
    /// `utc_offset_secs` ahead of UTC.
    pub(crate) fn slot(&self, ts: DateTime<Utc>, utc_offset_secs: i32) -> Slot {
        let local = ts.timestamp() + i64::from(utc_offset_secs);
        let in_week = (local + EPOCH_TO_MONDAY_SECS).rem_euclid(WEEK_SECS);
        let in_day = local.rem_euclid(DAY_SECS);
        Slot {
            week: usize::try_from(in_week / self.slot_secs).unwrap_or(0),
            day: usize::try_from(in_day / self.slot_secs).unwrap_or(0),
        }
    }

    /// The slots an hour before and after, for clocks that shift by an
    /// hour (daylight saving in UTC data, a late opening). None at daily
    /// cadence, where the next slot is another day.
    pub(crate) fn neighbours(&self, slot: Slot) -> Option<[Slot; 2]> {
        if !self.has_time_of_day() {
            return None;
        }
        let (weeks, days) = (self.week_len(), self.day_len());
        Some([
            Slot {
                week: (slot.week + weeks - 1) % weeks,
                day: (slot.day + days - 1) % days,
            },
            Slot {
                week: (slot.week + 1) % weeks,
                day: (slot.day + 1) % days,
            },
        ])
    }

    /// The same hour on each day of the week.
    pub(crate) fn same_hour_each_day(&self, slot: Slot) -> impl Iterator<Item = Slot> {
        let day_len = self.day_len();
        (0..7).map(move |weekday| Slot {
            week: weekday * day_len + slot.day,
            day: slot.day,
        })
    }
}

/// The per-sample weight of an exponential average whose half-life is
/// `half_life_samples` samples.
pub(crate) fn forgetting(half_life_samples: f64) -> f64 {
    if half_life_samples <= 1.0 {
        0.5
    } else {
        1.0 - 0.5_f64.powf(1.0 / half_life_samples)
    }
}

/// The step for a statistic's `n`-th sample: a plain mean while it is
/// young, then exponential forgetting at `mature_rate`.
pub(crate) fn step(n: u32, mature_rate: f64) -> f64 {
    (1.0 / f64::from(n.max(1))).max(mature_rate)
}

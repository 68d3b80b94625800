//! How long drops that look like another day of the week are excused.
//!
//! A public holiday makes a weekday look like a Sunday, and the odd bridge
//! day or Christmas makes two in a row. A third consecutive day is no
//! longer a holiday but a meter, or a building, that changed: from then on
//! the resemblance excuses nothing until a day without it.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::clock::DAY_SECS;

/// Consecutive days on which a weekday may look like another day of the
/// week and be excused.
const MAX_HOLIDAY_DAYS: u32 = 2;

/// An observation proves its day is an ordinary working day when it is
/// within this many deviations of its own weekday...
pub(crate) const ORDINARY_WITHIN: f64 = 1.5;

/// ...and this many above the quietest other weekday at that hour: the
/// hour tells working days from days off, and this one is working.
pub(crate) const OTHER_DAYS_BEYOND: f64 = 3.0;

/// The current run of days with holiday-like drops, by local day number,
/// and the latest day shown to be an ordinary one.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct HolidayRun {
    /// The local day of the latest holiday-like drop.
    last_day: Option<i64>,
    /// Consecutive days up to and including `last_day`.
    days: u32,
    /// The latest local day on which an observation matched its own
    /// weekday and clearly no other: a drop later that day (an office
    /// that closed at noon) is no holiday.
    #[serde(default)]
    ordinary_day: Option<i64>,
}

/// The local day number of `ts`.
pub(crate) fn local_day(ts: DateTime<Utc>, utc_offset_secs: i32) -> i64 {
    (ts.timestamp() + i64::from(utc_offset_secs)).div_euclid(DAY_SECS)
}

impl HolidayRun {
    /// Whether a holiday-like drop on `today` may still be excused.
    pub(crate) fn allows(&self, today: i64) -> bool {
        if self.ordinary_day == Some(today) {
            return false;
        }
        match self.last_day {
            Some(last) if today == last => self.days <= MAX_HOLIDAY_DAYS,
            Some(last) if today == last + 1 => self.days < MAX_HOLIDAY_DAYS,
            _ => true,
        }
    }

    /// Whether `today` still has to show whether it is an ordinary day.
    pub(crate) fn undecided(&self, today: i64) -> bool {
        self.ordinary_day != Some(today)
    }

    /// Records that `today` is an ordinary working day.
    pub(crate) fn ordinary(&mut self, today: i64) {
        self.ordinary_day = Some(today);
    }

    /// Records a holiday-like drop on `today`.
    pub(crate) fn record(&mut self, today: i64) {
        self.days = match self.last_day {
            Some(last) if today == last => self.days,
            Some(last) if today == last + 1 => self.days.saturating_add(1),
            _ => 1,
        };
        self.last_day = Some(today);
    }
}

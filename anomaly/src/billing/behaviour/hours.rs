//! The hours and weekdays an actor works, and activity outside them.
//!
//! Hours are UTC. The ledger carries no time zone for the actor (the offset
//! a producer sends is gone once the timestamp is normalised), but the
//! pattern is learned per actor from their own activity, so any fixed zone
//! works equally well; what UTC costs is a one-hour shift twice a year
//! where the actor's clock follows daylight saving, which the tolerance
//! absorbs.
//!
//! Hours of the day and days of the week are learned separately rather
//! than as 168 hour-of-week slots: an occasional editor leaves most
//! hour-of-week slots empty for months, which would make ordinary hours on
//! an ordinary day look new. An entry is off-hours when no worked hour lies
//! within the tolerance of its hour, or when it falls on a weekday the
//! actor has never worked (see `weekdays` for what that takes). Activity that was off-hours is kept apart and adopted only
//! after it recurs on several days, so one night's edits never teach the
//! detector that nights are normal.

use std::collections::VecDeque;

use chrono::{DateTime, Datelike, Timelike, Utc};
use serde::{Deserialize, Serialize};

use crate::billing::config::BillingConfig;

/// Distinct clock hours remembered to avoid counting one twice when
/// entries arrive out of order: two days of round-the-clock activity.
const RECENT_HOURS_KEPT: usize = 48;

/// Seconds in a week.
const SECS_PER_WEEK: f64 = 7.0 * 86_400.0;

/// Distinct days remembered for the same reason: two weeks.
const RECENT_DAYS_KEPT: usize = 14;

/// Why an entry's time is unusual for its actor.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct Unfamiliar {
    pub(crate) hour: bool,
    pub(crate) weekday: bool,
}

impl Unfamiliar {
    pub(crate) fn any(self) -> bool {
        self.hour || self.weekday
    }
}

/// Days on which the actor was active, per hour of day and per weekday.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub(crate) struct HourProfile {
    /// Per UTC hour of day: days with activity in that hour.
    pub(crate) hour_days: [u32; 24],
    /// Per weekday, Monday first: days with activity.
    pub(crate) weekday_days: [u32; 7],
    /// The same for activity that was off-hours, not yet adopted.
    pub(crate) flagged_hour_days: [u32; 24],
    pub(crate) flagged_weekday_days: [u32; 7],
    /// Per hour of the week, Monday 00:00 first: days with activity on a
    /// familiar weekday, to tell a shift running past midnight from work
    /// on a new day. Empty until the first activity, then 168 long.
    pub(crate) week_hour_days: Vec<u32>,
    /// Distinct days with any activity.
    pub(crate) active_days: u32,
    recent_hours: VecDeque<i64>,
    recent_days: VecDeque<i64>,
}

/// The UTC hour of day, 0 to 23, as an index.
pub(crate) fn hour_of(ts: DateTime<Utc>) -> usize {
    ts.hour() as usize
}

/// The weekday, Monday 0 to Sunday 6, as an index.
pub(crate) fn weekday_of(ts: DateTime<Utc>) -> usize {
    ts.weekday().num_days_from_monday() as usize
}

impl HourProfile {
    /// How unusual `ts` is for an actor first seen at `first_seen`;
    /// nothing is unusual before the actor has enough active days.
    pub(crate) fn judge(
        &self,
        ts: DateTime<Utc>,
        first_seen: DateTime<Utc>,
        config: &BillingConfig,
    ) -> Unfamiliar {
        if self.active_days < config.off_hours_min_active_days_count {
            return Unfamiliar::default();
        }
        // Each weekday has come round this many times since first seen.
        let weeks = ((ts - first_seen).num_seconds() as f64 / SECS_PER_WEEK).floor();
        Unfamiliar {
            hour: self.hour_unworked(hour_of(ts), config),
            weekday: self.weekday_unworked(ts, weeks, config),
        }
    }

    /// No worked hour within the tolerance of `hour`, in enough active
    /// hours that an actor who spent even `off_hours_min_share` of their
    /// time there would almost surely have been seen there.
    fn hour_unworked(&self, hour: usize, config: &BillingConfig) -> bool {
        let tolerance = config.off_hours_tolerance_hours as usize;
        let worked_near = (0..=2 * tolerance).any(|step| {
            let index = (hour + 24 + step - tolerance) % 24;
            self.hour_days.get(index).is_some_and(|days| *days > 0)
        });
        let seen: f64 = self.hour_days.iter().map(|d| f64::from(*d)).sum();
        let chance = (1.0 - config.off_hours_min_share).powf(seen);
        !worked_near && chance <= config.off_hours_max_chance
    }

    /// Counts activity at `ts`, once per clock hour and once per day.
    /// Unfamiliar dimensions go to the flagged counts, which are adopted
    /// once seen on `adopt_after` days. Returns whether the clock hour was
    /// new.
    pub(crate) fn record(
        &mut self,
        ts: DateTime<Utc>,
        unfamiliar: Unfamiliar,
        adopt_after: u32,
    ) -> bool {
        let new_hour = remember(
            &mut self.recent_hours,
            ts.timestamp().div_euclid(3_600),
            RECENT_HOURS_KEPT,
        );
        let new_day = remember(
            &mut self.recent_days,
            ts.timestamp().div_euclid(86_400),
            RECENT_DAYS_KEPT,
        );
        if new_hour && !unfamiliar.weekday {
            self.count_week_hour(ts);
        }
        if new_hour {
            count(
                &mut self.hour_days,
                &mut self.flagged_hour_days,
                hour_of(ts),
                unfamiliar.hour,
                adopt_after,
            );
        }
        if new_day {
            self.active_days = self.active_days.saturating_add(1);
            count(
                &mut self.weekday_days,
                &mut self.flagged_weekday_days,
                weekday_of(ts),
                unfamiliar.weekday,
                adopt_after,
            );
        }
        new_hour
    }
}

/// Remembers `index` among the recent ones; whether it was new.
fn remember(recent: &mut VecDeque<i64>, index: i64, kept: usize) -> bool {
    if recent.contains(&index) {
        return false;
    }
    recent.push_back(index);
    if recent.len() > kept {
        recent.pop_front();
    }
    true
}

/// Counts one day in slot `at`, in the flagged counts when unfamiliar,
/// moving the flagged days over once there are `adopt_after` of them.
fn count(worked: &mut [u32], flagged: &mut [u32], at: usize, unfamiliar: bool, adopt_after: u32) {
    let (Some(worked), Some(flagged)) = (worked.get_mut(at), flagged.get_mut(at)) else {
        return;
    };
    if !unfamiliar {
        *worked = worked.saturating_add(1);
        return;
    }
    *flagged = flagged.saturating_add(1);
    if *flagged >= adopt_after {
        *worked = worked.saturating_add(*flagged);
        *flagged = 0;
    }
}

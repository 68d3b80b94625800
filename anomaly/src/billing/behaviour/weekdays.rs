//! Work on a weekday the actor never works.
//!
//! Weekdays are UTC days, and a shift that runs past midnight UTC (a night
//! shift, or a day shift far from UTC) puts a few late entries on the next
//! UTC day: a Friday night's work shows up on a Saturday. So an entry is
//! on a familiar weekday if the actor worked that weekday, or worked within
//! the hour tolerance of the same hour of the week, across the day
//! boundary; this anchors the week on the actor's own shifts rather than
//! on UTC midnight.

use chrono::{DateTime, Utc};

use super::hours::{HourProfile, hour_of, weekday_of};
use crate::billing::config::BillingConfig;

/// Hours in a week.
const WEEK_HOURS: usize = 168;

/// The highest share of a weekday's occurrences anyone is assumed to
/// work: holidays, sick days and public holidays take the rest, so a
/// weekday missed twice is never proof on its own.
const MAX_WEEKDAY_SHARE: f64 = 0.85;

/// The hour of the week of `ts`, Monday 00:00 as 0.
fn week_hour(ts: DateTime<Utc>) -> usize {
    weekday_of(ts) * 24 + hour_of(ts)
}

impl HourProfile {
    /// Counts one more day with activity in the hour of the week of `ts`.
    pub(super) fn count_week_hour(&mut self, ts: DateTime<Utc>) {
        self.week_hour_days.resize(WEEK_HOURS, 0);
        if let Some(days) = self.week_hour_days.get_mut(week_hour(ts)) {
            *days = days.saturating_add(1);
        }
    }

    /// A weekday never worked in `weeks` of history, away from any worked
    /// hour of the week by more than the tolerance, where an actor who
    /// worked it as often as their other weekdays would have missed it by
    /// chance at most the configured chance: an occasional editor's unseen
    /// Tuesday is luck, a full-timer's unseen Saturday is not.
    pub(super) fn weekday_unworked(
        &self,
        ts: DateTime<Utc>,
        weeks: f64,
        config: &BillingConfig,
    ) -> bool {
        let weekday = weekday_of(ts);
        let worked_that_day = self.weekday_days.get(weekday).is_none_or(|days| *days > 0);
        if worked_that_day || weeks < 1.0 || self.worked_near(ts, config) {
            return false;
        }
        let worked = self.weekday_days.iter().filter(|d| **d > 0).count();
        let days: f64 = self.weekday_days.iter().map(|d| f64::from(*d)).sum();
        // The share of its occurrences on which the actor would work this
        // weekday, were it one of theirs: their active days over every
        // occurrence of their weekdays and this one.
        let share = (days / (weeks * (worked + 1) as f64)).min(MAX_WEEKDAY_SHARE);
        (1.0 - share).powf(weeks) <= config.off_hours_max_chance
    }

    /// Whether any hour of the week within the tolerance of `ts` was
    /// worked.
    fn worked_near(&self, ts: DateTime<Utc>, config: &BillingConfig) -> bool {
        let tolerance = config.off_hours_tolerance_hours as usize;
        let at = week_hour(ts);
        (0..=2 * tolerance).any(|step| {
            let index = (at + WEEK_HOURS + step - tolerance) % WEEK_HOURS;
            self.week_hour_days.get(index).is_some_and(|days| *days > 0)
        })
    }
}

//! The days of a set, and who is away when.

use std::collections::HashMap;

use chrono::{DateTime, TimeDelta, TimeZone, Utc};
use rand::RngExt;
use rand::rngs::StdRng;

use super::WARM_UP_DAYS;

/// The set's days, from a Monday at midnight UTC.
#[derive(Debug, Clone, Copy)]
pub(super) struct Calendar {
    start: DateTime<Utc>,
    pub(super) days: i64,
}

impl Calendar {
    pub(super) fn new(days: i64) -> Self {
        let start = Utc
            .with_ymd_and_hms(2026, 3, 2, 0, 0, 0)
            .single()
            .unwrap_or(DateTime::<Utc>::UNIX_EPOCH);
        Self { start, days }
    }

    /// Midnight UTC of a day.
    pub(super) fn day_start(&self, day: i64) -> DateTime<Utc> {
        self.start + TimeDelta::days(day)
    }

    /// A local time of day (in minutes) on a day, in UTC.
    pub(super) fn local(
        &self,
        day: i64,
        minute_of_day: i64,
        utc_offset_hours: i64,
    ) -> DateTime<Utc> {
        self.day_start(day) + TimeDelta::minutes(minute_of_day) - TimeDelta::hours(utc_offset_hours)
    }

    /// Attacks start after the warm-up and a day before the end.
    pub(super) fn attack_window(&self) -> (DateTime<Utc>, DateTime<Utc>) {
        (self.day_start(WARM_UP_DAYS), self.day_start(self.days - 1))
    }

    /// A random attack start.
    pub(super) fn attack_time(&self, rng: &mut StdRng) -> DateTime<Utc> {
        let (from, to) = self.attack_window();
        from + TimeDelta::seconds(rng.random_range(0..(to - from).num_seconds().max(1)))
    }
}

/// From and to, inclusive.
type Interval = (DateTime<Utc>, DateTime<Utc>);

/// Intervals in which a user's ordinary traffic is not generated (they are
/// on a trip).
#[derive(Debug, Default)]
pub(super) struct Busy {
    intervals: HashMap<String, Vec<Interval>>,
}

impl Busy {
    pub(super) fn add(&mut self, user_id: &str, from: DateTime<Utc>, to: DateTime<Utc>) {
        self.intervals
            .entry(user_id.to_owned())
            .or_default()
            .push((from, to));
    }

    pub(super) fn is_busy(&self, user_id: &str, ts: DateTime<Utc>) -> bool {
        self.intervals
            .get(user_id)
            .is_some_and(|all| all.iter().any(|(from, to)| *from <= ts && ts <= *to))
    }
}

//! What register intervals contribute to each quarter-hour, as sums that
//! can be added and taken away again.
//!
//! A late reading splits an interval in two. Rather than recompute whole
//! buckets, the old interval's contribution is subtracted and the two new
//! ones added; since every field is a plain sum, the result is exactly what
//! a recomputation from the readings would give.

use super::BucketFlags;
use crate::apportion::apportion;
use crate::consumption::{Consumption, Interval};
use crate::time::quarter_floor;
use chrono::{DateTime, TimeDelta, Utc};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::ops::{AddAssign, Neg};

/// A bucket's running sums, or a change to them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Tally {
    pub(crate) energy_wh: i64,
    /// Intervals reaching the bucket. It keeps a bucket with no
    /// consumption (a meter standing still) apart from a bucket with no
    /// data, and is not published.
    pub(crate) intervals: i64,
    pub(crate) gaps: i64,
    pub(crate) rollovers: i64,
    pub(crate) resets: i64,
    pub(crate) implausible: i64,
    pub(crate) too_long: i64,
    pub(crate) conflicts: i64,
}

impl AddAssign for Tally {
    fn add_assign(&mut self, other: Self) {
        self.energy_wh += other.energy_wh;
        self.intervals += other.intervals;
        self.gaps += other.gaps;
        self.rollovers += other.rollovers;
        self.resets += other.resets;
        self.implausible += other.implausible;
        self.too_long += other.too_long;
        self.conflicts += other.conflicts;
    }
}

impl Neg for Tally {
    type Output = Self;

    fn neg(self) -> Self {
        Self {
            energy_wh: -self.energy_wh,
            intervals: -self.intervals,
            gaps: -self.gaps,
            rollovers: -self.rollovers,
            resets: -self.resets,
            implausible: -self.implausible,
            too_long: -self.too_long,
            conflicts: -self.conflicts,
        }
    }
}

impl Tally {
    /// The sums in the order a checkpoint stores them.
    pub(crate) fn to_array(self) -> [i64; 8] {
        [
            self.energy_wh,
            self.intervals,
            self.gaps,
            self.rollovers,
            self.resets,
            self.implausible,
            self.too_long,
            self.conflicts,
        ]
    }

    /// The sums from a checkpoint's array.
    pub(crate) fn from_array(a: [i64; 8]) -> Self {
        let [
            energy_wh,
            intervals,
            gaps,
            rollovers,
            resets,
            implausible,
            too_long,
            conflicts,
        ] = a;
        Self {
            energy_wh,
            intervals,
            gaps,
            rollovers,
            resets,
            implausible,
            too_long,
            conflicts,
        }
    }

    pub(crate) fn is_zero(&self) -> bool {
        *self == Self::default()
    }

    pub(crate) fn flags(&self) -> BucketFlags {
        BucketFlags {
            gaps: count(self.gaps),
            rollovers: count(self.rollovers),
            resets: count(self.resets),
            implausible: count(self.implausible),
            too_long: count(self.too_long),
            conflicts: count(self.conflicts),
        }
    }

    /// What an update shows of the bucket.
    pub(crate) fn published(&self) -> (i64, BucketFlags) {
        (self.energy_wh, self.flags())
    }
}

/// Counts never go below zero: every subtraction undoes an earlier addition.
fn count(n: i64) -> u32 {
    debug_assert!(n >= 0, "a bucket count went negative: {n}");
    u32::try_from(n.max(0)).unwrap_or(u32::MAX)
}

/// Changes to quarter-hours, keyed by quarter start.
#[derive(Debug, Default)]
pub(crate) struct Deltas(BTreeMap<DateTime<Utc>, Tally>);

impl Deltas {
    pub(crate) fn add(&mut self, interval: &Interval) {
        for (quarter, tally) in contribution(interval) {
            *self.0.entry(quarter).or_default() += tally;
        }
    }

    pub(crate) fn remove(&mut self, interval: &Interval) {
        for (quarter, tally) in contribution(interval) {
            *self.0.entry(quarter).or_default() += -tally;
        }
    }

    /// A reading that repeated a timestamp with another register value.
    pub(crate) fn conflict(&mut self, ts: DateTime<Utc>) {
        let mark = Tally {
            conflicts: 1,
            ..Tally::default()
        };
        *self.0.entry(quarter_floor(ts)).or_default() += mark;
    }

    /// The changes that change something.
    pub(crate) fn into_nonzero(self) -> impl Iterator<Item = (DateTime<Utc>, Tally)> {
        self.0.into_iter().filter(|(_, tally)| !tally.is_zero())
    }
}

fn contribution(interval: &Interval) -> Vec<(DateTime<Utc>, Tally)> {
    match interval.consumption.spread_wh() {
        Some(wh) => spread(interval, wh),
        None => ends(interval),
    }
}

/// Known consumption goes to every quarter-hour the interval overlaps.
fn spread(interval: &Interval, wh: i64) -> Vec<(DateTime<Utc>, Tally)> {
    let each = Tally {
        intervals: 1,
        gaps: interval.gap.into(),
        rollovers: matches!(interval.consumption, Consumption::Wrapped(_)).into(),
        ..Tally::default()
    };
    apportion(interval.start, interval.end, wh)
        .into_iter()
        .map(|(quarter, energy_wh)| (quarter, Tally { energy_wh, ..each }))
        .collect()
}

/// Unknown or held-out consumption marks the quarter-hours at the
/// interval's two ends, whose energy it leaves incomplete. The quarter-hours
/// wholly inside it get nothing: nothing is known about them, and marking
/// them all would let one long silence create thousands of buckets.
fn ends(interval: &Interval) -> Vec<(DateTime<Utc>, Tally)> {
    let mark = Tally {
        intervals: 1,
        resets: matches!(interval.consumption, Consumption::Reset).into(),
        implausible: matches!(interval.consumption, Consumption::Implausible(_)).into(),
        too_long: matches!(interval.consumption, Consumption::TooLong(_)).into(),
        ..Tally::default()
    };
    let first = quarter_floor(interval.start);
    let last = quarter_floor(interval.end - TimeDelta::nanoseconds(1)).max(first);
    if first == last {
        vec![(first, mark)]
    } else {
        vec![(first, mark), (last, mark)]
    }
}

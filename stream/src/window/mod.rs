//! Event-time buckets per meter: 15-minute, hourly and daily consumption,
//! corrected while late readings may still arrive and marked final once
//! nothing the stage accepts can change them.
//!
//! Consumption is apportioned to UTC quarter-hours only; an hour or a day
//! is the sum of its quarter-hours. The three widths therefore always agree
//! with each other to the Wh, which a bill that shows days and a dashboard
//! that shows quarter-hours both rely on.

mod buckets;
mod calendar;
mod meter;
mod tally;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::ops::AddAssign;

pub(crate) use buckets::{Cell, OpenBuckets};
pub(crate) use tally::Tally;

/// The local day holding the quarter-hour starting at `quarter`, as
/// `(start, end)`.
pub(crate) fn day_span(
    quarter: DateTime<Utc>,
    tz: &chrono_tz::Tz,
) -> (DateTime<Utc>, DateTime<Utc>) {
    let span = calendar::bucket_of(BucketWidth::Day, quarter, tz);
    (span.start, span.end)
}
pub use meter::{CHECKPOINT_VERSION, Checkpoint, MeterStream, Outcome, Pushed, RestoreError};

/// A bucket's length.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BucketWidth {
    /// A quarter-hour on the UTC grid (which is the local grid in every
    /// zone in use today).
    Min15,
    /// A local hour: the UTC hour where the zone's offset is whole hours.
    Hour,
    /// A local calendar day in the property's time zone: 23 or 25 hours on
    /// the days the clocks change.
    Day,
}

impl BucketWidth {
    /// Every width, finest first.
    pub const ALL: [Self; 3] = [Self::Min15, Self::Hour, Self::Day];

    /// A short stable name for storage and logs: `15m`, `1h`, `1d`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Min15 => "15m",
            Self::Hour => "1h",
            Self::Day => "1d",
        }
    }
}

/// How many register intervals of each kind reached a bucket, and how many
/// conflicting readings fell in it. All zero for a bucket made only of
/// ordinary measured consumption.
///
/// Counts are kept per quarter-hour and added up for hours and days, so
/// that they sum across meters and widths like energy does: a gap spread
/// over a whole hour adds 1 to each of its four quarter-hours and 4 to the
/// hour. An interval whose consumption is unknown or held out counts on the
/// quarter-hours at its two ends only (the ones it leaves incomplete); the
/// quarter-hours wholly inside it get no bucket at all.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BucketFlags {
    /// Gaps spread over this bucket: its energy is estimated.
    pub gaps: u32,
    /// Register wraps spread over this bucket.
    pub rollovers: u32,
    /// Resets or meter replacements touching this bucket: part of its
    /// energy is unknown, so the value is a lower bound.
    pub resets: u32,
    /// Implausible advances touching this bucket, held out of its energy.
    pub implausible: u32,
    /// Advances over too long a silence touching this bucket, held out.
    pub too_long: u32,
    /// Readings in this bucket that repeated a timestamp with a different
    /// register; the first one received was kept.
    pub conflicts: u32,
}

impl BucketFlags {
    /// No part of the bucket's span has unknown or held-out consumption.
    pub fn is_complete(&self) -> bool {
        self.resets == 0 && self.implausible == 0 && self.too_long == 0
    }
}

impl AddAssign for BucketFlags {
    fn add_assign(&mut self, other: Self) {
        self.gaps += other.gaps;
        self.rollovers += other.rollovers;
        self.resets += other.resets;
        self.implausible += other.implausible;
        self.too_long += other.too_long;
        self.conflicts += other.conflicts;
    }
}

/// The full current value of one meter's bucket, to be upserted on
/// `(meter_id, width, start)`. A later update for the same bucket replaces
/// an earlier one; it is never a delta.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BucketUpdate {
    /// The meter.
    pub meter_id: String,
    /// The bucket's length.
    pub width: BucketWidth,
    /// The bucket's first instant.
    pub start: DateTime<Utc>,
    /// The instant after the bucket: `start` plus 15 minutes, an hour, or
    /// a local day of 23, 24 or 25 hours.
    pub end: DateTime<Utc>,
    /// Consumption in the bucket, in whole Wh.
    pub energy_wh: i64,
    /// A gap's consumption was spread over the bucket by time.
    pub estimated: bool,
    /// What reached the bucket besides ordinary measured consumption.
    pub flags: BucketFlags,
    /// The watermark has passed the bucket's end and no reading the stage
    /// can still accept would change it: the value is settled. Otherwise
    /// the value is provisional and a later update may replace it.
    pub is_final: bool,
}

//! A meter's stream state as a value the caller can persist, so that a
//! restart or a rebalance resumes exactly where the stream stopped.

use std::collections::BTreeMap;

use super::MeterStream;
use crate::config::{ConfigError, MeterConfig};
use crate::consumption::{Consumption, Interval};
use crate::window::{BucketWidth, Cell, OpenBuckets, Tally};
use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};
use thiserror::Error;

/// The layout written by this build. A checkpoint of another layout is
/// refused rather than guessed at: the meter is then rebuilt from raw
/// readings. Layout 2 stores readings, intervals and buckets as arrays
/// rather than objects with named fields: a checkpoint is rewritten with
/// every batch that touches its meter, and the names were half its size.
pub const CHECKPOINT_VERSION: u32 = 2;

/// Everything one meter's stream holds: its recent readings and the
/// intervals between them, its watermark and its open buckets. Serialise it
/// with any serde format; its fields are private so that its layout can
/// change under [`CHECKPOINT_VERSION`].
///
/// Its size is bounded by the allowed lateness: the readings within it of
/// the newest, and the buckets not yet final.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Checkpoint {
    version: u32,
    meter_id: String,
    time_zone: String,
    readings: Vec<SavedSample>,
    intervals: Vec<SavedInterval>,
    watermark: Option<DateTime<Utc>>,
    buckets: Vec<SavedBucket>,
}

/// A reading: `[time, register Wh]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
struct SavedSample(DateTime<Utc>, i64);

/// An interval: `[start, end, what the register did, its Wh, gap]`, the
/// register's doing coded as in [`consumption_code`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
struct SavedInterval(DateTime<Utc>, DateTime<Utc>, u8, i64, bool);

/// An open bucket: `[width, start, end, sums]`, the sums in the order of
/// `Tally::to_array`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
struct SavedBucket(BucketWidth, DateTime<Utc>, DateTime<Utc>, [i64; 8]);

/// The code and Wh of what the register did over an interval.
fn consumption_code(consumption: Consumption) -> (u8, i64) {
    match consumption {
        Consumption::Measured(wh) => (0, wh),
        Consumption::Wrapped(wh) => (1, wh),
        Consumption::Reset => (2, 0),
        Consumption::Implausible(wh) => (3, wh),
        Consumption::TooLong(wh) => (4, wh),
    }
}

fn consumption_of(code: u8, wh: i64) -> Option<Consumption> {
    Some(match code {
        0 => Consumption::Measured(wh),
        1 => Consumption::Wrapped(wh),
        2 => Consumption::Reset,
        3 => Consumption::Implausible(wh),
        4 => Consumption::TooLong(wh),
        _ => return None,
    })
}

impl From<&Interval> for SavedInterval {
    fn from(i: &Interval) -> Self {
        let (code, wh) = consumption_code(i.consumption);
        Self(i.start, i.end, code, wh, i.gap)
    }
}

impl SavedInterval {
    fn load(self) -> Option<Interval> {
        let Self(start, end, code, wh, gap) = self;
        Some(Interval {
            start,
            end,
            consumption: consumption_of(code, wh)?,
            gap,
        })
    }
}

impl Checkpoint {
    /// The meter this checkpoint is of.
    pub fn meter_id(&self) -> &str {
        &self.meter_id
    }

    /// The watermark when it was taken.
    pub fn watermark(&self) -> Option<DateTime<Utc>> {
        self.watermark
    }
}

/// Why a checkpoint cannot be resumed.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum RestoreError {
    /// Written by a build with another layout.
    #[error("checkpoint layout {found} is not the supported {CHECKPOINT_VERSION}")]
    UnsupportedVersion {
        /// The layout found.
        found: u32,
    },
    /// An interval's record of what the register did is not one this
    /// layout writes: the checkpoint was altered or damaged.
    #[error("meter {meter_id}'s checkpoint holds an interval of unknown kind {code}")]
    UnknownIntervalKind {
        /// The meter.
        meter_id: String,
        /// The code found.
        code: u8,
    },
    /// The property's time zone changed since: the open day buckets were cut
    /// at the old zone's midnights and cannot be continued in the new one.
    /// Rebuild the meter from raw readings instead.
    #[error("meter {meter_id} was checkpointed in time zone {saved}, not {given}")]
    TimeZoneChanged {
        /// The meter.
        meter_id: String,
        /// The zone in the checkpoint.
        saved: String,
        /// The zone given to `restore`.
        given: String,
    },
    /// The configuration given to `restore` is invalid.
    #[error(transparent)]
    Config(#[from] ConfigError),
}

impl MeterStream {
    /// The stream's whole state, to persist.
    pub fn checkpoint(&self) -> Checkpoint {
        Checkpoint {
            version: CHECKPOINT_VERSION,
            meter_id: self.meter_id.clone(),
            time_zone: self.tz.name().to_owned(),
            readings: self
                .readings
                .iter()
                .map(|(&ts, &wh)| SavedSample(ts, wh))
                .collect(),
            intervals: self.intervals.values().map(SavedInterval::from).collect(),
            watermark: self.watermark,
            buckets: self
                .buckets
                .save()
                .into_iter()
                .map(|(width, start, cell)| {
                    SavedBucket(width, start, cell.end, cell.tally.to_array())
                })
                .collect(),
        }
    }

    /// Resumes a stream from a checkpoint. `config` may differ from the one
    /// in force when it was taken: intervals already formed keep the
    /// classification they had, new ones follow `config`.
    ///
    /// # Errors
    ///
    /// [`RestoreError`]: another layout, another time zone, or an invalid
    /// `config`.
    pub fn restore(
        checkpoint: Checkpoint,
        config: MeterConfig,
        tz: Tz,
    ) -> Result<Self, RestoreError> {
        if checkpoint.version != CHECKPOINT_VERSION {
            return Err(RestoreError::UnsupportedVersion {
                found: checkpoint.version,
            });
        }
        if checkpoint.time_zone != tz.name() {
            return Err(RestoreError::TimeZoneChanged {
                meter_id: checkpoint.meter_id,
                saved: checkpoint.time_zone,
                given: tz.name().to_owned(),
            });
        }
        let mut intervals = BTreeMap::new();
        for saved in checkpoint.intervals {
            let interval = saved.load().ok_or(RestoreError::UnknownIntervalKind {
                meter_id: checkpoint.meter_id.clone(),
                code: saved.2,
            })?;
            intervals.insert(interval.start, interval);
        }
        let mut stream = Self::new(checkpoint.meter_id, config, tz)?;
        stream.readings = checkpoint
            .readings
            .iter()
            .map(|&SavedSample(ts, wh)| (ts, wh))
            .collect();
        stream.intervals = intervals;
        stream.watermark = checkpoint.watermark;
        let buckets = checkpoint
            .buckets
            .into_iter()
            .map(|SavedBucket(width, start, end, sums)| {
                let cell = Cell {
                    end,
                    tally: Tally::from_array(sums),
                };
                (width, start, cell)
            });
        stream.buckets = OpenBuckets::load(buckets.collect());
        Ok(stream)
    }
}

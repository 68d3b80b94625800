//! A meter's stream state as a value the caller can persist, so that a
//! restart or a rebalance resumes exactly where the stream stopped.

use super::MeterStream;
use crate::config::{ConfigError, MeterConfig};
use crate::consumption::{Interval, Sample};
use crate::window::{OpenBuckets, SavedBuckets};
use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};
use thiserror::Error;

/// The layout written by this build. A checkpoint of another layout is
/// refused rather than guessed at: the meter is then rebuilt from raw
/// readings.
pub const CHECKPOINT_VERSION: u32 = 1;

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
    readings: Vec<Sample>,
    intervals: Vec<Interval>,
    watermark: Option<DateTime<Utc>>,
    buckets: SavedBuckets,
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
            readings: self.readings.iter().map(super::sample).collect(),
            intervals: self.intervals.values().copied().collect(),
            watermark: self.watermark,
            buckets: self.buckets.save(),
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
        let mut stream = Self::new(checkpoint.meter_id, config, tz)?;
        stream.readings = checkpoint
            .readings
            .iter()
            .map(|s| (s.ts, s.energy_wh))
            .collect();
        stream.intervals = checkpoint
            .intervals
            .into_iter()
            .map(|i| (i.start, i))
            .collect();
        stream.watermark = checkpoint.watermark;
        stream.buckets = OpenBuckets::load(checkpoint.buckets);
        Ok(stream)
    }
}

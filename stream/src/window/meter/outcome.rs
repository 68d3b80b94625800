//! What the stream did with one reading.

use crate::consumption::Interval;
use crate::window::BucketUpdate;
use chrono::{DateTime, Utc};

/// What one pushed reading did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pushed {
    /// How the reading was taken.
    pub outcome: Outcome,
    /// The intervals the reading created (none, one, or the two halves of
    /// the interval it split), with what the register did over each.
    pub intervals: Vec<Interval>,
    /// Buckets whose value changed or that became final: full values.
    pub updates: Vec<BucketUpdate>,
}

impl Pushed {
    pub(super) fn only(outcome: Outcome) -> Self {
        Self {
            outcome,
            intervals: Vec::new(),
            updates: Vec::new(),
        }
    }
}

/// How a pushed reading was taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Added to the series; the buckets it reaches are updated.
    Applied,
    /// The same timestamp and register as a reading already held: ignored.
    Duplicate,
    /// The same timestamp as a reading already held, with another register
    /// value. The first one received is kept; the conflict is counted on
    /// the buckets holding the timestamp. Which one is first depends on
    /// arrival order, so unlike everything else a conflict makes the
    /// buckets depend on it; the count is there so that they can be told.
    Conflict {
        /// The register value kept.
        kept_wh: i64,
    },
    /// Older than the watermark: not applied to any bucket. Store it raw
    /// and count it; a recomputation from raw readings takes it in. A
    /// redelivered copy of a reading applied long ago lands here too.
    TooLate {
        /// The watermark it fell behind.
        watermark: DateTime<Utc>,
    },
    /// A register outside 0 ..= 2^53 − 1, which ingest never lets through:
    /// not applied.
    RegisterOutOfRange,
}

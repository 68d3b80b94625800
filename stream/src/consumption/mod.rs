//! Consumption from a cumulative register: what happened between two
//! successive readings of one meter.
//!
//! The register only ever counts up, so consumption over an interval is
//! the difference of its two ends — unless the register wrapped at its
//! modulus, was reset, or the meter was swapped. Each of those is told
//! apart here and recorded on the interval, so that a bill can say why a
//! number is what it is. Everything is integer Wh: no floating point on the
//! way to money.

mod classify;
#[cfg(test)]
mod tests;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

pub use classify::interval_between;

/// One register value at one instant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Sample {
    /// When the meter took the reading.
    pub ts: DateTime<Utc>,
    /// The cumulative import register, in whole Wh.
    pub energy_wh: i64,
}

/// The span between two successive readings of one meter, `[start, end)`,
/// and what the register did over it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Interval {
    /// The earlier reading's time.
    pub start: DateTime<Utc>,
    /// The later reading's time.
    pub end: DateTime<Utc>,
    /// What the register did.
    pub consumption: Consumption,
    /// The interval is longer than the meter's cadence × gap factor: its
    /// consumption, when known, is spread over time by assumption, so the
    /// buckets it reaches are estimated.
    pub gap: bool,
}

/// What the register did over an interval.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "energy_wh", rename_all = "snake_case")]
pub enum Consumption {
    /// The register advanced by this many Wh (possibly zero).
    Measured(i64),
    /// The register passed its modulus and started again from zero; this
    /// many Wh were consumed across the wrap.
    Wrapped(i64),
    /// The register went down, and not by a plausible wrap: it was reset or
    /// the meter was replaced. Consumption over the interval is unknown and
    /// counting resumes from the later reading.
    Reset,
    /// The register advanced by this many Wh, more than the meter's power
    /// cap allows over the interval. Held out of the buckets. One corrupt
    /// reading between good ones shows as an implausible interval followed
    /// by a reset, so the consumption between the good readings is lost
    /// from the buckets; recognising and skipping such a reading would need
    /// its successor, and is left to a recomputation.
    Implausible(i64),
    /// The register advanced by this many Wh over an interval longer than
    /// the meter's spread limit. Held out of the buckets: how it divides
    /// over so long a silence is not known.
    TooLong(i64),
}

impl Consumption {
    /// The Wh to spread over the interval's buckets, or `None` when the
    /// interval's consumption is unknown or held out.
    pub fn spread_wh(&self) -> Option<i64> {
        match *self {
            Self::Measured(wh) | Self::Wrapped(wh) => Some(wh),
            Self::Reset | Self::Implausible(_) | Self::TooLong(_) => None,
        }
    }
}

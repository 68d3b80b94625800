//! Meter readings: the `meter-reading` contract, version 1.
//!
//! A message carries either one reading (its fields at the top level) or a
//! gateway batch under `readings`. Decoding happens in two levels so that one
//! bad reading in a batch does not take its neighbours down with it: the
//! message shape is checked first (a bad shape refuses the whole message),
//! then each reading is decoded on its own, and carries its own byte range so
//! that a refused reading can be quarantined with exactly the bytes that were
//! sent.

mod decode;
mod wire;

use chrono::{DateTime, Utc};

pub(crate) use decode::check_register;
pub use decode::{DecodedItem, DecodedMessage, decode_item, decode_message};

/// The contract version this build reads.
pub const READING_SCHEMA_VERSION: u32 = 1;

/// The most readings one gateway message may carry.
///
/// A gateway reporting 100 meters at 15-minute intervals sends 400 readings
/// an hour; 1,000 leaves room for catching up after a short outage while
/// keeping one message's worst-case decode work and quarantine row small.
pub const MAX_READINGS_PER_MESSAGE: usize = 1000;

/// The largest register value accepted, in Wh: 2^53 − 1, the largest integer
/// every JSON implementation represents exactly.
pub const MAX_REGISTER_WH: i64 = 9_007_199_254_740_991;

/// One validated reading from one meter.
#[derive(Debug, Clone, PartialEq)]
pub struct Reading {
    /// The meter's identifier: 1 to 64 characters of `A-Z a-z 0-9 . _ : -`,
    /// starting with a letter or digit (never an MQTT wildcard or separator).
    pub meter_id: String,
    /// When the meter took the reading.
    pub ts: DateTime<Utc>,
    /// The cumulative active-energy import register, in whole Wh.
    pub energy_wh: i64,
    /// Instantaneous active power in W; negative when exporting.
    pub power_w: Option<f64>,
    /// Instantaneous RMS voltage in V.
    pub voltage_v: Option<f64>,
    /// Instantaneous RMS current in A.
    pub current_a: Option<f64>,
}

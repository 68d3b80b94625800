//! The part of a reading the stream stage works on.

use chrono::{DateTime, Utc};
use nexzo_schemas::Reading;
use serde::{Deserialize, Serialize};

/// One meter's register at one instant: what the stream stage keeps of a
/// validated [`Reading`]. Power, voltage and current are left behind: only
/// the register goes on bills.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReadingPoint {
    /// The meter's identifier, as in the reading.
    pub meter_id: String,
    /// When the meter took the reading.
    pub ts: DateTime<Utc>,
    /// The cumulative import register, in whole Wh.
    pub energy_wh: i64,
}

impl From<&Reading> for ReadingPoint {
    fn from(reading: &Reading) -> Self {
        Self {
            meter_id: reading.meter_id.clone(),
            ts: reading.ts,
            energy_wh: reading.energy_wh,
        }
    }
}

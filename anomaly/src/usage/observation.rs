//! What the usage detector is given and what it gives back.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::alert::Alert;

/// Which meter an input is about, and whose it is.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct MeterRef {
    /// The tenant every alert about the meter belongs to.
    pub tenant_id: String,
    /// The property the meter is in; its peers there lend a cold meter
    /// their profile. None when unknown (a backtest of one series).
    pub property_id: Option<String>,
    /// The meter's identifier; the detector's state is keyed by it.
    pub meter_id: String,
}

impl MeterRef {
    /// A meter of `tenant_id` in no known property.
    pub fn new(tenant_id: impl Into<String>, meter_id: impl Into<String>) -> Self {
        Self {
            tenant_id: tenant_id.into(),
            property_id: None,
            meter_id: meter_id.into(),
        }
    }

    /// The same meter, in `property_id`.
    #[must_use]
    pub fn in_property(mut self, property_id: impl Into<String>) -> Self {
        self.property_id = Some(property_id.into());
        self
    }
}

/// One interval's consumption of one meter.
#[derive(Debug, Clone, PartialEq)]
pub struct UsageObservation {
    /// The meter.
    pub meter: MeterRef,
    /// The interval's first instant. Intervals of one meter are expected
    /// in increasing order, one per cadence.
    pub start: DateTime<Utc>,
    /// Consumption over the interval, at least 0, in any unit as long as a
    /// meter keeps to one (the pipeline feeds Wh per quarter-hour).
    pub consumption: f64,
    /// The property's offset from UTC at `start`, in seconds, so that the
    /// learned day follows local clocks across daylight saving changes. 0
    /// when unknown: the detector then learns the UTC day, and tolerates
    /// the one-hour shifts that brings.
    pub utc_offset_secs: i32,
}

impl UsageObservation {
    /// An observation on the UTC clock.
    pub fn new(meter: MeterRef, start: DateTime<Utc>, consumption: f64) -> Self {
        Self {
            meter,
            start,
            consumption,
            utc_offset_secs: 0,
        }
    }
}

/// How one observation scored, and the alerts it opened, updated or
/// closed.
#[derive(Debug, Clone, PartialEq)]
pub struct Scored {
    /// How anomalous the observation is, in [0, 1]. Ordinary data scores
    /// mostly below 0.3; an episode opens at the configured `open_score`.
    pub score: f64,
    /// Alerts to publish, in order.
    pub alerts: Vec<Alert>,
}

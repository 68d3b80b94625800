//! Many meters' streams, keyed by meter, as one consumer of a partition
//! holds them.

use crate::point::ReadingPoint;
use crate::window::{BucketUpdate, Checkpoint, MeterStream, Pushed};
use chrono::{DateTime, Utc};
use std::collections::BTreeMap;
use thiserror::Error;

/// A reading for a meter the state holds no stream for.
///
/// The caller creates the stream (with the meter's configuration and its
/// property's time zone, or from its checkpoint), inserts it and pushes
/// again; the state never guesses a time zone.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("no stream for meter {meter_id}")]
pub struct UntrackedMeter {
    /// The meter named by the reading.
    pub meter_id: String,
}

/// The streams of every meter this consumer owns. Meters are independent:
/// one meter's readings never move another's watermark.
#[derive(Debug, Clone, Default)]
pub struct StreamState {
    meters: BTreeMap<String, MeterStream>,
}

impl StreamState {
    /// No meters.
    pub fn new() -> Self {
        Self::default()
    }

    /// Holds `stream` under its meter id; returns the one it replaces.
    pub fn insert(&mut self, stream: MeterStream) -> Option<MeterStream> {
        self.meters.insert(stream.meter_id().to_owned(), stream)
    }

    /// The stream of `meter_id`.
    pub fn get(&self, meter_id: &str) -> Option<&MeterStream> {
        self.meters.get(meter_id)
    }

    /// Gives a meter up, as when its partition moves to another consumer.
    /// Checkpoint it first to hand its state over.
    pub fn remove(&mut self, meter_id: &str) -> Option<MeterStream> {
        self.meters.remove(meter_id)
    }

    /// How many meters are held.
    pub fn len(&self) -> usize {
        self.meters.len()
    }

    /// No meters are held.
    pub fn is_empty(&self) -> bool {
        self.meters.is_empty()
    }

    /// Pushes a reading to its meter's stream.
    ///
    /// # Errors
    ///
    /// [`UntrackedMeter`] when no stream is held for the reading's meter;
    /// nothing changes.
    pub fn push(&mut self, reading: &ReadingPoint) -> Result<Pushed, UntrackedMeter> {
        let stream = self
            .meters
            .get_mut(&reading.meter_id)
            .ok_or_else(|| UntrackedMeter {
                meter_id: reading.meter_id.clone(),
            })?;
        Ok(stream.push(reading.ts, reading.energy_wh))
    }

    /// [`MeterStream::on_idle`] for every meter, in meter order; the same
    /// caveat about backlogs applies.
    pub fn on_idle(&mut self, now: DateTime<Utc>) -> Vec<BucketUpdate> {
        self.meters
            .values_mut()
            .flat_map(|stream| stream.on_idle(now))
            .collect()
    }

    /// Every meter's checkpoint, in meter order.
    pub fn checkpoints(&self) -> Vec<Checkpoint> {
        self.meters.values().map(MeterStream::checkpoint).collect()
    }
}

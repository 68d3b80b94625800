//! One meter's stream: its recent readings, the intervals between them, its
//! watermark and its open buckets.
//!
//! A reading is accepted when it is not older than the watermark (the
//! newest event time seen minus the allowed lateness, or processing time
//! minus the idle timeout, whichever is later). It then either extends the
//! series or falls between two readings already held and splits their
//! interval; in both cases only the quarter-hours the changed intervals
//! reach are touched, and every bucket whose value changed is published in
//! full.
//!
//! A bucket is final once it ends at or before the anchor: the newest
//! reading at or before the watermark. Any reading the stream can still
//! accept lies after the anchor, so it can only change intervals from the
//! anchor on, and buckets before it are settled. This is stricter than
//! "the watermark passed the bucket's end": a gap that the watermark sits
//! in keeps its buckets open until a reading beyond it is settled, because
//! a late reading inside the gap would still divide its consumption
//! differently.

mod checkpoint;
mod outcome;

use super::BucketUpdate;
use super::buckets::{Cell, Key, OpenBuckets, update};
use super::tally::Deltas;
use crate::config::{ConfigError, MeterConfig};
use crate::consumption::{Interval, Sample, interval_between};
use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use nexzo_schemas::reading::MAX_REGISTER_WH;
use std::collections::{BTreeMap, BTreeSet};

pub use checkpoint::{CHECKPOINT_VERSION, Checkpoint, RestoreError};
pub use outcome::{Outcome, Pushed};

/// The event-time state of one meter.
///
/// It holds the readings from the anchor on, so its size follows how many
/// distinct timestamps the meter sends within the allowed lateness (eight
/// at the default 15-minute cadence and two hours), plus the buckets not
/// yet final. A meter that falls silent keeps the buckets from its last
/// reading on provisional until it reports again; a meter taken out of
/// service is removed by the caller, and its last buckets stay provisional.
#[derive(Debug, Clone)]
pub struct MeterStream {
    meter_id: String,
    config: MeterConfig,
    tz: Tz,
    /// Readings from the anchor on: an older one can never again have a
    /// reading inserted next to it.
    readings: BTreeMap<DateTime<Utc>, i64>,
    /// The interval from each held reading to the next, by start. Kept, not
    /// recomputed, so that splitting one takes away exactly what it added
    /// even if the configuration changed in between.
    intervals: BTreeMap<DateTime<Utc>, Interval>,
    /// Readings older than this are too late: the newest event time
    /// accepted minus the allowed lateness, or raised further by idle
    /// ticks. Never moves back.
    watermark: Option<DateTime<Utc>>,
    buckets: OpenBuckets,
}

impl MeterStream {
    /// A stream for a meter with no history, bucketing days in `tz`, the
    /// property's time zone.
    ///
    /// # Errors
    ///
    /// Every problem with `config`.
    pub fn new(
        meter_id: impl Into<String>,
        config: MeterConfig,
        tz: Tz,
    ) -> Result<Self, ConfigError> {
        config.validate()?;
        Ok(Self {
            meter_id: meter_id.into(),
            config,
            tz,
            readings: BTreeMap::new(),
            intervals: BTreeMap::new(),
            watermark: None,
            buckets: OpenBuckets::default(),
        })
    }

    /// The meter this stream is for.
    pub fn meter_id(&self) -> &str {
        &self.meter_id
    }

    /// The settings in force for new intervals.
    pub fn config(&self) -> &MeterConfig {
        &self.config
    }

    /// The time zone days are bucketed in.
    pub fn time_zone(&self) -> Tz {
        self.tz
    }

    /// Readings older than this are too late; `None` before the first
    /// reading or idle tick.
    pub fn watermark(&self) -> Option<DateTime<Utc>> {
        self.watermark
    }

    /// Takes one reading of this meter, in any order.
    ///
    /// # Panics
    ///
    /// On a timestamp within a day of chrono's representable range (years
    /// ±262,143), where bucket arithmetic overflows. Ingest refuses
    /// timestamps in the future, so such a reading never gets here.
    pub fn push(&mut self, ts: DateTime<Utc>, energy_wh: i64) -> Pushed {
        if !(0..=MAX_REGISTER_WH).contains(&energy_wh) {
            return Pushed::only(Outcome::RegisterOutOfRange);
        }
        if let Some(watermark) = self.watermark
            && ts < watermark
        {
            return Pushed::only(Outcome::TooLate { watermark });
        }
        if let Some(&kept_wh) = self.readings.get(&ts) {
            return self.repeat(ts, energy_wh, kept_wh);
        }

        let mut deltas = Deltas::default();
        let intervals = self.insert(Sample { ts, energy_wh }, &mut deltas);
        self.raise_watermark(ts - self.config.allowed_lateness());

        let dirty = self.buckets.apply(deltas, &self.tz);
        Pushed {
            outcome: Outcome::Applied,
            intervals,
            updates: self.settle(dirty),
        }
    }

    /// Lets processing time close the windows of a quiet meter: the
    /// watermark rises to at least `now` minus the idle timeout. Returns the
    /// buckets that became final.
    ///
    /// Only buckets before the meter's last reading can close this way;
    /// the consumption after it is not known until the meter reports again,
    /// so those buckets stay provisional however long it is silent.
    ///
    /// Call it only while the source is caught up. While a backlog is being
    /// read, processing time runs ahead of the event time still queued, and
    /// a quiet meter's watermark would overtake readings that are merely
    /// delayed, turning them into `TooLate`.
    pub fn on_idle(&mut self, now: DateTime<Utc>) -> Vec<BucketUpdate> {
        self.raise_watermark(now - self.config.idle_timeout());
        self.settle(BTreeSet::new())
    }

    fn repeat(&mut self, ts: DateTime<Utc>, energy_wh: i64, kept_wh: i64) -> Pushed {
        if energy_wh == kept_wh {
            return Pushed::only(Outcome::Duplicate);
        }
        let mut deltas = Deltas::default();
        deltas.conflict(ts);
        let dirty = self.buckets.apply(deltas, &self.tz);
        Pushed {
            outcome: Outcome::Conflict { kept_wh },
            intervals: Vec::new(),
            updates: self.settle(dirty),
        }
    }

    /// Adds a reading between its neighbours: the interval that spanned it
    /// (if any) is taken away and the intervals to each neighbour added.
    fn insert(&mut self, new: Sample, deltas: &mut Deltas) -> Vec<Interval> {
        let prev = self.readings.range(..new.ts).next_back().map(sample);
        let next = self.readings.range(new.ts..).next().map(sample);
        self.readings.insert(new.ts, new.energy_wh);

        if let Some(prev) = prev
            && let Some(spanned) = self.intervals.remove(&prev.ts)
        {
            deltas.remove(&spanned);
        }
        let created: Vec<Interval> = [prev.map(|p| (p, new)), next.map(|n| (new, n))]
            .into_iter()
            .flatten()
            .map(|(from, to)| interval_between(from, to, &self.config))
            .collect();
        for interval in &created {
            deltas.add(interval);
            self.intervals.insert(interval.start, *interval);
        }
        created
    }

    fn raise_watermark(&mut self, to: DateTime<Utc>) {
        self.watermark = self.watermark.max(Some(to));
    }

    /// Closes what can be closed and publishes it as final, with the other
    /// changed buckets as provisional.
    fn settle(&mut self, changed: BTreeSet<Key>) -> Vec<BucketUpdate> {
        let mut updates: BTreeMap<Key, BucketUpdate> = self
            .close()
            .into_iter()
            .map(|(key, cell)| (key, update(&self.meter_id, key, &cell, true)))
            .collect();
        for key in changed {
            if let Some(cell) = self.buckets.get(&key) {
                updates.insert(key, update(&self.meter_id, key, cell, false));
            }
        }
        updates.into_values().collect()
    }

    /// Drops what no acceptable reading can reach any more and returns the
    /// buckets that closed.
    fn close(&mut self) -> Vec<(Key, Cell)> {
        let Some(anchor) = self.anchor() else {
            return Vec::new();
        };
        self.readings = self.readings.split_off(&anchor);
        self.intervals = self.intervals.split_off(&anchor);
        self.buckets.close_through(anchor)
    }

    /// The newest reading at or before the watermark.
    fn anchor(&self) -> Option<DateTime<Utc>> {
        let watermark = self.watermark?;
        self.readings
            .range(..=watermark)
            .next_back()
            .map(|(&ts, _)| ts)
    }
}

fn sample((&ts, &energy_wh): (&DateTime<Utc>, &i64)) -> Sample {
    Sample { ts, energy_wh }
}

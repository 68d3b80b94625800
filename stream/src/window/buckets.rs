//! One meter's open buckets of every width, changed together and closed
//! together.

use super::calendar::bucket_of;
use super::tally::{Deltas, Tally};
use super::{BucketUpdate, BucketWidth};
use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};
use std::collections::btree_map::Entry;
use std::collections::{BTreeMap, BTreeSet};

/// A bucket of one meter: its width and first instant.
pub(crate) type Key = (BucketWidth, DateTime<Utc>);

/// An open bucket.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Cell {
    pub(crate) end: DateTime<Utc>,
    pub(crate) tally: Tally,
}

/// The open buckets as a checkpoint stores them.
pub(crate) type SavedBuckets = Vec<(BucketWidth, DateTime<Utc>, Cell)>;

/// Buckets not yet closed, ordered by width and start.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct OpenBuckets {
    cells: BTreeMap<Key, Cell>,
}

impl OpenBuckets {
    /// Applies quarter-hour changes to the quarter-hours and to the hours
    /// and days holding them. Returns the buckets whose published value
    /// changed, new buckets included.
    pub(crate) fn apply(&mut self, deltas: Deltas, tz: &Tz) -> BTreeSet<Key> {
        let mut changes: BTreeMap<Key, Cell> = BTreeMap::new();
        for (quarter, tally) in deltas.into_nonzero() {
            for width in BucketWidth::ALL {
                let span = bucket_of(width, quarter, tz);
                let change = changes.entry((width, span.start)).or_insert(Cell {
                    end: span.end,
                    tally: Tally::default(),
                });
                change.tally += tally;
            }
        }
        changes
            .into_iter()
            .filter(|(key, change)| self.change(*key, change))
            .map(|(key, _)| key)
            .collect()
    }

    /// True when the bucket is new or what it publishes changed.
    fn change(&mut self, key: Key, change: &Cell) -> bool {
        if change.tally.is_zero() {
            return false;
        }
        match self.cells.entry(key) {
            Entry::Vacant(slot) => {
                slot.insert(*change);
                true
            }
            Entry::Occupied(mut slot) => {
                let before = slot.get().tally.published();
                slot.get_mut().tally += change.tally;
                slot.get().tally.published() != before
            }
        }
    }

    /// Removes and returns every bucket ending at or before `horizon`.
    pub(crate) fn close_through(&mut self, horizon: DateTime<Utc>) -> Vec<(Key, Cell)> {
        let closed: Vec<(Key, Cell)> = self
            .cells
            .iter()
            .filter(|(_, cell)| cell.end <= horizon)
            .map(|(key, cell)| (*key, *cell))
            .collect();
        for (key, _) in &closed {
            self.cells.remove(key);
        }
        closed
    }

    pub(crate) fn get(&self, key: &Key) -> Option<&Cell> {
        self.cells.get(key)
    }

    pub(crate) fn save(&self) -> SavedBuckets {
        self.cells
            .iter()
            .map(|(&(width, start), &cell)| (width, start, cell))
            .collect()
    }

    pub(crate) fn load(saved: SavedBuckets) -> Self {
        let cells = saved
            .into_iter()
            .map(|(width, start, cell)| ((width, start), cell));
        Self {
            cells: cells.collect(),
        }
    }
}

/// What the caller writes for one bucket.
pub(crate) fn update(
    meter_id: &str,
    (width, start): Key,
    cell: &Cell,
    is_final: bool,
) -> BucketUpdate {
    let flags = cell.tally.flags();
    BucketUpdate {
        meter_id: meter_id.to_owned(),
        width,
        start,
        end: cell.end,
        energy_wh: cell.tally.energy_wh,
        estimated: flags.gaps > 0,
        flags,
        is_final,
    }
}

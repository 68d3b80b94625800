//! Bounded, time-ordered memory: sliding windows of recent entries, and
//! the things a user is known to use.

use std::collections::{BTreeMap, VecDeque};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// An entry that happened at an event time.
pub(crate) trait Timed {
    fn ts(&self) -> DateTime<Utc>;
}

/// Entries in event-time order. A late entry is slotted in where it
/// belongs, so rules see the same window whatever order events arrived in.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(transparent)]
pub(crate) struct Window<T> {
    items: VecDeque<T>,
}

impl<T> Default for Window<T> {
    fn default() -> Self {
        Self {
            items: VecDeque::new(),
        }
    }
}

impl<T: Timed> Window<T> {
    /// Adds an entry in time order and returns the oldest entries pushed
    /// out by the cap.
    pub(crate) fn insert(&mut self, item: T, cap: usize) -> Vec<T> {
        let at = self.items.partition_point(|x| x.ts() <= item.ts());
        self.items.insert(at, item);

        let mut evicted = Vec::new();
        while self.items.len() > cap.max(1) {
            evicted.extend(self.items.pop_front());
        }
        evicted
    }

    /// Removes and returns the entries older than `cutoff`.
    pub(crate) fn evict_before(&mut self, cutoff: DateTime<Utc>) -> Vec<T> {
        let mut evicted = Vec::new();
        while self.items.front().is_some_and(|x| x.ts() < cutoff) {
            evicted.extend(self.items.pop_front());
        }
        evicted
    }

    /// The entries, oldest first.
    pub(crate) fn iter(&self) -> impl DoubleEndedIterator<Item = &T> {
        self.items.iter()
    }

    /// The entries, oldest first, for marking.
    pub(crate) fn iter_mut(&mut self) -> impl DoubleEndedIterator<Item = &mut T> {
        self.items.iter_mut()
    }

    /// The entries in `[from, to]`, oldest first.
    pub(crate) fn between(
        &self,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> impl DoubleEndedIterator<Item = &T> {
        let start = self.items.partition_point(|x| x.ts() < from);
        let end = self.items.partition_point(|x| x.ts() <= to).max(start);
        self.items.range(start..end)
    }
}

/// When a thing was last seen and how often.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Sighting {
    pub(crate) last: DateTime<Utc>,
    pub(crate) count: u32,
}

/// Devices, countries, networks or places a user has logged in from, with
/// the least recently seen forgotten once the cap is reached.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(transparent)]
pub(crate) struct Known {
    seen: BTreeMap<String, Sighting>,
}

impl Known {
    /// Whether `name` was seen.
    pub(crate) fn contains(&self, name: &str) -> bool {
        self.seen.contains_key(name)
    }

    /// How many times `name` was seen; 0 if never.
    pub(crate) fn count(&self, name: &str) -> u32 {
        self.seen.get(name).map_or(0, |s| s.count)
    }

    /// Whether nothing was seen yet.
    pub(crate) fn is_empty(&self) -> bool {
        self.seen.is_empty()
    }

    /// Records one more sighting of `name` at `ts`.
    pub(crate) fn learn(&mut self, name: &str, ts: DateTime<Utc>, cap: usize) {
        let entry = self
            .seen
            .entry(name.to_owned())
            .or_insert(Sighting { last: ts, count: 0 });
        entry.last = entry.last.max(ts);
        entry.count = entry.count.saturating_add(1);

        while self.seen.len() > cap.max(1) {
            let stalest = self
                .seen
                .iter()
                .min_by_key(|(_, s)| s.last)
                .map(|(k, _)| k.clone());
            if let Some(name) = stalest {
                self.seen.remove(&name);
            }
        }
    }
}

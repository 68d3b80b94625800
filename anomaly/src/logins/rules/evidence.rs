//! Small helpers for scores and evidence.

use std::collections::HashMap;
use std::hash::Hash;

use chrono::{DateTime, Utc};

/// The most event ids an alert's evidence lists: enough to find the
/// attempts in the auth log, few enough to keep alerts small.
const MAX_EVIDENCE_EVENT_IDS: usize = 10;

/// The most addresses an alert's evidence lists.
const MAX_EVIDENCE_ADDRESSES: usize = 5;

/// A score in [0.5, 1): 0.5 at the threshold, nearing 1 as the value grows
/// past it.
pub(crate) fn score_over(value: f64, threshold: f64) -> f64 {
    if value <= 0.0 || threshold <= 0.0 {
        return 0.5;
    }
    (1.0 - 0.5 * threshold / value).clamp(0.5, 1.0)
}

/// The latest event ids, newest last, at most [`MAX_EVIDENCE_EVENT_IDS`].
pub(crate) fn last_event_ids<'a>(ids: impl DoubleEndedIterator<Item = &'a str>) -> Vec<String> {
    let mut last: Vec<String> = ids
        .rev()
        .take(MAX_EVIDENCE_EVENT_IDS)
        .map(str::to_owned)
        .collect();
    last.reverse();
    last
}

/// At most [`MAX_EVIDENCE_ADDRESSES`] addresses, sorted for stable output.
pub(crate) fn some_addresses<T: ToString>(addresses: impl Iterator<Item = T>) -> Vec<String> {
    let mut all: Vec<String> = addresses.map(|a| a.to_string()).collect();
    all.sort();
    all.dedup();
    all.truncate(MAX_EVIDENCE_ADDRESSES);
    all
}

/// How often each key occurs.
pub(crate) fn count_by<K: Hash + Eq>(keys: impl Iterator<Item = K>) -> HashMap<K, u32> {
    let mut counts = HashMap::new();
    for key in keys {
        *counts.entry(key).or_default() += 1;
    }
    counts
}

/// Seconds between two times, never negative.
pub(crate) fn span_secs(from: DateTime<Utc>, to: DateTime<Utc>) -> i64 {
    (to - from).num_seconds().max(0)
}

/// A count as a float for scores; counts here stay far below 2^52.
pub(crate) fn as_f64(count: usize) -> f64 {
    u32::try_from(count).map_or(f64::from(u32::MAX), f64::from)
}

/// A count for evidence sizes.
pub(crate) fn as_u64(count: usize) -> u64 {
    u64::try_from(count).unwrap_or(u64::MAX)
}

//! The order entries reach the detector: event time plus a delivery delay
//! that swaps neighbours, some entries delivered twice (hours apart), and
//! rewritten copies arriving after their originals.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Duration, Utc};
use nexzo_schemas::LedgerEntry;
use rand::RngExt;
use rand::rngs::StdRng;

use super::rewrites::Rewrite;

/// Every entry is delayed by up to 90 seconds, so entries close in time
/// (a month-start batch shares one millisecond) arrive out of order.
const MAX_DELIVERY_DELAY_MS: i64 = 90_000;

/// Share of entries delivered a second time, exactly as before.
const REDELIVERED_SHARE: f64 = 0.015;

/// A second delivery comes up to six hours after the first.
const MAX_REDELIVERY_DELAY_SECS: i64 = 6 * 3_600;

/// A rewritten copy comes up to two days after its original.
const MAX_REWRITE_DELAY_SECS: i64 = 2 * 86_400;

/// Every entry, forks, re-deliveries and rewritten copies included, in the
/// order they arrive.
pub(super) fn arrival_order(
    rng: &mut StdRng,
    chains: BTreeMap<String, Vec<LedgerEntry>>,
    forks: Vec<LedgerEntry>,
    rewrites: Vec<Rewrite>,
) -> Vec<LedgerEntry> {
    let mut arrivals: Vec<(DateTime<Utc>, LedgerEntry)> = Vec::new();
    let mut arrived_at: HashMap<String, DateTime<Utc>> = HashMap::new();
    for entry in chains.into_values().flatten().chain(forks) {
        let at = entry.ts + Duration::milliseconds(rng.random_range(0..MAX_DELIVERY_DELAY_MS));
        if rng.random_bool(REDELIVERED_SHARE) {
            let again = at + Duration::seconds(rng.random_range(1..MAX_REDELIVERY_DELAY_SECS));
            arrivals.push((again, entry.clone()));
        }
        arrived_at.insert(entry.entry_id.clone(), at);
        arrivals.push((at, entry));
    }
    for rewrite in rewrites {
        let Some(original) = arrived_at.get(&rewrite.original) else {
            continue;
        };
        let at = *original + Duration::seconds(rng.random_range(60..MAX_REWRITE_DELAY_SECS));
        arrivals.push((at, rewrite.copy));
    }
    arrivals.sort_by_key(|a| a.0);
    arrivals.into_iter().map(|(_, entry)| entry).collect()
}

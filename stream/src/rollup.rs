//! Summing meters' buckets into larger groups (a property, a tenant).
//!
//! The pipeline does this in SQL over stored buckets; these functions do
//! the same over updates in memory, for tests, backfills and anything that
//! holds buckets before they are stored.

use crate::window::{BucketFlags, BucketUpdate, BucketWidth};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Which bucket of which meter an update is for.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct BucketKey {
    /// The meter.
    pub meter_id: String,
    /// The bucket's length.
    pub width: BucketWidth,
    /// The bucket's first instant.
    pub start: DateTime<Utc>,
}

impl BucketKey {
    /// The key `update` is upserted on.
    pub fn of(update: &BucketUpdate) -> Self {
        Self {
            meter_id: update.meter_id.clone(),
            width: update.width,
            start: update.start,
        }
    }
}

/// The current value of each bucket after a sequence of upserts: the last
/// update for each key wins, as in the table the caller writes.
pub fn latest<'a>(
    updates: impl IntoIterator<Item = &'a BucketUpdate>,
) -> BTreeMap<BucketKey, BucketUpdate> {
    updates
        .into_iter()
        .map(|update| (BucketKey::of(update), update.clone()))
        .collect()
}

/// A group's bucket: which group, and the bucket's exact extent. The end
/// is part of the key so that a day of a zone with a clock change is never
/// summed with the same-starting day of a zone without one.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct GroupKey<K> {
    /// The group, as the caller's key function named it.
    pub group: K,
    /// The bucket's length.
    pub width: BucketWidth,
    /// The bucket's first instant.
    pub start: DateTime<Utc>,
    /// The instant after the bucket.
    pub end: DateTime<Utc>,
}

/// The sum of a group's meters in one bucket.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GroupTotal {
    /// Total consumption, in whole Wh.
    pub energy_wh: i64,
    /// At least one meter's bucket is estimated.
    pub estimated: bool,
    /// The meters' flags added up.
    pub flags: BucketFlags,
    /// Every meter's bucket is final.
    pub is_final: bool,
    /// How many meters had this bucket.
    pub meters: u32,
}

/// Sums current bucket values by a group of meters; `group_of` names each
/// meter's group, or `None` to leave the meter out.
///
/// A meter with no bucket at all (silent, or not yet reporting) adds
/// nothing and is not counted in `meters`: compare `meters` with the
/// group's size to know whether a total is whole.
pub fn sum_by<K: Ord>(
    buckets: &BTreeMap<BucketKey, BucketUpdate>,
    group_of: impl Fn(&str) -> Option<K>,
) -> BTreeMap<GroupKey<K>, GroupTotal> {
    let mut totals: BTreeMap<GroupKey<K>, GroupTotal> = BTreeMap::new();
    for update in buckets.values() {
        let Some(group) = group_of(&update.meter_id) else {
            continue;
        };
        let key = GroupKey {
            group,
            width: update.width,
            start: update.start,
            end: update.end,
        };
        add(totals.entry(key).or_default(), update);
    }
    totals
}

fn add(total: &mut GroupTotal, update: &BucketUpdate) {
    total.is_final = update.is_final && (total.meters == 0 || total.is_final);
    total.energy_wh += update.energy_wh;
    total.estimated |= update.estimated;
    total.flags += update.flags;
    total.meters += 1;
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bucket(
        meter: &str,
        width: BucketWidth,
        start: &str,
        energy_wh: i64,
        is_final: bool,
    ) -> BucketUpdate {
        let start: DateTime<Utc> = start.parse().unwrap();
        BucketUpdate {
            meter_id: meter.into(),
            width,
            start,
            end: start + chrono::TimeDelta::minutes(15),
            energy_wh,
            estimated: meter == "m-2",
            flags: BucketFlags::default(),
            is_final,
        }
    }

    #[test]
    fn the_last_upsert_of_a_bucket_is_its_value() {
        let updates = [
            bucket("m-1", BucketWidth::Min15, "2026-03-10T10:00:00Z", 10, false),
            bucket("m-1", BucketWidth::Min15, "2026-03-10T10:00:00Z", 12, true),
            bucket("m-1", BucketWidth::Min15, "2026-03-10T10:15:00Z", 7, false),
        ];
        let values: Vec<i64> = latest(&updates).values().map(|u| u.energy_wh).collect();
        assert_eq!(values, [12, 7]);
    }

    #[test]
    fn meters_sum_by_group_and_a_group_is_final_only_when_every_meter_is() {
        let updates = [
            bucket("m-1", BucketWidth::Min15, "2026-03-10T10:00:00Z", 10, true),
            bucket("m-2", BucketWidth::Min15, "2026-03-10T10:00:00Z", 5, false),
            bucket("m-3", BucketWidth::Min15, "2026-03-10T10:00:00Z", 1, true),
            bucket("m-9", BucketWidth::Min15, "2026-03-10T10:00:00Z", 100, true),
        ];
        let property = |meter: &str| match meter {
            "m-1" | "m-2" => Some("p-1"),
            "m-3" => Some("p-2"),
            _ => None,
        };
        let totals = sum_by(&latest(&updates), property);
        let summary: Vec<(&str, i64, bool, bool, u32)> = totals
            .iter()
            .map(|(k, t)| (k.group, t.energy_wh, t.estimated, t.is_final, t.meters))
            .collect();
        assert_eq!(
            summary,
            [("p-1", 15, true, false, 2), ("p-2", 1, false, true, 1)]
        );
    }
}

//! Dropping meters that have gone silent, so that state stays bounded.

use chrono::{DateTime, TimeDelta, Utc};

use super::UsageDetector;
use super::index::unindex;
use crate::usage::clock::DAY_SECS;

/// Idle meters are looked for at most once per hour of event time: the
/// scan visits every meter.
const PRUNE_EVERY_SECS: i64 = 3600;

impl UsageDetector {
    /// Moves the watermark and drops meters idle beyond the retention.
    pub(super) fn advance(&mut self, ts: DateTime<Utc>) {
        let watermark = self.watermark.map_or(ts, |w| w.max(ts));
        self.watermark = Some(watermark);
        let due = self
            .last_prune
            .is_none_or(|last| (watermark - last).num_seconds() >= PRUNE_EVERY_SECS);
        if !due {
            return;
        }
        self.last_prune = Some(watermark);
        let retention =
            TimeDelta::seconds(i64::from(self.settings.config.retention_days) * DAY_SECS);
        let idle: Vec<String> = self
            .meters
            .iter()
            .filter(|(_, m)| watermark - m.last_activity > retention)
            .map(|(id, _)| id.clone())
            .collect();
        for id in idle {
            self.forget(&id);
        }
    }

    /// Drops one meter's state; the next checkpoint deletes it.
    fn forget(&mut self, id: &str) {
        if let Some(meter) = self.meters.remove(id) {
            unindex(
                &mut self.properties,
                &meter.tenant_id,
                meter.property_id.as_deref(),
                id,
            );
            self.dirty.remove(id);
            self.dropped.insert(id.to_owned());
        }
    }
}

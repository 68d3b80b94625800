//! The detector stage's shell: after the stream stage, runs the batch's
//! logins and ledger entries and its settled quarter-hours through the
//! anomaly detectors, and adds the alerts they raised or updated and the
//! detector state they changed to the same batch. Like the rollups, both
//! commit with the records that caused them, so a restart resumes with
//! warm baselines and a replay upserts the same alert ids instead of
//! raising duplicates.
//!
//! Known shortcomings:
//! - Usage is scored on settled 15-minute buckets only, so an anomaly is
//!   seen once its quarter-hour is final: at least the allowed lateness
//!   (2 h by default) after it happened.
//! - A register that goes down is reported as running backwards: the
//!   registry does not record meter replacements, which look the same.
//! - Buckets rebuilt by `recompute` are not scored again.

use std::collections::BTreeMap;

use chrono::{DateTime, Offset, TimeZone, Utc};
use chrono_tz::Tz;
use nexzo_anomaly::billing::BillingDetector;
use nexzo_anomaly::logins::LoginDetector;
use nexzo_anomaly::usage::{MeterRef, UsageDetector, UsageObservation};
use nexzo_anomaly::{Alert, AlertPhase, Checkpointed, RestoreError, StateEntry};
use nexzo_ingest::Registry;
use nexzo_schemas::EventRecord;
use nexzo_storage::alerts::AlertRow;
use nexzo_storage::rollups::RollupRow;
use nexzo_storage::state::StateRow;

use super::{Batch, telemetry};
use crate::config::{AnomalyConfig, StreamConfig};

/// The detectors and what they need to score usage on local clocks.
#[derive(Debug)]
pub(crate) struct DetectStage {
    usage: UsageDetector,
    logins: LoginDetector,
    billing: BillingDetector,
    default_tz: Tz,
}

impl DetectStage {
    /// The detectors with their stored state given back. An entry a
    /// detector refuses is logged and that key starts cold.
    ///
    /// # Errors
    ///
    /// A detector's configuration is invalid (checked before start, so not
    /// expected here).
    pub(crate) fn restore(
        config: &AnomalyConfig,
        stream: &StreamConfig,
        stored: Vec<StateRow>,
    ) -> anyhow::Result<Self> {
        let mut stage = Self {
            usage: UsageDetector::new(config.usage.clone())?,
            logins: LoginDetector::new(config.logins.clone())?,
            billing: BillingDetector::new(config.billing.clone())?,
            default_tz: stream.default_tz(),
        };
        let count = stored.len();
        for row in stored {
            let Some(state) = row.state else { continue };
            let entry = serde_json::from_str(state.get()).map(|state| StateEntry {
                detector: row.processor.to_owned(),
                key: row.key.clone(),
                state,
            });
            let restored = entry.map_err(|e| RestoreError {
                detector: row.processor.to_owned(),
                key: row.key,
                reason: e.to_string(),
            });
            let restored = restored.and_then(|entry| match row.processor {
                USAGE => stage.usage.restore(entry),
                LOGINS => stage.logins.restore(entry),
                _ => stage.billing.restore(entry),
            });
            if let Err(err) = restored {
                telemetry::detector_state_refused(&err);
            }
        }
        telemetry::detectors_restored(count);
        Ok(stage)
    }

    /// Scores the batch and adds its alerts and changed detector state.
    pub(crate) fn apply(&mut self, batch: &mut Batch, registry: &Registry) {
        let mut alerts: BTreeMap<String, Alert> = BTreeMap::new();
        let mut keep = |raised: Vec<Alert>| {
            for alert in raised {
                alerts.insert(alert.id.clone(), alert);
            }
        };
        for event in &batch.events {
            match &event.record {
                EventRecord::Login(login) => keep(self.logins.observe(login)),
                EventRecord::Ledger(entry) => keep(self.billing.observe(entry)),
                EventRecord::Integration(_) => {}
            }
        }
        let mut settled: Vec<&RollupRow> = batch
            .rollups
            .iter()
            .filter(|r| r.width == "15m" && r.is_final)
            .collect();
        settled.sort_by(|a, b| (&a.meter_id, a.bucket_start).cmp(&(&b.meter_id, b.bucket_start)));
        for (meter_id, from, to) in gap_spans(&settled) {
            if let Some(bucket) = settled.iter().find(|b| b.meter_id == meter_id) {
                keep(self.usage.gap(&meter_ref(bucket), from, to));
            }
        }
        for bucket in settled {
            keep(self.score_usage(bucket, registry));
        }

        alerts.values().for_each(telemetry::alert_raised);
        batch.alerts.extend(alerts.into_values().map(alert_row));
        batch.state.extend(self.dirty_state());
    }

    /// Moves the login and billing detectors' clocks to `now` while the
    /// sources are quiet, so incidents that went quiet close and chain
    /// links still missing are reported, and adds what that raised to
    /// `batch`. Called only while caught up, like the windows' idle pass.
    pub(crate) fn idle(&mut self, batch: &mut Batch, now: DateTime<Utc>) {
        let mut raised = self.logins.advance_to(now);
        raised.extend(self.billing.advance_to(now));
        let latest: BTreeMap<String, Alert> =
            raised.into_iter().map(|a| (a.id.clone(), a)).collect();
        latest.values().for_each(telemetry::alert_raised);
        batch.alerts.extend(latest.into_values().map(alert_row));
        batch.state.extend(self.dirty_state());
    }

    /// Scores one settled quarter-hour. A quarter-hour inside a gap holds
    /// an even share of the gap's consumption, not a measurement, so it is
    /// not scored (it would look like a stuck meter); the gap itself was
    /// reported as missing data.
    fn score_usage(&mut self, bucket: &RollupRow, registry: &Registry) -> Vec<Alert> {
        let meter = meter_ref(bucket);
        let mut raised = Vec::new();
        let [gaps, _, resets, ..] = bucket.flags;
        if resets > 0 {
            raised.extend(self.usage.register_backwards(&meter, bucket.bucket_start));
        }
        if gaps > 0 {
            return raised;
        }
        #[allow(clippy::cast_precision_loss)] // Wh per quarter-hour is far below 2^53
        let consumption = bucket.energy_wh.max(0) as f64;
        let observation = UsageObservation {
            utc_offset_secs: self.utc_offset(registry, &bucket.meter_id, bucket.bucket_start),
            ..UsageObservation::new(meter, bucket.bucket_start, consumption)
        };
        raised.extend(self.usage.observe(&observation).alerts);
        raised
    }

    fn utc_offset(&self, registry: &Registry, meter_id: &str, at: DateTime<Utc>) -> i32 {
        let tz: Tz = registry
            .lookup(meter_id)
            .and_then(|m| m.time_zone.as_deref())
            .and_then(|name| name.parse().ok())
            .unwrap_or(self.default_tz);
        tz.offset_from_utc_datetime(&at.naive_utc())
            .fix()
            .local_minus_utc()
    }

    fn dirty_state(&mut self) -> Vec<StateRow> {
        let entries = [
            self.usage.take_dirty(),
            self.logins.take_dirty(),
            self.billing.take_dirty(),
        ];
        entries
            .into_iter()
            .flatten()
            .filter_map(state_row)
            .collect()
    }
}

/// The processor names detector state is stored under.
pub(crate) const USAGE: &str = "usage";
pub(crate) const LOGINS: &str = "logins";
pub(crate) const BILLING: &str = "billing";

fn state_row(entry: StateEntry) -> Option<StateRow> {
    let processor = match entry.detector.as_str() {
        USAGE => USAGE,
        LOGINS => LOGINS,
        BILLING => BILLING,
        _ => return None,
    };
    Some(StateRow {
        processor,
        key: entry.key,
        tenant_id: None,
        property_id: None,
        state: if entry.state.is_null() {
            None
        } else {
            Some(serde_json::value::to_raw_value(&entry.state).ok()?)
        },
    })
}

/// The stored form of an alert.
pub(crate) fn alert_row(alert: Alert) -> AlertRow {
    let kind = alert.kind.as_str();
    let family = match kind.split('_').next() {
        Some("usage") => "usage",
        Some("billing") => "billing",
        Some("login") => "logins",
        _ => "api",
    };
    let phase = match alert.phase {
        AlertPhase::Opened => "opened",
        AlertPhase::Updated => "updated",
        AlertPhase::Closed => "closed",
    };
    AlertRow {
        subject: serde_json::to_value(&alert.subject).unwrap_or_default(),
        alert_id: alert.id,
        tenant_id: alert.tenant_id,
        family,
        kind: kind.to_owned(),
        severity: alert.severity.as_str().to_owned(),
        raised_at: alert.ts,
        first_seen: alert.first_seen,
        last_seen: alert.last_seen,
        score: alert.score,
        phase: phase.to_owned(),
        summary: alert.summary,
        evidence: alert.evidence,
    }
}

fn meter_ref(bucket: &RollupRow) -> MeterRef {
    MeterRef::new(&*bucket.tenant_id, &bucket.meter_id).in_property(&*bucket.property_id)
}

/// Each meter's runs of adjacent gap-flagged quarter-hours, as
/// `(meter, first start, last end)`: one run is one silence, however many
/// buckets its consumption was spread over. `buckets` is sorted by meter
/// and start.
fn gap_spans(buckets: &[&RollupRow]) -> Vec<(String, DateTime<Utc>, DateTime<Utc>)> {
    let mut spans: Vec<(String, DateTime<Utc>, DateTime<Utc>)> = Vec::new();
    for bucket in buckets.iter().filter(|b| b.flags[0] > 0) {
        match spans.last_mut() {
            Some((meter, _, end)) if *meter == bucket.meter_id && *end == bucket.bucket_start => {
                *end = bucket.bucket_end;
            }
            _ => spans.push((
                bucket.meter_id.clone(),
                bucket.bucket_start,
                bucket.bucket_end,
            )),
        }
    }
    spans
}

//! The incidents a meter's values cannot show: a register that ran
//! backwards, and a silence.
//!
//! Both are told to the detector by the caller, which sees registers and
//! arrival times. Each is one episode per meter: repeated reports while it
//! is open update it, and the meter's next ordinary observation after a
//! quiet spell closes it.

use chrono::{DateTime, TimeDelta, Utc};
use serde_json::json;

use super::{Meter, Settings};
use crate::alert::{Alert, AlertKind, Severity, Subject};

/// A silence this many times the reporting threshold is Medium severity:
/// a day of lost data at the default threshold.
const MEDIUM_MISSING_FACTOR: i64 = 4;

/// A silence scores `open_score` at the threshold and rises towards 1 as
/// it lengthens: `1 - (1 - open_score) * threshold / length`.
fn missing_score(open_score: f64, threshold_secs: i64, length_secs: i64) -> f64 {
    1.0 - (1.0 - open_score) * threshold_secs as f64 / length_secs.max(1) as f64
}

impl Meter {
    /// Closes what the arrival of an observation at `ts` ends: a silence,
    /// and a backwards register that has been quiet long enough.
    pub(crate) fn resume(&mut self, ts: DateTime<Utc>, settings: &Settings) -> Vec<Alert> {
        let mut closed = Vec::new();
        if let Some(alert) = self.missing.take_if(|a| ts >= a.last_seen) {
            let last = alert.last_seen;
            closed.push(alert.closed(last));
        }
        let quiet = TimeDelta::seconds(settings.config.close_quiet_secs.into());
        if let Some(alert) = self.backwards.take_if(|a| ts - a.last_seen >= quiet) {
            let last = alert.last_seen;
            closed.push(alert.closed(last));
        }
        closed
    }

    /// Nothing arrived from `from` (the start of the first missing
    /// interval) until `to` (the next interval with data, or now).
    pub(crate) fn gap(
        &mut self,
        meter_id: &str,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
        settings: &Settings,
    ) -> Vec<Alert> {
        self.run.interrupt();
        let cadence = settings.clock.cadence_secs;
        let threshold = i64::from(settings.config.missing_min_secs).max(2 * cadence);
        let length = (to - from).num_seconds();
        if length < threshold {
            return Vec::new();
        }
        let score = missing_score(settings.config.open_score, threshold, length);
        let severity = if length >= MEDIUM_MISSING_FACTOR * threshold {
            Severity::Medium
        } else {
            Severity::Low
        };
        let evidence = json!({ "missing_from": from, "missing_to": to, "missing_secs": length });

        let mut alerts = Vec::new();
        if let Some(open) = self.missing.take() {
            if open.first_seen == from {
                let alert = open.updated(to, score, severity).with_evidence(evidence);
                self.missing = Some(alert.clone());
                return vec![alert];
            }
            let last = open.last_seen;
            alerts.push(open.closed(last));
        }
        let mut alert = Alert::open(
            AlertKind::UsageMissingData,
            severity,
            self.tenant_id.clone(),
            Subject::meter(meter_id),
            from,
            score,
            format!("meter {meter_id} sent no data for {} minutes", length / 60),
        )
        .with_evidence(evidence);
        alert.last_seen = to;
        self.missing = Some(alert.clone());
        alerts.push(alert);
        alerts
    }

    /// The meter's register was seen running backwards at `ts` with no
    /// replacement recorded: tampering until shown otherwise.
    pub(crate) fn register_backwards(&mut self, meter_id: &str, ts: DateTime<Utc>) -> Vec<Alert> {
        self.last_activity = self.last_activity.max(ts);
        let alert = match self.backwards.take() {
            Some(open) => {
                let count = open.evidence["reversals"].as_u64().unwrap_or(1) + 1;
                open.updated(ts, 1.0, Severity::High)
                    .with_evidence(json!({ "reversals": count, "last_reversal": ts }))
            }
            None => Alert::open(
                AlertKind::UsageRegisterBackwards,
                Severity::High,
                self.tenant_id.clone(),
                Subject::meter(meter_id),
                ts,
                1.0,
                format!("meter {meter_id} register ran backwards with no replacement recorded"),
            )
            .with_evidence(json!({ "reversals": 1, "last_reversal": ts })),
        };
        self.backwards = Some(alert.clone());
        vec![alert]
    }
}

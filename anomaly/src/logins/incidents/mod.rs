//! One incident, one alert: the open incidents per (kind, subject), what
//! each rule finding does to them, and when they close.

mod finding;

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, TimeDelta, Utc};

pub(crate) use finding::{Finding, IncidentRecord, OpenIncident, incident_key};

use crate::{Alert, AlertKind, Severity};
use finding::open_alert;

/// The open incidents, the recently closed ones, and which changed since
/// the last checkpoint.
#[derive(Debug, Default)]
pub(crate) struct IncidentBook {
    pub(crate) open: BTreeMap<String, OpenIncident>,
    /// Each recently closed incident's last event time. The evidence up to
    /// then was that incident's; rules count only what came after, so that
    /// a window still holding an ended attack does not raise it again.
    pub(crate) closed: BTreeMap<String, DateTime<Utc>>,
    pub(crate) dirty: BTreeSet<String>,
}

impl IncidentBook {
    /// Whether an incident of `kind` about `subject_key` is open.
    pub(crate) fn is_open(&self, kind: AlertKind, subject_key: &str) -> bool {
        self.open.contains_key(&incident_key(kind, subject_key))
    }

    /// The open incident of `kind` about `subject_key`.
    pub(crate) fn get(&self, kind: AlertKind, subject_key: &str) -> Option<&OpenIncident> {
        self.open.get(&incident_key(kind, subject_key))
    }

    /// The last event time of the closed incident of `kind` about
    /// `subject_key`, if one closed recently.
    pub(crate) fn closed_at(&self, kind: AlertKind, subject_key: &str) -> Option<DateTime<Utc>> {
        self.closed.get(&incident_key(kind, subject_key)).copied()
    }

    /// The incident under `key` as checkpointed.
    pub(crate) fn record(&self, key: &str) -> Option<IncidentRecord> {
        match (self.open.get(key), self.closed.get(key)) {
            (Some(open), _) => Some(IncidentRecord::Open(Box::new(open.clone()))),
            (None, Some(last_seen)) => Some(IncidentRecord::Closed {
                last_seen: *last_seen,
            }),
            (None, None) => None,
        }
    }

    /// Puts a checkpointed incident back.
    pub(crate) fn restore(&mut self, key: String, record: IncidentRecord) {
        match record {
            IncidentRecord::Open(open) => {
                self.closed.remove(&key);
                self.open.insert(key, *open);
            }
            IncidentRecord::Closed { last_seen } => {
                self.open.remove(&key);
                self.closed.insert(key, last_seen);
            }
        }
    }

    /// Forgets closed incidents that ended before `cutoff`: no window
    /// reaches back to their evidence any more.
    pub(crate) fn forget_closed_before(&mut self, cutoff: DateTime<Utc>) {
        let dirty = &mut self.dirty;
        self.closed.retain(|key, last_seen| {
            let keep = *last_seen >= cutoff;
            if !keep {
                dirty.insert(key.clone());
            }
            keep
        });
    }

    /// Opens an incident or carries the open one forward; returns the alert
    /// to publish, if any. An open incident is re-published when its
    /// severity rises, its evidence doubles, or `update_interval_secs` has
    /// passed since it was last published.
    pub(crate) fn apply(&mut self, finding: Finding, update_interval_secs: u32) -> Option<Alert> {
        let key = incident_key(finding.kind, &finding.subject_key);
        self.dirty.insert(key.clone());
        let Some(incident) = self.open.get_mut(&key) else {
            let alert = open_alert(finding.clone());
            self.closed.remove(&key);
            self.open
                .insert(key, OpenIncident::published(alert.clone(), &finding));
            return Some(alert);
        };

        let mut alert = incident
            .alert
            .clone()
            .updated(finding.at, finding.score, finding.severity);
        alert.first_seen = alert.first_seen.min(finding.first_seen);
        alert.summary = finding.summary;
        alert.evidence = finding.evidence;
        incident.alert = alert;
        if finding.size > 0 {
            incident.counted_at = Some(finding.at);
        }

        let due = incident.published_at + TimeDelta::seconds(i64::from(update_interval_secs));
        let publish = incident.alert.severity > incident.published_severity
            || finding.size >= incident.published_size.saturating_mul(2)
            || finding.at >= due;
        if !publish {
            return None;
        }
        incident.published_size = finding.size;
        incident.published_at = finding.at;
        incident.published_severity = incident.alert.severity;
        Some(incident.alert.clone())
    }

    /// Raises an open incident to critical because the account it is about
    /// was entered; returns the alert to publish, or `None` when no such
    /// incident is open.
    pub(crate) fn escalate(
        &mut self,
        kind: AlertKind,
        subject_key: &str,
        at: DateTime<Utc>,
        event_id: &str,
    ) -> Option<Alert> {
        let key = incident_key(kind, subject_key);
        let incident = self.open.get_mut(&key)?;
        self.dirty.insert(key);

        let mut alert = incident.alert.clone().updated(at, 1.0, Severity::Critical);
        if let Some(evidence) = alert.evidence.as_object_mut() {
            evidence.insert("takeover_event_id".to_owned(), event_id.into());
        }
        if !alert.summary.ends_with("then got in") {
            alert.summary = format!("{}, then got in", alert.summary);
        }
        incident.alert = alert.clone();
        incident.published_at = at;
        incident.published_severity = Severity::Critical;
        Some(alert)
    }

    /// Closes every incident quiet since before `now`, in key order.
    pub(crate) fn close_idle(&mut self, now: DateTime<Utc>) -> Vec<Alert> {
        let idle: Vec<String> = self
            .open
            .iter()
            .filter(|(_, i)| i.alert.last_seen + TimeDelta::seconds(i64::from(i.quiet_secs)) <= now)
            .map(|(key, _)| key.clone())
            .collect();
        self.close(idle)
    }

    /// Closes every open incident: the end of a file.
    pub(crate) fn close_all(&mut self) -> Vec<Alert> {
        let all: Vec<String> = self.open.keys().cloned().collect();
        self.close(all)
    }

    fn close(&mut self, keys: Vec<String>) -> Vec<Alert> {
        let mut closed = Vec::with_capacity(keys.len());
        for key in keys {
            if let Some(incident) = self.open.remove(&key) {
                let last_seen = incident.alert.last_seen;
                closed.push(incident.alert.closed(last_seen));
                self.closed.insert(key.clone(), last_seen);
                self.dirty.insert(key);
            }
        }
        closed
    }
}

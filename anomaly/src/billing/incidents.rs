//! One incident, one alert: findings about the same kind and subject join
//! the open incident instead of raising a new alert, and an incident with no
//! new evidence for the quiet period closes.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::finding::Finding;
use super::keys::{Dirty, IncidentKey, StateKey};
use super::time::{after, secs};
use crate::Alert;

/// Entry ids kept in one incident's evidence, at most: enough for an
/// analyst to start from, bounded however long the incident runs. The
/// total count is kept apart.
pub(crate) const MAX_EVIDENCE_ENTRIES: usize = 20;

/// An incident still going on, as checkpointed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct OpenIncident {
    /// The alert as last published.
    pub(crate) alert: Alert,
    /// The first entries of the evidence, in the order they were seen.
    pub(crate) entry_ids: Vec<String>,
    /// Every entry that was part of the evidence, including those beyond
    /// [`MAX_EVIDENCE_ENTRIES`].
    pub(crate) entry_count: u64,
    /// Event time of the latest evidence; the quiet period runs from here.
    pub(crate) last_event: DateTime<Utc>,
}

/// The open incidents of the billing detector.
#[derive(Debug, Default)]
pub(crate) struct IncidentBook {
    pub(crate) open: BTreeMap<IncidentKey, OpenIncident>,
}

impl IncidentBook {
    /// Adds a finding to its incident, opening it when none is open, and
    /// returns the alert as it now stands.
    pub(crate) fn raise(&mut self, finding: Finding, dirty: &mut Dirty) -> Alert {
        let key = IncidentKey::new(finding.kind, &finding.tenant_id, &finding.subject);
        dirty.insert(StateKey::Incident(key.clone()));
        let incident = match self.open.remove(&key) {
            Some(open) => continued(open, finding),
            None => opened(finding),
        };
        let alert = incident.alert.clone();
        self.open.insert(key, incident);
        alert
    }

    /// Closes every incident whose latest evidence is at least `quiet_secs`
    /// before `now`, in key order.
    pub(crate) fn close_quiet(
        &mut self,
        now: DateTime<Utc>,
        quiet_secs: u64,
        dirty: &mut Dirty,
    ) -> Vec<Alert> {
        let quiet = secs(quiet_secs);
        let ended: Vec<IncidentKey> = self
            .open
            .iter()
            .filter(|(_, incident)| after(incident.last_event, quiet) <= now)
            .map(|(key, _)| key.clone())
            .collect();

        let mut closed = Vec::with_capacity(ended.len());
        for key in ended {
            if let Some(incident) = self.open.remove(&key) {
                closed.push(incident.alert.closed(incident.last_event));
            }
            dirty.insert(StateKey::Incident(key));
        }
        closed
    }
}

fn opened(finding: Finding) -> OpenIncident {
    let alert = Alert::open(
        finding.kind,
        finding.severity,
        finding.tenant_id.clone(),
        finding.subject.clone(),
        finding.ts,
        finding.score,
        finding.summary.clone(),
    )
    .since(finding.first_seen);

    let mut incident = OpenIncident {
        alert,
        entry_ids: Vec::new(),
        entry_count: 0,
        last_event: finding.ts,
    };
    add_evidence(&mut incident, finding);
    incident
}

fn continued(open: OpenIncident, finding: Finding) -> OpenIncident {
    let score = open.alert.score.max(finding.score);
    let mut incident = OpenIncident {
        alert: open.alert.updated(finding.ts, score, finding.severity),
        last_event: open.last_event.max(finding.ts),
        ..open
    };
    incident.alert.summary.clone_from(&finding.summary);
    add_evidence(&mut incident, finding);
    incident
}

/// Appends the finding's new entries and replaces the kind-specific
/// details with the latest ones, which describe the incident as it stands.
fn add_evidence(incident: &mut OpenIncident, finding: Finding) {
    for id in finding.entry_ids {
        if incident.entry_ids.contains(&id) {
            continue;
        }
        incident.entry_count += 1;
        if incident.entry_ids.len() < MAX_EVIDENCE_ENTRIES {
            incident.entry_ids.push(id);
        }
    }

    let mut evidence = match finding.details {
        Value::Object(map) => map,
        Value::Null => Map::new(),
        other => Map::from_iter([("details".to_owned(), other)]),
    };
    evidence.insert("entry_ids".into(), incident.entry_ids.clone().into());
    evidence.insert("entry_count".into(), incident.entry_count.into());
    incident.alert.evidence = Value::Object(evidence);
}

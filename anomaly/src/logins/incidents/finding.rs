//! What rules report, and what an open incident remembers of it.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::{Alert, AlertKind, Severity, Subject};

/// What a rule saw on one event: enough to open an incident or to carry an
/// open one forward.
#[derive(Debug, Clone)]
pub(crate) struct Finding {
    pub(crate) kind: AlertKind,
    /// The state key of what the incident is about (a user, a network, a
    /// tenant); with the kind it names the incident.
    pub(crate) subject_key: String,
    pub(crate) tenant_id: String,
    /// Fixed when the incident opens, since the alert id derives from it.
    pub(crate) subject: Subject,
    pub(crate) severity: Severity,
    pub(crate) score: f64,
    /// The first event that is part of the incident.
    pub(crate) first_seen: DateTime<Utc>,
    /// The event that produced the finding.
    pub(crate) at: DateTime<Utc>,
    /// How much evidence there is (failures, accounts, prompts): an update
    /// is published when it doubles.
    pub(crate) size: u64,
    pub(crate) summary: String,
    pub(crate) evidence: serde_json::Value,
    /// How long without a finding before the incident closes, in seconds.
    pub(crate) quiet_secs: u32,
}

/// An incident still going on.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct OpenIncident {
    /// The alert as it stands, published or not.
    pub(crate) alert: Alert,
    pub(crate) quiet_secs: u32,
    /// What was last published, to decide when to publish again.
    pub(super) published_size: u64,
    pub(super) published_at: DateTime<Utc>,
    pub(super) published_severity: Severity,
    /// When a rule last counted the incident's evidence in full, rather
    /// than carrying it forward (see [`Finding::carry`]).
    #[serde(default)]
    pub(crate) counted_at: Option<DateTime<Utc>>,
}

impl Finding {
    /// The open incident carried forward to `at` without recounting its
    /// evidence: for rules whose full count is costly, between counts.
    pub(crate) fn carry(incident: &OpenIncident, subject_key: String, at: DateTime<Utc>) -> Self {
        let alert = &incident.alert;
        Self {
            kind: alert.kind,
            subject_key,
            tenant_id: alert.tenant_id.clone(),
            subject: alert.subject.clone(),
            severity: alert.severity,
            score: alert.score,
            first_seen: alert.first_seen,
            at,
            size: 0,
            summary: alert.summary.clone(),
            evidence: alert.evidence.clone(),
            quiet_secs: incident.quiet_secs,
        }
    }
}

/// The name of an incident in the book and in checkpoints.
pub(crate) fn incident_key(kind: AlertKind, subject_key: &str) -> String {
    format!("incident/{}/{subject_key}", kind.as_str())
}

/// An incident as checkpointed: open, or closed with the time of its last
/// event.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum IncidentRecord {
    Open(Box<OpenIncident>),
    Closed { last_seen: DateTime<Utc> },
}

impl OpenIncident {
    /// A new incident, just published.
    pub(super) fn published(alert: Alert, finding: &Finding) -> Self {
        Self {
            published_size: finding.size,
            published_at: finding.at,
            published_severity: alert.severity,
            quiet_secs: finding.quiet_secs,
            counted_at: Some(finding.at),
            alert,
        }
    }
}

/// The alert that opens an incident for a finding.
pub(super) fn open_alert(finding: Finding) -> Alert {
    Alert::open(
        finding.kind,
        finding.severity,
        finding.tenant_id,
        finding.subject,
        finding.at,
        finding.score,
        finding.summary,
    )
    .since(finding.first_seen)
    .with_evidence(finding.evidence)
}

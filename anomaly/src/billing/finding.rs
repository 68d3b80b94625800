//! What one check reports about one entry, before it becomes part of an
//! incident.

use chrono::{DateTime, Utc};

use crate::{AlertKind, Severity, Subject};

/// One check's verdict on one entry: the incident it belongs to (kind,
/// tenant, subject) and what it adds.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Finding {
    pub(crate) kind: AlertKind,
    pub(crate) severity: Severity,
    pub(crate) tenant_id: String,
    pub(crate) subject: Subject,
    /// Event time at which the evidence crossed its threshold.
    pub(crate) ts: DateTime<Utc>,
    /// Event time of the earliest entry in the evidence.
    pub(crate) first_seen: DateTime<Utc>,
    /// How anomalous, in [0, 1].
    pub(crate) score: f64,
    /// One sentence for the analyst, ids only.
    pub(crate) summary: String,
    /// The entries this finding adds to the incident's evidence.
    pub(crate) entry_ids: Vec<String>,
    /// Kind-specific evidence: amounts, thresholds, baselines.
    pub(crate) details: serde_json::Value,
}

impl Finding {
    /// A finding raised at `ts` about the entries in `entry_ids`, with no
    /// details yet and `first_seen` at `ts`.
    pub(crate) fn new(
        kind: AlertKind,
        severity: Severity,
        tenant_id: &str,
        subject: Subject,
        ts: DateTime<Utc>,
        score: f64,
        summary: String,
    ) -> Self {
        Self {
            kind,
            severity,
            tenant_id: tenant_id.to_owned(),
            subject,
            ts,
            first_seen: ts,
            score,
            summary,
            entry_ids: Vec::new(),
            details: serde_json::Value::Null,
        }
    }

    /// Sets the entries this finding is about.
    #[must_use]
    pub(crate) fn with_entries(mut self, entry_ids: Vec<String>) -> Self {
        self.entry_ids = entry_ids;
        self
    }

    /// Sets the kind-specific evidence.
    #[must_use]
    pub(crate) fn with_details(mut self, details: serde_json::Value) -> Self {
        self.details = details;
        self
    }

    /// Sets when the earliest entry in the evidence happened.
    #[must_use]
    pub(crate) fn since(mut self, first_seen: DateTime<Utc>) -> Self {
        self.first_seen = first_seen.min(self.ts);
        self
    }
}

/// A subject naming one entry and the actor who made it.
pub(crate) fn entry_subject(entry_id: &str, actor_id: &str) -> Subject {
    Subject {
        entry_id: Some(entry_id.to_owned()),
        actor_id: Some(actor_id.to_owned()),
        ..Subject::default()
    }
}

//! The alert every detector raises.
//!
//! One incident is one alert: a detector opens it when the evidence first
//! crosses its threshold, re-publishes it (same [`Alert::id`]) while the
//! incident goes on, and closes it when the subject is back to normal. The
//! id is derived from what the incident is about and when it began, never
//! from a counter, so a detector restored from its checkpoint, or the same
//! events replayed after a crash, produce the same id and the store upserts
//! instead of duplicating.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// What a detector saw. The name (`as_str`) is stable: it is stored, shown
/// to analysts and filtered on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AlertKind {
    /// Consumption far above the meter's normal for that time.
    UsageSpike,
    /// Consumption far below the meter's normal for that time.
    UsageDrop,
    /// The meter's level moved and stayed moved.
    UsageLevelShift,
    /// The meter reports the same value, or nothing, where it normally varies.
    UsageFlatline,
    /// Consumption at hours the meter is normally near zero: a load left on
    /// or a leak.
    UsageOffHours,
    /// The register ran backwards without a recorded replacement.
    UsageRegisterBackwards,
    /// The meter stopped reporting.
    UsageMissingData,
    /// An adjustment, credit, refund or write-off above the approval
    /// threshold without an approver.
    BillingUnapproved,
    /// The approver of an entry is its actor.
    BillingSelfApproval,
    /// A refund or credit to an account of another tenant.
    BillingCrossTenant,
    /// The ledger's hash chain does not link.
    BillingChainBroken,
    /// An entry id re-sent with different content.
    BillingEntryRewritten,
    /// An amount far outside the actor's own and their peers' history.
    BillingUnusualAmount,
    /// Many entries just below the approval threshold.
    BillingThresholdSplitting,
    /// Activity at hours the actor never works.
    BillingOffHours,
    /// A long-dormant actor suddenly active.
    BillingDormantActor,
    /// Many write-offs in a short time.
    BillingWriteOffSpree,
    /// Many failed passwords against one account.
    LoginBruteForce,
    /// One address or network failing across many accounts.
    LoginCredentialStuffing,
    /// Few passwords tried across many accounts, spread over time and
    /// addresses.
    LoginPasswordSpraying,
    /// Two successful logins further apart than anyone could travel.
    LoginImpossibleTravel,
    /// Success from a new device and a new country after failures.
    LoginNewDeviceAfterFailures,
    /// Repeated denied MFA pushes, then an accepted one.
    LoginMfaFatigue,
    /// Guessing kept just under simple rate limits, over a long time.
    LoginLowAndSlow,
    /// An API key reading far more than its own history.
    ApiMassExport,
}

impl AlertKind {
    /// The stored and displayed name, as in the serialised form.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::UsageSpike => "usage_spike",
            Self::UsageDrop => "usage_drop",
            Self::UsageLevelShift => "usage_level_shift",
            Self::UsageFlatline => "usage_flatline",
            Self::UsageOffHours => "usage_off_hours",
            Self::UsageRegisterBackwards => "usage_register_backwards",
            Self::UsageMissingData => "usage_missing_data",
            Self::BillingUnapproved => "billing_unapproved",
            Self::BillingSelfApproval => "billing_self_approval",
            Self::BillingCrossTenant => "billing_cross_tenant",
            Self::BillingChainBroken => "billing_chain_broken",
            Self::BillingEntryRewritten => "billing_entry_rewritten",
            Self::BillingUnusualAmount => "billing_unusual_amount",
            Self::BillingThresholdSplitting => "billing_threshold_splitting",
            Self::BillingOffHours => "billing_off_hours",
            Self::BillingDormantActor => "billing_dormant_actor",
            Self::BillingWriteOffSpree => "billing_write_off_spree",
            Self::LoginBruteForce => "login_brute_force",
            Self::LoginCredentialStuffing => "login_credential_stuffing",
            Self::LoginPasswordSpraying => "login_password_spraying",
            Self::LoginImpossibleTravel => "login_impossible_travel",
            Self::LoginNewDeviceAfterFailures => "login_new_device_after_failures",
            Self::LoginMfaFatigue => "login_mfa_fatigue",
            Self::LoginLowAndSlow => "login_low_and_slow",
            Self::ApiMassExport => "api_mass_export",
        }
    }
}

/// How urgently an analyst should look.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// Worth a look when the queue is empty.
    Low,
    /// Look today.
    Medium,
    /// Look now: likely an attack or a loss in progress.
    High,
    /// Act now: an attack that succeeded or money that moved.
    Critical,
}

impl Severity {
    /// The stored and displayed name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Low => "low",
            Self::Medium => "medium",
            Self::High => "high",
            Self::Critical => "critical",
        }
    }
}

/// Where an incident stands, from the detector's point of view. What an
/// analyst does with it (acknowledge, resolve, false positive) is the
/// store's business, not the detector's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AlertPhase {
    /// First published.
    Opened,
    /// The incident goes on: more evidence, a new score or severity.
    Updated,
    /// The subject is back to normal; the incident ends at `last_seen`.
    Closed,
}

/// Who or what an incident is about. Only the fields that apply are set;
/// they serialise under these names at the top level of the alert, which
/// is the shape the backtest output and the alerts topic promise.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Subject {
    /// A meter.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub meter_id: Option<String>,
    /// A platform user (login detectors).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_id: Option<String>,
    /// A source address, or a network written as CIDR.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ip: Option<String>,
    /// A staff member who made ledger entries.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub actor_id: Option<String>,
    /// A ledger account.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account_id: Option<String>,
    /// One ledger entry.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub entry_id: Option<String>,
    /// An API key, by its public id (never the secret).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api_key_id: Option<String>,
}

impl Subject {
    /// A subject that is one meter.
    pub fn meter(id: impl Into<String>) -> Self {
        Self {
            meter_id: Some(id.into()),
            ..Self::default()
        }
    }

    /// A subject that is one user.
    pub fn user(id: impl Into<String>) -> Self {
        Self {
            user_id: Some(id.into()),
            ..Self::default()
        }
    }

    /// A subject that is one address or network.
    pub fn ip(address: impl Into<String>) -> Self {
        Self {
            ip: Some(address.into()),
            ..Self::default()
        }
    }

    /// A subject that is one staff actor.
    pub fn actor(id: impl Into<String>) -> Self {
        Self {
            actor_id: Some(id.into()),
            ..Self::default()
        }
    }

    /// The fields in a fixed order, for the alert id.
    fn parts(&self) -> [(&'static str, Option<&str>); 7] {
        [
            ("meter", self.meter_id.as_deref()),
            ("user", self.user_id.as_deref()),
            ("ip", self.ip.as_deref()),
            ("actor", self.actor_id.as_deref()),
            ("account", self.account_id.as_deref()),
            ("entry", self.entry_id.as_deref()),
            ("api_key", self.api_key_id.as_deref()),
        ]
    }
}

/// One incident, as a detector last described it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Alert {
    /// Stable identity: the same kind, tenant, subject and start give the
    /// same id, across restarts and replays.
    pub id: String,
    /// The tenant whose data the incident is in; every alert has one.
    pub tenant_id: String,
    /// What was seen.
    pub kind: AlertKind,
    /// How urgent; may rise while the incident goes on.
    pub severity: Severity,
    /// Who or what it is about.
    #[serde(flatten)]
    pub subject: Subject,
    /// Event time at which the alert was raised (first crossed its
    /// threshold). Never changes for one incident.
    pub ts: DateTime<Utc>,
    /// Event time of the first event that is part of the incident; at or
    /// before `ts`.
    pub first_seen: DateTime<Utc>,
    /// Event time of the latest event that is part of the incident.
    pub last_seen: DateTime<Utc>,
    /// How anomalous, in [0, 1].
    pub score: f64,
    /// Where the incident stands.
    pub phase: AlertPhase,
    /// One sentence for the analyst, free of personal data beyond the
    /// subject's ids.
    pub summary: String,
    /// What made it fire: counts, the baseline compared against, and the
    /// ids of the events involved. Passwords, user agents and full names
    /// never appear; addresses only where they are the subject.
    pub evidence: serde_json::Value,
}

impl Alert {
    /// Opens an incident raised at event time `ts`, with the score clamped
    /// to [0, 1], `first_seen` and `last_seen` at `ts`, and empty evidence.
    pub fn open(
        kind: AlertKind,
        severity: Severity,
        tenant_id: impl Into<String>,
        subject: Subject,
        ts: DateTime<Utc>,
        score: f64,
        summary: impl Into<String>,
    ) -> Self {
        let tenant_id = tenant_id.into();
        Self {
            id: alert_id(kind, &tenant_id, &subject, ts),
            tenant_id,
            kind,
            severity,
            subject,
            ts,
            first_seen: ts,
            last_seen: ts,
            score: clamp_score(score),
            phase: AlertPhase::Opened,
            summary: summary.into(),
            evidence: serde_json::Value::Null,
        }
    }

    /// Sets the evidence.
    #[must_use]
    pub fn with_evidence(mut self, evidence: serde_json::Value) -> Self {
        self.evidence = evidence;
        self
    }

    /// Sets when the incident's first event happened, before it was raised.
    #[must_use]
    pub fn since(mut self, first_seen: DateTime<Utc>) -> Self {
        self.first_seen = first_seen.min(self.ts);
        self
    }

    /// The same incident, going on at `last_seen` with a new score; the
    /// severity only ever rises.
    #[must_use]
    pub fn updated(mut self, last_seen: DateTime<Utc>, score: f64, severity: Severity) -> Self {
        self.last_seen = self.last_seen.max(last_seen);
        self.score = clamp_score(score);
        self.severity = self.severity.max(severity);
        self.phase = AlertPhase::Updated;
        self
    }

    /// The same incident, ended at `last_seen`.
    #[must_use]
    pub fn closed(mut self, last_seen: DateTime<Utc>) -> Self {
        self.last_seen = self.last_seen.max(last_seen);
        self.phase = AlertPhase::Closed;
        self
    }
}

/// A NaN score (which no detector should produce) becomes 0 rather than
/// poisoning sorting and storage.
fn clamp_score(score: f64) -> f64 {
    if score.is_nan() {
        0.0
    } else {
        score.clamp(0.0, 1.0)
    }
}

/// A hex digest of what identifies an incident. Length-prefixed parts keep
/// `("ab", "c")` and `("a", "bc")` apart.
fn alert_id(kind: AlertKind, tenant_id: &str, subject: &Subject, ts: DateTime<Utc>) -> String {
    let mut hash = Sha256::new();
    let mut part = |text: &str| {
        hash.update((text.len() as u64).to_be_bytes());
        hash.update(text.as_bytes());
    };
    part(kind.as_str());
    part(tenant_id);
    for (name, value) in subject.parts() {
        part(name);
        part(value.unwrap_or(""));
    }
    part(&ts.timestamp_micros().to_string());
    let digest = hash.finalize();
    hex::encode(&digest[..16])
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(minute: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 3, 2, 9, minute, 0)
            .single()
            .expect("valid")
    }

    #[test]
    fn the_same_incident_gets_the_same_id_however_often_it_is_raised() {
        let raise = || {
            Alert::open(
                AlertKind::LoginBruteForce,
                Severity::High,
                "t1",
                Subject::user("u1"),
                at(5),
                0.9,
                "x",
            )
        };
        assert_eq!(raise().id, raise().id);
        assert_eq!(raise().updated(at(9), 0.95, Severity::Low).id, raise().id);
    }

    #[test]
    fn a_different_subject_tenant_or_start_is_a_different_incident() {
        let base = Alert::open(
            AlertKind::LoginBruteForce,
            Severity::High,
            "t1",
            Subject::user("u1"),
            at(5),
            0.9,
            "",
        );
        let other_user = Alert::open(
            AlertKind::LoginBruteForce,
            Severity::High,
            "t1",
            Subject::user("u2"),
            at(5),
            0.9,
            "",
        );
        let other_tenant = Alert::open(
            AlertKind::LoginBruteForce,
            Severity::High,
            "t2",
            Subject::user("u1"),
            at(5),
            0.9,
            "",
        );
        let later = Alert::open(
            AlertKind::LoginBruteForce,
            Severity::High,
            "t1",
            Subject::user("u1"),
            at(6),
            0.9,
            "",
        );
        assert_ne!(base.id, other_user.id);
        assert_ne!(base.id, other_tenant.id);
        assert_ne!(base.id, later.id);
    }

    #[test]
    fn an_update_never_lowers_severity_and_keeps_the_score_in_range() {
        let alert = Alert::open(
            AlertKind::UsageSpike,
            Severity::High,
            "t1",
            Subject::meter("m1"),
            at(0),
            3.0,
            "",
        );
        assert!((alert.score - 1.0).abs() < f64::EPSILON);
        let updated = alert.updated(at(15), f64::NAN, Severity::Low);
        assert_eq!(updated.severity, Severity::High);
        assert_eq!(updated.score, 0.0);
        assert_eq!(updated.phase, AlertPhase::Updated);
        assert_eq!(updated.last_seen, at(15));
    }

    #[test]
    fn the_subject_serialises_at_the_top_level_under_its_field_names() {
        let alert = Alert::open(
            AlertKind::LoginCredentialStuffing,
            Severity::High,
            "t1",
            Subject::ip("203.0.113.0/24"),
            at(0),
            0.8,
            "",
        );
        let json = serde_json::to_value(&alert).expect("serialises");
        assert_eq!(json["ip"], "203.0.113.0/24");
        assert_eq!(json["kind"], "login_credential_stuffing");
        assert_eq!(json["severity"], "high");
        assert_eq!(json["tenant_id"], "t1");
        assert!(json.get("user_id").is_none());
        let back: Alert = serde_json::from_value(json).expect("deserialises");
        assert_eq!(back, alert);
    }
}

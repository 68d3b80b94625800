//! The approval rules: money-moving entries above the threshold need an
//! approver, and nobody approves their own entry.

use nexzo_schemas::{LedgerEntry, LedgerKind};
use serde_json::json;

use crate::billing::finding::{Finding, entry_subject};
use crate::{AlertKind, Severity};

/// An unapproved amount this many times the threshold is critical: at that
/// size the loss, not the procedure, is the story.
const CRITICAL_THRESHOLD_MULTIPLE: i64 = 10;

/// Whether entries of this kind move money out of the ledger's normal
/// flow and so need a second person above the threshold.
pub(crate) fn needs_approval(kind: LedgerKind) -> bool {
    matches!(
        kind,
        LedgerKind::Adjustment | LedgerKind::Credit | LedgerKind::Refund | LedgerKind::WriteOff
    )
}

/// Whether someone other than the actor approved the entry.
pub(crate) fn independently_approved(entry: &LedgerEntry) -> bool {
    entry
        .approver_id
        .as_deref()
        .is_some_and(|approver| approver != entry.actor_id)
}

/// A money-moving entry above `threshold_minor` with no approver at all.
/// An entry its own actor approved is a self-approval instead.
pub(crate) fn unapproved(entry: &LedgerEntry, threshold_minor: i64) -> Option<Finding> {
    let amount = entry.amount_minor.unsigned_abs();
    let threshold = threshold_minor.unsigned_abs();
    if !needs_approval(entry.kind) || entry.approver_id.is_some() || amount <= threshold {
        return None;
    }

    let multiple = amount as f64 / threshold as f64;
    let critical = amount >= threshold.saturating_mul(CRITICAL_THRESHOLD_MULTIPLE.unsigned_abs());
    let severity = if critical {
        Severity::Critical
    } else {
        Severity::High
    };
    // 0.6 just above the threshold, 1 at ten times it.
    let score = 0.6 + 0.4 * multiple.log10().clamp(0.0, 1.0);
    let summary = format!(
        "{} {} by {} of {} {} minor units is above the approval threshold without an approver",
        entry.kind, entry.entry_id, entry.actor_id, entry.amount_minor, entry.currency
    );
    Some(
        Finding::new(
            AlertKind::BillingUnapproved,
            severity,
            &entry.tenant_id,
            entry_subject(&entry.entry_id, &entry.actor_id),
            entry.ts,
            score,
            summary,
        )
        .with_entries(vec![entry.entry_id.clone()])
        .with_details(json!({
            "entry_kind": entry.kind.as_str(),
            "amount_minor": entry.amount_minor,
            "currency": entry.currency,
            "approval_threshold_minor": threshold_minor,
            "account_id": entry.account_id,
        })),
    )
}

/// An entry whose approver is its own actor, of any kind and amount: the
/// second-person control was bypassed, whatever the size.
pub(crate) fn self_approved(entry: &LedgerEntry, threshold_minor: i64) -> Option<Finding> {
    if entry.approver_id.as_deref() != Some(entry.actor_id.as_str()) {
        return None;
    }

    let above = entry.amount_minor.unsigned_abs() > threshold_minor.unsigned_abs();
    let (severity, score) = if above && needs_approval(entry.kind) {
        (Severity::High, 0.9)
    } else {
        (Severity::Medium, 0.7)
    };
    let summary = format!(
        "{} {} was approved by its own actor {}",
        entry.kind, entry.entry_id, entry.actor_id
    );
    Some(
        Finding::new(
            AlertKind::BillingSelfApproval,
            severity,
            &entry.tenant_id,
            entry_subject(&entry.entry_id, &entry.actor_id),
            entry.ts,
            score,
            summary,
        )
        .with_entries(vec![entry.entry_id.clone()])
        .with_details(json!({
            "entry_kind": entry.kind.as_str(),
            "amount_minor": entry.amount_minor,
            "currency": entry.currency,
            "approval_threshold_minor": threshold_minor,
        })),
    )
}

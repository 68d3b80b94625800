//! An entry id re-sent with different content.

use nexzo_schemas::LedgerEntry;
use serde_json::json;

use super::chain::EntryMemo;
use crate::billing::finding::{Finding, entry_subject};
use crate::{AlertKind, Severity};

/// How sure a rewrite is deliberate: high, since the billing service never
/// re-issues an id with other content and each copy's hash was verified.
const REWRITE_SCORE: f64 = 0.9;

/// The finding for `entry`, which carries an id already seen with the
/// hash in `original`. The subject's actor is the one the new copy names.
pub(crate) fn rewritten(entry: &LedgerEntry, original: &EntryMemo) -> Finding {
    let summary = format!(
        "ledger entry {} was re-sent by {} with different content",
        entry.entry_id, entry.actor_id
    );
    Finding::new(
        AlertKind::BillingEntryRewritten,
        Severity::High,
        &entry.tenant_id,
        entry_subject(&entry.entry_id, &entry.actor_id),
        entry.ts,
        REWRITE_SCORE,
        summary,
    )
    .since(original.ts)
    .with_entries(vec![entry.entry_id.clone()])
    .with_details(json!({
        "original_hash": original.hash,
        "original_ts": original.ts,
        "rewritten_hash": entry.hash,
        "rewritten_amount_minor": entry.amount_minor,
        "same_prev_hash": original.prev_hash == entry.prev_hash,
    }))
}

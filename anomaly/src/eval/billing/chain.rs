//! Chaining each tenant's entries with real hashes, in event-time order as
//! the billing service publishes them. Tampering is in `tamper`, rewritten
//! copies in `rewrites`.

use std::collections::BTreeMap;

use nexzo_schemas::{GENESIS_HASH, LedgerEntry};

use super::draft::Draft;

/// An entry with its hash computed.
pub(super) fn hashed(mut entry: LedgerEntry) -> LedgerEntry {
    entry.hash = entry.compute_hash();
    entry
}

fn entry_of(draft: &Draft, prev_hash: &str) -> LedgerEntry {
    hashed(LedgerEntry {
        entry_id: draft.entry_id.clone(),
        tenant_id: draft.tenant.clone(),
        property_id: draft.property.clone(),
        account_id: draft.account.clone(),
        kind: draft.kind,
        amount_minor: draft.amount_minor,
        currency: "EUR".to_owned(),
        actor_id: draft.actor.clone(),
        approver_id: draft.approver.clone(),
        reason_code: draft.reason.to_owned(),
        ts: draft.ts,
        prev_hash: prev_hash.to_owned(),
        hash: String::new(),
    })
}

/// Each tenant's entries in event-time order, chained from genesis.
pub(super) fn chain(mut drafts: Vec<Draft>) -> BTreeMap<String, Vec<LedgerEntry>> {
    drafts.sort_by_key(|d| d.ts);
    let mut chains: BTreeMap<String, Vec<LedgerEntry>> = BTreeMap::new();
    for draft in &drafts {
        let chain = chains.entry(draft.tenant.clone()).or_default();
        let prev = chain
            .last()
            .map_or(GENESIS_HASH, |e| e.hash.as_str())
            .to_owned();
        chain.push(entry_of(draft, &prev));
    }
    chains
}

/// The parts of an entry a label needs, as a draft.
pub(super) fn label_for(entry: &LedgerEntry) -> Draft {
    Draft {
        tenant: entry.tenant_id.clone(),
        entry_id: entry.entry_id.clone(),
        property: entry.property_id.clone(),
        account: entry.account_id.clone(),
        kind: entry.kind,
        amount_minor: entry.amount_minor,
        actor: entry.actor_id.clone(),
        approver: entry.approver_id.clone(),
        reason: "label",
        ts: entry.ts,
    }
}

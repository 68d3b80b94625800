//! Which tenant owns which account, learned from the ledger itself, and the
//! cross-tenant rule built on it.
//!
//! Ownership is learned, not looked up: an account belongs to the tenant of
//! the first charge or payment the detector sees on it. That implies:
//!
//! - a refund or credit to an account never charged or paid in the
//!   detector's memory is not judged (its owner is unknown), so an insider
//!   who refunds to a freshly invented account id is not caught here;
//! - if an account's first charge seen was itself booked by the wrong
//!   tenant, ownership is learned wrongly and the real owner's refunds are
//!   the ones reported;
//! - account ids must be unique across tenants, as the billing service
//!   issues them; two tenants reusing one id would look like cross-tenant
//!   refunds;
//! - every tenant's entries must reach the same detector: a deployment that
//!   splits tenants over instances only knows the accounts of its own.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use nexzo_schemas::{LedgerEntry, LedgerKind};
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::billing::finding::{Finding, entry_subject};
use crate::billing::keys::{Dirty, StateKey};
use crate::{AlertKind, Severity};

/// How sure a cross-tenant refund is wrong: high, but ownership is learned
/// and can itself be wrong (see the module docs).
const CROSS_TENANT_SCORE: f64 = 0.85;

/// The learned owner of one account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct AccountOwner {
    pub(crate) tenant_id: String,
    /// The charge or payment ownership was learned from.
    pub(crate) learned_from: String,
    /// The latest entry of the owner on the account, for retention.
    pub(crate) last_seen: DateTime<Utc>,
}

/// Learned account owners.
#[derive(Debug, Default)]
pub(crate) struct AccountBook {
    pub(crate) owners: HashMap<String, AccountOwner>,
}

impl AccountBook {
    /// Learns from `entry` and reports a refund or credit booked by one
    /// tenant on an account another tenant owns.
    pub(crate) fn observe(&mut self, entry: &LedgerEntry, dirty: &mut Dirty) -> Option<Finding> {
        let key = StateKey::Account(entry.account_id.clone());
        match self.owners.get_mut(&entry.account_id) {
            Some(owner) if owner.tenant_id == entry.tenant_id => {
                if entry.ts > owner.last_seen {
                    owner.last_seen = entry.ts;
                    dirty.insert(key);
                }
                None
            }
            Some(owner) => cross_tenant(entry, owner),
            None if matches!(entry.kind, LedgerKind::Charge | LedgerKind::Payment) => {
                let owner = AccountOwner {
                    tenant_id: entry.tenant_id.clone(),
                    learned_from: entry.entry_id.clone(),
                    last_seen: entry.ts,
                };
                self.owners.insert(entry.account_id.clone(), owner);
                dirty.insert(key);
                None
            }
            None => None,
        }
    }

    /// Forgets accounts idle since before `horizon`.
    pub(crate) fn prune(&mut self, horizon: DateTime<Utc>, dirty: &mut Dirty) {
        let idle: Vec<String> = self
            .owners
            .iter()
            .filter(|(_, owner)| owner.last_seen < horizon)
            .map(|(account, _)| account.clone())
            .collect();
        for account in idle {
            self.owners.remove(&account);
            dirty.insert(StateKey::Account(account));
        }
    }
}

fn cross_tenant(entry: &LedgerEntry, owner: &AccountOwner) -> Option<Finding> {
    if !matches!(entry.kind, LedgerKind::Refund | LedgerKind::Credit) {
        return None;
    }
    let summary = format!(
        "{} {} by {} in tenant {} goes to account {} of tenant {}",
        entry.kind,
        entry.entry_id,
        entry.actor_id,
        entry.tenant_id,
        entry.account_id,
        owner.tenant_id
    );
    let mut subject = entry_subject(&entry.entry_id, &entry.actor_id);
    subject.account_id = Some(entry.account_id.clone());
    Some(
        Finding::new(
            AlertKind::BillingCrossTenant,
            Severity::Critical,
            &entry.tenant_id,
            subject,
            entry.ts,
            CROSS_TENANT_SCORE,
            summary,
        )
        .with_entries(vec![entry.entry_id.clone()])
        .with_details(json!({
            "entry_kind": entry.kind.as_str(),
            "amount_minor": entry.amount_minor,
            "currency": entry.currency,
            "owner_tenant_id": owner.tenant_id,
            "ownership_learned_from_entry_id": owner.learned_from,
        })),
    )
}

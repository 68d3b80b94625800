//! Remembering entries, resolving and expiring waiting links, and
//! forgetting what has aged out.

use chrono::{DateTime, TimeDelta, Utc};
use nexzo_schemas::LedgerEntry;

use super::{
    BreakReason, BrokenLink, ChainBook, EntryMemo, Link, PendingLink, RECENT_ENTRIES_KEPT,
    TenantChain,
};
use crate::billing::keys::{Dirty, StateKey};
use crate::billing::time::after;

impl ChainBook {
    /// Records a new entry: its hash, the successor place it takes, the
    /// links waiting for it, and the tenant's latest entry.
    pub(super) fn remember(&mut self, entry: &LedgerEntry, link: &Link, dirty: &mut Dirty) {
        let tenant = entry.tenant_id.clone();
        let claims = matches!(link, Link::Linked | Link::Waiting);
        let memo = EntryMemo {
            hash: entry.hash.clone(),
            prev_hash: entry.prev_hash.clone(),
            ts: entry.ts,
            linked: claims,
        };
        self.index(&tenant, &entry.entry_id, &memo);
        self.entries
            .insert((tenant.clone(), entry.entry_id.clone()), memo);
        dirty.insert(StateKey::Entry {
            tenant: tenant.clone(),
            entry: entry.entry_id.clone(),
        });

        let chain = self
            .tenants
            .entry(tenant.clone())
            .or_insert_with(|| TenantChain {
                last_ts: entry.ts,
                latest: None,
                earliest_ts: entry.ts,
                pending: Vec::new(),
                break_run: None,
                recent: Vec::new(),
            });
        if *link == Link::Waiting {
            chain.pending.push(PendingLink {
                entry_id: entry.entry_id.clone(),
                actor_id: entry.actor_id.clone(),
                prev_hash: entry.prev_hash.clone(),
                ts: entry.ts,
                after: chain.latest.clone(),
            });
        }
        chain.earliest_ts = chain.earliest_ts.min(entry.ts);
        let at = chain.recent.partition_point(|(ts, _)| *ts <= entry.ts);
        chain.recent.insert(at, (entry.ts, entry.entry_id.clone()));
        if chain.recent.len() > RECENT_ENTRIES_KEPT {
            chain.recent.remove(0);
        }
        chain.pending.retain(|p| p.prev_hash != entry.hash);
        if chain.latest.is_none() || entry.ts >= chain.last_ts {
            chain.latest = Some(entry.entry_id.clone());
            chain.last_ts = entry.ts;
        }
        Self::touch(&tenant, dirty);
    }

    /// Adds a remembered entry to the derived lookups.
    pub(crate) fn index(&mut self, tenant: &str, entry_id: &str, memo: &EntryMemo) {
        let id = entry_id.to_owned();
        self.by_hash
            .insert((tenant.to_owned(), memo.hash.clone()), id.clone());
        if memo.linked {
            self.successors
                .insert((tenant.to_owned(), memo.prev_hash.clone()), id);
        }
    }

    /// Takes out the links whose predecessor did not arrive by `now`
    /// (every waiting link when `now` is `None`), in tenant order, and
    /// reports those not at the start of what is known of the chain.
    pub(crate) fn expire(
        &mut self,
        now: Option<DateTime<Utc>>,
        lateness: TimeDelta,
        dirty: &mut Dirty,
    ) -> Vec<BrokenLink> {
        let mut tenants: Vec<&String> = self.tenants.keys().collect();
        tenants.sort();
        let tenants: Vec<String> = tenants.into_iter().cloned().collect();

        let mut broken = Vec::new();
        for tenant in tenants {
            let Some(chain) = self.tenants.get_mut(&tenant) else {
                continue;
            };
            let due = |p: &PendingLink| now.is_none_or(|now| after(p.ts, lateness) <= now);
            if !chain.pending.iter().any(due) {
                continue;
            }
            let (mut expired, waiting): (Vec<_>, Vec<_>) = chain.pending.drain(..).partition(due);
            // In chain order, so that a break and the one it causes next
            // are seen in that order whatever the delivery order was.
            expired.sort_by_key(|p| p.ts);
            chain.pending = waiting;
            // The earliest entry known has no predecessor to wait for.
            let earliest = chain.earliest_ts;
            let broken_links = expired.into_iter().filter(|p| p.ts > earliest);
            broken.extend(broken_links.map(|p| unlinked(&tenant, p)));
            Self::touch(&tenant, dirty);
        }
        broken
    }

    /// Forgets entries older than `horizon`, and tenants with nothing
    /// newer and nothing waiting.
    pub(crate) fn prune(&mut self, horizon: DateTime<Utc>, dirty: &mut Dirty) {
        let old: Vec<(String, String)> = self
            .entries
            .iter()
            .filter(|(_, memo)| memo.ts < horizon)
            .map(|(key, _)| key.clone())
            .collect();
        for key in old {
            if let Some(memo) = self.entries.remove(&key) {
                self.unindex(&key.0, &key.1, &memo);
            }
            dirty.insert(StateKey::Entry {
                tenant: key.0,
                entry: key.1,
            });
        }

        let idle: Vec<String> = self
            .tenants
            .iter()
            .filter(|(_, chain)| chain.last_ts < horizon && chain.pending.is_empty())
            .map(|(tenant, _)| tenant.clone())
            .collect();
        for tenant in idle {
            self.tenants.remove(&tenant);
            dirty.insert(StateKey::Tenant(tenant));
        }
    }

    /// Removes a forgotten entry from the derived lookups, unless another
    /// entry has taken its place there.
    pub(crate) fn unindex(&mut self, tenant: &str, entry_id: &str, memo: &EntryMemo) {
        let hash_key = (tenant.to_owned(), memo.hash.clone());
        if self.by_hash.get(&hash_key).is_some_and(|id| id == entry_id) {
            self.by_hash.remove(&hash_key);
        }
        let prev_key = (tenant.to_owned(), memo.prev_hash.clone());
        if self
            .successors
            .get(&prev_key)
            .is_some_and(|id| id == entry_id)
        {
            self.successors.remove(&prev_key);
        }
    }
}

fn unlinked(tenant: &str, pending: PendingLink) -> BrokenLink {
    BrokenLink {
        tenant_id: tenant.to_owned(),
        entry_id: pending.entry_id,
        actor_id: pending.actor_id,
        ts: pending.ts,
        prev_hash: pending.prev_hash,
        reason: BreakReason::Unlinked,
        other_entry: None,
        after: pending.after,
    }
}

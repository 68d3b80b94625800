//! Turning broken chain links into findings, one incident per run of
//! breaks.

use chrono::{DateTime, Utc};
use nexzo_schemas::LedgerEntry;
use serde_json::json;

use super::chain::{BreakReason, BreakRun, BrokenLink, ChainBook, Link};
use crate::billing::finding::{Finding, entry_subject};
use crate::billing::keys::{Dirty, StateKey};
use crate::{AlertKind, Severity};

/// How sure a broken link is an edit rather than a glitch: high, since
/// ingest already verified each entry's own hash, so a link that does not
/// fit was written that way.
const BROKEN_LINK_SCORE: f64 = 0.9;

/// The broken link a new entry's [`Link`] stands for, if any. `after` is
/// the tenant's latest entry before this one arrived.
pub(crate) fn immediate_break(
    entry: &LedgerEntry,
    link: &Link,
    after: Option<String>,
) -> Option<BrokenLink> {
    let (reason, other_entry) = match link {
        Link::Forked { other_entry } => (BreakReason::Forked, Some(other_entry.clone())),
        Link::Restarted => (BreakReason::Restarted, None),
        Link::Linked | Link::Waiting => return None,
    };
    Some(BrokenLink {
        tenant_id: entry.tenant_id.clone(),
        entry_id: entry.entry_id.clone(),
        actor_id: entry.actor_id.clone(),
        ts: entry.ts,
        prev_hash: entry.prev_hash.clone(),
        reason,
        other_entry,
        after,
    })
}

impl ChainBook {
    /// The tenant's latest entry by event time.
    pub(crate) fn latest_of(&self, tenant: &str) -> Option<String> {
        self.tenants
            .get(tenant)
            .and_then(|chain| chain.latest.clone())
    }

    /// The finding for a broken link. A break right after the tenant's
    /// last broken entry joins that break's incident: editing one entry
    /// breaks its own link and its successor's, and that is one incident.
    pub(crate) fn break_finding(&mut self, broken: BrokenLink, dirty: &mut Dirty) -> Finding {
        let run = self.join_run(&broken, dirty);
        let summary = format!(
            "ledger entry {} does not link into tenant {}'s hash chain ({})",
            broken.entry_id,
            broken.tenant_id,
            broken.reason.as_str()
        );
        Finding::new(
            AlertKind::BillingChainBroken,
            Severity::High,
            &broken.tenant_id,
            entry_subject(&run.subject_entry, &run.subject_actor),
            broken.ts,
            BROKEN_LINK_SCORE,
            summary,
        )
        .with_entries(vec![broken.entry_id.clone()])
        .with_details(json!({
            "reason": broken.reason.as_str(),
            "broken_entry_id": broken.entry_id,
            "prev_hash": broken.prev_hash,
            "competing_entry_id": broken.other_entry,
            "preceding_entry_id": broken.after,
        }))
    }

    /// Whether `broken` is the next link of `run`: the entry just before
    /// it in time is the run's last entry.
    fn continues_run(&self, run: &BreakRun, broken: &BrokenLink) -> bool {
        self.preceding(&broken.tenant_id, &broken.entry_id, broken.ts)
            .is_some_and(|id| id == run.last_entry)
    }

    /// The tenant's entry just before `entry_id` (at `ts`) in event time,
    /// among its latest entries; `None` when it is older than those.
    fn preceding(&self, tenant: &str, entry_id: &str, ts: DateTime<Utc>) -> Option<String> {
        let recent = &self.tenants.get(tenant)?.recent;
        recent
            .iter()
            .rev()
            .find(|(at, id)| *at <= ts && id != entry_id)
            .map(|(_, id)| id.clone())
    }

    fn join_run(&mut self, broken: &BrokenLink, dirty: &mut Dirty) -> BreakRun {
        let fresh = BreakRun {
            subject_entry: broken.entry_id.clone(),
            subject_actor: broken.actor_id.clone(),
            last_entry: broken.entry_id.clone(),
        };
        let continues = self
            .tenants
            .get(&broken.tenant_id)
            .and_then(|chain| chain.break_run.as_ref())
            .is_some_and(|run| self.continues_run(run, broken));
        let Some(chain) = self.tenants.get_mut(&broken.tenant_id) else {
            return fresh;
        };
        let run = match chain.break_run.take() {
            Some(run) if continues => BreakRun {
                last_entry: broken.entry_id.clone(),
                ..run
            },
            _ => fresh,
        };
        chain.break_run = Some(run.clone());
        dirty.insert(StateKey::Tenant(broken.tenant_id.clone()));
        run
    }
}

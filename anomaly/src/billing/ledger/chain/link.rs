//! Deciding how a new entry links into its tenant's chain.

use nexzo_schemas::{GENESIS_HASH, LedgerEntry};

use super::{ChainBook, Link};

impl ChainBook {
    /// How `entry` (not seen before) links, given what the chain holds.
    pub(super) fn link(&self, entry: &LedgerEntry) -> Link {
        let tenant = &entry.tenant_id;
        let prev_key = (tenant.clone(), entry.prev_hash.clone());

        // One predecessor, one successor: a second claimant is a fork
        // whether or not the predecessor itself was seen.
        if let Some(other) = self.successors.get(&prev_key) {
            return Link::Forked {
                other_entry: other.clone(),
            };
        }
        if self.by_hash.contains_key(&prev_key) {
            return Link::Linked;
        }
        if entry.prev_hash == GENESIS_HASH {
            let older_seen = self
                .tenants
                .get(tenant)
                .is_some_and(|chain| chain.earliest_ts < entry.ts);
            return if older_seen {
                Link::Restarted
            } else {
                Link::Linked
            };
        }
        Link::Waiting
    }
}

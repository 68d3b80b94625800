//! The per-tenant hash chain as the detector has seen it: which entry ids
//! and hashes exist, which entry follows which, and which entries still
//! wait for their predecessor.
//!
//! Each tenant's ledger is a chain: an entry's `prev_hash` is the `hash` of
//! the entry before it. An entry links when its `prev_hash` names an entry
//! seen, or the genesis hash for a tenant's first entry, and nothing else
//! already follows that entry. An entry whose predecessor has not been seen
//! waits [`chain_link_lateness_secs`](crate::billing::BillingConfig) for it,
//! so that mildly reordered delivery stays quiet; one that names an entry
//! that already has a successor is a fork and is reported at once.
//!
//! The detector may start in the middle of a chain, or forget a quiet
//! tenant's entries: a link still waiting when its lateness runs out is
//! taken as the start of what the detector knows (not reported) when no
//! entry of the tenant seen is older than it. The
//! [`GENESIS_HASH`](nexzo_schemas::GENESIS_HASH) is accepted only where
//! no older entry was seen; after that it restarts the chain. Entries
//! older than the entry memory are not checked at all, since their
//! neighbours are forgotten.

mod link;
mod memory;

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use nexzo_schemas::LedgerEntry;
use serde::{Deserialize, Serialize};

use super::super::keys::{Dirty, StateKey};

/// What the chain knows of one remembered entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct EntryMemo {
    pub(crate) hash: String,
    pub(crate) prev_hash: String,
    pub(crate) ts: DateTime<Utc>,
    /// Whether the entry holds its predecessor's only successor place (a
    /// fork does not).
    pub(crate) linked: bool,
}

/// An entry whose predecessor has not arrived yet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct PendingLink {
    pub(crate) entry_id: String,
    pub(crate) actor_id: String,
    pub(crate) prev_hash: String,
    pub(crate) ts: DateTime<Utc>,
    /// The tenant's latest entry, by event time, when this one arrived.
    pub(crate) after: Option<String>,
}

/// A run of broken links that belong to one incident: an entry whose link
/// broke, and the entries right after it whose links broke too (an edited
/// entry makes its successor's `prev_hash` point nowhere).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct BreakRun {
    pub(crate) subject_entry: String,
    pub(crate) subject_actor: String,
    pub(crate) last_entry: String,
}

/// One tenant's chain head and open questions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct TenantChain {
    /// The latest event time seen in the tenant.
    pub(crate) last_ts: DateTime<Utc>,
    /// The latest entry by event time.
    pub(crate) latest: Option<String>,
    /// The earliest event time seen in the tenant: a link waiting from
    /// then on is where the detector's knowledge of the chain begins.
    pub(crate) earliest_ts: DateTime<Utc>,
    pub(crate) pending: Vec<PendingLink>,
    pub(crate) break_run: Option<BreakRun>,
    /// The latest entries by event time, oldest first, at most
    /// [`RECENT_ENTRIES_KEPT`]: where a broken link's predecessor in time
    /// is looked up.
    pub(crate) recent: Vec<(DateTime<Utc>, String)>,
}

/// Entries per tenant kept in event-time order: a broken link is decided
/// within the link lateness, and no tenant books this many entries out of
/// order within it.
pub(crate) const RECENT_ENTRIES_KEPT: usize = 64;

/// How an entry's arrival relates to what was seen before.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Arrival {
    /// The same id with the same hash: a re-delivery, to be ignored.
    Redelivered,
    /// The same id with another hash: the entry was rewritten.
    Rewritten { original: EntryMemo },
    /// Older than the entry memory reaches: neither remembered nor linked.
    TooOld,
    /// A new entry, and how it links.
    New(Link),
}

/// How a new entry links into its tenant's chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Link {
    /// Its predecessor was seen and had no other successor.
    Linked,
    /// Its predecessor has not been seen yet.
    Waiting,
    /// Its predecessor already has another successor.
    Forked { other_entry: String },
    /// It starts the chain again although the tenant's chain already began.
    Restarted,
}

/// Why a link is broken.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum BreakReason {
    /// No entry with its `prev_hash` arrived within the lateness.
    Unlinked,
    /// Its predecessor already had another successor.
    Forked,
    /// It names the genesis hash in a chain that had already begun.
    Restarted,
}

impl BreakReason {
    /// The reason as shown in evidence.
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Self::Unlinked => "unknown_predecessor",
            Self::Forked => "predecessor_already_followed",
            Self::Restarted => "chain_restarted",
        }
    }
}

/// A link found broken: immediately for a fork or a restart, after the
/// lateness for a predecessor that never came.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct BrokenLink {
    pub(crate) tenant_id: String,
    pub(crate) entry_id: String,
    pub(crate) actor_id: String,
    pub(crate) ts: DateTime<Utc>,
    pub(crate) prev_hash: String,
    pub(crate) reason: BreakReason,
    /// The other entry that holds the predecessor's successor place.
    pub(crate) other_entry: Option<String>,
    pub(crate) after: Option<String>,
}

/// Every tenant's chain, with lookups derived from the remembered entries.
#[derive(Debug, Default)]
pub(crate) struct ChainBook {
    pub(crate) tenants: HashMap<String, TenantChain>,
    pub(crate) entries: HashMap<(String, String), EntryMemo>,
    /// `(tenant, hash)` to the entry id carrying that hash.
    by_hash: HashMap<(String, String), String>,
    /// `(tenant, prev_hash)` to the entry that holds the successor place.
    successors: HashMap<(String, String), String>,
}

impl ChainBook {
    /// Classifies an entry's arrival and, when it is new, links and
    /// remembers it. `horizon` is the oldest event time still remembered.
    pub(crate) fn observe(
        &mut self,
        entry: &LedgerEntry,
        horizon: DateTime<Utc>,
        dirty: &mut Dirty,
    ) -> Arrival {
        let key = (entry.tenant_id.clone(), entry.entry_id.clone());
        if let Some(memo) = self.entries.get(&key) {
            if memo.hash == entry.hash {
                return Arrival::Redelivered;
            }
            return Arrival::Rewritten {
                original: memo.clone(),
            };
        }
        if entry.ts < horizon {
            return Arrival::TooOld;
        }

        let link = self.link(entry);
        self.remember(entry, &link, dirty);
        Arrival::New(link)
    }

    /// Marks the tenant's state changed.
    fn touch(tenant: &str, dirty: &mut Dirty) {
        dirty.insert(StateKey::Tenant(tenant.to_owned()));
    }
}

//! Everything the login detector remembers, keyed the way it is
//! checkpointed: per user, per network and per tenant.

mod knowledge;
mod network;
mod record;
mod shared;
mod tenant;
mod user;

use std::collections::{BTreeSet, HashMap};

use chrono::{DateTime, TimeDelta, Utc};

pub(crate) use knowledge::{Facts, place_of};
pub(crate) use network::{NetAttempt, NetworkState, SlowFailure};
pub(crate) use tenant::{SprayFailure, TenantState};
pub(crate) use user::{Failure, Place, Prompt, Success, UserState};

/// How often, in event time, keys are checked for idleness. An hour keeps
/// the scan rare while letting memory follow retention closely.
const PRUNE_INTERVAL_SECS: i64 = 3600;

/// The state key of a user. Identifiers never contain `/`, so the key
/// splits back unambiguously.
pub(crate) fn user_key(tenant_id: &str, user_id: &str) -> String {
    format!("user/{tenant_id}/{user_id}")
}

/// The state key of a network given in CIDR notation.
pub(crate) fn network_key(cidr: &str) -> String {
    format!("net/{cidr}")
}

/// The state key of a tenant.
pub(crate) fn tenant_key(tenant_id: &str) -> String {
    format!("tenant/{tenant_id}")
}

/// Caps are configured as `u32`; every target this runs on has at least a
/// 32-bit `usize`, and a larger cap than memory allows is no worse.
pub(crate) fn usize_of(count: u32) -> usize {
    usize::try_from(count).unwrap_or(usize::MAX)
}

/// All per-key state, the event-time watermark, and which keys changed.
#[derive(Debug, Default)]
pub(crate) struct LoginState {
    /// The latest event time observed.
    pub(crate) watermark: Option<DateTime<Utc>>,
    pub(crate) users: HashMap<String, UserState>,
    pub(crate) networks: HashMap<String, NetworkState>,
    pub(crate) tenants: HashMap<String, TenantState>,
    /// Keys changed or dropped since the last checkpoint.
    pub(crate) dirty: BTreeSet<String>,
    next_prune_at: Option<DateTime<Utc>>,
}

impl LoginState {
    /// Moves the watermark forward to `ts`; it never goes back.
    pub(crate) fn advance(&mut self, ts: DateTime<Utc>) {
        self.watermark = Some(self.watermark.map_or(ts, |w| w.max(ts)));
    }

    /// The user an event is about, if remembered.
    pub(crate) fn user(&self, tenant_id: &str, user_id: &str) -> Option<&UserState> {
        self.users.get(&user_key(tenant_id, user_id))
    }

    /// A network, if remembered.
    pub(crate) fn network(&self, cidr: &str) -> Option<&NetworkState> {
        self.networks.get(&network_key(cidr))
    }

    /// A tenant, if remembered.
    pub(crate) fn tenant(&self, tenant_id: &str) -> Option<&TenantState> {
        self.tenants.get(&tenant_key(tenant_id))
    }

    /// Drops every key idle for longer than `retention_secs`, at most once
    /// per prune interval, and marks them dirty so their stored state is
    /// deleted. Returns whether it ran.
    pub(crate) fn prune_idle(&mut self, retention_secs: u32) -> bool {
        let Some(now) = self.watermark else {
            return false;
        };
        if self.next_prune_at.is_some_and(|at| now < at) {
            return false;
        }
        self.next_prune_at = Some(now + TimeDelta::seconds(PRUNE_INTERVAL_SECS));

        let cutoff = now - TimeDelta::seconds(i64::from(retention_secs));
        let alive = |last: Option<DateTime<Utc>>| last.is_some_and(|ts| ts >= cutoff);
        let dirty = &mut self.dirty;
        self.users
            .retain(|key, s| keep(alive(s.last_ts), key, dirty));
        self.networks
            .retain(|key, s| keep(alive(s.last_ts), key, dirty));
        self.tenants
            .retain(|key, s| keep(alive(s.last_ts), key, dirty));
        true
    }
}

/// Marks a dropped key dirty; returns whether to keep it.
fn keep(alive: bool, key: &str, dirty: &mut BTreeSet<String>) -> bool {
    if !alive {
        dirty.insert(key.to_owned());
    }
    alive
}

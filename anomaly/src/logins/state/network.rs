//! What is remembered per network: the recent attempts from it, counted as
//! they enter and leave the window so that a flood costs constant work per
//! event.

use std::collections::HashMap;
use std::net::IpAddr;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::logins::window::{Timed, Window};

/// A password attempt from the network.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct NetAttempt {
    pub(crate) ts: DateTime<Utc>,
    pub(crate) event_id: String,
    pub(crate) tenant_id: String,
    pub(crate) user_id: String,
    pub(crate) ip: IpAddr,
    pub(crate) success: bool,
    pub(crate) unknown_user: bool,
}

/// A foreign failed password from the network, kept for the slow rules.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct SlowFailure {
    pub(crate) ts: DateTime<Utc>,
    pub(crate) event_id: String,
    pub(crate) tenant_id: String,
    pub(crate) user_id: String,
    pub(crate) ip: IpAddr,
    pub(crate) redeemed: bool,
}

impl Timed for NetAttempt {
    fn ts(&self) -> DateTime<Utc> {
        self.ts
    }
}

impl Timed for SlowFailure {
    fn ts(&self) -> DateTime<Utc> {
        self.ts
    }
}

/// Counts over the attempts window, derived from it and never stored.
#[derive(Debug, Clone, Default)]
pub(crate) struct Tally {
    pub(crate) attempts: u32,
    pub(crate) failures: u32,
    pub(crate) unknown_users: u32,
    /// Failures per account, keyed `tenant/user`.
    pub(crate) accounts: HashMap<String, u32>,
    /// Failures per source address.
    pub(crate) addresses: HashMap<IpAddr, u32>,
    /// Failures per tenant.
    pub(crate) tenants: HashMap<String, u32>,
}

impl Tally {
    fn apply(&mut self, attempt: &NetAttempt, add: bool) {
        let step = |n: &mut u32| {
            *n = if add {
                n.saturating_add(1)
            } else {
                n.saturating_sub(1)
            }
        };
        step(&mut self.attempts);
        if attempt.success {
            return;
        }
        step(&mut self.failures);
        if attempt.unknown_user {
            step(&mut self.unknown_users);
        }

        let account = format!("{}/{}", attempt.tenant_id, attempt.user_id);
        bump(&mut self.accounts, account, add);
        bump(&mut self.addresses, attempt.ip, add);
        bump(&mut self.tenants, attempt.tenant_id.clone(), add);
    }
}

/// Adds or removes one from a key's count, forgetting keys that reach 0.
fn bump<K: std::hash::Hash + Eq>(counts: &mut HashMap<K, u32>, key: K, add: bool) {
    if add {
        *counts.entry(key).or_default() += 1;
    } else if let Some(n) = counts.get_mut(&key) {
        *n = n.saturating_sub(1);
        if *n == 0 {
            counts.remove(&key);
        }
    }
}

/// One network's state.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub(crate) struct NetworkState {
    /// The network in CIDR notation.
    pub(crate) cidr: String,
    pub(crate) last_ts: Option<DateTime<Utc>>,
    /// Password attempts within the stuffing window.
    attempts: Window<NetAttempt>,
    /// Foreign failures within the low-and-slow window.
    pub(crate) slow: Window<SlowFailure>,
    /// Successful logins seen from the network while it was remembered.
    pub(crate) successes_count: u32,
    /// Failed passwords seen from the network while it was remembered.
    pub(crate) failures_count: u32,
    /// The latest event time at which the network itself was the subject
    /// of an alert (stuffing, low-and-slow).
    #[serde(default)]
    pub(crate) alerted_at: Option<DateTime<Utc>>,
    #[serde(skip)]
    tally: Tally,
}

impl NetworkState {
    /// An empty state for the network `cidr`.
    pub(crate) fn new(cidr: &str) -> Self {
        Self {
            cidr: cidr.to_owned(),
            ..Self::default()
        }
    }

    /// Counts over the attempts currently in the window.
    pub(crate) fn tally(&self) -> &Tally {
        &self.tally
    }

    /// The attempts currently in the window, oldest first.
    pub(crate) fn attempts(&self) -> impl DoubleEndedIterator<Item = &NetAttempt> {
        self.attempts.iter()
    }

    /// Adds an attempt, keeping at most `cap`.
    pub(crate) fn push(&mut self, attempt: NetAttempt, cap: usize) {
        self.tally.apply(&attempt, true);
        for gone in self.attempts.insert(attempt, cap) {
            self.tally.apply(&gone, false);
        }
    }

    /// Drops attempts older than `cutoff`.
    pub(crate) fn evict_before(&mut self, cutoff: DateTime<Utc>) {
        for gone in self.attempts.evict_before(cutoff) {
            self.tally.apply(&gone, false);
        }
    }

    /// Recomputes the counts after the state was restored.
    pub(crate) fn rebuild_tally(&mut self) {
        let mut tally = Tally::default();
        for attempt in self.attempts.iter() {
            tally.apply(attempt, true);
        }
        self.tally = tally;
    }

    /// Whether the network's own users vouch for it: enough successes, and
    /// at least as many as failures.
    pub(crate) fn is_trusted(&self, min_successes: u32) -> bool {
        self.successes_count >= min_successes && self.successes_count >= self.failures_count
    }
}

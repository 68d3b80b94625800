//! Each staff actor against their own history and their peers': unusual
//! amounts, threshold splitting, off-hours work, dormant returns and
//! write-off sprees.
//!
//! Only money-moving entries (adjustments, credits, refunds, write-offs)
//! are judged: they are what an insider abuses. Every entry an actor makes
//! still teaches their working hours, and every entry they approve counts
//! as activity. Service actors (by id prefix) have no profile: a billing
//! run's midnight batch is neither a working hour nor a habit. An actor
//! whose id does not say so is still recognised as a service once it books
//! charges or payments in bulk (see `AUTOMATED_MIN_ENTRIES_PER_SECOND`).
//! Evidence an alert was raised on is never learned as normal.

mod amounts;
mod bursts;
mod dormant;
mod hours;
mod judge;
mod off_hours;
mod peers;
pub(crate) mod profile;
mod rates;
mod weekdays;

use std::collections::{BTreeSet, HashMap};

use chrono::{DateTime, Utc};
use nexzo_schemas::LedgerEntry;

use self::peers::Peers;
use self::profile::ActorProfile;
use super::config::BillingConfig;
use super::finding::Finding;
use super::keys::{Dirty, StateKey};
use super::ledger::approval::needs_approval;

/// Every actor's profile, and each tenant's staff (actors who have booked
/// money-moving entries), who are one another's peers.
#[derive(Debug, Default)]
pub(crate) struct ActorBook {
    pub(crate) profiles: HashMap<(String, String), ActorProfile>,
    pub(crate) staff: HashMap<String, BTreeSet<String>>,
}

/// Whether `actor` is a service by its id.
pub(crate) fn is_service(actor: &str, config: &BillingConfig) -> bool {
    config
        .service_actor_prefixes
        .iter()
        .any(|prefix| actor.starts_with(prefix.as_str()))
}

impl ActorBook {
    /// Judges and learns from one new entry.
    pub(crate) fn observe(
        &mut self,
        entry: &LedgerEntry,
        config: &BillingConfig,
        dirty: &mut Dirty,
    ) -> Vec<Finding> {
        self.note_approver(entry, config, dirty);
        if is_service(&entry.actor_id, config) {
            return Vec::new();
        }

        let key = (entry.tenant_id.clone(), entry.actor_id.clone());
        let mut profile = self
            .profiles
            .remove(&key)
            .unwrap_or_else(|| ActorProfile::new(entry.ts));
        profile.note_activity(entry.ts, config);
        profile.note_bulk(entry);

        let findings = if needs_approval(entry.kind) && !profile.automated {
            let peers = Peers {
                profiles: &self.profiles,
                staff: self.staff.get(&entry.tenant_id),
                tenant: &entry.tenant_id,
                me: &entry.actor_id,
                max_count: config.peer_max_count,
            };
            judge::money_moving(peers, &mut profile, entry, config)
        } else {
            Vec::new()
        };
        judge::learn_hours(&mut profile, entry, config);

        if profile.money_moving_count > 0 && !profile.automated {
            self.staff
                .entry(key.0.clone())
                .or_default()
                .insert(key.1.clone());
        }
        dirty.insert(StateKey::Actor {
            tenant: key.0.clone(),
            actor: key.1.clone(),
        });
        self.profiles.insert(key, profile);
        findings
    }

    /// An approval is activity of the approver, for dormancy.
    fn note_approver(&mut self, entry: &LedgerEntry, config: &BillingConfig, dirty: &mut Dirty) {
        let Some(approver) = entry.approver_id.as_deref() else {
            return;
        };
        if approver == entry.actor_id || is_service(approver, config) {
            return;
        }
        let key = (entry.tenant_id.clone(), approver.to_owned());
        self.profiles
            .entry(key.clone())
            .or_insert_with(|| ActorProfile::new(entry.ts))
            .note_activity(entry.ts, config);
        dirty.insert(StateKey::Actor {
            tenant: key.0,
            actor: key.1,
        });
    }
}

impl ActorBook {
    /// Forgets actors idle since before `horizon`.
    pub(crate) fn prune(&mut self, horizon: DateTime<Utc>, dirty: &mut Dirty) {
        let idle: Vec<(String, String)> = self
            .profiles
            .iter()
            .filter(|(_, profile)| profile.last_seen < horizon)
            .map(|(key, _)| key.clone())
            .collect();
        for (tenant, actor) in idle {
            self.profiles.remove(&(tenant.clone(), actor.clone()));
            if let Some(staff) = self.staff.get_mut(&tenant) {
                staff.remove(&actor);
                if staff.is_empty() {
                    self.staff.remove(&tenant);
                }
            }
            dirty.insert(StateKey::Actor { tenant, actor });
        }
    }
}

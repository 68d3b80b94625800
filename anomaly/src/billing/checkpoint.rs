//! The billing detector's state in and out of checkpoints.
//!
//! Keys (see [`StateKey`]) are `tenant/<tenant>`, `entry/<tenant>/<entry>`,
//! `account/<account>`, `actor/<tenant>/<actor>` and
//! `incident/<kind>/<tenant>/<actor>/<account>/<entry>`. Each state is
//! `{"v": 1, "state": …}`; another version is refused so that the key
//! starts cold rather than misread.

use chrono::{DateTime, Utc};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::detector::BillingDetector;
use super::keys::StateKey;
use crate::{Checkpointed, RestoreError, StateEntry};

/// The detector name in every [`StateEntry`] it hands out.
pub const DETECTOR_NAME: &str = "billing";

/// The version of every state shape below.
const STATE_VERSION: u32 = 1;

#[derive(Serialize, Deserialize)]
struct Versioned<T> {
    v: u32,
    state: T,
}

/// A state in its versioned envelope. Serialising these plain structs
/// cannot fail; were it to, the key is handed out as dropped, so a restart
/// starts it cold, as a refused restore would.
fn versioned<T: Serialize>(state: &T) -> Value {
    serde_json::to_value(Versioned {
        v: STATE_VERSION,
        state,
    })
    .unwrap_or(Value::Null)
}

fn unversioned<T: DeserializeOwned>(value: Value) -> Result<T, String> {
    let versioned: Versioned<Value> = serde_json::from_value(value).map_err(|e| e.to_string())?;
    if versioned.v != STATE_VERSION {
        return Err(format!(
            "state version {} is not {STATE_VERSION}",
            versioned.v
        ));
    }
    serde_json::from_value(versioned.state).map_err(|e| e.to_string())
}

impl Checkpointed for BillingDetector {
    fn take_dirty(&mut self) -> Vec<StateEntry> {
        let dirty = std::mem::take(&mut self.dirty);
        dirty
            .into_iter()
            .map(|key| StateEntry {
                detector: DETECTOR_NAME.to_owned(),
                state: self.state_of(&key),
                key: key.to_string(),
            })
            .collect()
    }

    fn restore(&mut self, entry: StateEntry) -> Result<(), RestoreError> {
        let refuse = |reason: String| RestoreError {
            detector: entry.detector.clone(),
            key: entry.key.clone(),
            reason,
        };
        if entry.detector != DETECTOR_NAME {
            return Err(refuse(format!("not {DETECTOR_NAME} state")));
        }
        let key = StateKey::parse(&entry.key).ok_or_else(|| refuse("unknown key".into()))?;
        if entry.state.is_null() {
            self.forget(&key);
            return Ok(());
        }
        self.put(key, entry.state.clone()).map_err(refuse)
    }
}

impl BillingDetector {
    fn state_of(&self, key: &StateKey) -> Value {
        let state = match key {
            StateKey::Tenant(tenant) => self.chain.tenants.get(tenant).map(versioned),
            StateKey::Entry { tenant, entry } => self
                .chain
                .entries
                .get(&(tenant.clone(), entry.clone()))
                .map(versioned),
            StateKey::Account(account) => self.accounts.owners.get(account).map(versioned),
            StateKey::Actor { tenant, actor } => self
                .actors
                .profiles
                .get(&(tenant.clone(), actor.clone()))
                .map(versioned),
            StateKey::Incident(incident) => self.incidents.open.get(incident).map(versioned),
        };
        state.unwrap_or(Value::Null)
    }

    /// Parses `value` for `key` and puts it in place of what is held; the
    /// detector is unchanged when it does not parse.
    fn put(&mut self, key: StateKey, value: Value) -> Result<(), String> {
        match key {
            StateKey::Tenant(tenant) => {
                let chain: super::ledger::chain::TenantChain = unversioned(value)?;
                self.bump_watermark(chain.last_ts);
                self.chain.tenants.insert(tenant, chain);
            }
            StateKey::Entry { tenant, entry } => {
                let memo = unversioned(value)?;
                self.forget(&StateKey::Entry {
                    tenant: tenant.clone(),
                    entry: entry.clone(),
                });
                self.chain.index(&tenant, &entry, &memo);
                self.chain.entries.insert((tenant, entry), memo);
            }
            StateKey::Account(account) => {
                let owner = unversioned(value)?;
                self.accounts.owners.insert(account, owner);
            }
            StateKey::Actor { tenant, actor } => {
                let profile: super::behaviour::profile::ActorProfile = unversioned(value)?;
                self.bump_watermark(profile.last_seen);
                if profile.money_moving_count > 0 && !profile.automated {
                    let staff = self.actors.staff.entry(tenant.clone()).or_default();
                    staff.insert(actor.clone());
                }
                self.actors.profiles.insert((tenant, actor), profile);
            }
            StateKey::Incident(incident) => {
                let open = unversioned(value)?;
                self.incidents.open.insert(incident, open);
            }
        }
        Ok(())
    }

    /// Drops what is held for `key`, with the lookups derived from it.
    fn forget(&mut self, key: &StateKey) {
        match key {
            StateKey::Tenant(tenant) => {
                self.chain.tenants.remove(tenant);
            }
            StateKey::Entry { tenant, entry } => {
                if let Some(memo) = self.chain.entries.remove(&(tenant.clone(), entry.clone())) {
                    self.chain.unindex(tenant, entry, &memo);
                }
            }
            StateKey::Account(account) => {
                self.accounts.owners.remove(account);
            }
            StateKey::Actor { tenant, actor } => {
                self.actors
                    .profiles
                    .remove(&(tenant.clone(), actor.clone()));
                if let Some(staff) = self.actors.staff.get_mut(tenant) {
                    staff.remove(actor);
                }
            }
            StateKey::Incident(incident) => {
                self.incidents.open.remove(incident);
            }
        }
    }

    fn bump_watermark(&mut self, ts: DateTime<Utc>) {
        self.watermark = Some(self.watermark.map_or(ts, |w| w.max(ts)));
    }
}

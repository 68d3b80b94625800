//! The detector's state as checkpoint entries: one per user
//! (`user/<tenant>/<user>`), network (`net/<cidr>`), tenant
//! (`tenant/<tenant>`), open incident (`incident/<kind>/<subject key>`),
//! and the watermark (`clock`).

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

use super::DETECTOR_NAME;
use super::detector::LoginDetector;
use crate::{Checkpointed, RestoreError, StateEntry};

/// The version of the state shape written; restore refuses others.
const STATE_VERSION: u64 = 1;

/// The key of the watermark entry.
const CLOCK_KEY: &str = "clock";

impl Checkpointed for LoginDetector {
    fn take_dirty(&mut self) -> Vec<StateEntry> {
        let mut entries = Vec::new();
        let keys: Vec<String> = std::mem::take(&mut self.state.dirty).into_iter().collect();
        for key in keys {
            let state = self.state_of(&key);
            entries.push(entry(key, state));
        }
        let incidents: Vec<String> = std::mem::take(&mut self.incidents.dirty)
            .into_iter()
            .collect();
        for key in incidents {
            let state = self
                .incidents
                .record(&key)
                .map_or(Value::Null, |r| versioned(&r));
            entries.push(entry(key, state));
        }
        if !entries.is_empty() {
            entries.push(entry(
                CLOCK_KEY.to_owned(),
                versioned(&self.state.watermark),
            ));
        }
        entries
    }

    fn restore(&mut self, entry: StateEntry) -> Result<(), RestoreError> {
        let refuse = |reason: String| RestoreError {
            detector: entry.detector.clone(),
            key: entry.key.clone(),
            reason,
        };
        if entry.detector != DETECTOR_NAME {
            return Err(refuse(format!("not the {DETECTOR_NAME} detector's state")));
        }
        let key = entry.key.clone();
        let state = entry.state.clone();
        self.restore_key(key, state).map_err(refuse)
    }
}

impl LoginDetector {
    fn state_of(&self, key: &str) -> Value {
        let state = &self.state;
        let found = match key.split_once('/').map(|(kind, _)| kind) {
            Some("user") => state.users.get(key).map(versioned),
            Some("net") => state.networks.get(key).map(versioned),
            Some("tenant") => state.tenants.get(key).map(versioned),
            _ => None,
        };
        found.unwrap_or(Value::Null)
    }

    fn restore_key(&mut self, key: String, state: Value) -> Result<(), String> {
        match key.split_once('/').map(|(kind, _)| kind) {
            Some("user") => {
                self.state.users.insert(key, unversioned(state)?);
            }
            Some("net") => {
                let mut network: super::state::NetworkState = unversioned(state)?;
                network.rebuild_tally();
                self.state.networks.insert(key, network);
            }
            Some("tenant") => {
                self.state.tenants.insert(key, unversioned(state)?);
            }
            Some("incident") => {
                self.incidents.restore(key, unversioned(state)?);
            }
            _ if key == CLOCK_KEY => {
                let restored: Option<chrono::DateTime<chrono::Utc>> = unversioned(state)?;
                self.state.watermark = self.state.watermark.max(restored);
            }
            _ => return Err("unknown key".to_owned()),
        }
        Ok(())
    }
}

fn entry(key: String, state: Value) -> StateEntry {
    StateEntry {
        detector: DETECTOR_NAME.to_owned(),
        key,
        state,
    }
}

/// The state wrapped with its shape version. Serialising these plain data
/// types cannot fail; should it ever, the key is written as null and
/// starts cold after a restart rather than stopping the pipeline.
fn versioned<T: Serialize>(state: &T) -> Value {
    serde_json::to_value(state).map_or(Value::Null, |s| json!({ "v": STATE_VERSION, "state": s }))
}

fn unversioned<T: DeserializeOwned>(value: Value) -> Result<T, String> {
    let version = value.get("v").and_then(Value::as_u64);
    if version != Some(STATE_VERSION) {
        return Err(format!("state version {version:?} is not {STATE_VERSION}"));
    }
    let state = value.get("state").cloned().unwrap_or(Value::Null);
    serde_json::from_value(state).map_err(|e| e.to_string())
}

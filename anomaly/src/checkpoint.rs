//! How detector state leaves and re-enters the crate.
//!
//! A detector keeps state per key (a meter, a user, an address, an actor)
//! and marks a key dirty when an observation changes it. The caller takes
//! the dirty keys' state after each batch and stores it in the same
//! transaction as the batch's alerts, so what is stored always matches
//! what was acknowledged; on start it gives every stored entry back.

use serde::{Deserialize, Serialize};
use thiserror::Error;

/// One key's state, serialised.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StateEntry {
    /// Which detector's state this is, e.g. `usage`, `logins`, `billing`;
    /// together with `key` it is unique.
    pub detector: String,
    /// The key within the detector, e.g. `user:t1:u-42`; opaque to callers.
    pub key: String,
    /// The state, in the detector's own versioned shape.
    pub state: serde_json::Value,
}

/// A stored entry the detector cannot use. The caller logs it and starts
/// that key cold; it never stops the pipeline.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("{detector} state for {key} cannot be restored: {reason}")]
pub struct RestoreError {
    /// The detector the entry was for.
    pub detector: String,
    /// The entry's key.
    pub key: String,
    /// Why it was refused: an unknown version, a shape that does not parse.
    pub reason: String,
}

/// A detector whose state survives restarts.
pub trait Checkpointed {
    /// The state of every key changed since the last call, and forgets that
    /// they changed. Keys the detector dropped (idle beyond its retention)
    /// are returned with a `null` state so the caller deletes them.
    fn take_dirty(&mut self) -> Vec<StateEntry>;

    /// Puts one stored entry back, replacing what the detector holds for
    /// its key.
    ///
    /// # Errors
    ///
    /// [`RestoreError`] when the entry is not this detector's or does not
    /// parse; the detector is unchanged.
    fn restore(&mut self, entry: StateEntry) -> Result<(), RestoreError>;
}

//! Streaming detectors for anomalous energy usage, billing activity and
//! logins, the alerts they raise, and the offline backtest that runs the same
//! detector code over files.
//!
//! This crate is plain code over data: no I/O, no clock, no dependency on
//! `nexzo-storage` or `nexzo-ingest`. Time is the event time of what is
//! observed. Each detector keeps its state keyed like the data (meter, user,
//! address, actor, account) and hands it out as a serde-serialisable
//! checkpoint, which the caller stores and gives back on restart so that
//! baselines stay warm.
//!
//! What it owns:
//!
//! - [`alert`]: the [`Alert`] every detector raises, with a stable identity
//!   so that one incident is one alert, updated as it goes on.
//! - [`usage`]: per-meter energy usage against its own learned pattern.
//! - [`logins`]: brute force, credential stuffing, spraying, impossible
//!   travel, MFA fatigue and their benign look-alikes.
//! - [`billing`]: ledger rules (approvals, chain, re-sent entries) and staff
//!   behaviour against their own history and their peers'.
//! - [`export`]: one credential of the query API reading far more than its
//!   own history (mass export with a leaked key).
//! - [`backtest`]: the same detectors over CSV and JSON-lines files.
//! - [`eval`]: generated labelled data sets and the precision and recall
//!   of each detector kind on them.

pub mod alert;
pub mod backtest;
pub mod billing;
pub mod checkpoint;
pub mod eval;
pub mod export;
pub mod logins;
pub mod usage;

pub use alert::{Alert, AlertKind, AlertPhase, Severity, Subject};
pub use checkpoint::{Checkpointed, RestoreError, StateEntry};

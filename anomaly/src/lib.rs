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
//! What it owns so far:
//!
//! - [`alert`]: the [`Alert`] every detector raises, with a stable identity
//!   so that one incident is one alert, updated as it goes on.
//! - [`checkpoint`]: how detector state leaves the crate and comes back.

pub mod alert;
pub mod checkpoint;

pub use alert::{Alert, AlertKind, AlertPhase, Severity, Subject};
pub use checkpoint::{Checkpointed, RestoreError, StateEntry};

//! Streaming detectors for anomalous energy usage, billing activity and
//! logins, the alerts they raise, and the offline backtest that runs the same
//! detector code over files.
//!
//! Like `nexzo-stream`, this crate is plain code over data: no I/O, no
//! dependency on storage or ingest. Detector state is checkpointed through a
//! trait the binary connects to storage.
//!
//! Nothing is implemented yet.

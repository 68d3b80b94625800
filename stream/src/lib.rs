//! Event-time stream processing over validated records: de-duplication,
//! consumption derived from cumulative meter registers, windows with a
//! watermark and allowed lateness, and the 15-minute, hourly and daily
//! rollups landlords read.
//!
//! This crate is plain code over data. It must not import `nexzo-storage` or
//! `nexzo-ingest` and must not perform I/O: what it needs persisted (window
//! and register checkpoints) it asks for through a trait that the binary
//! connects to storage.
//!
//! Nothing is implemented yet; the pipeline currently stores raw readings
//! only.

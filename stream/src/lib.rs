//! Event-time stream processing over validated records: de-duplication,
//! consumption derived from cumulative meter registers, windows with a
//! watermark and allowed lateness, and the 15-minute, hourly and daily
//! rollups landlords read.
//!
//! This crate is plain code over data. It must not import `nexzo-storage` or
//! `nexzo-ingest` and must not perform I/O: what it needs persisted (window
//! and register state) it hands out as a serde-serialisable [`Checkpoint`]
//! per meter, and the caller stores it and gives it back on restart.
//!
//! What it owns, in data-flow order:
//!
//! - [`consumption`]: per meter, the interval between two successive
//!   readings and what the register did over it — an advance, a wrap at the
//!   register's modulus, a reset or meter replacement, an implausible jump,
//!   a gap — all in integer Wh.
//! - [`apportion`]: an interval's consumption spread over the quarter-hours
//!   it overlaps, in whole Wh that add up exactly.
//! - [`window`]: per-meter quarter-hour, local-hour and local-day buckets
//!   with a watermark, corrected in full when a late reading arrives within
//!   the allowed lateness, final once nothing acceptable can change them;
//!   [`MeterStream`] for one meter, [`StreamState`] for many.
//! - [`rollup`]: sums of meters' buckets by a caller-chosen group. Property
//!   and tenant rollups in storage are the caller's SQL; this is the same
//!   arithmetic for data in memory.
//!
//! Readings arrive as [`ReadingPoint`]s (meter, time, register), made from
//! the `nexzo-schemas` [`Reading`](nexzo_schemas::Reading) the ingest stage
//! validated; power, voltage and current play no part in billing and are
//! left out.
//!
//! - [`recompute`]: a meter's buckets over a stretch of history rebuilt
//!   from its stored readings, with the same code, for readings that came
//!   too late for the live windows.
//!
//! What it does not do: decide when a source is caught up (the caller calls
//! [`MeterStream::on_idle`] only then), store readings that arrive too late
//! (it reports them as [`Outcome::TooLate`] for the caller to store raw), or
//! read history (the caller fetches the readings [`recompute::rebuild`]
//! works on).

pub mod apportion;
pub mod config;
pub mod consumption;
pub mod point;
pub mod recompute;
pub mod rollup;
pub mod state;
mod time;
pub mod window;

pub use config::{ConfigError, MeterConfig};
pub use consumption::{Consumption, Interval, Sample};
pub use point::ReadingPoint;
pub use rollup::{BucketKey, GroupKey, GroupTotal, latest, sum_by};
pub use state::{StreamState, UntrackedMeter};
pub use window::{
    BucketFlags, BucketUpdate, BucketWidth, CHECKPOINT_VERSION, Checkpoint, MeterStream, Outcome,
    Pushed, RestoreError,
};

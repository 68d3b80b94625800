//! The stream stage end to end over data: readings in, bucket upserts out.
//!
//! Scenario modules check one behaviour each with readings chosen by hand
//! and every expected bucket written out; `properties` checks the sums and
//! the order independence over random series.

#![allow(clippy::unwrap_used)] // in tests a panic is the failure report

mod checkpoint;
mod daylight_saving;
mod lateness;
mod properties;
mod recompute;
mod registers;
mod state;
mod support;

//! The billing detector, its backtest and its evaluation set, through the
//! crate's public interface. Cases are named as the sentence they check.

// The helpers of a test crate may unwrap like the tests themselves
// (clippy.toml allows it there): a panic is the failure report.
#![allow(clippy::unwrap_used)]

mod backtest;
mod behaviour;
mod chain;
mod checkpoint;
mod config;
mod evaluation;
mod incidents;
mod rules;
mod support;

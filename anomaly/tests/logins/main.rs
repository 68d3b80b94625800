//! The login detector's behaviour, its backtest, and its evaluation floor.
//! Scenarios start on a Monday morning in tenant `t1` and are named after
//! what they show.

mod backtest;
mod checkpoint;
mod config;
mod evaluation;
mod guessing;
mod lifecycle;
mod spraying;
mod support;
mod takeover;

//! `nexzo-telemetry backtest usage`: the usage detector over one series in
//! a CSV file, each row scored and flagged.
//!
//! Input: rows of `timestamp,value` (a header row is optional, further
//! columns are carried through), value being consumption per interval in
//! any unit. Timestamps are RFC 3339, `YYYY-MM-DD HH:MM:SS` (UTC) or epoch
//! seconds, detected row by row. The cadence (one minute to one day) is the
//! median step, rounded to the usual grid.
//!
//! Output: the same rows in the same order, whatever order, duplicates or
//! blanks the input had, with two columns added: `anomaly_score` (0 to 1,
//! four decimals) and `alert` (1 while an alert episode covers the row).
//! A header is always written: the input's, or `timestamp,value`.
//!
//! Rows with the same timestamp share the score of the first of them with
//! a value. A blank value scores 0; a silence of at least six hours (two
//! intervals at daily cadence) is a missing-data episode and flags the
//! blank rows inside it. A negative value is a register that ran backwards:
//! it scores 1 and opens a register-backwards episode.
//!
//! The whole series is held in memory, about 150 bytes per row: a year at
//! one-minute cadence is some 80 MB. More than [`MAX_ROWS`] rows are
//! refused.

mod cadence;
mod parse;
mod series;
mod write;

#[cfg(test)]
mod tests;

use std::io::{BufRead, Write};

use thiserror::Error;

use crate::usage::UsageConfigError;

pub use series::{EpisodeSpan, SeriesPoint, SeriesScores, score_series};
pub use write::run;

/// The most rows one backtest holds: twenty years at one-minute cadence.
pub const MAX_ROWS: usize = 10_512_000;

/// Why a usage backtest stopped. Nothing is written after an error in the
/// input; the output may hold a partial header.
#[derive(Debug, Error)]
pub enum BacktestError {
    /// The input is not readable CSV.
    #[error("cannot read the input CSV: {0}")]
    Csv(#[from] csv::Error),
    /// The output could not be written.
    #[error("cannot write the output: {0}")]
    Write(#[from] std::io::Error),
    /// A row has fewer than two columns.
    #[error("line {line}: expected `timestamp,value`")]
    Columns {
        /// 1-based line in the input.
        line: u64,
    },
    /// A timestamp in none of the accepted spellings.
    #[error(
        "line {line}: cannot read timestamp {text:?} (RFC 3339, YYYY-MM-DD HH:MM:SS or epoch seconds)"
    )]
    Timestamp {
        /// 1-based line in the input.
        line: u64,
        /// The field as read.
        text: String,
    },
    /// A value that is neither a number nor blank.
    #[error("line {line}: value {text:?} is not a number")]
    Value {
        /// 1-based line in the input.
        line: u64,
        /// The field as read.
        text: String,
    },
    /// More rows than [`MAX_ROWS`].
    #[error("more than {MAX_ROWS} rows; split the series")]
    TooManyRows,
    /// The inferred cadence is not one the detector runs at.
    #[error(transparent)]
    Config(#[from] UsageConfigError),
}

/// What a backtest saw, for the caller's closing line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BacktestSummary {
    /// Data rows read and written.
    pub rows: u64,
    /// The cadence used, in seconds.
    pub cadence_secs: u32,
    /// Alert episodes over the series.
    pub episodes: u64,
    /// Rows flagged `alert = 1`.
    pub flagged_rows: u64,
}

/// Type-erased reader and writer, as the binary passes them.
pub type Input<'a> = &'a mut dyn BufRead;
/// See [`Input`].
pub type Output<'a> = &'a mut dyn Write;

//! The mass-export detector's settings.

use serde::{Deserialize, Serialize};
use thiserror::Error;

/// Fifteen minutes: long enough that a dashboard's burst of panel loads is
/// one window, short enough that an export running at the rate limit is
/// seen within a quarter-hour.
const DEFAULT_WINDOW_SECS: u64 = 900;

/// Eight days: longer than the longest usual job period (a week) by a day,
/// so a weekly export that starts late, or an hour off after a clock
/// change, still finds last week's run in the reader's history.
const DEFAULT_HISTORY_DAYS: u32 = 8;

/// A day before a reader's own peak is trusted: a new integration's first
/// runs are checked against `cold_max_rows` instead.
const DEFAULT_WARMUP_HOURS: u32 = 24;

/// Ten times the largest window a reader has had this week: far beyond the
/// variation of dashboards and scheduled jobs, well within what a scripted
/// export reaches at the default rate limit (20 requests/s × 500 rows).
const DEFAULT_FACTOR: f64 = 10.0;

/// Windows below this many rows never alert, however quiet the reader was:
/// a resident opening a month of quarter-hours (about 3,000 rows) twice
/// must not page an analyst.
const DEFAULT_MIN_ROWS: u64 = 20_000;

/// What a reader still warming up may read in one window: about a year of
/// hourly usage for five meters.
const DEFAULT_COLD_MAX_ROWS: u64 = 50_000;

/// `[anomaly.api_export]`: when one credential of the query API reads far
/// more than it ever has.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ExportConfig {
    /// Watch the API's reads. Default: true.
    pub enabled: bool,
    /// Length of one counting window, in seconds. Default: 900.
    pub window_secs: u64,
    /// How far back a reader's peak window is remembered, in days; keep it
    /// longer than the longest period of the readers' scheduled jobs.
    /// Default: 8.
    pub history_days: u32,
    /// How long after its first read a reader's own peak is used, in
    /// hours. Default: 24.
    pub warmup_hours: u32,
    /// A window alerts above this multiple of the reader's peak. Default: 10.
    pub factor: f64,
    /// A window alerts only above this many rows. Default: 20000.
    pub min_rows: u64,
    /// Threshold for a reader still warming up; at least `min_rows`.
    /// Default: 50000.
    pub cold_max_rows: u64,
}

impl Default for ExportConfig {
    fn default() -> Self {
        Self {
            enabled: true,
            window_secs: DEFAULT_WINDOW_SECS,
            history_days: DEFAULT_HISTORY_DAYS,
            warmup_hours: DEFAULT_WARMUP_HOURS,
            factor: DEFAULT_FACTOR,
            min_rows: DEFAULT_MIN_ROWS,
            cold_max_rows: DEFAULT_COLD_MAX_ROWS,
        }
    }
}

/// Every problem found in an [`ExportConfig`], reported together.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("invalid mass-export detector config: {}", problems.join("; "))]
pub struct ExportConfigError {
    /// One sentence per problem.
    pub problems: Vec<String>,
}

impl ExportConfig {
    /// Checks every field at once.
    ///
    /// # Errors
    ///
    /// All the problems found, when there is at least one.
    pub fn validate(&self) -> Result<(), ExportConfigError> {
        let checks = [
            (!(60..=86_400).contains(&self.window_secs))
                .then(|| "window_secs must be between 60 and 86400".to_owned()),
            (!(1..=90).contains(&self.history_days))
                .then(|| "history_days must be between 1 and 90".to_owned()),
            (!(self.factor.is_finite() && self.factor > 1.0))
                .then(|| "factor must be a number above 1".to_owned()),
            (self.min_rows == 0 || self.cold_max_rows < self.min_rows).then(|| {
                "min_rows must be positive and cold_max_rows at least min_rows".to_owned()
            }),
            (self.warmup_hours > self.history_days.saturating_mul(24))
                .then(|| "warmup_hours must not exceed history_days".to_owned()),
        ];
        let problems: Vec<String> = checks.into_iter().flatten().collect();
        if problems.is_empty() {
            Ok(())
        } else {
            Err(ExportConfigError { problems })
        }
    }
}

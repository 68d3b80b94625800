//! The limits of low-and-slow guessing.

use serde::{Deserialize, Serialize};

use super::guessing::Check;

/// Guessing kept under simple rate limits over many hours: a failure every
/// 10 to 60 minutes on one account, or from one address across accounts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct LowAndSlowConfig {
    /// The window foreign failures are counted in, in seconds. Default 24
    /// hours: long enough for an hourly pace to add up.
    pub window_secs: u32,
    /// Foreign, unredeemed failures in the window. Default 6: a person
    /// locked out retries a few times and then resets the password.
    pub min_failures_count: u32,
    /// The least time between the first and last of those failures, in
    /// seconds. Default 3 hours: what makes it slow rather than a burst.
    pub min_span_secs: u32,
    /// The least median time between consecutive failures, in seconds.
    /// Default 5 minutes: what makes them paced rather than a burst, which
    /// is brute force or stuffing (and a burst followed a day later by one
    /// more failure is not slow guessing either).
    pub min_median_gap_secs: u32,
    /// Time without a new failure after which the incident closes, in
    /// seconds. Default 6 hours: the pace itself leaves gaps of an hour.
    pub quiet_secs: u32,
}

impl Default for LowAndSlowConfig {
    fn default() -> Self {
        Self {
            window_secs: 24 * 3600,
            min_failures_count: 6,
            min_span_secs: 3 * 3600,
            min_median_gap_secs: 300,
            quiet_secs: 6 * 3600,
        }
    }
}

impl LowAndSlowConfig {
    pub(crate) fn check(&self, check: Check<'_>) {
        check(
            self.window_secs > 0,
            "low_and_slow.window_secs must be positive",
        );
        check(
            self.min_failures_count > 1,
            "low_and_slow.min_failures_count must be at least 2",
        );
        check(
            self.min_span_secs < self.window_secs,
            "low_and_slow.min_span_secs must be shorter than window_secs",
        );
        check(
            self.min_median_gap_secs < self.min_span_secs,
            "low_and_slow.min_median_gap_secs must be shorter than min_span_secs",
        );
        check(
            self.quiet_secs > 0,
            "low_and_slow.quiet_secs must be positive",
        );
    }
}

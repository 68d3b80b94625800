//! One incident, one alert: hysteresis between an anomaly score and the
//! alert that reports it.
//!
//! An episode opens when the score reaches `open_score`. While it lasts,
//! observations at or above `close_score` keep it going and re-publish it
//! at most every `update_interval_secs` (sooner when its severity rises).
//! It closes once the score has stayed below `close_score` for both
//! `close_quiet_count` observations and `close_quiet_secs`; the closed
//! alert's `last_seen` is the last observation that was part of it.

use chrono::{DateTime, TimeDelta, Utc};
use serde::{Deserialize, Serialize};

use super::config::UsageConfig;
use crate::alert::{Alert, Severity};

/// Scores at or above this are Medium severity; below, Low. Usage
/// anomalies cost money, not safety, so none is urgent by score alone.
const MEDIUM_SEVERITY_SCORE: f64 = 0.95;

/// The thresholds of the hysteresis, from the config.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Hysteresis {
    /// Score that opens an episode.
    pub(crate) open: f64,
    /// Score below which an episode cools.
    pub(crate) close: f64,
    quiet_count: u32,
    quiet: TimeDelta,
    update_every: TimeDelta,
}

impl Hysteresis {
    /// The thresholds `config` sets.
    pub(crate) fn new(config: &UsageConfig) -> Self {
        Self {
            open: config.open_score,
            close: config.close_score,
            quiet_count: config.close_quiet_count,
            quiet: TimeDelta::seconds(config.close_quiet_secs.into()),
            update_every: TimeDelta::seconds(config.update_interval_secs.into()),
        }
    }
}

/// The severity of a usage anomaly with this score.
pub(crate) fn severity(score: f64) -> Severity {
    if score >= MEDIUM_SEVERITY_SCORE {
        Severity::Medium
    } else {
        Severity::Low
    }
}

/// An open incident of one meter.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct Episode {
    /// The alert as last published, or as it would be published now.
    pub(crate) alert: Alert,
    /// The last observation at or above `close_score`.
    pub(crate) last_hot: DateTime<Utc>,
    /// Observations below `close_score` since `last_hot`.
    pub(crate) quiet: u32,
    /// When the alert was last published.
    pub(crate) published: DateTime<Utc>,
}

impl Episode {
    /// An episode whose opening alert has just been published.
    pub(crate) fn start(alert: Alert) -> Self {
        Self {
            last_hot: alert.ts,
            published: alert.ts,
            quiet: 0,
            alert,
        }
    }

    /// An observation that keeps the episode going. Returns the alert when
    /// it is due to be re-published; `evidence` is asked for only when the
    /// score is a new peak.
    pub(crate) fn hot(
        &mut self,
        ts: DateTime<Utc>,
        score: f64,
        rules: &Hysteresis,
        evidence: impl FnOnce() -> serde_json::Value,
    ) -> Option<Alert> {
        self.last_hot = ts;
        self.quiet = 0;
        let rises = severity(score) > self.alert.severity;
        let peak = score > self.alert.score;
        let mut alert =
            self.alert
                .clone()
                .updated(ts, self.alert.score.max(score), severity(score));
        if peak {
            alert = alert.with_evidence(evidence());
        }
        self.alert = alert;
        let due = rises || ts - self.published >= rules.update_every;
        due.then(|| {
            self.published = ts;
            self.alert.clone()
        })
    }

    /// An observation below `close_score`; true when the episode is over.
    pub(crate) fn cool(&mut self, ts: DateTime<Utc>, rules: &Hysteresis) -> bool {
        self.quiet = self.quiet.saturating_add(1);
        self.quiet >= rules.quiet_count && ts - self.last_hot >= rules.quiet
    }

    /// The closing alert, ended at the last observation that was part of
    /// the episode.
    pub(crate) fn close(self) -> Alert {
        let last_hot = self.last_hot;
        self.alert.closed(last_hot)
    }
}

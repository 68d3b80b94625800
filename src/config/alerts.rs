//! `[alerts]`: where detector alerts go besides TimescaleDB.

use serde::{Deserialize, Serialize};

/// Notification services want an alert within seconds, and one query per
/// second against a partial index of unpublished rows costs nothing.
const DEFAULT_PUBLISH_INTERVAL_MS: u64 = 1_000;

/// `[alerts]`: alerts are always stored; with `kafka_topic` set they are
/// also produced to Kafka (at least once, keyed by alert id, every change
/// of an alert as a new record) for notification services.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct AlertsConfig {
    /// The topic alerts are produced to, on the brokers of `[kafka]`.
    /// Default: none (alerts are only stored).
    pub kafka_topic: Option<String>,
    /// How often, in milliseconds, stored alert changes not yet produced
    /// are looked for. Default: 1000.
    pub publish_interval_ms: u64,
}

impl Default for AlertsConfig {
    fn default() -> Self {
        Self {
            kafka_topic: None,
            publish_interval_ms: DEFAULT_PUBLISH_INTERVAL_MS,
        }
    }
}

impl AlertsConfig {
    /// Every problem with these settings.
    pub fn problems(&self) -> Vec<String> {
        let mut problems = Vec::new();
        if self.kafka_topic.as_deref().is_some_and(str::is_empty) {
            problems.push("alerts.kafka_topic: must not be empty".into());
        }
        if self.publish_interval_ms < 10 {
            problems.push("alerts.publish_interval_ms: must be at least 10".into());
        }
        problems
    }
}

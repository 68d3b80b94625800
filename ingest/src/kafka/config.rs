//! Configuration of the Kafka source (`[kafka]` in the configuration file).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// The Kafka source's settings. Every field has a default; the source is off
/// unless `enabled` is set.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct KafkaSourceConfig {
    /// Consume from Kafka at all. Default: false (MQTT only), so that the
    /// zero-setup default needs no Kafka broker.
    pub enabled: bool,
    /// Bootstrap brokers, comma separated. Default: `127.0.0.1:19092`, the
    /// local test broker.
    pub brokers: String,
    /// Consumer group. Pipeline instances in one group split the partitions
    /// between them. Default: `nexzo-telemetry`.
    pub group_id: String,
    /// Which topic carries which contract; a kind left out is not consumed.
    pub topics: KafkaTopics,
    /// How long, in ms, the group waits for a silent member before giving
    /// its partitions to the others. Default: 10000.
    pub session_timeout_ms: u64,
    /// Further librdkafka properties, passed through unchecked (for example
    /// `security.protocol`). Default: none.
    pub librdkafka: BTreeMap<String, String>,
}

/// Topic names per record kind.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct KafkaTopics {
    /// Meter readings (the meter-reading contract). Default: `meter-readings`.
    pub readings: Option<String>,
    /// OriginFD integration events. Default: `originfd-events`.
    pub originfd: Option<String>,
    /// Ledger entries from the billing service. Default: `ledger-entries`.
    pub ledger: Option<String>,
    /// Login events from the auth service. Default: `auth-logins`.
    pub logins: Option<String>,
}

impl Default for KafkaTopics {
    fn default() -> Self {
        Self {
            readings: Some("meter-readings".into()),
            originfd: Some("originfd-events".into()),
            ledger: Some("ledger-entries".into()),
            logins: Some("auth-logins".into()),
        }
    }
}

impl KafkaTopics {
    /// Every configured topic.
    pub fn names(&self) -> Vec<&str> {
        [&self.readings, &self.originfd, &self.ledger, &self.logins]
            .into_iter()
            .flatten()
            .map(String::as_str)
            .collect()
    }
}

impl Default for KafkaSourceConfig {
    fn default() -> Self {
        Self {
            enabled: false,
            brokers: "127.0.0.1:19092".into(),
            group_id: "nexzo-telemetry".into(),
            topics: KafkaTopics::default(),
            session_timeout_ms: 10_000,
            librdkafka: BTreeMap::new(),
        }
    }
}

/// Properties this source sets itself; overriding them would break the
/// delivery contract.
const RESERVED_PROPERTIES: &[&str] = &[
    "enable.auto.commit",
    "enable.auto.offset.store",
    "group.id",
    "bootstrap.servers",
];

impl KafkaSourceConfig {
    /// Every problem with these settings, for reporting all at once.
    pub fn problems(&self) -> Vec<String> {
        let mut problems = Vec::new();
        if !self.enabled {
            return problems;
        }
        if self.brokers.trim().is_empty() {
            problems.push("kafka.brokers: must name at least one broker".into());
        }
        if self.group_id.is_empty() {
            problems.push("kafka.group_id: must not be empty".into());
        }
        let names = self.topics.names();
        if names.is_empty() {
            problems.push("kafka.topics: name at least one topic".into());
        }
        let mut sorted = names.clone();
        sorted.sort_unstable();
        sorted.dedup();
        if sorted.len() != names.len() {
            problems.push("kafka.topics: each kind needs a topic of its own".into());
        }
        if !(1000..=300_000).contains(&self.session_timeout_ms) {
            problems.push("kafka.session_timeout_ms: must be 1000 to 300000".into());
        }
        for key in self
            .librdkafka
            .keys()
            .filter(|k| RESERVED_PROPERTIES.contains(&k.as_str()))
        {
            problems.push(format!(
                "kafka.librdkafka.{key}: set by the pipeline itself"
            ));
        }
        problems
    }
}

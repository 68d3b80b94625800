//! The pipeline's configuration: one TOML file plus environment overrides.
//!
//! Every field has a named default, so an empty file (or none) is a valid
//! configuration for the local services the project's scripts start.
//! Unknown keys are errors. All problems are collected and reported
//! together, before anything starts. Secrets print masked.

mod alerts;
mod anomaly;
mod database;
mod load;
mod stream;

use chrono::TimeDelta;
use nexzo_ingest::kafka::KafkaSourceConfig;
use nexzo_ingest::mqtt::MqttSourceConfig;
use nexzo_ingest::webhook::WebhookConfig;
use nexzo_ingest::{IngestRules, RecordKind};
use serde::{Deserialize, Serialize};

pub use alerts::AlertsConfig;
pub use anomaly::AnomalyConfig;
pub use database::DatabaseConfig;
pub use load::load;
pub use nexzo_api::ApiConfig;
pub use stream::StreamConfig;

/// The whole configuration file.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Config {
    pub mqtt: MqttSourceConfig,
    pub kafka: KafkaSourceConfig,
    pub webhook: WebhookConfig,
    pub database: DatabaseConfig,
    pub ingest: IngestConfig,
    pub writer: WriterConfig,
    pub stream: StreamConfig,
    pub anomaly: AnomalyConfig,
    pub alerts: AlertsConfig,
    pub api: ApiConfig,
    pub runtime: RuntimeConfig,
}

/// `[ingest]`: the rules every payload passes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct IngestConfig {
    /// Payloads larger than this many bytes are quarantined undecoded. A
    /// gateway batch of the contract's maximum 1,000 readings is about
    /// 130 KiB. Default: 262144 (256 KiB).
    pub max_payload_bytes: usize,
    /// Readings stamped further than this many seconds ahead of the
    /// pipeline's clock are quarantined as `future_timestamp`. Default: 300.
    pub max_clock_skew_secs: u64,
    /// How often, in ms, the meter registry is checked for changes; a newly
    /// registered or deactivated meter takes effect within this time.
    /// Default: 2000.
    pub registry_refresh_ms: u64,
    /// Messages held between the source and the validating stage. When it is
    /// full the source stops reading from the broker (backpressure). Worst
    /// case memory is this times `max_payload_bytes`. Default: 1024.
    pub queue_capacity_messages: usize,
}

impl Default for IngestConfig {
    fn default() -> Self {
        Self {
            max_payload_bytes: 256 * 1024,
            max_clock_skew_secs: 300,
            registry_refresh_ms: 2000,
            queue_capacity_messages: 1024,
        }
    }
}

/// `[writer]`: how records are batched into transactions.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct WriterConfig {
    /// A batch is written once it holds this many rows (readings plus
    /// quarantine entries). Larger batches amortise each commit; smaller
    /// ones acknowledge sooner. Default: 5000.
    pub batch_max_rows: usize,
    /// A batch goes to the writer this many ms after its first record
    /// arrived, however small it is, or as soon as the batch before it has
    /// been taken if that one is still waiting. Batches grow while the
    /// writer is busy anyway, so a short linger costs little throughput and
    /// keeps publish-to-commit latency low: 20 ms gave a p99 of 110 ms at
    /// half load in the end-to-end benchmark, 50 ms gave 167 ms.
    /// Default: 20.
    pub linger_ms: u64,
    /// First delay, in ms, before retrying a failed write; doubles up to
    /// `retry_max_ms`, with jitter. Default: 100.
    pub retry_min_ms: u64,
    /// Longest delay between retries of a failed write, in ms. Default: 10000.
    pub retry_max_ms: u64,
}

impl Default for WriterConfig {
    fn default() -> Self {
        Self {
            batch_max_rows: 5000,
            linger_ms: 20,
            retry_min_ms: 100,
            retry_max_ms: 10_000,
        }
    }
}

/// `[runtime]`: process-level settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct RuntimeConfig {
    /// How long, in ms, a graceful shutdown may spend draining in-flight
    /// batches. Past it the process exits anyway; whatever was not
    /// acknowledged is redelivered by the broker later. Default: 30000.
    pub shutdown_timeout_ms: u64,
    /// Address of the operator's endpoints (`/healthz`, `/readyz`,
    /// `/metrics` for Prometheus), such as `127.0.0.1:9464`. Default: none
    /// (no endpoint), so that several pipelines can share a machine without
    /// choosing ports.
    pub ops_listen: Option<String>,
    /// `json` for structured logs (one object per line), `text` for people
    /// at a terminal. Default: `json`.
    pub log_format: LogFormat,
}

impl Default for RuntimeConfig {
    fn default() -> Self {
        Self {
            shutdown_timeout_ms: 30_000,
            ops_listen: None,
            log_format: LogFormat::Json,
        }
    }
}

/// The log line format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    Json,
    Text,
}

/// The most rows one batch may be configured to hold: past this a single
/// transaction holds locks and memory for long with no gain in throughput.
const MAX_BATCH_ROWS: usize = 100_000;

/// The longest linger allowed: acknowledgements wait this long at most,
/// and a broker's redelivery timers are measured in tens of seconds.
const MAX_LINGER_MS: u64 = 10_000;

/// The largest clock skew that may be configured: a week. Beyond that the
/// check means nothing.
const MAX_CLOCK_SKEW_SECS: u64 = 7 * 24 * 3600;

impl Config {
    /// The ingest rules these settings describe.
    pub fn ingest_rules(&self) -> IngestRules {
        let skew =
            i64::try_from(self.ingest.max_clock_skew_secs.min(MAX_CLOCK_SKEW_SECS)).unwrap_or(0);
        let topics = &self.kafka.topics;
        let kafka_topics = [
            (&topics.readings, RecordKind::Readings),
            (&topics.originfd, RecordKind::OriginFd),
            (&topics.ledger, RecordKind::Ledger),
            (&topics.logins, RecordKind::Logins),
        ]
        .into_iter()
        .filter_map(|(topic, kind)| topic.clone().map(|t| (t, kind)))
        .collect();
        IngestRules {
            max_payload_bytes: self.ingest.max_payload_bytes,
            max_clock_skew: TimeDelta::seconds(skew),
            topic_prefix: self.mqtt.topic_prefix.clone(),
            kafka_topics,
        }
    }

    /// Every semantic problem (values of the right type but out of range or
    /// inconsistent).
    pub fn problems(&self) -> Vec<String> {
        let mut problems = self.mqtt.problems();
        problems.extend(self.kafka.problems());
        problems.extend(self.webhook.problems());
        if !self.mqtt.enabled && !self.kafka.enabled && self.webhook.listen.is_none() {
            problems.push(
                "mqtt.enabled, kafka.enabled, webhook.listen: enable at least one source".into(),
            );
        }
        if self.webhook.listen.is_some()
            && self.webhook.max_body_bytes > self.ingest.max_payload_bytes
        {
            problems
                .push("webhook.max_body_bytes: must be at most ingest.max_payload_bytes".into());
        }
        problems.extend(self.database.problems());
        let ingest = &self.ingest;
        if ingest.max_payload_bytes == 0 || ingest.max_payload_bytes > self.mqtt.max_packet_bytes {
            problems.push(
                "ingest.max_payload_bytes: must be positive and at most mqtt.max_packet_bytes"
                    .into(),
            );
        }
        if ingest.max_clock_skew_secs > MAX_CLOCK_SKEW_SECS {
            problems.push(format!(
                "ingest.max_clock_skew_secs: must be at most {MAX_CLOCK_SKEW_SECS}"
            ));
        }
        if ingest.registry_refresh_ms < 100 {
            problems.push("ingest.registry_refresh_ms: must be at least 100".into());
        }
        if ingest.queue_capacity_messages == 0 {
            problems.push("ingest.queue_capacity_messages: must be positive".into());
        }
        let writer = &self.writer;
        if !(1..=MAX_BATCH_ROWS).contains(&writer.batch_max_rows) {
            problems.push(format!(
                "writer.batch_max_rows: must be 1 to {MAX_BATCH_ROWS}"
            ));
        }
        if writer.linger_ms > MAX_LINGER_MS {
            problems.push(format!("writer.linger_ms: must be at most {MAX_LINGER_MS}"));
        }
        if writer.retry_min_ms == 0 || writer.retry_min_ms > writer.retry_max_ms {
            problems.push(
                "writer.retry_min_ms: must be positive and at most writer.retry_max_ms".into(),
            );
        }
        problems.extend(self.stream.problems());
        problems.extend(self.anomaly.problems());
        problems.extend(self.alerts.problems());
        problems.extend(self.api.problems());
        if let Some(addr) = &self.runtime.ops_listen
            && addr.parse::<std::net::SocketAddr>().is_err()
        {
            problems.push(format!(
                "runtime.ops_listen: {addr:?} is not an address such as 127.0.0.1:9464"
            ));
        }
        problems
    }
}

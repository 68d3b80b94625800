//! The consumer loop of the Kafka source.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use chrono::Utc;
use nexzo_schemas::{SourcePosition, Transport};
use rdkafka::ClientConfig;
use rdkafka::consumer::{Consumer, StreamConsumer};
use rdkafka::message::{BorrowedMessage, Message};
use tokio::sync::mpsc;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;
use tracing::{info, warn};

use super::KafkaAcker;
use super::config::KafkaSourceConfig;
use super::context::{Context, Shared};
use crate::envelope::{AckToken, Envelope};
use crate::health::Readiness;

/// Pause after a consumer error before reading again: librdkafka reconnects
/// by itself, this only keeps a persistent failure from spinning.
const ERROR_PAUSE: Duration = Duration::from_secs(1);

/// How often librdkafka reports consumer lag: often enough for a dashboard,
/// rare enough that the JSON it parses costs nothing.
const LAG_STATISTICS_INTERVAL_MS: &str = "5000";

/// How long a fetch may wait at the broker for records. librdkafka's 500 ms
/// default is a throughput setting: a broker that holds each fetch for the
/// whole wait (the local test broker does) adds up to that much to every
/// record's publish-to-commit time, most of a dashboard's latency budget.
/// An idle consumer pays for this with ten fetches a second per broker.
pub const FETCH_WAIT_MAX_MS: &str = "100";

/// A subscribed consumer, not yet reading.
#[allow(missing_debug_implementations)] // StreamConsumer has no Debug
pub struct KafkaSource {
    consumer: Arc<StreamConsumer<Context>>,
    shared: Shared,
}

impl KafkaSource {
    /// Creates the consumer, subscribes to the configured topics and starts
    /// the acknowledger.
    ///
    /// # Errors
    ///
    /// librdkafka refused the configuration or the subscription.
    pub fn new(config: &KafkaSourceConfig) -> Result<(Self, KafkaAcker, JoinHandle<()>), String> {
        let mut client = ClientConfig::new();
        // Lag statistics every few seconds and short fetch waits, unless the
        // operator chose.
        client.set("statistics.interval.ms", LAG_STATISTICS_INTERVAL_MS);
        client.set("fetch.wait.max.ms", FETCH_WAIT_MAX_MS);
        for (key, value) in &config.librdkafka {
            client.set(key, value);
        }
        client
            .set("bootstrap.servers", &config.brokers)
            .set("group.id", &config.group_id)
            .set("enable.auto.commit", "false")
            .set("enable.auto.offset.store", "false")
            .set("auto.offset.reset", "earliest")
            .set("session.timeout.ms", config.session_timeout_ms.to_string());

        let shared = Shared::default();
        let consumer: StreamConsumer<Context> = client
            .create_with_context(Context {
                shared: shared.clone(),
            })
            .map_err(|e| format!("creating the Kafka consumer: {e}"))?;
        consumer
            .subscribe(&config.topics.names())
            .map_err(|e| format!("subscribing to Kafka topics: {e}"))?;
        info!(topics = ?config.topics.names(), group = %config.group_id, "kafka source subscribed");

        let consumer = Arc::new(consumer);
        let (acker, task) = KafkaAcker::spawn(consumer.clone(), shared.clone());
        Ok((Self { consumer, shared }, acker, task))
    }

    /// The consumer's state, for readiness checks.
    pub fn readiness(&self) -> Readiness {
        self.shared.ready.clone()
    }

    /// Reads records into `tx` until `shutdown`. Consumer errors are logged
    /// and reading resumes; they are never fatal.
    pub async fn run(self, tx: mpsc::Sender<Envelope>, shutdown: CancellationToken) {
        // Topic names are shared by every record of a topic; one allocation
        // each instead of one per record.
        let mut topics = TopicNames::default();
        loop {
            let received = tokio::select! {
                biased;
                () = shutdown.cancelled() => break,
                received = self.consumer.recv() => received,
            };
            let envelope = match received {
                Ok(message) => {
                    self.shared.ready.set(true);
                    self.envelope(&message, &mut topics)
                }
                Err(err) => {
                    self.shared.ready.set(false);
                    warn!(cause = %err, "kafka consumer error; continuing");
                    tokio::time::sleep(ERROR_PAUSE).await;
                    continue;
                }
            };
            let sent = tokio::select! {
                sent = tx.send(envelope) => sent.is_ok(),
                () = shutdown.cancelled() => false,
            };
            if !sent {
                break;
            }
        }
        info!("kafka source stopped reading");
    }

    /// Copies the record out and notes it as in flight.
    fn envelope(&self, message: &BorrowedMessage<'_>, topics: &mut TopicNames) -> Envelope {
        let topic = topics.get(message.topic());
        let partition = (topic.clone(), message.partition());
        let offset = message.offset();
        let assignment = {
            let mut tracker = self.shared.tracker();
            let assignment = tracker.assignment_of(&partition).unwrap_or(0);
            tracker.read(&partition, offset, assignment);
            assignment
        };
        Envelope {
            payload: message
                .payload()
                .map(Bytes::copy_from_slice)
                .unwrap_or_default(),
            position: SourcePosition {
                transport: Transport::Kafka,
                topic: topic.clone(),
                partition: Some(message.partition()),
                offset: Some(offset),
            },
            received_at: Utc::now(),
            ack: AckToken::Kafka {
                topic,
                partition: message.partition(),
                offset,
                assignment,
            },
        }
    }
}

/// The consumed topics' names, each allocated once.
#[derive(Debug, Default)]
struct TopicNames(HashMap<String, Arc<str>>);

impl TopicNames {
    fn get(&mut self, name: &str) -> Arc<str> {
        if let Some(shared) = self.0.get(name) {
            return shared.clone();
        }
        let shared: Arc<str> = Arc::from(name);
        self.0.insert(name.to_owned(), shared.clone());
        shared
    }
}

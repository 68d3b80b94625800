//! The local Kafka-protocol broker: topics, a producer that waits for every
//! delivery, and the group's committed offsets.

use std::time::Duration;

use rdkafka::admin::{AdminClient, AdminOptions, NewTopic, TopicReplication};
use rdkafka::client::DefaultClientContext;
use rdkafka::consumer::{BaseConsumer, Consumer};
use rdkafka::producer::{FutureProducer, FutureRecord};
use rdkafka::{ClientConfig, Offset, TopicPartitionList};

/// How long broker calls in tests may take.
const BROKER_TIMEOUT: Duration = Duration::from_secs(30);

/// The broker the project's scripts start.
pub fn brokers() -> String {
    std::env::var("NEXZO_TEST_KAFKA_BROKERS").unwrap_or_else(|_| "127.0.0.1:19092".into())
}

/// Creates a topic with `partitions` partitions.
pub async fn create_topic(name: &str, partitions: i32) {
    let admin: AdminClient<DefaultClientContext> = ClientConfig::new()
        .set("bootstrap.servers", brokers())
        .create()
        .expect("admin client");
    let topic = NewTopic::new(name, partitions, TopicReplication::Fixed(1));
    let results = admin
        .create_topics([&topic], &AdminOptions::new())
        .await
        .expect("create topic");
    for result in results {
        result.unwrap_or_else(|(topic, err)| panic!("creating topic {topic}: {err}"));
    }
}

/// Produces every `(key, payload)` to `topic` and waits until the broker
/// has acknowledged all of them. Keys choose the partition.
pub async fn produce(topic: &str, records: Vec<(String, Vec<u8>)>) {
    let producer: FutureProducer = ClientConfig::new()
        .set("bootstrap.servers", brokers())
        .set("enable.idempotence", "false")
        .set("linger.ms", "5")
        .create()
        .expect("producer");
    let deliveries: Vec<_> = records
        .iter()
        .map(|(key, payload)| {
            producer
                .send_result(FutureRecord::to(topic).key(key).payload(payload))
                .expect("queue record")
        })
        .collect();
    for delivery in deliveries {
        delivery
            .await
            .expect("delivery future")
            .map_err(|(e, _)| e)
            .expect("broker accepted the record");
    }
}

/// For each partition of `topic`: (the group's committed offset, the
/// partition's end offset).
pub fn committed_and_end(group: &str, topic: &str, partitions: i32) -> Vec<(i64, i64)> {
    let consumer: BaseConsumer = ClientConfig::new()
        .set("bootstrap.servers", brokers())
        .set("group.id", group)
        .create()
        .expect("consumer");
    let mut list = TopicPartitionList::new();
    for p in 0..partitions {
        list.add_partition(topic, p);
    }
    let committed = consumer
        .committed_offsets(list, BROKER_TIMEOUT)
        .expect("committed offsets");
    (0..partitions)
        .map(|p| {
            let offset = committed
                .find_partition(topic, p)
                .map(|e| e.offset())
                .unwrap_or(Offset::Invalid);
            let committed = match offset {
                Offset::Offset(o) => o,
                _ => -1,
            };
            let (_, high) = consumer
                .fetch_watermarks(topic, p, BROKER_TIMEOUT)
                .expect("watermarks");
            (committed, high)
        })
        .collect()
}

/// Reads `topic` from the beginning until `until` is satisfied by what was
/// read, or [`super::PATIENCE`] runs out; returns `(key, payload)` records.
pub async fn consume_until(
    topic: &str,
    until: impl Fn(&[(String, Vec<u8>)]) -> bool,
) -> Vec<(String, Vec<u8>)> {
    use rdkafka::Message;
    use rdkafka::consumer::StreamConsumer;

    let consumer: StreamConsumer = ClientConfig::new()
        .set("bootstrap.servers", brokers())
        .set("group.id", super::unique_name("reader"))
        .set("auto.offset.reset", "earliest")
        .set("enable.auto.commit", "false")
        .create()
        .expect("consumer");
    consumer.subscribe(&[topic]).expect("subscribe");
    let mut records = Vec::new();
    let deadline = tokio::time::Instant::now() + super::PATIENCE;
    while !until(&records) {
        let next = tokio::time::timeout_at(deadline, consumer.recv()).await;
        let Ok(Ok(message)) = next else {
            panic!("{topic}: gave up after {} records", records.len());
        };
        let key = String::from_utf8_lossy(message.key().unwrap_or_default()).into_owned();
        records.push((key, message.payload().unwrap_or_default().to_vec()));
    }
    records
}

//! Kafka: a producer that notes when each record left, and the transport
//! ceiling, a consumer that only counts.

use std::sync::Arc;
use std::time::{Duration, Instant};

use nexzo_ingest::kafka::FETCH_WAIT_MAX_MS;
use rdkafka::consumer::{BaseConsumer, Consumer};
use rdkafka::error::{KafkaError, RDKafkaErrorCode};
use rdkafka::producer::{FutureProducer, FutureRecord};
use rdkafka::{ClientConfig, Offset, TopicPartitionList};

use crate::latency::{Pacer, SendLog};
use crate::support::kafka::brokers;
use crate::support::{PATIENCE, unique_name};

/// How long the producer waits before retrying when librdkafka's local
/// queue is full: the queue drains at broker speed, so a short nap is
/// enough.
const QUEUE_FULL_NAP: Duration = Duration::from_millis(1);

/// How long one consumer poll may wait for a record.
const CONSUMER_POLL: Duration = Duration::from_millis(100);

/// Produces `count` records to `topic`, record `i` being `record(i)` as
/// `(key, payload)`, and returns the instant the broker had acknowledged
/// every one.
///
/// With `per_second`, records are paced; with `sends`, each record's send
/// instant is noted when librdkafka accepts it into its queue (not when it
/// reaches the socket, which the client does not report), so it is early
/// by up to `linger_ms` plus any queueing in the producer.
pub(crate) async fn produce(
    topic: &str,
    count: usize,
    record: impl Fn(usize) -> (String, Vec<u8>),
    linger_ms: u32,
    per_second: Option<f64>,
    sends: Option<Arc<SendLog>>,
) -> Instant {
    let producer: FutureProducer = ClientConfig::new()
        .set("bootstrap.servers", brokers())
        .set("enable.idempotence", "false")
        .set("linger.ms", linger_ms.to_string())
        .create()
        .expect("a Kafka producer");
    let pacer = per_second.map(Pacer::new);

    let mut deliveries = Vec::with_capacity(count);
    for index in 0..count {
        if let Some(pacer) = &pacer {
            pacer.wait_for(index).await;
        }
        let (key, payload) = record(index);
        let mut next = FutureRecord::to(topic).key(&key).payload(&payload);
        let delivery = loop {
            match producer.send_result(next) {
                Ok(delivery) => break delivery,
                Err((KafkaError::MessageProduction(RDKafkaErrorCode::QueueFull), back)) => {
                    next = back;
                    tokio::time::sleep(QUEUE_FULL_NAP).await;
                }
                Err((err, _)) => panic!("queueing a record: {err}"),
            }
        };
        if let Some(sends) = &sends {
            sends.mark(index);
        }
        deliveries.push(delivery);
    }

    for delivery in deliveries {
        let result = delivery
            .await
            .expect("the producer outlives its deliveries");
        result
            .map_err(|(err, _)| err)
            .expect("the broker took the record");
    }
    Instant::now()
}

/// Reads `topic` from the beginning of each of its `partitions` until
/// `count` records arrived, and returns how long that took from the
/// assignment. The consumer has a group of its own and assigns the
/// partitions itself: joining a group takes seconds that say nothing about
/// reading speed, and the pipeline's run is timed from its assignment too.
/// It blocks its thread.
pub(crate) fn count_records(topic: &str, partitions: i32, count: usize) -> Duration {
    let consumer: BaseConsumer = ClientConfig::new()
        .set("bootstrap.servers", brokers())
        .set("group.id", unique_name("bench-ceiling"))
        .set("enable.auto.commit", "false")
        // Fetches wait at the broker as long as the pipeline's do, so the
        // ceiling differs from the pipeline only in what it does with records.
        .set("fetch.wait.max.ms", FETCH_WAIT_MAX_MS)
        .create()
        .expect("a Kafka consumer");
    let mut list = TopicPartitionList::new();
    for partition in 0..partitions {
        list.add_partition_offset(topic, partition, Offset::Beginning)
            .unwrap();
    }

    let started = Instant::now();
    consumer.assign(&list).expect("assign the partitions");
    let (mut received, mut first) = (0, None);
    while received < count {
        match consumer.poll(CONSUMER_POLL) {
            Some(Ok(_)) => {
                received += 1;
                first = first.or_else(|| Some(started.elapsed()));
            }
            Some(Err(err)) => panic!("the ceiling consumer failed: {err}"),
            None => {}
        }
        assert!(
            started.elapsed() < PATIENCE,
            "the ceiling consumer saw {received} of {count}"
        );
    }
    let elapsed = started.elapsed();
    eprintln!(
        "e2e: the ceiling consumer's first record came {:?} after the assignment, the last {elapsed:?}",
        first.unwrap_or_default()
    );
    elapsed
}

//! The Kafka runs: a backlog on four partitions read by the pipeline and by
//! a consumer that only counts (the transport ceiling), and a paced live
//! stream on one partition for latency.

use std::time::{Duration, Instant};

use crate::kafka::{count_records, produce};
use crate::latency::{self, SendLog};
use crate::outcome::{Batches, Delivery, RunOutcome, peak_rss_bytes};
use crate::support::kafka::create_topic;
use crate::support::pipeline::{Pipeline, Settings};
use crate::support::{PATIENCE, TestDb, unique_name};
use crate::workload::{Clock, fleet_db, meter, production_settings, single_payload};

/// Partitions of the backlog topic: as many as a small deployment would
/// spread over a few `process` instances.
const BACKLOG_PARTITIONS: i32 = 4;

/// The backlog producer's linger: batching, as any bulk producer would.
const BACKLOG_LINGER_MS: u32 = 5;

/// The live producer batches for 5 ms, as a production producer would:
/// sending every record at once (linger 0), the local broker took only
/// about 9,000 records a second, below the pace asked of it, and the wait
/// in the producer's queue then swamped the pipeline's latency. A record's
/// send instant is taken as it enters that queue, so its latency includes
/// up to this linger.
const LIVE_LINGER_MS: u32 = 5;

/// How often the backlog run counts the table's rows. Counting is heavier
/// than the latency poll's index lookup, so it runs less often; the end of
/// the run is known to within this interval plus one count.
const COUNT_INTERVAL: Duration = Duration::from_millis(20);

/// The backlog: `readings` records (one reading each, keyed by meter)
/// produced to a fresh four-partition topic before anything reads it. The
/// ceiling consumer reads it first, then the pipeline. Returns the
/// pipeline's run and the ceiling in readings per second.
pub(crate) async fn backlog(server_url: &str, clock: Clock, readings: usize) -> (RunOutcome, f64) {
    let topic = unique_name("bench");
    create_topic(&topic, BACKLOG_PARTITIONS).await;
    let record = move |i| (meter(i), single_payload(clock, i));
    produce(&topic, readings, record, BACKLOG_LINGER_MS, None, None).await;

    let counted = topic.clone();
    let ceiling_time =
        tokio::task::spawn_blocking(move || count_records(&counted, BACKLOG_PARTITIONS, readings))
            .await
            .unwrap();
    #[allow(clippy::cast_precision_loss)]
    let ceiling = readings as f64 / ceiling_time.as_secs_f64();

    let db = fleet_db(server_url).await;
    let pipeline = Pipeline::start(&kafka_settings(&db, &topic)).await;
    let started = Instant::now();
    let finished = wait_for_rows(&db, readings).await;
    let peak_rss_bytes = peak_rss_bytes(pipeline.pid());
    let batches = Batches::from_log(&pipeline.logs());
    drop(pipeline);

    let name = "kafka 1/record, 4-partition backlog";
    let mut outcome = RunOutcome::new(name, readings, readings, (started, finished));
    outcome.peak_rss_bytes = peak_rss_bytes;
    outcome.batches = batches;
    outcome.delivery = Delivery::check(&db, clock, readings).await;
    (outcome, ceiling)
}

/// A live stream on a fresh one-partition topic, produced at `per_second`
/// while the pipeline runs, so that order holds and latency is measurable.
pub(crate) async fn live(
    server_url: &str,
    clock: Clock,
    readings: usize,
    per_second: f64,
) -> RunOutcome {
    let topic = unique_name("bench-live");
    create_topic(&topic, 1).await;
    let db = fleet_db(server_url).await;
    let pipeline = Pipeline::start(&kafka_settings(&db, &topic)).await;
    let sends = SendLog::new(readings);

    let watcher = tokio::spawn(latency::watch(
        db.url.clone(),
        clock,
        readings,
        1,
        sends.clone(),
    ));
    let record = move |i| (meter(i), single_payload(clock, i));
    let producing = Some(sends.clone());
    let produced = produce(
        &topic,
        readings,
        record,
        LIVE_LINGER_MS,
        Some(per_second),
        producing,
    )
    .await;
    let watched = watcher.await.unwrap();
    let peak_rss_bytes = peak_rss_bytes(pipeline.pid());
    let batches = Batches::from_log(&pipeline.logs());
    drop(pipeline);

    let span = (sends.get(0).unwrap(), watched.finished);
    let name = "kafka 1/record, 1 partition, paced";
    let mut outcome = RunOutcome::new(name, readings, readings, span);
    outcome.published_seconds = Some(produced.duration_since(span.0).as_secs_f64());
    outcome.offered_per_second = Some(per_second);
    outcome.latency = Some(watched.latency);
    outcome.peak_rss_bytes = peak_rss_bytes;
    outcome.batches = batches;
    outcome.delivery = Delivery::check(&db, clock, readings).await;
    outcome
}

fn kafka_settings(db: &TestDb, topic: &str) -> Settings {
    production_settings(&db.url).with_kafka(&unique_name("group"), &[("readings", topic)])
}

/// Counts rows until `readings` are visible; returns that instant.
async fn wait_for_rows(db: &TestDb, readings: usize) -> Instant {
    let client = db.client().await;
    let expected = i64::try_from(readings).unwrap();
    let started = Instant::now();
    loop {
        let row = client
            .query_one("SELECT count(*) FROM readings", &[])
            .await
            .unwrap();
        if row.get::<_, i64>(0) >= expected {
            return Instant::now();
        }
        assert!(
            started.elapsed() < PATIENCE,
            "the Kafka backlog never fully landed"
        );
        tokio::time::sleep(COUNT_INTERVAL).await;
    }
}

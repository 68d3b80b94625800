//! End-to-end throughput of the Kafka → TimescaleDB path, against the local
//! services (`deploy/local/services.sh up` first, then
//! `eval "$(deploy/local/services.sh env)"; cargo bench --bench kafka_e2e`).
//!
//! Produces N readings to a 4-partition topic first, then starts the
//! pipeline and reports committed readings per second from its partition
//! assignment until the last reading is visible in the table, with offsets committed only
//! after each database commit as in production. This is a measurement, not a
//! test: it asserts nothing about speed.

#![allow(clippy::unwrap_used, clippy::print_stdout)] // a benchmark's failure report is a panic; its output is the point

#[path = "../tests/support/mod.rs"]
mod support;

use std::time::Instant;

use support::kafka::{create_topic, produce};
use support::pipeline::{Pipeline, Settings};
use support::publish::{reading, ts};
use support::{TestDb, database_url, unique_name, wait_for_count};

const METERS: usize = 100;
const READINGS: usize = 100_000;
const PARTITIONS: i32 = 4;

#[tokio::main]
async fn main() {
    let db = TestDb::create(&database_url()).await;
    db.register_fleet("m", METERS, ("t", "p"), None).await;

    let topic = unique_name("bench");
    create_topic(&topic, PARTITIONS).await;
    let records: Vec<_> = (0..READINGS)
        .map(|i| {
            let meter = format!("m-{}", i % METERS);
            let minute = i64::try_from(i / METERS).unwrap();
            (meter.clone(), reading(&meter, &ts(minute), minute))
        })
        .collect();
    produce(&topic, records).await;

    // Timed from the group assignment: joining the group takes seconds that
    // say nothing about throughput.
    let settings =
        Settings::new(&db.url).with_kafka(&unique_name("group"), &[("readings", &topic)]);
    let _pipeline = Pipeline::start(&settings).await;
    let started = Instant::now();
    wait_for_count(
        &db,
        "SELECT count(*) FROM readings",
        i64::try_from(READINGS).unwrap(),
    )
    .await;
    let seconds = started.elapsed().as_secs_f64();
    #[allow(clippy::cast_precision_loss)]
    let rate = READINGS as f64 / seconds;
    println!("shape                      readings   seconds   readings/s");
    println!(
        "{:<26} {READINGS:>8} {seconds:>9.2} {rate:>12.0}",
        "kafka, one per record"
    );
}

//! End-to-end throughput of the MQTT → TimescaleDB path, against the local
//! services (`deploy/local/services.sh up` first, then
//! `eval "$(deploy/local/services.sh env)"; cargo bench --bench mqtt_e2e`).
//!
//! Publishes N readings at QoS 1 as fast as one publisher goes, once as one
//! reading per message and once as gateway batches of 100, and reports the
//! committed readings per second: from the first publish to the moment the
//! last reading is visible in the table. Acknowledgements still wait for
//! each commit, as in production. This is a measurement, not a test: it
//! asserts nothing about speed.

#![allow(clippy::unwrap_used, clippy::print_stdout)] // a benchmark's failure report is a panic; its output is the point

#[path = "../tests/support/mod.rs"]
mod support;

use std::time::Instant;

use support::pipeline::{Pipeline, Settings};
use support::publish::{publish_all, reading, ts};
use support::{TestDb, database_url, wait_for_count};

const METERS: usize = 100;
const READINGS: usize = 100_000;
const BATCH: usize = 100;

#[tokio::main]
async fn main() {
    println!("shape                      readings   seconds   readings/s");
    single_readings().await;
    gateway_batches().await;
}

async fn fleet_db() -> TestDb {
    let db = TestDb::create(&database_url()).await;
    let names: Vec<String> = (0..METERS).map(|m| format!("m-{m}")).collect();
    let rows: Vec<_> = names
        .iter()
        .map(|n| (n.as_str(), "t", "p", Some("gw"), true))
        .collect();
    db.register(&rows).await;
    db
}

async fn single_readings() {
    let db = fleet_db().await;
    let settings = Settings::new(&db.url);
    let _pipeline = Pipeline::start(&settings).await;
    let messages: Vec<_> = (0..READINGS)
        .map(|i| {
            let meter = format!("m-{}", i % METERS);
            let minute = i64::try_from(i / METERS).unwrap();
            (
                settings.meter_topic(&meter),
                reading(&meter, &ts(minute), minute),
            )
        })
        .collect();
    measure("one reading per message", &db, messages, READINGS).await;
}

async fn gateway_batches() {
    let db = fleet_db().await;
    let settings = Settings::new(&db.url);
    let _pipeline = Pipeline::start(&settings).await;
    let messages: Vec<_> = (0..READINGS / BATCH)
        .map(|b| {
            let items: Vec<String> = (0..BATCH)
                .map(|k| {
                    let i = b * BATCH + k;
                    let minute = i64::try_from(i / METERS).unwrap();
                    format!(
                        r#"{{"meter_id":"m-{}","ts":"{}","energy_wh":{minute}}}"#,
                        i % METERS,
                        ts(minute)
                    )
                })
                .collect();
            let payload = format!(r#"{{"schema_version":1,"readings":[{}]}}"#, items.join(","));
            (settings.gateway_topic("gw"), payload.into_bytes())
        })
        .collect();
    measure("gateway batches of 100", &db, messages, READINGS).await;
}

async fn measure(shape: &str, db: &TestDb, messages: Vec<(String, Vec<u8>)>, readings: usize) {
    let started = Instant::now();
    publish_all(messages).await;
    wait_for_count(
        db,
        "SELECT count(*) FROM readings",
        i64::try_from(readings).unwrap(),
    )
    .await;
    let seconds = started.elapsed().as_secs_f64();
    #[allow(clippy::cast_precision_loss)]
    let rate = readings as f64 / seconds;
    println!("{shape:<26} {readings:>8} {seconds:>9.2} {rate:>12.0}");
}

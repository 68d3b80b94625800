//! End-to-end throughput of the MQTT → TimescaleDB path, against the local
//! services (`deploy/local/services.sh up` first, then
//! `eval "$(deploy/local/services.sh env)"; cargo bench --bench mqtt_e2e`).
//!
//! Publishes N readings at QoS 1 as fast as one publisher goes, once as one
//! reading per message and once as gateway batches of 100, and reports the
//! committed readings per second: from the first publish to the moment the
//! last reading is visible in the table. Acknowledgements still wait for
//! each commit, as in production. This is a measurement, not a test: it
//! asserts nothing about speed. The same run measures the transport's
//! ceiling for single-reading messages (a subscriber that only counts) and
//! prints the pipeline's share of it.

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
    let ceiling = raw_subscriber().await;
    let pipeline = single_readings().await;
    gateway_batches().await;
    println!(
        "one reading per message: pipeline / transport ceiling = {:.2}",
        pipeline / ceiling
    );
}

/// The transport ceiling for one reading per message: a subscriber that
/// only counts what the broker delivers (QoS 1, acknowledged at once), fed
/// by the same publisher as the pipeline runs.
async fn raw_subscriber() -> f64 {
    let settings = Settings::new("unused");
    let (host, port) = support::mqtt_address();
    let mut options = rumqttc::MqttOptions::new(support::unique_name("ceiling"), host, port);
    options.set_max_packet_size(1 << 20, 1 << 20);
    let (client, mut eventloop) = rumqttc::AsyncClient::new(options, 100);
    let filter = format!("{}/meters/+/readings", settings.topic_prefix);
    client
        .subscribe(filter, rumqttc::QoS::AtLeastOnce)
        .await
        .unwrap();
    loop {
        if let rumqttc::Event::Incoming(rumqttc::Incoming::SubAck(_)) =
            eventloop.poll().await.unwrap()
        {
            break;
        }
    }

    let started = Instant::now();
    let publisher = tokio::spawn(publish_all(single_messages(&settings)));
    let mut received = 0;
    while received < READINGS {
        if let rumqttc::Event::Incoming(rumqttc::Incoming::Publish(_)) =
            eventloop.poll().await.unwrap()
        {
            received += 1;
        }
    }
    let seconds = started.elapsed().as_secs_f64();
    publisher.await.unwrap();
    report("raw subscriber (ceiling)", READINGS, seconds)
}

fn single_messages(settings: &Settings) -> Vec<(String, Vec<u8>)> {
    (0..READINGS)
        .map(|i| {
            let meter = format!("m-{}", i % METERS);
            let minute = i64::try_from(i / METERS).unwrap();
            (
                settings.meter_topic(&meter),
                reading(&meter, &ts(minute), minute),
            )
        })
        .collect()
}

fn report(shape: &str, readings: usize, seconds: f64) -> f64 {
    #[allow(clippy::cast_precision_loss)]
    let rate = readings as f64 / seconds;
    println!("{shape:<26} {readings:>8} {seconds:>9.2} {rate:>12.0}");
    rate
}

async fn fleet_db() -> TestDb {
    let db = TestDb::create(&database_url()).await;
    db.register_fleet("m", METERS, ("t", "p"), Some("gw")).await;
    db
}

async fn single_readings() -> f64 {
    let db = fleet_db().await;
    let settings = Settings::new(&db.url);
    let _pipeline = Pipeline::start(&settings).await;
    measure(
        "one reading per message",
        &db,
        single_messages(&settings),
        READINGS,
    )
    .await
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

async fn measure(
    shape: &str,
    db: &TestDb,
    messages: Vec<(String, Vec<u8>)>,
    readings: usize,
) -> f64 {
    let started = Instant::now();
    publish_all(messages).await;
    wait_for_count(
        db,
        "SELECT count(*) FROM readings",
        i64::try_from(readings).unwrap(),
    )
    .await;
    report(shape, readings, started.elapsed().as_secs_f64())
}

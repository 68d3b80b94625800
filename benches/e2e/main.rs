//! The end-to-end benchmark: the pipeline binary against the real local
//! services, with the ceilings it is compared to measured in the same run.
//!
//! ```text
//! bash deploy/local/services.sh up
//! eval "$(bash deploy/local/services.sh env)"
//! cargo bench --bench e2e                          # N = 100000
//! NEXZO_BENCH_READINGS=5000 cargo bench --bench e2e # a quick look
//! ```
//!
//! Runs, each on a fresh database, pipeline process and topic, with the
//! pipeline's production defaults (writer linger 20 ms, batches up to 5000
//! rows, acknowledgements only after the commit):
//!
//! 1. the database ceiling: one binary COPY of the N rows into `readings`;
//! 2. MQTT, one reading per message: a QoS 1 subscriber that only counts
//!    (the transport ceiling), then the pipeline, both fed as fast as one
//!    publisher with 200 messages in flight is acknowledged;
//! 3. the same for gateway batches of 100 readings per message;
//! 4. Kafka, one reading per record: a backlog produced to a 4-partition
//!    topic before anything reads it, read by a consumer that only counts
//!    (the transport ceiling), then by the pipeline, timed from its
//!    partition assignment;
//! 5. for latency, MQTT one reading per message paced at half the rate of
//!    run 2, and Kafka on one partition, produced live at the same rate so
//!    that the two transports' latencies compare (half the backlog rate of
//!    run 4 turned out more than one partition sustains live);
//! 6. MQTT paced as in 5 on the chaos cluster, which is frozen (SIGSTOP to
//!    every process) 2 s after the first publish and thawed 30 s later:
//!    memory under backpressure, and whether every reading landed once.
//!
//! Rates are committed readings per second, first publish to last reading
//! visible in the table. Latency is publish to commit, per reading, in an
//! HDR histogram: see [`latency`] for the method; its resolution (one poll
//! interval, about 2 ms, plus one query round trip; every value is an upper
//! bound) is printed with the figures. Memory is the pipeline process's
//! VmHWM at the end of each run (and, in run 6, just before the thaw).
//! Each run also reports what landed (every reading exactly once, nothing
//! quarantined), how fast the broker took the publisher's messages, and
//! the writer's commits as its debug log tells them. Results go to stdout
//! as tables and to `$CARGO_TARGET_DIR/bench/e2e.json` (or `target/`; the
//! path is printed).
//!
//! This is a measurement, not a test: it asserts nothing about speed, and
//! panics only when the services are missing or a run never completes.
//!
//! Known shortcomings:
//! - Everything shares the machine: publisher, broker, database, pipeline
//!   and the latency poller (about 500 small queries a second) compete for
//!   the same cores, so the pipeline's figures include that interference
//!   and the ceilings are measured without it.
//! - The publisher is one rumqttc client that writes and flushes every
//!   message separately; a faster publisher would raise both the MQTT
//!   ceiling and, possibly, the pipeline's rate.
//! - The Kafka backlog run starts its clock when the pipeline's log shows
//!   the assignment, which the scaffolding polls every 50 ms.
//! - The backlog run's end is found by counting rows every 20 ms, so it is
//!   known to about 20 ms plus one count. Both Kafka readers need about a
//!   second from assignment to first record, which dominates a small N.
//! - Latency in the full-speed runs is mostly queueing: the publisher
//!   outruns the pipeline, so those percentiles describe draining a queue,
//!   not the pipeline under a load it sustains; the paced runs do that.
//! - A Kafka record's send instant is taken when librdkafka queues it, so
//!   its latency includes the producer's 5 ms linger, and any wait in the
//!   producer's queue whenever the broker takes records slower than they
//!   are offered (the output shows both rates).
//! - Run 6 publishes for a fixed 37 s at its pace, so its size follows the
//!   measured rate, not N.
//! - Every run leaves its database behind, as the integration tests do;
//!   `deploy/local/timescaledb.sh drop-test-databases main|chaos` clears
//!   them.
//! - Latency relies on commit order equalling publish order; it would read
//!   too low if the pipeline ever committed out of order (it has one
//!   writer, so it does not today).

#![allow(clippy::unwrap_used, clippy::print_stdout)] // a benchmark's failure report is a panic; its output is the point

#[path = "../../tests/support/mod.rs"]
mod support;

mod copy;
mod kafka;
mod latency;
mod mqtt;
mod outcome;
mod pause;
mod report;
mod run_kafka;
mod run_mqtt;
mod workload;

use std::time::Duration;

use outcome::RunOutcome;
use report::{Machine, Ratio, Report};
use run_mqtt::{Freeze, MqttRun};
use workload::{Clock, GATEWAY_BATCH, Shape};

/// Readings per throughput run unless NEXZO_BENCH_READINGS says otherwise:
/// enough that start-up and the last linger are a few per cent of a run.
const DEFAULT_READINGS: usize = 100_000;

/// When the database freezes, after the first publish: long enough for
/// the pipeline to be in its steady state.
const FREEZE_AFTER: Duration = Duration::from_secs(2);

/// How long the database stays frozen.
const FREEZE_HOLD: Duration = Duration::from_secs(30);

/// How long publishing goes on after the thaw, so that the pipeline catches
/// up while new readings still arrive.
const FREEZE_TAIL: Duration = Duration::from_secs(5);

const LATENCY_METHOD: &str = "publish (MQTT: packet flushed to the socket; Kafka: record \
    queued in librdkafka) to the first poll of SELECT max(ts) FROM readings, every ~2 ms, \
    that shows the reading; ts = base + publish index seconds and commits follow publish \
    order, so a poll that sees index k commits every index <= k; upper bound, late by at \
    most one poll interval plus one query round trip";

#[tokio::main]
async fn main() {
    let readings = readings_from_env();
    let (clock, mut machine) = (Clock::new(), Machine::now());
    let server = support::database_url();
    eprintln!("e2e: N = {readings}, load {}", machine.load_at_start);

    let full = full_speed(&server, clock, readings).await;
    let paced = paced(&server, clock, readings, &full).await;

    machine.load_at_end = report::load_average();
    let report = Report {
        machine,
        readings,
        latency_method: LATENCY_METHOD,
        ratios: full.ratios,
        runs: full.runs.into_iter().chain(paced).collect(),
    };
    report.print();
    println!("\nJSON: {}", report.write_json().display());
}

/// The runs at full speed and the ceilings they are compared to.
#[derive(Debug)]
struct FullSpeed {
    /// MQTT single, MQTT gateway, Kafka backlog, in that order.
    runs: Vec<RunOutcome>,
    ratios: Vec<Ratio>,
}

async fn full_speed(server: &str, clock: Clock, readings: usize) -> FullSpeed {
    step("COPY ceiling");
    let copy = copy::copy_ceiling(server, clock, readings).await;

    step("MQTT, one reading per message");
    let name = "mqtt 1/message, max rate";
    let single_ceiling = run_mqtt::ceiling(Shape::Single, clock, readings).await;
    let single = run_mqtt::pipeline(fastest(name, Shape::Single, server, readings), clock).await;

    step("MQTT, gateway batches");
    let name = "mqtt gateway 100/message, max rate";
    let gateway_ceiling = run_mqtt::ceiling(Shape::Gateway, clock, readings).await;
    let gateway = run_mqtt::pipeline(fastest(name, Shape::Gateway, server, readings), clock).await;

    step("Kafka backlog");
    let (kafka, kafka_ceiling) = run_kafka::backlog(server, clock, readings).await;

    let ratios = vec![
        Ratio::new(
            "mqtt 1/message",
            single.readings_per_second,
            single_ceiling,
            copy,
        ),
        Ratio::new(
            "mqtt gateway 100/message",
            gateway.readings_per_second,
            gateway_ceiling,
            copy,
        ),
        Ratio::new(
            "kafka 1/record, backlog",
            kafka.readings_per_second,
            kafka_ceiling,
            copy,
        ),
    ];
    FullSpeed {
        runs: vec![single, gateway, kafka],
        ratios,
    }
}

/// The runs at half the full-speed MQTT rate: latency, then the frozen
/// database.
async fn paced(server: &str, clock: Clock, readings: usize, full: &FullSpeed) -> Vec<RunOutcome> {
    step("paced runs, for latency");
    let half_mqtt = full.runs[0].readings_per_second / 2.0;
    let mqtt = run_mqtt::pipeline(paced_run(server, readings, half_mqtt), clock).await;
    let kafka = run_kafka::live(server, clock, readings, half_mqtt).await;

    step("the frozen database (about a minute)");
    let frozen = run_mqtt::pipeline(frozen_run(half_mqtt), clock).await;
    vec![mqtt, kafka, frozen]
}

/// Progress on stderr: the runs take minutes.
fn step(what: &str) {
    eprintln!("e2e: {what}");
}

/// N from NEXZO_BENCH_READINGS, a whole number of gateway batches.
fn readings_from_env() -> usize {
    let readings = std::env::var("NEXZO_BENCH_READINGS").map_or(DEFAULT_READINGS, |v| {
        v.parse().expect("NEXZO_BENCH_READINGS is a count")
    });
    assert!(
        readings >= GATEWAY_BATCH && readings % GATEWAY_BATCH == 0,
        "NEXZO_BENCH_READINGS must be a positive multiple of {GATEWAY_BATCH}"
    );
    readings
}

fn fastest(name: &str, shape: Shape, server: &str, readings: usize) -> MqttRun {
    MqttRun {
        name: name.to_owned(),
        server_url: server.to_owned(),
        shape,
        readings,
        per_second: None,
        freeze: None,
    }
}

fn paced_run(server: &str, readings: usize, per_second: f64) -> MqttRun {
    MqttRun {
        name: "mqtt 1/message, half max rate".to_owned(),
        per_second: Some(per_second),
        ..fastest("", Shape::Single, server, readings)
    }
}

/// The backpressure run: as long as the freeze needs, whatever N is.
fn frozen_run(per_second: f64) -> MqttRun {
    let seconds = (FREEZE_AFTER + FREEZE_HOLD + FREEZE_TAIL).as_secs_f64();
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    // a positive count of readings
    let readings = (per_second * seconds) as usize;
    let chaos = std::env::var("NEXZO_TEST_CHAOS_DATABASE_URL")
        .expect("NEXZO_TEST_CHAOS_DATABASE_URL: run eval \"$(bash deploy/local/services.sh env)\"");
    MqttRun {
        name: "mqtt 1/message, half rate, db frozen 30 s".to_owned(),
        per_second: Some(per_second),
        freeze: Some(Freeze {
            pgdata: pause::chaos_pgdata(),
            after: FREEZE_AFTER,
            hold: FREEZE_HOLD,
        }),
        ..fastest("", Shape::Single, &chaos, readings)
    }
}

//! The ingest decision per reading: decode, validate against the contract,
//! check the clock and the meter allowlist. No network, no database.
//!
//! `cargo bench --bench ingest_decide`. Throughput is reported in readings
//! per second, for single-reading messages and for gateway batches of 100.

#![allow(clippy::unwrap_used)] // a benchmark's failure report is a panic

use std::collections::HashMap;
use std::sync::Arc;

use bytes::Bytes;
use chrono::{TimeDelta, Utc};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use nexzo_ingest::validate::Input;
use nexzo_ingest::{IngestRules, MeterInfo, Outcome, Registry};
use nexzo_schemas::{SourcePosition, Transport};

const METERS: usize = 10_000;

fn registry() -> Registry {
    let tenant: Arc<str> = Arc::from("tenant-a");
    let property: Arc<str> = Arc::from("prop-1");
    let gateway: Arc<str> = Arc::from("gw-1");
    let meters = (0..METERS)
        .map(|m| {
            let info = MeterInfo {
                tenant_id: tenant.clone(),
                property_id: property.clone(),
                gateway_id: Some(gateway.clone()),
                active: true,
                time_zone: None,
            };
            (format!("meter-{m:05}"), info)
        })
        .collect();
    Registry::new(meters, HashMap::new())
}

fn rules() -> IngestRules {
    IngestRules {
        max_payload_bytes: 256 * 1024,
        max_clock_skew: TimeDelta::minutes(5),
        topic_prefix: String::new(),
        kafka_topics: HashMap::new(),
    }
}

fn position(topic: &str) -> SourcePosition {
    SourcePosition {
        transport: Transport::Mqtt,
        topic: Arc::from(topic),
        partition: None,
        offset: None,
    }
}

fn reading_json(meter: usize, minute: usize) -> String {
    format!(
        r#"{{"meter_id":"meter-{meter:05}","ts":"2026-11-01T{:02}:{:02}:00Z","energy_wh":{},"power_w":812.5,"voltage_v":231.2}}"#,
        (minute / 60) % 24,
        minute % 60,
        1_000_000 + minute * 37
    )
}

/// Benchmarks deciding on one `payload` published on `topic`, which holds
/// `readings` readings, all of them accepted.
fn bench_decide(c: &mut Criterion, name: &str, topic: &str, payload: String, readings: usize) {
    let (rules, registry, now) = (rules(), registry(), Utc::now());
    let payload = Bytes::from(payload);
    let position = position(topic);
    let mut out = Vec::with_capacity(readings);

    let mut group = c.benchmark_group("ingest_decide");
    group.throughput(Throughput::Elements(readings as u64));
    group.bench_function(name, |b| {
        b.iter(|| {
            out.clear();
            let input = Input {
                payload: &payload,
                position: &position,
                item_index: None,
                received_at: now,
            };
            rules.check(input, &registry, now, &mut out);
            assert!(out.len() == readings && matches!(out[0], Outcome::Accepted(_)));
        });
    });
    group.finish();
}

fn bench_single(c: &mut Criterion) {
    let payload = format!("{{\"schema_version\":1,{}", &reading_json(42, 90)[1..]);
    bench_decide(
        c,
        "single reading per message",
        "meters/meter-00042/readings",
        payload,
        1,
    );
}

fn bench_batch(c: &mut Criterion) {
    let items: Vec<String> = (0..100).map(|i| reading_json(i * 37 % METERS, i)).collect();
    let payload = format!(
        "{{\"schema_version\":1,\"readings\":[{}]}}",
        items.join(",")
    );
    bench_decide(
        c,
        "gateway batch of 100 readings",
        "gateways/gw-1/readings",
        payload,
        100,
    );
}

criterion_group!(benches, bench_single, bench_batch);
criterion_main!(benches);

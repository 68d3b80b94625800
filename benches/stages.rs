//! The per-record cost of each processing stage behind validation, one
//! core, no network, no database:
//!
//! - `stream_window`: a reading through its meter's windows (consumption,
//!   apportioning, quarter-hour, hour and local-day buckets, watermark).
//! - `usage_detector`: one settled quarter-hour scored and learned.
//! - `login_detector`, `billing_detector`: one event of the labelled
//!   evaluation streams (their mix of normal traffic and attacks).
//! - `export_detector`: one reader's window of API reads.
//! - `copy_encoding`: one reading encoded as the binary COPY row the
//!   writer sends (the same nine columns and types).
//!
//! `cargo bench --bench stages`; throughput is in records per second.

#![allow(clippy::unwrap_used)] // a benchmark's failure report is a panic

use std::collections::BTreeMap;
use std::sync::Arc;

use bytes::{BufMut, BytesMut};
use chrono::{DateTime, TimeDelta, TimeZone, Utc};
use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};
use nexzo_anomaly::billing::{BillingConfig, BillingDetector};
use nexzo_anomaly::export::{Credential, ExportConfig, ExportDetector, Reader};
use nexzo_anomaly::logins::{LoginConfig, LoginDetector};
use nexzo_anomaly::usage::{MeterRef, UsageConfig, UsageDetector, UsageObservation};
use nexzo_storage::readings::COPY_TYPES;
use nexzo_stream::{MeterConfig, MeterStream};
use tokio_postgres::types::{IsNull, ToSql};

/// Readings pushed per iteration batch: one meter's five weeks at one
/// reading a minute is more than any batch holds, so the windows reach
/// their steady state of closing as many buckets as they open.
const READINGS: i64 = 50_000;

fn start() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 1, 0, 0, 0).unwrap()
}

fn bench_stream_window(c: &mut Criterion) {
    let readings: Vec<(DateTime<Utc>, i64)> = (0..READINGS)
        .map(|i| (start() + TimeDelta::minutes(i), 1_000_000 + i * 7 + i % 5))
        .collect();
    let mut group = c.benchmark_group("stream_window");
    group.throughput(Throughput::Elements(READINGS as u64));
    group.bench_function("one reading a minute, in order", |b| {
        b.iter_batched(
            || MeterStream::new("m-1", MeterConfig::default(), chrono_tz::Europe::Berlin).unwrap(),
            |mut stream| {
                for &(ts, wh) in &readings {
                    stream.push(ts, wh);
                }
                stream
            },
            BatchSize::LargeInput,
        );
    });
    group.finish();
}

/// Eight weeks of quarter-hours with a daily shape and a weekend bump.
fn usage_series() -> Vec<UsageObservation> {
    let meter = MeterRef::new("t-1", "m-1").in_property("p-1");
    (0..8 * 7 * 96)
        .map(|i: i64| {
            let hour = (i % 96) as f64 / 4.0;
            let weekend = if (i / 96) % 7 >= 5 { 1.3 } else { 1.0 };
            let daily = 120.0 + 80.0 * (std::f64::consts::TAU * (hour - 7.0) / 24.0).sin();
            let wobble = ((i * 7919) % 23) as f64;
            let start = start() + TimeDelta::minutes(15 * i);
            UsageObservation::new(meter.clone(), start, daily * weekend + wobble)
        })
        .collect()
}

fn bench_usage_detector(c: &mut Criterion) {
    let series = usage_series();
    let mut group = c.benchmark_group("usage_detector");
    group.throughput(Throughput::Elements(series.len() as u64));
    group.bench_function("eight weeks of quarter-hours, one meter", |b| {
        b.iter_batched(
            || UsageDetector::new(UsageConfig::default()).unwrap(),
            |mut detector| {
                for observation in &series {
                    detector.observe(observation);
                }
                detector
            },
            BatchSize::LargeInput,
        );
    });
    group.finish();
}

fn bench_login_detector(c: &mut Criterion) {
    let events = nexzo_anomaly::eval::logins::generate(7).events;
    let mut group = c.benchmark_group("login_detector");
    group.throughput(Throughput::Elements(events.len() as u64));
    group.sample_size(10);
    group.bench_function("the labelled evaluation stream", |b| {
        b.iter_batched(
            || LoginDetector::new(LoginConfig::default()).unwrap(),
            |mut detector| {
                for event in &events {
                    detector.observe(event);
                }
                detector
            },
            BatchSize::LargeInput,
        );
    });
    group.finish();
}

fn bench_billing_detector(c: &mut Criterion) {
    let entries = nexzo_anomaly::eval::billing::labelled_set(7).entries;
    let mut group = c.benchmark_group("billing_detector");
    group.throughput(Throughput::Elements(entries.len() as u64));
    group.sample_size(10);
    group.bench_function("the labelled evaluation stream", |b| {
        b.iter_batched(
            || BillingDetector::new(BillingConfig::default()).unwrap(),
            |mut detector| {
                for entry in &entries {
                    detector.observe(entry);
                }
                detector
            },
            BatchSize::LargeInput,
        );
    });
    group.finish();
}

fn bench_export_detector(c: &mut Criterion) {
    const READERS: usize = 1_000;
    const WINDOWS: i64 = 96;
    let counts: BTreeMap<Reader, u64> = (0..READERS)
        .map(|i| {
            let reader = Reader {
                tenant_id: format!("t-{}", i % 10),
                credential: Credential::ApiKey(format!("k-{i}")),
            };
            (reader, 200 + (i as u64 % 50))
        })
        .collect();
    let mut group = c.benchmark_group("export_detector");
    group.throughput(Throughput::Elements(READERS as u64 * WINDOWS as u64));
    group.sample_size(10);
    group.bench_function("a day of windows, 1000 readers", |b| {
        b.iter_batched(
            || ExportDetector::new(ExportConfig::default()).unwrap(),
            |mut detector| {
                for w in 0..WINDOWS {
                    detector.observe_window(start() + TimeDelta::minutes(15 * w), &counts);
                }
                detector
            },
            BatchSize::LargeInput,
        );
    });
    group.finish();
}

/// The writer's COPY row of a reading: its columns, in its order and types.
struct Row {
    tenant_id: Arc<str>,
    property_id: Arc<str>,
    meter_id: String,
    ts: DateTime<Utc>,
    energy_wh: i64,
    power_w: Option<f64>,
    voltage_v: Option<f64>,
    current_a: Option<f64>,
    received_at: DateTime<Utc>,
}

/// Encodes `row` as one binary COPY tuple, as `BinaryCopyInWriter` does:
/// a field count, then each field's length and bytes.
fn encode(row: &Row, buf: &mut BytesMut) {
    let fields: [&(dyn ToSql + Sync); 9] = [
        &&*row.tenant_id,
        &&*row.property_id,
        &row.meter_id,
        &row.ts,
        &row.energy_wh,
        &row.power_w,
        &row.voltage_v,
        &row.current_a,
        &row.received_at,
    ];
    buf.put_i16(9);
    for (field, ty) in fields.iter().zip(COPY_TYPES) {
        let at = buf.len();
        buf.put_i32(0);
        let len = match field.to_sql_checked(ty, buf).unwrap() {
            IsNull::Yes => -1,
            IsNull::No => i32::try_from(buf.len() - at - 4).unwrap(),
        };
        buf[at..at + 4].copy_from_slice(&len.to_be_bytes());
    }
}

fn bench_copy_encoding(c: &mut Criterion) {
    let (tenant, property): (Arc<str>, Arc<str>) = (Arc::from("tenant-a"), Arc::from("prop-1"));
    let rows: Vec<Row> = (0..1_000)
        .map(|i| Row {
            tenant_id: tenant.clone(),
            property_id: property.clone(),
            meter_id: format!("meter-{i:05}"),
            ts: start() + TimeDelta::seconds(i),
            energy_wh: 1_000_000 + i,
            power_w: Some(812.5),
            voltage_v: Some(231.2),
            current_a: None,
            received_at: start(),
        })
        .collect();
    let mut buf = BytesMut::with_capacity(256 * 1024);
    let mut group = c.benchmark_group("copy_encoding");
    group.throughput(Throughput::Elements(rows.len() as u64));
    group.bench_function("a batch of 1000 readings", |b| {
        b.iter(|| {
            buf.clear();
            rows.iter().for_each(|row| encode(row, &mut buf));
            buf.len()
        });
    });
    group.finish();
}

criterion_group!(
    benches,
    bench_stream_window,
    bench_usage_detector,
    bench_login_detector,
    bench_billing_detector,
    bench_export_detector,
    bench_copy_encoding
);
criterion_main!(benches);

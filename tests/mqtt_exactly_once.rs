//! Readings published over MQTT land in TimescaleDB exactly once, whatever
//! the duplicates, and a graceful shutdown leaves nothing behind.

#![allow(clippy::unwrap_used)] // in tests a panic is the failure report

mod support;

use std::collections::BTreeSet;

use support::pipeline::{Pipeline, Settings};
use support::publish::{publish_all, reading, ts};
use support::{TestDb, database_url, wait_for_count};

#[tokio::test(flavor = "multi_thread")]
async fn readings_with_duplicates_land_exactly_once_and_sigterm_drains() {
    let db = TestDb::create(&database_url()).await;
    db.register(&[
        ("m-1", "tenant-a", "prop-1", None, true),
        ("m-2", "tenant-a", "prop-1", Some("gw-1"), true),
        ("m-3", "tenant-b", "prop-9", Some("gw-1"), true),
    ])
    .await;
    let settings = Settings::new(&db.url);
    let pipeline = Pipeline::start(&settings).await;

    let mut messages = Vec::new();
    let mut expected = BTreeSet::new();
    // 300 single readings from m-1, each published twice: the second copy is
    // what a device's retry after a lost PUBACK looks like.
    for i in 0..300 {
        let payload = reading("m-1", &ts(i), 1000 + i);
        messages.push((settings.meter_topic("m-1"), payload.clone()));
        messages.push((settings.meter_topic("m-1"), payload));
        expected.insert(("m-1".to_owned(), ts(i), 1000 + i));
    }
    // Gateway batches for m-2 and m-3 that overlap by half.
    for start in (0..200).step_by(50) {
        let items: Vec<String> = (start..start + 100)
            .flat_map(|i| {
                ["m-2", "m-3"].map(|m| {
                    format!(
                        r#"{{"meter_id":"{m}","ts":"{}","energy_wh":{}}}"#,
                        ts(i),
                        5 * i
                    )
                })
            })
            .collect();
        let payload = format!(r#"{{"schema_version":1,"readings":[{}]}}"#, items.join(","));
        messages.push((settings.gateway_topic("gw-1"), payload.into_bytes()));
        for i in start..start + 100 {
            expected.insert(("m-2".to_owned(), ts(i), 5 * i));
            expected.insert(("m-3".to_owned(), ts(i), 5 * i));
        }
    }
    publish_all(messages).await;

    let total = i64::try_from(expected.len()).unwrap();
    wait_for_count(&db, "SELECT count(*) FROM readings", total).await;
    let status = pipeline.terminate().await;
    assert!(
        status.success(),
        "pipeline exit status after SIGTERM: {status}"
    );

    let client = db.client().await;
    let rows = client
        .query(
            "SELECT meter_id, ts, energy_wh, tenant_id FROM readings ORDER BY meter_id, ts",
            &[],
        )
        .await
        .unwrap();
    let stored: BTreeSet<(String, String, i64)> = rows
        .iter()
        .map(|r| {
            let ts: chrono::DateTime<chrono::Utc> = r.get(1);
            (
                r.get(0),
                ts.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
                r.get(2),
            )
        })
        .collect();
    assert_eq!(stored, expected);
    assert_eq!(rows.len(), expected.len(), "no row stored twice");
    let tenants: BTreeSet<String> = rows.iter().map(|r| r.get(3)).collect();
    assert_eq!(
        tenants,
        BTreeSet::from(["tenant-a".to_owned(), "tenant-b".to_owned()])
    );
    assert_eq!(db.count("SELECT count(*) FROM quarantine").await, 0);
}

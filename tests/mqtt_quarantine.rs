//! Every class of bad input lands in the quarantine with its reason and its
//! exact bytes, while the good readings around it still land.

#![allow(clippy::unwrap_used)] // in tests a panic is the failure report

mod support;

use std::collections::BTreeMap;

use support::pipeline::{Pipeline, Settings};
use support::publish::{publish_all, reading, ts};
use support::{TestDb, database_url, wait_for_count};

/// The pipeline under test refuses payloads above this many bytes.
const PAYLOAD_CAP: usize = 4096;

#[tokio::test(flavor = "multi_thread")]
async fn each_class_of_bad_input_is_quarantined_with_its_reason_and_good_readings_still_land() {
    let db = TestDb::create(&database_url()).await;
    db.register(&[
        ("good", "tenant-a", "prop-1", Some("gw-1"), true),
        ("retired", "tenant-a", "prop-1", None, true),
        ("other", "tenant-a", "prop-1", None, true),
    ])
    .await;
    db.register(&[("retired", "tenant-a", "prop-1", None, false)])
        .await;
    let settings =
        Settings::new(&db.url).with_ingest("max_payload_bytes", &PAYLOAD_CAP.to_string());
    let pipeline = Pipeline::start(&settings).await;

    let good = settings.meter_topic("good");
    let future = (chrono::Utc::now() + chrono::TimeDelta::hours(2)).to_rfc3339();
    let bad: Vec<(&str, String, Vec<u8>)> = vec![
        ("malformed_json", good.clone(), br#"{"schema_version":1,"meter_id":"good","#.to_vec()),
        ("malformed_json", good.clone(), br#"{"schema_version":1,"meter_id":"good","ts":"2026-11-01T00:00:00Z","energy_wh":NaN}"#.to_vec()),
        ("unsupported_schema_version", good.clone(), br#"{"schema_version":2,"meter_id":"good","ts":"2026-11-01T00:00:00Z","energy_wh":1}"#.to_vec()),
        ("schema_violation", good.clone(), br#"{"schema_version":1,"meter_id":"good","energy_wh":1}"#.to_vec()),
        ("schema_violation", good.clone(), br#"{"schema_version":1,"meter_id":"good","ts":"2026-11-01T00:00:00Z","energy_wh":"12"}"#.to_vec()),
        ("invalid_register", good.clone(), reading("good", &ts(500), -3)),
        ("future_timestamp", good.clone(), reading("good", &future, 7)),
        ("unknown_meter", settings.meter_topic("ghost"), reading("ghost", &ts(1), 1)),
        ("inactive_meter", settings.meter_topic("retired"), reading("retired", &ts(1), 1)),
        ("meter_mismatch", good.clone(), reading("other", &ts(1), 1)),
        ("oversized_payload", good.clone(), oversized()),
    ];

    let mut messages = Vec::new();
    for (i, (_, topic, payload)) in bad.iter().enumerate() {
        let i = i64::try_from(i).unwrap();
        messages.push((good.clone(), reading("good", &ts(i), 100 + i)));
        messages.push((topic.clone(), payload.clone()));
    }
    // A gateway batch whose second reading is bad: only that one is refused.
    let batch_bad_item = r#"{"meter_id":"good","ts":"2026-11-01T09:00:00Z","energy_wh":-1}"#;
    let batch = format!(
        r#"{{"schema_version":1,"readings":[{{"meter_id":"good","ts":"2026-11-01T08:00:00Z","energy_wh":900}},{batch_bad_item}]}}"#
    );
    messages.push((settings.gateway_topic("gw-1"), batch.into_bytes()));
    // A gateway speaking for a meter not assigned to it: the item is refused.
    let foreign_item = r#"{"meter_id":"other","ts":"2026-11-01T00:00:00Z","energy_wh":1}"#;
    let foreign = format!(r#"{{"schema_version":1,"readings":[{foreign_item}]}}"#);
    messages.push((settings.gateway_topic("gw-1"), foreign.into_bytes()));
    publish_all(messages).await;

    let good_count = i64::try_from(bad.len()).unwrap() + 1;
    let bad_count = i64::try_from(bad.len()).unwrap() + 2;
    wait_for_count(&db, "SELECT count(*) FROM quarantine", bad_count).await;
    wait_for_count(&db, "SELECT count(*) FROM readings", good_count).await;
    drop(pipeline);

    let client = db.client().await;
    let rows = client
        .query(
            "SELECT reason_code, raw, item_index, reason FROM quarantine ORDER BY id",
            &[],
        )
        .await
        .unwrap();
    let mut by_reason: BTreeMap<String, Vec<Stored>> = BTreeMap::new();
    for r in &rows {
        by_reason
            .entry(r.get(0))
            .or_default()
            .push((r.get(1), r.get(2), r.get(3)));
    }

    let mut expected: BTreeMap<String, Vec<Vec<u8>>> = BTreeMap::new();
    for (code, _, payload) in &bad {
        let kept = if *code == "oversized_payload" {
            payload[..payload.len().min(64 * 1024)].to_vec()
        } else {
            payload.clone()
        };
        expected.entry((*code).to_owned()).or_default().push(kept);
    }
    expected
        .entry("invalid_register".into())
        .or_default()
        .push(batch_bad_item.as_bytes().to_vec());
    expected
        .entry("meter_mismatch".into())
        .or_default()
        .push(foreign_item.as_bytes().to_vec());

    for (code, payloads) in &expected {
        let stored = by_reason
            .get(code)
            .unwrap_or_else(|| panic!("no {code} entries in {by_reason:#?}"));
        let mut stored_raw: Vec<&Vec<u8>> = stored.iter().map(|(raw, _, _)| raw).collect();
        let mut wanted: Vec<&Vec<u8>> = payloads.iter().collect();
        stored_raw.sort();
        wanted.sort();
        assert_eq!(stored_raw, wanted, "raw bytes of {code} entries");
        assert!(
            stored.iter().all(|(_, _, reason)| !reason.is_empty()),
            "{code} entries explain themselves"
        );
    }
    assert_eq!(
        by_reason.len(),
        expected.len(),
        "unexpected reasons in {:?}",
        by_reason.keys()
    );
    let item = &by_reason["invalid_register"]
        .iter()
        .find(|(raw, _, _)| raw == batch_bad_item.as_bytes())
        .unwrap();
    assert_eq!(item.1, Some(1), "the refused batch item records its index");

    let stored_good = db
        .count("SELECT count(*) FROM readings WHERE meter_id = 'good'")
        .await;
    assert_eq!(stored_good, good_count);
}

/// A quarantine row as (raw bytes, batch item index, reason).
type Stored = (Vec<u8>, Option<i32>, String);

/// A well-formed reading padded past the cap with an unknown field.
fn oversized() -> Vec<u8> {
    let padding = "x".repeat(PAYLOAD_CAP * 3);
    format!(r#"{{"schema_version":1,"meter_id":"good","ts":"2026-11-01T00:00:00Z","energy_wh":1,"pad":"{padding}"}}"#)
        .into_bytes()
}

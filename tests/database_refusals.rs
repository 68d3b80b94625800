//! A row the database itself refuses is isolated and quarantined; the rest
//! of its batch is stored.

#![allow(clippy::unwrap_used)] // in tests a panic is the failure report

mod support;

use support::pipeline::{Pipeline, Settings};
use support::publish::{publish_all, reading, ts};
use support::{TestDb, database_url, wait_for_count};

#[tokio::test(flavor = "multi_thread")]
async fn a_row_the_database_refuses_is_quarantined_and_its_batch_neighbours_are_stored() {
    let db = TestDb::create(&database_url()).await;
    db.register(&[("m-1", "t1", "p1", Some("gw"), true)]).await;
    // A rule only the database knows, standing in for any constraint the
    // validation does not mirror.
    db.client()
        .await
        .batch_execute("ALTER TABLE readings ADD CONSTRAINT refuse_666 CHECK (energy_wh <> 666)")
        .await
        .unwrap();
    // A long linger puts everything below into one batch.
    let settings = Settings::new(&db.url).with_writer("linger_ms", "500");
    let _pipeline = Pipeline::start(&settings).await;

    let items: Vec<String> = (0..10)
        .map(|i| {
            let energy = if i == 4 { 666 } else { 1000 + i };
            format!(
                r#"{{"meter_id":"m-1","ts":"{}","energy_wh":{energy}}}"#,
                ts(i)
            )
        })
        .collect();
    let batch = format!(r#"{{"schema_version":1,"readings":[{}]}}"#, items.join(","));
    let mut messages = vec![(settings.gateway_topic("gw"), batch.into_bytes())];
    messages.extend((10..30).map(|i| {
        (
            settings.meter_topic("m-1"),
            reading("m-1", &ts(i), 1000 + i),
        )
    }));
    publish_all(messages).await;

    wait_for_count(&db, "SELECT count(*) FROM readings", 29).await;
    wait_for_count(&db, "SELECT count(*) FROM quarantine", 1).await;
    let client = db.client().await;
    let row = client
        .query_one(
            "SELECT reason_code, raw, item_index, reason, meter_id FROM quarantine",
            &[],
        )
        .await
        .unwrap();
    assert_eq!(row.get::<_, String>(0), "rejected_by_database");
    assert_eq!(row.get::<_, Vec<u8>>(1), items[4].as_bytes());
    assert_eq!(row.get::<_, Option<i32>>(2), Some(4));
    let reason: String = row.get(3);
    assert!(
        reason.contains("refuse_666"),
        "the database's reason is kept: {reason}"
    );
    assert_eq!(row.get::<_, Option<String>>(4).as_deref(), Some("m-1"));
    assert_eq!(
        db.count("SELECT count(*) FROM readings WHERE energy_wh = 666")
            .await,
        0
    );
}

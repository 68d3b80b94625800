//! Kafka ingest against the real broker and database: exactly-once in
//! effect, contiguous offset commits, poison records quarantined with their
//! position, crash recovery and a consumer group that survives a member.

#![allow(clippy::unwrap_used)] // in tests a panic is the failure report

mod support;

use support::kafka::{committed_and_end, create_topic, produce};
use support::pipeline::{Pipeline, Settings, pause};
use support::publish::{reading, ts};
use support::{TestDb, database_url, eventually, unique_name, wait_for_count};

const METERS: i64 = 20;

async fn fleet_db() -> TestDb {
    let db = TestDb::create(&database_url()).await;
    db.register_fleet(
        "k",
        usize::try_from(METERS).unwrap(),
        ("tenant-k", "prop-k"),
        None,
    )
    .await;
    db
}

/// Readings for minutes `first..first + count` of every meter, keyed by meter
/// so that each meter's readings stay in one partition.
fn readings(first: i64, count: i64) -> Vec<(String, Vec<u8>)> {
    (first..first + count)
        .flat_map(|minute| (0..METERS).map(move |m| (format!("k-{m}"), minute)))
        .map(|(meter, minute)| (meter.clone(), reading(&meter, &ts(minute), minute)))
        .collect()
}

/// Waits until the group has committed every partition up to its end.
async fn wait_for_offsets_at_end(group: &str, topic: &str, partitions: i32) {
    let (group, topic) = (group.to_owned(), topic.to_owned());
    eventually(
        "committed offsets to reach the end of every partition",
        || {
            let offsets = committed_and_end(&group, &topic, partitions);
            async move {
                offsets
                    .iter()
                    .all(|(committed, end)| committed == end)
                    .then_some(())
            }
        },
    )
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn readings_with_duplicates_land_exactly_once_and_offsets_end_at_the_topic_end() {
    let db = fleet_db().await;
    let topic = unique_name("readings");
    let group = unique_name("group");
    create_topic(&topic, 3).await;
    let settings = Settings::new(&db.url).with_kafka(&group, &[("readings", &topic)]);
    let pipeline = Pipeline::start(&settings).await;

    let mut records = readings(0, 100);
    records.extend(readings(50, 100)); // minutes 50..100 a second time
    produce(&topic, records).await;

    wait_for_count(&db, "SELECT count(*) FROM readings", METERS * 150).await;
    wait_for_offsets_at_end(&group, &topic, 3).await;
    let status = pipeline.terminate().await;
    assert!(status.success(), "{status}");
    assert_eq!(
        db.count("SELECT count(*) FROM readings").await,
        METERS * 150
    );
    assert_eq!(db.count("SELECT count(*) FROM quarantine").await, 0);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_poison_record_is_quarantined_with_its_position_and_the_partition_keeps_flowing() {
    let db = fleet_db().await;
    let topic = unique_name("readings");
    let group = unique_name("group");
    create_topic(&topic, 1).await;
    let settings = Settings::new(&db.url).with_kafka(&group, &[("readings", &topic)]);
    let _pipeline = Pipeline::start(&settings).await;

    let mut records = readings(0, 5);
    records.push(("k-0".into(), b"{not json".to_vec()));
    records.extend(readings(5, 5));
    produce(&topic, records).await;

    wait_for_count(&db, "SELECT count(*) FROM readings", METERS * 10).await;
    wait_for_count(&db, "SELECT count(*) FROM quarantine", 1).await;
    let row = db
        .client()
        .await
        .query_one(
            "SELECT reason_code, transport, topic, kafka_partition, kafka_offset FROM quarantine",
            &[],
        )
        .await
        .unwrap();
    assert_eq!(row.get::<_, String>(0), "malformed_json");
    assert_eq!(row.get::<_, String>(1), "kafka");
    assert_eq!(row.get::<_, String>(2), topic);
    assert_eq!(row.get::<_, Option<i32>>(3), Some(0));
    let position = METERS * 5;
    assert_eq!(
        row.get::<_, Option<i64>>(4),
        Some(position),
        "the offset of the poison record"
    );
    wait_for_offsets_at_end(&group, &topic, 1).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn sigkill_of_a_consumer_mid_stream_then_restart_loses_nothing_and_doubles_nothing() {
    let db = fleet_db().await;
    let topic = unique_name("readings");
    let group = unique_name("group");
    create_topic(&topic, 2).await;
    let settings = Settings::new(&db.url).with_kafka(&group, &[("readings", &topic)]);
    let pipeline = Pipeline::start(&settings).await;

    let producer = tokio::spawn({
        let topic = topic.clone();
        async move {
            for chunk in 0..6 {
                produce(&topic, readings(chunk * 100, 100)).await;
            }
        }
    });
    eventually("the first readings to land", || {
        let count = db.count("SELECT count(*) FROM readings");
        async move { (count.await > 0).then_some(()) }
    })
    .await;
    pipeline.kill();
    pause(500).await;
    let pipeline = Pipeline::start(&settings).await;
    producer.await.unwrap();

    wait_for_count(&db, "SELECT count(*) FROM readings", METERS * 600).await;
    wait_for_offsets_at_end(&group, &topic, 2).await;
    drop(pipeline);
    let sum: i64 = db
        .client()
        .await
        .query_one("SELECT sum(energy_wh)::bigint FROM readings", &[])
        .await
        .unwrap()
        .get(0);
    assert_eq!(sum, METERS * (600 * 599 / 2));
}

#[tokio::test(flavor = "multi_thread")]
async fn two_consumers_in_one_group_split_the_work_and_the_survivor_takes_over() {
    let db = fleet_db().await;
    let topic = unique_name("readings");
    let group = unique_name("group");
    create_topic(&topic, 4).await;
    let first = Settings::new(&db.url).with_kafka(&group, &[("readings", &topic)]);
    let second = Settings {
        client_id: unique_name("pipeline"),
        ..first.clone()
    };
    let a = Pipeline::start(&first).await;
    let b = Pipeline::start(&second).await;

    produce(&topic, readings(0, 100)).await;
    wait_for_count(&db, "SELECT count(*) FROM readings", METERS * 100).await;

    let producer = tokio::spawn({
        let topic = topic.clone();
        async move {
            for chunk in 1..5 {
                produce(&topic, readings(chunk * 100, 100)).await;
            }
        }
    });
    pause(200).await;
    a.kill();
    producer.await.unwrap();

    wait_for_count(&db, "SELECT count(*) FROM readings", METERS * 500).await;
    wait_for_offsets_at_end(&group, &topic, 4).await;
    let revoked = b
        .logs()
        .iter()
        .filter(|l| l.contains("kafka partitions assigned"))
        .count();
    assert!(
        revoked >= 2,
        "the survivor was assigned partitions again after the kill"
    );
    drop(b);
    assert_eq!(db.count("SELECT count(*) FROM quarantine").await, 0);
}

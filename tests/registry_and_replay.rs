//! Registry changes take effect in a running pipeline within seconds, and
//! `quarantine replay` recovers readings refused before their meter existed.

#![allow(clippy::unwrap_used)] // in tests a panic is the failure report

mod support;

use support::pipeline::{Pipeline, Settings, command};
use support::publish::{publish_all, reading, ts};
use support::{TestDb, database_url, wait_for_count};

#[tokio::test(flavor = "multi_thread")]
async fn a_meter_registered_while_running_is_accepted_and_replay_recovers_its_early_readings() {
    let db = TestDb::create(&database_url()).await;
    let settings = Settings::new(&db.url);
    let pipeline = Pipeline::start(&settings).await;
    let topic = settings.meter_topic("late-1");

    let early: Vec<_> = (0..5)
        .map(|i| (topic.clone(), reading("late-1", &ts(i), 10 * i)))
        .collect();
    publish_all(early).await;
    wait_for_count(
        &db,
        "SELECT count(*) FROM quarantine WHERE reason_code = 'unknown_meter'",
        5,
    )
    .await;

    let (status, stdout, stderr) = command(
        &settings,
        &[
            "meters",
            "put",
            "--meter",
            "late-1",
            "--tenant",
            "t1",
            "--property",
            "p1",
        ],
    );
    assert!(status.success(), "meters put failed: {stderr}");
    assert!(stdout.contains("late-1"), "{stdout}");

    // The running pipeline now accepts the meter without a restart; the
    // refresh interval in the test configuration is 200 ms.
    let mut accepted = false;
    for i in 5..200 {
        publish_all(vec![(topic.clone(), reading("late-1", &ts(i), 10 * i))]).await;
        let stored = db.count("SELECT count(*) FROM readings").await;
        if stored > 0 {
            accepted = true;
            break;
        }
        support::pipeline::pause(100).await;
    }
    assert!(accepted, "the newly registered meter was never accepted");
    drop(pipeline);
    // Readings published before the refresh reached the pipeline were refused.
    let refused = db
        .count("SELECT count(*) FROM quarantine WHERE reason_code = 'unknown_meter'")
        .await;
    assert!(refused >= 5);
    let stored_before = db.count("SELECT count(*) FROM readings").await;

    let (status, stdout, _) = command(&settings, &["quarantine", "summary"]);
    assert!(status.success());
    assert!(
        stdout
            .lines()
            .any(|l| l.starts_with("unknown_meter") && l.contains(&format!(" {refused} "))),
        "{stdout}"
    );

    let (status, stdout, stderr) = command(
        &settings,
        &[
            "quarantine",
            "replay",
            "--reason",
            "unknown_meter",
            "--dry-run",
        ],
    );
    assert!(status.success(), "{stderr}");
    assert!(
        stdout.contains(&format!("{refused} record(s) would be replayed")),
        "{stdout}"
    );
    assert_eq!(
        db.count("SELECT count(*) FROM readings").await,
        stored_before
    );

    let (status, stdout, stderr) = command(
        &settings,
        &["quarantine", "replay", "--reason", "unknown_meter"],
    );
    assert!(status.success(), "{stderr}");
    assert!(
        stdout.contains(&format!("{refused} record(s) replayed")),
        "{stdout}"
    );
    assert_eq!(
        db.count("SELECT count(*) FROM readings").await,
        stored_before + refused
    );
    assert_eq!(
        db.count("SELECT count(*) FROM readings WHERE ts < '2026-11-01T00:05:00Z'")
            .await,
        5
    );
    assert_eq!(
        db.count("SELECT count(*) FROM quarantine WHERE replayed_at IS NOT NULL")
            .await,
        refused
    );

    // Replaying again finds nothing pending and changes nothing.
    let (_, stdout, _) = command(
        &settings,
        &["quarantine", "replay", "--reason", "unknown_meter"],
    );
    assert!(stdout.contains("0 record(s) replayed"), "{stdout}");
    let (_, listed, _) = command(
        &settings,
        &["quarantine", "list", "--all", "--reason", "unknown_meter"],
    );
    assert!(
        listed.contains(&format!("{refused} record(s)")) && listed.contains("replayed"),
        "{listed}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_deactivated_meter_is_refused_from_then_on_and_replay_leaves_it_quarantined() {
    let db = TestDb::create(&database_url()).await;
    db.register(&[("m-off", "t1", "p1", None, true)]).await;
    let settings = Settings::new(&db.url);
    let pipeline = Pipeline::start(&settings).await;
    let topic = settings.meter_topic("m-off");

    publish_all(vec![(topic.clone(), reading("m-off", &ts(0), 1))]).await;
    wait_for_count(&db, "SELECT count(*) FROM readings", 1).await;

    db.register(&[("m-off", "t1", "p1", None, false)]).await;
    let mut refused = false;
    for i in 1..200 {
        publish_all(vec![(topic.clone(), reading("m-off", &ts(i), i))]).await;
        if db
            .count("SELECT count(*) FROM quarantine WHERE reason_code = 'inactive_meter'")
            .await
            > 0
        {
            refused = true;
            break;
        }
        support::pipeline::pause(100).await;
    }
    assert!(refused, "the deactivated meter was never refused");
    drop(pipeline);

    let (status, stdout, _) = command(&settings, &["quarantine", "replay"]);
    assert!(status.success());
    assert!(stdout.contains("still refused: inactive_meter"), "{stdout}");
}

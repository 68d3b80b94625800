//! Rollups end to end: readings published over MQTT become 15-minute,
//! hourly and local-day buckets in TimescaleDB that agree with the raw
//! table, with a recomputation from it, and with an uninterrupted run after
//! the pipeline is killed mid-stream.

#![allow(clippy::unwrap_used)] // in tests a panic is the failure report

mod support;

use chrono::{DateTime, TimeDelta, Utc};
use support::pipeline::{Pipeline, Settings, command, pause};
use support::publish::{publish_all, reading};
use support::{TestDb, database_url, eventually, wait_for_count};

/// Two days around the end of summer time in Berlin (25 October 2026),
/// long enough ago that `recompute` may rebuild them.
const FIRST: &str = "2026-10-24T12:00:00Z";
const HOURS: i64 = 48;

/// No idle pass during a test: the readings are weeks old, so processing
/// time would otherwise close every window while the publisher is still
/// sending (the documented cost of replaying history through live windows).
const NO_IDLE: &str = "[stream]\nidle_tick_ms = 86400000\n";

fn at(minutes: i64) -> DateTime<Utc> {
    FIRST.parse::<DateTime<Utc>>().unwrap() + TimeDelta::minutes(minutes)
}

/// One meter's readings as `(minute, register)`.
type Series = Vec<(i64, i64)>;

/// The fleet: every register shape the stream handles, in one property.
fn fleet() -> Vec<(&'static str, Series)> {
    let quarters = (0..=HOURS * 4).map(|k| k * 15);
    let steady: Series = quarters
        .clone()
        .map(|m| (m, 10_000 + m / 15 * 40))
        .collect();
    // Every 7 minutes: most readings straddle a quarter-hour boundary.
    let jitter: Series = (0..=HOURS * 60 / 7).map(|k| (k * 7, k * 17)).collect();
    // Three silent hours in the middle: their buckets are estimated.
    let gap: Series = quarters
        .clone()
        .filter(|m| !(1200..1380).contains(m))
        .map(|m| (m, m * 3))
        .collect();
    // The meter is replaced half-way: its register starts again near zero.
    let reset: Series = quarters
        .clone()
        .map(|m| {
            (
                m,
                if m < 1440 {
                    50_000 + m * 5
                } else {
                    (m - 1440) * 5
                },
            )
        })
        .collect();
    vec![
        ("m-steady", steady),
        ("m-jitter", jitter),
        ("m-gap", gap),
        ("m-reset", reset),
    ]
}

/// The fleet's messages in time order, with neighbours swapped and some
/// readings sent twice, as a gateway buffering over a flaky link does. Every
/// swap stays well within the allowed lateness.
fn messages(settings: &Settings) -> Vec<(String, Vec<u8>)> {
    let mut all: Vec<(i64, &str, i64)> = fleet()
        .into_iter()
        .flat_map(|(meter, series)| series.into_iter().map(move |(m, wh)| (m, meter, wh)))
        .collect();
    all.sort();
    for pair in all.chunks_mut(2).step_by(3) {
        pair.reverse();
    }
    let mut out = Vec::new();
    for (k, (minute, meter, wh)) in all.into_iter().enumerate() {
        let ts = at(minute).to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
        let message = (settings.meter_topic(meter), reading(meter, &ts, wh));
        if k % 11 == 0 {
            out.push(message.clone());
        }
        out.push(message);
    }
    out
}

fn distinct_readings() -> i64 {
    fleet()
        .iter()
        .map(|(_, s)| i64::try_from(s.len()).unwrap())
        .sum()
}

async fn registered_db() -> TestDb {
    let db = TestDb::create(&database_url()).await;
    let meters: Vec<_> = fleet()
        .iter()
        .map(|(m, _)| (*m, "tenant-a", "prop-1", None, true))
        .collect();
    db.register(&meters).await;
    db.client()
        .await
        .execute("UPDATE meters SET time_zone = 'Europe/Berlin'", &[])
        .await
        .unwrap();
    db
}

fn settings(db: &TestDb) -> Settings {
    let mut settings = Settings::new(&db.url);
    settings.extra = NO_IDLE.into();
    settings
}

/// Small batches, so that the stream takes seconds and a kill lands in its
/// middle rather than after it.
fn slow_settings(db: &TestDb) -> Settings {
    settings(db).with_writer("batch_max_rows", "4")
}

/// Every bucket, one line each; `is_final` optional because a rebuild
/// settles buckets the live windows still hold open.
async fn buckets(db: &TestDb, with_final: bool) -> Vec<String> {
    let rows = db
        .client()
        .await
        .query(
            "SELECT meter_id, width, bucket_start, bucket_end, energy_wh, estimated,
                    gaps, rollovers, resets, implausible, too_long, conflicts, is_final
             FROM energy_rollups ORDER BY meter_id, width, bucket_start",
            &[],
        )
        .await
        .unwrap();
    rows.iter()
        .map(|r| {
            let start: DateTime<Utc> = r.get(2);
            let end: DateTime<Utc> = r.get(3);
            let flags: Vec<i32> = (6..12).map(|i| r.get(i)).collect();
            let mut line = format!(
                "{} {} {} {} {} est={} {:?}",
                r.get::<_, String>(0),
                r.get::<_, String>(1),
                start.to_rfc3339(),
                end.to_rfc3339(),
                r.get::<_, i64>(4),
                r.get::<_, bool>(5),
                flags
            );
            if with_final {
                line.push_str(&format!(" final={}", r.get::<_, bool>(12)));
            }
            line
        })
        .collect()
}

async fn run_to_completion(db: &TestDb) {
    let settings = settings(db);
    let pipeline = Pipeline::start(&settings).await;
    publish_all(messages(&settings)).await;
    wait_for_count(db, "SELECT count(*) FROM readings", distinct_readings()).await;
    drop(pipeline);
}

#[tokio::test(flavor = "multi_thread")]
async fn readings_over_mqtt_produce_rollups_identical_to_a_recomputation_from_the_raw_table() {
    let db = registered_db().await;
    run_to_completion(&db).await;
    let live = buckets(&db, false).await;
    assert!(live.len() > 500, "only {} buckets", live.len());

    let (status, stdout, stderr) = command(
        &settings(&db),
        &["recompute", "--from", "2026-10-01", "--to", "2026-11-01"],
    );
    assert!(status.success(), "recompute failed: {stderr}");
    assert!(stdout.contains("of 4 meters"), "{stdout}");
    assert_same(&buckets(&db, false).await, &live);
}

#[tokio::test(flavor = "multi_thread")]
async fn every_width_sums_to_the_register_difference_and_days_are_local() {
    let db = registered_db().await;
    run_to_completion(&db).await;
    let client = db.client().await;

    // Per meter and width, the sum of the buckets; for meters whose
    // register only advances, the raw table's last minus first register.
    let sums = client
        .query(
            "SELECT meter_id, width, sum(energy_wh)::bigint FROM energy_rollups
             GROUP BY 1, 2 ORDER BY 1, 2",
            &[],
        )
        .await
        .unwrap();
    for meter in ["m-steady", "m-jitter", "m-gap"] {
        let advance: i64 = client
            .query_one(
                "SELECT max(energy_wh) - min(energy_wh) FROM readings WHERE meter_id = $1",
                &[&meter],
            )
            .await
            .unwrap()
            .get(0);
        let widths: Vec<i64> = sums
            .iter()
            .filter(|r| r.get::<_, String>(0) == meter)
            .map(|r| r.get(2))
            .collect();
        assert_eq!(widths, [advance; 3], "{meter}: 15m, 1d, 1h sums");
    }

    // The replaced meter: what it drew before and after the replacement is
    // known; the interval across it is not, and is flagged, not guessed.
    let reset_total: i64 = client
        .query_one(
            "SELECT sum(energy_wh)::bigint FROM energy_rollups
             WHERE meter_id = 'm-reset' AND width = '1d'",
            &[],
        )
        .await
        .unwrap()
        .get(0);
    assert!(reset_total <= 1425 * 5 + (2880 - 1440) * 5, "{reset_total}");
    assert_eq!(
        db.count("SELECT count(*) FROM energy_rollups WHERE meter_id = 'm-reset' AND resets > 0 AND width = '15m'").await,
        1,
        "one quarter-hour holds the replacement"
    );
    assert!(
        db.count("SELECT count(*) FROM energy_rollups WHERE meter_id = 'm-gap' AND estimated AND width = '15m'").await >= 12,
        "the three silent hours are estimated"
    );

    // 25 October 2026 in Berlin has 25 hours: 22:00 UTC to 23:00 UTC.
    let day: (DateTime<Utc>, DateTime<Utc>) = client
        .query_one(
            "SELECT bucket_start, bucket_end FROM energy_rollups
             WHERE meter_id = 'm-steady' AND width = '1d'
               AND bucket_start = '2026-10-24T22:00:00Z'",
            &[],
        )
        .await
        .map(|r| (r.get(0), r.get(1)))
        .unwrap();
    assert_eq!(day.1 - day.0, TimeDelta::hours(25));

    // Property rollups are the sums of their meters' buckets.
    let property: i64 = client
        .query_one(
            "SELECT sum(energy_wh)::bigint FROM property_energy_rollups
             WHERE tenant_id = 'tenant-a' AND property_id = 'prop-1' AND width = '1h'",
            &[],
        )
        .await
        .unwrap()
        .get(0);
    let meters: i64 = sums
        .iter()
        .filter(|r| r.get::<_, String>(1) == "1h")
        .map(|r| r.get::<_, i64>(2))
        .sum();
    assert_eq!(property, meters);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_restart_mid_stream_leaves_rollups_identical_to_an_uninterrupted_run() {
    let uninterrupted = registered_db().await;
    let interrupted = registered_db().await;
    run_to_completion(&uninterrupted).await;

    let settings = slow_settings(&interrupted);
    let all = messages(&settings);
    let pipeline = Pipeline::start(&settings).await;
    let publisher = tokio::spawn(publish_all(all));
    eventually("a third of the readings to land", || {
        let count = interrupted.count("SELECT count(*) FROM readings");
        async move { (count.await * 3 > distinct_readings()).then_some(()) }
    })
    .await;
    pipeline.kill();
    let at_kill = interrupted.count("SELECT count(*) FROM readings").await;
    pause(300).await;
    let pipeline = Pipeline::start(&settings).await;
    pipeline
        .wait_for_log("meter windows resumed from checkpoints")
        .await;
    publisher.await.unwrap();
    wait_for_count(
        &interrupted,
        "SELECT count(*) FROM readings",
        distinct_readings(),
    )
    .await;
    drop(pipeline);

    assert!(
        at_kill < distinct_readings(),
        "the kill came after everything had landed; the test proved nothing"
    );
    assert_same(
        &buckets(&interrupted, true).await,
        &buckets(&uninterrupted, true).await,
    );
}

/// Equal bucket lists, or a failure naming the first difference rather than
/// printing thousands of lines.
fn assert_same(left: &[String], right: &[String]) {
    let first = left.iter().zip(right).position(|(l, r)| l != r);
    assert!(
        first.is_none() && left.len() == right.len(),
        "{} buckets against {}; first difference: {:?} against {:?}",
        left.len(),
        right.len(),
        first.map(|i| &left[i]),
        first.map(|i| &right[i]),
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_reading_beyond_the_lateness_is_stored_raw_and_recompute_takes_it_in() {
    let db = registered_db().await;
    let settings = settings(&db);
    let pipeline = Pipeline::start(&settings).await;
    let topic = settings.meter_topic("m-steady");
    let on_time: Vec<_> = (0..=24)
        .filter(|k| *k != 4)
        .map(|k| {
            let ts = at(k * 15).to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
            (topic.clone(), reading("m-steady", &ts, k * 100))
        })
        .collect();
    publish_all(on_time).await;
    wait_for_count(&db, "SELECT count(*) FROM readings", 24).await;

    // The 01:00 reading shows the meter drew nothing between 00:45 and
    // 01:00 and all 200 Wh of the interval after; it comes 5 hours late.
    let ts = at(60).to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    publish_all(vec![(topic, reading("m-steady", &ts, 300))]).await;
    wait_for_count(&db, "SELECT count(*) FROM readings", 25).await;
    drop(pipeline);

    let quarter = |start: i64| {
        let start = at(start);
        let db = &db;
        async move {
            db.client()
                .await
                .query_one(
                    "SELECT energy_wh FROM energy_rollups
                     WHERE meter_id = 'm-steady' AND width = '15m' AND bucket_start = $1",
                    &[&start],
                )
                .await
                .map(|r| r.get::<_, i64>(0))
                .ok()
        }
    };
    assert_eq!(quarter(45).await, Some(100), "live: 200 Wh spread evenly");
    assert_eq!(quarter(60).await, Some(100));

    let (status, _, stderr) = command(
        &settings,
        &[
            "recompute",
            "--from",
            "2026-10-24",
            "--to",
            "2026-10-26",
            "--meter",
            "m-steady",
        ],
    );
    assert!(status.success(), "recompute failed: {stderr}");
    assert_eq!(quarter(45).await, Some(0), "the meter drew nothing");
    assert_eq!(quarter(60).await, Some(200));
}

#[tokio::test(flavor = "multi_thread")]
async fn recompute_refuses_a_range_the_live_windows_still_own() {
    let db = registered_db().await;
    let tomorrow = (Utc::now() + TimeDelta::days(1))
        .format("%Y-%m-%d")
        .to_string();
    let (status, _, stderr) = command(
        &settings(&db),
        &["recompute", "--from", "2026-10-01", "--to", &tomorrow],
    );
    assert!(!status.success());
    assert!(stderr.contains("live"), "{stderr}");
}

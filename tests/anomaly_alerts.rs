//! Anomaly detection end to end: events through Kafka and readings through
//! MQTT raise the expected alerts in TimescaleDB and on the alerts topic,
//! benign look-alikes stay quiet, and a restart neither forgets a baseline
//! nor raises an incident twice.

#![allow(clippy::unwrap_used)] // in tests a panic is the failure report

mod support;

use chrono::{DateTime, TimeDelta, Utc};
use nexzo_schemas::ledger::{GENESIS_HASH, LedgerEntry, LedgerKind};
use support::kafka::{consume_until, create_topic, produce};
use support::pipeline::{Pipeline, Settings};
use support::publish::{publish_all, reading};
use support::{TestDb, database_url, eventually, unique_name, wait_for_count};

fn base() -> DateTime<Utc> {
    "2026-11-02T09:00:00Z".parse().unwrap()
}

fn login(id: &str, user: &str, at: DateTime<Utc>, failed: bool, ip: &str) -> Vec<u8> {
    let outcome = if failed {
        r#""failure","failure_reason":"bad_password""#
    } else {
        r#""success""#
    };
    let ts = at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    format!(
        r#"{{"schema_version":1,"event_id":"{id}","tenant_id":"tenant-a","user_id":"{user}","ts":"{ts}","outcome":{outcome},"source_ip":"{ip}","device_id":"dev-{user}","geo":{{"country":"DE","city":"Berlin","lat":52.52,"lon":13.40}}}}"#
    )
    .into_bytes()
}

/// `count` failed passwords against one account from one address, 20 s
/// apart, starting `from` seconds after the base time.
fn guessing(prefix: &str, from: i64, count: i64) -> Vec<(String, Vec<u8>)> {
    (0..count)
        .map(|i| {
            let at = base() + TimeDelta::seconds(from + i * 20);
            let id = format!("{prefix}-{i}");
            let payload = login(&id, "u-victim", at, true, "198.51.100.7");
            ("u-victim".to_owned(), payload)
        })
        .collect()
}

/// A user who mistypes three times and then gets in.
fn typos() -> Vec<(String, Vec<u8>)> {
    (0..4)
        .map(|i| {
            let at = base() + TimeDelta::seconds(30 * i);
            let payload = login(&format!("typo-{i}"), "u-typo", at, i < 3, "203.0.113.9");
            ("u-typo".to_owned(), payload)
        })
        .collect()
}

/// Rent charges, then an 800.00 credit with no approver: above the
/// default approval threshold of 500.00.
fn ledger() -> Vec<(String, Vec<u8>)> {
    let mut prev = GENESIS_HASH.to_owned();
    let mut entries = Vec::new();
    for i in 0..6 {
        let (kind, amount, actor) = if i < 5 {
            (LedgerKind::Charge, 95_000, "svc-billing")
        } else {
            (LedgerKind::Credit, -80_000, "staff-7")
        };
        let mut entry = LedgerEntry {
            entry_id: format!("le-{i}"),
            tenant_id: "tenant-a".into(),
            property_id: "prop-1".into(),
            account_id: "acc-1".into(),
            kind,
            amount_minor: amount,
            currency: "EUR".into(),
            actor_id: actor.into(),
            approver_id: None,
            reason_code: "goodwill".into(),
            ts: base() + TimeDelta::hours(i),
            prev_hash: prev.clone(),
            hash: String::new(),
        };
        entry.hash = entry.compute_hash();
        prev = entry.hash.clone();
        entries.push(("tenant-a".to_owned(), wire(&entry)));
    }
    entries
}

fn wire(e: &LedgerEntry) -> Vec<u8> {
    serde_json::json!({
        "schema_version": 1, "entry_id": e.entry_id, "tenant_id": e.tenant_id,
        "property_id": e.property_id, "account_id": e.account_id, "kind": e.kind.as_str(),
        "amount_minor": e.amount_minor, "currency": e.currency, "actor_id": e.actor_id,
        "approver_id": e.approver_id, "reason_code": e.reason_code,
        "ts": e.ts.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        "prev_hash": e.prev_hash, "hash": e.hash,
    })
    .to_string()
    .into_bytes()
}

struct Topics {
    logins: String,
    ledger: String,
    alerts: String,
}

async fn topics() -> Topics {
    let topics = Topics {
        logins: unique_name("logins"),
        ledger: unique_name("ledger"),
        alerts: unique_name("alerts"),
    };
    for topic in [&topics.logins, &topics.ledger, &topics.alerts] {
        create_topic(topic, 1).await;
    }
    topics
}

fn settings(db: &TestDb, topics: &Topics) -> Settings {
    let mut settings = Settings::new(&db.url).with_kafka(
        &unique_name("group"),
        &[("logins", &topics.logins), ("ledger", &topics.ledger)],
    );
    settings.extra = format!(
        "[alerts]\nkafka_topic = \"{}\"\npublish_interval_ms = 100\n",
        topics.alerts
    );
    settings
}

async fn alerts_of(db: &TestDb, kind: &str) -> Vec<(String, serde_json::Value, DateTime<Utc>)> {
    db.client()
        .await
        .query(
            "SELECT alert_id, subject, last_seen FROM alerts WHERE kind = $1 ORDER BY raised_at",
            &[&kind],
        )
        .await
        .unwrap()
        .iter()
        .map(|r| (r.get(0), r.get(1), r.get(2)))
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn attacks_raise_one_alert_each_in_the_database_and_on_the_topic_and_typos_stay_quiet() {
    let db = TestDb::create(&database_url()).await;
    let topics = topics().await;
    let settings = settings(&db, &topics);
    let _pipeline = Pipeline::start(&settings).await;

    let mut logins = guessing("guess", 0, 20);
    logins.extend(typos());
    produce(&topics.logins, logins).await;
    produce(&topics.ledger, ledger()).await;
    wait_for_count(&db, "SELECT count(*) FROM login_events", 24).await;
    wait_for_count(&db, "SELECT count(*) FROM ledger_entries", 6).await;

    let brute = alerts_of(&db, "login_brute_force").await;
    assert_eq!(brute.len(), 1, "one incident, one alert: {brute:?}");
    assert_eq!(brute[0].1["user_id"], "u-victim");
    let unapproved = alerts_of(&db, "billing_unapproved").await;
    assert_eq!(unapproved.len(), 1, "{unapproved:?}");
    assert_eq!(unapproved[0].1["entry_id"], "le-5");
    assert_eq!(
        db.count("SELECT count(*) FROM alerts WHERE subject->>'user_id' = 'u-typo'")
            .await,
        0,
        "three typos and a success are not an attack"
    );

    let wanted = [brute[0].0.clone(), unapproved[0].0.clone()];
    let records = consume_until(&topics.alerts, |read| {
        wanted
            .iter()
            .all(|id| read.iter().any(|(key, _)| key == id))
    })
    .await;
    let published: serde_json::Value = records
        .iter()
        .find(|(key, _)| *key == brute[0].0)
        .map(|(_, payload)| serde_json::from_slice(payload).unwrap())
        .unwrap();
    assert_eq!(published["kind"], "login_brute_force");
    assert_eq!(published["tenant_id"], "tenant-a");
    assert_eq!(published["user_id"], "u-victim");
    assert_eq!(published["status"], "open");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_restart_continues_an_incident_instead_of_raising_it_again() {
    let db = TestDb::create(&database_url()).await;
    let topics = topics().await;
    let settings = settings(&db, &topics);
    let pipeline = Pipeline::start(&settings).await;
    produce(&topics.logins, guessing("before", 0, 12)).await;
    wait_for_count(&db, "SELECT count(*) FROM login_events", 12).await;
    let before = alerts_of(&db, "login_brute_force").await;
    assert_eq!(before.len(), 1, "{before:?}");
    pipeline.kill();

    // Ten more guesses, each enough on its own to open an incident for a
    // detector that forgot the first twelve.
    let pipeline = Pipeline::start(&settings).await;
    pipeline
        .wait_for_log("detector baselines resumed from checkpoints")
        .await;
    produce(&topics.logins, guessing("after", 240, 10)).await;
    wait_for_count(&db, "SELECT count(*) FROM login_events", 22).await;

    let after = eventually("the incident to be updated", || {
        let db = &db;
        let first_last_seen = before[0].2;
        async move {
            let after = alerts_of(db, "login_brute_force").await;
            (after.iter().any(|a| a.2 > first_last_seen)).then_some(after)
        }
    })
    .await;
    assert_eq!(after.len(), 1, "the same incident, not a second: {after:?}");
    assert_eq!(after[0].0, before[0].0);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_register_running_backwards_and_a_silent_meter_raise_one_usage_alert_each() {
    let db = TestDb::create(&database_url()).await;
    db.register(&[
        ("m-tamper", "tenant-a", "prop-1", None, true),
        ("m-silent", "tenant-a", "prop-1", None, true),
    ])
    .await;
    let mut settings = Settings::new(&db.url);
    settings.extra = "[stream]\nidle_tick_ms = 86400000\n".into();
    let _pipeline = Pipeline::start(&settings).await;

    // Quarter-hourly for eight hours; three hours in, the register drops
    // by 40 kWh and then climbs again.
    let at = |k: i64| {
        (base() + TimeDelta::minutes(15 * k)).to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
    };
    let tamper = settings.meter_topic("m-tamper");
    let mut messages: Vec<_> = (0..=32)
        .map(|k| {
            let wh = if k < 12 {
                100_000 + k * 200
            } else {
                60_000 + k * 200
            };
            (tamper.clone(), reading("m-tamper", &at(k), wh))
        })
        .collect();
    // Two hours of readings, seven silent hours, then three more hours.
    let silent = settings.meter_topic("m-silent");
    let reported = (0..=8).chain(36..=48);
    messages.extend(reported.map(|k| (silent.clone(), reading("m-silent", &at(k), k * 150))));
    publish_all(messages).await;
    wait_for_count(&db, "SELECT count(*) FROM readings", 33 + 22).await;

    let backwards = alerts_of(&db, "usage_register_backwards").await;
    assert_eq!(backwards.len(), 1, "{backwards:?}");
    assert_eq!(backwards[0].1["meter_id"], "m-tamper");
    let missing = alerts_of(&db, "usage_missing_data").await;
    assert_eq!(missing.len(), 1, "one silence, one alert: {missing:?}");
    assert_eq!(missing[0].1["meter_id"], "m-silent");
}

//! Integration, ledger and login events through Kafka: each lands exactly
//! once in its table, and a poison record of every kind is quarantined with
//! its topic, partition and offset while its partition keeps flowing.

#![allow(clippy::unwrap_used)] // in tests a panic is the failure report

mod support;

use chrono::{DateTime, TimeDelta, Utc};
use nexzo_schemas::ledger::{GENESIS_HASH, LedgerEntry, LedgerKind};
use nexzo_storage::registry::{SiteRow, upsert_site};
use support::kafka::{committed_and_end, create_topic, produce};
use support::pipeline::{Pipeline, Settings};
use support::{TestDb, database_url, eventually, unique_name, wait_for_count};

fn base() -> DateTime<Utc> {
    "2026-11-01T00:00:00Z".parse().unwrap()
}

fn originfd(i: i64, site: &str) -> Vec<u8> {
    let ts = (base() + TimeDelta::minutes(i)).to_rfc3339();
    format!(
        r#"{{"schema_version":1,"event_id":"ofd-{i}","event_type":"generation.reading","site_id":"{site}","ts":"{ts}","payload":{{"inverter_id":"inv-1","energy_wh":{}}}}}"#,
        1000 + i
    )
    .into_bytes()
}

/// A chain of `n` ledger entries with correct hashes.
fn ledger_chain(n: i64) -> Vec<Vec<u8>> {
    let mut prev = GENESIS_HASH.to_owned();
    (0..n)
        .map(|i| {
            let mut entry = LedgerEntry {
                entry_id: format!("le-{i}"),
                tenant_id: "tenant-k".into(),
                property_id: "prop-k".into(),
                account_id: format!("acc-{}", i % 3),
                kind: LedgerKind::Charge,
                amount_minor: 1000 + i,
                currency: "EUR".into(),
                actor_id: "svc-billing".into(),
                approver_id: None,
                reason_code: "monthly_rent".into(),
                ts: base() + TimeDelta::hours(i),
                prev_hash: prev.clone(),
                hash: String::new(),
            };
            entry.hash = entry.compute_hash();
            prev = entry.hash.clone();
            wire(&entry)
        })
        .collect()
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

fn login(i: i64) -> Vec<u8> {
    let ts = (base() + TimeDelta::seconds(i)).to_rfc3339();
    let outcome = if i % 4 == 0 {
        r#""failure","failure_reason":"bad_password""#
    } else {
        r#""success""#
    };
    format!(
        r#"{{"schema_version":1,"event_id":"auth-{i}","tenant_id":"tenant-k","user_id":"u-{}","ts":"{ts}","outcome":{outcome},"source_ip":"192.0.2.{}"}}"#,
        i % 7,
        i % 250
    )
    .into_bytes()
}

fn keyed(key: &str, payloads: Vec<Vec<u8>>) -> Vec<(String, Vec<u8>)> {
    payloads.into_iter().map(|p| (key.to_owned(), p)).collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn events_of_every_kind_land_exactly_once_and_poison_records_are_quarantined_in_place() {
    let db = TestDb::create(&database_url()).await;
    let site = SiteRow {
        site_id: "site-k1".into(),
        tenant_id: "tenant-k".into(),
        property_id: "prop-k".into(),
        active: true,
    };
    upsert_site(&db.client().await, &site).await.unwrap();
    let (ofd, ledger, logins) = (
        unique_name("ofd"),
        unique_name("ledger"),
        unique_name("logins"),
    );
    for topic in [&ofd, &ledger, &logins] {
        create_topic(topic, 1).await;
    }
    let group = unique_name("group");
    let settings = Settings::new(&db.url).with_kafka(
        &group,
        &[("originfd", &ofd), ("ledger", &ledger), ("logins", &logins)],
    );
    let _pipeline = Pipeline::start(&settings).await;

    // 50 events, the last 10 sent twice, with poison at offsets 20, 21, 22.
    let mut ofd_records: Vec<Vec<u8>> = (0..20).map(|i| originfd(i, "site-k1")).collect();
    ofd_records.push(b"{\"schema_version\":1,".to_vec());
    ofd_records.push(
        String::from_utf8(originfd(99, "site-k1"))
            .unwrap()
            .replace("generation.reading", "weather.report")
            .into_bytes(),
    );
    ofd_records.push(originfd(98, "site-unknown"));
    ofd_records.extend((20..50).map(|i| originfd(i, "site-k1")));
    ofd_records.extend((40..50).map(|i| originfd(i, "site-k1")));

    // 30 entries, 5 re-sent, and one whose amount was edited after hashing.
    let chain = ledger_chain(30);
    let mut ledger_records = chain.clone();
    ledger_records.extend(chain[..5].iter().cloned());
    let edited = String::from_utf8(chain[7].clone())
        .unwrap()
        .replace("\"amount_minor\":1007", "\"amount_minor\":7");
    ledger_records.push(edited.into_bytes());

    // 40 logins, 10 re-sent, and one without a user.
    let mut login_records: Vec<Vec<u8>> = (0..40).map(login).collect();
    login_records.extend((0..10).map(login));
    login_records.push(
        String::from_utf8(login(5))
            .unwrap()
            .replace("\"user_id\":\"u-5\",", "")
            .into_bytes(),
    );

    produce(&ofd, keyed("site-k1", ofd_records)).await;
    produce(&ledger, keyed("tenant-k", ledger_records)).await;
    produce(&logins, keyed("tenant-k", login_records)).await;

    wait_for_count(&db, "SELECT count(*) FROM integration_events", 50).await;
    wait_for_count(&db, "SELECT count(*) FROM ledger_entries", 30).await;
    wait_for_count(&db, "SELECT count(*) FROM login_events", 40).await;
    wait_for_count(&db, "SELECT count(*) FROM quarantine", 5).await;

    let client = db.client().await;
    let rows = client
        .query("SELECT topic, kafka_partition, kafka_offset, reason_code FROM quarantine ORDER BY topic, kafka_offset", &[])
        .await
        .unwrap();
    let mut found: Vec<(String, i32, i64, String)> = rows
        .iter()
        .map(|r| {
            (
                r.get(0),
                r.get::<_, Option<i32>>(1).unwrap(),
                r.get::<_, Option<i64>>(2).unwrap(),
                r.get(3),
            )
        })
        .collect();
    found.sort();
    let mut expected = vec![
        (ofd.clone(), 0, 20, "malformed_json".to_owned()),
        (ofd.clone(), 0, 21, "unknown_event_type".to_owned()),
        (ofd.clone(), 0, 22, "unknown_site".to_owned()),
        (ledger.clone(), 0, 35, "hash_mismatch".to_owned()),
        (logins.clone(), 0, 50, "schema_violation".to_owned()),
    ];
    expected.sort();
    assert_eq!(found, expected);

    let owned = db.count("SELECT count(*) FROM integration_events WHERE tenant_id = 'tenant-k' AND property_id = 'prop-k'");
    assert_eq!(
        owned.await,
        50,
        "events carry their site's tenant and property"
    );
    let sum: i64 = client
        .query_one("SELECT sum(amount_minor)::bigint FROM ledger_entries", &[])
        .await
        .unwrap()
        .get(0);
    assert_eq!(sum, (0..30).map(|i| 1000 + i).sum::<i64>());

    for topic in [ofd, ledger, logins] {
        let group = group.clone();
        eventually("offsets at the end of every topic", || {
            let offsets = committed_and_end(&group, &topic, 1);
            async move { offsets.iter().all(|(c, e)| c == e).then_some(()) }
        })
        .await;
    }
}

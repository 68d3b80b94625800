//! The ingest decision, case by case, without a network: what each payload
//! on each topic becomes against a fixed registry and clock.

#![allow(clippy::unwrap_used)] // in tests a panic is the failure report

use std::collections::HashMap;
use std::sync::Arc;

use bytes::Bytes;
use chrono::{DateTime, TimeDelta, Utc};
use nexzo_ingest::validate::{Input, OVERSIZED_KEPT_BYTES};
use nexzo_ingest::{IngestRules, MeterInfo, Outcome, RecordKind, Registry, SiteInfo};
use nexzo_schemas::{SourcePosition, Transport};

const CAP: usize = 2048;

fn rules() -> IngestRules {
    let kafka_topics = HashMap::from([
        ("k-readings".to_owned(), RecordKind::Readings),
        ("k-originfd".to_owned(), RecordKind::OriginFd),
        ("k-ledger".to_owned(), RecordKind::Ledger),
        ("k-logins".to_owned(), RecordKind::Logins),
    ]);
    IngestRules {
        max_payload_bytes: CAP,
        max_clock_skew: TimeDelta::minutes(5),
        topic_prefix: "site".into(),
        kafka_topics,
    }
}

fn registry() -> Registry {
    let meter = |gateway: Option<&str>, active: bool| MeterInfo {
        tenant_id: Arc::from("tenant-a"),
        property_id: Arc::from("prop-1"),
        gateway_id: gateway.map(Arc::from),
        active,
        time_zone: None,
    };
    let site = |active: bool| SiteInfo {
        tenant_id: Arc::from("tenant-s"),
        property_id: Arc::from("prop-s"),
        active,
    };
    Registry::new(
        HashMap::from([
            ("m-1".to_owned(), meter(Some("gw-1"), true)),
            ("m-2".to_owned(), meter(None, true)),
            ("m-off".to_owned(), meter(None, false)),
        ]),
        HashMap::from([
            ("site-berlin-07".to_owned(), site(true)),
            ("site-closed".to_owned(), site(false)),
        ]),
    )
}

fn now() -> DateTime<Utc> {
    "2026-12-01T12:00:00Z".parse().unwrap()
}

/// The reason codes (or "ok" and "event") `payload` on MQTT `topic` produces.
fn decide(topic: &str, payload: &str) -> Vec<String> {
    decide_on(Transport::Mqtt, topic, payload.as_bytes().to_vec())
}

fn decide_on(transport: Transport, topic: &str, payload: Vec<u8>) -> Vec<String> {
    decide_outcomes_on(transport, topic, payload, None)
        .iter()
        .map(|o| match o {
            Outcome::Accepted(_) => "ok".to_owned(),
            Outcome::Event(_) => "event".to_owned(),
            Outcome::Quarantined(q) => q.code.as_str().to_owned(),
        })
        .collect()
}

fn decide_outcomes(topic: &str, payload: Vec<u8>, item_index: Option<u32>) -> Vec<Outcome> {
    decide_outcomes_on(Transport::Mqtt, topic, payload, item_index)
}

fn decide_outcomes_on(
    transport: Transport,
    topic: &str,
    payload: Vec<u8>,
    item_index: Option<u32>,
) -> Vec<Outcome> {
    let payload = Bytes::from(payload);
    let position = SourcePosition {
        transport,
        topic: Arc::from(topic),
        partition: None,
        offset: None,
    };
    let input = Input {
        payload: &payload,
        position: &position,
        item_index,
        received_at: now(),
    };
    let mut out = Vec::new();
    rules().check(input, &registry(), now(), &mut out);
    out
}

fn single(meter: &str, ts: &str) -> String {
    format!(r#"{{"schema_version":1,"meter_id":"{meter}","ts":"{ts}","energy_wh":10}}"#)
}

#[test]
fn each_payload_becomes_what_the_rules_say() {
    let ok_ts = "2026-12-01T11:45:00Z";
    let cases: &[(&str, &str, String, &[&str])] = &[
        (
            "a registered meter on its own topic is accepted",
            "site/meters/m-1/readings",
            single("m-1", ok_ts),
            &["ok"],
        ),
        (
            "a reading for another meter on a meter topic is spoofing",
            "site/meters/m-2/readings",
            single("m-1", ok_ts),
            &["meter_mismatch"],
        ),
        (
            "an unregistered meter is refused",
            "site/meters/ghost/readings",
            single("ghost", ok_ts),
            &["unknown_meter"],
        ),
        (
            "a deactivated meter is refused",
            "site/meters/m-off/readings",
            single("m-off", ok_ts),
            &["inactive_meter"],
        ),
        (
            "four minutes ahead is clock drift and accepted",
            "site/meters/m-1/readings",
            single("m-1", "2026-12-01T12:04:00Z"),
            &["ok"],
        ),
        (
            "six minutes ahead is refused as future",
            "site/meters/m-1/readings",
            single("m-1", "2026-12-01T12:06:00Z"),
            &["future_timestamp"],
        ),
        (
            "a topic outside the prefix is unknown",
            "other/meters/m-1/readings",
            single("m-1", ok_ts),
            &["unknown_topic"],
        ),
        (
            "a gateway may report its assigned meter only",
            "site/gateways/gw-1/readings",
            format!(
                r#"{{"schema_version":1,"readings":[{{"meter_id":"m-1","ts":"{ok_ts}","energy_wh":1}},{{"meter_id":"m-2","ts":"{ok_ts}","energy_wh":1}}]}}"#
            ),
            &["ok", "meter_mismatch"],
        ),
        (
            "an unknown gateway speaks for nobody",
            "site/gateways/gw-9/readings",
            format!(
                r#"{{"schema_version":1,"readings":[{{"meter_id":"m-1","ts":"{ok_ts}","energy_wh":1}}]}}"#
            ),
            &["meter_mismatch"],
        ),
        (
            "a broken message is refused whole",
            "site/meters/m-1/readings",
            "{\"schema_version\":1,".into(),
            &["malformed_json"],
        ),
        (
            "a payload above the cap is refused before decoding",
            "site/meters/m-1/readings",
            "x".repeat(CAP + 1),
            &["oversized_payload"],
        ),
        (
            "a payload at the cap is decoded",
            "site/meters/m-1/readings",
            format!("{:<width$}", single("m-1", ok_ts), width = CAP),
            &["ok"],
        ),
    ];
    for (name, topic, payload, expected) in cases {
        assert_eq!(decide(topic, payload), *expected, "{name}");
    }
}

#[test]
fn an_accepted_reading_carries_its_owner_and_its_bytes() {
    let payload = single("m-1", "2026-12-01T11:45:00Z");
    let outcomes = decide_outcomes(
        "site/meters/m-1/readings",
        payload.clone().into_bytes(),
        None,
    );
    let [Outcome::Accepted(accepted)] = outcomes.as_slice() else {
        panic!("{outcomes:?}")
    };
    assert_eq!(&*accepted.tenant_id, "tenant-a");
    assert_eq!(&*accepted.property_id, "prop-1");
    assert_eq!(accepted.origin.raw, payload.as_bytes());
    assert_eq!(accepted.origin.item_index, None);
}

#[test]
fn an_oversized_payload_keeps_only_its_head() {
    let payload = vec![b'x'; OVERSIZED_KEPT_BYTES * 2];
    let outcomes = decide_outcomes("site/meters/m-1/readings", payload, None);
    let [Outcome::Quarantined(entry)] = outcomes.as_slice() else {
        panic!("{outcomes:?}")
    };
    assert_eq!(entry.origin.raw.len(), OVERSIZED_KEPT_BYTES);
    assert!(
        entry
            .message
            .contains(&(OVERSIZED_KEPT_BYTES * 2).to_string()),
        "{}",
        entry.message
    );
}

#[test]
fn a_replayed_batch_item_is_decided_on_its_own_bytes() {
    let item = r#"{"meter_id":"m-1","ts":"2026-12-01T11:45:00Z","energy_wh":3}"#;
    let outcomes = decide_outcomes(
        "site/gateways/gw-1/readings",
        item.as_bytes().to_vec(),
        Some(7),
    );
    let [Outcome::Accepted(accepted)] = outcomes.as_slice() else {
        panic!("{outcomes:?}")
    };
    assert_eq!(accepted.reading.energy_wh, 3);
    assert_eq!(accepted.origin.item_index, Some(7));
}

/// A valid example of a contract, as published beside its JSON Schema.
fn example(contract: &str, name: &str) -> Vec<u8> {
    let path = format!(
        "{}/../schemas/contracts/{contract}/examples/valid/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// (what the case shows, transport, topic, payload, expected outcomes)
type Case = (
    &'static str,
    Transport,
    &'static str,
    Vec<u8>,
    &'static [&'static str],
);

#[test]
fn kafka_and_webhook_records_are_held_to_their_topic_s_contract() {
    let originfd = example("originfd-event", "generation-reading-minimal.json");
    let foreign_site = String::from_utf8(originfd.clone())
        .unwrap()
        .replace("site-berlin-07", "site-paris-01");
    let closed_site = String::from_utf8(originfd.clone())
        .unwrap()
        .replace("site-berlin-07", "site-closed");
    let ledger = example("ledger-entry", "charge-without-approver.json");
    let tampered = String::from_utf8(ledger.clone()).unwrap().replacen(
        "\"amount_minor\":",
        "\"amount_minor\":1",
        1,
    );
    let login = example("login-event", "success-minimal.json");
    let stripe = example("stripe-event", "payout-paid.json");
    let any_meter = single("m-2", "2026-12-01T11:45:00Z").into_bytes();

    let cases: &[Case] = &[
        (
            "an event from a registered site is accepted",
            Transport::Kafka,
            "k-originfd",
            originfd.clone(),
            &["event"],
        ),
        (
            "an event from an unregistered site is refused",
            Transport::Kafka,
            "k-originfd",
            foreign_site.into_bytes(),
            &["unknown_site"],
        ),
        (
            "an event from a deactivated site is refused",
            Transport::Kafka,
            "k-originfd",
            closed_site.into_bytes(),
            &["unknown_site"],
        ),
        (
            "a ledger entry whose hash matches is accepted",
            Transport::Kafka,
            "k-ledger",
            ledger,
            &["event"],
        ),
        (
            "a ledger entry altered after hashing is refused",
            Transport::Kafka,
            "k-ledger",
            tampered.into_bytes(),
            &["hash_mismatch"],
        ),
        (
            "a login event is accepted",
            Transport::Kafka,
            "k-logins",
            login.clone(),
            &["event"],
        ),
        (
            "a login on the ledger topic breaks the ledger contract",
            Transport::Kafka,
            "k-ledger",
            login,
            &["schema_violation"],
        ),
        (
            "a service may send readings for any registered meter",
            Transport::Kafka,
            "k-readings",
            any_meter,
            &["ok"],
        ),
        (
            "a topic nobody configured is unknown",
            Transport::Kafka,
            "k-other",
            originfd.clone(),
            &["unknown_topic"],
        ),
        (
            "a signed Stripe webhook is held to the Stripe contract",
            Transport::Webhook,
            "stripe",
            stripe,
            &["event"],
        ),
        (
            "an OriginFD webhook is held to the OriginFD contract",
            Transport::Webhook,
            "originfd",
            originfd,
            &["event"],
        ),
    ];
    for (name, transport, topic, payload, expected) in cases {
        assert_eq!(
            decide_on(*transport, topic, payload.clone()),
            *expected,
            "{name}"
        );
    }
}

#[test]
fn an_accepted_originfd_event_is_owned_by_its_site_s_tenant_and_property() {
    let outcomes = decide_outcomes_on(
        Transport::Kafka,
        "k-originfd",
        example("originfd-event", "site-alarm-cleared.json"),
        None,
    );
    let [Outcome::Event(event)] = outcomes.as_slice() else {
        panic!("{outcomes:?}")
    };
    assert_eq!(&*event.tenant_id, "tenant-s");
    assert_eq!(event.property_id.as_deref(), Some("prop-s"));
}

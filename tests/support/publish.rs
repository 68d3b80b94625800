//! A QoS 1 publisher that waits for the broker to acknowledge everything.

use rumqttc::{AsyncClient, Event, Incoming, MqttOptions, QoS};

use super::{mqtt_address, unique_name};

/// The largest packet the test publisher sends: room for oversized-payload
/// tests, below the test broker's limit.
const MAX_PACKET_BYTES: usize = 1024 * 1024;

/// Publishes every `(topic, payload)` at QoS 1, in order, and returns once
/// the broker has acknowledged all of them.
pub async fn publish_all(messages: Vec<(String, Vec<u8>)>) {
    if messages.is_empty() {
        return;
    }
    let (host, port) = mqtt_address();
    let mut options = MqttOptions::new(unique_name("pub"), host, port);
    options
        .set_max_packet_size(MAX_PACKET_BYTES, MAX_PACKET_BYTES)
        .set_inflight(200);
    let (client, mut eventloop) = AsyncClient::new(options, 1000);

    let expected = messages.len();
    let sender = tokio::spawn(async move {
        for (topic, payload) in messages {
            client
                .publish(topic, QoS::AtLeastOnce, false, payload)
                .await
                .expect("queue publish");
        }
        client
    });

    let mut acked = 0;
    while acked < expected {
        match eventloop.poll().await {
            Ok(Event::Incoming(Incoming::PubAck(_))) => acked += 1,
            Ok(_) => {}
            Err(err) => panic!("test publisher lost its broker connection: {err}"),
        }
    }
    let client = sender.await.expect("publisher task");
    client.disconnect().await.ok();
    // Let the DISCONNECT go out.
    while eventloop.poll().await.is_ok() {}
}

/// A single reading message for `meter`, as a device sends it.
pub fn reading(meter: &str, ts: &str, energy_wh: i64) -> Vec<u8> {
    format!(r#"{{"schema_version":1,"meter_id":"{meter}","ts":"{ts}","energy_wh":{energy_wh}}}"#)
        .into_bytes()
}

/// An RFC 3339 timestamp `minutes` after a fixed base time in the past.
pub fn ts(minutes: i64) -> String {
    let base = chrono::DateTime::parse_from_rfc3339("2026-11-01T00:00:00Z").unwrap();
    (base + chrono::TimeDelta::minutes(minutes))
        .to_utc()
        .to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// How long to listen for the broker's dropped counter. Mosquitto publishes
/// a `$SYS` value (retained) only once it has changed from zero, and then
/// every `sys_interval` (1 s in the project's configuration): three
/// intervals without it mean nothing was ever dropped.
const SYS_WAIT: std::time::Duration = std::time::Duration::from_secs(3);

/// The broker's own count of messages it dropped for clients whose queues
/// were full, read from Mosquitto's `$SYS` tree. A publisher sees every
/// PUBACK even when this grows: it is the only trace of that loss.
pub async fn broker_dropped_messages() -> u64 {
    let (host, port) = mqtt_address();
    let (client, mut eventloop) =
        AsyncClient::new(MqttOptions::new(unique_name("sys"), host, port), 10);
    client
        .subscribe("$SYS/broker/publish/messages/dropped", QoS::AtMostOnce)
        .await
        .expect("subscribe to $SYS");
    let read = async {
        loop {
            match eventloop.poll().await {
                Ok(Event::Incoming(Incoming::Publish(p))) => {
                    break String::from_utf8_lossy(&p.payload)
                        .trim()
                        .parse()
                        .expect("a $SYS counter is a number");
                }
                Ok(_) => {}
                Err(err) => panic!("reading $SYS failed: {err}"),
            }
        }
    };
    let count = tokio::time::timeout(SYS_WAIT, read).await.unwrap_or(0);
    client.disconnect().await.ok();
    count
}

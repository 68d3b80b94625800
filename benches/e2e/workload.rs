//! The readings every run sends: which meter, which timestamp, which bytes.
//!
//! Reading `i` belongs to meter `i % METERS` and carries the timestamp
//! `base + i` seconds, so `(meter, ts)` is unique and a timestamp read back
//! from the table names the publish index it came from.

use chrono::{DateTime, Days, TimeDelta, Utc};

use crate::support::TestDb;
use crate::support::pipeline::Settings;

/// Meters in the fleet. One gateway batch of [`GATEWAY_BATCH`] readings then
/// holds one reading per meter, as a gateway polling its meters would send.
pub(crate) const METERS: usize = 100;

/// Readings per gateway message, the batched shape.
pub(crate) const GATEWAY_BATCH: usize = 100;

/// The gateway every meter of the fleet sits behind.
const GATEWAY: &str = "gw";

/// How far in the past the first reading lies: far enough that even a
/// long run's last timestamp is behind the clock (readings from the future
/// are refused), near enough that nothing treats the data as history.
const BASE_AGE_DAYS: u64 = 30;

/// The shape of the messages a run publishes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Shape {
    /// One reading per message, on the meter's own topic.
    Single,
    /// [`GATEWAY_BATCH`] readings per message, on the gateway's topic.
    Gateway,
}

impl Shape {
    /// Readings carried by one message.
    pub(crate) fn readings_per_message(self) -> usize {
        match self {
            Shape::Single => 1,
            Shape::Gateway => GATEWAY_BATCH,
        }
    }
}

/// The timestamps of one run, anchored at a midnight in the past.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Clock {
    base: DateTime<Utc>,
}

impl Clock {
    pub(crate) fn new() -> Clock {
        let midnight = Utc::now().date_naive().and_hms_opt(0, 0, 0).unwrap();
        let base = midnight.and_utc() - Days::new(BASE_AGE_DAYS);
        Clock { base }
    }

    /// The timestamp of reading `index`.
    pub(crate) fn ts(self, index: usize) -> DateTime<Utc> {
        self.base + TimeDelta::seconds(i64::try_from(index).unwrap())
    }

    /// The publish index a stored timestamp stands for.
    pub(crate) fn index(self, ts: DateTime<Utc>) -> usize {
        usize::try_from((ts - self.base).num_seconds()).unwrap()
    }
}

/// The meter that sends reading `index`.
pub(crate) fn meter(index: usize) -> String {
    format!("m-{}", index % METERS)
}

/// A cumulative register that never goes backwards for any meter.
pub(crate) fn energy_wh(index: usize) -> i64 {
    i64::try_from(index / METERS).unwrap()
}

/// Reading `index` as the JSON object a device or gateway sends.
fn reading_object(clock: Clock, index: usize) -> String {
    let ts = clock
        .ts(index)
        .to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    format!(
        r#""meter_id":"{}","ts":"{ts}","energy_wh":{}"#,
        meter(index),
        energy_wh(index)
    )
}

/// Reading `index` as a single-reading message body.
pub(crate) fn single_payload(clock: Clock, index: usize) -> Vec<u8> {
    format!(r#"{{"schema_version":1,{}}}"#, reading_object(clock, index)).into_bytes()
}

/// Message `message` of the run as MQTT `(topic, payload)`.
pub(crate) fn mqtt_message(
    settings: &Settings,
    clock: Clock,
    shape: Shape,
    message: usize,
) -> (String, Vec<u8>) {
    match shape {
        Shape::Single => (
            settings.meter_topic(&meter(message)),
            single_payload(clock, message),
        ),
        Shape::Gateway => {
            let first = message * GATEWAY_BATCH;
            let items: Vec<String> = (first..first + GATEWAY_BATCH)
                .map(|i| format!("{{{}}}", reading_object(clock, i)))
                .collect();
            let body = format!(r#"{{"schema_version":1,"readings":[{}]}}"#, items.join(","));
            (settings.gateway_topic(GATEWAY), body.into_bytes())
        }
    }
}

/// A fresh, migrated database on `server_url` with the fleet registered.
pub(crate) async fn fleet_db(server_url: &str) -> TestDb {
    let db = TestDb::create(server_url).await;
    db.register_fleet("m", METERS, ("t", "p"), Some(GATEWAY))
        .await;
    db
}

/// Test settings turned back into the production defaults for everything
/// that shapes throughput: the test scaffolding shortens the writer's
/// linger and the registry refresh to make tests quick, which a benchmark
/// must not inherit.
pub(crate) fn production_settings(db_url: &str) -> Settings {
    let mut settings = Settings::new(db_url);
    settings.ingest.clear();
    settings.writer.clear();
    settings
}

//! Shared scaffolding for the integration tests: real services found through
//! environment variables (set by `deploy/local/services.sh env`), one fresh
//! database and one topic prefix per test, and the pipeline run as a real
//! child process so it can be signalled and killed.

#![allow(dead_code)] // each test binary uses a different part of this module
#![allow(unreachable_pub)] // test helpers are shared between modules, not exported

pub mod http;
pub mod kafka;
pub mod pipeline;
pub mod publish;

use std::future::Future;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

use nexzo_storage::registry::{self, MeterRow};
use tokio_postgres::Client;

/// How long a test waits for an expected state before failing. Generous,
/// because CI machines are slow and a timeout only matters when the
/// expected state never comes.
pub const PATIENCE: Duration = Duration::from_secs(90);

/// The local TimescaleDB the project's scripts start.
pub fn database_url() -> String {
    std::env::var("NEXZO_TEST_DATABASE_URL")
        .unwrap_or_else(|_| "postgres://nexzo:nexzo-local@127.0.0.1:55432/nexzo".into())
}

/// The broker the project's scripts start, as (host, port).
pub fn mqtt_address() -> (String, u16) {
    let url =
        std::env::var("NEXZO_TEST_MQTT_URL").unwrap_or_else(|_| "mqtt://127.0.0.1:11883".into());
    let rest = url.trim_start_matches("mqtt://");
    let (host, port) = rest
        .rsplit_once(':')
        .expect("NEXZO_TEST_MQTT_URL names a port");
    (
        host.to_owned(),
        port.parse().expect("NEXZO_TEST_MQTT_URL port"),
    )
}

/// A name unique to this test run and call, usable in database names,
/// topics and MQTT client ids.
pub fn unique_name(label: &str) -> String {
    static COUNTER: AtomicU32 = AtomicU32::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .subsec_nanos();
    format!(
        "{label}_{}_{}_{nanos}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    )
}

/// A database of its own for one test, migrated.
pub struct TestDb {
    pub url: String,
    pub name: String,
}

impl TestDb {
    /// Creates a fresh database on the server behind `base_url`.
    pub async fn create(base_url: &str) -> TestDb {
        let name = unique_name("nexzo_test");
        let admin = nexzo_storage::connect(base_url)
            .await
            .expect("connect to the test server");
        admin
            .batch_execute(&format!("CREATE DATABASE {name}"))
            .await
            .expect("create test database");
        let (prefix, _) = base_url
            .rsplit_once('/')
            .expect("database url ends in /dbname");
        let db = TestDb {
            url: format!("{prefix}/{name}"),
            name,
        };
        let mut client = db.client().await;
        nexzo_storage::migrate::run(&mut client)
            .await
            .expect("migrate test database");
        db
    }

    pub async fn client(&self) -> Client {
        nexzo_storage::connect(&self.url)
            .await
            .expect("connect to the test database")
    }

    /// Registers meters as `(meter, tenant, property, gateway, active)`.
    pub async fn register(&self, meters: &[(&str, &str, &str, Option<&str>, bool)]) {
        let client = self.client().await;
        for (meter, tenant, property, gateway, active) in meters {
            let row = MeterRow {
                meter_id: (*meter).into(),
                tenant_id: (*tenant).into(),
                property_id: (*property).into(),
                gateway_id: gateway.map(Into::into),
                active: *active,
                time_zone: None,
            };
            registry::upsert(&client, &row)
                .await
                .expect("register meter");
        }
    }

    /// Registers `count` active meters named `{prefix}-0`, `{prefix}-1`, …
    /// for one tenant and property, optionally behind one gateway.
    pub async fn register_fleet(
        &self,
        prefix: &str,
        count: usize,
        owner: (&str, &str),
        gateway: Option<&str>,
    ) {
        let names: Vec<String> = (0..count).map(|m| format!("{prefix}-{m}")).collect();
        let rows: Vec<_> = names
            .iter()
            .map(|n| (n.as_str(), owner.0, owner.1, gateway, true))
            .collect();
        self.register(&rows).await;
    }

    pub async fn count(&self, sql: &str) -> i64 {
        self.client()
            .await
            .query_one(sql, &[])
            .await
            .expect(sql)
            .get(0)
    }
}

/// Polls `probe` until it returns `Some`, failing the test after [`PATIENCE`].
pub async fn eventually<T, F, Fut>(what: &str, mut probe: F) -> T
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Option<T>>,
{
    let started = Instant::now();
    loop {
        if let Some(value) = probe().await {
            return value;
        }
        assert!(started.elapsed() < PATIENCE, "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Waits until `sql` (a count) returns `expected`.
pub async fn wait_for_count(db: &TestDb, sql: &str, expected: i64) {
    let started = Instant::now();
    loop {
        let now = db.count(sql).await;
        if now == expected {
            return;
        }
        assert!(
            started.elapsed() < PATIENCE,
            "timed out: {sql} is {now}, expected {expected}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

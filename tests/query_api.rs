//! The query API as operators run it: in the pipeline's process
//! (`run --api`) and on its own (`api`), with keys made and revoked by the
//! command line. The API's own behaviour (roles, row-level security, rate
//! limits, every endpoint) is tested in `api/tests`; this is the wiring.

#![allow(clippy::unwrap_used)] // in tests a panic is the failure report

mod support;

use serde_json::Value;
use support::http::{free_port, get_with};
use support::pipeline::{Pipeline, Settings, command};
use support::publish::{publish_all, reading, ts};
use support::{TestDb, database_url, eventually, wait_for_count};

/// Settings whose API listens on a port of its own.
fn settings_with_api(db: &TestDb) -> (Settings, u16) {
    let port = free_port();
    let mut settings = Settings::new(&db.url);
    settings.extra = format!("[api]\nlisten = \"127.0.0.1:{port}\"\n");
    (settings, port)
}

/// Runs `api-keys create` and returns the key it printed.
fn create_key(settings: &Settings, tenant: &str, scopes: &[&str]) -> String {
    let mut args = vec!["api-keys", "create", "--tenant", tenant, "--name", "test"];
    for scope in scopes {
        args.extend(["--scope", scope]);
    }
    let (status, stdout, stderr) = command(settings, &args);
    assert!(status.success(), "api-keys create failed: {stderr}");
    let key = stdout.trim().to_owned();
    assert!(key.starts_with("nxk_"), "unexpected key output {stdout:?}");
    key
}

async fn latest_readings(port: u16, key: &str, property: &str) -> (u16, Value) {
    let bearer = format!("Bearer {key}");
    let path = format!("/v1/properties/{property}/latest-readings");
    let (status, body) = get_with(port, &path, &[("Authorization", &bearer)]).await;
    let json = serde_json::from_str(&body).unwrap_or(Value::Null);
    (status, json)
}

#[tokio::test(flavor = "multi_thread")]
async fn the_pipeline_serves_its_readings_to_a_key_made_on_the_command_line() {
    let db = TestDb::create(&database_url()).await;
    let (mut settings, port) = settings_with_api(&db);
    settings.ready = Some("query API listening");
    let pipeline = Pipeline::start_command(&settings, &["run", "--api"]).await;
    pipeline.wait_for_log("mqtt source subscribed").await;

    let (status, _, stderr) = command(
        &settings,
        &[
            "meters",
            "put",
            "--meter",
            "api-1",
            "--tenant",
            "t1",
            "--property",
            "p1",
            "--unit",
            "u-4",
        ],
    );
    assert!(status.success(), "meters put failed: {stderr}");
    let unit = db
        .client()
        .await
        .query_one("SELECT unit_id FROM meters WHERE meter_id = 'api-1'", &[])
        .await
        .unwrap()
        .get::<_, Option<String>>(0);
    assert_eq!(unit.as_deref(), Some("u-4"));

    // The registry refresh is 200 ms in the test settings: publish until
    // the meter is taken.
    let topic = settings.meter_topic("api-1");
    eventually("the meter's reading to be stored", || {
        let (topic, db) = (topic.clone(), &db);
        async move {
            publish_all(vec![(topic, reading("api-1", &ts(0), 4321))]).await;
            (db.count("SELECT count(*) FROM readings").await > 0).then_some(())
        }
    })
    .await;
    wait_for_count(&db, "SELECT count(*) FROM readings", 1).await;

    let key = create_key(&settings, "t1", &["meters:read"]);
    let (status, body) = latest_readings(port, &key, "p1").await;
    assert_eq!(status, 200, "{body}");
    let items = body["items"].as_array().unwrap();
    assert_eq!(items.len(), 1, "{body}");
    assert_eq!(items[0]["meter_id"], "api-1");
    assert_eq!(items[0]["energy_wh"], 4321);

    // Another tenant's key learns nothing, not even that the property
    // exists.
    let stranger = create_key(&settings, "t2", &["meters:read"]);
    let (status, body) = latest_readings(port, &stranger, "p1").await;
    assert_eq!(status, 404, "{body}");

    let key_id = key.trim_start_matches("nxk_").split('_').next().unwrap();
    let (status, stdout, stderr) = command(
        &settings,
        &["api-keys", "revoke", "--tenant", "t1", "--id", key_id],
    );
    assert!(status.success(), "api-keys revoke failed: {stderr}");
    assert!(stdout.contains("revoked"), "{stdout}");
    let (status, body) = latest_readings(port, &key, "p1").await;
    assert_eq!(status, 401, "{body}");

    // Revoking it twice is an error an operator sees.
    let (status, _, stderr) = command(
        &settings,
        &["api-keys", "revoke", "--tenant", "t1", "--id", key_id],
    );
    assert!(!status.success());
    assert!(stderr.contains("no key"), "{stderr}");
    assert!(pipeline.terminate().await.success());

    // The API alone serves the same rows once the pipeline has gone.
    let mut alone = settings.clone();
    alone.ready = Some("query API listening");
    let api = Pipeline::start_command(&alone, &["api"]).await;
    let key = create_key(&settings, "t1", &["meters:read"]);
    let (status, body) = latest_readings(port, &key, "p1").await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["items"][0]["energy_wh"], 4321);
    assert!(api.terminate().await.success());
}

#[tokio::test(flavor = "multi_thread")]
async fn a_key_request_naming_no_known_scope_is_refused_before_anything_is_stored() {
    let db = TestDb::create(&database_url()).await;
    let (settings, _) = settings_with_api(&db);
    let (status, _, _) = command(&settings, &["migrate"]);
    assert!(status.success());

    let (status, _, stderr) = command(
        &settings,
        &[
            "api-keys",
            "create",
            "--tenant",
            "t1",
            "--name",
            "x",
            "--scope",
            "usage:write",
        ],
    );
    assert!(!status.success());
    assert!(
        stderr.contains("usage:read"),
        "the known scopes are listed: {stderr}"
    );
    assert_eq!(db.count("SELECT count(*) FROM api_keys").await, 0);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_key_reading_beyond_its_limit_raises_a_mass_export_alert() {
    let db = TestDb::create(&database_url()).await;
    let (mut settings, port) = settings_with_api(&db);
    // Tiny limits so that three rows are an export; the window in progress
    // is judged when the API stops, so the test need not wait for one.
    settings
        .extra
        .push_str("\n[anomaly.api_export]\nmin_rows = 1\ncold_max_rows = 2\n");
    let (status, _, stderr) = command(&settings, &["migrate"]);
    assert!(status.success(), "{stderr}");
    for meter in ["x-1", "x-2", "x-3"] {
        let args = [
            "meters",
            "put",
            "--meter",
            meter,
            "--tenant",
            "t1",
            "--property",
            "p1",
        ];
        let (status, _, stderr) = command(&settings, &args);
        assert!(status.success(), "{stderr}");
    }
    let key = create_key(&settings, "t1", &["meters:read"]);
    let key_id = key.trim_start_matches("nxk_").split('_').next().unwrap();

    settings.ready = Some("query API listening");
    let api = Pipeline::start_command(&settings, &["api"]).await;
    let (status, body) = latest_readings(port, &key, "p1").await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["items"].as_array().unwrap().len(), 3, "{body}");
    assert!(api.terminate().await.success());

    let row = db
        .client()
        .await
        .query_one(
            "SELECT tenant_id, family, subject->>'api_key_id', (evidence->>'rows')::int8
             FROM alerts WHERE kind = 'api_mass_export'",
            &[],
        )
        .await
        .unwrap();
    assert_eq!(row.get::<_, String>(0), "t1");
    assert_eq!(row.get::<_, String>(1), "api");
    assert_eq!(row.get::<_, String>(2), key_id);
    assert_eq!(row.get::<_, i64>(3), 3);
}

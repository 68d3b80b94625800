//! Hostile text in every parameter: it is bound as data, so it changes
//! nothing, leaks nothing and never becomes a 500.

mod support;

use reqwest::StatusCode;
use serde_json::json;
use support::fixtures::B_MARKERS;
use support::{TestApi, token};

/// SQL fragments, quoting tricks, wildcards, JSON and encoding oddities.
const PAYLOADS: [&str; 10] = [
    "' OR '1'='1",
    "pa-1' OR tenant_id <> 'tenant-a' --",
    "'; DROP TABLE alerts; --",
    "%",
    "pa-1%' OR '1'='1",
    "\") OR 1=1 --",
    "tenant-b",
    "$1",
    "{\"meter_id\": \"mb-1\"}",
    "\u{0}nul",
];

fn encoded(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// Every parameter of every endpoint, with `p` in it.
fn requests(p: &str) -> Vec<String> {
    let e = encoded(p);
    let range = "from=2026-03-08T00:00:00Z&to=2026-03-10T00:00:00Z";
    vec![
        format!("/v1/usage/meters/{e}?width=1h&{range}"),
        format!("/v1/usage/properties/{e}?width=1h&{range}"),
        format!("/v1/usage/tenant?width={e}&{range}"),
        format!("/v1/usage/tenant?width=1h&from={e}&to=2026-03-10T00:00:00Z"),
        format!("/v1/properties/{e}/meters"),
        format!("/v1/properties/pa-1/meters?cursor={e}"),
        format!("/v1/properties/{e}/latest-readings?limit={e}"),
        format!("/v1/meters/{e}/latest-reading"),
        format!("/v1/alerts?kind={e}"),
        format!("/v1/alerts?severity={e}"),
        format!("/v1/alerts?status={e}"),
        format!("/v1/alerts?subject=meter_id:{e}"),
        format!("/v1/alerts?subject={e}:x"),
        format!("/v1/alerts?cursor={e}"),
        format!("/v1/alerts?from={e}"),
        format!("/v1/alerts/{e}"),
        format!("/v1/quarantine?reason_code={e}"),
        format!("/v1/quarantine?cursor={e}"),
        format!("/v1/quarantine/{e}"),
    ]
}

#[tokio::test]
async fn hostile_parameters_change_nothing_and_leak_nothing() {
    let api = TestApi::default().await;
    let admin = token("tenant-a", "admin", &[], &[]);
    let before = snapshot(&api).await;

    for payload in PAYLOADS {
        for path in requests(payload) {
            let reply = api.get(&path, Some(&admin)).await;
            assert!(
                [
                    StatusCode::OK,
                    StatusCode::BAD_REQUEST,
                    StatusCode::NOT_FOUND
                ]
                .contains(&reply.status),
                "{path}: {} {}",
                reply.status,
                reply.text
            );
            assert!(
                reply.json["error"].is_object() || reply.status == StatusCode::OK,
                "{path}"
            );
            for marker in B_MARKERS {
                // A 400 may quote the caller's own text back; data never.
                let quoted = reply.status == StatusCode::BAD_REQUEST && payload.contains(marker);
                assert!(
                    quoted || !reply.text.contains(marker),
                    "{path} leaked {marker}"
                );
            }
            if reply.status == StatusCode::OK && path.starts_with("/v1/alerts?") {
                let items = reply.json["items"].as_array().map_or(0, Vec::len);
                assert_eq!(items, 0, "{path} matched rows it should not");
            }
        }
    }
    assert_eq!(snapshot(&api).await, before);
}

#[tokio::test]
async fn a_hostile_note_is_stored_verbatim_and_changes_nothing_else() {
    let api = TestApi::default().await;
    let analyst = token("tenant-a", "analyst", &[], &[]);
    let before = snapshot(&api).await;
    let note = "x'); UPDATE alerts SET status = 'resolved'; --";

    let reply = api
        .post(
            "/v1/alerts/alert-a-2/status",
            Some(&analyst),
            &json!({"status": "acknowledged", "note": note}),
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);

    let client = api.db.client().await;
    let stored: String = client
        .query_one(
            "SELECT note FROM alert_status_changes WHERE alert_id = 'alert-a-2'",
            &[],
        )
        .await
        .expect("history row")
        .get(0);
    assert_eq!(stored, note);
    let resolved = api
        .db
        .count("SELECT count(*) FROM alerts WHERE status = 'resolved'")
        .await;
    assert_eq!(resolved, 0);
    let mut expected = before.0.clone();
    expected[4] += 1; // the one history row of this change
    assert_eq!(
        snapshot(&api).await.0,
        expected,
        "nothing else appeared or vanished"
    );

    let nul = api
        .post(
            "/v1/alerts/alert-a-2/status",
            Some(&analyst),
            &json!({"status": "resolved", "note": "a\u{0}b"}),
        )
        .await;
    assert_eq!(nul.status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn hostile_tokens_claims_are_data_too() {
    // A validly signed token whose claims carry SQL: the tenant is bound as
    // a parameter and simply matches no rows.
    let api = TestApi::default().await;
    for tenant in ["tenant-a' OR '1'='1", "tenant-b' --", "%"] {
        let admin = token(tenant, "admin", &["' OR 1=1 --"], &["%"]);
        for path in ["/v1/alerts", "/v1/quarantine"] {
            let reply = api.get(path, Some(&admin)).await;
            assert_eq!(reply.status, StatusCode::OK, "{tenant} {path}");
            assert_eq!(
                reply.json["items"].as_array().map(Vec::len),
                Some(0),
                "{tenant} {path}"
            );
        }
    }
}

/// Row counts of every table the API touches, and every alert's status.
async fn snapshot(api: &TestApi) -> (Vec<i64>, Vec<String>) {
    let mut counts = Vec::new();
    for table in [
        "readings",
        "energy_rollups",
        "meters",
        "alerts",
        "alert_status_changes",
        "quarantine",
        "api_keys",
    ] {
        counts.push(api.db.count(&format!("SELECT count(*) FROM {table}")).await);
    }
    let statuses = api
        .db
        .client()
        .await
        .query(
            "SELECT alert_id || ':' || status FROM alerts ORDER BY alert_id",
            &[],
        )
        .await
        .expect("statuses")
        .iter()
        .map(|r| r.get(0))
        .collect();
    (counts, statuses)
}

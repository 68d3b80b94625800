//! Cross-tenant attempts: every role of tenant A, and an API key of A,
//! against every endpoint with tenant B's ids, first with both scoping
//! layers and then with row-level security alone.

mod support;

use nexzo_api::TenantFilter;
use nexzo_api::authz::KeyScope;
use nexzo_storage::portal::{self, Access, Scope, alerts::AlertFilter};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use support::fixtures::{A_WH, B_MARKERS, HOURLY_RANGE};
use support::{TestApi, claims, hs256, test_config, token};

/// One request: method, path, body.
type Probe = (Method, String, Option<Value>);

/// Every endpoint, aimed at tenant B.
async fn probes_at_b(api: &TestApi) -> Vec<Probe> {
    let b_entry: i64 = api
        .db
        .client()
        .await
        .query_one("SELECT id FROM quarantine WHERE meter_id = 'mb-1'", &[])
        .await
        .expect("B's quarantine row")
        .get(0);
    let get = |path: String| (Method::GET, path, None);
    vec![
        get(format!("/v1/usage/meters/mb-1?{HOURLY_RANGE}")),
        get(format!("/v1/usage/properties/pb-1?{HOURLY_RANGE}")),
        get(format!("/v1/usage/tenant?{HOURLY_RANGE}")),
        get("/v1/properties/pb-1/meters".into()),
        get("/v1/properties/pb-1/latest-readings".into()),
        get("/v1/meters/mb-1/latest-reading".into()),
        get("/v1/alerts".into()),
        get("/v1/alerts?subject=meter_id:mb-1".into()),
        get("/v1/alerts/alert-b-1".into()),
        (
            Method::POST,
            "/v1/alerts/alert-b-1/status".into(),
            Some(json!({"status": "resolved", "note": "cross-tenant"})),
        ),
        get("/v1/quarantine".into()),
        get(format!("/v1/quarantine/{b_entry}")),
    ]
}

/// Tenant A's callers: every role, a landlord whose token names B's
/// property and unit, and a key with every scope.
async fn callers_of_a(api: &TestApi) -> Vec<(String, String)> {
    let mut callers: Vec<(String, String)> =
        ["tenant", "landlord", "service_provider", "analyst", "admin"]
            .iter()
            .map(|role| {
                let t = token("tenant-a", role, &["pa-1", "pa-2"], &["ua-1"]);
                ((*role).to_owned(), t)
            })
            .collect();
    callers.push((
        "landlord naming B's property".into(),
        token("tenant-a", "landlord", &["pb-1", "pb-2"], &["ub-1"]),
    ));
    let client = api.db.client().await;
    let (_, key) = nexzo_api::create_api_key(&client, "tenant-a", "probe", &KeyScope::ALL, &[])
        .await
        .expect("create key");
    callers.push(("api key".into(), key.expose().to_owned()));
    callers
}

/// Sends every probe as every caller; nothing of B may come back.
async fn assert_nothing_of_b_reaches_a(api: &TestApi) {
    let probes = probes_at_b(api).await;
    for (who, credential) in callers_of_a(api).await {
        for (method, path, body) in &probes {
            let mut request = api
                .http
                .request(method.clone(), format!("{}{path}", api.base));
            if let Some(body) = body {
                request = request.json(body);
            }
            let reply = api.send(request, Some(&credential)).await;
            let is_list = ["/v1/usage/tenant", "/v1/alerts?", "/v1/quarantine"]
                .iter()
                .any(|l| path.starts_with(l) && !path[l.len()..].starts_with('/'))
                || path == "/v1/alerts";
            let allowed = if is_list {
                [StatusCode::OK, StatusCode::FORBIDDEN].contains(&reply.status)
            } else {
                [StatusCode::NOT_FOUND, StatusCode::FORBIDDEN].contains(&reply.status)
            };
            assert!(
                allowed,
                "{who} {method} {path}: {} {}",
                reply.status, reply.text
            );
            for marker in B_MARKERS {
                assert!(
                    !reply.text.contains(marker),
                    "{who} {path} leaked {marker}: {}",
                    reply.text
                );
            }
        }
    }

    // Nothing was written to B either.
    let b_status = api
        .db
        .count("SELECT count(*) FROM alerts WHERE tenant_id = 'tenant-b' AND status <> 'open'")
        .await;
    let b_history = api
        .db
        .count("SELECT count(*) FROM alert_status_changes")
        .await;
    assert_eq!((b_status, b_history), (0, 0));
}

/// Tenant A's own data does come back, so the probes above could fail.
async fn assert_a_sees_its_own(api: &TestApi) {
    let admin = token("tenant-a", "admin", &[], &[]);
    let reply = api
        .get(&format!("/v1/usage/tenant?{HOURLY_RANGE}"), Some(&admin))
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    let buckets = reply.json["buckets"].as_array().expect("buckets");
    assert_eq!(buckets.len(), 48);
    assert!(
        buckets.iter().all(|b| b["energy_wh"] == json!(3 * A_WH)),
        "{}",
        reply.text
    );

    let analyst = token("tenant-a", "analyst", &[], &[]);
    let reply = api.get("/v1/alerts", Some(&analyst)).await;
    assert_eq!(
        reply.json["items"].as_array().map(Vec::len),
        Some(3),
        "{}",
        reply.text
    );

    let reply = api.get("/v1/quarantine", Some(&admin)).await;
    assert_eq!(
        reply.json["items"].as_array().map(Vec::len),
        Some(1),
        "{}",
        reply.text
    );

    let resident = token("tenant-a", "tenant", &[], &["ua-1"]);
    let mine = api
        .get("/v1/meters/ma-1/latest-reading", Some(&resident))
        .await;
    let neighbour = api
        .get("/v1/meters/ma-2/latest-reading", Some(&resident))
        .await;
    assert_eq!(
        (mine.status, neighbour.status),
        (StatusCode::OK, StatusCode::NOT_FOUND)
    );
}

#[tokio::test]
async fn no_caller_of_one_tenant_reads_or_changes_anything_of_another() {
    let api = TestApi::default().await;
    assert_a_sees_its_own(&api).await;
    assert_nothing_of_b_reaches_a(&api).await;
}

#[tokio::test]
async fn row_level_security_alone_still_keeps_tenants_apart() {
    let api = TestApi::start(test_config(), TenantFilter::RowSecurityOnly).await;
    assert_a_sees_its_own(&api).await;
    assert_nothing_of_b_reaches_a(&api).await;
}

#[tokio::test]
async fn without_the_tenant_clause_only_the_policies_stand_between_tenants() {
    // The control for the test above: the same statement with its tenant
    // clause off does return tenant B's alerts to the owner role, which the
    // policies do not restrict; through the API's role they vanish.
    let api = TestApi::default().await;
    let scope = Scope {
        sql_tenant_filter: false,
        ..Scope::tenant("tenant-a")
    };
    let filter = AlertFilter {
        limit: 100,
        ..AlertFilter::default()
    };
    let mut client = api.db.client().await;

    let owner = client.transaction().await.expect("owner transaction");
    let unguarded = portal::alerts::list(&owner, &scope, &filter)
        .await
        .expect("list");
    assert_eq!(unguarded.len(), 6, "the filter is really off");
    drop(owner);

    let tx = portal::begin(&mut client, Some("tenant-a"), Access::ReadOnly, 5000)
        .await
        .expect("API transaction");
    let guarded = portal::alerts::list(&tx, &scope, &filter)
        .await
        .expect("list");
    assert_eq!(guarded.len(), 3);
    assert!(guarded.iter().all(|a| a.alert_id.starts_with("alert-a-")));
}

#[tokio::test]
async fn an_api_transaction_without_a_tenant_sees_no_rows_at_all() {
    let api = TestApi::default().await;
    let mut client = api.db.client().await;
    let tx = portal::begin(&mut client, None, Access::ReadOnly, 5000)
        .await
        .expect("begin");
    for table in [
        "readings",
        "energy_rollups",
        "meters",
        "alerts",
        "quarantine",
    ] {
        let count: i64 = tx
            .query_one(&format!("SELECT count(*) FROM {table}"), &[])
            .await
            .expect("count")
            .get(0);
        assert_eq!(count, 0, "{table}");
    }
    let denied = tx.query("SELECT * FROM api_keys", &[]).await;
    assert!(denied.is_err(), "the API role cannot read key hashes");
}

#[tokio::test]
async fn a_token_for_tenant_b_changes_nothing_for_tenant_a_callers() {
    // The benign mirror: B's own admin does see B, so B_MARKERS are real.
    let api = TestApi::default().await;
    let admin_b = hs256(&claims("tenant-b", "admin", &[], &[]));
    let reply = api.get("/v1/alerts", Some(&admin_b)).await;
    assert_eq!(reply.status, StatusCode::OK);
    assert!(reply.text.contains("alert-b-1"));
}

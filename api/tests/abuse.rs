//! Rate limits per credential and per address, size caps, and the count
//! of rows read per credential.

mod support;

use std::time::Duration;

use nexzo_api::limits::Reader;
use reqwest::StatusCode;
use support::fixtures::HOURLY_RANGE;
use support::{TestApi, test_config, token};

#[tokio::test]
async fn a_credential_over_its_rate_gets_429_with_retry_after_and_recovers() {
    let mut config = test_config();
    config.rate_limit_per_key_per_sec = 1;
    config.rate_limit_per_key_burst = 3;
    let api = TestApi::start(config, nexzo_api::TenantFilter::SqlAndRowSecurity).await;
    let analyst = token("tenant-a", "analyst", &[], &[]);
    let other = hs_other_user();

    for _ in 0..3 {
        assert_eq!(
            api.get("/v1/alerts", Some(&analyst)).await.status,
            StatusCode::OK
        );
    }
    let limited = api.get("/v1/alerts", Some(&analyst)).await;
    assert_eq!(
        (limited.status, limited.code()),
        (StatusCode::TOO_MANY_REQUESTS, "rate_limited")
    );
    let retry_after: u64 = limited.headers["retry-after"]
        .to_str()
        .expect("ascii")
        .parse()
        .expect("seconds");
    assert!((1..=2).contains(&retry_after), "{retry_after}");

    // Another person of the same tenant has a bucket of their own.
    assert_eq!(
        api.get("/v1/alerts", Some(&other)).await.status,
        StatusCode::OK
    );

    tokio::time::sleep(Duration::from_secs(retry_after)).await;
    assert_eq!(
        api.get("/v1/alerts", Some(&analyst)).await.status,
        StatusCode::OK
    );
}

fn hs_other_user() -> String {
    let mut claims = support::claims("tenant-a", "analyst", &[], &[]);
    claims["sub"] = "someone-else".into();
    support::hs256(&claims)
}

#[tokio::test]
async fn an_address_over_its_rate_gets_429_even_without_credentials() {
    let mut config = test_config();
    config.rate_limit_per_address_per_sec = 1;
    config.rate_limit_per_address_burst = 2;
    let api = TestApi::start(config, nexzo_api::TenantFilter::SqlAndRowSecurity).await;

    assert_eq!(
        api.get("/v1/alerts", None).await.status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(api.get("/healthz", None).await.status, StatusCode::OK);
    let limited = api.get("/v1/alerts", None).await;
    assert_eq!(limited.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(limited.headers.contains_key("retry-after"));
    assert!(
        limited.headers.contains_key("content-security-policy"),
        "errors carry the headers"
    );

    tokio::time::sleep(Duration::from_secs(1)).await;
    assert_eq!(api.get("/healthz", None).await.status, StatusCode::OK);
}

#[tokio::test]
async fn pages_and_ranges_are_capped_by_their_configured_limits() {
    let mut config = test_config();
    config.max_page_rows = 2;
    config.default_page_rows = 2;
    config.max_usage_buckets = 48;
    config.max_range_days = 3;
    let api = TestApi::start(config, nexzo_api::TenantFilter::SqlAndRowSecurity).await;
    let admin = token("tenant-a", "admin", &[], &[]);

    let page = api.get("/v1/alerts?limit=1000", Some(&admin)).await;
    assert_eq!(
        page.json["items"].as_array().map(Vec::len),
        Some(2),
        "{}",
        page.text
    );
    assert!(page.json["next_cursor"].is_string());

    let hourly = api
        .get(&format!("/v1/usage/tenant?{HOURLY_RANGE}"), Some(&admin))
        .await;
    assert_eq!(
        hourly.status,
        StatusCode::OK,
        "48 hourly buckets are within the cap"
    );
    let quarters = HOURLY_RANGE.replace("1h", "15m");
    let too_many = api
        .get(&format!("/v1/usage/tenant?{quarters}"), Some(&admin))
        .await;
    assert_eq!(
        (too_many.status, too_many.code()),
        (StatusCode::BAD_REQUEST, "invalid_parameter")
    );
    let too_long = api
        .get(
            "/v1/usage/tenant?width=1d&from=2026-01-01T00:00:00Z&to=2026-03-01T00:00:00Z",
            Some(&admin),
        )
        .await;
    assert_eq!(too_long.status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn rows_returned_are_counted_per_credential() {
    let api = TestApi::default().await;
    let admin = token("tenant-a", "admin", &[], &[]);
    let analyst = token("tenant-a", "analyst", &[], &[]);
    api.get("/v1/alerts", Some(&analyst)).await;
    assert!(
        api.state.reads().is_empty(),
        "nothing is counted until counting is asked for"
    );

    api.state.count_reads_per_reader(true);
    api.get(&format!("/v1/usage/tenant?{HOURLY_RANGE}"), Some(&admin))
        .await;
    api.get("/v1/alerts", Some(&analyst)).await;
    api.get("/v1/alerts", Some(&analyst)).await;

    let reads = api.state.take_reads();
    let person = |subject: &str| Reader {
        tenant_id: "tenant-a".into(),
        subject: subject.into(),
        api_key: false,
    };
    assert_eq!(reads.get(&person("admin-user")), Some(&48));
    assert_eq!(reads.get(&person("analyst-user")), Some(&6));
    assert_eq!(reads.len(), 2, "{reads:#?}");
    assert!(api.state.reads().is_empty(), "take starts the counts again");
}

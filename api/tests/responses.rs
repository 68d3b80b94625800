//! What every response carries: the security headers (errors included),
//! CORS for configured origins only, one error shape, and the operational
//! endpoints.

mod support;

use metrics_exporter_prometheus::PrometheusBuilder;
use reqwest::{Method, StatusCode};
use support::fixtures::HOURLY_RANGE;
use support::{TestApi, test_config, token};

const SECURITY_HEADERS: [&str; 5] = [
    "content-security-policy",
    "strict-transport-security",
    "x-frame-options",
    "x-content-type-options",
    "referrer-policy",
];

#[tokio::test]
async fn every_response_has_the_security_headers_and_errors_have_one_shape() {
    let api = TestApi::default().await;
    let admin = token("tenant-a", "admin", &[], &[]);
    let big_note = "x".repeat(20_000);
    let cases = [
        (
            api.get(&format!("/v1/usage/tenant?{HOURLY_RANGE}"), Some(&admin))
                .await,
            StatusCode::OK,
            None,
        ),
        (api.get("/healthz", None).await, StatusCode::OK, None),
        (
            api.get("/v1/alerts", None).await,
            StatusCode::UNAUTHORIZED,
            Some("missing_credentials"),
        ),
        (
            api.get(
                "/v1/quarantine",
                Some(&token("tenant-a", "analyst", &[], &[])),
            )
            .await,
            StatusCode::FORBIDDEN,
            Some("forbidden"),
        ),
        (
            api.get("/v1/alerts/nope", Some(&admin)).await,
            StatusCode::NOT_FOUND,
            Some("not_found"),
        ),
        (
            api.get("/no/such/route", None).await,
            StatusCode::NOT_FOUND,
            Some("not_found"),
        ),
        (
            api.post("/v1/alerts", Some(&admin), &serde_json::json!({}))
                .await,
            StatusCode::METHOD_NOT_ALLOWED,
            Some("method_not_allowed"),
        ),
        (
            api.get("/v1/usage/tenant?width=2h", Some(&admin)).await,
            StatusCode::BAD_REQUEST,
            Some("invalid_parameter"),
        ),
        (
            api.post(
                "/v1/alerts/alert-a-1/status",
                Some(&admin),
                &serde_json::json!({"status": "resolved", "note": big_note}),
            )
            .await,
            StatusCode::PAYLOAD_TOO_LARGE,
            Some("body_too_large"),
        ),
        (
            api.get("/metrics", None).await,
            StatusCode::NOT_FOUND,
            Some("not_found"),
        ),
    ];
    for (reply, status, code) in cases {
        assert_eq!(reply.status, status, "{}", reply.text);
        for header in SECURITY_HEADERS {
            assert!(
                reply.headers.contains_key(header),
                "{status} lacks {header}"
            );
        }
        assert_eq!(reply.headers["x-frame-options"], "DENY");
        assert_eq!(reply.headers["x-content-type-options"], "nosniff");
        if let Some(code) = code {
            assert_eq!(reply.code(), code, "{}", reply.text);
            let keys: Vec<&String> = reply.json["error"]
                .as_object()
                .expect("error")
                .keys()
                .collect();
            assert_eq!(keys, ["code", "message"]);
        }
    }
}

#[tokio::test]
async fn cors_answers_only_configured_origins() {
    let mut config = test_config();
    config.allowed_origins = vec!["https://portal.example.com".into()];
    let api = TestApi::start(config, nexzo_api::TenantFilter::SqlAndRowSecurity).await;
    let preflight = |origin: &'static str| {
        api.http
            .request(Method::OPTIONS, format!("{}/v1/alerts", api.base))
            .header("origin", origin)
            .header("access-control-request-method", "GET")
            .header("access-control-request-headers", "authorization")
    };
    let allowed = api
        .send(preflight("https://portal.example.com"), None)
        .await;
    assert_eq!(
        allowed.headers["access-control-allow-origin"],
        "https://portal.example.com"
    );
    let other = api.send(preflight("https://evil.example.com"), None).await;
    assert!(!other.headers.contains_key("access-control-allow-origin"));
    assert!(other.headers.contains_key("content-security-policy"));
}

#[tokio::test]
async fn probes_and_metrics_answer_without_credentials() {
    let recorder = PrometheusBuilder::new().build_recorder();
    let handle = recorder.handle();
    metrics::set_global_recorder(recorder).expect("first recorder of this test binary");
    let api = TestApi::start_with_metrics(
        test_config(),
        nexzo_api::TenantFilter::SqlAndRowSecurity,
        Some(handle),
    )
    .await;

    assert_eq!(api.get("/healthz", None).await.status, StatusCode::OK);
    let ready = api.get("/readyz", None).await;
    assert_eq!(
        (ready.status, ready.json["status"].as_str()),
        (StatusCode::OK, Some("ok"))
    );
    api.get("/v1/alerts", None).await;
    let metrics = api.get("/metrics", None).await;
    assert_eq!(metrics.status, StatusCode::OK);
    assert!(
        metrics.text.contains("nexzo_api_requests_total"),
        "{}",
        metrics.text
    );
    assert!(metrics.text.contains("nexzo_api_auth_failures_total"));
    assert!(
        metrics.text.contains(r#"route="/v1/alerts""#),
        "routes are labelled by pattern"
    );
}

//! Tokens and API keys over HTTP: what is refused, and that each refusal
//! is a 401 in the one error shape.

mod support;

use nexzo_api::authz::KeyScope;
use reqwest::StatusCode;
use serde_json::{Value, json};
use support::fixtures::HOURLY_RANGE;
use support::{RSA_OTHER_PRIVATE, RSA_PRIVATE, TestApi, claims, es256, hs256, rs256, test_config};

fn changed(mut claims: Value, changes: Value) -> Value {
    for (k, v) in changes.as_object().expect("object") {
        claims[k] = v.clone();
    }
    claims
}

#[tokio::test]
async fn bad_tokens_get_401_with_the_error_shape_and_good_ones_get_through() {
    let api = TestApi::default().await;
    let good = claims("tenant-a", "landlord", &["pa-1"], &[]);
    let now = chrono::Utc::now().timestamp();
    let path = format!("/v1/usage/properties/pa-1?{HOURLY_RANGE}");

    for accepted in [hs256(&good), rs256(&good, "rs", RSA_PRIVATE), es256(&good)] {
        let reply = api.get(&path, Some(&accepted)).await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    }

    let hmac_with_public_key = {
        let mut header = jsonwebtoken::Header::new(jsonwebtoken::Algorithm::HS256);
        header.kid = Some("rs".into());
        let key = jsonwebtoken::EncodingKey::from_secret(support::RSA_PUBLIC.as_bytes());
        jsonwebtoken::encode(&header, &good, &key).expect("sign")
    };
    let cases = [
        (
            "forged",
            rs256(&good, "rs", RSA_OTHER_PRIVATE),
            "invalid_token",
        ),
        (
            "expired",
            hs256(&changed(good.clone(), json!({"exp": now - 600}))),
            "token_expired",
        ),
        (
            "not yet valid",
            hs256(&changed(good.clone(), json!({"nbf": now + 600}))),
            "token_not_yet_valid",
        ),
        (
            "wrong audience",
            hs256(&changed(good.clone(), json!({"aud": "other-api"}))),
            "invalid_token",
        ),
        (
            "wrong issuer",
            hs256(&changed(good.clone(), json!({"iss": "https://evil"}))),
            "invalid_token",
        ),
        ("wrong algorithm", hmac_with_public_key, "invalid_token"),
        ("garbage", "not-a-token".into(), "invalid_token"),
    ];
    for (name, token, code) in cases {
        let reply = api.get(&path, Some(&token)).await;
        assert_eq!(reply.status, StatusCode::UNAUTHORIZED, "{name}");
        assert_eq!(reply.code(), code, "{name}");
        assert_eq!(reply.headers["www-authenticate"], "Bearer", "{name}");
        assert!(reply.json["error"]["message"].is_string(), "{name}");
    }

    let missing = api.get(&path, None).await;
    assert_eq!(
        (missing.status, missing.code()),
        (StatusCode::UNAUTHORIZED, "missing_credentials")
    );
}

#[tokio::test]
async fn api_keys_work_until_revoked_and_only_within_their_scopes() {
    let api = TestApi::default().await;
    let client = api.db.client().await;
    let (key_id, key) = nexzo_api::create_api_key(
        &client,
        "tenant-a",
        "billing export",
        &[KeyScope::UsageRead],
        &[],
    )
    .await
    .expect("create");
    let key = key.expose().to_owned();
    assert!(key.starts_with(&format!("nxk_{key_id}_")));
    let stored: Vec<u8> = client
        .query_one(
            "SELECT secret_sha256 FROM api_keys WHERE key_id = $1",
            &[&key_id],
        )
        .await
        .expect("stored")
        .get(0);
    let secret = key.rsplit_once('_').map(|(_, s)| s).expect("secret part");
    assert!(
        !stored.windows(secret.len()).any(|w| w == secret.as_bytes()),
        "stored hashed"
    );

    let usage = format!("/v1/usage/tenant?{HOURLY_RANGE}");
    assert_eq!(api.get(&usage, Some(&key)).await.status, StatusCode::OK);

    let out_of_scope = api.get("/v1/alerts", Some(&key)).await;
    assert_eq!(
        (out_of_scope.status, out_of_scope.code()),
        (StatusCode::FORBIDDEN, "forbidden")
    );

    let wrong_secret = format!("nxk_{key_id}_{}", "A".repeat(43));
    let reply = api.get(&usage, Some(&wrong_secret)).await;
    assert_eq!(
        (reply.status, reply.code()),
        (StatusCode::UNAUTHORIZED, "invalid_api_key")
    );

    let revoked = nexzo_storage::portal::api_keys::revoke(&client, "tenant-a", &key_id)
        .await
        .expect("revoke");
    assert!(revoked);
    let reply = api.get(&usage, Some(&key)).await;
    assert_eq!(
        (reply.status, reply.code()),
        (StatusCode::UNAUTHORIZED, "invalid_api_key")
    );
}

#[tokio::test]
async fn a_key_is_refused_from_addresses_outside_its_allowlist() {
    let mut config = test_config();
    // The test's own loopback connection counts as the proxy, so the
    // forwarded address stands in for a remote client.
    config.trusted_proxies = vec!["127.0.0.1/32".into()];
    let api = TestApi::start(config, nexzo_api::TenantFilter::SqlAndRowSecurity).await;
    let client = api.db.client().await;
    let office: ipnet::IpNet = "203.0.113.0/24".parse().expect("cidr");
    let (_, key) = nexzo_api::create_api_key(
        &client,
        "tenant-a",
        "office",
        &[KeyScope::AlertsRead],
        &[office],
    )
    .await
    .expect("create");

    let from = |address: &'static str| {
        api.http
            .get(format!("{}/v1/alerts", api.base))
            .header("x-forwarded-for", address)
    };
    let inside = api.send(from("203.0.113.7"), Some(key.expose())).await;
    assert_eq!(inside.status, StatusCode::OK, "{}", inside.text);
    let outside = api.send(from("198.51.100.7"), Some(key.expose())).await;
    assert_eq!(
        (outside.status, outside.code()),
        (StatusCode::UNAUTHORIZED, "invalid_api_key")
    );
    let direct = api.get("/v1/alerts", Some(key.expose())).await;
    assert_eq!(
        direct.status,
        StatusCode::UNAUTHORIZED,
        "loopback is not in the allowlist"
    );
}

#[tokio::test]
async fn a_key_of_an_unknown_id_is_refused_like_a_wrong_secret() {
    let api = TestApi::default().await;
    let unknown = format!("nxk_{}_{}", "0".repeat(24), "A".repeat(43));
    for key in [unknown.as_str(), "nxk_malformed"] {
        let reply = api.get("/v1/alerts", Some(key)).await;
        assert_eq!(
            (reply.status, reply.code()),
            (StatusCode::UNAUTHORIZED, "invalid_api_key")
        );
    }
}

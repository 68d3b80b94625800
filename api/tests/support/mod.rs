//! Shared scaffolding for the API's tests against the real TimescaleDB
//! (`NEXZO_TEST_DATABASE_URL`, set by `deploy/local/services.sh env`): one
//! fresh migrated database per test, two tenants' worth of fixtures, the
//! API served on a loopback port 0, and tokens signed with the test keys.

#![allow(dead_code)] // each test binary uses a different part of this module
#![allow(unreachable_pub)] // shared between test modules, not exported

pub mod fixtures;

use std::sync::atomic::{AtomicU32, Ordering};

use jsonwebtoken::{Algorithm, EncodingKey, Header};
use nexzo_api::config::{JwtConfig, JwtKeyConfig};
use nexzo_api::{ApiConfig, AppState, TenantFilter};
use nexzo_schemas::Secret;
use reqwest::StatusCode;
use reqwest::header::HeaderMap;
use serde_json::{Value, json};
use tokio::net::TcpListener;
use tokio_postgres::Client;
use tokio_util::sync::CancellationToken;

pub const HMAC_SECRET: &str = "test-only-hmac-secret-0123456789abcdef";
pub const ISSUER: &str = "https://idp.test";
pub const AUDIENCE: &str = "nexzo-portal-api";
pub const RSA_PUBLIC: &str = include_str!("../keys/rsa_public.pem");
pub const RSA_PRIVATE: &str = include_str!("../keys/rsa_private.pem");
pub const RSA_OTHER_PRIVATE: &str = include_str!("../keys/rsa_other_private.pem");
pub const EC_PUBLIC: &str = include_str!("../keys/ec_public.pem");
pub const EC_PRIVATE: &str = include_str!("../keys/ec_private.pem");

/// The server behind `NEXZO_TEST_DATABASE_URL`.
pub fn database_url() -> String {
    std::env::var("NEXZO_TEST_DATABASE_URL")
        .unwrap_or_else(|_| "postgres://nexzo:nexzo-local@127.0.0.1:55432/nexzo".into())
}

fn unique_name(label: &str) -> String {
    static COUNTER: AtomicU32 = AtomicU32::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("clock after 1970")
        .subsec_nanos();
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    format!("{label}_{}_{n}_{nanos}", std::process::id())
}

/// A database of its own for one test, migrated.
pub struct TestDb {
    pub url: String,
}

impl TestDb {
    pub async fn create() -> TestDb {
        let base = database_url();
        let name = unique_name("nexzo_test_api");
        let admin = nexzo_storage::connect(&base)
            .await
            .expect("connect to the test server");
        admin
            .batch_execute(&format!("CREATE DATABASE {name}"))
            .await
            .expect("create test database");
        let (prefix, _) = base.rsplit_once('/').expect("database url ends in /dbname");
        let db = TestDb {
            url: format!("{prefix}/{name}"),
        };
        let mut client = db.client().await;
        nexzo_storage::migrate::run(&mut client)
            .await
            .expect("migrate test database");
        if let Some(problem) = nexzo_storage::portal::api_role_problem(&client)
            .await
            .expect("check the API role")
        {
            panic!(
                "the test server is not set up for the API: {problem}. \
                 deploy/local/timescaledb.sh must create the role (see api/README.md)"
            );
        }
        db
    }

    pub async fn client(&self) -> Client {
        nexzo_storage::connect(&self.url)
            .await
            .expect("connect to the test database")
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

/// The configuration tests start from: the three test keys, generous
/// limits unless a test tightens them.
pub fn test_config() -> ApiConfig {
    let key = |id: &str, algorithm: &str, secret: Option<&str>, pem: Option<&str>| JwtKeyConfig {
        id: id.into(),
        algorithm: algorithm.into(),
        secret: secret.map(Secret::new),
        public_key_pem: pem.map(Into::into),
    };
    ApiConfig {
        listen: "127.0.0.1:0".into(),
        jwt: JwtConfig {
            issuer: ISSUER.into(),
            audience: AUDIENCE.into(),
            leeway_secs: 5,
            keys: vec![
                key("hs", "HS256", Some(HMAC_SECRET), None),
                key("rs", "RS256", None, Some(RSA_PUBLIC)),
                key("es", "ES256", None, Some(EC_PUBLIC)),
            ],
        },
        rate_limit_per_key_per_sec: 1000,
        rate_limit_per_key_burst: 1000,
        rate_limit_per_address_per_sec: 1000,
        rate_limit_per_address_burst: 1000,
        pool_size: 4,
        ..ApiConfig::default()
    }
}

/// A running API over a fresh, seeded database.
pub struct TestApi {
    pub db: TestDb,
    pub base: String,
    pub state: AppState,
    pub http: reqwest::Client,
    shutdown: CancellationToken,
}

impl TestApi {
    /// Serves the API with `config` over a database seeded with
    /// [`fixtures::seed`].
    pub async fn start(config: ApiConfig, filter: TenantFilter) -> TestApi {
        Self::start_with_metrics(config, filter, None).await
    }

    /// As [`TestApi::start`], rendering `metrics` at `/metrics`.
    pub async fn start_with_metrics(
        config: ApiConfig,
        filter: TenantFilter,
        metrics: Option<metrics_exporter_prometheus::PrometheusHandle>,
    ) -> TestApi {
        let db = TestDb::create().await;
        fixtures::seed(&db.client().await).await;
        let pool = nexzo_api::connection_pool(&db.url, &config).expect("pool");
        let state = AppState::new(config, pool, metrics, filter).expect("valid test config");
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind port 0");
        let base = format!("http://{}", listener.local_addr().expect("address"));
        let shutdown = CancellationToken::new();
        tokio::spawn(nexzo_api::serve_on(
            listener,
            state.clone(),
            shutdown.clone(),
        ));
        TestApi {
            db,
            base,
            state,
            http: reqwest::Client::new(),
            shutdown,
        }
    }

    pub async fn default() -> TestApi {
        Self::start(test_config(), TenantFilter::SqlAndRowSecurity).await
    }

    /// GETs `path` with an optional bearer credential.
    pub async fn get(&self, path: &str, bearer: Option<&str>) -> Reply {
        self.send(self.http.get(format!("{}{path}", self.base)), bearer)
            .await
    }

    /// POSTs `body` as JSON to `path`.
    pub async fn post(&self, path: &str, bearer: Option<&str>, body: &Value) -> Reply {
        let request = self.http.post(format!("{}{path}", self.base)).json(body);
        self.send(request, bearer).await
    }

    pub async fn send(&self, mut request: reqwest::RequestBuilder, bearer: Option<&str>) -> Reply {
        if let Some(bearer) = bearer {
            request = request.bearer_auth(bearer);
        }
        let response = request.send().await.expect("request reaches the API");
        let status = response.status();
        let headers = response.headers().clone();
        let text = response.text().await.expect("response body");
        let json = serde_json::from_str(&text).unwrap_or(Value::Null);
        Reply {
            status,
            headers,
            text,
            json,
        }
    }
}

impl Drop for TestApi {
    fn drop(&mut self) {
        self.shutdown.cancel();
    }
}

/// A response, read whole.
#[derive(Debug)]
pub struct Reply {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub text: String,
    pub json: Value,
}

impl Reply {
    /// The `error.code` of an error response.
    pub fn code(&self) -> &str {
        self.json["error"]["code"].as_str().unwrap_or("")
    }
}

/// The claims of a valid portal token; tests change them to break it.
pub fn claims(tenant: &str, role: &str, properties: &[&str], units: &[&str]) -> Value {
    let now = chrono::Utc::now().timestamp();
    json!({
        "sub": format!("{role}-user"), "tenant_id": tenant, "role": role,
        "properties": properties, "units": units,
        "iss": ISSUER, "aud": AUDIENCE, "nbf": now - 60, "exp": now + 3600,
    })
}

/// Signs `claims` with the HS256 test key.
pub fn hs256(claims: &Value) -> String {
    let mut header = Header::new(Algorithm::HS256);
    header.kid = Some("hs".into());
    let key = EncodingKey::from_secret(HMAC_SECRET.as_bytes());
    jsonwebtoken::encode(&header, claims, &key).expect("sign")
}

/// Signs `claims` with an RSA private key as `kid`.
pub fn rs256(claims: &Value, kid: &str, private_pem: &str) -> String {
    let mut header = Header::new(Algorithm::RS256);
    header.kid = Some(kid.into());
    let key = EncodingKey::from_rsa_pem(private_pem.as_bytes()).expect("rsa key");
    jsonwebtoken::encode(&header, claims, &key).expect("sign")
}

/// Signs `claims` with the ES256 test key.
pub fn es256(claims: &Value) -> String {
    let mut header = Header::new(Algorithm::ES256);
    header.kid = Some("es".into());
    let key = EncodingKey::from_ec_pem(EC_PRIVATE.as_bytes()).expect("ec key");
    jsonwebtoken::encode(&header, claims, &key).expect("sign")
}

/// A valid token for a role of a tenant.
pub fn token(tenant: &str, role: &str, properties: &[&str], units: &[&str]) -> String {
    hs256(&claims(tenant, role, properties, units))
}

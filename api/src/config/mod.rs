//! Configuration of the query API (`[api]` in the configuration file).

mod jwt;

use std::net::SocketAddr;

use axum::http::HeaderValue;
use ipnet::IpNet;
use serde::{Deserialize, Serialize};

pub use jwt::{ALGORITHMS, JwtConfig, JwtKeyConfig, MAX_LEEWAY_SECS, MIN_HMAC_SECRET_BYTES};

/// The query API's settings. Every field has a default; the API listens on
/// loopback unless told otherwise, and accepts no token until a JWT key is
/// configured (API keys work regardless).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ApiConfig {
    /// Address to listen on, as `ip:port`. TLS is terminated by the proxy in
    /// front (browsers insist on HTTPS, and `Strict-Transport-Security`
    /// says so). Default: `127.0.0.1:8090`.
    pub listen: String,
    /// How bearer tokens are checked. Default: no keys (tokens refused).
    pub jwt: JwtConfig,
    /// Origins whose browser pages may call the API (CORS), exactly as the
    /// browser sends them, e.g. `https://portal.example.com`. Default: none,
    /// so browsers only allow same-origin calls.
    pub allowed_origins: Vec<String>,
    /// Proxies (CIDR blocks) whose `X-Forwarded-For` header is believed:
    /// the client's address is the right-most entry not in these blocks.
    /// Behind no proxy leave it empty, or any client could claim any
    /// address. Default: none.
    pub trusted_proxies: Vec<String>,
    /// Sustained requests per second one credential (API key or token
    /// subject) may make; beyond it requests get 429. A dashboard page
    /// issues a handful at once; an export script is what this slows.
    /// Default: 20.
    pub rate_limit_per_key_per_sec: u32,
    /// Requests one credential may make at once above the sustained rate,
    /// for a dashboard loading many panels together. Default: 60.
    pub rate_limit_per_key_burst: u32,
    /// Sustained requests per second from one client address, counted
    /// before authentication so that guessing credentials is slow too.
    /// Higher than per key: an office behind one NAT has many users.
    /// Default: 50.
    pub rate_limit_per_address_per_sec: u32,
    /// Requests one address may make at once above its sustained rate.
    /// Default: 200.
    pub rate_limit_per_address_burst: u32,
    /// How often, in seconds, the rate limiters forget callers whose
    /// allowance has refilled (who are then indistinguishable from new
    /// ones), so memory stays bounded by recent callers. Default: 60.
    pub rate_limit_prune_interval_secs: u64,
    /// Largest page a list endpoint returns, in rows; a caller asking for
    /// more gets this many and a cursor. Default: 500.
    pub max_page_rows: u32,
    /// Page size when the caller names none, in rows. Default: 100.
    pub default_page_rows: u32,
    /// Most buckets one usage query may span (`(to - from) / width`): 3000
    /// covers a month of quarter-hours, four months of hours and eight
    /// years of days, and bounds every usage response to that many rows.
    /// Default: 3000.
    pub max_usage_buckets: u32,
    /// Widest time range, in days, any query may name (usage and alerts).
    /// Default: 400 (a year and a month, for year-on-year views).
    pub max_range_days: u32,
    /// Largest request body, in bytes; only status changes carry one, and
    /// their note is short. Default: 16384.
    pub max_body_bytes: usize,
    /// How long, in ms, one database statement may run before it is
    /// cancelled and the request answered 503. Default: 5000.
    pub statement_timeout_ms: u64,
    /// Database connections the API keeps open. Each request holds one for
    /// its transaction only. Default: 16.
    pub pool_size: usize,
    /// How long, in ms, a request waits for a free connection before it is
    /// answered 503. Default: 2000.
    pub pool_wait_ms: u64,
    /// `max-age` of `Strict-Transport-Security`, in seconds. Default:
    /// 31536000 (a year, as preload lists require).
    pub hsts_max_age_secs: u64,
}

impl Default for ApiConfig {
    fn default() -> Self {
        Self {
            listen: "127.0.0.1:8090".into(),
            jwt: JwtConfig::default(),
            allowed_origins: Vec::new(),
            trusted_proxies: Vec::new(),
            rate_limit_per_key_per_sec: 20,
            rate_limit_per_key_burst: 60,
            rate_limit_per_address_per_sec: 50,
            rate_limit_per_address_burst: 200,
            rate_limit_prune_interval_secs: 60,
            max_page_rows: 500,
            default_page_rows: 100,
            max_usage_buckets: 3000,
            max_range_days: 400,
            max_body_bytes: 16 * 1024,
            statement_timeout_ms: 5000,
            pool_size: 16,
            pool_wait_ms: 2000,
            hsts_max_age_secs: 31_536_000,
        }
    }
}

impl ApiConfig {
    /// Every problem with these settings, for reporting all at once.
    pub fn problems(&self) -> Vec<String> {
        let mut problems = self.jwt.problems();
        if self.listen.parse::<SocketAddr>().is_err() {
            problems.push(format!(
                "api.listen: {:?} is not an ip:port address such as 127.0.0.1:8090",
                self.listen
            ));
        }
        problems.extend(self.origin_problems());
        problems.extend(self.limit_problems());
        problems
    }

    /// The trusted proxies, parsed; entries `problems()` reports are skipped.
    pub fn trusted_proxy_nets(&self) -> Vec<IpNet> {
        self.trusted_proxies
            .iter()
            .filter_map(|p| p.parse().ok())
            .collect()
    }

    fn origin_problems(&self) -> Vec<String> {
        let mut problems = Vec::new();
        for origin in &self.allowed_origins {
            let well_formed = (origin.starts_with("https://") || origin.starts_with("http://"))
                && !origin.ends_with('/')
                && HeaderValue::from_str(origin).is_ok();
            if !well_formed {
                problems.push(format!(
                    "api.allowed_origins: {origin:?} is not an origin like https://portal.example.com"
                ));
            }
        }
        for proxy in &self.trusted_proxies {
            if proxy.parse::<IpNet>().is_err() {
                problems.push(format!(
                    "api.trusted_proxies: {proxy:?} is not a CIDR block like 10.0.0.0/8"
                ));
            }
        }
        problems
    }

    fn limit_problems(&self) -> Vec<String> {
        let positive: [(&str, u64); 11] = [
            (
                "rate_limit_per_key_per_sec",
                self.rate_limit_per_key_per_sec.into(),
            ),
            (
                "rate_limit_per_key_burst",
                self.rate_limit_per_key_burst.into(),
            ),
            (
                "rate_limit_per_address_per_sec",
                self.rate_limit_per_address_per_sec.into(),
            ),
            (
                "rate_limit_per_address_burst",
                self.rate_limit_per_address_burst.into(),
            ),
            (
                "rate_limit_prune_interval_secs",
                self.rate_limit_prune_interval_secs,
            ),
            ("max_page_rows", self.max_page_rows.into()),
            ("default_page_rows", self.default_page_rows.into()),
            ("max_usage_buckets", self.max_usage_buckets.into()),
            ("max_range_days", self.max_range_days.into()),
            ("statement_timeout_ms", self.statement_timeout_ms),
            ("pool_wait_ms", self.pool_wait_ms),
        ];
        let mut problems: Vec<String> = positive
            .iter()
            .filter(|(_, value)| *value == 0)
            .map(|(name, _)| format!("api.{name}: must be positive"))
            .collect();
        if self.default_page_rows > self.max_page_rows {
            problems.push("api.default_page_rows: must not exceed max_page_rows".into());
        }
        if self.max_body_bytes == 0 || self.pool_size == 0 {
            problems.push("api.max_body_bytes and api.pool_size: must be positive".into());
        }
        problems
    }
}

#[cfg(test)]
mod tests;

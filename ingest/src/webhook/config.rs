//! Configuration of the webhook endpoint (`[webhook]` in the configuration
//! file).

use std::collections::BTreeMap;
use std::net::SocketAddr;

use axum::http::HeaderName;
use nexzo_schemas::Secret;
use serde::{Deserialize, Serialize};

/// The senders the endpoint accepts, with the header each one's signature
/// arrives in unless configured otherwise. Each name selects the event
/// contracts its bodies are checked against downstream, so a source under
/// any other name could never produce a record.
const KNOWN_SOURCES: [(&str, &str); 2] = [
    ("stripe", "Stripe-Signature"),
    ("originfd", "X-OriginFD-Signature"),
];

/// Shortest secret accepted, in bytes. One captured request lets an
/// attacker test guesses offline at HMAC speed, so a short secret falls to
/// brute force; the senders' generated secrets are far longer.
pub const MIN_SECRET_BYTES: usize = 16;

/// Widest tolerance window, in seconds. A captured request can be replayed
/// for as long as its timestamp stays inside the window; beyond an hour that
/// is no longer a bound worth the name.
pub const MAX_TOLERANCE_SECS: u64 = 3600;

/// Shortest response timeout, in ms. A commit takes at least one writer
/// linger plus a transaction; below a second ordinary load would turn
/// accepted requests into 503s.
pub const MIN_RESPONSE_TIMEOUT_MS: u64 = 1000;

/// The webhook endpoint's settings. Every field has a default; the endpoint
/// is off unless `listen` is set.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct WebhookConfig {
    /// Address to listen on, as `ip:port` (for example `127.0.0.1:8088`).
    /// TLS is not terminated here: run behind a TLS-terminating proxy, as
    /// both senders require HTTPS. Default: none (endpoint off).
    pub listen: Option<String>,
    /// Largest request body accepted, in bytes; larger requests get 413
    /// before they are authenticated. Event bodies are a few KiB; the
    /// default equals `ingest.max_payload_bytes`, so a body accepted here is
    /// never quarantined downstream as oversized. Default: 262144 (256 KiB).
    pub max_body_bytes: usize,
    /// How far, in seconds, a signature's timestamp may lie before or after
    /// our clock. It bounds how long a captured request can be replayed
    /// (see the module documentation) and how much clock skew is tolerated.
    /// At most 3600. Default: 300.
    pub tolerance_secs: u64,
    /// How long, in ms, a request waits for its rows to be committed before
    /// it is answered 503 (the sender retries; storage deduplicates). Keep
    /// it below the senders' own timeouts, or they give up first and the
    /// wait holds a connection open for nothing. At least 1000.
    /// Default: 30000.
    pub response_timeout_ms: u64,
    /// The senders, by name: `stripe` and `originfd` are the only names.
    /// Default: none.
    pub sources: BTreeMap<String, WebhookSourceConfig>,
}

/// One sender's settings (`[webhook.sources.<name>]`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct WebhookSourceConfig {
    /// Shared secrets, masked whenever configuration is printed. A request
    /// signed with any of them is accepted, so a rotation lists the new
    /// secret next to the old one until the sender has switched. At least
    /// one, each at least 16 bytes. Default: none.
    pub secrets: Vec<Secret>,
    /// Header carrying the signature. Default: `Stripe-Signature` for
    /// `stripe`, `X-OriginFD-Signature` for `originfd`.
    pub signature_header: Option<String>,
    /// Sustained requests per second accepted from this source, signed or
    /// not; beyond it requests get 429. Both senders push events as they
    /// happen, a few per second at busy times, and a refused delivery is
    /// retried later, so the limit delays rather than loses. Default: 20.
    pub rate_limit_per_sec: u32,
    /// Requests accepted at once above the sustained rate, for bursts such
    /// as a billing run. Default: 100.
    pub rate_limit_burst: u32,
}

impl Default for WebhookConfig {
    fn default() -> Self {
        Self {
            listen: None,
            max_body_bytes: 256 * 1024,
            tolerance_secs: 300,
            response_timeout_ms: 30_000,
            sources: BTreeMap::new(),
        }
    }
}

impl Default for WebhookSourceConfig {
    fn default() -> Self {
        Self {
            secrets: Vec::new(),
            signature_header: None,
            rate_limit_per_sec: 20,
            rate_limit_burst: 100,
        }
    }
}

/// The static name of a known source, for metric labels; `None` for any
/// name the endpoint does not serve.
pub(super) fn known_source(name: &str) -> Option<&'static str> {
    KNOWN_SOURCES
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(n, _)| *n)
}

impl WebhookSourceConfig {
    /// The header `source`'s signature arrives in: the configured one, else
    /// that source's default; `None` for an unknown source.
    pub fn header_name(&self, source: &str) -> Option<&str> {
        let default = KNOWN_SOURCES.iter().find(|(n, _)| *n == source);
        self.signature_header
            .as_deref()
            .or(default.map(|(_, h)| *h))
    }
}

impl WebhookConfig {
    /// Every problem with these settings, for reporting all at once.
    pub fn problems(&self) -> Vec<String> {
        let mut problems = self.endpoint_problems();
        for (name, source) in &self.sources {
            problems.extend(source.problems(name));
        }
        problems
    }

    fn endpoint_problems(&self) -> Vec<String> {
        let mut problems = Vec::new();
        if let Some(listen) = &self.listen {
            if listen.parse::<SocketAddr>().is_err() {
                problems.push(format!(
                    "webhook.listen: {listen:?} is not an ip:port address such as 127.0.0.1:8088"
                ));
            }
            if self.sources.is_empty() {
                problems.push("webhook.sources: the endpoint is on but serves no source".into());
            }
        }
        if self.max_body_bytes == 0 {
            problems.push("webhook.max_body_bytes: must be positive".into());
        }
        if self.tolerance_secs == 0 || self.tolerance_secs > MAX_TOLERANCE_SECS {
            problems.push(format!(
                "webhook.tolerance_secs: must be between 1 and {MAX_TOLERANCE_SECS}"
            ));
        }
        if self.response_timeout_ms < MIN_RESPONSE_TIMEOUT_MS {
            problems.push(format!(
                "webhook.response_timeout_ms: must be at least {MIN_RESPONSE_TIMEOUT_MS}"
            ));
        }
        problems
    }
}

impl WebhookSourceConfig {
    fn problems(&self, name: &str) -> Vec<String> {
        let at = format!("webhook.sources.{name}");
        if known_source(name).is_none() {
            let known = KNOWN_SOURCES.map(|(n, _)| n).join(", ");
            return vec![format!("{at}: unknown source; the known ones are {known}")];
        }

        let mut problems = Vec::new();
        if self.secrets.is_empty() {
            problems.push(format!("{at}.secrets: at least one secret is required"));
        }
        if self
            .secrets
            .iter()
            .any(|s| s.expose().len() < MIN_SECRET_BYTES)
        {
            problems.push(format!(
                "{at}.secrets: every secret must be at least {MIN_SECRET_BYTES} bytes"
            ));
        }
        if let Some(header) = &self.signature_header {
            if HeaderName::try_from(header.as_str()).is_err() {
                problems.push(format!(
                    "{at}.signature_header: {header:?} is not a header name"
                ));
            }
        }
        if self.rate_limit_per_sec == 0 || self.rate_limit_burst == 0 {
            problems.push(format!(
                "{at}: rate_limit_per_sec and rate_limit_burst must be positive"
            ));
        }
        problems
    }
}

#[cfg(test)]
mod tests;

//! Configuration of the MQTT source (`[mqtt]` in the configuration file).

use nexzo_schemas::Secret;
use serde::{Deserialize, Serialize};

/// The MQTT source's settings. Every field has a default.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct MqttSourceConfig {
    /// Read from MQTT at all. Turn off for a pipeline instance that only
    /// consumes Kafka. Default: true.
    pub enabled: bool,
    /// Broker address as `mqtt://host:port`. TLS (`mqtts://`) is not
    /// supported yet; run the pipeline next to the broker or behind a TLS
    /// terminator. Default: `mqtt://127.0.0.1:11883`, the local test broker.
    pub url: String,
    /// The persistent session's client id. It must be stable across restarts
    /// (the broker keeps unacknowledged messages under it) and unique per
    /// pipeline instance. Default: `nexzo-telemetry`.
    pub client_id: String,
    /// Username, when the broker requires one. Default: none.
    pub username: Option<String>,
    /// Password for `username`; masked whenever configuration is printed.
    pub password: Option<Secret>,
    /// Topic prefix shared by all meter and gateway topics, without a
    /// trailing slash: `site-a` subscribes to `site-a/meters/+/readings` and
    /// `site-a/gateways/+/readings`. Default: empty (no prefix).
    pub topic_prefix: String,
    /// When set, subscribe as a member of this MQTT shared-subscription group
    /// (`$share/<group>/...`) so that several pipeline instances split the
    /// meters between them. Default: none (one instance gets everything).
    pub shared_group: Option<String>,
    /// Keep-alive interval in seconds. The broker drops a connection that is
    /// silent for 1.5 times this; while the database is down the source stops
    /// reading, so longer outages end in a reconnect that redelivers the
    /// unacknowledged messages. Default: 30.
    pub keep_alive_secs: u64,
    /// The largest MQTT packet the client reads, in bytes. A larger packet
    /// breaks the connection, so keep the broker's own limit at or below this
    /// (the pipeline quarantines payloads above `ingest.max_payload_bytes`,
    /// which is smaller). Default: 4 MiB.
    pub max_packet_bytes: usize,
    /// First reconnect delay after a lost connection, in ms; doubles up to
    /// `reconnect_max_ms`, with jitter. Default: 200.
    pub reconnect_min_ms: u64,
    /// Longest reconnect delay, in ms. Default: 30000.
    pub reconnect_max_ms: u64,
}

impl Default for MqttSourceConfig {
    fn default() -> Self {
        Self {
            enabled: true,
            url: "mqtt://127.0.0.1:11883".into(),
            client_id: "nexzo-telemetry".into(),
            username: None,
            password: None,
            topic_prefix: String::new(),
            shared_group: None,
            keep_alive_secs: 30,
            max_packet_bytes: 4 * 1024 * 1024,
            reconnect_min_ms: 200,
            reconnect_max_ms: 30_000,
        }
    }
}

impl MqttSourceConfig {
    /// The broker's host and port, or why `url` is not usable.
    ///
    /// # Errors
    ///
    /// A message naming what is wrong with `url`.
    pub fn host_port(&self) -> Result<(String, u16), String> {
        let rest = self
            .url
            .strip_prefix("mqtt://")
            .ok_or_else(|| format!("url {:?} must start with mqtt://", self.url))?;
        let (host, port) = rest.rsplit_once(':').ok_or_else(|| {
            format!(
                "url {:?} must name a port, as in mqtt://host:1883",
                self.url
            )
        })?;
        let port = port
            .parse()
            .map_err(|_| format!("url {:?} has an invalid port", self.url))?;
        if host.is_empty() {
            return Err(format!("url {:?} has no host", self.url));
        }
        Ok((host.to_owned(), port))
    }

    /// Every problem with these settings, for reporting all at once.
    pub fn problems(&self) -> Vec<String> {
        let mut problems = Vec::new();
        if !self.enabled {
            return problems;
        }
        if let Err(e) = self.host_port() {
            problems.push(format!("mqtt.url: {e}"));
        }
        if self.client_id.is_empty() || self.client_id.len() > 128 {
            problems.push("mqtt.client_id: must be 1 to 128 characters".into());
        }
        if self.topic_prefix.ends_with('/') || self.topic_prefix.contains(['+', '#']) {
            problems.push("mqtt.topic_prefix: no trailing slash and no wildcards".into());
        }
        if self.password.is_some() && self.username.is_none() {
            problems.push("mqtt.password: set only together with mqtt.username".into());
        }
        if self.keep_alive_secs < 5 {
            problems.push("mqtt.keep_alive_secs: must be at least 5".into());
        }
        if self.reconnect_min_ms == 0 || self.reconnect_min_ms > self.reconnect_max_ms {
            problems.push(
                "mqtt.reconnect_min_ms: must be positive and at most reconnect_max_ms".into(),
            );
        }
        problems
    }

    /// The topic filters to subscribe to.
    pub fn topic_filters(&self) -> Vec<String> {
        let prefix = if self.topic_prefix.is_empty() {
            String::new()
        } else {
            format!("{}/", self.topic_prefix)
        };
        let share = self
            .shared_group
            .as_ref()
            .map(|g| format!("$share/{g}/"))
            .unwrap_or_default();
        ["meters", "gateways"]
            .iter()
            .map(|kind| format!("{share}{prefix}{kind}/+/readings"))
            .collect()
    }
}

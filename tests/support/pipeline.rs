//! The pipeline binary as a child process.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use super::{eventually, mqtt_address, unique_name};

/// Where the binary under test is.
pub const BINARY: &str = env!("CARGO_BIN_EXE_nexzo-telemetry");

/// The settings one test's pipeline runs with.
#[derive(Clone, Debug)]
pub struct Settings {
    pub database_url: String,
    pub client_id: String,
    pub topic_prefix: String,
    /// `key = value` lines of the `[ingest]` table.
    pub ingest: BTreeMap<String, String>,
    /// `key = value` lines of the `[writer]` table.
    pub writer: BTreeMap<String, String>,
    /// Whether the MQTT source runs.
    pub mqtt_enabled: bool,
    /// The `[kafka]` table: group and topics, when Kafka is consumed.
    pub kafka: Option<KafkaSettings>,
    /// Extra TOML appended verbatim (for tables such as `[webhook]`).
    pub extra: String,
    /// The log line that says the sources are ready, when not the default.
    pub ready: Option<&'static str>,
}

/// The Kafka part of a test pipeline's configuration.
#[derive(Clone, Debug)]
pub struct KafkaSettings {
    pub group: String,
    /// `(kind, topic)`: kind is readings, originfd, ledger or logins.
    pub topics: Vec<(String, String)>,
}

impl Settings {
    pub fn new(database_url: &str) -> Settings {
        Settings {
            database_url: database_url.into(),
            client_id: unique_name("pipeline"),
            topic_prefix: unique_name("t"),
            // Quick registry refreshes and short lingers keep tests fast.
            ingest: BTreeMap::from([("registry_refresh_ms".into(), "200".into())]),
            writer: BTreeMap::from([
                ("linger_ms".into(), "20".into()),
                ("retry_min_ms".into(), "50".into()),
                ("retry_max_ms".into(), "1000".into()),
            ]),
            mqtt_enabled: true,
            kafka: None,
            extra: String::new(),
            ready: None,
        }
    }

    /// Consumes the given `(kind, topic)` pairs from Kafka in `group`, with
    /// the MQTT source off.
    pub fn with_kafka(mut self, group: &str, topics: &[(&str, &str)]) -> Settings {
        let topics = topics
            .iter()
            .map(|(k, t)| ((*k).to_owned(), (*t).to_owned()))
            .collect();
        self.kafka = Some(KafkaSettings {
            group: group.into(),
            topics,
        });
        self.mqtt_enabled = false;
        self
    }

    /// The log line that says the pipeline's sources are ready.
    fn ready_line(&self) -> &'static str {
        if let Some(line) = self.ready {
            return line;
        }
        if self.kafka.is_some() {
            "kafka partitions assigned"
        } else {
            "mqtt source subscribed"
        }
    }

    fn kafka_table(&self) -> String {
        let Some(kafka) = &self.kafka else {
            return String::new();
        };
        let mut text = format!(
            "[kafka]\nenabled = true\nbrokers = \"{}\"\ngroup_id = \"{}\"\nsession_timeout_ms = 6000\n\n[kafka.topics]\n",
            super::kafka::brokers(),
            kafka.group
        );
        for kind in ["readings", "originfd", "ledger", "logins"] {
            if let Some((_, topic)) = kafka.topics.iter().find(|(k, _)| k == kind) {
                text.push_str(&format!("{kind} = \"{topic}\"\n"));
            }
        }
        text
    }

    /// Sets `key = value` in `[ingest]`.
    pub fn with_ingest(mut self, key: &str, value: &str) -> Settings {
        self.ingest.insert(key.into(), value.into());
        self
    }

    /// Sets `key = value` in `[writer]`.
    pub fn with_writer(mut self, key: &str, value: &str) -> Settings {
        self.writer.insert(key.into(), value.into());
        self
    }

    /// A topic under this pipeline's prefix, as `meters/<id>/readings`.
    pub fn meter_topic(&self, meter: &str) -> String {
        format!("{}/meters/{meter}/readings", self.topic_prefix)
    }

    pub fn gateway_topic(&self, gateway: &str) -> String {
        format!("{}/gateways/{gateway}/readings", self.topic_prefix)
    }

    /// Writes the configuration file and returns its path.
    pub fn write(&self) -> PathBuf {
        let (host, port) = mqtt_address();
        let text = format!(
            r#"
[mqtt]
enabled = {mqtt_enabled}
url = "mqtt://{host}:{port}"
client_id = "{client}"
topic_prefix = "{prefix}"

[database]
url = "{db}"

[ingest]
{ingest}

[writer]
{writer}

{kafka}

{extra}
"#,
            client = self.client_id,
            prefix = self.topic_prefix,
            db = self.database_url,
            ingest = table_lines(&self.ingest),
            writer = table_lines(&self.writer),
            mqtt_enabled = self.mqtt_enabled,
            kafka = self.kafka_table(),
            extra = self.extra,
        );
        let path = std::env::temp_dir().join(format!("{}.toml", unique_name("config")));
        std::fs::write(&path, text).expect("write test config");
        path
    }
}

fn table_lines(table: &BTreeMap<String, String>) -> String {
    table.iter().map(|(k, v)| format!("{k} = {v}\n")).collect()
}

/// A running pipeline process and everything it logged.
pub struct Pipeline {
    child: Child,
    logs: Arc<Mutex<Vec<String>>>,
}

impl Pipeline {
    /// Starts `nexzo-telemetry run` and waits until its MQTT subscription
    /// is in place, so that what the test publishes next is delivered.
    pub async fn start(settings: &Settings) -> Pipeline {
        Pipeline::start_command(settings, &["run"]).await
    }

    /// Starts `nexzo-telemetry <args>` and waits for `settings`' ready line.
    pub async fn start_command(settings: &Settings, args: &[&str]) -> Pipeline {
        let config = settings.write();
        let mut child = Command::new(BINARY)
            .args(["--config", config.to_str().unwrap()])
            .args(args)
            .env("NEXZO_LOG", "info,nexzo_telemetry=debug")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start the pipeline binary");

        let logs = Arc::new(Mutex::new(Vec::new()));
        let stderr = child.stderr.take().unwrap();
        let sink = logs.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                sink.lock().unwrap().push(line);
            }
        });

        let mut pipeline = Pipeline { child, logs };
        pipeline.wait_until_ready(settings.ready_line()).await;
        pipeline
    }

    /// Waits for the subscription, failing at once, with the logs, if the
    /// process exits instead.
    async fn wait_until_ready(&mut self, ready_line: &str) {
        let started = std::time::Instant::now();
        loop {
            if self.logs().iter().any(|l| l.contains(ready_line)) {
                return;
            }
            if let Some(status) = self.child.try_wait().expect("poll child") {
                std::thread::sleep(Duration::from_millis(100));
                panic!(
                    "the pipeline exited with {status} before subscribing:\n{}",
                    self.logs().join("\n")
                );
            }
            assert!(
                started.elapsed() < super::PATIENCE,
                "the pipeline never got ready:\n{}",
                self.logs().join("\n")
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Waits until a log line contains `text`.
    pub async fn wait_for_log(&self, text: &str) {
        let logs = self.logs.clone();
        eventually(&format!("the pipeline to log {text:?}"), || {
            let found = logs.lock().unwrap().iter().any(|l| l.contains(text));
            async move { found.then_some(()) }
        })
        .await;
    }

    pub fn logs(&self) -> Vec<String> {
        self.logs.lock().unwrap().clone()
    }

    /// Resident memory in bytes, from /proc.
    pub fn rss_bytes(&self) -> u64 {
        let status =
            std::fs::read_to_string(format!("/proc/{}/status", self.pid())).unwrap_or_default();
        status
            .lines()
            .find_map(|l| l.strip_prefix("VmRSS:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
            .map_or(0, |kb| kb * 1024)
    }

    /// SIGKILL: no draining, no goodbye.
    pub fn kill(mut self) {
        self.child.kill().expect("SIGKILL the pipeline");
        self.child.wait().ok();
    }

    /// SIGTERM, then waits for a graceful exit.
    pub async fn terminate(mut self) -> ExitStatus {
        signal(self.pid(), "TERM");
        eventually("the pipeline to exit after SIGTERM", || {
            let status = self.child.try_wait().expect("poll child");
            async move { status }
        })
        .await
    }
}

impl Drop for Pipeline {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Sends a signal by name with kill(1): the tests need no libc bindings.
pub fn signal(pid: u32, name: &str) {
    let status = Command::new("kill")
        .args([&format!("-{name}"), &pid.to_string()])
        .status()
        .expect("run kill");
    assert!(status.success(), "kill -{name} {pid} failed");
}

/// Runs a one-off `nexzo-telemetry` command against `settings` and returns
/// (exit status, stdout, stderr).
pub fn command(settings: &Settings, args: &[&str]) -> (ExitStatus, String, String) {
    let config = settings.write();
    let output = Command::new(BINARY)
        .args(["--config", config.to_str().unwrap()])
        .args(args)
        .output()
        .expect("run the pipeline binary");
    (
        output.status,
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

/// Sleeps without blocking the runtime.
pub async fn pause(ms: u64) {
    tokio::time::sleep(Duration::from_millis(ms)).await;
}

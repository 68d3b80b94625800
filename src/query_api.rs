//! The query API in this process, and the mass-export watch over what it
//! serves: every window the rows each reader was returned go through the
//! export detector, and its alerts are stored like the stream's, so the
//! pipeline's outbox publishes them to the alerts topic with the rest.
//!
//! Known shortcomings:
//! - Each API process counts only the requests it served and keeps its
//!   readers' history in memory: behind a load balancer spreading one key
//!   over N processes, each sees about a 1/N share (the thresholds hold,
//!   the peaks are learned per process), and a restart warms every reader
//!   up again.
//! - Alerts are stored but only published to Kafka by a running pipeline
//!   (`run`), whose outbox reads the alerts table.

use std::collections::BTreeMap;
use std::time::Duration;

use anyhow::Context;
use chrono::Utc;
use metrics_exporter_prometheus::PrometheusHandle;
use nexzo_anomaly::Alert;
use nexzo_anomaly::export::{Credential, ExportDetector, Reader};
use nexzo_api::AppState;
use nexzo_storage::alerts::{self, AlertRow};
use nexzo_storage::{ErrorKind, StorageError};
use tokio::time::MissedTickBehavior;
use tokio_postgres::Client;
use tokio_util::sync::CancellationToken;
use tracing::warn;

use crate::config::Config;
use crate::pipeline::{alert_raised, alert_row};

/// Alerts held while the database cannot take them, at most: beyond this
/// the oldest are dropped, each with an error logged. An incident updates
/// one entry, so this is many incidents, not many windows.
const MAX_PENDING_ALERTS: usize = 10_000;

/// How long storing one window's alerts may take before it is given up
/// until the next window, so a stalled database never stretches a window.
const STORE_TIMEOUT: Duration = Duration::from_secs(10);

/// Serves the API until `shutdown`, with the export watch beside it when
/// `[anomaly]` and `[anomaly.api_export]` are enabled.
///
/// # Errors
///
/// The API could not start (see [`nexzo_api::prepare`]) or stopped with an
/// error.
pub async fn serve(
    config: &Config,
    metrics: PrometheusHandle,
    shutdown: CancellationToken,
) -> anyhow::Result<()> {
    let url = config.database.url.expose().to_owned();
    let (listener, state) = nexzo_api::prepare(config.api.clone(), &url, Some(metrics)).await?;
    let export = &config.anomaly.api_export;
    let detector = (config.anomaly.enabled && export.enabled)
        .then(|| ExportDetector::new(export.clone()))
        .transpose()
        .context("anomaly.api_export")?;
    state.count_reads_per_reader(detector.is_some());

    // The watch stops only once the server has drained, so the rows of
    // requests finished during the drain are judged in its last window.
    let drained = CancellationToken::new();
    let watch =
        detector.map(|d| tokio::spawn(watch_exports(state.clone(), d, url, drained.clone())));
    let served = nexzo_api::serve_on(listener, state, shutdown.clone()).await;
    shutdown.cancel();
    drained.cancel();
    if let Some(watch) = watch
        && let Err(err) = watch.await
    {
        tracing::error!(cause = %err, "the mass-export watch panicked; its last window was not judged");
    }
    served
}

/// Every window: takes the API's read counts, runs them through the
/// detector and stores what it raised. When `drained` fires the window in
/// progress is judged too, so an export cut short by a restart is still
/// seen.
async fn watch_exports(
    state: AppState,
    mut detector: ExportDetector,
    url: String,
    drained: CancellationToken,
) {
    let period = detector
        .window()
        .to_std()
        .unwrap_or(Duration::from_secs(900));
    let mut tick = tokio::time::interval_at(tokio::time::Instant::now() + period, period);
    // A late tick starts the next window then: windows never run together.
    tick.set_missed_tick_behavior(MissedTickBehavior::Delay);
    let mut store = AlertStore::new(url);
    loop {
        let last = tokio::select! {
            () = drained.cancelled() => true,
            _ = tick.tick() => false,
        };
        let counts = readers(state.take_reads());
        let raised = detector.observe_window(Utc::now(), &counts);
        raised.iter().for_each(alert_raised);
        store.keep(raised);
        store.flush().await;
        if last {
            store.abandon();
            return;
        }
    }
}

/// The API's readers as the detector names them.
fn readers(reads: BTreeMap<nexzo_api::limits::Reader, u64>) -> BTreeMap<Reader, u64> {
    reads
        .into_iter()
        .map(|(reader, rows)| {
            let credential = if reader.api_key {
                Credential::ApiKey(reader.subject)
            } else {
                Credential::User(reader.subject)
            };
            let reader = Reader {
                tenant_id: reader.tenant_id,
                credential,
            };
            (reader, rows)
        })
        .collect()
}

/// Alerts on their way to the alerts table, kept until a write succeeds.
struct AlertStore {
    url: String,
    client: Option<Client>,
    /// The latest version of each alert not yet stored, by id.
    pending: BTreeMap<String, AlertRow>,
}

impl AlertStore {
    fn new(url: String) -> Self {
        Self {
            url,
            client: None,
            pending: BTreeMap::new(),
        }
    }

    fn keep(&mut self, raised: Vec<Alert>) {
        for alert in raised {
            let row = alert_row(alert);
            self.pending.insert(row.alert_id.clone(), row);
        }
        while self.pending.len() > MAX_PENDING_ALERTS {
            let oldest = self
                .pending
                .values()
                .min_by_key(|row| row.last_seen)
                .map(|row| row.alert_id.clone());
            if let Some(row) = oldest.and_then(|id| self.pending.remove(&id)) {
                lost(&row, "the database has refused alerts for too long");
            }
        }
    }

    /// Writes what is pending. A database that is away or slow keeps it for
    /// the next window; rows it refuses are set aside with an error, since
    /// sending them again would fail again and hold the others back.
    async fn flush(&mut self) {
        if self.pending.is_empty() {
            return;
        }
        let rows: Vec<AlertRow> = self.pending.values().cloned().collect();
        match tokio::time::timeout(STORE_TIMEOUT, self.write(&rows)).await {
            Ok(Ok(())) => self.pending.clear(),
            Ok(Err(err)) if err.kind() == ErrorKind::Rejected => {
                for row in std::mem::take(&mut self.pending).into_values() {
                    lost(&row, &err.cause());
                }
            }
            Ok(Err(err)) => {
                warn!(cause = %err, pending = rows.len(), "cannot store mass-export alerts; retrying next window");
            }
            Err(_) => {
                warn!(
                    pending = rows.len(),
                    "storing mass-export alerts timed out; retrying next window"
                );
            }
        }
    }

    async fn write(&mut self, rows: &[AlertRow]) -> Result<(), StorageError> {
        let client = match self.client.take() {
            Some(client) if !client.is_closed() => client,
            _ => nexzo_storage::connect(&self.url).await?,
        };
        alerts::upsert(&client, rows).await?;
        self.client = Some(client);
        Ok(())
    }

    /// At shutdown: whatever could not be stored is lost, and said so.
    fn abandon(&mut self) {
        for row in std::mem::take(&mut self.pending).into_values() {
            lost(&row, "the API stopped before the database took it");
        }
    }
}

/// One alert that will never be stored.
fn lost(row: &AlertRow, why: &str) {
    tracing::error!(alert_id = %row.alert_id, kind = %row.kind, reason = why, "mass-export alert lost");
}

//! Starting, running and draining the pipeline.

use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use arc_swap::ArcSwap;
use nexzo_ingest::Registry;
use nexzo_ingest::kafka::KafkaSource;
use nexzo_ingest::mqtt::MqttSource;
use nexzo_ingest::webhook;
use nexzo_ingest::{Acknowledgers, Envelope};
use nexzo_storage::{migrate, state};
use tokio::sync::{mpsc, oneshot};
use tokio::task::JoinHandle;
use tokio_postgres::Client;
use tokio_util::sync::CancellationToken;
use tracing::{info, warn};

use super::detect::{self, DetectStage};
use super::outbox::{Outbox, publish_alerts};
use super::process::{BatchLimits, Downstream, InFlight, process_stage};
use super::registry::{load_registry, refresh_registry};
use super::rollups::{PROCESSOR, RollupStage};
use super::write::{Database, retry_delays, write_stage};
use crate::config::Config;
use crate::ops::Health;

/// Batches waiting for the writer: one being written and one ready, so that
/// validation overlaps the commit while at most two batches wait in memory.
const WRITE_QUEUE_BATCHES: usize = 2;

/// Runs until `shutdown` fires, then drains: the source stops taking
/// messages, in-flight batches are written and acknowledged, and the MQTT
/// session disconnects cleanly. `schema_ready`, when given, hears once the
/// database schema is current (migrated, or assumed so when migrations
/// do not run on start), for what else reads it in this process.
///
/// # Errors
///
/// Start-up failures (migrations, an unusable MQTT URL). Once running, the
/// pipeline retries every failure rather than exit.
pub async fn run(
    config: Config,
    shutdown: CancellationToken,
    health: Health,
    schema_ready: Option<oneshot::Sender<()>>,
) -> anyhow::Result<()> {
    let url = config.database.url.expose().to_owned();
    let Some(mut client) = connect_until_ready(&url, &config, &shutdown).await else {
        return Ok(());
    };
    if config.database.migrate_on_start {
        let applied = migrate::run(&mut client)
            .await
            .context("applying migrations")?;
        info!(applied = applied.len(), "database migrations checked");
    }
    if let Some(ready) = schema_ready {
        // Nobody waiting is fine: the co-hosted API may have stopped.
        let _ = ready.send(());
    }
    let (version, registry) = load_registry(&mut client)
        .await
        .context("loading the meter registry")?;
    let rollups = start_rollups(&client, &config, &registry).await?;
    let detectors = start_detectors(&client, &config).await?;
    drop(client);
    let registry = Arc::new(ArcSwap::from_pointee(registry));

    let (envelope_tx, envelope_rx) = mpsc::channel(config.ingest.queue_capacity_messages);
    let (batch_tx, batch_rx) = mpsc::channel(WRITE_QUEUE_BATCHES);
    let Sources { mut tasks, acks } = start_sources(&config, &envelope_tx, &shutdown, &health)?;
    // The validating stage ends once every source has dropped its sender.
    drop(envelope_tx);

    let refresher = tokio::spawn(refresh_registry(
        url.clone(),
        registry.clone(),
        version,
        Duration::from_millis(config.ingest.registry_refresh_ms),
        shutdown.child_token(),
    ));
    let downstream = Downstream {
        batches: batch_tx,
        registry,
        rollups,
        detectors,
        idle_tick: Duration::from_millis(config.stream.idle_tick_ms),
        in_flight: InFlight::default(),
    };
    let in_flight = downstream.in_flight.clone();
    tasks.push(tokio::spawn(process_stage(
        envelope_rx,
        config.ingest_rules(),
        limits(&config),
        downstream,
    )));
    let database = Database::new(url.clone());
    health.register("database", database.readiness());
    tasks.push(tokio::spawn(write_stage(
        batch_rx,
        database,
        acks,
        config.writer.clone(),
        in_flight,
    )));
    let outbox = start_outbox(&config, &url, &shutdown)?;
    info!("pipeline running");

    shutdown.cancelled().await;
    info!("shutting down: draining in-flight batches");
    drain(
        tasks,
        Duration::from_millis(config.runtime.shutdown_timeout_ms),
    )
    .await;
    refresher.abort();
    if let Some(outbox) = outbox {
        outbox.abort();
    }
    Ok(())
}

/// The running sources and how to acknowledge to them.
#[derive(Default)]
struct Sources {
    tasks: Vec<JoinHandle<()>>,
    acks: Acknowledgers,
}

/// Starts every enabled source, each feeding `tx`.
fn start_sources(
    config: &Config,
    tx: &mpsc::Sender<Envelope>,
    shutdown: &CancellationToken,
    health: &Health,
) -> anyhow::Result<Sources> {
    let mut sources = Sources::default();
    if config.mqtt.enabled {
        let (source, acker, acker_task) = MqttSource::new(config.mqtt.clone())
            .map_err(anyhow::Error::msg)
            .context("configuring MQTT")?;
        health.register("mqtt", source.readiness());
        sources
            .tasks
            .push(tokio::spawn(source.run(tx.clone(), shutdown.clone())));
        sources.tasks.push(acker_task);
        sources.acks.mqtt = Some(acker);
    }
    if config.kafka.enabled {
        let (source, acker, acker_task) = KafkaSource::new(&config.kafka)
            .map_err(anyhow::Error::msg)
            .context("configuring Kafka")?;
        health.register("kafka", source.readiness());
        sources
            .tasks
            .push(tokio::spawn(source.run(tx.clone(), shutdown.clone())));
        sources.tasks.push(acker_task);
        sources.acks.kafka = Some(acker);
    }
    if config.webhook.listen.is_some() {
        let (config, tx, shutdown) = (config.webhook.clone(), tx.clone(), shutdown.clone());
        sources.tasks.push(tokio::spawn(async move {
            if let Err(err) = webhook::serve(config, tx, shutdown).await {
                tracing::error!(cause = %err, "webhook endpoint failed; webhooks are not received");
            }
        }));
    }
    Ok(sources)
}

/// Waits for every stage to finish, up to `limit`.
async fn drain(tasks: Vec<JoinHandle<()>>, limit: Duration) {
    let all = async {
        for task in tasks {
            let _ = task.await;
        }
    };
    match tokio::time::timeout(limit, all).await {
        Ok(()) => info!("shutdown complete: every committed message acknowledged"),
        Err(_) => warn!(
            limit_ms = limit.as_millis(),
            "shutdown timed out; unacknowledged messages will be redelivered by the broker"
        ),
    }
}

/// Connects at start-up, waiting out a database that is not up yet; `None`
/// when shut down while waiting.
async fn connect_until_ready(
    url: &str,
    config: &Config,
    shutdown: &CancellationToken,
) -> Option<Client> {
    let mut backoff = retry_delays(&config.writer);
    loop {
        match nexzo_storage::connect(url).await {
            Ok(client) => return Some(client),
            Err(err) => {
                let delay = backoff.next().unwrap_or(Duration::from_secs(10));
                warn!(cause = %err, retry_in_ms = delay.as_millis(), "database not reachable at start-up");
                tokio::select! {
                    () = shutdown.cancelled() => return None,
                    () = tokio::time::sleep(delay) => {}
                }
            }
        }
    }
}

fn limits(config: &Config) -> BatchLimits {
    BatchLimits {
        max_rows: config.writer.batch_max_rows,
        linger: Duration::from_millis(config.writer.linger_ms),
    }
}

/// The stream stage resumed from its checkpoints; `None` when rollups are
/// disabled.
async fn start_rollups(
    client: &Client,
    config: &Config,
    registry: &Registry,
) -> anyhow::Result<Option<RollupStage>> {
    if !config.stream.enabled {
        return Ok(None);
    }
    let stored = state::load(client, PROCESSOR)
        .await
        .context("loading meter window checkpoints")?;
    Ok(Some(RollupStage::restore(&config.stream, stored, registry)))
}

/// The task producing stored alerts to Kafka, when a topic is configured.
fn start_outbox(
    config: &Config,
    url: &str,
    shutdown: &CancellationToken,
) -> anyhow::Result<Option<JoinHandle<()>>> {
    let Some(topic) = config.alerts.kafka_topic.clone() else {
        return Ok(None);
    };
    let mut client = rdkafka::ClientConfig::new();
    client.set("bootstrap.servers", &config.kafka.brokers);
    for (key, value) in &config.kafka.librdkafka {
        client.set(key, value);
    }
    let producer = client
        .create()
        .context("creating the Kafka producer for alerts")?;
    let outbox = Outbox {
        database_url: url.to_owned(),
        producer,
        topic,
        every: Duration::from_millis(config.alerts.publish_interval_ms),
    };
    Ok(Some(tokio::spawn(publish_alerts(
        outbox,
        shutdown.child_token(),
    ))))
}

/// The detectors with their baselines resumed; `None` when disabled.
async fn start_detectors(client: &Client, config: &Config) -> anyhow::Result<Option<DetectStage>> {
    if !config.anomaly.enabled {
        return Ok(None);
    }
    let mut stored = Vec::new();
    for detector in [detect::USAGE, detect::LOGINS, detect::BILLING] {
        stored.extend(
            state::load(client, detector)
                .await
                .context("loading detector baselines")?,
        );
    }
    DetectStage::restore(&config.anomaly, &config.stream, stored).map(Some)
}

//! The MQTT runs: the pipeline fed by one QoS 1 publisher, at full speed or
//! paced, optionally with its database frozen for a while; and the
//! transport ceiling fed by the same publisher.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use crate::latency::{self, SendLog};
use crate::mqtt::{Subscriber, publish};
use crate::outcome::{Backpressure, Batches, Delivery, RunOutcome, peak_rss_bytes};
use crate::pause::Frozen;
use crate::support::pipeline::{Pipeline, Settings};
use crate::workload::{Clock, Shape, fleet_db, mqtt_message, production_settings};

/// One MQTT run of the pipeline.
#[derive(Debug, Clone)]
pub(crate) struct MqttRun {
    pub(crate) name: String,
    /// The database server the run's fresh database is made on.
    pub(crate) server_url: String,
    pub(crate) shape: Shape,
    pub(crate) readings: usize,
    /// Readings per second to publish at; `None` is as fast as the broker
    /// acknowledges.
    pub(crate) per_second: Option<f64>,
    pub(crate) freeze: Option<Freeze>,
}

/// Freezing the run's database server for `hold`, `after` the publisher
/// started.
#[derive(Debug, Clone)]
pub(crate) struct Freeze {
    pub(crate) pgdata: PathBuf,
    pub(crate) after: Duration,
    pub(crate) hold: Duration,
}

impl Freeze {
    /// Freezes, holds, thaws; returns the instant of the thaw and the
    /// peak memory of process `pid` just before it.
    async fn apply(self, pid: u32) -> (Instant, u64) {
        tokio::time::sleep(self.after).await;
        let frozen = Frozen::freeze(&self.pgdata);
        tokio::time::sleep(self.hold).await;
        let peak = peak_rss_bytes(pid);
        frozen.thaw();
        (Instant::now(), peak)
    }
}

/// Runs the pipeline against `run` and measures it.
pub(crate) async fn pipeline(run: MqttRun, clock: Clock) -> RunOutcome {
    let db = fleet_db(&run.server_url).await;
    let settings = production_settings(&db.url);
    let pipeline = Pipeline::start(&settings).await;
    let per_message = run.shape.readings_per_message();
    let messages = run.readings / per_message;
    let sends = SendLog::new(messages);

    let watcher = tokio::spawn(latency::watch(
        db.url.clone(),
        clock,
        run.readings,
        per_message,
        sends.clone(),
    ));
    let publisher = tokio::spawn(publish(
        message_stream(settings, clock, run.shape, messages),
        messages,
        run.per_second.map(|r| r / count_f64(per_message)),
        sends.clone(),
    ));
    let pid = pipeline.pid();
    let freezer = run.freeze.clone().map(|f| tokio::spawn(f.apply(pid)));

    let watched = watcher.await.unwrap();
    let published = publisher.await.unwrap();
    let thawed = match freezer {
        Some(task) => Some(task.await.unwrap()),
        None => None,
    };
    let peak_rss_bytes = peak_rss_bytes(pipeline.pid());
    let batches = Batches::from_log(&pipeline.logs());
    drop(pipeline);

    let span = (sends.get(0).unwrap(), watched.finished);
    let mut outcome = RunOutcome::new(&run.name, run.readings, messages, span);
    outcome.published_seconds = Some(published.duration_since(span.0).as_secs_f64());
    outcome.offered_per_second = run.per_second;
    outcome.latency = Some(watched.latency);
    outcome.peak_rss_bytes = peak_rss_bytes;
    outcome.batches = batches;
    outcome.delivery = Delivery::check(&db, clock, run.readings).await;
    outcome.backpressure = run
        .freeze
        .zip(thawed)
        .map(|(f, (thawed, peak))| Backpressure {
            frozen_seconds: f.hold.as_secs_f64(),
            peak_rss_at_thaw_bytes: peak,
            caught_up_seconds: watched.finished.duration_since(thawed).as_secs_f64(),
        });
    outcome
}

/// The transport ceiling for `shape`: a subscriber that only counts, fed by
/// the same publisher; readings per second from the first publish to the
/// last delivery.
pub(crate) async fn ceiling(shape: Shape, clock: Clock, readings: usize) -> f64 {
    // Only for a topic prefix of its own.
    let settings = Settings::new("unused");
    let per_message = shape.readings_per_message();
    let messages = readings / per_message;
    let subscriber = Subscriber::new(&format!("{}/#", settings.topic_prefix)).await;
    let sends = SendLog::new(messages);

    let counting = tokio::spawn(subscriber.count(messages));
    publish(
        message_stream(settings, clock, shape, messages),
        messages,
        None,
        sends.clone(),
    )
    .await;
    let last = counting.await.unwrap();

    let seconds = last.duration_since(sends.get(0).unwrap()).as_secs_f64();
    count_f64(readings) / seconds
}

/// The run's messages, made as they are sent rather than all up front.
fn message_stream(
    settings: Settings,
    clock: Clock,
    shape: Shape,
    messages: usize,
) -> impl Iterator<Item = (String, Vec<u8>)> + Send + 'static {
    (0..messages).map(move |k| mqtt_message(&settings, clock, shape, k))
}

#[allow(clippy::cast_precision_loss)] // counts far below 2^52
fn count_f64(count: usize) -> f64 {
    count as f64
}

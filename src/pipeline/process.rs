//! The validating stage: decides on each message, gathers the outcomes
//! into batches by size and by linger time, and runs each batch through the
//! stream stage before handing it to the writer. A batch past its linger
//! keeps growing while the writer is busy, so a busy writer gets fewer,
//! larger batches rather than a queue of small ones, and an idle one gets
//! each batch after the linger.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use chrono::Utc;
use nexzo_ingest::validate::Input;
use nexzo_ingest::{Envelope, IngestRules, Outcome, SharedRegistry};
use tokio::sync::mpsc;
use tokio::time::{Instant, MissedTickBehavior, interval_at, sleep_until};

use super::detect::DetectStage;
use super::rollups::RollupStage;
use super::{Batch, telemetry};

/// How often a batch past its linger looks again whether the writer has
/// finished: short beside a commit (tens of ms), so the batch leaves soon
/// after the writer is free.
const BUSY_RECHECK: Duration = Duration::from_millis(2);

/// Batches handed to the writer and not yet committed, shared by the stage
/// that sends them and the writer that finishes them.
#[derive(Debug, Clone, Default)]
pub(super) struct InFlight(Arc<AtomicUsize>);

impl InFlight {
    fn sent(&self) {
        self.0.fetch_add(1, Ordering::AcqRel);
    }

    /// The writer finished one batch (committed and acknowledged it).
    pub(super) fn done(&self) {
        self.0.fetch_sub(1, Ordering::AcqRel);
    }

    fn any(&self) -> bool {
        self.0.load(Ordering::Acquire) > 0
    }
}

/// How the stage cuts batches.
#[derive(Debug, Clone, Copy)]
pub(super) struct BatchLimits {
    pub(super) max_rows: usize,
    pub(super) linger: Duration,
}

/// Where batches go once cut: through the stream stage (when rollups are
/// enabled) to the writer.
pub(super) struct Downstream {
    pub(super) batches: mpsc::Sender<Batch>,
    pub(super) registry: SharedRegistry,
    pub(super) rollups: Option<RollupStage>,
    pub(super) detectors: Option<DetectStage>,
    /// How often quiet meters' windows may be closed by processing time.
    pub(super) idle_tick: Duration,
    /// Batches the writer has not finished yet.
    pub(super) in_flight: InFlight,
}

/// Runs until the source closes its channel, then hands on the last batch.
pub(super) async fn process_stage(
    mut envelopes: mpsc::Receiver<Envelope>,
    rules: IngestRules,
    limits: BatchLimits,
    mut down: Downstream,
) {
    let mut batch = Batch::default();
    let mut outcomes: Vec<Outcome> = Vec::new();
    let mut deadline: Option<Instant> = None;
    // Not at once: right after a restart the broker's backlog may not have
    // arrived yet, and an idle pass then would make it too late.
    let mut idle = interval_at(Instant::now() + down.idle_tick, down.idle_tick);
    idle.set_missed_tick_behavior(MissedTickBehavior::Delay);
    let has_windows = down.rollups.is_some();

    loop {
        tokio::select! {
            next = envelopes.recv() => {
                let Some(envelope) = next else { break };
                telemetry::queue_depth("validate", envelopes.len());
                decide(&envelope, &rules, &down.registry, &mut outcomes);
                batch.add_message(outcomes.drain(..), envelope.ack);
                deadline.get_or_insert_with(|| Instant::now() + limits.linger);
                if batch.rows() >= limits.max_rows {
                    if !down.hand_on(&mut batch).await { return; }
                    deadline = None;
                }
            }
            () = sleep_until(deadline.unwrap_or_else(Instant::now)), if deadline.is_some() => {
                // While the writer is busy this batch would only wait for
                // it; growing it meanwhile costs no latency and spares a
                // commit.
                if down.in_flight.any() {
                    deadline = Some(Instant::now() + BUSY_RECHECK);
                    continue;
                }
                if !down.hand_on(&mut batch).await { return; }
                deadline = None;
            }
            _ = idle.tick(), if has_windows => {
                // Only while caught up: with a backlog queued, processing
                // time runs ahead of the event time still waiting.
                if envelopes.is_empty() {
                    if !down.hand_on(&mut batch).await || !down.close_idle().await { return; }
                    deadline = None;
                }
            }
        }
    }
    down.hand_on(&mut batch).await;
}

fn decide(
    envelope: &Envelope,
    rules: &IngestRules,
    registry: &SharedRegistry,
    out: &mut Vec<Outcome>,
) {
    telemetry::received(envelope.position.transport, envelope.payload.len());
    let input = Input {
        payload: &envelope.payload,
        position: &envelope.position,
        item_index: None,
        received_at: envelope.received_at,
    };
    rules.check(input, &registry.load(), Utc::now(), out);
    out.iter().for_each(telemetry::decided);
}

impl Downstream {
    /// Runs the batch through the stream stage and sends it to the writer;
    /// false when the writer is gone.
    async fn hand_on(&mut self, batch: &mut Batch) -> bool {
        if batch.is_empty() {
            return true;
        }
        let registry = self.registry.load();
        if let Some(rollups) = &mut self.rollups {
            rollups.apply(batch, &registry);
        }
        if let Some(detectors) = &mut self.detectors {
            detectors.apply(batch, &registry);
        }
        batch.keep_latest();
        let queued = self.batches.max_capacity() - self.batches.capacity();
        telemetry::queue_depth("write", queued);
        self.send(std::mem::take(batch)).await
    }

    /// Sends a batch to the writer; false when the writer is gone.
    async fn send(&mut self, batch: Batch) -> bool {
        self.in_flight.sent();
        self.batches.send(batch).await.is_ok()
    }

    /// Sends the buckets that processing time closed; false when the
    /// writer is gone.
    async fn close_idle(&mut self) -> bool {
        let Some(rollups) = &mut self.rollups else {
            return true;
        };
        let now = Utc::now();
        let mut closed = rollups.on_idle(now);
        if let Some(detectors) = &mut self.detectors {
            detectors.apply(&mut closed, &self.registry.load());
            detectors.idle(&mut closed, now);
        }
        closed.keep_latest();
        closed.is_empty() || self.send(closed).await
    }
}

//! The validating stage: decides on each message and gathers the outcomes
//! into batches by size and by linger time.

use std::time::Duration;

use chrono::Utc;
use nexzo_ingest::validate::Input;
use nexzo_ingest::{Envelope, IngestRules, Outcome, SharedRegistry};
use tokio::sync::mpsc;
use tokio::time::{Instant, sleep_until};

use super::{Batch, telemetry};

/// How the stage cuts batches.
#[derive(Debug, Clone, Copy)]
pub(super) struct BatchLimits {
    pub(super) max_rows: usize,
    pub(super) linger: Duration,
}

/// Runs until the source closes its channel, then hands on the last batch.
pub(super) async fn process_stage(
    mut envelopes: mpsc::Receiver<Envelope>,
    batches: mpsc::Sender<Batch>,
    rules: IngestRules,
    registry: SharedRegistry,
    limits: BatchLimits,
) {
    let mut batch = Batch::default();
    let mut outcomes: Vec<Outcome> = Vec::new();
    let mut deadline: Option<Instant> = None;

    loop {
        let next = match deadline {
            None => envelopes.recv().await,
            Some(at) => tokio::select! {
                next = envelopes.recv() => next,
                () = sleep_until(at) => {
                    if !hand_on(&mut batch, &batches).await { return; }
                    deadline = None;
                    continue;
                }
            },
        };
        let Some(envelope) = next else { break };

        decide(&envelope, &rules, &registry, &mut outcomes);
        batch.add_message(outcomes.drain(..), envelope.ack);
        deadline.get_or_insert_with(|| Instant::now() + limits.linger);

        if batch.rows() >= limits.max_rows {
            if !hand_on(&mut batch, &batches).await {
                return;
            }
            deadline = None;
        }
    }
    hand_on(&mut batch, &batches).await;
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

/// Sends the batch to the writer; false when the writer is gone.
async fn hand_on(batch: &mut Batch, batches: &mpsc::Sender<Batch>) -> bool {
    if batch.is_empty() {
        return true;
    }
    batches.send(std::mem::take(batch)).await.is_ok()
}

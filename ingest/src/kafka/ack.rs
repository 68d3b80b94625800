//! Marking Kafka records finished and committing their offsets.

use std::sync::Arc;

use rdkafka::consumer::{CommitMode, Consumer, StreamConsumer};
use tokio::sync::mpsc;
use tokio::task::JoinHandle;
use tracing::warn;

use super::context::{Context, Shared, to_list};
use crate::envelope::AckToken;

/// Takes acknowledgements from the writer without ever blocking it, like
/// the MQTT acknowledger; a task of its own moves and commits the offsets.
#[derive(Debug, Clone)]
pub struct KafkaAcker {
    tx: mpsc::UnboundedSender<Vec<AckToken>>,
}

impl KafkaAcker {
    pub(super) fn spawn(
        consumer: Arc<StreamConsumer<Context>>,
        shared: Shared,
    ) -> (Self, JoinHandle<()>) {
        let (tx, rx) = mpsc::unbounded_channel();
        (Self { tx }, tokio::spawn(feed(consumer, shared, rx)))
    }

    /// Queues acknowledgements for records whose rows are committed.
    pub fn acknowledge(&self, tokens: Vec<AckToken>) {
        // The task outlives every sender, so this cannot fail while `self` exists.
        let _ = self.tx.send(tokens);
    }
}

/// Commits asynchronously as records finish; when the pipeline drops the
/// last acker, commits once more synchronously so that a clean stop leaves
/// nothing to re-read.
async fn feed(
    consumer: Arc<StreamConsumer<Context>>,
    shared: Shared,
    mut rx: mpsc::UnboundedReceiver<Vec<AckToken>>,
) {
    while let Some(tokens) = rx.recv().await {
        let moved = {
            let mut tracker = shared.tracker();
            for token in tokens {
                if let AckToken::Kafka {
                    topic,
                    partition,
                    offset,
                    assignment,
                } = token
                {
                    tracker.done(&(topic, partition), offset, assignment);
                }
            }
            tracker.advance()
        };
        if moved.is_empty() {
            continue;
        }
        if let Err(err) = consumer.commit(&to_list(&moved), CommitMode::Async) {
            warn!(cause = %err, "kafka offset commit failed; the partition's next commit or the final one covers it");
        }
    }

    let points = shared.tracker().all_points();
    if points.is_empty() {
        return;
    }
    let final_commit =
        tokio::task::spawn_blocking(move || consumer.commit(&to_list(&points), CommitMode::Sync));
    if let Ok(Err(err)) = final_commit.await {
        warn!(cause = %err, "final kafka offset commit failed; those records are read again");
    }
}

//! Rebalance handling: the consumer's callbacks keep the offset tracker in
//! step with the partitions this member owns.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use rdkafka::consumer::{BaseConsumer, CommitMode, Consumer, ConsumerContext, Rebalance};
use rdkafka::{ClientContext, Statistics, TopicPartitionList};
use tracing::{info, warn};

use super::offsets::{OffsetTracker, PartitionId};
use crate::health::Readiness;

/// Shared between the consumer's callbacks, the source and the acker.
#[derive(Debug, Clone, Default)]
pub(super) struct Shared {
    pub(super) tracker: Arc<Mutex<OffsetTracker>>,
    /// Numbers assignments, so completions can be matched to the ownership
    /// they were read under.
    pub(super) assignments: Arc<AtomicU64>,
    /// True once partitions are assigned or a record was read; false after
    /// a consumer error until the next record.
    pub(super) ready: Readiness,
}

impl Shared {
    /// The offset tracker, locked. A panic while it was held leaves the
    /// bookkeeping as consistent as any single call leaves it, so the lock is
    /// taken over rather than propagated.
    pub(super) fn tracker(&self) -> MutexGuard<'_, OffsetTracker> {
        self.tracker.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

#[derive(Debug, Clone, Default)]
pub(super) struct Context {
    pub(super) shared: Shared,
}

impl ClientContext for Context {
    /// librdkafka's periodic statistics: each owned partition's lag behind
    /// its end, as the `nexzo_kafka_consumer_lag_messages` gauge. Partitions
    /// not owned (or not yet fetched) report -1 and are skipped.
    fn stats(&self, statistics: Statistics) {
        for (topic, detail) in &statistics.topics {
            for (partition, p) in &detail.partitions {
                if *partition < 0 || p.consumer_lag < 0 {
                    continue;
                }
                #[allow(clippy::cast_precision_loss)] // a lag fits an f64 exactly
                metrics::gauge!(
                    "nexzo_kafka_consumer_lag_messages",
                    "topic" => topic.clone(),
                    "partition" => partition.to_string()
                )
                .set(p.consumer_lag as f64);
            }
        }
    }
}

impl ConsumerContext for Context {
    /// Before partitions go: commit what is finished, then stop tracking them.
    fn pre_rebalance(&self, consumer: &BaseConsumer<Self>, rebalance: &Rebalance<'_>) {
        let Rebalance::Revoke(list) = rebalance else {
            return;
        };
        let partitions = partitions(list);
        let mut tracker = self.shared.tracker();
        let points = tracker.points_of(&partitions);
        if !points.is_empty()
            && let Err(err) = consumer.commit(&to_list(&points), CommitMode::Sync)
        {
            warn!(cause = %err, "committing before a rebalance failed; the next owner re-reads those records");
        }
        for partition in &partitions {
            tracker.revoke(partition);
        }
        info!(partitions = partitions.len(), "kafka partitions revoked");
    }

    /// After partitions arrive: track them under a new assignment number.
    fn post_rebalance(&self, _consumer: &BaseConsumer<Self>, rebalance: &Rebalance<'_>) {
        let Rebalance::Assign(list) = rebalance else {
            return;
        };
        let assignment = self.shared.assignments.fetch_add(1, Ordering::AcqRel) + 1;
        let partitions = partitions(list);
        let mut tracker = self.shared.tracker();
        for partition in &partitions {
            tracker.assign(partition.clone(), assignment);
        }
        info!(
            partitions = partitions.len(),
            assignment, "kafka partitions assigned"
        );
    }
}

fn partitions(list: &TopicPartitionList) -> Vec<PartitionId> {
    list.elements()
        .iter()
        .map(|e| (Arc::from(e.topic()), e.partition()))
        .collect()
}

/// A list of (partition, next offset to read) for a commit.
pub(super) fn to_list(points: &[(PartitionId, i64)]) -> TopicPartitionList {
    let mut list = TopicPartitionList::new();
    for ((topic, partition), offset) in points {
        // Offsets here come from the broker, so they are always valid.
        let _ = list.add_partition_offset(topic, *partition, rdkafka::Offset::Offset(*offset));
    }
    list
}

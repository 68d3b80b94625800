//! Which Kafka offset may be committed: plain bookkeeping, no I/O.
//!
//! A partition's committed offset may only move past a record once that
//! record and every earlier one are stored or quarantined. Records are read
//! in order and usually finish in order, but the rule must hold when they
//! do not, and across rebalances: a partition this consumer lost must not
//! have its offset moved by work that finishes after the loss.

use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;

/// A topic and partition.
pub type PartitionId = (Arc<str>, i32);

#[derive(Debug, Default)]
struct PartitionState {
    /// The assignment this state belongs to.
    assignment: u64,
    /// Offsets handed on and not yet finished.
    in_flight: BTreeSet<i64>,
    /// The highest finished offset.
    highest_done: Option<i64>,
    /// The next offset to read according to the last commit point returned.
    committed: Option<i64>,
}

impl PartitionState {
    /// The next offset a restart should read: the oldest unfinished record,
    /// or the one after the newest finished record when nothing is pending.
    fn commit_point(&self) -> Option<i64> {
        match self.in_flight.first() {
            Some(&oldest) => Some(oldest),
            None => self.highest_done.map(|o| o + 1),
        }
    }
}

/// Offsets of every partition this consumer owns.
#[derive(Debug, Default)]
pub struct OffsetTracker {
    partitions: HashMap<PartitionId, PartitionState>,
}

impl OffsetTracker {
    /// Takes ownership of a partition under a new assignment number.
    pub fn assign(&mut self, partition: PartitionId, assignment: u64) {
        self.partitions.insert(
            partition,
            PartitionState {
                assignment,
                ..PartitionState::default()
            },
        );
    }

    /// Gives a partition up; later completions for it are ignored.
    pub fn revoke(&mut self, partition: &PartitionId) {
        self.partitions.remove(partition);
    }

    /// The assignment number a record read now belongs to, or `None` when
    /// the partition is not owned.
    pub fn assignment_of(&self, partition: &PartitionId) -> Option<u64> {
        self.partitions.get(partition).map(|s| s.assignment)
    }

    /// Notes a record handed on to the pipeline.
    pub fn read(&mut self, partition: &PartitionId, offset: i64, assignment: u64) {
        if let Some(state) = self.owned(partition, assignment) {
            state.in_flight.insert(offset);
        }
    }

    /// Notes a record stored or quarantined.
    pub fn done(&mut self, partition: &PartitionId, offset: i64, assignment: u64) {
        if let Some(state) = self.owned(partition, assignment)
            && state.in_flight.remove(&offset)
        {
            state.highest_done = state.highest_done.max(Some(offset));
        }
    }

    /// Partitions whose commit point moved since the last call, with the
    /// offset to commit (the next record to read).
    pub fn advance(&mut self) -> Vec<(PartitionId, i64)> {
        let mut moved = Vec::new();
        for (partition, state) in &mut self.partitions {
            let Some(point) = state.commit_point() else {
                continue;
            };
            if state.committed < Some(point) {
                state.committed = Some(point);
                moved.push((partition.clone(), point));
            }
        }
        moved
    }

    /// The commit points of the given partitions, whether or not they moved;
    /// used to commit synchronously just before giving partitions up.
    pub fn points_of(&self, partitions: &[PartitionId]) -> Vec<(PartitionId, i64)> {
        partitions
            .iter()
            .filter_map(|p| {
                self.partitions
                    .get(p)
                    .and_then(PartitionState::commit_point)
                    .map(|o| (p.clone(), o))
            })
            .collect()
    }

    /// The commit point of every owned partition, for the final commit of a
    /// clean stop: a partition whose last asynchronous commit failed and
    /// then went quiet is covered too.
    pub fn all_points(&self) -> Vec<(PartitionId, i64)> {
        self.partitions
            .iter()
            .filter_map(|(p, state)| state.commit_point().map(|o| (p.clone(), o)))
            .collect()
    }

    fn owned(&mut self, partition: &PartitionId, assignment: u64) -> Option<&mut PartitionState> {
        self.partitions
            .get_mut(partition)
            .filter(|s| s.assignment == assignment)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(n: i32) -> PartitionId {
        (Arc::from("t"), n)
    }

    #[test]
    fn the_commit_point_waits_for_the_oldest_unfinished_record() {
        let mut t = OffsetTracker::default();
        t.assign(p(0), 1);
        for offset in 10..15 {
            t.read(&p(0), offset, 1);
        }
        t.done(&p(0), 11, 1);
        t.done(&p(0), 12, 1);
        assert_eq!(t.advance(), [(p(0), 10)], "10 is still in flight");
        t.done(&p(0), 10, 1);
        assert_eq!(t.advance(), [(p(0), 13)]);
        assert_eq!(t.advance(), [], "nothing moved");
        t.done(&p(0), 14, 1);
        t.done(&p(0), 13, 1);
        assert_eq!(
            t.advance(),
            [(p(0), 15)],
            "all done: commit after the newest"
        );
    }

    #[test]
    fn completions_from_an_earlier_assignment_are_ignored() {
        let mut t = OffsetTracker::default();
        t.assign(p(0), 1);
        t.read(&p(0), 5, 1);
        t.revoke(&p(0));
        t.assign(p(0), 2);
        t.read(&p(0), 3, 2);
        t.done(&p(0), 5, 1);
        assert_eq!(
            t.advance(),
            [(p(0), 3)],
            "offset 5 finished under the old assignment"
        );
    }

    #[test]
    fn a_revoked_partition_reports_nothing() {
        let mut t = OffsetTracker::default();
        t.assign(p(1), 1);
        t.read(&p(1), 0, 1);
        t.done(&p(1), 0, 1);
        t.revoke(&p(1));
        assert_eq!(t.advance(), []);
        assert_eq!(t.points_of(&[p(1)]), []);
        assert_eq!(t.assignment_of(&p(1)), None);
    }

    #[test]
    fn partitions_advance_independently() {
        let mut t = OffsetTracker::default();
        t.assign(p(0), 1);
        t.assign(p(1), 1);
        t.read(&p(0), 7, 1);
        t.read(&p(1), 0, 1);
        t.done(&p(1), 0, 1);
        let mut moved = t.advance();
        moved.sort();
        assert_eq!(moved, [(p(0), 7), (p(1), 1)]);
        t.done(&p(0), 7, 1);
        assert_eq!(t.advance(), [(p(0), 8)]);
    }
}

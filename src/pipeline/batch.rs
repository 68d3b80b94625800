//! A batch: the rows of one transaction and the acknowledgements it frees.

use std::collections::{BTreeMap, BTreeSet};

use nexzo_ingest::{AckToken, Outcome};
use nexzo_schemas::{AcceptedEvent, AcceptedReading, QuarantineEntry};
use nexzo_storage::alerts::AlertRow;
use nexzo_storage::rollups::RollupRow;
use nexzo_storage::state::StateRow;

/// Rows to commit together, and what to acknowledge once they are.
#[derive(Debug, Default)]
pub struct Batch {
    pub readings: Vec<AcceptedReading>,
    pub events: Vec<AcceptedEvent>,
    pub quarantine: Vec<QuarantineEntry>,
    /// Quarantine ids whose readings this batch re-submits.
    pub replayed: Vec<i64>,
    /// In arrival order; acknowledged in that order after commit.
    pub acks: Vec<AckToken>,
    /// Buckets the batch's readings changed, one row per bucket.
    pub rollups: Vec<RollupRow>,
    /// Processor state after the batch, one row per key.
    pub state: Vec<StateRow>,
    /// Alerts raised or updated, one row per alert.
    pub alerts: Vec<AlertRow>,
}

impl Batch {
    /// Adds every outcome of one message, and the message's acknowledgement.
    /// A message is never split across batches, so its acknowledgement
    /// follows all of its rows.
    pub fn add_message(&mut self, outcomes: impl IntoIterator<Item = Outcome>, ack: AckToken) {
        for outcome in outcomes {
            match outcome {
                Outcome::Accepted(reading) => self.readings.push(reading),
                Outcome::Event(event) => self.events.push(event),
                Outcome::Quarantined(entry) => self.quarantine.push(entry),
            }
        }
        if !ack.is_none() {
            self.acks.push(ack);
        }
    }

    pub fn rows(&self) -> usize {
        self.readings.len() + self.events.len() + self.quarantine.len()
    }

    /// True when there is nothing to write and nothing to acknowledge.
    pub fn is_empty(&self) -> bool {
        self.rows() == 0
            && self.acks.is_empty()
            && self.replayed.is_empty()
            && self.rollups.is_empty()
            && self.state.is_empty()
            && self.alerts.is_empty()
    }

    /// Keeps only the last row for each bucket, processor key and alert.
    /// The stages may describe one thing twice in a batch (a detector
    /// updating an alert it opened, an idle pass after a batch), and
    /// PostgreSQL refuses to upsert one row twice in a statement.
    pub fn keep_latest(&mut self) {
        last_of_each(&mut self.rollups, |r| {
            (r.meter_id.clone(), r.width, r.bucket_start)
        });
        last_of_each(&mut self.state, |s| (s.processor, s.key.clone()));
        last_of_each(&mut self.alerts, |a| a.alert_id.clone());
    }
}

/// Drops every row that a later row with the same key supersedes, keeping
/// the order of the rest.
fn last_of_each<T, K: Ord>(rows: &mut Vec<T>, key: impl Fn(&T) -> K) {
    let mut last: BTreeMap<K, usize> = BTreeMap::new();
    for (i, row) in rows.iter().enumerate() {
        last.insert(key(row), i);
    }
    let keep: BTreeSet<usize> = last.into_values().collect();
    let mut index = 0;
    rows.retain(|_| {
        let kept = keep.contains(&index);
        index += 1;
        kept
    });
}

#[cfg(test)]
mod tests {
    use super::last_of_each;

    #[test]
    fn the_last_row_of_each_key_survives_in_its_place() {
        let mut rows = vec![("a", 1), ("b", 1), ("a", 2), ("c", 1), ("b", 2)];
        last_of_each(&mut rows, |r| r.0);
        assert_eq!(rows, [("a", 2), ("c", 1), ("b", 2)]);
    }
}

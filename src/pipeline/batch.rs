//! A batch: the rows of one transaction and the acknowledgements it frees.

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
}

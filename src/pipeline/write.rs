//! The writer stage: commits batches, never gives up on one, and isolates
//! rows the database refuses instead of failing their whole batch.

use std::ops::Range;
use std::time::{Duration, Instant};

use backon::{BackoffBuilder, ExponentialBuilder};
use nexzo_ingest::{Acknowledgers, Readiness};
use nexzo_schemas::{QuarantineEntry, RejectCode};
use nexzo_storage::readings::prepare_session;
use nexzo_storage::{BatchWrite, ErrorKind, StorageError, WriteReport, write_batch};
use tokio::sync::mpsc;
use tokio_postgres::Client;

use super::Batch;
use super::process::InFlight;
use super::telemetry;
use crate::config::WriterConfig;

/// A lazily (re)connected database session for writing.
pub(crate) struct Database {
    url: String,
    client: Option<Client>,
    /// True while writes succeed; false from a failed write until the next
    /// success.
    ready: Readiness,
}

impl Database {
    pub(crate) fn new(url: impl Into<String>) -> Self {
        Self {
            url: url.into(),
            client: None,
            ready: Readiness::default(),
        }
    }

    /// The writer's view of the database, for readiness checks. It starts
    /// ready: the pipeline only starts after connecting once.
    pub(crate) fn readiness(&self) -> Readiness {
        self.ready.set(true);
        self.ready.clone()
    }

    /// The open session, reconnecting first if the last one was lost.
    ///
    /// # Errors
    ///
    /// The database cannot be reached or the session prepared.
    pub(crate) async fn client(&mut self) -> Result<&mut Client, StorageError> {
        if self.client.as_ref().is_none_or(Client::is_closed) {
            self.client = None;
            let client = nexzo_storage::connect(&self.url).await?;
            prepare_session(&client).await?;
            self.client = Some(client);
        }
        Ok(self.client.as_mut().expect("connected just above"))
    }
}

/// Writes each batch durably, then acknowledges its messages and tells
/// `in_flight` it is done.
pub(super) async fn write_stage(
    mut batches: mpsc::Receiver<Batch>,
    mut db: Database,
    acks: Acknowledgers,
    config: WriterConfig,
    in_flight: InFlight,
) {
    while let Some(batch) = batches.recv().await {
        let started = Instant::now();
        let report = write_durably(&mut db, &batch, &config).await;
        telemetry::committed(&report, started.elapsed());
        telemetry::acknowledged(batch.acks.len());
        acks.acknowledge(batch.acks);
        in_flight.done();
    }
}

/// Commits `batch`, retrying failures with backoff until it succeeds.
///
/// When the database refuses the data itself (a constraint or value error),
/// the batch's rows are split in halves and written separately until the
/// refused rows are isolated; those are quarantined as
/// `rejected_by_database` and everything else is stored. Parts commit in
/// separate transactions; that is safe because every write is idempotent
/// and the batch's quarantine entries and replay marks travel with exactly
/// one part. The batch's rollups and processor state travel with that part
/// too.
///
/// Known shortcoming: the split assumes the refused row is a reading or an
/// event. Should the database refuse one of the batch's quarantine entries
/// themselves (their text fields come from validated input, so this takes a
/// schema change such as a new constraint), the entries are logged as lost
/// and counted in `nexzo_writer_records_lost_total`, and the row in the part
/// that carried them is quarantined too. And a row-specific refusal outside
/// the data and constraint classes (say, a trigger that raises an error) is
/// taken for an operator problem and retried whole, so it holds the
/// pipeline until an operator removes its cause.
pub(crate) async fn write_durably(
    db: &mut Database,
    batch: &Batch,
    config: &WriterConfig,
) -> WriteReport {
    let mut total = WriteReport::default();
    let mut refused: Vec<QuarantineEntry> = Vec::new();
    // Row ranges still to write, over readings then events; the flag marks
    // the part that carries the quarantine entries and replay marks.
    let mut pending: Vec<(Range<usize>, bool)> =
        vec![(0..batch.readings.len() + batch.events.len(), true)];
    let mut backoff = backoff(config);

    while let Some((range, carries_rest)) = pending.pop() {
        let part = part_of(batch, &range, carries_rest);
        match write_once(db, part).await {
            Ok(report) => {
                total.add(report);
                db.ready.set(true);
                backoff = self::backoff(config);
            }
            Err(err) if err.kind() == ErrorKind::Rejected && range.len() > 1 => {
                let mid = range.start + range.len() / 2;
                pending.push((mid..range.end, false));
                pending.push((range.start..mid, carries_rest));
            }
            Err(err) if err.kind() == ErrorKind::Rejected && range.len() == 1 => {
                telemetry::row_refused(&err);
                refused.push(refused_entry(batch, range.start, &err));
                if carries_rest {
                    pending.push((range.end..range.end, true));
                }
            }
            Err(err) if err.kind() == ErrorKind::Rejected => {
                telemetry::quarantine_refused(&err, part.quarantine.len());
            }
            Err(err) => {
                db.ready.set(false);
                let delay = backoff
                    .next()
                    .unwrap_or(Duration::from_millis(config.retry_max_ms));
                telemetry::write_failed(&err, delay);
                tokio::time::sleep(delay).await;
                pending.push((range, carries_rest));
            }
        }
    }

    if !refused.is_empty() {
        let rest = Batch {
            quarantine: refused,
            ..Batch::default()
        };
        total.add(Box::pin(write_durably(db, &rest, config)).await);
    }
    total
}

/// The rows `range` covers (readings first, then events).
fn part_of<'b>(batch: &'b Batch, range: &Range<usize>, carries_rest: bool) -> BatchWrite<'b> {
    let r = batch.readings.len();
    BatchWrite {
        readings: &batch.readings[range.start.min(r)..range.end.min(r)],
        events: &batch.events[range.start.max(r) - r..range.end.max(r) - r],
        quarantine: if carries_rest { &batch.quarantine } else { &[] },
        replayed: if carries_rest { &batch.replayed } else { &[] },
        rollups: if carries_rest { &batch.rollups } else { &[] },
        state: if carries_rest { &batch.state } else { &[] },
        alerts: if carries_rest { &batch.alerts } else { &[] },
    }
}

async fn write_once(db: &mut Database, part: BatchWrite<'_>) -> Result<WriteReport, StorageError> {
    let client = db.client().await?;
    write_batch(client, part).await
}

/// The quarantine entry for row `index` of the batch, refused by the database.
fn refused_entry(batch: &Batch, index: usize, err: &StorageError) -> QuarantineEntry {
    let (received_at, meter_id, origin) = match batch.readings.get(index) {
        Some(r) => (
            r.received_at,
            Some(r.reading.meter_id.clone()),
            r.origin.clone(),
        ),
        None => {
            let e = &batch.events[index - batch.readings.len()];
            (e.received_at, None, e.origin.clone())
        }
    };
    QuarantineEntry {
        received_at,
        code: RejectCode::RejectedByDatabase,
        message: err.cause(),
        meter_id,
        origin,
    }
}

fn backoff(config: &WriterConfig) -> impl Iterator<Item = Duration> + use<> {
    retry_delays(config)
}

/// Exponential delays with jitter between `retry_min_ms` and `retry_max_ms`,
/// for every database retry of the pipeline.
pub(super) fn retry_delays(config: &WriterConfig) -> impl Iterator<Item = Duration> + use<> {
    ExponentialBuilder::default()
        .with_min_delay(Duration::from_millis(config.retry_min_ms))
        .with_max_delay(Duration::from_millis(config.retry_max_ms))
        .with_jitter()
        .without_max_times()
        .build()
}

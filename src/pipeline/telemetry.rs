//! Every situation the pipeline counts, each with its metric and its log
//! line in one place. Per-record events log at `debug` at most.

use std::time::Duration;

use metrics::{counter, histogram};
use nexzo_ingest::Outcome;
use nexzo_schemas::{EventRecord, QuarantineEntry, Transport};
use nexzo_storage::{ErrorKind, StorageError, WriteReport};
use tracing::{debug, error, warn};

/// A message arrived from a source.
pub(super) fn received(transport: Transport, bytes: usize) {
    counter!("nexzo_ingest_received_messages_total", "transport" => transport.as_str())
        .increment(1);
    counter!("nexzo_ingest_received_bytes_total", "transport" => transport.as_str())
        .increment(bytes as u64);
}

/// The ingest rules decided on one record.
pub(super) fn decided(outcome: &Outcome) {
    match outcome {
        Outcome::Accepted(_) => counter!("nexzo_ingest_accepted_readings_total").increment(1),
        Outcome::Event(event) => {
            let kind = match &event.record {
                EventRecord::Integration(_) => "integration",
                EventRecord::Ledger(_) => "ledger",
                EventRecord::Login(_) => "login",
            };
            counter!("nexzo_ingest_accepted_events_total", "kind" => kind).increment(1);
        }
        Outcome::Quarantined(entry) => rejected(entry),
    }
}

fn rejected(entry: &QuarantineEntry) {
    counter!("nexzo_ingest_rejected_records_total", "reason" => entry.code.as_str()).increment(1);
    debug!(
        reason = entry.code.as_str(),
        topic = &*entry.origin.position.topic,
        meter_id = entry.meter_id.as_deref(),
        "record quarantined"
    );
}

/// A batch committed.
pub(super) fn committed(report: &WriteReport, elapsed: Duration) {
    counter!("nexzo_writer_readings_inserted_total").increment(report.inserted);
    counter!("nexzo_writer_readings_duplicate_total").increment(report.duplicates);
    counter!("nexzo_writer_quarantined_total").increment(report.quarantined);
    counter!("nexzo_writer_events_inserted_total").increment(report.events_inserted);
    counter!("nexzo_writer_events_duplicate_total").increment(report.events_duplicates);
    counter!("nexzo_writer_rollups_upserted_total").increment(report.rollups);
    #[allow(clippy::cast_precision_loss)] // a batch's row count fits an f64 exactly
    histogram!("nexzo_writer_batch_rows")
        .record((report.inserted + report.duplicates + report.quarantined) as f64);
    histogram!("nexzo_writer_commit_seconds").record(elapsed.as_secs_f64());
    debug!(
        inserted = report.inserted,
        duplicates = report.duplicates,
        quarantined = report.quarantined,
        elapsed_ms = elapsed.as_millis(),
        "batch committed"
    );
}

/// Messages were acknowledged to their source.
pub(super) fn acknowledged(count: usize) {
    counter!("nexzo_ingest_acknowledged_messages_total").increment(count as u64);
}

/// A write failed and will be retried; nothing is lost.
pub(super) fn write_failed(err: &StorageError, retry_in: Duration) {
    let kind = match err.kind() {
        ErrorKind::Transient => "transient",
        ErrorKind::Operator => "operator",
        ErrorKind::Rejected => "rejected",
    };
    counter!("nexzo_writer_retries_total", "kind" => kind).increment(1);
    let retry_in_ms = retry_in.as_millis();
    match err.kind() {
        ErrorKind::Operator => {
            error!(cause = %err, retry_in_ms, "write failed; an operator must act, retrying")
        }
        _ => warn!(cause = %err, retry_in_ms, "write failed; retrying"),
    }
}

/// The database refused one reading's row; it goes to the quarantine.
pub(super) fn row_refused(err: &StorageError) {
    counter!("nexzo_writer_rows_refused_total").increment(1);
    warn!(cause = %err, "database refused a reading; quarantining it");
}

/// The database refused quarantine entries themselves: they are lost.
pub(super) fn quarantine_refused(err: &StorageError, count: usize) {
    counter!("nexzo_writer_records_lost_total").increment(count as u64);
    error!(cause = %err, count, "database refused quarantine entries; these records are lost");
}

/// The registry was reloaded.
pub(super) fn registry_loaded(version: i64, meters: usize, sites: usize) {
    #[allow(clippy::cast_precision_loss)] // registry sizes fit an f64 exactly
    {
        metrics::gauge!("nexzo_registry_meters").set(meters as f64);
        metrics::gauge!("nexzo_registry_sites").set(sites as f64);
    }
    tracing::info!(version, meters, sites, "meter registry loaded");
}

/// The registry could not be refreshed; the last snapshot stays in use.
pub(super) fn registry_stale(err: &StorageError) {
    counter!("nexzo_registry_refresh_failures_total").increment(1);
    warn!(cause = %err, "meter registry refresh failed; using the last snapshot");
}

/// Meter windows were resumed from their checkpoints at start.
pub(super) fn stream_restored(meters: usize) {
    tracing::info!(meters, "meter windows resumed from checkpoints");
}

/// A stored checkpoint could not be resumed; the meter starts afresh and
/// its open buckets must be recomputed from raw readings.
pub(super) fn stream_restart_refused(meter_id: &str, cause: &str) {
    counter!("nexzo_stream_checkpoints_refused_total").increment(1);
    warn!(
        meter_id,
        cause, "meter checkpoint not resumed; its windows start afresh (run recompute over them)"
    );
}

/// The stream took one reading.
pub(super) fn stream_pushed(meter_id: &str, outcome: &nexzo_stream::Outcome) {
    use nexzo_stream::Outcome;
    let name = match outcome {
        Outcome::Applied => "applied",
        Outcome::Duplicate => "duplicate",
        Outcome::Conflict { .. } => "conflict",
        Outcome::TooLate { .. } => "too_late",
        Outcome::RegisterOutOfRange => "out_of_range",
    };
    counter!("nexzo_stream_readings_total", "outcome" => name).increment(1);
    match outcome {
        Outcome::TooLate { watermark } => {
            debug!(meter_id, %watermark, "reading too late for its windows; stored raw only")
        }
        Outcome::Conflict { kept_wh } => {
            debug!(
                meter_id,
                kept_wh, "reading repeats a timestamp with another register"
            )
        }
        _ => {}
    }
}

/// Alert changes reached the alerts topic.
pub(super) fn alerts_produced(count: usize) {
    if count > 0 {
        counter!("nexzo_alerts_produced_total").increment(count as u64);
        debug!(count, "alert changes produced to Kafka");
    }
}

/// A round of producing alerts failed; it is retried, nothing is lost.
pub(super) fn alerts_produce_failed(err: &StorageError) {
    counter!("nexzo_alerts_produce_failures_total").increment(1);
    warn!(cause = %err, "producing alerts failed; retrying");
}

/// The broker did not take some alert changes; the next round retries them.
pub(super) fn alerts_undelivered(count: usize) {
    counter!("nexzo_alerts_produce_failures_total").increment(1);
    warn!(
        count,
        "the alerts topic did not take every change; retrying"
    );
}

/// Detector state was given back at start.
pub(super) fn detectors_restored(keys: usize) {
    tracing::info!(keys, "detector baselines resumed from checkpoints");
}

/// A stored detector entry could not be given back; that key starts cold.
pub(super) fn detector_state_refused(err: &nexzo_anomaly::RestoreError) {
    counter!("nexzo_anomaly_state_refused_total").increment(1);
    warn!(cause = %err, "detector state not resumed; that key starts cold");
}

/// A detector opened, updated or closed an alert. Subjects can be
/// addresses or user ids, so the log carries the alert id and kind only.
pub(crate) fn alert_raised(alert: &nexzo_anomaly::Alert) {
    let phase = match alert.phase {
        nexzo_anomaly::AlertPhase::Opened => "opened",
        nexzo_anomaly::AlertPhase::Updated => "updated",
        nexzo_anomaly::AlertPhase::Closed => "closed",
    };
    counter!(
        "nexzo_anomaly_alerts_total",
        "kind" => alert.kind.as_str(),
        "phase" => phase
    )
    .increment(1);
    if alert.phase == nexzo_anomaly::AlertPhase::Opened {
        tracing::info!(
            alert_id = %alert.id,
            kind = alert.kind.as_str(),
            severity = alert.severity.as_str(),
            "alert opened"
        );
    }
}

/// How many items wait in front of a stage: messages before validation,
/// batches before the writer. A full queue means the stage behind it is
/// the bottleneck (usually the database).
pub(super) fn queue_depth(stage: &'static str, items: usize) {
    #[allow(clippy::cast_precision_loss)] // queue lengths fit an f64 exactly
    metrics::gauge!("nexzo_pipeline_queue_depth", "stage" => stage).set(items as f64);
}

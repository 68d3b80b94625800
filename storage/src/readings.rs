//! The batch writer: readings, events, quarantine entries, the rollups and
//! processor state they produced commit together, or not at all.

use futures_util::pin_mut;
use nexzo_schemas::{AcceptedEvent, AcceptedReading, QuarantineEntry};
use tokio_postgres::binary_copy::BinaryCopyInWriter;
use tokio_postgres::types::{ToSql, Type};
use tokio_postgres::{Client, Transaction};

use crate::alerts::{self, AlertRow};
use crate::error::StorageError;
use crate::rollups::{self, RollupRow};
use crate::state::{self, StateRow};
use crate::{events, quarantine};

/// Readings go through a per-connection staging table so that one binary
/// COPY (the fastest way in) can still end in `ON CONFLICT DO NOTHING` on the
/// natural key, which COPY alone cannot do. `ON COMMIT DELETE ROWS` empties
/// it at every commit or rollback.
const CREATE_STAGING: &str = "
    CREATE TEMP TABLE IF NOT EXISTS readings_staging
        (LIKE readings INCLUDING DEFAULTS) ON COMMIT DELETE ROWS";

const COPY_STAGING: &str = "
    COPY readings_staging
        (tenant_id, property_id, meter_id, ts, energy_wh, power_w, voltage_v, current_a, received_at)
    FROM STDIN BINARY";

/// The column types of a reading's COPY row, in the order the writer
/// sends its nine columns (tenant, property, meter, time, register, power,
/// voltage, current, receipt time). The benchmarks copy the same row.
pub const COPY_TYPES: &[Type] = &[
    Type::TEXT,
    Type::TEXT,
    Type::TEXT,
    Type::TIMESTAMPTZ,
    Type::INT8,
    Type::FLOAT8,
    Type::FLOAT8,
    Type::FLOAT8,
    Type::TIMESTAMPTZ,
];

/// The first reading of a key wins: a redelivery is identical, and a
/// different reading re-sent under the same meter and timestamp is counted
/// as a duplicate rather than allowed to rewrite history.
const MERGE_STAGING: &str = "
    INSERT INTO readings
        (tenant_id, property_id, meter_id, ts, energy_wh, power_w, voltage_v, current_a, received_at)
    SELECT tenant_id, property_id, meter_id, ts, energy_wh, power_w, voltage_v, current_a, received_at
    FROM readings_staging
    ON CONFLICT (meter_id, ts) DO NOTHING";

/// What one transaction writes.
#[derive(Debug, Clone, Copy, Default)]
pub struct BatchWrite<'a> {
    pub readings: &'a [AcceptedReading],
    pub events: &'a [AcceptedEvent],
    pub quarantine: &'a [QuarantineEntry],
    /// Quarantine entries whose readings this batch re-submits; they are
    /// marked replayed in the same transaction.
    pub replayed: &'a [i64],
    /// Buckets the stream stage changed; at most one row per bucket.
    pub rollups: &'a [RollupRow],
    /// Processor state after this batch; at most one row per key.
    pub state: &'a [StateRow],
    /// Alerts the batch raised or updated; at most one row per alert.
    pub alerts: &'a [AlertRow],
}

/// What a committed batch changed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct WriteReport {
    /// Readings that were new.
    pub inserted: u64,
    /// Readings whose key was already stored (redeliveries, duplicates).
    pub duplicates: u64,
    /// Quarantine entries stored.
    pub quarantined: u64,
    /// Integration events, ledger entries and logins that were new.
    pub events_inserted: u64,
    /// Events whose id was already stored.
    pub events_duplicates: u64,
    /// Rollup buckets inserted or updated.
    pub rollups: u64,
    /// Alerts new or changed.
    pub alerts: u64,
}

impl WriteReport {
    /// Adds another part's counts to these.
    pub fn add(&mut self, other: WriteReport) {
        self.inserted += other.inserted;
        self.duplicates += other.duplicates;
        self.quarantined += other.quarantined;
        self.events_inserted += other.events_inserted;
        self.events_duplicates += other.events_duplicates;
        self.rollups += other.rollups;
        self.alerts += other.alerts;
    }
}

/// Prepares a fresh connection for [`write_batch`].
///
/// # Errors
///
/// The staging table cannot be created (usually: migrations have not run).
pub async fn prepare_session(client: &Client) -> Result<(), StorageError> {
    client
        .batch_execute(CREATE_STAGING)
        .await
        .map_err(|e| StorageError::new("creating the staging table", e))
}

/// Writes one batch in one transaction.
///
/// # Errors
///
/// Nothing of the batch is stored when this fails; the error's kind says
/// whether to retry it whole or to split it to find a refused row.
///
/// # Cancel safety
///
/// Not cancel safe in the sense that a cancelled call leaves the connection
/// mid-transaction; drop the client after cancelling.
pub async fn write_batch(
    client: &mut Client,
    batch: BatchWrite<'_>,
) -> Result<WriteReport, StorageError> {
    let tx = client
        .transaction()
        .await
        .map_err(|e| StorageError::new("starting a batch", e))?;
    stage_readings(&tx, batch.readings).await?;
    // The statements after the copy are independent of each other, so they
    // are sent together and the connection pipelines them: one wait for
    // the server instead of one per statement. The server runs them in the
    // order they reach it, and after a failure the rest fail only because
    // the transaction is aborted, so every result is awaited and the error
    // reported is the one that names the real cause.
    let replayed = async {
        if batch.replayed.is_empty() {
            return Ok(0);
        }
        quarantine::mark_replayed(&tx, batch.replayed).await
    };
    let (inserted, events, quarantined, replayed, rollups, state, alerts) = tokio::join!(
        merge_staged(&tx, batch.readings.len()),
        events::insert(&tx, batch.events),
        quarantine::insert(&tx, batch.quarantine),
        replayed,
        rollups::upsert(&tx, batch.rollups),
        state::save(&tx, batch.state),
        alerts::upsert(&tx, batch.alerts),
    );
    let mut failures = Vec::new();
    let inserted = settled(inserted, &mut failures);
    let events = settled(events, &mut failures);
    let quarantined = settled(quarantined, &mut failures);
    settled(replayed, &mut failures);
    let rollups = settled(rollups, &mut failures);
    settled(state, &mut failures);
    let alerts = settled(alerts, &mut failures);
    if let Some(cause) = StorageError::first_cause(failures) {
        return Err(cause);
    }
    tx.commit()
        .await
        .map_err(|e| StorageError::new("committing a batch", e))?;

    let staged = batch.readings.len() as u64;
    Ok(WriteReport {
        inserted,
        duplicates: staged - inserted,
        quarantined,
        events_inserted: events.inserted,
        events_duplicates: events.duplicates,
        rollups,
        alerts,
    })
}

/// A pipelined statement's value, or its default with the error set aside.
fn settled<T: Default>(result: Result<T, StorageError>, failures: &mut Vec<StorageError>) -> T {
    result.unwrap_or_else(|err| {
        failures.push(err);
        T::default()
    })
}

/// Copies the batch's readings into the session's staging table.
async fn stage_readings(
    tx: &Transaction<'_>,
    readings: &[AcceptedReading],
) -> Result<(), StorageError> {
    if readings.is_empty() {
        return Ok(());
    }
    let sink = tx
        .copy_in(COPY_STAGING)
        .await
        .map_err(|e| StorageError::new("starting the readings copy", e))?;
    let writer = BinaryCopyInWriter::new(sink, COPY_TYPES);
    pin_mut!(writer);
    for r in readings {
        let row: [&(dyn ToSql + Sync); 9] = [
            &&*r.tenant_id,
            &&*r.property_id,
            &r.reading.meter_id,
            &r.reading.ts,
            &r.reading.energy_wh,
            &r.reading.power_w,
            &r.reading.voltage_v,
            &r.reading.current_a,
            &r.received_at,
        ];
        writer
            .as_mut()
            .write(&row)
            .await
            .map_err(|e| StorageError::new("copying readings", e))?;
    }
    writer
        .finish()
        .await
        .map_err(|e| StorageError::new("finishing the readings copy", e))?;
    Ok(())
}

/// Moves the staged readings into `readings`, skipping those already
/// stored; returns how many were new.
async fn merge_staged(tx: &Transaction<'_>, staged: usize) -> Result<u64, StorageError> {
    if staged == 0 {
        return Ok(0);
    }
    tx.execute(MERGE_STAGING, &[])
        .await
        .map_err(|e| StorageError::new("merging staged readings", e))
}

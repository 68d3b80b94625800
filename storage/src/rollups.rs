//! Energy rollups: upserted by the stream stage inside its batch's
//! transaction, replaced range by range by the recompute command.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use tokio_postgres::{Client, GenericClient, Transaction};

use crate::error::StorageError;

/// One meter's bucket, in full. A later row for the same meter, width and
/// start replaces an earlier one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RollupRow {
    pub tenant_id: Arc<str>,
    pub property_id: Arc<str>,
    pub meter_id: String,
    /// `15m`, `1h` or `1d`.
    pub width: &'static str,
    pub bucket_start: DateTime<Utc>,
    pub bucket_end: DateTime<Utc>,
    pub energy_wh: i64,
    pub estimated: bool,
    /// Counts of gaps, rollovers, resets, implausible advances, over-long
    /// silences and conflicting readings, in that order.
    pub flags: [i32; 6],
    pub is_final: bool,
}

const UPSERT: &str = "
    INSERT INTO energy_rollups
        (tenant_id, property_id, meter_id, width, bucket_start, bucket_end, energy_wh, estimated,
         gaps, rollovers, resets, implausible, too_long, conflicts, is_final)
    SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::timestamptz[],
                         $6::timestamptz[], $7::int8[], $8::bool[], $9::int4[], $10::int4[],
                         $11::int4[], $12::int4[], $13::int4[], $14::int4[], $15::bool[])
    ON CONFLICT (meter_id, width, bucket_start) DO UPDATE SET
        tenant_id = EXCLUDED.tenant_id, property_id = EXCLUDED.property_id,
        bucket_end = EXCLUDED.bucket_end, energy_wh = EXCLUDED.energy_wh,
        estimated = EXCLUDED.estimated, gaps = EXCLUDED.gaps, rollovers = EXCLUDED.rollovers,
        resets = EXCLUDED.resets, implausible = EXCLUDED.implausible,
        too_long = EXCLUDED.too_long, conflicts = EXCLUDED.conflicts,
        is_final = EXCLUDED.is_final, updated_at = now()";

/// Upserts `rows`, which must not name one bucket twice (PostgreSQL refuses
/// to update a row twice in one statement).
///
/// # Errors
///
/// The statement failed; nothing of it is applied.
pub async fn upsert(client: &impl GenericClient, rows: &[RollupRow]) -> Result<u64, StorageError> {
    if rows.is_empty() {
        return Ok(0);
    }
    let col = |f: fn(&RollupRow) -> &str| rows.iter().map(f).collect::<Vec<&str>>();
    let flag = |i: usize| rows.iter().map(|r| r.flags[i]).collect::<Vec<i32>>();
    let starts: Vec<DateTime<Utc>> = rows.iter().map(|r| r.bucket_start).collect();
    let ends: Vec<DateTime<Utc>> = rows.iter().map(|r| r.bucket_end).collect();
    let energy: Vec<i64> = rows.iter().map(|r| r.energy_wh).collect();
    let estimated: Vec<bool> = rows.iter().map(|r| r.estimated).collect();
    let finals: Vec<bool> = rows.iter().map(|r| r.is_final).collect();
    let (tenants, properties) = (col(|r| &r.tenant_id), col(|r| &r.property_id));
    let (meters, widths) = (col(|r| &r.meter_id), col(|r| r.width));
    let flags: Vec<Vec<i32>> = (0..6).map(flag).collect();

    client
        .execute(
            UPSERT,
            &[
                &tenants,
                &properties,
                &meters,
                &widths,
                &starts,
                &ends,
                &energy,
                &estimated,
                &flags[0],
                &flags[1],
                &flags[2],
                &flags[3],
                &flags[4],
                &flags[5],
                &finals,
            ],
        )
        .await
        .map_err(|e| StorageError::new("upserting rollups", e))
}

/// One stored reading's register, for recomputing rollups.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RegisterRow {
    pub ts: DateTime<Utc>,
    pub energy_wh: i64,
}

/// The meters with readings in `[from, to)`, with their owners, in meter
/// order.
///
/// # Errors
///
/// The query failed.
pub async fn meters_with_readings(
    client: &Client,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    meter: Option<&str>,
) -> Result<Vec<(String, String, String)>, StorageError> {
    let rows = client
        .query(
            "SELECT meter_id, min(tenant_id), min(property_id) FROM readings
             WHERE ts >= $1 AND ts < $2 AND ($3::text IS NULL OR meter_id = $3)
             GROUP BY meter_id ORDER BY meter_id",
            &[&from, &to, &meter],
        )
        .await
        .map_err(|e| StorageError::new("listing meters to recompute", e))?;
    Ok(rows
        .iter()
        .map(|r| (r.get(0), r.get(1), r.get(2)))
        .collect())
}

/// A meter's stored registers from the last one before `from` to the first
/// one at or after `to`, oldest first: the readings whose intervals reach
/// into `[from, to)`.
///
/// # Errors
///
/// The query failed.
pub async fn registers_around(
    client: &Client,
    meter_id: &str,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<Vec<RegisterRow>, StorageError> {
    let rows = client
        .query(
            "(SELECT ts, energy_wh FROM readings WHERE meter_id = $1 AND ts < $2
                ORDER BY ts DESC LIMIT 1)
             UNION ALL
             (SELECT ts, energy_wh FROM readings WHERE meter_id = $1 AND ts >= $2 AND ts < $3)
             UNION ALL
             (SELECT ts, energy_wh FROM readings WHERE meter_id = $1 AND ts >= $3
                ORDER BY ts LIMIT 1)
             ORDER BY ts",
            &[&meter_id, &from, &to],
        )
        .await
        .map_err(|e| StorageError::new("reading registers to recompute", e))?;
    Ok(rows
        .iter()
        .map(|r| RegisterRow {
            ts: r.get(0),
            energy_wh: r.get(1),
        })
        .collect())
}

/// Replaces a meter's buckets that start in `[from, to)` with `rows`, in
/// one transaction: buckets that no longer exist (a gap now held out, say)
/// disappear rather than linger.
///
/// # Errors
///
/// A statement failed; the meter's rollups are as they were.
pub async fn replace_range(
    client: &mut Client,
    meter_id: &str,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    rows: &[RollupRow],
) -> Result<u64, StorageError> {
    let tx: Transaction<'_> = client
        .transaction()
        .await
        .map_err(|e| StorageError::new("starting a recompute", e))?;
    tx.execute(
        "DELETE FROM energy_rollups
         WHERE meter_id = $1 AND bucket_start >= $2 AND bucket_start < $3",
        &[&meter_id, &from, &to],
    )
    .await
    .map_err(|e| StorageError::new("clearing rollups to recompute", e))?;
    let written = upsert(&tx, rows).await?;
    tx.commit()
        .await
        .map_err(|e| StorageError::new("committing a recompute", e))?;
    Ok(written)
}

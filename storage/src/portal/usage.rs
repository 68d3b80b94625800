//! Energy usage from `energy_rollups`, summed per bucket over the meters
//! of a meter, a property or a whole tenant.

use chrono::{DateTime, Utc};
use tokio_postgres::Transaction;

use super::Scope;
use crate::error::StorageError;

/// Whose usage to sum.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Subject<'a> {
    Meter(&'a str),
    Property(&'a str),
    Tenant,
}

/// Which buckets: a width (`15m`, `1h` or `1d`) and starts in `[from, to)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window<'a> {
    pub width: &'a str,
    pub from: DateTime<Utc>,
    pub to: DateTime<Utc>,
}

/// One bucket summed over the subject's meters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UsageBucket {
    pub bucket_start: DateTime<Utc>,
    pub bucket_end: DateTime<Utc>,
    pub energy_wh: i64,
    /// Meters with a rollup in this bucket.
    pub meters: i64,
    /// Some of it is a gap's consumption spread by time.
    pub estimated: bool,
    /// No meter had a reset, an implausible jump or an over-long silence.
    pub complete: bool,
    /// No reading the stream can still accept would change it.
    pub is_final: bool,
}

/// The unit filter keeps a resident to the meters of their units; the
/// property filter keeps landlords and service providers to theirs.
const SUM: &str = "
    SELECT bucket_start, max(bucket_end), sum(energy_wh)::bigint, count(*),
           bool_or(estimated), bool_and(resets + implausible + too_long = 0), bool_and(is_final)
    FROM energy_rollups
    WHERE width = $1 AND bucket_start >= $2 AND bucket_start < $3
      AND ($4::text IS NULL OR tenant_id = $4)
      AND ($5::text IS NULL OR property_id = $5)
      AND ($6::text IS NULL OR meter_id = $6)
      AND ($7::text[] IS NULL OR property_id = ANY($7))
      AND ($8::text[] IS NULL OR meter_id IN (
              SELECT meter_id FROM meters
              WHERE unit_id = ANY($8) AND ($4::text IS NULL OR tenant_id = $4)))
    GROUP BY bucket_start
    ORDER BY bucket_start
    LIMIT $9";

/// A meter or property is visible when the scope holds a registered meter
/// of it; the caller answers "not found" otherwise, whether it exists for
/// another tenant or not at all.
const VISIBLE: &str = "
    SELECT EXISTS (
        SELECT 1 FROM meters
        WHERE ($1::text IS NULL OR tenant_id = $1)
          AND ($2::text IS NULL OR property_id = $2)
          AND ($3::text IS NULL OR meter_id = $3)
          AND ($4::text[] IS NULL OR property_id = ANY($4))
          AND ($5::text[] IS NULL OR unit_id = ANY($5)))";

/// Whether `subject` exists within `scope`.
///
/// # Errors
///
/// The query failed.
pub async fn visible(
    tx: &Transaction<'_>,
    scope: &Scope,
    subject: Subject<'_>,
) -> Result<bool, StorageError> {
    let (property, meter) = split(subject);
    if subject == Subject::Tenant {
        return Ok(true);
    }
    let row = tx
        .query_one(
            VISIBLE,
            &[
                &scope.sql_tenant(),
                &property,
                &meter,
                &scope.properties,
                &scope.units,
            ],
        )
        .await
        .map_err(|e| StorageError::new("checking what the caller may see", e))?;
    Ok(row.get(0))
}

/// The subject's buckets in `window`, oldest first, at most `limit`.
///
/// # Errors
///
/// The query failed (a statement timeout is a `Transient` error).
pub async fn buckets(
    tx: &Transaction<'_>,
    scope: &Scope,
    subject: Subject<'_>,
    window: Window<'_>,
    limit: i64,
) -> Result<Vec<UsageBucket>, StorageError> {
    let (property, meter) = split(subject);
    let rows = tx
        .query(
            SUM,
            &[
                &window.width,
                &window.from,
                &window.to,
                &scope.sql_tenant(),
                &property,
                &meter,
                &scope.properties,
                &scope.units,
                &limit,
            ],
        )
        .await
        .map_err(|e| StorageError::new("summing energy rollups", e))?;
    Ok(rows
        .iter()
        .map(|r| UsageBucket {
            bucket_start: r.get(0),
            bucket_end: r.get(1),
            energy_wh: r.get(2),
            meters: r.get(3),
            estimated: r.get(4),
            complete: r.get(5),
            is_final: r.get(6),
        })
        .collect())
}

fn split(subject: Subject<'_>) -> (Option<&str>, Option<&str>) {
    match subject {
        Subject::Meter(m) => (None, Some(m)),
        Subject::Property(p) => (Some(p), None),
        Subject::Tenant => (None, None),
    }
}

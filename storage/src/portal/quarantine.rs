//! The quarantine as a tenant's administrators see it: the refused records
//! of their own meters.

use chrono::{DateTime, Utc};
use tokio_postgres::{Row, Transaction};

use super::Scope;
use crate::error::StorageError;

/// A quarantine row without its bytes, as lists show it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuarantineSummary {
    pub id: i64,
    pub received_at: DateTime<Utc>,
    pub quarantined_at: DateTime<Utc>,
    pub transport: String,
    pub topic: String,
    pub kafka_partition: Option<i32>,
    pub kafka_offset: Option<i64>,
    pub item_index: Option<i32>,
    pub reason_code: String,
    pub reason: String,
    pub meter_id: Option<String>,
    pub replayed_at: Option<DateTime<Utc>>,
    pub raw_bytes: i32,
}

const COLUMNS: &str = "id, received_at, quarantined_at, transport, topic, kafka_partition, \
                       kafka_offset, item_index, reason_code, reason, meter_id, replayed_at, \
                       octet_length(raw)";

/// Lists entries newest first, optionally of one reason, with ids below
/// `before_id` (the keyset cursor), at most `limit`.
///
/// # Errors
///
/// The query failed.
pub async fn list(
    tx: &Transaction<'_>,
    scope: &Scope,
    reason_code: Option<&str>,
    before_id: Option<i64>,
    limit: i64,
) -> Result<Vec<QuarantineSummary>, StorageError> {
    let sql = format!(
        "SELECT {COLUMNS} FROM quarantine
         WHERE ($1::text IS NULL OR tenant_id = $1)
           AND ($2::text IS NULL OR reason_code = $2)
           AND ($3::bigint IS NULL OR id < $3)
         ORDER BY id DESC LIMIT $4"
    );
    let rows = tx
        .query(
            &sql,
            &[&scope.sql_tenant(), &reason_code, &before_id, &limit],
        )
        .await
        .map_err(|e| StorageError::new("listing the tenant's quarantine", e))?;
    Ok(rows.iter().map(summary).collect())
}

/// One entry with its exact bytes; `None` when the scope holds no such
/// entry.
///
/// # Errors
///
/// The query failed.
pub async fn detail(
    tx: &Transaction<'_>,
    scope: &Scope,
    id: i64,
) -> Result<Option<(QuarantineSummary, Vec<u8>)>, StorageError> {
    let sql = format!(
        "SELECT {COLUMNS}, raw FROM quarantine
         WHERE id = $1 AND ($2::text IS NULL OR tenant_id = $2)"
    );
    let row = tx
        .query_opt(&sql, &[&id, &scope.sql_tenant()])
        .await
        .map_err(|e| StorageError::new("reading a quarantine entry", e))?;
    Ok(row.map(|r| (summary(&r), r.get(13))))
}

fn summary(r: &Row) -> QuarantineSummary {
    QuarantineSummary {
        id: r.get(0),
        received_at: r.get(1),
        quarantined_at: r.get(2),
        transport: r.get(3),
        topic: r.get(4),
        kafka_partition: r.get(5),
        kafka_offset: r.get(6),
        item_index: r.get(7),
        reason_code: r.get(8),
        reason: r.get(9),
        meter_id: r.get(10),
        replayed_at: r.get(11),
        raw_bytes: r.get(12),
    }
}

//! The quarantine table: refused records with their reason and exact bytes.

use chrono::{DateTime, Utc};
use futures_util::pin_mut;
use nexzo_schemas::QuarantineEntry;
use tokio_postgres::binary_copy::BinaryCopyInWriter;
use tokio_postgres::types::{ToSql, Type};
use tokio_postgres::{Client, Row, Transaction};

use crate::error::StorageError;

const COPY_QUARANTINE: &str = "
    COPY quarantine
        (received_at, transport, topic, kafka_partition, kafka_offset, item_index,
         reason_code, reason, meter_id, raw)
    FROM STDIN BINARY";

const QUARANTINE_TYPES: &[Type] = &[
    Type::TIMESTAMPTZ,
    Type::TEXT,
    Type::TEXT,
    Type::INT4,
    Type::INT8,
    Type::INT4,
    Type::TEXT,
    Type::TEXT,
    Type::TEXT,
    Type::BYTEA,
];

const SELECT_COLUMNS: &str = "
    id, received_at, quarantined_at, transport, topic, kafka_partition, kafka_offset,
    item_index, reason_code, reason, meter_id, raw, replayed_at";

/// A quarantine row as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredEntry {
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
    pub raw: Vec<u8>,
    pub replayed_at: Option<DateTime<Utc>>,
}

/// Which rows to list or replay.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub reason_code: Option<String>,
    pub meter_id: Option<String>,
    pub ids: Option<Vec<i64>>,
    /// Include rows already replayed successfully.
    pub include_replayed: bool,
    /// Only rows with an id above this, for paging in id order.
    pub after_id: i64,
    pub limit: i64,
}

/// Per-reason totals.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReasonCount {
    pub reason_code: String,
    pub total: i64,
    pub pending: i64,
    pub first_received: DateTime<Utc>,
    pub last_received: DateTime<Utc>,
}

/// Stores entries inside the caller's transaction.
pub(crate) async fn insert(
    tx: &Transaction<'_>,
    entries: &[QuarantineEntry],
) -> Result<u64, StorageError> {
    if entries.is_empty() {
        return Ok(0);
    }
    let sink = tx
        .copy_in(COPY_QUARANTINE)
        .await
        .map_err(|e| StorageError::new("starting the quarantine copy", e))?;
    let writer = BinaryCopyInWriter::new(sink, QUARANTINE_TYPES);
    pin_mut!(writer);
    for e in entries {
        let position = &e.origin.position;
        let item_index = e
            .origin
            .item_index
            .map(|i| i32::try_from(i).unwrap_or(i32::MAX));
        let row: [&(dyn ToSql + Sync); 10] = [
            &e.received_at,
            &position.transport.as_str(),
            &&*position.topic,
            &position.partition,
            &position.offset,
            &item_index,
            &e.code.as_str(),
            &e.message,
            &e.meter_id,
            &&*e.origin.raw,
        ];
        writer
            .as_mut()
            .write(&row)
            .await
            .map_err(|e| StorageError::new("copying quarantine entries", e))?;
    }
    writer
        .finish()
        .await
        .map_err(|e| StorageError::new("finishing the quarantine copy", e))
}

const FILTER: &str = "
         WHERE ($1::text IS NULL OR reason_code = $1)
           AND ($2::text IS NULL OR meter_id = $2)
           AND ($3::bigint[] IS NULL OR id = ANY($3))
           AND ($4 OR replayed_at IS NULL)
           AND id > $5";

/// Counts the entries `filter` selects, ignoring its limit.
///
/// # Errors
///
/// The query failed.
pub async fn count(client: &Client, filter: &Filter) -> Result<i64, StorageError> {
    let sql = format!("SELECT count(*) FROM quarantine {FILTER}");
    let row = client
        .query_one(
            &sql,
            &[
                &filter.reason_code,
                &filter.meter_id,
                &filter.ids,
                &filter.include_replayed,
                &filter.after_id,
            ],
        )
        .await
        .map_err(|e| StorageError::new("counting the quarantine", e))?;
    Ok(row.get(0))
}

/// Lists entries in id order.
///
/// # Errors
///
/// The query failed.
pub async fn list(client: &Client, filter: &Filter) -> Result<Vec<StoredEntry>, StorageError> {
    let sql = format!("SELECT {SELECT_COLUMNS} FROM quarantine {FILTER} ORDER BY id LIMIT $6");
    let rows = client
        .query(
            &sql,
            &[
                &filter.reason_code,
                &filter.meter_id,
                &filter.ids,
                &filter.include_replayed,
                &filter.after_id,
                &filter.limit,
            ],
        )
        .await
        .map_err(|e| StorageError::new("listing the quarantine", e))?;
    Ok(rows.iter().map(stored_entry).collect())
}

/// Counts entries per reason code, most frequent first.
///
/// # Errors
///
/// The query failed.
pub async fn summary(client: &Client) -> Result<Vec<ReasonCount>, StorageError> {
    let rows = client
        .query(
            "SELECT reason_code, count(*), count(*) FILTER (WHERE replayed_at IS NULL),
                    min(received_at), max(received_at)
             FROM quarantine GROUP BY reason_code ORDER BY count(*) DESC, reason_code",
            &[],
        )
        .await
        .map_err(|e| StorageError::new("summarising the quarantine", e))?;
    Ok(rows
        .iter()
        .map(|r| ReasonCount {
            reason_code: r.get(0),
            total: r.get(1),
            pending: r.get(2),
            first_received: r.get(3),
            last_received: r.get(4),
        })
        .collect())
}

/// Marks entries as replayed inside the transaction that stored their rows.
pub(crate) async fn mark_replayed(tx: &Transaction<'_>, ids: &[i64]) -> Result<u64, StorageError> {
    tx.execute(
        "UPDATE quarantine SET replayed_at = now() WHERE id = ANY($1)",
        &[&ids],
    )
    .await
    .map_err(|e| StorageError::new("marking quarantine entries replayed", e))
}

fn stored_entry(row: &Row) -> StoredEntry {
    StoredEntry {
        id: row.get(0),
        received_at: row.get(1),
        quarantined_at: row.get(2),
        transport: row.get(3),
        topic: row.get(4),
        kafka_partition: row.get(5),
        kafka_offset: row.get(6),
        item_index: row.get(7),
        reason_code: row.get(8),
        reason: row.get(9),
        meter_id: row.get(10),
        raw: row.get(11),
        replayed_at: row.get(12),
    }
}

//! Checkpointed state of stream processors: one JSON document per
//! processor and key, upserted in the transaction of the batch that
//! changed it.

use serde_json::value::RawValue;
use tokio_postgres::types::Json;
use tokio_postgres::{Client, GenericClient};

use crate::error::StorageError;

/// One key's state. A `None` state deletes the key: the processor dropped
/// it (a meter gone, a baseline expired).
///
/// The state is JSON text, not a parsed document: a meter's checkpoint is
/// kilobytes of small values, and a batch carries one per meter it
/// touched, so building a `serde_json::Value` tree for each would cost the
/// writer far more time and memory than the text it becomes anyway.
#[derive(Debug, Clone)]
pub struct StateRow {
    /// `stream` for meter windows; a detector's name for its baselines.
    pub processor: &'static str,
    pub key: String,
    pub tenant_id: Option<String>,
    pub property_id: Option<String>,
    pub state: Option<Box<RawValue>>,
}

const UPSERT: &str = "
    INSERT INTO processor_state (processor, key, tenant_id, property_id, state)
    SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::jsonb[])
    ON CONFLICT (processor, key) DO UPDATE SET
        tenant_id = EXCLUDED.tenant_id, property_id = EXCLUDED.property_id,
        state = EXCLUDED.state, updated_at = now()";

const DELETE: &str = "
    DELETE FROM processor_state
    WHERE (processor, key) IN (SELECT * FROM unnest($1::text[], $2::text[]))";

/// Stores `rows`, which must not name one key twice.
///
/// # Errors
///
/// A statement failed; nothing of it is applied.
pub async fn save(client: &impl GenericClient, rows: &[StateRow]) -> Result<(), StorageError> {
    let (kept, dropped): (Vec<&StateRow>, Vec<&StateRow>) =
        rows.iter().partition(|r| r.state.is_some());
    if !kept.is_empty() {
        let processors: Vec<&str> = kept.iter().map(|r| r.processor).collect();
        let keys: Vec<&str> = kept.iter().map(|r| r.key.as_str()).collect();
        let tenants: Vec<Option<&str>> = kept.iter().map(|r| r.tenant_id.as_deref()).collect();
        let properties: Vec<Option<&str>> = kept.iter().map(|r| r.property_id.as_deref()).collect();
        let states: Vec<Json<&RawValue>> = kept
            .iter()
            .filter_map(|r| r.state.as_deref())
            .map(Json)
            .collect();
        client
            .execute(
                UPSERT,
                &[&processors, &keys, &tenants, &properties, &states],
            )
            .await
            .map_err(|e| StorageError::new("saving processor state", e))?;
    }
    if !dropped.is_empty() {
        let processors: Vec<&str> = dropped.iter().map(|r| r.processor).collect();
        let keys: Vec<&str> = dropped.iter().map(|r| r.key.as_str()).collect();
        client
            .execute(DELETE, &[&processors, &keys])
            .await
            .map_err(|e| StorageError::new("dropping processor state", e))?;
    }
    Ok(())
}

/// Every stored key of `processor`, with its owners.
///
/// # Errors
///
/// The query failed.
pub async fn load(client: &Client, processor: &'static str) -> Result<Vec<StateRow>, StorageError> {
    let rows = client
        .query(
            "SELECT key, tenant_id, property_id, state FROM processor_state WHERE processor = $1",
            &[&processor],
        )
        .await
        .map_err(|e| StorageError::new("loading processor state", e))?;
    Ok(rows
        .iter()
        .map(|r| StateRow {
            processor,
            key: r.get(0),
            tenant_id: r.get(1),
            property_id: r.get(2),
            state: Some(r.get::<_, Json<Box<RawValue>>>(3).0),
        })
        .collect())
}

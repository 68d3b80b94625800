//! The meter registry table.

use tokio_postgres::Client;

use crate::error::StorageError;

/// One registered meter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MeterRow {
    pub meter_id: String,
    pub tenant_id: String,
    pub property_id: String,
    pub gateway_id: Option<String>,
    pub active: bool,
}

/// The registry's change counter; it moves whenever any meter changes.
///
/// # Errors
///
/// The query failed.
pub async fn version(client: &Client) -> Result<i64, StorageError> {
    let row = client
        .query_one("SELECT version FROM meter_registry_version", &[])
        .await
        .map_err(|e| StorageError::new("reading the registry version", e))?;
    Ok(row.get(0))
}

/// Reads the whole registry together with the version it corresponds to.
///
/// # Errors
///
/// The query failed.
pub async fn load(client: &mut Client) -> Result<(i64, Vec<MeterRow>), StorageError> {
    // One snapshot for both statements, so the version matches the rows.
    let tx = client
        .build_transaction()
        .isolation_level(tokio_postgres::IsolationLevel::RepeatableRead)
        .read_only(true)
        .start()
        .await
        .map_err(|e| StorageError::new("starting the registry read", e))?;
    let version: i64 = tx
        .query_one("SELECT version FROM meter_registry_version", &[])
        .await
        .map_err(|e| StorageError::new("reading the registry version", e))?
        .get(0);
    let rows = tx
        .query(
            "SELECT meter_id, tenant_id, property_id, gateway_id, active FROM meters",
            &[],
        )
        .await
        .map_err(|e| StorageError::new("reading the registry", e))?;
    tx.commit()
        .await
        .map_err(|e| StorageError::new("finishing the registry read", e))?;

    let meters = rows
        .iter()
        .map(|r| MeterRow {
            meter_id: r.get(0),
            tenant_id: r.get(1),
            property_id: r.get(2),
            gateway_id: r.get(3),
            active: r.get(4),
        })
        .collect();
    Ok((version, meters))
}

/// Registers a meter or updates its registration.
///
/// # Errors
///
/// The statement failed.
pub async fn upsert(client: &Client, meter: &MeterRow) -> Result<(), StorageError> {
    client
        .execute(
            "INSERT INTO meters (meter_id, tenant_id, property_id, gateway_id, active)
             VALUES ($1, $2, $3, $4, $5)
             ON CONFLICT (meter_id) DO UPDATE SET
                 tenant_id = EXCLUDED.tenant_id, property_id = EXCLUDED.property_id,
                 gateway_id = EXCLUDED.gateway_id, active = EXCLUDED.active",
            &[
                &meter.meter_id,
                &meter.tenant_id,
                &meter.property_id,
                &meter.gateway_id,
                &meter.active,
            ],
        )
        .await
        .map_err(|e| StorageError::new("registering a meter", e))?;
    Ok(())
}

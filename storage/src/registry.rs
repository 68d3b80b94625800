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
    /// The property's IANA time zone for daily buckets; `None` means the
    /// pipeline's default.
    pub time_zone: Option<String>,
}

/// One registered OriginFD site.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SiteRow {
    pub site_id: String,
    pub tenant_id: String,
    pub property_id: String,
    pub active: bool,
}

/// Everything the allowlist holds.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RegistryRows {
    pub meters: Vec<MeterRow>,
    pub sites: Vec<SiteRow>,
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
pub async fn load(client: &mut Client) -> Result<(i64, RegistryRows), StorageError> {
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
            "SELECT meter_id, tenant_id, property_id, gateway_id, active, time_zone FROM meters",
            &[],
        )
        .await
        .map_err(|e| StorageError::new("reading the registry", e))?;
    let sites = tx
        .query(
            "SELECT site_id, tenant_id, property_id, active FROM integration_sites",
            &[],
        )
        .await
        .map_err(|e| StorageError::new("reading the site registry", e))?;
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
            time_zone: r.get(5),
        })
        .collect();
    let sites = sites
        .iter()
        .map(|r| SiteRow {
            site_id: r.get(0),
            tenant_id: r.get(1),
            property_id: r.get(2),
            active: r.get(3),
        })
        .collect();
    Ok((version, RegistryRows { meters, sites }))
}

/// Registers a meter or updates its registration.
///
/// # Errors
///
/// The statement failed.
pub async fn upsert(client: &Client, meter: &MeterRow) -> Result<(), StorageError> {
    client
        .execute(
            "INSERT INTO meters (meter_id, tenant_id, property_id, gateway_id, active, time_zone)
             VALUES ($1, $2, $3, $4, $5, $6)
             ON CONFLICT (meter_id) DO UPDATE SET
                 tenant_id = EXCLUDED.tenant_id, property_id = EXCLUDED.property_id,
                 gateway_id = EXCLUDED.gateway_id, active = EXCLUDED.active,
                 time_zone = EXCLUDED.time_zone",
            &[
                &meter.meter_id,
                &meter.tenant_id,
                &meter.property_id,
                &meter.gateway_id,
                &meter.active,
                &meter.time_zone,
            ],
        )
        .await
        .map_err(|e| StorageError::new("registering a meter", e))?;
    Ok(())
}

/// Registers an OriginFD site or updates its registration.
///
/// # Errors
///
/// The statement failed.
pub async fn upsert_site(client: &Client, site: &SiteRow) -> Result<(), StorageError> {
    client
        .execute(
            "INSERT INTO integration_sites (site_id, tenant_id, property_id, active)
             VALUES ($1, $2, $3, $4)
             ON CONFLICT (site_id) DO UPDATE SET
                 tenant_id = EXCLUDED.tenant_id, property_id = EXCLUDED.property_id,
                 active = EXCLUDED.active",
            &[
                &site.site_id,
                &site.tenant_id,
                &site.property_id,
                &site.active,
            ],
        )
        .await
        .map_err(|e| StorageError::new("registering a site", e))?;
    Ok(())
}

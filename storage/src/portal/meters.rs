//! The meter registry and each meter's latest reading, as the API shows
//! them, and the assignment of meters to units.

use chrono::{DateTime, Utc};
use tokio_postgres::types::ToSql;
use tokio_postgres::{Client, Transaction};

use super::Scope;
use crate::error::StorageError;

/// A registered meter as a portal shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MeterInfo {
    pub meter_id: String,
    pub property_id: String,
    pub unit_id: Option<String>,
    pub gateway_id: Option<String>,
    pub active: bool,
    pub time_zone: Option<String>,
    pub updated_at: DateTime<Utc>,
}

/// A meter's newest stored reading; the reading fields are `None` for a
/// meter that has not reported yet.
#[derive(Debug, Clone, PartialEq)]
pub struct LatestReading {
    pub meter_id: String,
    pub property_id: String,
    pub ts: Option<DateTime<Utc>>,
    pub energy_wh: Option<i64>,
    pub power_w: Option<f64>,
    pub voltage_v: Option<f64>,
    pub current_a: Option<f64>,
}

/// Which meters: those of a property or one meter, after a meter id for
/// keyset paging, at most `limit`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Selection<'a> {
    pub property_id: Option<&'a str>,
    pub meter_id: Option<&'a str>,
    pub after_meter_id: Option<&'a str>,
    pub limit: i64,
}

/// The scope's filter on `meters`, shared by both statements ($1 to $6).
const METER_FILTER: &str = "
      ($1::text IS NULL OR m.tenant_id = $1)
      AND ($2::text IS NULL OR m.property_id = $2)
      AND ($3::text IS NULL OR m.meter_id = $3)
      AND ($4::text[] IS NULL OR m.property_id = ANY($4))
      AND ($5::text[] IS NULL OR m.unit_id = ANY($5))
      AND ($6::text IS NULL OR m.meter_id > $6)";

/// Lists meters in id order.
///
/// # Errors
///
/// The query failed.
pub async fn list(
    tx: &Transaction<'_>,
    scope: &Scope,
    selection: Selection<'_>,
) -> Result<Vec<MeterInfo>, StorageError> {
    let sql = format!(
        "SELECT meter_id, property_id, unit_id, gateway_id, active, time_zone, updated_at
         FROM meters m WHERE {METER_FILTER} ORDER BY meter_id LIMIT $7"
    );
    let rows = tx
        .query(&sql, &params(scope, &scope.sql_tenant(), &selection))
        .await
        .map_err(|e| StorageError::new("listing meters", e))?;
    Ok(rows
        .iter()
        .map(|r| MeterInfo {
            meter_id: r.get(0),
            property_id: r.get(1),
            unit_id: r.get(2),
            gateway_id: r.get(3),
            active: r.get(4),
            time_zone: r.get(5),
            updated_at: r.get(6),
        })
        .collect())
}

/// Each selected meter's newest reading, in meter order. The lateral
/// lookup walks the readings' (meter, time) key backwards, one row per
/// meter, however long the history.
///
/// # Errors
///
/// The query failed.
pub async fn latest(
    tx: &Transaction<'_>,
    scope: &Scope,
    selection: Selection<'_>,
) -> Result<Vec<LatestReading>, StorageError> {
    let sql = format!(
        "SELECT m.meter_id, m.property_id, r.ts, r.energy_wh, r.power_w, r.voltage_v, r.current_a
         FROM meters m
         LEFT JOIN LATERAL (
             SELECT ts, energy_wh, power_w, voltage_v, current_a FROM readings
             WHERE readings.meter_id = m.meter_id
               AND ($1::text IS NULL OR readings.tenant_id = $1)
             ORDER BY ts DESC LIMIT 1) r ON true
         WHERE {METER_FILTER} ORDER BY m.meter_id LIMIT $7"
    );
    let rows = tx
        .query(&sql, &params(scope, &scope.sql_tenant(), &selection))
        .await
        .map_err(|e| StorageError::new("reading the latest readings", e))?;
    Ok(rows
        .iter()
        .map(|r| LatestReading {
            meter_id: r.get(0),
            property_id: r.get(1),
            ts: r.get(2),
            energy_wh: r.get(3),
            power_w: r.get(4),
            voltage_v: r.get(5),
            current_a: r.get(6),
        })
        .collect())
}

fn params<'a>(
    scope: &'a Scope,
    tenant: &'a Option<&'a str>,
    selection: &'a Selection<'a>,
) -> [&'a (dyn ToSql + Sync); 7] {
    [
        tenant,
        &selection.property_id,
        &selection.meter_id,
        &scope.properties,
        &scope.units,
        &selection.after_meter_id,
        &selection.limit,
    ]
}

/// Assigns a meter to a unit of its property (`None` removes it from any
/// unit), as the operator's command line does. Runs as the connecting
/// role, outside any tenant scope. Returns whether the meter exists.
///
/// # Errors
///
/// The statement failed.
pub async fn assign_unit(
    client: &Client,
    meter_id: &str,
    unit_id: Option<&str>,
) -> Result<bool, StorageError> {
    let changed = client
        .execute(
            "UPDATE meters SET unit_id = $2 WHERE meter_id = $1",
            &[&meter_id, &unit_id],
        )
        .await
        .map_err(|e| StorageError::new("assigning a meter to a unit", e))?;
    Ok(changed == 1)
}

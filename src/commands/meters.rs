//! `meters`: the registry from the command line.

use anyhow::Context;
use nexzo_storage::registry::{self, MeterRow};

use crate::config::Config;

/// `meters put`: registers or updates one meter. Running pipelines pick the
/// change up within `ingest.registry_refresh_ms`.
///
/// # Errors
///
/// The database is unreachable or refused the row.
pub async fn put(config: &Config, meter: MeterRow) -> anyhow::Result<()> {
    let client = nexzo_storage::connect(config.database.url.expose())
        .await
        .context("connecting")?;
    registry::upsert(&client, &meter)
        .await
        .context("registering the meter")?;
    println!(
        "meter {} registered (tenant {}, property {}, active {})",
        meter.meter_id, meter.tenant_id, meter.property_id, meter.active
    );
    Ok(())
}

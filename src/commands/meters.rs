//! `meters` and `sites`: the allowlists from the command line.

use anyhow::Context;
use nexzo_storage::portal;
use nexzo_storage::registry::{self, MeterRow, SiteRow};

use crate::config::Config;

/// `meters put`: registers or updates one meter, and places it in `unit`
/// when one is named. Running pipelines pick the change up within
/// `ingest.registry_refresh_ms`.
///
/// # Errors
///
/// The database is unreachable or refused the row.
pub async fn put(config: &Config, meter: MeterRow, unit: Option<&str>) -> anyhow::Result<()> {
    let client = nexzo_storage::connect(config.database.url.expose())
        .await
        .context("connecting")?;
    registry::upsert(&client, &meter)
        .await
        .context("registering the meter")?;
    if let Some(unit) = unit {
        portal::meters::assign_unit(&client, &meter.meter_id, Some(unit))
            .await
            .context("placing the meter in its unit")?;
        println!("meter {} serves unit {unit}", meter.meter_id);
    }
    println!(
        "meter {} registered (tenant {}, property {}, active {})",
        meter.meter_id, meter.tenant_id, meter.property_id, meter.active
    );
    Ok(())
}

/// `sites put`: registers or updates one OriginFD site. Running pipelines
/// pick the change up within `ingest.registry_refresh_ms`.
///
/// # Errors
///
/// The database is unreachable or refused the row.
pub async fn put_site(config: &Config, site: SiteRow) -> anyhow::Result<()> {
    let client = nexzo_storage::connect(config.database.url.expose())
        .await
        .context("connecting")?;
    registry::upsert_site(&client, &site)
        .await
        .context("registering the site")?;
    println!(
        "site {} registered (tenant {}, property {}, active {})",
        site.site_id, site.tenant_id, site.property_id, site.active
    );
    Ok(())
}

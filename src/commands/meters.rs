//! `meters` and `sites`: the allowlists from the command line.

use anyhow::Context;
use nexzo_storage::registry::{self, MeterRow, SiteRow};

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

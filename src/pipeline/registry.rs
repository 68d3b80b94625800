//! Keeps the shared registry snapshot in step with the `meters` table.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use nexzo_ingest::{MeterInfo, Registry, SharedRegistry, SiteInfo};
use nexzo_storage::StorageError;
use nexzo_storage::registry::{self, RegistryRows};
use tokio_postgres::Client;
use tokio_util::sync::CancellationToken;

use super::telemetry;

/// Loads the registry once, for start-up and for one-off commands.
///
/// # Errors
///
/// The registry cannot be read.
pub(crate) async fn load_registry(client: &mut Client) -> Result<(i64, Registry), StorageError> {
    let (version, rows) = registry::load(client).await?;
    telemetry::registry_loaded(version, rows.meters.len(), rows.sites.len());
    Ok((version, to_registry(rows)))
}

/// Polls the registry's change counter every `every` and swaps in a fresh
/// snapshot when it moved. Failures keep the last snapshot and are retried
/// on the next tick.
pub(super) async fn refresh_registry(
    url: String,
    shared: SharedRegistry,
    mut known: i64,
    every: Duration,
    shutdown: CancellationToken,
) {
    let mut client: Option<Client> = None;
    loop {
        tokio::select! {
            () = shutdown.cancelled() => return,
            () = tokio::time::sleep(every) => {}
        }
        match refresh_once(&url, &mut client, known).await {
            Ok(Some((version, registry))) => {
                shared.store(Arc::new(registry));
                known = version;
            }
            Ok(None) => {}
            Err(err) => {
                telemetry::registry_stale(&err);
                client = None;
            }
        }
    }
}

async fn refresh_once(
    url: &str,
    client: &mut Option<Client>,
    known: i64,
) -> Result<Option<(i64, Registry)>, StorageError> {
    if client.as_ref().is_none_or(Client::is_closed) {
        *client = Some(nexzo_storage::connect(url).await?);
    }
    let client = client.as_mut().expect("connected just above");
    if registry::version(client).await? == known {
        return Ok(None);
    }
    load_registry(client).await.map(Some)
}

fn to_registry(rows: RegistryRows) -> Registry {
    let mut interned: HashMap<String, Arc<str>> = HashMap::new();
    let mut intern = |s: String| {
        interned
            .entry(s.clone())
            .or_insert_with(|| Arc::from(s))
            .clone()
    };
    let meters = rows
        .meters
        .into_iter()
        .map(|row| {
            let info = MeterInfo {
                tenant_id: intern(row.tenant_id),
                property_id: intern(row.property_id),
                gateway_id: row.gateway_id.map(&mut intern),
                active: row.active,
                time_zone: row.time_zone.map(&mut intern),
            };
            (row.meter_id, info)
        })
        .collect();
    let sites = rows
        .sites
        .into_iter()
        .map(|row| {
            let info = SiteInfo {
                tenant_id: intern(row.tenant_id),
                property_id: intern(row.property_id),
                active: row.active,
            };
            (row.site_id, info)
        })
        .collect();
    Registry::new(meters, sites)
}

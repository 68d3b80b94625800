//! `api-keys`: integrators' credentials for the query API.

use anyhow::Context;
use ipnet::IpNet;
use nexzo_api::authz::KeyScope;
use nexzo_storage::portal::api_keys;

use crate::config::Config;

/// `api-keys create`: makes a key and prints it. The whole key is shown
/// only here; the database keeps its hash, so a lost key is replaced, not
/// recovered.
///
/// # Errors
///
/// No scope or an empty name, or the database is unreachable or refused
/// the row.
pub async fn create(
    config: &Config,
    tenant: &str,
    name: &str,
    scopes: &[KeyScope],
    allow_cidrs: &[IpNet],
) -> anyhow::Result<()> {
    let client = nexzo_storage::connect(config.database.url.expose())
        .await
        .context("connecting")?;
    let (key_id, key) = nexzo_api::create_api_key(&client, tenant, name, scopes, allow_cidrs)
        .await
        .context("creating the API key")?;
    let scopes: Vec<&str> = scopes.iter().map(|s| s.as_str()).collect();
    eprintln!(
        "key {key_id} created for tenant {tenant} ({name}; scopes {}); it is printed once, store it now:",
        scopes.join(", ")
    );
    println!("{}", key.expose());
    Ok(())
}

/// `api-keys revoke`: stops a key from authenticating. Requests already
/// being served finish; the next one presenting the key gets 401.
///
/// # Errors
///
/// The database is unreachable, or the tenant has no such key.
pub async fn revoke(config: &Config, tenant: &str, key_id: &str) -> anyhow::Result<()> {
    let client = nexzo_storage::connect(config.database.url.expose())
        .await
        .context("connecting")?;
    let revoked = api_keys::revoke(&client, tenant, key_id)
        .await
        .context("revoking the API key")?;
    anyhow::ensure!(
        revoked,
        "tenant {tenant} has no key {key_id} that is not already revoked"
    );
    println!("key {key_id} of tenant {tenant} revoked");
    Ok(())
}

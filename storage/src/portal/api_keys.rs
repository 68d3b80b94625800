//! API keys: stored as a SHA-256 of their secret, looked up through the
//! `api_key_lookup` function so the API role never reads the table.

use tokio_postgres::{Client, Transaction};

use crate::error::StorageError;

/// A key as the API needs it to authenticate a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredKey {
    pub tenant_id: String,
    pub secret_sha256: Vec<u8>,
    pub scopes: Vec<String>,
    /// CIDR blocks the key may be used from; empty means any address.
    pub allow_cidrs: Vec<String>,
    pub revoked: bool,
}

/// A new key's row. The caller generates the id and secret and hashes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewKey<'a> {
    pub key_id: &'a str,
    pub tenant_id: &'a str,
    pub name: &'a str,
    pub secret_sha256: &'a [u8],
    pub scopes: &'a [String],
    pub allow_cidrs: &'a [String],
}

/// Stores a new key, as the connecting (operator) role.
///
/// # Errors
///
/// The statement failed: a duplicate id, or a scope the table refuses
/// (both `Rejected`).
pub async fn insert(client: &Client, key: &NewKey<'_>) -> Result<(), StorageError> {
    client
        .execute(
            "INSERT INTO api_keys (key_id, tenant_id, name, secret_sha256, scopes, allow_cidrs)
             VALUES ($1, $2, $3, $4, $5, $6)",
            &[
                &key.key_id,
                &key.tenant_id,
                &key.name,
                &key.secret_sha256,
                &key.scopes,
                &key.allow_cidrs,
            ],
        )
        .await
        .map_err(|e| StorageError::new("storing an API key", e))?;
    Ok(())
}

/// Revokes a key of a tenant; requests with it fail from the next one on.
/// Returns whether such a key was active.
///
/// # Errors
///
/// The statement failed.
pub async fn revoke(client: &Client, tenant_id: &str, key_id: &str) -> Result<bool, StorageError> {
    let changed = client
        .execute(
            "UPDATE api_keys SET revoked_at = now()
             WHERE key_id = $1 AND tenant_id = $2 AND revoked_at IS NULL",
            &[&key_id, &tenant_id],
        )
        .await
        .map_err(|e| StorageError::new("revoking an API key", e))?;
    Ok(changed == 1)
}

/// Looks a key up by id inside an API transaction.
///
/// # Errors
///
/// The query failed.
pub async fn lookup(tx: &Transaction<'_>, key_id: &str) -> Result<Option<StoredKey>, StorageError> {
    let row = tx
        .query_opt(
            "SELECT tenant_id, secret_sha256, scopes, allow_cidrs, revoked
             FROM api_key_lookup($1)",
            &[&key_id],
        )
        .await
        .map_err(|e| StorageError::new("looking up an API key", e))?;
    Ok(row.map(|r| StoredKey {
        tenant_id: r.get(0),
        secret_sha256: r.get(1),
        scopes: r.get(2),
        allow_cidrs: r.get(3),
        revoked: r.get(4),
    }))
}

//! API keys for integrators and services: `nxk_<id>_<secret>`, stored as
//! a SHA-256 of id and secret, each with scopes, an optional address
//! allowlist and a revocation time.

use std::net::IpAddr;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use ipnet::IpNet;
use nexzo_schemas::Secret;
use nexzo_storage::StorageError;
use nexzo_storage::portal::api_keys::{self, NewKey, StoredKey};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;
use tokio_postgres::Client;

use super::AuthFailure;
use crate::authz::{Credential, KeyScope, Principal};

/// What every key starts with, so a leaked one is recognisable (secret
/// scanners match on it) and never mistaken for a JWT.
pub const KEY_PREFIX: &str = "nxk_";

/// Random bytes in a key id: enough that ids never collide, and public.
const KEY_ID_BYTES: usize = 12;

/// Random bytes in a key's secret: 256 bits, beyond any guessing, which is
/// why a fast hash is enough to store it.
const SECRET_BYTES: usize = 32;

/// Why a key could not be created.
#[derive(Debug, thiserror::Error)]
pub enum CreateKeyError {
    #[error("a key needs at least one scope")]
    NoScope,
    #[error("tenant and name must not be empty")]
    MissingName,
    #[error(transparent)]
    Storage(#[from] StorageError),
}

/// Creates a key for `tenant_id` and returns its id and the whole key
/// (`nxk_<id>_<secret>`), which is shown once and never stored.
///
/// # Errors
///
/// No scope, an empty tenant or name, or the insert failed.
pub async fn create_api_key(
    client: &Client,
    tenant_id: &str,
    name: &str,
    scopes: &[KeyScope],
    allow_cidrs: &[IpNet],
) -> Result<(String, Secret), CreateKeyError> {
    if scopes.is_empty() {
        return Err(CreateKeyError::NoScope);
    }
    if tenant_id.is_empty() || name.is_empty() {
        return Err(CreateKeyError::MissingName);
    }
    let key_id = hex::encode(random::<KEY_ID_BYTES>());
    let secret = URL_SAFE_NO_PAD.encode(random::<SECRET_BYTES>());
    let scopes: Vec<String> = scopes.iter().map(|s| s.as_str().to_owned()).collect();
    let cidrs: Vec<String> = allow_cidrs.iter().map(ToString::to_string).collect();
    let row = NewKey {
        key_id: &key_id,
        tenant_id,
        name,
        secret_sha256: &digest(&key_id, &secret),
        scopes: &scopes,
        allow_cidrs: &cidrs,
    };
    api_keys::insert(client, &row).await?;
    let whole = Secret::new(format!("{KEY_PREFIX}{key_id}_{secret}"));
    Ok((key_id, whole))
}

/// Splits a presented key into id and secret; `None` when it is not shaped
/// like one.
pub fn parse(token: &str) -> Option<(&str, &str)> {
    let (id, secret) = token.strip_prefix(KEY_PREFIX)?.split_once('_')?;
    let id_ok = id.len() == KEY_ID_BYTES * 2 && id.bytes().all(|b| b.is_ascii_hexdigit());
    (id_ok && !secret.is_empty() && secret.len() <= 64).then_some((id, secret))
}

/// Checks a presented secret against the stored key and the caller's
/// address, and returns whom the key speaks for.
///
/// # Errors
///
/// Unknown key, wrong secret, revoked, or an address outside the key's
/// allowlist.
pub fn check(
    stored: Option<StoredKey>,
    key_id: &str,
    secret: &str,
    address: IpAddr,
) -> Result<Principal, AuthFailure> {
    let Some(stored) = stored else {
        return Err(AuthFailure::UnknownApiKey);
    };
    let matches: bool = digest(key_id, secret)
        .ct_eq(stored.secret_sha256.as_slice())
        .into();
    if !matches {
        return Err(AuthFailure::WrongApiKeySecret);
    }
    if stored.revoked {
        return Err(AuthFailure::RevokedApiKey);
    }
    if !address_allowed(address, &stored.allow_cidrs) {
        return Err(AuthFailure::AddressNotAllowed);
    }
    Ok(Principal {
        tenant_id: stored.tenant_id,
        subject: key_id.to_owned(),
        credential: Credential::ApiKey {
            scopes: stored
                .scopes
                .iter()
                .filter_map(|s| KeyScope::parse(s))
                .collect(),
        },
    })
}

/// Whether `address` lies in one of `cidrs`; an empty list allows any. A
/// stored block that does not parse allows nothing, failing closed.
fn address_allowed(address: IpAddr, cidrs: &[String]) -> bool {
    let address = canonical(address);
    cidrs.is_empty()
        || cidrs
            .iter()
            .filter_map(|c| c.parse::<IpNet>().ok())
            .any(|net| net.contains(&address))
}

/// An IPv4 client reaching a dual-stack listener shows up as `::ffff:a.b.c.d`;
/// allowlists are written in IPv4.
pub(super) fn canonical(address: IpAddr) -> IpAddr {
    match address {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(address, IpAddr::V4),
        IpAddr::V4(_) => address,
    }
}

fn digest(key_id: &str, secret: &str) -> [u8; 32] {
    let mut hash = Sha256::new();
    hash.update(key_id.as_bytes());
    hash.update(b".");
    hash.update(secret.as_bytes());
    hash.finalize().into()
}

fn random<const N: usize>() -> [u8; N] {
    let mut bytes = [0u8; N];
    rand::fill(&mut bytes);
    bytes
}

//! Bearer tokens: signature, expiry, not-before, issuer and audience,
//! each key pinned to its one algorithm.

use jsonwebtoken::errors::ErrorKind;
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use serde::Deserialize;

use super::AuthFailure;
use crate::authz::{Credential, Principal, Role};
use crate::config::{JwtConfig, JwtKeyConfig};

/// The claims a portal token carries beside the registered ones, which
/// the validation checks.
#[derive(Debug, Deserialize)]
struct Claims {
    sub: String,
    tenant_id: String,
    role: Role,
    #[serde(default)]
    properties: Vec<String>,
    #[serde(default)]
    units: Vec<String>,
}

/// One configured key with the checks that go with it.
struct PinnedKey {
    id: String,
    algorithm: Algorithm,
    key: DecodingKey,
    validation: Validation,
}

/// Checks tokens against the configured keys.
pub struct JwtVerifier {
    keys: Vec<PinnedKey>,
}

impl std::fmt::Debug for JwtVerifier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let ids: Vec<&str> = self.keys.iter().map(|k| k.id.as_str()).collect();
        f.debug_struct("JwtVerifier").field("keys", &ids).finish()
    }
}

/// Parses a key's material for its algorithm.
pub(crate) fn decoding_key(config: &JwtKeyConfig) -> Result<DecodingKey, String> {
    let pem = config
        .public_key_pem
        .as_deref()
        .unwrap_or_default()
        .as_bytes();
    let parsed = match config.algorithm.as_str() {
        "HS256" => {
            let secret = config.secret.as_ref().map(|s| s.expose().as_bytes());
            return Ok(DecodingKey::from_secret(secret.unwrap_or_default()));
        }
        "RS256" => DecodingKey::from_rsa_pem(pem),
        "ES256" => DecodingKey::from_ec_pem(pem),
        other => return Err(format!("unsupported algorithm {other:?}")),
    };
    parsed.map_err(|e| format!("not a {} public key in PEM: {e}", config.algorithm))
}

impl JwtVerifier {
    /// Builds the verifier from configuration `problems()` has passed.
    ///
    /// # Errors
    ///
    /// A key cannot be parsed (which `problems()` reports first).
    pub fn new(config: &JwtConfig) -> Result<Self, String> {
        let keys = config
            .keys
            .iter()
            .map(|k| pinned(config, k))
            .collect::<Result<_, _>>()?;
        Ok(Self { keys })
    }

    /// Checks `token` and returns whom it speaks for.
    ///
    /// # Errors
    ///
    /// Why the token is refused; the first failing check of the last key
    /// tried.
    pub fn verify(&self, token: &str) -> Result<Principal, AuthFailure> {
        let header = jsonwebtoken::decode_header(token).map_err(|_| AuthFailure::MalformedToken)?;

        // A key verifies its own algorithm only: a token whose header names
        // another one (HS256 over an RSA public key, say) finds no key.
        let mut candidates = self.keys.iter().filter(|k| {
            k.algorithm == header.alg && header.kid.as_ref().is_none_or(|kid| *kid == k.id)
        });
        let mut failure = AuthFailure::UnknownKey;
        for key in &mut candidates {
            match jsonwebtoken::decode::<Claims>(token, &key.key, &key.validation) {
                Ok(data) => return principal(data.claims),
                Err(e) => failure = classify(e.kind()),
            }
        }
        Err(failure)
    }
}

fn pinned(config: &JwtConfig, key: &JwtKeyConfig) -> Result<PinnedKey, String> {
    let algorithm = match key.algorithm.as_str() {
        "HS256" => Algorithm::HS256,
        "RS256" => Algorithm::RS256,
        "ES256" => Algorithm::ES256,
        other => return Err(format!("unsupported algorithm {other:?}")),
    };
    let mut validation = Validation::new(algorithm);
    validation.set_issuer(&[&config.issuer]);
    validation.set_audience(&[&config.audience]);
    validation.set_required_spec_claims(&["exp", "nbf", "iss", "aud", "sub"]);
    validation.validate_nbf = true;
    validation.leeway = config.leeway_secs;
    Ok(PinnedKey {
        id: key.id.clone(),
        algorithm,
        key: decoding_key(key)?,
        validation,
    })
}

fn principal(claims: Claims) -> Result<Principal, AuthFailure> {
    if claims.tenant_id.is_empty() || claims.sub.is_empty() {
        return Err(AuthFailure::BadClaims);
    }
    Ok(Principal {
        tenant_id: claims.tenant_id,
        subject: claims.sub,
        credential: Credential::User {
            role: claims.role,
            properties: claims.properties,
            units: claims.units,
        },
    })
}

fn classify(kind: &ErrorKind) -> AuthFailure {
    match kind {
        ErrorKind::ExpiredSignature => AuthFailure::Expired,
        ErrorKind::ImmatureSignature => AuthFailure::NotYetValid,
        ErrorKind::InvalidAudience => AuthFailure::WrongAudience,
        ErrorKind::InvalidIssuer => AuthFailure::WrongIssuer,
        ErrorKind::InvalidAlgorithm => AuthFailure::UnknownKey,
        ErrorKind::InvalidSignature => AuthFailure::BadSignature,
        ErrorKind::MissingRequiredClaim(_)
        | ErrorKind::InvalidClaimFormat(_)
        | ErrorKind::Json(_) => AuthFailure::BadClaims,
        _ => AuthFailure::MalformedToken,
    }
}

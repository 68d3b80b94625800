//! Authentication: a bearer token (JWT) or an API key in the
//! `Authorization: Bearer …` header, turned into a [`Principal`] by the
//! [`Caller`] extractor, which also applies the per-credential rate limit.

pub mod address;
pub mod api_key;
pub(crate) mod jwt;

use std::net::{IpAddr, Ipv4Addr};

use axum::extract::FromRequestParts;
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;
use metrics::counter;
use nexzo_storage::portal::{self, Access};
use tracing::{debug, warn};

use self::address::ClientAddress;
use crate::authz::Principal;
use crate::error::ApiError;
use crate::state::AppState;

pub use jwt::JwtVerifier;

/// Why a request was not authenticated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum AuthFailure {
    #[error("an Authorization: Bearer header is required")]
    MissingCredential,
    #[error("the token is not valid")]
    MalformedToken,
    #[error("the token is not valid")]
    BadSignature,
    #[error("the token is not valid")]
    UnknownKey,
    #[error("the token is not valid")]
    BadClaims,
    #[error("the token is not valid")]
    WrongAudience,
    #[error("the token is not valid")]
    WrongIssuer,
    #[error("the token has expired")]
    Expired,
    #[error("the token is not valid yet")]
    NotYetValid,
    #[error("the API key is not valid")]
    UnknownApiKey,
    #[error("the API key is not valid")]
    WrongApiKeySecret,
    #[error("the API key is not valid")]
    RevokedApiKey,
    #[error("the API key is not valid")]
    AddressNotAllowed,
}

impl AuthFailure {
    /// The code the caller sees: expiry and not-before are told apart so a
    /// client knows to refresh; every other token or key failure looks
    /// the same, so a thief learns nothing about the key they hold.
    pub fn code(self) -> &'static str {
        match self {
            Self::MissingCredential => "missing_credentials",
            Self::Expired => "token_expired",
            Self::NotYetValid => "token_not_yet_valid",
            Self::MalformedToken
            | Self::BadSignature
            | Self::UnknownKey
            | Self::BadClaims
            | Self::WrongAudience
            | Self::WrongIssuer => "invalid_token",
            Self::UnknownApiKey
            | Self::WrongApiKeySecret
            | Self::RevokedApiKey
            | Self::AddressNotAllowed => "invalid_api_key",
        }
    }

    /// The precise reason, for metrics and logs only.
    pub fn reason(self) -> &'static str {
        match self {
            Self::MissingCredential => "missing",
            Self::MalformedToken => "malformed",
            Self::BadSignature => "bad_signature",
            Self::UnknownKey => "unknown_key_or_algorithm",
            Self::BadClaims => "bad_claims",
            Self::WrongAudience => "wrong_audience",
            Self::WrongIssuer => "wrong_issuer",
            Self::Expired => "expired",
            Self::NotYetValid => "not_yet_valid",
            Self::UnknownApiKey => "unknown_api_key",
            Self::WrongApiKeySecret => "wrong_api_key_secret",
            Self::RevokedApiKey => "revoked_api_key",
            Self::AddressNotAllowed => "address_not_allowed",
        }
    }

    fn record(self) {
        counter!("nexzo_api_auth_failures_total", "reason" => self.reason()).increment(1);
        match self {
            // A valid key used from elsewhere, or after revocation, may be a
            // leaked one: worth an operator's look.
            Self::RevokedApiKey | Self::AddressNotAllowed => {
                warn!(reason = self.reason(), "API key refused");
            }
            _ => debug!(reason = self.reason(), "request not authenticated"),
        }
    }
}

/// An authenticated, rate-limited caller.
#[derive(Debug, Clone)]
pub struct Caller {
    pub principal: Principal,
    pub address: IpAddr,
}

impl FromRequestParts<AppState> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        // Without the address layer (a router used bare) no allowlist can
        // match a real address, so keys with one fail closed.
        let address = parts
            .extensions
            .get::<ClientAddress>()
            .map_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED), |a| a.0);
        let principal = authenticate(parts, state, address)
            .await?
            .map_err(|failure| {
                failure.record();
                ApiError::Unauthenticated(failure)
            })?;
        state.limits().check_key(&principal.limiter_key())?;
        Ok(Self { principal, address })
    }
}

/// The outer error is the database failing; the inner one the credential.
///
/// An API key costs one lookup per request: nothing is cached, so a
/// revocation takes effect at once, and the key's last use is not recorded
/// (that would be a write per request).
async fn authenticate(
    parts: &Parts,
    state: &AppState,
    address: IpAddr,
) -> Result<Result<Principal, AuthFailure>, ApiError> {
    let Some(token) = bearer(parts) else {
        return Ok(Err(AuthFailure::MissingCredential));
    };
    if !token.starts_with(api_key::KEY_PREFIX) {
        return Ok(state.jwt().verify(token));
    }
    let Some((key_id, secret)) = api_key::parse(token) else {
        return Ok(Err(AuthFailure::UnknownApiKey));
    };

    let mut client = state.connection().await?;
    let tx = state.begin(&mut client, None, Access::ReadOnly).await?;
    let stored = portal::api_keys::lookup(&tx, key_id).await?;
    drop(tx);
    Ok(api_key::check(stored, key_id, secret, address))
}

fn bearer(parts: &Parts) -> Option<&str> {
    let value = parts.headers.get(AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
}

#[cfg(test)]
mod tests;

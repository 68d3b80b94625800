//! How bearer tokens are checked (`[api.jwt]`).

use nexzo_schemas::Secret;
use serde::{Deserialize, Serialize};

/// Shortest HS256 secret accepted, in bytes: RFC 7518 asks for a key at
/// least as long as the hash (256 bits), and a shorter one falls to an
/// offline guess from one captured token.
pub const MIN_HMAC_SECRET_BYTES: usize = 32;

/// Widest clock leeway, in seconds. Beyond five minutes an expired token
/// stays useful long enough to matter, and clocks that far apart need
/// fixing rather than tolerating.
pub const MAX_LEEWAY_SECS: u64 = 300;

/// The algorithms a key may be pinned to.
pub const ALGORITHMS: [&str; 3] = ["HS256", "RS256", "ES256"];

/// Token checks shared by every key.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct JwtConfig {
    /// The `iss` every token must carry: the identity provider's name.
    /// Required once a key is configured. Default: empty.
    pub issuer: String,
    /// The `aud` every token must include: this API's name at the identity
    /// provider, so a token minted for another service is refused.
    /// Default: `nexzo-portal-api`.
    pub audience: String,
    /// Clock difference tolerated on `exp` and `nbf`, in seconds. At most
    /// 300. Default: 30.
    pub leeway_secs: u64,
    /// The keys tokens may be signed with, each pinned to one algorithm.
    /// List the new key next to the old one while the provider rotates.
    /// Default: none (every token is refused).
    pub keys: Vec<JwtKeyConfig>,
}

/// One verification key (`[[api.jwt.keys]]`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct JwtKeyConfig {
    /// The `kid` tokens signed with this key carry. A token with a `kid`
    /// is checked against that key only; one without is tried against
    /// every key of its algorithm. Default: empty.
    pub id: String,
    /// `HS256`, `RS256` or `ES256`. The key verifies tokens of this
    /// algorithm only, whatever a token's header claims, so a public key
    /// can never be used as an HMAC secret. Default: `RS256`.
    pub algorithm: String,
    /// The shared secret of an `HS256` key, at least 32 bytes; masked in
    /// printouts. Default: none.
    pub secret: Option<Secret>,
    /// The PEM public key (`-----BEGIN PUBLIC KEY-----`) of an `RS256` or
    /// `ES256` key. Default: none.
    pub public_key_pem: Option<String>,
}

impl Default for JwtConfig {
    fn default() -> Self {
        Self {
            issuer: String::new(),
            audience: "nexzo-portal-api".into(),
            leeway_secs: 30,
            keys: Vec::new(),
        }
    }
}

impl Default for JwtKeyConfig {
    fn default() -> Self {
        Self {
            id: String::new(),
            algorithm: "RS256".into(),
            secret: None,
            public_key_pem: None,
        }
    }
}

impl JwtConfig {
    /// Every problem with the token settings.
    pub fn problems(&self) -> Vec<String> {
        let mut problems = Vec::new();
        if !self.keys.is_empty() && self.issuer.is_empty() {
            problems.push("api.jwt.issuer: required when keys are configured".into());
        }
        if self.audience.is_empty() {
            problems.push("api.jwt.audience: must not be empty".into());
        }
        if self.leeway_secs > MAX_LEEWAY_SECS {
            problems.push(format!("api.jwt.leeway_secs: at most {MAX_LEEWAY_SECS}"));
        }
        for (i, key) in self.keys.iter().enumerate() {
            problems.extend(key.problems(i));
        }
        problems
    }
}

impl JwtKeyConfig {
    fn problems(&self, index: usize) -> Vec<String> {
        let at = format!("api.jwt.keys[{index}]");
        let mut problems = Vec::new();
        if self.id.is_empty() {
            problems.push(format!("{at}.id: required, it is the tokens' kid"));
        }
        match self.algorithm.as_str() {
            "HS256" => {
                let length = self.secret.as_ref().map_or(0, |s| s.expose().len());
                if length < MIN_HMAC_SECRET_BYTES {
                    problems.push(format!(
                        "{at}.secret: an HS256 key needs a secret of at least \
                         {MIN_HMAC_SECRET_BYTES} bytes"
                    ));
                }
                if self.public_key_pem.is_some() {
                    problems.push(format!("{at}.public_key_pem: an HS256 key has none"));
                }
            }
            "RS256" | "ES256" => {
                match crate::auth::jwt::decoding_key(self) {
                    Ok(_) => {}
                    Err(why) => problems.push(format!("{at}.public_key_pem: {why}")),
                }
                if self.secret.is_some() {
                    problems.push(format!("{at}.secret: only HS256 keys have one"));
                }
            }
            other => problems.push(format!(
                "{at}.algorithm: {other:?} is not one of {}",
                ALGORITHMS.join(", ")
            )),
        }
        problems
    }
}
